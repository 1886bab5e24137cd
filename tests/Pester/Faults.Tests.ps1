# The fault suite, through the cmdlets as users run them: 5xx bursts, dropped connections (before and after the call
# took effect), throttling storms, and Ctrl+C (a pipeline Stop) in the middle of a wait, a report and a drill. What must
# hold every time: no job started twice (the sandbox's own job list), every input accounted for (an output or an error
# record each), a drill's restored resources removed, and every failure an error record with a stable id.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $acct = '123456789012'
    $sb = Start-DrSandbox -JobDuration 0
    $volumes = @(1..30 | ForEach-Object { 'vol-0f{0:x15}' -f $_ })
    $arns = @($volumes | ForEach-Object { "arn:aws:ec2:us-east-1:${acct}:volume/$_" })
    $seed = @{ regions = @(@{
                region         = 'us-east-1'
                volumes        = @($volumes | ForEach-Object { @{ id = $_; size = 8; tags = @{ DrTier = 'Bronze' } } })
                vaults         = @(@{ name = 'Faults' })
                recoveryPoints = @(@{ arn = 'arn:aws:ec2:us-east-1::snapshot/snap-0f0000000000000aa'; vault = 'Faults'; resourceArn = $arns[0]; createdAgeMinutes = 60 })
            }) } | ConvertTo-Json -Depth 8
    $null = $sb.Server.SeedFromJson($seed)
    $originals = @(Get-DrResource -ResourceType EBS | ForEach-Object ResourceId | Sort-Object)

    function Set-SandboxOption([scriptblock] $Change) {
        $sb.Server.Configure([Action[BackupDr.Sandbox.SandboxOptions]] $Change)
    }

    # Every job the sandbox holds, per resource: the witness for "started exactly once".
    function Get-JobCountByResource {
        $counts = @{}
        foreach ($j in Get-DrBackupJob -BackupVaultName Faults) { $counts[$j.ResourceArn] = 1 + [int]$counts[$j.ResourceArn] }
        $counts
    }

    # Runs a call, collecting its output and its error records (terminating or not).
    function Invoke-Collect([scriptblock] $Call) {
        $ErrorActionPreference = 'Continue'
        $errors = [System.Collections.Generic.List[object]]::new()
        $output = [System.Collections.Generic.List[object]]::new()
        try {
            foreach ($item in (& $Call 2>&1)) {
                if ($item -is [System.Management.Automation.ErrorRecord]) { $errors.Add($item) } else { $output.Add($item) }
            }
        } catch { $errors.Add($_) }
        [pscustomobject]@{ Errors = $errors; Output = $output }
    }

    # Starts a script in its own runspace (its own session, pointed at this sandbox), for a Stop in the middle.
    function Start-Child([string] $Script, [object[]] $Arguments = @()) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("param(`$m, `$e, `$k, `$a, `$l) Import-Module `$m; `$PSDefaultParameterValues = @{ '*-Dr*:EndpointUrl' = `$e; '*-Dr*:AccessKey' = `$k; '*-Dr*:SecretKey' = 'sandbox-secret-key-not-a-real-secret'; '*-Dr*:Region' = 'us-east-1' }; $Script")
        $null = $ps.AddArgument((Get-BackupDrModulePath)).AddArgument($sb.EndpointUrl).AddArgument($sb.AccessKey)
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        [pscustomobject]@{ PowerShell = $ps; Async = $ps.BeginInvoke() }
    }

    function Wait-Sent([string] $Operation, [int] $Count = 1, [int] $Seconds = 30) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (@($sb.Requests | Where-Object Operation -EQ $Operation).Count -lt $Count -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        @($sb.Requests | Where-Object Operation -EQ $Operation).Count | Should -BeGreaterOrEqual $Count
    }
}

AfterAll {
    Stop-DrSandbox
}

