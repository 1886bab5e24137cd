# Regressions of issue 8 (data safety): each It is named after the defect it pins, proves "nothing sent" with the
# sandbox request log, and has a positive control that the same call with good input does send.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath

    # Runs a bad call with the request log cleared; returns its error record (terminating or not) and whether it terminated.
    function Invoke-Bad([scriptblock] $Call) {
        $sb.ClearRequestLog()
        $Error.Clear()
        $script:terminated = $false
        try { $null = . $Call 2>$null } catch { $script:terminated = $true; return $_ }
        $Error[0]
    }

    function Get-SentOperations { @($sb.Requests | ForEach-Object Operation) }
}

AfterAll {
    Stop-DrSandbox
}

Describe 'Error parameter names and categories' {
    It 'Bad region reported as -Region regression: <Name> names <Parameter>' -ForEach @(
        @{ Name = 'Get-DrBackupReport -ReportRegion'; Parameter = 'ReportRegion'; Call = { Get-DrBackupReport -ReportRegion us-east-1, Mars } }
        @{ Name = 'Copy-DrRecoveryPoint -DestinationRegion'; Parameter = 'DestinationRegion'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn 'arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0' -BackupVaultName Default -DestinationRegion Mars } }
        @{ Name = 'Start-DrBackup -CopyToRegion'; Parameter = 'CopyToRegion'; Call = { Start-DrBackup -ResourceArn $VolumeArn -CopyToRegion Mars } }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -Match '^Invalid(Copy)?Region,'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $err.Exception.ParameterName | Should -Be $Parameter
        $err.Exception.Message | Should -Match "-$Parameter"
        $sb.Requests.Count | Should -Be 0
    }

    It 'Bad region reported as -Region regression: positive control, a good -ReportRegion sends' {
        $sb.ClearRequestLog()
        $null = Get-DrBackupReport -ReportRegion us-east-1
        Get-SentOperations | Should -Contain 'ListBackupJobs'
    }

    It 'NetworkError maps to NotSpecified regression: an unreachable endpoint is a ConnectionError' {
        $err = $null
        try { Get-DrBackupJob -EndpointUrl 'http://127.0.0.1:9' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetworkError,BackupDr.Commands.GetDrBackupJobCommand*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'Secrets' {
    It 'Endpoint URL credentials echoed regression: the error, its target and details never show the userinfo' {
        $err = Invoke-Bad { Get-DrBackupJob -EndpointUrl 'http://AKIAURLKEY:UrlS3cretPw@127.0.0.1:4566' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidEndpointUrl,BackupDr.Commands.GetDrBackupJobCommand*'
        $text = ($err | Format-List * -Force | Out-String) + $err.Exception.ToString() + "$($err.TargetObject)" + "$($err.ErrorDetails)"
        $text | Should -Not -Match 'UrlS3cretPw'
        $text | Should -Not -Match 'AKIAURLKEY'
        $err.Exception.Message | Should -Match ([regex]::Escape('http://***@127.0.0.1:4566'))
        $sb.Requests.Count | Should -Be 0
    }

    It 'Public static exposes the secret regression: no output, error, warning, verbose, debug or host line shows the secret key or token' {
        $secret = 'PesterS3cretKey0123456789abcdefghijKLMNOP'
        $token = 'PesterSessionToken0123456789ZYXWVUT'
        $transcript = Join-Path $TestDrive 'secrets-transcript.txt'
        $sb.ClearRequestLog()
        $null = Start-Transcript -LiteralPath $transcript
        try {
            $records = & {
                Set-DrDefault -AccessKey AKIAPESTER0000000000 -SecretKey $secret -SessionToken $token -Region us-east-1 -EndpointUrl $sb.EndpointUrl -PassThru -Verbose -Debug
                Get-DrDefault -Verbose
                Get-DrDefault -AccessKey AKIAOTHER00000000000 -SecretKey $secret -SessionToken $token
                Get-DrBackupJob -Verbose -Debug
                Get-DrBackupJob -AccessKey AKIAPESTER0000000000 -SecretKey $secret -SessionToken $token -Verbose -Debug
                try { Get-DrBackupJob -AccessKey AKIAPESTER0000000000 -SecretKey $secret -EndpointUrl "http://AKIAPESTER:$secret@127.0.0.1:4566" -Verbose -Debug } catch { $_ }
                try { Get-DrBackupJob -SecretKey $secret -Verbose } catch { $_ }
                Set-DrDefault -AccessKey AKIAPESTER0000000000 -SecretKey $secret -SessionToken $token -WhatIf -Verbose
            } *>&1
        }
        finally {
            $null = Stop-Transcript
            Set-DrDefault -AccessKey $sb.AccessKey -SecretKey 'sandbox' -Region us-east-1 -EndpointUrl $sb.EndpointUrl
        }

        $text = foreach ($r in $records) {
            $r | Format-List * -Force | Out-String
            "$r"
            if ($r -is [System.Management.Automation.ErrorRecord]) { $r.Exception.ToString(); "$($r.TargetObject)"; "$($r.ErrorDetails)" }
        }
        $all = ($text -join "`n") + (Get-Content -LiteralPath $transcript -Raw)

        # Positive control: the calls ran with those credentials (the sandbox answered them, errors were written).
        Get-SentOperations | Should -Contain 'ListBackupJobs'
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterThan 0
        $all | Should -Match 'What if'

        $all | Should -Not -Match ([regex]::Escape($secret))
        $all | Should -Not -Match ([regex]::Escape($token))
    }
}

Describe 'Terminating vs non-terminating' {
    It 'a call-wide parameter of Start-DrBackup stops the whole call once, nothing sent' {
        $err = Invoke-Bad { Start-DrBackup -ResourceArn $VolumeArn, $DbArn -ColdStorageAfterDays 30 -DeleteAfterDays 60 }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidLifecycle,BackupDr.Commands.StartDrBackupCommand*'
        $script:terminated | Should -BeTrue
        $sb.Requests.Count | Should -Be 0
    }

    It 'a bad ARN among good ones is non-terminating: the good one is still started' {
        $sb.ClearRequestLog()
        $errs = $null
        $jobs = @(Start-DrBackup -ResourceArn 'arn:nope', $DbArn -ErrorVariable errs -ErrorAction SilentlyContinue)
        $jobs.Count | Should -Be 1
        $jobs[0].ResourceArn | Should -Be $DbArn
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidResourceArn,*'
    }
}

Describe 'Tags' {
    It 'Null tag value writes an empty value regression: <Name> refuses @{ k = $null }, nothing sent' -ForEach @(
        @{ Name = 'Set-DrBackupTag -Tag'; Class = 'SetDrBackupTagCommand'; Call = { Set-DrBackupTag -ResourceArn $VolumeArn -Tag @{ Owner = $null } } }
        @{ Name = 'Start-DrBackup -RecoveryPointTag'; Class = 'StartDrBackupCommand'; Call = { Start-DrBackup -ResourceArn $VolumeArn, $DbArn -RecoveryPointTag @{ Owner = $null } } }
        @{ Name = 'Get-DrResource -Tag'; Class = 'GetDrResourceCommand'; Call = { Get-DrResource -Tag @{ Owner = $null } } }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -BeLike "NullTagValue,BackupDr.Commands.$Class*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match "'Owner' is \`$null"
        $script:terminated | Should -BeTrue
        $sb.Requests.Count | Should -Be 0
    }

    It 'Null tag value writes an empty value regression: positive control, an empty string value is sent' {
        $sb.ClearRequestLog()
        Set-DrBackupTag -ResourceArn $VolumeArn -Tag @{ Owner = '' }
        Get-SentOperations | Should -Contain 'CreateTags'
        (Get-DrResource -ResourceType EBS | Where-Object ResourceArn -eq $VolumeArn).Tags['Owner'] | Should -Be ''

        $sb.ClearRequestLog()
        $job = Start-DrBackup -ResourceArn $VolumeArn -RecoveryPointTag @{ Owner = 'ops' }
        $job.ResourceArn | Should -Be $VolumeArn
        Get-SentOperations | Should -Contain 'StartBackupJob'
    }
}

Describe 'Reports and time windows' {
    It 'HtmlPath in a missing folder regression: refused up front with HtmlPathFolderNotFound, nothing sent' {
        $path = Join-Path $TestDrive 'no-such-folder/report.html'
        $err = Invoke-Bad { Get-DrBackupReport -HtmlPath $path }
        $err.FullyQualifiedErrorId | Should -BeLike 'HtmlPathFolderNotFound,BackupDr.Commands.GetDrBackupReportCommand*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'no-such-folder'
        $script:terminated | Should -BeTrue
        $sb.Requests.Count | Should -Be 0
    }

    It 'HtmlPath in a missing folder regression: positive control, an existing folder gets the page' {
        $path = Join-Path $TestDrive 'report.html'
        $sb.ClearRequestLog()
        $report = Get-DrBackupReport -HtmlPath $path
        $report | Should -Not -BeNullOrEmpty
        Get-SentOperations | Should -Contain 'ListBackupJobs'
        Get-Content -LiteralPath $path -Raw | Should -Match '<!DOCTYPE html>'
    }

    It 'HtmlPath write failure loses the report regression: the report is still emitted, with an HtmlReportWriteFailed error' {
        $path = Join-Path $TestDrive (('r' * 300) + '.html')
        $errs = $null
        $out = Get-DrBackupReport -HtmlPath $path -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $out.GetType().Name | Should -Be 'BackupReport'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HtmlReportWriteFailed,BackupDr.Commands.GetDrBackupReportCommand*'
        $errs[0].Exception.InnerException | Should -Not -BeNullOrEmpty
    }

    It 'Vault typo gives 0 jobs and no warning regression: <Name> with a missing vault is BackupVaultNotFound' -ForEach @(
        @{ Name = 'Get-DrBackupReport'; Class = 'GetDrBackupReportCommand'; Call = { Get-DrBackupReport -BackupVaultName Defualt } }
        @{ Name = 'Get-DrBackupJob'; Class = 'GetDrBackupJobCommand'; Call = { Get-DrBackupJob -BackupVaultName Defualt } }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -BeLike "BackupVaultNotFound,BackupDr.Commands.$Class*"
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'Defualt'
        $err.Exception.Message | Should -Match "'Defualt'"
        $err.Exception.Message | Should -Match 'list-backup-vaults'
    }

    It 'Vault typo gives 0 jobs and no warning regression: positive control, the real vault reports without error or warning' {
        $Error.Clear()
        $warnings = $null
        $report = Get-DrBackupReport -BackupVaultName Default -WarningVariable warnings -ErrorAction Stop
        $report.BackupVaultName | Should -Be 'Default'
        $warnings | Should -BeNullOrEmpty
        { Get-DrBackupJob -BackupVaultName Default -ErrorAction Stop } | Should -Not -Throw
    }

    It 'Until before Since not checked regression: refused with UntilBeforeSince before sending' {
        $err = Invoke-Bad { Get-DrBackupJob -Since (New-TimeSpan -Days 1) -Until (New-TimeSpan -Days 2) }
        $err.FullyQualifiedErrorId | Should -BeLike 'UntilBeforeSince,BackupDr.Commands.GetDrBackupJobCommand*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.ParameterName | Should -Be 'Until'
        $script:terminated | Should -BeTrue
        $sb.Requests.Count | Should -Be 0

        # Positive control: the same window the right way round is sent.
        $sb.ClearRequestLog()
        $null = Get-DrBackupJob -Since (New-TimeSpan -Days 2) -Until (New-TimeSpan -Days 1)
        Get-SentOperations | Should -Contain 'ListBackupJobs'
    }

    It 'SinceInFuture terminating in one cmdlet and not another regression: terminating in <Name>' -ForEach @(
        @{ Name = 'Get-DrBackupReport'; Call = { Get-DrBackupReport -Since (Get-Date).AddDays(1) } }
        @{ Name = 'Get-DrBackupJob'; Call = { Get-DrBackupJob -Since (Get-Date).AddDays(1) } }
        @{ Name = 'Get-DrRecoveryPoint'; Call = { Get-DrRecoveryPoint -BackupVaultName Default -Since (Get-Date).AddDays(1) } }
        @{ Name = 'Get-DrRecoveryPoint (negative TimeSpan)'; Call = { Get-DrRecoveryPoint -BackupVaultName Default -Since (New-TimeSpan -Hours -1) } }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -BeLike 'SinceInFuture,*'
        $script:terminated | Should -BeTrue
        $sb.Requests.Count | Should -Be 0
    }

    It 'Since and Until typed object regression: <Command> -<Parameter> is a DateTime with a transformation' -ForEach @(
        @{ Command = 'Get-DrBackupJob'; Parameter = 'Since' }
        @{ Command = 'Get-DrBackupJob'; Parameter = 'Until' }
        @{ Command = 'Get-DrBackupReport'; Parameter = 'Since' }
        @{ Command = 'Get-DrRecoveryPoint'; Parameter = 'Since' }
    ) {
        $p = (Get-Command $Command).Parameters[$Parameter]
        $p.ParameterType | Should -Be ([Nullable[datetime]])
        @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }).Count | Should -Be 1
    }

    It 'Since and Until typed object regression: <Value> is accepted' -ForEach @(
        @{ Value = 'a TimeSpan'; Arg = (New-TimeSpan -Days 3) }
        @{ Value = 'a DateTime'; Arg = (Get-Date).AddDays(-3) }
        @{ Value = 'a date string'; Arg = '2026-01-01T00:00:00Z' }
        @{ Value = 'a TimeSpan string'; Arg = '3.00:00:00' }
    ) {
        $sb.ClearRequestLog()
        { Get-DrBackupJob -Since $Arg -ErrorAction Stop } | Should -Not -Throw
        Get-SentOperations | Should -Contain 'ListBackupJobs'
    }

    It 'Since and Until typed object regression: <Value> is a parameter-binding error naming the parameter' -ForEach @(
        @{ Value = 'a number'; Arg = 42 }
        @{ Value = 'a word'; Arg = 'last-tuesday' }
        @{ Value = 'a hashtable'; Arg = @{ Days = 1 } }
    ) {
        $err = Invoke-Bad { Get-DrBackupJob -Until $Arg }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,BackupDr.Commands.GetDrBackupJobCommand*'
        $err.Exception.Message | Should -Match "'Until'"
        $err.Exception.Message | Should -Match 'TimeSpan'
        $sb.Requests.Count | Should -Be 0
    }
}

Describe 'Backups are never silently lost' {
    BeforeAll {
        $volumes = 1..8 | ForEach-Object { 'vol-0aaaaaaaaaaaaaa{0:x2}' -f $_ }
        $seed = @{ regions = @(@{ region = 'us-east-1'; volumes = @($volumes | ForEach-Object { @{ id = $_; size = 8; availabilityZone = 'us-east-1a'; volumeType = 'gp3'; tags = @{} } }) }) }
        $null = $sb.Server.SeedFromJson(($seed | ConvertTo-Json -Depth 10))
        $arns = @($volumes | ForEach-Object { "arn:aws:ec2:us-east-1:123456789012:volume/$_" })
    }

    AfterEach { $sb.Server.ClearFaults() }

    It 'One -IdempotencyToken for many resources regression: 8 ARNs give 8 jobs, each for its own resource' {
        $sb.ClearRequestLog()
        $jobs = @(Start-DrBackup -ResourceArn $arns -IdempotencyToken 'nightly-run-42')
        $jobs.Count | Should -Be 8
        # Results stream as they finish (Start-DrBackup fans out), so compare as sets.
        @($jobs | ForEach-Object ResourceArn | Sort-Object) | Should -Be @($arns | Sort-Object)
        @($jobs | Select-Object -ExpandProperty JobId -Unique).Count | Should -Be 8
        @($sb.Requests | Where-Object Operation -eq 'StartBackupJob').Count | Should -Be 8

        # A rerun with the same token starts nothing new: the same 8 jobs come back.
        $again = @(Start-DrBackup -ResourceArn $arns -IdempotencyToken 'nightly-run-42')
        @($again | ForEach-Object JobId | Sort-Object) | Should -Be @($jobs | ForEach-Object JobId | Sort-Object)
        @(Get-DrBackupJob | Where-Object { $arns -contains $_.ResourceArn }).Count | Should -Be 8
    }

    It 'One -IdempotencyToken for many resources regression: pipeline input gets the same per-resource tokens' {
        $viaPipeline = @($arns | ForEach-Object { [pscustomobject]@{ ResourceArn = $_ } } | Start-DrBackup -IdempotencyToken 'nightly-run-42')
        $direct = @(Start-DrBackup -ResourceArn $arns -IdempotencyToken 'nightly-run-42')
        @($viaPipeline | Sort-Object ResourceArn | ForEach-Object JobId) | Should -Be @($direct | Sort-Object ResourceArn | ForEach-Object JobId)
    }

    It 'Describe after start fails regression: the started job is emitted with a warning, never lost' {
        $null = $sb.Server.AddFault('DescribeBackupJob', 50)
        $sb.ClearRequestLog()
        $warnings = $null
        $job = Start-DrBackup -ResourceArn $DbArn -WarningVariable warnings -ErrorAction Stop 3>$null
        $job | Should -Not -BeNullOrEmpty
        $job.JobId | Should -Not -BeNullOrEmpty
        $job.ResourceArn | Should -Be $DbArn
        $job.BackupVaultName | Should -Be 'Default'
        $job.State | Should -Be 'CREATED'
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match ([regex]::Escape($job.JobId))
        "$($warnings[0])" | Should -Match 'Get-DrBackupJob -JobId'
        @($sb.Requests | Where-Object { $_.Operation -eq 'DescribeBackupJob' -and $_.Status -eq 503 }).Count | Should -BeGreaterThan 0

        # The job is real and findable by the id that was emitted.
        $sb.Server.ClearFaults()
        (Get-DrBackupJob -JobId $job.JobId).ResourceArn | Should -Be $DbArn
    }

    It 'Describe after start fails regression: positive control, without the fault the job is described and no warning' {
        $warnings = $null
        $job = Start-DrBackup -ResourceArn $arns[0] -WarningVariable warnings -BackupVaultName Default -IdempotencyToken 'control-run'
        $job.CreationDate | Should -Not -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
    }
}
