# The bad-input suite: every row of BadInputRows.ps1 (every exported cmdlet, hundreds of inputs) must give its stable
# error id, a BackupDr or PowerShell exception (never a bare .NET one), a message, and send nothing the row does not
# allow (the sandbox's request log is the witness; a positive control shows that log does fill up).
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'BadInputRows.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'BadInputRows.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    Initialize-BadInputFixture -WorkPath $TestDrive
    # A ledger line edited after it was written: not a record the hash chain can verify.
    Set-Content -LiteralPath $tamperedLedger -Value '{"Hash":"0000000000000000000000000000000000000000000000000000000000000000","Sequence":1}' -Encoding utf8
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $SampleSeed

    # Runs one call with the request log cleared; error records (terminating or not) apart from the output.
    function Invoke-BadInputCall([scriptblock] $Call) {
        $ErrorActionPreference = 'Continue'
        $sb.ClearRequestLog()
        $errors = [System.Collections.Generic.List[object]]::new()
        $output = [System.Collections.Generic.List[object]]::new()
        try {
            foreach ($item in (& $Call 2>&1)) {
                if ($item -is [System.Management.Automation.ErrorRecord]) { $errors.Add($item) } else { $output.Add($item) }
            }
        } catch {
            $errors.Add($_)
        }
        [pscustomobject]@{ Errors = $errors; Output = $output; Sent = @($sb.Requests) }
    }

    # What a row allows to be sent: nothing by default; named reads; 'Op!' a write AWS must refuse; '*' any read.
    function Assert-Sent($Row, $Sent) {
        $writes = @($Sent | Where-Object { $_.Operation -in $BadInputWrites -and $_.Status -lt 300 })
        $writes | ForEach-Object { "$($_.Operation) $($_.Status)" } | Should -BeNullOrEmpty -Because 'bad input never changes anything'
        $allowed = @($Row['Sent'] | Where-Object { $_ })
        $ops = @($Sent | ForEach-Object Operation)
        if ($allowed.Count -eq 0) {
            $ops | Should -BeNullOrEmpty -Because 'bad input is refused before anything is sent'
        } elseif ($allowed -notcontains '*') {
            $names = $allowed | ForEach-Object { $_.TrimEnd('!') }
            $ops | Where-Object { $_ -notin $names } | Should -BeNullOrEmpty -Because "only $($names -join ', ') may be sent"
        } else {
            $ops | Where-Object { $_ -in $BadInputWrites } | Should -BeNullOrEmpty -Because 'only reads may be sent'
        }
    }

    function Assert-BadInputRow($Row) {
        $r = Invoke-BadInputCall $Row.Call
        $class = (Get-Command $Row.Cmdlet).ImplementingType.FullName
        if ($null -eq $Row.Id) {
            $r.Errors | ForEach-Object FullyQualifiedErrorId | Should -BeNullOrEmpty
            if ($Row.ContainsKey('Output')) { "$($r.Output)" | Should -Be "$($Row.Output)" } else { $r.Output | Should -BeNullOrEmpty }
        } else {
            $r.Errors.Count | Should -BeGreaterThan 0 -Because "the row expects $($Row.Id)"
            if ($Row['Count']) { $r.Errors.Count | Should -Be $Row['Count'] }
            $wrong = @($r.Errors | Where-Object { $_.FullyQualifiedErrorId -notlike "$($Row.Id),$class*" } | Select-Object -First 3 | ForEach-Object FullyQualifiedErrorId)
            $wrong | Should -BeNullOrEmpty -Because "every error of the call is $($Row.Id),$class"
            $first = $r.Errors[0]
            $first.Exception.GetType().FullName | Should -Match '^(BackupDr\.|System\.Management\.Automation\.)' -Because 'no bare .NET exception leaks'
            $first.Exception.Message | Should -Not -BeNullOrEmpty
            $first.Exception.Message | Should -Not -Match '\s+at [\w.]+\(' -Because 'a message is no stack trace'
        }
        Assert-Sent $Row $r.Sent
    }
}

AfterAll {
    Stop-DrSandbox -ErrorAction SilentlyContinue
}

