BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath
    $job = Start-DrBackup -ResourceArn $VolumeArn -Wait
    $point = Get-DrRecoveryPoint -ResourceArn $VolumeArn -Latest
    $writes = 'StartBackupJob', 'StartRestoreJob', 'StartCopyJob', 'CreateTags', 'AddTagsToResource'
}

AfterAll {
    Stop-DrSandbox
}

Describe 'PipedStringsDoNotBind regression: identity parameters bind plain strings from the pipeline' {
    It '$arns | Start-DrBackup -WhatIf binds each ARN and sends nothing' {
        $sb.ClearRequestLog()
        $out = $VolumeArn, $DbArn | Start-DrBackup -WhatIf -ErrorAction Stop
        $out | Should -BeNullOrEmpty
        $sb.Requests.Count | Should -Be 0
    }

    It '$arns | Start-DrBackup starts one job per ARN (positive control)' {
        $jobs = @($VolumeArn, $DbArn | Start-DrBackup -ErrorAction Stop)
        $jobs.Count | Should -Be 2
        $jobs.ResourceArn | Sort-Object | Should -Be (@($DbArn, $VolumeArn) | Sort-Object)
    }

    It 'a bad piped string is validated like -ResourceArn: InvalidResourceArn naming it' {
        $sb.ClearRequestLog()
        $err = $null
        'arn:nope' | Start-DrBackup -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidResourceArn,BackupDr.Commands.StartDrBackupCommand*'
        $err[0].TargetObject | Should -Be 'arn:nope'
        $sb.Requests.Count | Should -Be 0
    }

    It '$arns | Set-DrBackupTag -WhatIf only reads' {
        $sb.ClearRequestLog()
        $null = $VolumeArn, $DbArn | Set-DrBackupTag -Frequency daily -WhatIf -ErrorAction Stop
        $ops = @($sb.Requests | ForEach-Object Operation)
        $ops.Count | Should -BeGreaterThan 0
        $ops | Where-Object { $_ -in $writes } | Should -BeNullOrEmpty
    }

    It 'an object with VolumeId still binds -VolumeId by property name (AWS.Tools volumes)' {
        $result = [pscustomobject]@{ VolumeId = 'vol-0123456789abcdef0' } | Set-DrBackupTag -Tier Bronze -PassThru -WhatIf -ErrorAction Stop
        $result.ResourceArn | Should -Be $VolumeArn
    }

    It '$arn | Get-DrRecoveryPoint lists the points of that resource' {
        $points = @($VolumeArn | Get-DrRecoveryPoint -ErrorAction Stop)
        $points.Count | Should -BeGreaterThan 0
        $points.ResourceArn | Sort-Object -Unique | Should -Be $VolumeArn
    }

    It 'an object with BackupVaultName still lists that vault' {
        $points = @([pscustomobject]@{ BackupVaultName = 'Default' } | Get-DrRecoveryPoint -ErrorAction Stop)
        $points.RecoveryPointArn | Should -Contain $point.RecoveryPointArn
    }

    It '$pointArn | Restore-DrResource -WhatIf binds and sends nothing' {
        $sb.ClearRequestLog()
        $out = $point.RecoveryPointArn | Restore-DrResource -WhatIf -ErrorAction Stop
        $out | Should -BeNullOrEmpty
        $sb.Requests.Count | Should -Be 0
    }

    It 'a RecoveryPoint object still binds -InputObject' {
        $sb.ClearRequestLog()
        $null = $point | Restore-DrResource -WhatIf -ErrorAction Stop
        $sb.Requests.Count | Should -Be 0
    }

    It '$pointArn | Copy-DrRecoveryPoint -WhatIf binds and sends nothing' {
        $sb.ClearRequestLog()
        $out = $point.RecoveryPointArn | Copy-DrRecoveryPoint -DestinationRegion us-west-2 -WhatIf -ErrorAction Stop
        $out | Should -BeNullOrEmpty
        $sb.Requests.Count | Should -Be 0
    }

    It '$jobId | Get-DrBackupJob gets that job' {
        $got = $job.JobId | Get-DrBackupJob -ErrorAction Stop
        $got.JobId | Should -Be $job.JobId
        $got.ResourceArn | Should -Be $VolumeArn
    }

    It '$jobId | Wait-DrJob waits for that job' {
        $final = $job.JobId | Wait-DrJob -Timeout 30 -ErrorAction Stop
        $final.JobId | Should -Be $job.JobId
        $final.State | Should -Be 'COMPLETED'
    }

    It 'a job object still binds -InputObject of Wait-DrJob' {
        $final = $job | Wait-DrJob -Timeout 30 -ErrorAction Stop
        $final | Should -BeOfType ([BackupDr.Core.Model.BackupJob])
        $final.JobId | Should -Be $job.JobId
    }
}
