# Session defaults, the polling interval, the client factory and the sandbox belong to the runspace:
# parallel runspaces (ForEach-Object -Parallel, thread jobs, Azure Automation) never see or change each other's.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $mod = Get-BackupDrModulePath
    Import-Module $mod -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
}

Describe 'Set-DrDefault -Clear in ForEach-Object -Parallel' {
    AfterEach { Set-DrDefault -Clear }

    It 'Set-DrDefault -Clear in parallel runspaces clears the caller''s defaults (regression)' {
        Set-DrDefault -Region eu-west-1 -EndpointUrl 'http://127.0.0.1:4566'
        1..4 | ForEach-Object -ThrottleLimit 4 -Parallel { Import-Module $using:mod; Set-DrDefault -Clear }
        $defaults = Get-DrDefault
        $defaults.Region | Should -Be 'eu-west-1'
        $defaults.EndpointUrl | Should -Be 'http://127.0.0.1:4566'
    }

    It 'a parallel runspace starts without the caller''s defaults, and what it sets stays there' {
        Set-DrDefault -Region eu-west-1
        $seen = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:mod
            $before = (Get-DrDefault).Region
            Set-DrDefault -Region "ap-southeast-$_"
            [pscustomobject]@{ Before = $before; After = (Get-DrDefault).Region }
        }
        $seen.Count | Should -Be 2
        @($seen.Before | Where-Object { $_ }) | Should -BeNullOrEmpty
        @($seen.After | Sort-Object) | Should -Be @('ap-southeast-1', 'ap-southeast-2')
        (Get-DrDefault).Region | Should -Be 'eu-west-1'
    }
}

Describe 'Two runspaces, two sandboxes at the same time' {
    BeforeAll {
        $mine = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath
        $barrier = [System.Threading.Barrier]::new(2)
        $results = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
            $ErrorActionPreference = 'Stop'
            $barrier = $using:barrier
            # Both runspaces meet here; fails instead of hanging when the other never comes.
            function Wait-Barrier { if (-not $barrier.SignalAndWait(60000)) { throw 'the other runspace never reached the barrier' } }
            Import-Module $using:mod
            $sb = Start-DrSandbox -JobDuration 0 -SeedPath $using:seedPath
            Wait-Barrier # both sandboxes run now
            $job = Start-DrBackup -ResourceArn $(if ($_ -eq 1) { 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0' } else { 'arn:aws:rds:us-east-1:123456789012:db:orders' }) -Wait
            Wait-Barrier # both backed up
            $jobs = @(Get-DrBackupJob)
            $endpoint = (Get-DrDefault).EndpointUrl
            Wait-Barrier # both listed
            if ($_ -eq 1) { Stop-DrSandbox }
            Wait-Barrier # runspace 1 stopped its sandbox
            $afterOtherStopped = if ($_ -eq 2) { @(Get-DrBackupJob).Count } else { $null }
            [pscustomobject]@{
                Index             = $_
                Endpoint          = $sb.EndpointUrl
                DefaultEndpoint   = $endpoint
                JobId             = $job.JobId
                JobState          = $job.State
                ListedJobIds      = @($jobs.JobId)
                Requests          = $sb.Requests.Count
                Running           = $sb.IsRunning
                AfterOtherStopped = $afterOtherStopped
            }
            if ($_ -eq 2) { Stop-DrSandbox }
        }
        $one = $results | Where-Object Index -EQ 1
        $two = $results | Where-Object Index -EQ 2
    }

    AfterAll { Stop-DrSandbox }

    It 'each runspace starts its own sandbox while the other runs' {
        $one.Endpoint | Should -Not -BeNullOrEmpty
        $two.Endpoint | Should -Not -BeNullOrEmpty
        $one.Endpoint | Should -Not -Be $two.Endpoint
        $one.Endpoint | Should -Not -Be $mine.EndpointUrl
    }

    It 'each runspace backs up in its own sandbox and lists only its own job' {
        $one.JobState | Should -Be 'COMPLETED'
        $two.JobState | Should -Be 'COMPLETED'
        $one.ListedJobIds | Should -Be @($one.JobId)
        $two.ListedJobIds | Should -Be @($two.JobId)
        $one.DefaultEndpoint | Should -Be $one.Endpoint
        $two.DefaultEndpoint | Should -Be $two.Endpoint
    }

    It 'Stop-DrSandbox in one runspace leaves the other''s running' {
        $one.Running | Should -BeFalse
        $two.Running | Should -BeTrue
        $two.AfterOtherStopped | Should -Be 1
    }

    It 'the caller''s sandbox saw none of it and is still its default' {
        $mine.IsRunning | Should -BeTrue
        $mine.Requests.Count | Should -Be 0
        (Get-DrDefault).EndpointUrl | Should -Be $mine.EndpointUrl
        @(Get-DrBackupJob) | Should -BeNullOrEmpty
    }
}

Describe 'Stop-DrSandbox in one runspace does not stop another''s' {
    BeforeEach {
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m, $seed) Import-Module $m; Start-DrSandbox -JobDuration 0 -SeedPath $seed').AddArgument($mod).AddArgument($seedPath)
        $child = $ps.Invoke() | Select-Object -First 1
        $ps.Commands.Clear()
    }

    AfterEach {
        $ps.Dispose()
        Stop-DrSandbox
    }

    It 'the caller''s Stop-DrSandbox leaves the child runspace''s sandbox running' {
        $child.IsRunning | Should -BeTrue
        Stop-DrSandbox # the caller has none: nothing to stop here
        $child.IsRunning | Should -BeTrue
        $null = $ps.AddScript('@(Get-DrResource).Count')
        $ps.Invoke() | Should -Be 2
        $ps.HadErrors | Should -BeFalse
    }

    It 'the child''s Stop-DrSandbox leaves the caller''s sandbox and defaults in place' {
        $mine = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath
        $null = $ps.AddScript('Stop-DrSandbox -PassThru')
        $stopped = $ps.Invoke() | Select-Object -First 1
        $stopped.EndpointUrl | Should -Be $child.EndpointUrl
        $child.IsRunning | Should -BeFalse
        $mine.IsRunning | Should -BeTrue
        (Get-DrDefault).EndpointUrl | Should -Be $mine.EndpointUrl
        @(Get-DrResource).Count | Should -Be 2
    }

    It 'closing a runspace stops the sandbox it left running' {
        $child.IsRunning | Should -BeTrue
        $ps.Runspace.Close()
        $child.IsRunning | Should -BeFalse
        { [System.Net.Sockets.TcpClient]::new('127.0.0.1', ([uri]$child.EndpointUrl).Port).Dispose() } | Should -Throw
    }
}
