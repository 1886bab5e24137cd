BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $sb = Start-DrSandbox -JobDuration 1 -SeedPath $seedPath
}

AfterAll {
    Stop-DrSandbox
}

Describe 'README quickstart' {
    It 'starts a sandbox that is the session default' {
        $sb | Should -BeOfType ([BackupDr.Commands.DrSandbox])
        $sb.IsRunning | Should -BeTrue
        $defaults = Get-DrDefault
        $defaults.EndpointUrl | Should -Be $sb.EndpointUrl
        $defaults.Region | Should -Be 'us-east-1'
        $defaults.Origin | Should -Be 'sandbox'
    }

    It 'finds the seeded volume and DB instance' {
        $resources = @(Get-DrResource)
        $resources.ResourceArn | Should -Contain $VolumeArn
        $resources.ResourceArn | Should -Contain $DbArn
    }

    It 'tags them with Set-DrBackupTag -Frequency daily' {
        $results = @(Get-DrResource | Set-DrBackupTag -Frequency daily -PassThru)
        $results.Count | Should -Be 2
        $results | ForEach-Object { $_.Applied | Should -BeTrue }
        $tagged = @(Get-DrResource -Tag @{ Backup = 'daily' })
        $tagged.ResourceArn | Sort-Object | Should -Be (@($DbArn, $VolumeArn) | Sort-Object)
    }

    It 'backs them up with Start-DrBackup -Wait' {
        $script:jobs = @(Get-DrResource -Tag @{ Backup = 'daily' } | Start-DrBackup -Wait)
        $jobs.Count | Should -Be 2
        foreach ($job in $jobs) {
            $job | Should -BeOfType ([BackupDr.Core.Model.BackupJob])
            $job.State | Should -Be 'COMPLETED'
            $job.Succeeded | Should -BeTrue
            $job.RecoveryPointArn | Should -Not -BeNullOrEmpty
            $job.BackupVaultName | Should -Be 'Default'
        }
    }

    It 'lists the latest recovery point of each resource' {
        $points = @(Get-DrRecoveryPoint -BackupVaultName Default -Latest)
        $points.Count | Should -Be 2
        $points | ForEach-Object { $_ | Should -BeOfType ([BackupDr.Core.Model.RecoveryPoint]) }
        $points.ResourceArn | Sort-Object | Should -Be (@($DbArn, $VolumeArn) | Sort-Object)
        $points.RecoveryPointArn | Sort-Object | Should -Be ($jobs.RecoveryPointArn | Sort-Object)
    }

    It 'lists the latest recovery point of one resource with -ResourceArn alone (no vault prompt)' {
        $points = @(Get-DrRecoveryPoint -ResourceArn $VolumeArn -Latest)
        $points.Count | Should -Be 1
        $points[0].ResourceArn | Should -Be $VolumeArn
        $points[0].BackupVaultName | Should -Be 'Default'
    }

    It 'restores them with Get-DrRecoveryPoint -Latest | Restore-DrResource -Wait' {
        $script:restores = @(Get-DrRecoveryPoint -BackupVaultName Default -Latest | Restore-DrResource -Wait -Confirm:$false)
        $restores.Count | Should -Be 2
        foreach ($r in $restores) {
            $r | Should -BeOfType ([BackupDr.Core.Model.RestoreJob])
            $r.State | Should -Be 'COMPLETED'
            $r.CreatedResourceArn | Should -Not -BeNullOrEmpty
            $r.Duration | Should -BeOfType ([TimeSpan])
        }
    }

    It 'the restored volume and DB instance exist in the sandbox' {
        $now = @(Get-DrResource).ResourceArn
        foreach ($r in $restores) { $now | Should -Contain $r.CreatedResourceArn }
        ($restores.CreatedResourceArn | Where-Object { $_ -like 'arn:aws:rds:*:db:orders-restore-*' }) | Should -Not -BeNullOrEmpty
        ($restores.CreatedResourceArn | Where-Object { $_ -like 'arn:aws:ec2:*:volume/vol-*' -and $_ -ne $VolumeArn }) | Should -Not -BeNullOrEmpty
    }

    It 'reports on the run with Get-DrBackupReport' {
        $report = Get-DrBackupReport
        $report | Should -BeOfType ([BackupDr.Core.Operations.BackupReport])
        $report.TotalJobs | Should -Be 2
        $report.TotalsByState['COMPLETED'] | Should -Be 2
        $report.SuccessRate | Should -Be 1
        $report.IsComplete | Should -BeTrue
        $report.Resources.ResourceArn | Sort-Object | Should -Be (@($DbArn, $VolumeArn) | Sort-Object)
        $report.BytesBackedUp | Should -BeGreaterThan 0
    }

    It 'writes the report as HTML with -HtmlPath' {
        $html = Join-Path $TestDrive 'report.html'
        $null = Get-DrBackupReport -HtmlPath $html
        $html | Should -Exist
        (Get-Content -Raw $html) | Should -Match '<html'
    }
}
