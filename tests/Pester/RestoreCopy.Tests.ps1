BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath

    # Points in a vault other than Default, and points in every state a restore must refuse.
    $ebsPoint = 'arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0'
    $rdsPoint = 'arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-0123456789abcdef'
    $unfinished = @{ EXPIRED = 'snap-00000000000000ex1'; PARTIAL = 'snap-00000000000000pa1'; DELETING = 'snap-00000000000000de1'; CREATING = 'snap-00000000000000cr1' }
    $points = @(
        @{ arn = $ebsPoint; vault = 'Nightly'; resourceArn = $VolumeArn; createdAgeMinutes = 60 }
        @{ arn = $rdsPoint; vault = 'Nightly'; resourceArn = $DbArn; createdAgeMinutes = 60 }
    )
    foreach ($status in $unfinished.Keys) {
        $points += @{ arn = "arn:aws:ec2:us-east-1::snapshot/$($unfinished[$status])"; vault = 'Nightly'; status = $status; resourceArn = $VolumeArn; createdAgeDays = 2 }
    }
    $seed = @{ regions = @(
            @{ region = 'us-east-1'; vaults = @(@{ name = 'Nightly' }); recoveryPoints = $points }
            @{ region = 'us-west-2'; vaults = @(@{ name = 'Nightly' }) }
        ) } | ConvertTo-Json -Depth 8
    $null = $sb.Server.SeedFromJson($seed)

    function Invoke-Bad([scriptblock] $Call) {
        $sb.ClearRequestLog()
        $Error.Clear()
        try { $null = . $Call 2>$null } catch { return $_ }
        $Error[0]
    }

    function Get-SentOperation { @($sb.Requests | ForEach-Object Operation) }
}

AfterAll {
    Stop-DrSandbox
}