Describe 'Bad input: stable error id, nothing sent' {
    It 'the table covers every exported cmdlet with at least 100 rows' {
        $manifest = Import-PowerShellDataFile (Join-Path $RepoRoot 'BackupDr.psd1')
        $covered = @($BadInputRows + $SandboxBadInputRows | ForEach-Object { $_.Cmdlet } | Sort-Object -Unique)
        $manifest.CmdletsToExport | Where-Object { $_ -notin $covered } | Should -BeNullOrEmpty
        ($BadInputRows.Count + $SandboxBadInputRows.Count) | Should -BeGreaterOrEqual 100
    }

    It 'positive control: a valid call does fill the request log' {
        $r = Invoke-BadInputCall { Get-DrBackupVault }
        $r.Errors | Should -BeNullOrEmpty
        @($r.Sent).Count | Should -BeGreaterThan 0
    }

    It '<Cmdlet>: <Case> -> <Id>' -ForEach $BadInputRows {
        Assert-BadInputRow $_
    }

    It 'Start-DrBackup: 10,000 ARNs with one bad, -WhatIf: exactly that one is refused and nothing is sent' {
        # In a runspace without a host, so the 9,999 "What if" lines are not printed.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Get-BackupDrModulePath)).AddStatement()
            $null = $ps.AddCommand('Start-DrBackup').AddParameter('ResourceArn', $tenThousandOneBad).AddParameter('WhatIf').
                AddParameter('Region', 'us-east-1').AddParameter('EndpointUrl', $sb.EndpointUrl).
                AddParameter('AccessKey', $sb.AccessKey).AddParameter('SecretKey', 'sandbox-secret-key-not-a-real-secret')
            $sb.ClearRequestLog()
            $out = $ps.Invoke()
            $errors = @($ps.Streams.Error)
        } finally {
            $ps.Dispose()
        }
        $out | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidResourceArn,BackupDr.Commands.StartDrBackupCommand*'
        $errors[0].TargetObject | Should -Be $tenThousandOneBad[4321]
        $sb.Requests.Count | Should -Be 0
    }
}

Describe 'Bad-input regressions beyond the error id' {
    It 'PathOnOtherProvider regression: -HtmlPath Env:\report.html writes no report.html anywhere' {
        $cwd = [Environment]::CurrentDirectory
        $before = Test-Path -LiteralPath (Join-Path $cwd 'bdr-env-report.html')
        $r = Invoke-BadInputCall { Get-DrBackupReport -HtmlPath 'Env:\bdr-env-report.html' }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHtmlPath,*'
        $r.Output | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $cwd 'bdr-env-report.html') | Should -Be $before
        Test-Path -LiteralPath (Join-Path (Get-Location).ProviderPath 'bdr-env-report.html') | Should -BeFalse
    }

    It 'HugeTimeoutLeaksArgumentOutOfRange regression: -Timeout ([TimeSpan]::MaxValue) is no limit, not a .NET error' {
        $r = Invoke-BadInputCall { Start-DrBackup -ResourceArn $vol -Wait -Timeout ([TimeSpan]::MaxValue) }
        $r.Errors | ForEach-Object FullyQualifiedErrorId | Should -BeNullOrEmpty
        @($r.Output).Count | Should -Be 1
        $r.Output[0].State | Should -Be 'COMPLETED'
    }

    It 'DrillReportPathIsFolder regression: no restore ran and nothing is left behind' {
        $r = Invoke-BadInputCall { Test-DrRestore -Tier Bronze -HtmlPath $folder -LedgerPath (Join-Path $TestDrive 'l.jsonl') -Confirm:$false }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HtmlPathIsFolder,*'
        @($r.Sent | Where-Object Operation -EQ 'StartRestoreJob') | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $TestDrive 'l.jsonl') | Should -BeFalse
    }

    It 'a call-wide bad parameter over 10,000 piped ARNs is one terminating error, not 10,000' {
        $r = Invoke-BadInputCall { $tenThousand | Set-DrBackupTag -Tag @{ 'aws:owner' = 'me' } }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ReservedTagPrefix,*'
        $r.Sent | Should -BeNullOrEmpty
    }
}

Describe 'Bad input to Start-DrSandbox and Stop-DrSandbox' {
    BeforeAll {
        Stop-DrSandbox
        $busy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $busy.Start()
        $busyPort = $busy.LocalEndpoint.Port
    }

    AfterAll {
        $busy.Stop()
        Stop-DrSandbox -ErrorAction SilentlyContinue
    }

    It '<Cmdlet>: <Case> -> <Id>' -ForEach $SandboxBadInputRows {
        $row = $_
        $Error.Clear()
        $err = $null
        try { $null = & $row.Call 2>$null } catch { $err = $_ }
        if (-not $err) { $err = $Error[0] }
        $err.FullyQualifiedErrorId | Should -BeLike "$($row.Id),$((Get-Command $row.Cmdlet).ImplementingType.FullName)*"
        $err.Exception.GetType().FullName | Should -Match '^(BackupDr\.|System\.Management\.Automation\.)'
        # Nothing was started: the next start is the first of the session.
        Stop-DrSandbox -ErrorAction SilentlyContinue
    }
}
