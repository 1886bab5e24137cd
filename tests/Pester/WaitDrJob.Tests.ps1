BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
}

Describe 'Wait-DrJob with failing jobs' {
    BeforeAll { $sb = Start-DrSandbox -JobDuration 1 -FailureRate 1 -SeedPath $seedPath }
    AfterAll { Stop-DrSandbox }

    It 'emits the FAILED job and an error record carrying its status message' {
        $job = Start-DrBackup -ResourceArn $VolumeArn
        $job.State | Should -Not -Be 'FAILED'
        $errs = $null
        $final = $job | Wait-DrJob -ErrorAction SilentlyContinue -ErrorVariable errs
        $final.State | Should -Be 'FAILED'
        $final.StatusMessage | Should -Not -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'BackupJobFailed,BackupDr.Commands.WaitDrJobCommand*'
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($final.StatusMessage))
        $errs[0].TargetObject.JobId | Should -Be $job.JobId
    }

    It 'Start-DrBackup -Wait reports the failure the same way' {
        $errs = $null
        $final = Start-DrBackup -ResourceArn $DbArn -Wait -ErrorAction SilentlyContinue -ErrorVariable errs
        $final.State | Should -Be 'FAILED'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'BackupJobFailed,BackupDr.Commands.StartDrBackupCommand*'
    }
}

Describe 'Wait-DrJob -Timeout' {
    BeforeAll { $sb = Start-DrSandbox -JobDuration 30 -SeedPath $seedPath }
    AfterAll { Stop-DrSandbox }

    It 'gives JobWaitTimeout and returns promptly' {
        $job = Start-DrBackup -ResourceArn $VolumeArn
        $err = $null
        $elapsed = Measure-Command {
            try { $job | Wait-DrJob -Timeout 1 -ErrorAction Stop } catch { $script:err = $_ }
        }
        $script:err.FullyQualifiedErrorId | Should -BeLike 'JobWaitTimeout,BackupDr.Commands.WaitDrJobCommand*'
        $script:err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'Ctrl+C (pipeline Stop) ends a wait at once' {
        $job = Start-DrBackup -ResourceArn $DbArn
        $ps = [powershell]::Create()
        # A new runspace has its own (empty) session defaults: it is pointed at this sandbox explicitly.
        $null = $ps.AddScript('param($m, $id, $sb) Import-Module $m; Wait-DrJob -JobId $id -EndpointUrl $sb.EndpointUrl -Region $sb.Region -AccessKey $sb.AccessKey -SecretKey sandbox').AddArgument((Get-BackupDrModulePath)).AddArgument($job.JobId).AddArgument($sb)
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 1500
        $async.IsCompleted | Should -BeFalse
        $elapsed = Measure-Command { $ps.Stop() }
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $elapsed.TotalSeconds | Should -BeLessThan 3
        $ps.Dispose()
    }
}
