# Invoke-DrFailover and New-DrBackupPlan against the sandbox seeded with examples/sandbox-seed.json (orders-db in
# us-east-1 with its read replica orders-db-replica in eu-central-1, tagged DrTier = Gold). The sandbox's request
# log is the witness of what was, and was not, sent.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $example = Join-Path $RepoRoot 'examples/Invoke-PilotLightFailover.ps1'
    $replica = 'orders-db-replica'
    $drRegion = 'eu-central-1'

    function Get-Operation { param($Sandbox) @($Sandbox.Requests | ForEach-Object Operation) }

    function Set-ReplicaLag {
        param($Sandbox, [double] $Seconds)
        $body = @{ region = $drRegion; dbInstanceIdentifier = $replica; seconds = $Seconds } | ConvertTo-Json
        Invoke-RestMethod -Method Post -Uri "$($Sandbox.EndpointUrl)/_sandbox/replica-lag" -Body $body -ContentType 'application/json'
    }
}

Describe 'Invoke-DrFailover' {
    BeforeEach { $sb = Start-DrSandbox -JobDuration 1 -SeedPath $SampleSeed }
    AfterEach { Stop-DrSandbox }

    It 'promotes the sandbox replica: available, no longer a replica, lag and RPO reported' {
        $r = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -Timeout 60 -Confirm:$false
        $r | Should -BeOfType ([BackupDr.Core.Model.FailoverResult])
        $r.State | Should -Be 'available'
        $r.Succeeded | Should -BeTrue
        $r.Region | Should -Be $drRegion
        $r.SourceDBInstanceIdentifier | Should -Be 'arn:aws:rds:us-east-1:123456789012:db:orders-db'
        $r.LagAtPromotion | Should -Be ([TimeSpan]::FromSeconds(2))
        $r.Rpo | Should -Be ([BackupDr.Core.Operations.ReplicaPromoter]::RpoOf('Gold'))
        $r.Duration | Should -BeGreaterThan ([TimeSpan]::Zero)
        $r.Endpoint | Should -Match '^orders-db-replica\..+:5432$'
        Get-Operation $sb | Where-Object { $_ -eq 'PromoteReadReplica' } | Should -HaveCount 1

        # Witness: the instance is standalone now, so a second failover has nothing to promote.
        { Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAReadReplica,BackupDr.Commands.InvokeDrFailoverCommand'
        (Get-DrResource -Region $drRegion | Where-Object ResourceId -eq $replica) | Should -Not -BeNullOrEmpty
    }

    It 'refuses a lagging replica with ReplicaLagExceedsRpo naming lag and RPO, and promotes nothing' {
        $null = Set-ReplicaLag $sb 7200
        $sb.ClearRequestLog()
        $err = $null
        $out = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ReplicaLagExceedsRpo,BackupDr.Commands.InvokeDrFailoverCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match '2 h 0 min'
        $err[0].Exception.Message | Should -Match 'Gold RPO of 5 min 0 s'
        $err[0].TargetObject | Should -Be 'arn:aws:rds:eu-central-1:123456789012:db:orders-db-replica'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
        Get-Operation $sb | Should -Contain 'GetMetricStatistics'
        Get-Operation $sb | Should -Not -Contain 'PromoteReadReplica'
    }

    It 'promotes a lagging replica with -Force, and says so' {
        $null = Set-ReplicaLag $sb 7200
        $warnings = $null
        $r = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -Force -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $r.Succeeded | Should -BeTrue
        $r.Forced | Should -BeTrue
        $r.LagAtPromotion | Should -Be ([TimeSpan]::FromHours(2))
        ($warnings -join ' ') | Should -Match 'exceeds the Gold RPO'
        Get-Operation $sb | Should -Contain 'PromoteReadReplica'
    }

    It 'checks the lag against -Tier instead of the tag' {
        $null = Set-ReplicaLag $sb 7200
        $r = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -Tier Bronze -Confirm:$false
        $r.Tier | Should -Be 'Bronze'
        $r.Forced | Should -BeFalse
    }

    It 'checks the lag against the -PolicyPath RPO, not the tier default' {
        $null = Set-ReplicaLag $sb 7200
        $policy = Join-Path $TestDrive 'tiers.psd1'
        Set-Content -Path $policy -Value "@{ Tiers = @{ Gold = @{ Rpo = '3h' } } }"
        $r = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -PolicyPath $policy -Timeout 60 -Confirm:$false
        $r.Succeeded | Should -BeTrue
        $r.Forced | Should -BeFalse
        $r.Rpo | Should -Be ([TimeSpan]::FromHours(3))
        $r.RpoSource | Should -Be 'File'
    }

    It 'a broken -PolicyPath is TierPolicyInvalid naming the line, and nothing is sent' {
        $policy = Join-Path $TestDrive 'broken.psd1'
        Set-Content -Path $policy -Value "@{`n  Tiers = @{ Platinum = @{ Rpo = '1h' } }`n}"
        $sb.ClearRequestLog()
        { Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -PolicyPath $policy -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'TierPolicyInvalid,BackupDr.Commands.InvokeDrFailoverCommand' -ExpectedMessage '*line 2*'
        Get-Operation $sb | Should -BeNullOrEmpty
    }

    It 'a DrRpoMinutes tag on the replica, or on its source when the replica has none, overrides the tier RPO' {
        $null = Set-ReplicaLag $sb 7200
        Set-DrBackupTag -DBInstanceIdentifier $replica -Region $drRegion -Tag @{ DrRpoMinutes = '180' } -Confirm:$false
        $check = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -WhatIf -Verbose 4>&1 | Out-String
        $check | Should -Match 'Gold RPO 3 h 0 min \(Tag\)'

        # A replica created without tags follows its source's objectives (the source is in us-east-1).
        $sb.Server.SeedFromJson('{"regions":[{"region":"eu-central-1","dbInstances":[{"id":"orders-db-replica3","readReplicaSource":"arn:aws:rds:us-east-1:123456789012:db:orders-db"}]}]}')
        $body = @{ region = $drRegion; dbInstanceIdentifier = 'orders-db-replica3'; seconds = 7200 } | ConvertTo-Json
        $null = Invoke-RestMethod -Method Post -Uri "$($sb.EndpointUrl)/_sandbox/replica-lag" -Body $body -ContentType 'application/json'
        $err = $null
        $null = Invoke-DrFailover -DBInstanceIdentifier orders-db-replica3 -Region $drRegion -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'TierNotFound,BackupDr.Commands.InvokeDrFailoverCommand'
        Set-DrBackupTag -DBInstanceIdentifier orders-db -Region us-east-1 -Tier Silver -Tag @{ DrRpoMinutes = '30' } -Confirm:$false
        $err = $null
        $null = Invoke-DrFailover -DBInstanceIdentifier orders-db-replica3 -Region $drRegion -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'ReplicaLagExceedsRpo,BackupDr.Commands.InvokeDrFailoverCommand'
        $err[0].Exception.Message | Should -Match 'Silver RPO of 30 min 0 s \(its DrRpoMinutes tag\)'
        Set-DrBackupTag -DBInstanceIdentifier orders-db -Region us-east-1 -Tag @{ DrRpoMinutes = '240' } -Confirm:$false
        $r = Invoke-DrFailover -DBInstanceIdentifier orders-db-replica3 -Region $drRegion -Timeout 60 -Confirm:$false
        ($r.Tier, $r.Rpo, $r.RpoSource, $r.Forced) | Should -Be @('Silver', [TimeSpan]::FromHours(4), 'Tag', $false)
    }

    It '-WhatIf reads the replica and its lag and sends no write' {
        $sb.ClearRequestLog()
        $out = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -WhatIf
        $out | Should -BeNullOrEmpty
        $ops = Get-Operation $sb
        $ops | Should -Contain 'DescribeDBInstances'
        $ops | Should -Contain 'GetMetricStatistics'
        $ops | Should -Not -Contain 'PromoteReadReplica'
        # Positive control: the same call without -WhatIf does send the promotion.
        $null = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -Confirm:$false
        Get-Operation $sb | Should -Contain 'PromoteReadReplica'
    }

    It 'refuses an instance that is not a read replica with NotAReadReplica' {
        $sb.ClearRequestLog()
        { Invoke-DrFailover -DBInstanceIdentifier orders-db -Region us-east-1 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAReadReplica,BackupDr.Commands.InvokeDrFailoverCommand'
        Get-Operation $sb | Should -Not -Contain 'PromoteReadReplica'
    }

    It 'refuses a replica that is not available with ReplicaNotAvailable' {
        $null = Invoke-DrFailover -DBInstanceIdentifier $replica -Region $drRegion -Force -Confirm:$false -Timeout 1 -ErrorAction SilentlyContinue
        # Reseed a replica that is being modified: promote one, and ask again while it is still 'modifying'.
        $sb.Server.Configure({ param($o) $o.JobDuration = [TimeSpan]::FromMinutes(5) })
        $sb.Server.SeedFromJson('{"regions":[{"region":"eu-central-1","dbInstances":[{"id":"orders-db-replica2","readReplicaSource":"arn:aws:rds:us-east-1:123456789012:db:orders-db","tags":{"DrTier":"Silver"}}]}]}')
        $err = $null
        $null = Invoke-DrFailover -DBInstanceIdentifier orders-db-replica2 -Region $drRegion -Timeout 1 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'FailoverWaitTimeout,BackupDr.Commands.InvokeDrFailoverCommand'
        $err[0].TargetObject | Should -BeOfType ([BackupDr.Core.Model.FailoverResult])
        $err[0].TargetObject.State | Should -Be 'modifying'
        $sb.ClearRequestLog()
        { Invoke-DrFailover -DBInstanceIdentifier orders-db-replica2 -Region $drRegion -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReplicaNotAvailable,BackupDr.Commands.InvokeDrFailoverCommand'
        Get-Operation $sb | Should -Not -Contain 'PromoteReadReplica'
    }
}

Describe 'Invoke-PilotLightFailover.ps1' {
    BeforeEach { $sb = Start-DrSandbox -JobDuration 1 -SeedPath $SampleSeed }
    AfterEach { Stop-DrSandbox }

    It 'promotes and exits 0' {
        $out = & $example -DBInstanceIdentifier $replica -Region $drRegion *>&1
        $LASTEXITCODE | Should -Be 0
        ($out | Out-String) | Should -Match 'Promoted orders-db-replica in eu-central-1'
        ($out | Where-Object { $_ -is [BackupDr.Core.Model.FailoverResult] }).State | Should -Be 'available'
    }

    It 'exits 2 and promotes nothing when the lag exceeds the RPO' {
        $null = Set-ReplicaLag $sb 7200
        $out = & $example -DBInstanceIdentifier $replica -Region $drRegion *>&1
        $LASTEXITCODE | Should -Be 2
        ($out | Out-String) | Should -Match 'ReplicaLagExceedsRpo'
        Get-Operation $sb | Should -Not -Contain 'PromoteReadReplica'
    }

    It 'exits 0 with -WhatIf and promotes nothing' {
        $null = & $example -DBInstanceIdentifier $replica -Region $drRegion -WhatIf *>&1
        $LASTEXITCODE | Should -Be 0
        Get-Operation $sb | Should -Not -Contain 'PromoteReadReplica'
    }

    It 'exits 1 when the promotion does not finish within -Timeout' {
        $sb.Server.Configure({ param($o) $o.JobDuration = [TimeSpan]::FromMinutes(5) })
        $null = & $example -DBInstanceIdentifier $replica -Region $drRegion -Timeout (New-TimeSpan -Seconds 2) *>&1
        $LASTEXITCODE | Should -Be 1
    }
}

Describe 'New-DrBackupPlan' {
    BeforeEach { $sb = Start-DrSandbox -JobDuration 1 -SeedPath $SampleSeed }
    AfterEach { Stop-DrSandbox }

    It 'run twice leaves one plan: Created, then Unchanged with nothing sent' {
        $first = New-DrBackupPlan -Tier Gold -BackupVaultName Prod -DrRegion $drRegion
        $first.Action | Should -Be 'Created'
        $first.BackupPlanName | Should -Be 'BackupDr-Gold'
        $first.RuleNames | Should -Be @('hourly', 'daily', 'weekly')
        $first.SelectionTag | Should -Be 'DrTier=Gold'
        $first.DrBackupVaultArn | Should -Be 'arn:aws:backup:eu-central-1:123456789012:backup-vault:Prod'
        $sb.ClearRequestLog()
        $second = New-DrBackupPlan -Tier Gold -BackupVaultName Prod -DrRegion $drRegion
        $second.Action | Should -Be 'Unchanged'
        $second.BackupPlanId | Should -Be $first.BackupPlanId
        $second.VersionId | Should -Be $first.VersionId
        $ops = Get-Operation $sb
        $ops | Should -Contain 'ListBackupPlans'
        $ops | Where-Object { $_ -in 'CreateBackupPlan', 'UpdateBackupPlan', 'CreateBackupSelection' } | Should -BeNullOrEmpty
    }

    It 'a changed -DrRegion updates the same plan to a new version' {
        $first = New-DrBackupPlan -Tier Silver -BackupVaultName Prod -DrRegion $drRegion
        $sb.ClearRequestLog()
        $moved = New-DrBackupPlan -Tier Silver -BackupVaultName Prod -DrRegion us-west-2 -DrVaultName Default
        $moved.Action | Should -Be 'Updated'
        $moved.BackupPlanId | Should -Be $first.BackupPlanId
        $moved.VersionId | Should -Not -Be $first.VersionId
        $moved.Rules.CopyActions.DestinationBackupVaultArn | Select-Object -Unique | Should -Be 'arn:aws:backup:us-west-2:123456789012:backup-vault:Default'
        $ops = Get-Operation $sb
        $ops | Should -Contain 'UpdateBackupPlan'
        $ops | Should -Not -Contain 'CreateBackupPlan'
        (New-DrBackupPlan -Tier Silver -BackupVaultName Prod -DrRegion us-west-2 -DrVaultName Default).Action | Should -Be 'Unchanged'
    }

    It '-WhatIf prints the plan document and sends no Create or Update' {
        $transcript = Join-Path $TestDrive 'whatif.txt'
        $sb.ClearRequestLog()
        $null = Start-Transcript -LiteralPath $transcript
        try {
            $out = New-DrBackupPlan -Tier Bronze -BackupVaultName Prod -DrRegion $drRegion -WhatIf
        }
        finally {
            $null = Stop-Transcript
        }
        $out | Should -BeNullOrEmpty
        $text = Get-Content -LiteralPath $transcript -Raw
        $text | Should -Match 'What if: Create backup plan .BackupDr-Bronze.'
        $text | Should -Match '"BackupPlanName": "BackupDr-Bronze"'
        $text | Should -Match '"ScheduleExpression": "cron\(0 3 \? \* SUN \*\)"'
        $text | Should -Match '"DestinationBackupVaultArn": "arn:aws:backup:eu-central-1:123456789012:backup-vault:Prod"'
        $text | Should -Match '"ConditionValue": "Bronze"'
        $ops = Get-Operation $sb
        $ops | Should -Contain 'ListBackupPlans'
        $ops | Where-Object { $_ -in 'CreateBackupPlan', 'UpdateBackupPlan', 'CreateBackupSelection' } | Should -BeNullOrEmpty
        # Positive control: without -WhatIf the plan is sent.
        $null = New-DrBackupPlan -Tier Bronze -BackupVaultName Prod -DrRegion $drRegion
        Get-Operation $sb | Should -Contain 'CreateBackupPlan'
    }

    It 'refuses copies into the vault it backs up into, sending nothing' {
        $sb.ClearRequestLog()
        { New-DrBackupPlan -Tier Gold -BackupVaultName Prod -DrRegion us-east-1 -Region us-east-1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'CopyToSameVault,BackupDr.Commands.NewDrBackupPlanCommand'
        { New-DrBackupPlan -Tier Gold -BackupVaultName 'no such vault!' -DrRegion $drRegion -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidBackupVaultName,BackupDr.Commands.NewDrBackupPlanCommand'
        { New-DrBackupPlan -Tier Gold -BackupVaultName Prod -DrRegion 'not-a-region' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRegion,BackupDr.Commands.NewDrBackupPlanCommand'
        $sb.Requests | Should -BeNullOrEmpty
    }
}