Describe 'Faults while starting backups' {
    BeforeEach {
        $sb.Server.ClearFaults()
        $sb.ClearRequestLog()
    }

    It 'a burst of 503s on StartBackupJob and DescribeBackupJob: retried, each resource backed up once' {
        $null = $sb.Server.AddFault('StartBackupJob', 3)
        $null = $sb.Server.AddFault('DescribeBackupJob', 3)
        $r = Invoke-Collect { $arns[0..2] | Start-DrBackup -BackupVaultName Faults -Wait }
        $r.Errors | ForEach-Object FullyQualifiedErrorId | Should -BeNullOrEmpty
        @($r.Output | Where-Object State -EQ 'COMPLETED').Count | Should -Be 3
        @($sb.Requests | Where-Object { $_.Operation -eq 'StartBackupJob' -and $_.Status -eq 503 }).Count | Should -Be 3
        $counts = Get-JobCountByResource
        foreach ($a in $arns[0..2]) { $counts[$a] | Should -Be 1 }
    }

    It 'a 503 storm no retry outlasts: every resource an error with a stable id, nothing started; a rerun starts each once' {
        # Count 100: however the fan-out spreads its retries, none of them gets through.
        $null = $sb.Server.AddFault('StartBackupJob', 100)
        $r = Invoke-Collect { $arns[3..5] | Start-DrBackup -BackupVaultName Faults }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 3 -Because 'every input is an output or an error record'
        $r.Errors | Where-Object { $_.FullyQualifiedErrorId -notlike 'ServiceUnavailableException,BackupDr.Commands.StartDrBackupCommand*' } | Should -BeNullOrEmpty
        @($r.Errors | ForEach-Object TargetObject | Sort-Object) | Should -Be @($arns[3..5] | Sort-Object)
        $r.Errors[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $sb.Server.ClearFaults()
        $again = Invoke-Collect { $arns[3..5] | Start-DrBackup -BackupVaultName Faults }
        $again.Errors | Should -BeNullOrEmpty
        @($again.Output).Count | Should -Be 3
        $counts = Get-JobCountByResource
        foreach ($a in $arns[3..5]) { $counts[$a] | Should -Be 1 }
    }

    It 'connections dropped after the start took effect: the retry returns the same job, no duplicate' {
        $rule = $sb.Server.AddFault('StartBackupJob', 2, [BackupDr.Sandbox.SandboxFaultKind]::DropAfter)
        $r = Invoke-Collect { $arns[6..7] | Start-DrBackup -BackupVaultName Faults }
        $sb.Server.Faults[0].Fired | Should -Be 2
        $r.Errors | ForEach-Object FullyQualifiedErrorId | Should -BeNullOrEmpty
        @($r.Output).Count | Should -Be 2
        @($sb.Requests | Where-Object { $_.Operation -eq 'StartBackupJob' -and $_.ErrorCode -eq 'ResponseDropped' }).Count | Should -Be 2
        $counts = Get-JobCountByResource
        $counts[$arns[6]] | Should -Be 1
        $counts[$arns[7]] | Should -Be 1
    }

    It 'connections dropped on every attempt: NetworkError for that resource, nothing started' {
        $null = $sb.Server.AddFault('StartBackupJob', 5, [BackupDr.Sandbox.SandboxFaultKind]::Drop)
        $r = Invoke-Collect { Start-DrBackup -ResourceArn $arns[8] -BackupVaultName Faults }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NetworkError,BackupDr.Commands.StartDrBackupCommand*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $r.Errors[0].Exception.Message | Should -Match '127\.0\.0\.1'
        (Get-JobCountByResource)[$arns[8]] | Should -BeNullOrEmpty
    }

    It 'a throttling storm over 11 piped resources: every one accounted for, none started twice, errors are ThrottlingException' {
        Set-SandboxOption { param($o) $o.ThrottleRate = 4; $o.ThrottleBurst = 2 }
        try {
            $r = Invoke-Collect { $arns[9..19] | Start-DrBackup -BackupVaultName Faults }
        } finally {
            Set-SandboxOption { param($o) $o.ThrottleRate = 0 }
        }
        @($sb.Requests | Where-Object Status -EQ 429).Count | Should -BeGreaterThan 0 -Because 'the storm happened'
        ($r.Output.Count + $r.Errors.Count) | Should -Be 11
        $r.Errors | Where-Object { $_.FullyQualifiedErrorId -notlike 'ThrottlingException,*' } | Should -BeNullOrEmpty
        $counts = Get-JobCountByResource
        foreach ($a in $arns[9..19]) { [int]$counts[$a] | Should -BeLessOrEqual 1 }
        @($r.Output | ForEach-Object JobId | Sort-Object -Unique).Count | Should -Be $r.Output.Count
    }
}

Describe 'Ctrl+C in the middle' {
    BeforeEach {
        $sb.Server.ClearFaults()
        $sb.ClearRequestLog()
    }

    It 'of a wait with answers failing: stops at once, the jobs are started once and a rerun finds them' {
        Set-SandboxOption { param($o) $o.JobDuration = [TimeSpan]::FromMinutes(5) }
        $null = $sb.Server.AddFault('DescribeBackupJob', 3)
        try {
            $child = Start-Child 'Start-DrBackup -ResourceArn $a -BackupVaultName Faults -Wait' @(, [string[]]$arns[20..22])
            Wait-Sent 'DescribeBackupJob' 6
            $child.Async.IsCompleted | Should -BeFalse
            $elapsed = Measure-Command { $child.PowerShell.Stop() }
            $child.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
            $elapsed.TotalSeconds | Should -BeLessThan 5
            $child.PowerShell.Dispose()
            $first = @(Get-DrBackupJob -BackupVaultName Faults | Where-Object ResourceArn -In $arns[20..22])
            $first.Count | Should -Be 3
            $again = @($arns[20..22] | Start-DrBackup -BackupVaultName Faults)
            ($again.JobId | Sort-Object) | Should -Be ($first.JobId | Sort-Object)
        } finally {
            Set-SandboxOption { param($o) $o.JobDuration = [TimeSpan]::Zero }
        }
    }

    It 'of a report whose next page hangs: stops at once, and a rerun counts every job' {
        $jobs = @(1..2500 | ForEach-Object { @{ vault = 'Faults'; resourceArn = $arns[29]; state = 'COMPLETED'; messageCategory = 'SUCCESS'; createdAgeMinutes = 10 + $_ % 600; completedAgeMinutes = 5 + $_ % 600 } })
        $null = $sb.Server.SeedFromJson((@{ regions = @(@{ region = 'us-east-1'; vaults = @(@{ name = 'Faults' }); backupJobs = $jobs }) } | ConvertTo-Json -Depth 6))
        $before = (Get-DrBackupReport -BackupVaultName Faults).TotalJobs
        $before | Should -BeGreaterOrEqual 2500
        # The first page answers; every later one is answered 20 s late, so the report is surely in the middle.
        $null = $sb.Server.AddFault('ListBackupJobs', 100, [BackupDr.Sandbox.SandboxFaultKind]::Delay, [TimeSpan]::FromSeconds(20), 1)
        $sb.ClearRequestLog()
        $child = Start-Child 'Get-DrBackupReport -BackupVaultName Faults'
        Wait-Sent 'ListBackupJobs' 1
        Start-Sleep -Milliseconds 300
        $child.Async.IsCompleted | Should -BeFalse
        $elapsed = Measure-Command { $child.PowerShell.Stop() }
        $child.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $elapsed.TotalSeconds | Should -BeLessThan 5
        $child.PowerShell.Streams.Error | ForEach-Object FullyQualifiedErrorId | Should -BeNullOrEmpty
        $child.PowerShell.Dispose()
        $sb.Server.ClearFaults()
        (Get-DrBackupReport -BackupVaultName Faults).TotalJobs | Should -Be $before
    }

    It 'of a drill, during verification: the restored volume is still removed' {
        $ledger = Join-Path $TestDrive 'drills.jsonl'
        $child = Start-Child 'Test-DrRestore -ResourceArn $a -Validation { Start-Sleep -Seconds 60; $true } -LedgerPath $l -Confirm:$false' @($arns[0], $ledger)
        Wait-Sent 'DescribeRestoreJob' 1
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (@(Get-DrResource -ResourceType EBS).Count -le $originals.Count -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        @(Get-DrResource -ResourceType EBS).Count | Should -Be ($originals.Count + 1) -Because 'the drill restored a volume'
        $child.PowerShell.Stop()
        $child.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $child.PowerShell.Dispose()
        @(Get-DrResource -ResourceType EBS | ForEach-Object ResourceId | Sort-Object) | Should -Be $originals
        @(Remove-DrDrillResource -Confirm:$false) | Should -BeNullOrEmpty -Because 'the drill left nothing to clean up'
    }

    It 'of a drill, while the restore job runs: the drill stops and Remove-DrDrillResource finds what it left' {
        Set-SandboxOption { param($o) $o.JobDuration = [TimeSpan]::FromSeconds(2) }
        try {
            $ledger = Join-Path $TestDrive 'drills2.jsonl'
            $child = Start-Child 'Test-DrRestore -ResourceArn $a -LedgerPath $l -Confirm:$false' @($arns[0], $ledger)
            Wait-Sent 'DescribeRestoreJob' 1
            $child.PowerShell.Stop()
            $child.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
            $child.PowerShell.Dispose()
            Start-Sleep -Seconds 3
        } finally {
            Set-SandboxOption { param($o) $o.JobDuration = [TimeSpan]::Zero }
        }
        $null = Remove-DrDrillResource -Confirm:$false
        @(Get-DrResource -ResourceType EBS | ForEach-Object ResourceId | Sort-Object) | Should -Be $originals
    }
}
