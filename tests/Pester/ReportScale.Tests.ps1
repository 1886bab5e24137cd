# Get-DrBackupReport over many jobs (issue 10): the time-sliced report's totals, its progress records and Ctrl+C.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force

    function New-ReportShell {
        param($Sandbox)
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m, $ep, $ak) Import-Module $m; $ProgressPreference = "Continue"; Set-DrDefault -Region us-east-1 -EndpointUrl $ep -AccessKey $ak -SecretKey sandbox; Get-DrBackupReport -BackupVaultName Main').AddArgument((Get-BackupDrModulePath)).AddArgument($Sandbox.EndpointUrl).AddArgument($Sandbox.AccessKey)
        $ps
    }
}

Describe 'Get-DrBackupReport over 20,000 generated jobs' {
    BeforeAll {
        $script:sb = Start-DrSandbox -JobDuration 0
        $null = $script:sb.Server.SeedFromJson('{ "regions": [ { "region": "us-east-1", "vaults": [ { "name": "Main" } ], "generatedBackupJobs": { "count": 20000, "vault": "Main", "resources": 50, "spreadDays": 5, "failedEvery": 10 } } ] }')
    }
    AfterAll { Stop-DrSandbox }

    It 'counts every job once across the time slices and shows pages and jobs as progress' {
        $ps = New-ReportShell $script:sb
        $report = $ps.Invoke() | Select-Object -Last 1
        $ps.HadErrors | Should -BeFalse -Because ($ps.Streams.Error | Out-String)
        $report.TotalJobs | Should -Be 20000
        $report.TotalsByState['COMPLETED'] | Should -Be 18000
        $report.TotalsByState['FAILED'] | Should -Be 2000
        $report.IsComplete | Should -BeTrue
        @($script:sb.Requests | Where-Object Operation -eq 'ListBackupJobs').Count | Should -BeGreaterThan 5

        $progress = @($ps.Streams.Progress | Where-Object ActivityId -eq 0x0DB2)
        $progress.Count | Should -BeGreaterThan 1
        $progress[0].StatusDescription | Should -Match '[\d,]+ jobs in [\d,]+ pages'
        $progress[-1].RecordType | Should -Be 'Completed'
        $ps.Dispose()
    }

    It 'stops promptly on Ctrl+C in the middle of a slow report' {
        $null = Invoke-RestMethod -Method Post -Uri "$($script:sb.EndpointUrl)/_sandbox/options" -ContentType 'application/json' -Body '{"LatencyMs":400}'
        try {
            $ps = New-ReportShell $script:sb
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (@($script:sb.Requests | Where-Object Operation -eq 'ListBackupJobs').Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $async.IsCompleted | Should -BeFalse
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
        }
        finally {
            $null = Invoke-RestMethod -Method Post -Uri "$($script:sb.EndpointUrl)/_sandbox/options" -ContentType 'application/json' -Body '{"LatencyMs":0}'
        }
    }
}
