# Tiers and protection status (issue 9): Get-DrTier, Get-DrProtectionStatus against a seeded sandbox, the
# examples/Get-ProtectionStatus.ps1 runbook's exit codes, bad input that sends nothing, and the views at 120 columns.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
    $runbook = Join-Path $RepoRoot 'examples/Get-ProtectionStatus.ps1'
    $policyPsd1 = Join-Path $RepoRoot 'examples/tier-policy.psd1'
    $policyJson = Join-Path $RepoRoot 'examples/tier-policy.json'

    # The volume is Silver, the database Gold; us-west-2 is the DR region.
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json') -VolumeTags @{ DrTier = 'Silver'; Backup = 'daily' } -DbTags @{ DrTier = 'Gold' }
    $seed = Get-Content -Raw $seedPath | ConvertFrom-Json -AsHashtable
    $seed.regions += @{ region = 'us-west-2'; vaults = @(@{ name = 'Default'; tags = @{} }) }
    $seed | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $seedPath -Encoding utf8

    function Assert-FitsIn120 {
        param($Objects)
        $text = $Objects | Out-String -Width 120
        $lines = $text -split '\r?\n'
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 120 -Because "'$line' is wider than 120 columns" }
        $dash = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^-+( +-+)+ *$' })
        $dash | Should -BeGreaterThan 0 -Because 'the default view is a table'
        if ($dash -ge 2) { $lines[$dash - 2].Trim() | Should -BeNullOrEmpty -Because "the header wrapped: '$($lines[$dash - 2])'" }
        $text | Should -Not -Match '…|\.\.\.' -Because 'no value may be cut at 120 columns'
        $text | Should -Not -Match 'arn:aws' -Because 'tables show the short resource id; the ARN is for Format-List'
        $text
    }
}

Describe 'Get-DrTier' {
    It 'shows the default tiers, RPO and RTO as TimeSpan, Source Default' {
        $tiers = @(Get-DrTier)
        $tiers.Name | Should -Be @('Gold', 'Silver', 'Bronze')
        $tiers[0].Rpo | Should -BeOfType [TimeSpan]
        ($tiers | ForEach-Object { '{0} {1} {2}' -f $_.Name, $_.Rpo.TotalMinutes, $_.Rto.TotalMinutes }) | Should -Be @('Gold 5 15', 'Silver 60 240', 'Bronze 1440 1440')
        $tiers.Source | Sort-Object -Unique | Should -Be 'Default'
    }

    It 'reads a psd1 policy file over the defaults' {
        $tiers = @(Get-DrTier -PolicyPath $policyPsd1)
        $gold = $tiers | Where-Object Name -eq 'Gold'
        ($gold.Rpo, $gold.Rto, "$($gold.Source)", $gold.PolicyPath) | Should -Be @([TimeSpan]::FromMinutes(15), [TimeSpan]::FromHours(1), 'File', $policyPsd1)
        ($tiers | Where-Object Name -eq 'Silver').Source | Should -Be 'Default'
        ($tiers | Where-Object Name -eq 'Bronze').Rpo | Should -Be ([TimeSpan]::FromDays(4))
    }

    It 'reads a JSON policy file, relative to the current location' {
        Push-Location $RepoRoot
        try { $silver = Get-DrTier -Tier silver -PolicyPath ./examples/tier-policy.json }
        finally { Pop-Location }
        ($silver.Rpo, $silver.Rto, $silver.PolicyPath) | Should -Be @([TimeSpan]::FromMinutes(120), [TimeSpan]::FromHours(8), $policyJson)
    }

    It 'takes no AWS connection parameters (it calls no AWS API)' {
        (Get-Command Get-DrTier).Parameters.Keys | Should -Not -Contain 'Region'
        (Get-Command Get-DrTier).Parameters.Keys | Should -Not -Contain 'EndpointUrl'
    }

    It 'an unknown tier is UnknownTier naming the valid ones' {
        $err = { Get-DrTier -Tier Gold, Platinum } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'UnknownTier,BackupDr.Commands.GetDrTierCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match "'Platinum' is not a DR tier\. Use Gold, Silver or Bronze"
    }

    It 'a psd1 file that breaks a rule is TierPolicyInvalid naming the line and the rule' -ForEach @(
        @{ Text = "@{`n  Tiers = @{`n    Gold = @{ Rpo = 'soon' }`n  }`n}"; Line = 3; Rule = "Gold Rpo is 'soon', not a duration" }
        @{ Text = "@{`n  Tiers = @{`n    Gold = @{ Rpo = '1h' }`n    Platinum = @{ Rpo = 5 }`n  }`n}"; Line = 4; Rule = "unknown tier 'Platinum'" }
        @{ Text = "@{`n  Tiers = @{`n    Gold = @{ Rpo = `$env:RPO }`n  }`n}"; Line = 3; Rule = 'is not a constant' }
        @{ Text = "# policy`n@{`n  Tier = @{ }`n}"; Line = 3; Rule = "unknown key 'Tier'" }
        @{ Text = "@{`n  Tiers = @{`n    Bronze = @{ Rto = 600000 }`n  }`n}"; Line = 3; Rule = 'outside 1 minute to 366 days' }
        @{ Text = "@{ Tiers = @{} }`nGet-Process"; Line = 2; Rule = 'holds one hashtable' }
    ) {
        $path = Join-Path $TestDrive 'bad.psd1'
        Set-Content -LiteralPath $path -Value $Text -Encoding utf8
        $err = { Get-DrTier -PolicyPath $path } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TierPolicyInvalid,BackupDr.Commands.GetDrTierCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match ([regex]::Escape("line $($Line): "))
        $err.Exception.Message | Should -Match ([regex]::Escape($Rule))
        $err.ErrorDetails.RecommendedAction | Should -Match 'line the message names'
    }

    It 'a JSON file with an error names its line too' {
        $path = Join-Path $TestDrive 'bad.json'
        Set-Content -LiteralPath $path -Value "{`n  `"Tiers`": {`n    `"Gold`": { `"Rpo`": `"1h`", `"Retention`": 7 }`n  }`n}" -Encoding utf8
        $err = { Get-DrTier -PolicyPath $path } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TierPolicyInvalid,BackupDr.Commands.GetDrTierCommand'
        $err.Exception.Message | Should -Match "line 3: unknown key 'Retention' in tier Gold"
    }

    It 'a missing file is TierPolicyNotFound, another extension TierPolicyInvalid' {
        $err = { Get-DrTier -PolicyPath (Join-Path $TestDrive 'nope.psd1') } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TierPolicyNotFound,BackupDr.Commands.GetDrTierCommand'
        $txt = Join-Path $TestDrive 'policy.txt'
        Set-Content -LiteralPath $txt -Value '{}'
        ({ Get-DrTier -PolicyPath $txt } | Should -Throw -PassThru).FullyQualifiedErrorId | Should -Be 'TierPolicyInvalid,BackupDr.Commands.GetDrTierCommand'
    }

    It 'the table fits 120 columns' {
        $text = Assert-FitsIn120 (Get-DrTier -PolicyPath $policyPsd1)
        $text | Should -Match 'Gold +00:15:00 +01:00:00 +File'
    }
}

