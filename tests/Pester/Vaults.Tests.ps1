BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath

    function Invoke-Bad([scriptblock] $Call) {
        $sb.ClearRequestLog()
        $Error.Clear()
        try { $null = . $Call 2>$null } catch { return $_ }
        $Error[0]
    }
}

AfterAll {
    Stop-DrSandbox
}

Describe 'Get-DrBackupVault' {
    It 'lists the vaults of the region, Default included' {
        $null = New-DrBackupVault -BackupVaultName ListMe
        $names = @(Get-DrBackupVault | ForEach-Object BackupVaultName)
        $names | Should -Contain 'Default'
        $names | Should -Contain 'ListMe'
        @(Get-DrBackupVault)[0] | Should -BeOfType BackupDr.Core.Model.BackupVault
    }

    It 'describes one vault by name with ARN, count, key, date and lock state' {
        $v = Get-DrBackupVault -BackupVaultName Default
        $v.BackupVaultArn | Should -Be "arn:aws:backup:$($sb.Region):$($sb.AccountId):backup-vault:Default"
        $v.NumberOfRecoveryPoints | Should -BeOfType long
        $v.EncryptionKeyArn | Should -Not -BeNullOrEmpty
        $v.CreationDate | Should -BeOfType datetime
        $v.Locked | Should -BeFalse
    }

    It 'binds BackupVaultName from the pipeline into Get-DrRecoveryPoint' {
        $null = Start-DrBackup -ResourceArn $VolumeArn -Wait
        $points = @(Get-DrBackupVault -BackupVaultName Default | Get-DrRecoveryPoint)
        $points.Count | Should -BeGreaterThan 0
        $points.BackupVaultName | Sort-Object -Unique | Should -Be 'Default'
    }

    It 'an unknown vault is BackupVaultNotFound (ObjectNotFound) and says how to list vaults' {
        $err = Invoke-Bad { Get-DrBackupVault -BackupVaultName NoSuchVault }
        $err.FullyQualifiedErrorId | Should -BeLike 'BackupVaultNotFound,BackupDr.Commands.GetDrBackupVaultCommand*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'Get-DrBackupVault'
    }

    It 'a malformed name is InvalidBackupVaultName and nothing is sent' {
        $err = Invoke-Bad { Get-DrBackupVault -BackupVaultName 'bad name' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidBackupVaultName,BackupDr.Commands.GetDrBackupVaultCommand*'
        $sb.Requests.Count | Should -Be 0
    }

    It 'the table view fits 120 columns and shows the key id, not the whole ARN' {
        $text = Get-DrBackupVault -BackupVaultName Default | Format-Table | Out-String -Width 120
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        $lines[0] | Should -Match 'BackupVaultName\s+Region\s+RecoveryPoints\s+Locked\s+Created \(UTC\)\s+EncryptionKey'
        $key = (Get-DrBackupVault -BackupVaultName Default).EncryptionKeyArn
        $text | Should -Match ([regex]::Escape($key.Substring($key.LastIndexOf(':') + 1)))
    }
}

Describe 'New-DrBackupVault' {
    It 'creates a vault with tags and a KMS key and emits it' {
        $key = "arn:aws:kms:$($sb.Region):$($sb.AccountId):key/1234abcd-12ab-34cd-56ef-1234567890ab"
        $v = New-DrBackupVault -BackupVaultName Nightly -EncryptionKeyArn $key -Tag @{ Team = 'dr' }
        $v.BackupVaultName | Should -Be 'Nightly'
        $v.EncryptionKeyArn | Should -Be $key
        $v.NumberOfRecoveryPoints | Should -Be 0
        (Get-DrBackupVault -BackupVaultName Nightly).BackupVaultArn | Should -Be $v.BackupVaultArn
        $null = Start-DrBackup -ResourceArn $VolumeArn -BackupVaultName Nightly -Wait
        (Get-DrBackupVault -BackupVaultName Nightly).NumberOfRecoveryPoints | Should -Be 1
    }

    It '-WhatIf sends nothing' {
        $sb.ClearRequestLog()
        $out = New-DrBackupVault -BackupVaultName WhatIfVault -Tag @{ a = 'b' } -WhatIf
        $out | Should -BeNullOrEmpty
        $sb.Requests.Count | Should -Be 0
    }

    It 'without -WhatIf the create is sent (the check above can fail)' {
        $sb.ClearRequestLog()
        $null = New-DrBackupVault -BackupVaultName WhatIfVault
        @($sb.Requests | ForEach-Object Operation) | Should -Contain 'CreateBackupVault'
    }

    It 'an existing vault is BackupVaultExists (ResourceExists) and it is left as it was' {
        $before = Get-DrBackupVault -BackupVaultName Nightly
        $err = Invoke-Bad { New-DrBackupVault -BackupVaultName Nightly }
        $err.FullyQualifiedErrorId | Should -BeLike 'BackupVaultExists,BackupDr.Commands.NewDrBackupVaultCommand*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -Be 'Nightly'
        (Get-DrBackupVault -BackupVaultName Nightly).EncryptionKeyArn | Should -Be $before.EncryptionKeyArn
    }

    It 'the Default vault already exists: BackupVaultExists' {
        $err = Invoke-Bad { New-DrBackupVault -BackupVaultName Default }
        $err.FullyQualifiedErrorId | Should -BeLike 'BackupVaultExists,*'
    }

    It 'a rerun with the same -CreatorRequestId returns the same vault' {
        $a = New-DrBackupVault -BackupVaultName DrCopies -CreatorRequestId dr-copies-v1
        $b = New-DrBackupVault -BackupVaultName DrCopies -CreatorRequestId dr-copies-v1 -ErrorAction Stop
        $b.BackupVaultArn | Should -Be $a.BackupVaultArn
        $b.CreationDate | Should -Be $a.CreationDate
    }

    It 'bad input is refused before any request: <Id>' -ForEach @(
        @{ Id = 'InvalidBackupVaultName'; Call = { New-DrBackupVault -BackupVaultName 'x' } }
        @{ Id = 'InvalidEncryptionKeyArn'; Call = { New-DrBackupVault -BackupVaultName Keyed -EncryptionKeyArn 'arn:aws:kms:us-east-1:123456789012:alias/aws/backup' } }
        @{ Id = 'InvalidEncryptionKeyArn'; Call = { New-DrBackupVault -BackupVaultName Keyed -Region us-east-1 -EncryptionKeyArn 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }
        @{ Id = 'ReservedTagPrefix'; Call = { New-DrBackupVault -BackupVaultName Tagged -Tag @{ 'aws:x' = 'y' } } }
        @{ Id = 'InvalidCreatorRequestId'; Call = { New-DrBackupVault -BackupVaultName Tagged -CreatorRequestId ('c' * 51) } }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,BackupDr.Commands.NewDrBackupVaultCommand*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $sb.Requests.Count | Should -Be 0
    }
}

Describe 'A fresh sandbox is an account that uses AWS Backup' {
    BeforeAll {
        Stop-DrSandbox
        $volumeOnly = Join-Path $TestDrive 'volume-only.json'
        @{ regions = @(@{ region = 'us-east-1'; volumes = @(@{ id = 'vol-0123456789abcdef0'; size = 8 }) }) } |
            ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $volumeOnly -Encoding utf8
        $sb = Start-DrSandbox -JobDuration 0 -SeedPath $volumeOnly
    }

    It 'QuickstartNoDefaultVault regression: with no vault in the seed, Start-DrBackup into Default completes' {
        $job = Start-DrBackup -ResourceArn $VolumeArn -Wait -ErrorAction Stop
        $job.Status | Should -Be 'COMPLETED'
        $job.BackupVaultName | Should -Be 'Default'
        @($sb.Requests | ForEach-Object Operation) | Should -Not -Contain 'CreateBackupVault'
    }

    It 'QuickstartNoDefaultVault regression: every region has its Default vault (<Region>)' -ForEach @(
        @{ Region = 'us-east-1' }
        @{ Region = 'eu-central-1' }
    ) {
        (Get-DrBackupVault -Region $Region -BackupVaultName Default).BackupVaultArn | Should -Be "arn:aws:backup:${Region}:$($sb.AccountId):backup-vault:Default"
    }
}