Describe 'The vault of a recovery point is found when not given' {
    It 'RestorePointInOtherVault regression: Restore-DrResource -RecoveryPointArn restores a point of vault Nightly and -Verbose names the vault' {
        $sb.ClearRequestLog()
        $out = Restore-DrResource -RecoveryPointArn $ebsPoint -Confirm:$false -Verbose -ErrorAction Stop 4>&1
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $job = @($out | Where-Object { $_ -is [BackupDr.Core.Model.RestoreJob] })
        $job.Count | Should -Be 1
        $verbose | Where-Object { $_ -match "vault 'Nightly'" } | Should -Not -BeNullOrEmpty
        Get-SentOperation | Should -Contain 'StartRestoreJob'
    }

    It 'CopyPointInOtherVault regression: Copy-DrRecoveryPoint -RecoveryPointArn copies a point of vault Nightly and -Verbose names the vault' {
        $out = Copy-DrRecoveryPoint -RecoveryPointArn $ebsPoint -DestinationRegion us-west-2 -Verbose -ErrorAction Stop 4>&1
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $job = @($out | Where-Object { $_ -is [BackupDr.Core.Model.CopyJob] })
        $job.Count | Should -Be 1
        $job[0].SourceBackupVaultArn | Should -BeLike '*:backup-vault:Nightly'
        $verbose | Where-Object { $_ -match "vault 'Nightly'" } | Should -Not -BeNullOrEmpty
    }

    It 'a point in no vault is RecoveryPointNotFound (ObjectNotFound) and no restore is sent' {
        $err = Invoke-Bad { Restore-DrResource -RecoveryPointArn 'arn:aws:ec2:us-east-1::snapshot/snap-0fffffffffffffff0' -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'RecoveryPointNotFound,BackupDr.Commands.RestoreDrResourceCommand*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-SentOperation | Should -Not -Contain 'StartRestoreJob'
    }

    It 'RecoveryPointPromptsForVault regression: Get-DrRecoveryPoint with neither vault nor resource lists every vault without prompting' {
        $all = @(Get-DrRecoveryPoint -ErrorAction Stop)
        $vaults = @($all.BackupVaultName | Sort-Object -Unique)
        $vaults | Should -Contain 'Nightly'
        $all.RecoveryPointArn | Should -Contain $rdsPoint
        @(Get-DrRecoveryPoint -Latest -ErrorAction Stop).Status | Sort-Object -Unique | Should -Be 'COMPLETED'
    }

    It 'Restore-DrResource -WhatIf by ARN without a vault sends nothing, not even the vault search' {
        $sb.ClearRequestLog()
        $null = Restore-DrResource -RecoveryPointArn $rdsPoint -WhatIf
        $sb.Requests.Count | Should -Be 0
    }
}

Describe 'Default restore names are unique' {
    It 'RestoreTwiceInOneMinute regression: the same point restored twice in a row gives two jobs with two names' {
        $first = Restore-DrResource -RecoveryPointArn $rdsPoint -BackupVaultName Nightly -Confirm:$false -ErrorAction Stop -Wait
        $second = Restore-DrResource -RecoveryPointArn $rdsPoint -BackupVaultName Nightly -Confirm:$false -ErrorAction Stop -Wait
        $first.RestoreJobId | Should -Not -Be $second.RestoreJobId
        $first.CreatedResourceArn | Should -Not -Be $second.CreatedResourceArn
        foreach ($arn in $first.CreatedResourceArn, $second.CreatedResourceArn) {
            $id = $arn.Split(':')[-1]
            $id | Should -Match '^orders-restore-\d{14}-[a-z0-9]{4}$'
            $id.Length | Should -BeLessOrEqual 63
        }
    }
}

Describe 'Restores that are refused before anything is sent' {
    It 'RestoreOfUnfinishedPoint regression: a piped <_> point is RecoveryPointNotCompleted and nothing is sent' -ForEach @('EXPIRED', 'PARTIAL', 'DELETING', 'CREATING') {
        $point = Get-DrRecoveryPoint -BackupVaultName Nightly -Status $_
        $point.Status | Should -Be $_
        $err = Invoke-Bad { $point | Restore-DrResource -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'RecoveryPointNotCompleted,BackupDr.Commands.RestoreDrResourceCommand*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -Match $_
        $sb.Requests.Count | Should -Be 0
    }

    It 'RestoreOfUnfinishedPoint regression: by ARN, an EXPIRED point is described but no restore is sent' {
        $err = Invoke-Bad { Restore-DrResource -RecoveryPointArn "arn:aws:ec2:us-east-1::snapshot/$($unfinished.EXPIRED)" -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'RecoveryPointNotCompleted,*'
        Get-SentOperation | Should -Not -Contain 'StartRestoreJob'
    }

    It 'a piped COMPLETED point does send the restore (the checks above can fail)' {
        $sb.ClearRequestLog()
        $null = Get-DrRecoveryPoint -BackupVaultName Nightly -Status COMPLETED -ResourceType EBS | Restore-DrResource -Confirm:$false -ErrorAction Stop
        Get-SentOperation | Should -Contain 'StartRestoreJob'
    }

    It 'DuplicateTargetName regression: two points to one -TargetName in one pipeline: the second is refused, one restore is sent' {
        $p = Get-DrRecoveryPoint -BackupVaultName Nightly -ResourceType RDS
        $sb.ClearRequestLog()
        $errs = $null
        $jobs = @($p, $p | Restore-DrResource -TargetName orders-twin -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue)
        $jobs.Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DuplicateTargetName,BackupDr.Commands.RestoreDrResourceCommand*'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        @(Get-SentOperation | Where-Object { $_ -eq 'StartRestoreJob' }).Count | Should -Be 1
    }

    It 'MetadataNameSkipsChecks regression: an invalid DBInstanceIdentifier in -Metadata is InvalidTargetName and nothing is sent' {
        $err = Invoke-Bad { Restore-DrResource -RecoveryPointArn $rdsPoint -BackupVaultName Nightly -Metadata @{ DBInstanceIdentifier = '1bad--name' } -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidTargetName,BackupDr.Commands.RestoreDrResourceCommand*'
        $err.Exception.Message | Should -Match '-Metadata'
        $sb.Requests.Count | Should -Be 0
    }

    It 'LocalChecksAfterRequests regression: <Id> is refused before any request' -ForEach @(
        @{ Id = 'InvalidBackupVaultName'; Call = { Restore-DrResource -RecoveryPointArn $rdsPoint -BackupVaultName 'bad vault' -Confirm:$false } }
        @{ Id = 'InvalidTargetName'; Call = { Restore-DrResource -RecoveryPointArn $rdsPoint -TargetName 'x--y' -Confirm:$false } }
        @{ Id = 'OverrideNotApplicable'; Call = { Restore-DrResource -RecoveryPointArn $ebsPoint -InstanceClass db.t3.large -Confirm:$false } }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,BackupDr.Commands.RestoreDrResourceCommand*"
        $sb.Requests.Count | Should -Be 0
    }
}

Describe 'Copies' {
    It 'CopyToSourceVault regression: <Name> is CopyToSameVault and nothing is sent' -ForEach @(
        @{ Name = 'the source region with the default vault name'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn $ebsPoint -BackupVaultName Nightly -DestinationRegion us-east-1 } }
        @{ Name = 'the source region and vault, by name'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn $rdsPoint -BackupVaultName Nightly -DestinationRegion us-east-1 -DestinationVaultName Nightly } }
        @{ Name = 'the source vault, by ARN'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn $rdsPoint -BackupVaultName Nightly -DestinationBackupVaultArn 'arn:aws:backup:us-east-1:123456789012:backup-vault:Nightly' } }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -BeLike 'CopyToSameVault,BackupDr.Commands.CopyDrRecoveryPointCommand*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $sb.Requests.Count | Should -Be 0
    }

    It 'a copy to another vault of the source region is sent (the check above can fail)' {
        $sb.ClearRequestLog()
        $job = Copy-DrRecoveryPoint -RecoveryPointArn $rdsPoint -BackupVaultName Nightly -DestinationRegion us-east-1 -DestinationVaultName Default -ErrorAction Stop
        $job.DestinationBackupVaultArn | Should -BeLike '*:us-east-1:*:backup-vault:Default'
        Get-SentOperation | Should -Contain 'StartCopyJob'
    }

    It 'CopyRerunDuplicates regression: the same copy run twice returns the same copy job' {
        $a = Copy-DrRecoveryPoint -RecoveryPointArn $rdsPoint -BackupVaultName Nightly -DestinationRegion us-west-2 -ErrorAction Stop
        $b = Copy-DrRecoveryPoint -RecoveryPointArn $rdsPoint -BackupVaultName Nightly -DestinationRegion us-west-2 -ErrorAction Stop
        $b.CopyJobId | Should -Be $a.CopyJobId
    }

    It 'CopyOfUnfinishedPoint regression: an EXPIRED point is RecoveryPointNotCompleted and no copy is sent' {
        $err = Invoke-Bad { Get-DrRecoveryPoint -BackupVaultName Nightly -Status EXPIRED | Copy-DrRecoveryPoint -DestinationRegion us-west-2 }
        $err.FullyQualifiedErrorId | Should -BeLike 'RecoveryPointNotCompleted,BackupDr.Commands.CopyDrRecoveryPointCommand*'
        Get-SentOperation | Should -Not -Contain 'StartCopyJob'
    }
}