Describe 'Get-DrProtectionStatus against the sandbox' {
    BeforeAll {
        $sb = Start-DrSandbox -JobDuration 1 -SeedPath $seedPath
    }
    AfterAll { Stop-DrSandbox }

    Context 'before any backup' {
        It 'both tagged resources are TaggedNeverBackedUp and out of policy' {
            $s = @(Get-DrProtectionStatus)
            $s.Count | Should -Be 2
            $s | ForEach-Object { $_ | Should -BeOfType ([BackupDr.Core.Operations.ProtectionStatus]) }
            ($s | Sort-Object ResourceId | ForEach-Object { "$($_.ResourceId) $($_.Tier) $($_.InPolicy) $($_.RpoMet) $($_.Gaps -join ',')" }) |
                Should -Be @('orders Gold False False TaggedNeverBackedUp', 'vol-0123456789abcdef0 Silver False False TaggedNeverBackedUp')
            $s[0].PSObject.Properties.Name | Should -Contain 'LastDrillRto'
            $s[0].LastDrillRto | Should -BeNullOrEmpty
        }

        It '-Tier keeps one tier; -Summary counts them' {
            (Get-DrProtectionStatus -Tier gold).ResourceId | Should -Be 'orders'
            $sum = Get-DrProtectionStatus -Summary
            $sum | Should -BeOfType ([BackupDr.Core.Operations.ProtectionSummary])
            ($sum.Total, $sum.InPolicy, $sum.OutOfPolicy, $sum.ByGap['TaggedNeverBackedUp']) | Should -Be @(2, 0, 2, 2)
            $sum['Gold'].Total | Should -Be 1
            $sum.OutOfPolicyResourceArns | Sort-Object | Should -Be (@($DbArn, $VolumeArn) | Sort-Object)
        }

        It 'the runbook exits 2' {
            $out = & $runbook *>&1 | Out-String
            $LASTEXITCODE | Should -Be 2
            $out | Should -Match 'OUT OF POLICY: arn:aws:rds:us-east-1:123456789012:db:orders \(Gold\): TaggedNeverBackedUp'
            $out | Should -Match '2 resource\(s\) checked, 2 out of policy'
        }
    }

    Context 'after Start-DrBackup -Wait' {
        BeforeAll { $null = Start-DrBackup -ResourceArn $VolumeArn, $DbArn -Wait }

        It 'both are in policy: RPO met, only the advisory VaultNotLocked left' {
            $s = @(Get-DrProtectionStatus)
            foreach ($x in $s) {
                $x.InPolicy | Should -BeTrue
                $x.RpoMet | Should -BeTrue
                $x.Gaps | Should -Be @('VaultNotLocked')
                $x.LastBackupAge | Should -BeLessThan ([TimeSpan]::FromMinutes(5))
                $x.BackupVaultName | Should -Be 'Default'
                $x.LastRecoveryPointArn | Should -Not -BeNullOrEmpty
            }
        }

        It 'the runbook exits 0' {
            $out = & $runbook *>&1 | Out-String
            $LASTEXITCODE | Should -Be 0
            $out | Should -Match 'In policy: every resource meets its tier'
        }

        It '-RequireVaultLock counts the unlocked vault (the sandbox locks none), and the runbook exits 2 with it' {
            @(Get-DrProtectionStatus -RequireVaultLock | Where-Object InPolicy).Count | Should -Be 0
            $null = & $runbook -RequireVaultLock *>&1
            $LASTEXITCODE | Should -Be 2
        }

        It 'a policy file with an RPO under a minute is refused before anything is checked' {
            $path = Join-Path $TestDrive 'strict.psd1'
            Set-Content -LiteralPath $path -Value "@{ Tiers = @{ Gold = @{ Rpo = '1s' } } }"
            ({ Get-DrProtectionStatus -PolicyPath $path } | Should -Throw -PassThru).FullyQualifiedErrorId | Should -Be 'TierPolicyInvalid,BackupDr.Commands.GetDrProtectionStatusCommand'
        }

        It 'a DrRpoMinutes tag that is no number is InvalidTierTag, with a warning' {
            $null = Set-DrBackupTag -ResourceArn $VolumeArn -Tag @{ DrRpoMinutes = 'soon' }
            try {
                $s = Get-DrProtectionStatus -ResourceArn $VolumeArn -WarningVariable warned -WarningAction SilentlyContinue
                $s.Gaps | Should -Contain 'InvalidTierTag'
                $s.InPolicy | Should -BeFalse
                $s.Notes | Should -Match "DrRpoMinutes tag 'soon'"
                "$warned" | Should -Match "vol-0123456789abcdef0: .*DrRpoMinutes tag 'soon'"
                $null = Set-DrBackupTag -ResourceArn $VolumeArn -Tag @{ DrRpoMinutes = '1440' }
                $t = Get-DrProtectionStatus -ResourceArn $VolumeArn
                ($t.Rpo, "$($t.ObjectivesSource)", $t.InPolicy) | Should -Be @([TimeSpan]::FromDays(1), 'Tag', $true)
            }
            finally { $null = Set-DrBackupTag -ResourceArn $VolumeArn -Remove DrRpoMinutes }
        }

        It 'NoDrCopy with -DrRegion until Copy-DrRecoveryPoint -Wait copies the points' {
            $before = @(Get-DrProtectionStatus -DrRegion us-west-2)
            $before | ForEach-Object { $_.Gaps | Should -Contain 'NoDrCopy'; $_.InPolicy | Should -BeFalse }

            $null = Get-DrRecoveryPoint -BackupVaultName Default -Latest | Copy-DrRecoveryPoint -DestinationRegion us-west-2 -Wait -Confirm:$false

            $after = @(Get-DrProtectionStatus -DrRegion us-west-2)
            $after.Count | Should -Be 2
            foreach ($x in $after) {
                $x.Gaps | Should -Not -Contain 'NoDrCopy'
                $x.InPolicy | Should -BeTrue
                ($x.DrRegion, $x.DrBackupVaultName) | Should -Be @('us-west-2', 'Default')
                $x.DrRecoveryPointArn | Should -Match ':us-west-2:'
                $x.DrCopyAge | Should -BeLessThan ([TimeSpan]::FromMinutes(5))
            }
            $null = & $runbook -DrRegion us-west-2 *>&1
            $LASTEXITCODE | Should -Be 0
        }

        It 'takes resources from Get-DrResource by property name, tagged or not' {
            $null = Set-DrBackupTag -ResourceArn $VolumeArn -Remove DrTier
            try {
                $s = @(Get-DrResource | Get-DrProtectionStatus)
                ($s | Sort-Object ResourceId | ForEach-Object { "$($_.ResourceId) $($_.Gaps -join ',')" }) | Should -Be @('orders VaultNotLocked', 'vol-0123456789abcdef0 BackedUpUntagged,VaultNotLocked')
                # The tag scope finds the untagged but backed-up volume too.
                (Get-DrProtectionStatus | Where-Object ResourceId -eq 'vol-0123456789abcdef0').Gaps | Should -Contain 'BackedUpUntagged'
            }
            finally { $null = Set-DrBackupTag -ResourceArn $VolumeArn -Tier Silver }
        }

        It 'a resource that does not exist is an error of its own; the others are checked' {
            $missing = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000dead'
            $s = @(Get-DrProtectionStatus -ResourceArn $missing, $DbArn -ErrorVariable errs -ErrorAction SilentlyContinue)
            $s.ResourceId | Should -Be 'orders'
            @($errs).Count | Should -Be 1
            $errs[0].TargetObject | Should -Be $missing
        }

        It 'checks several regions in parallel (-ReportRegion)' {
            $s = @(Get-DrProtectionStatus -ReportRegion us-east-1, eu-west-1)
            $s.Count | Should -Be 2
            $s.Region | Sort-Object -Unique | Should -Be 'us-east-1'
        }

        It 'a region that cannot be read is ReportRegionFailed, and the runbook exits 3' {
            $null = $sb.Server.AddFault('ListBackupVaults', 100, 403, 'AccessDeniedException')
            try {
                $null = Get-DrProtectionStatus -ErrorVariable errs -ErrorAction SilentlyContinue
                $errs[0].FullyQualifiedErrorId | Should -Be 'ReportRegionFailed,BackupDr.Commands.GetDrProtectionStatusCommand'
                $null = & $runbook *>&1
                $LASTEXITCODE | Should -Be 3
            }
            finally { $sb.Server.ClearFaults() }
        }

        It 'the table fits 120 columns with a short resource id, and Format-List shows the ARNs' {
            $s = @(Get-DrProtectionStatus -DrRegion us-west-2)
            $text = Assert-FitsIn120 $s
            $text | Should -Match 'vol-0123456789abcdef0 +Silver +0m +0m +- +OK \(VaultNotLocked\)'
            ($s | Format-List | Out-String) | Should -Match 'ResourceArn +: arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0'
            $null = Assert-FitsIn120 (Get-DrProtectionStatus -Summary)
        }
    }

    Context 'bad input sends nothing' {
        It '<Case> is <Id>' -ForEach @(
            @{ Case = 'an unknown tier'; Id = 'UnknownTier'; Call = { Get-DrProtectionStatus -Tier Platinum } }
            @{ Case = 'a bad policy file'; Id = 'TierPolicyInvalid'; Call = { Get-DrProtectionStatus -PolicyPath (Join-Path $TestDrive 'bad.json') } }
            @{ Case = 'a missing policy file'; Id = 'TierPolicyNotFound'; Call = { Get-DrProtectionStatus -PolicyPath (Join-Path $TestDrive 'nope.json') } }
            @{ Case = 'the home region as DR region'; Id = 'DrRegionIsHomeRegion'; Call = { Get-DrProtectionStatus -DrRegion us-east-1 } }
            @{ Case = 'an ARN region as DR region'; Id = 'DrRegionIsHomeRegion'; Call = { Get-DrProtectionStatus -ResourceArn $VolumeArn -DrRegion us-east-1 -ErrorAction Stop } }
            @{ Case = 'a bad DR region name'; Id = 'InvalidRegion'; Call = { Get-DrProtectionStatus -DrRegion 'mars 1' } }
            @{ Case = 'a malformed ARN'; Id = 'InvalidResourceArn'; Call = { Get-DrProtectionStatus -ResourceArn 'vol-0123' -ErrorAction Stop } }
            @{ Case = 'an ARN of another type'; Id = 'UnsupportedResourceType'; Call = { 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' | Get-DrProtectionStatus -ErrorAction Stop } }
        ) {
            Set-Content -LiteralPath (Join-Path $TestDrive 'bad.json') -Value '{ "Tiers": { "Gold": { "Rpo": "soon" } } }'
            $sb.ClearRequestLog()
            $err = $Call | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be "$Id,BackupDr.Commands.GetDrProtectionStatusCommand"
            $sb.Requests.Count | Should -Be 0
        }

        It 'the runbook exits 4 on bad input and sends nothing' {
            $sb.ClearRequestLog()
            $out = & $runbook -Tier Platinum *>&1 | Out-String
            $LASTEXITCODE | Should -Be 4
            $out | Should -Match 'UnknownTier'
            $sb.Requests.Count | Should -Be 0
        }

        It 'positive control: good input does send' {
            $sb.ClearRequestLog()
            $null = Get-DrProtectionStatus -Tier Gold
            $sb.Requests.Count | Should -BeGreaterThan 0
        }
    }
}

Describe 'Get-DrProtectionStatus over backup plan selections' {
    BeforeAll {
        $sb = Start-DrSandbox -JobDuration 1 -SeedPath $SampleSeed
        $webRoot = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0'
        function Invoke-Aws([string[]] $Arguments) {
            $env:AWS_ACCESS_KEY_ID = $sb.AccessKey
            $env:AWS_SECRET_ACCESS_KEY = 'sandbox-secret-key-not-a-real-secret'
            $env:AWS_DEFAULT_REGION = 'us-east-1'
            $env:AWS_PAGER = ''
            # --region, and no profile: what other tests left in the environment must not redirect the CLI.
            $saved = @{}
            foreach ($n in 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_SESSION_TOKEN') {
                if (Test-Path "Env:$n") { $saved[$n] = (Get-Item "Env:$n").Value; Remove-Item "Env:$n" }
            }
            try { $out = & aws --endpoint-url $sb.EndpointUrl --region us-east-1 @Arguments --output json 2>&1 }
            finally { foreach ($n in $saved.Keys) { Set-Item "Env:$n" -Value $saved[$n] } }
            $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
            ($out | Where-Object { $_ -is [string] }) | Out-String | ConvertFrom-Json
        }
    }
    AfterAll { Stop-DrSandbox }

    It 'PlanSelectionScope regression: an untagged volume a plan selects by ARN is in scope, names its plan and is SelectedWithoutTier' {
        # Untagged and never backed up: outside the tag scope until a plan selects it.
        (Get-DrProtectionStatus -Region us-east-1).ResourceId | Should -Not -Contain 'vol-0123456789abcdef0'

        $plan = New-DrBackupPlan -Tier Bronze -BackupVaultName Prod -DrRegion eu-central-1 -Region us-east-1 -Confirm:$false
        $doc = @{ SelectionName = 'web-root'; IamRoleArn = 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'; Resources = @($webRoot) } | ConvertTo-Json -Compress
        $docPath = Join-Path $TestDrive 'selection.json'
        Set-Content -LiteralPath $docPath -Value $doc
        $null = Invoke-Aws @('backup', 'create-backup-selection', '--backup-plan-id', $plan.BackupPlanId, '--backup-selection', "file://$docPath")

        $sb.ClearRequestLog()
        $warned = $null
        $s = @(Get-DrProtectionStatus -Region us-east-1 -WarningVariable warned -WarningAction SilentlyContinue)
        @($sb.Requests | ForEach-Object Operation) | Should -Contain 'GetBackupSelection'
        $web = $s | Where-Object ResourceId -eq 'vol-0123456789abcdef0'
        $web | Should -Not -BeNullOrEmpty
        ($web.BackupPlan, $web.BackupSelection, $web.InPolicy) | Should -Be @('BackupDr-Bronze', 'BackupDr-Bronze/web-root', $false)
        $web.Gaps | Should -Be @('UntaggedNeverBackedUp', 'SelectedWithoutTier')
        ($warned -join ' ') | Should -Match 'vol-0123456789abcdef0: backup plan selection BackupDr-Bronze/web-root assigns it'
        ($s | Where-Object ResourceId -eq 'vol-0fedcba9876543210').BackupSelection | Should -Be 'BackupDr-Bronze/DrTier-Bronze'

        (@(Get-DrProtectionStatus -Region us-east-1 -BackupPlanName backupdr-bronze -WarningAction SilentlyContinue).ResourceId | Sort-Object) | Should -Be @('vol-0123456789abcdef0', 'vol-0fedcba9876543210')
        @(Get-DrProtectionStatus -Region us-east-1 -BackupPlanName NoSuchPlan).Count | Should -Be 0
        (Get-DrProtectionStatus -Region us-east-1 -ResourceArn $webRoot -WarningAction SilentlyContinue).BackupPlan | Should -Be 'BackupDr-Bronze'

        $text = Assert-FitsIn120 ($s)
        $text | Should -Match 'Plan'
        $text | Should -Match 'vol-0123456789abcdef0 +- +never +- +BackupDr-Bronze +UntaggedNeverBackedUp, SelectedWithoutTier'
        $text | Should -Match 'vol-0fedcba9876543210 +Bronze .+ BackupDr-Bronze +OK \(VaultNotLocked\)'
    }
}

