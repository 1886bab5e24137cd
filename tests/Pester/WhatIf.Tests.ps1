BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath
    $null = Start-DrBackup -ResourceArn $VolumeArn -Wait
    $point = Get-DrRecoveryPoint -BackupVaultName Default -Latest | Select-Object -First 1
    $writes = 'CreateTags', 'DeleteTags', 'AddTagsToResource', 'RemoveTagsFromResource'
}

AfterAll {
    Stop-DrSandbox
}

Describe '-WhatIf sends nothing' {
    It 'Start-DrBackup -WhatIf' {
        $sb.ClearRequestLog()
        $out = Start-DrBackup -ResourceArn $VolumeArn, $DbArn -WhatIf
        $out | Should -BeNullOrEmpty
        $sb.Requests.Count | Should -Be 0
    }

    It 'Start-DrBackup -WhatIf -Wait -CopyToRegion' {
        $sb.ClearRequestLog()
        $null = Start-DrBackup -ResourceArn $VolumeArn -Wait -CopyToRegion us-west-2 -WhatIf
        $sb.Requests.Count | Should -Be 0
    }

    It 'Restore-DrResource -WhatIf from the pipeline' {
        $sb.ClearRequestLog()
        $out = $point | Restore-DrResource -Wait -WhatIf
        $out | Should -BeNullOrEmpty
        $sb.Requests.Count | Should -Be 0
    }

    It 'Restore-DrResource -WhatIf by ARN' {
        $sb.ClearRequestLog()
        # -TargetName is for RDS and Aurora; this point is an EBS volume's.
        $null = Restore-DrResource -RecoveryPointArn $point.RecoveryPointArn -BackupVaultName Default -WhatIf
        $sb.Requests.Count | Should -Be 0
    }

    It 'Copy-DrRecoveryPoint -WhatIf' {
        $sb.ClearRequestLog()
        $out = $point | Copy-DrRecoveryPoint -DestinationRegion us-west-2 -Wait -WhatIf
        $out | Should -BeNullOrEmpty
        $sb.Requests.Count | Should -Be 0
    }

    It 'Set-DrBackupTag -WhatIf only reads tags' {
        $sb.ClearRequestLog()
        $null = Set-DrBackupTag -ResourceArn $VolumeArn, $DbArn -Frequency daily -Tier Gold -Remove Name -WhatIf
        $ops = @($sb.Requests | ForEach-Object Operation)
        $ops.Count | Should -BeGreaterThan 0
        $ops | Where-Object { $_ -in $writes } | Should -BeNullOrEmpty
        (Get-DrResource -Tag @{ Backup = 'daily' }) | Should -BeNullOrEmpty
    }

    It 'Set-DrBackupTag -WhatIf by -VolumeId only reads' {
        $sb.ClearRequestLog()
        $null = Set-DrBackupTag -VolumeId vol-0123456789abcdef0 -Frequency weekly -WhatIf
        @($sb.Requests | ForEach-Object Operation | Where-Object { $_ -in $writes }) | Should -BeNullOrEmpty
    }

    It 'without -WhatIf the tag call does write (the check above can fail)' {
        $sb.ClearRequestLog()
        $null = Set-DrBackupTag -ResourceArn $VolumeArn -Frequency daily
        @($sb.Requests | ForEach-Object Operation) | Should -Contain 'CreateTags'
    }
}
