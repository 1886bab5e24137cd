# Restore drills against the sandbox: Test-DrRestore over all three tiers, cleanup witnessed by Get-DrResource and
# the AWS CLI, -KeepRestored with Remove-DrDrillResource, an interrupted drill, the ledger, bad input, the runbook.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $sb = Start-DrSandbox -JobDuration 0
    $acct = '123456789012'
    $goldVol = 'vol-0a0a0a0a0a0a0a0a1'; $bronzeVol = 'vol-0b0b0b0b0b0b0b0b2'
    $seed = @{ regions = @(@{
                region      = 'us-east-1'
                volumes     = @(
                    @{ id = $goldVol; size = 8; tags = @{ DrTier = 'Gold'; Name = 'orders-data' } }
                    @{ id = $bronzeVol; size = 20; tags = @{ DrTier = 'Bronze'; Name = 'archive' } })
                dbInstances = @(@{ id = 'orders'; engine = 'postgres'; tags = @{ DrTier = 'Silver' } })
                vaults      = @(@{ name = 'Nightly' })
                recoveryPoints = @(
                    @{ arn = 'arn:aws:ec2:us-east-1::snapshot/snap-0a0a0a0a0a0a0a0a1'; vault = 'Nightly'; resourceArn = "arn:aws:ec2:us-east-1:${acct}:volume/$goldVol"; createdAgeMinutes = 3 }
                    @{ arn = 'arn:aws:ec2:us-east-1::snapshot/snap-0b0b0b0b0b0b0b0b2'; vault = 'Nightly'; resourceArn = "arn:aws:ec2:us-east-1:${acct}:volume/$bronzeVol"; createdAgeMinutes = 720 }
                    @{ arn = 'arn:aws:ec2:us-east-1::snapshot/snap-0c0c0c0c0c0c0c0pa'; vault = 'Nightly'; status = 'PARTIAL'; resourceArn = "arn:aws:ec2:us-east-1:${acct}:volume/$bronzeVol"; createdAgeMinutes = 360 }
                    @{ arn = "arn:aws:rds:us-east-1:${acct}:snapshot:awsbackup:job-0123456789abcdef"; vault = 'Nightly'; resourceArn = "arn:aws:rds:us-east-1:${acct}:db:orders"; createdAgeMinutes = 30 })
            }) } | ConvertTo-Json -Depth 8
    $null = $sb.Server.SeedFromJson($seed)
    $originals = @($goldVol, $bronzeVol, 'orders') | Sort-Object
    $work = Join-Path ([IO.Path]::GetTempPath()) "bdr-drills-$PID-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $work
    $ledger = Join-Path $work 'drills.jsonl'

    function Get-ResourceIds { @(Get-DrResource -ResourceType EBS, RDS | ForEach-Object ResourceId) | Sort-Object }
    function Get-Sent { @($sb.Requests | ForEach-Object Operation) }
    function Invoke-Bad([scriptblock] $Call) {
        $sb.ClearRequestLog()
        $Error.Clear()
        try { $null = . $Call 2>$null } catch { return $_ }
        $Error[0]
    }
    function Invoke-Aws([string[]] $Arguments) {
        $env:AWS_ACCESS_KEY_ID = $sb.AccessKey
        $env:AWS_SECRET_ACCESS_KEY = 'sandbox-secret-key-not-a-real-secret'
        $env:AWS_DEFAULT_REGION = 'us-east-1'
        $env:AWS_PAGER = ''
        $json = & aws --endpoint-url $sb.EndpointUrl @Arguments --output json
        $LASTEXITCODE | Should -Be 0
        $json | Out-String | ConvertFrom-Json
    }
}

AfterAll {
    Stop-DrSandbox
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A drill over Gold, Silver and Bronze resources' {
    BeforeAll {
        $sb.ClearRequestLog()
        $script:results = @(Get-DrResource -ResourceType EBS, RDS | Test-DrRestore -LedgerPath $ledger -Confirm:$false -ErrorAction Stop)
        $script:table = $results | Format-Table | Out-String -Width 120
    }

    It 'emits one passed result per resource, graded against its own tier' {
        $results.Count | Should -Be 3
        ($results.Tier | Sort-Object) | Should -Be @('Bronze', 'Gold', 'Silver')
        foreach ($r in $results) {
            $r.Passed | Should -BeTrue -Because $r.Message
            $r.Verified | Should -BeTrue
            $r.CleanedUp | Should -BeTrue
            $r.Rto | Should -BeOfType [TimeSpan]
            $r.RtoMet | Should -BeTrue
            $r.RpoMet | Should -BeTrue
            $r.RestoredResourceArn | Should -Not -BeNullOrEmpty
        }
        ($results | Where-Object Tier -EQ 'Silver').RestoredResourceId | Should -BeLike 'drill-orders-*'
        ($results | Where-Object Tier -EQ 'Bronze').RpoAchieved.TotalHours | Should -BeGreaterOrEqual 11.9   # the point is 12 hours old
    }

    It 'LastDrillColumnAlwaysEmpty regression: Get-DrProtectionStatus shows the drill from the ledger and grades its age' {
        $gold = ($results | Where-Object Tier -EQ 'Gold')
        $status = @(Get-DrProtectionStatus -ResourceArn $gold.ResourceArn -LedgerPath $ledger -DrillMaxAgeDays 30)
        $status.Count | Should -Be 1
        $status[0].LastDrillRto | Should -Be $gold.Rto
        $status[0].LastDrillTime | Should -Not -BeNullOrEmpty
        $status[0].Gaps | Should -Not -Contain 'DrillOverdue'
        $undrilled = @(Get-DrProtectionStatus -ResourceArn $gold.ResourceArn -LedgerPath (Join-Path $TestDrive 'no-drills.jsonl') -DrillMaxAgeDays 30)
        $undrilled[0].Gaps | Should -Contain 'DrillOverdue'
        $undrilled[0].InPolicy | Should -BeFalse
    }

    It 'prints measured RTO and RPO with met/MISSED per tier at 120 columns' {
        $table | Should -Match 'Gold\s+\d\d:\d\d:\d\d met\s+\d\d:\d\d:\d\d met\s+True'
        $table | Should -Match 'Bronze\s+\d\d:\d\d:\d\d met\s+12:\d\d:\d\d met\s+True'
        $table | Should -Match 'Silver'
    }

    It 'tags what it creates and deletes it: only the originals are left (Get-DrResource and the AWS CLI agree)' {
        Get-Sent | Should -Contain 'CreateTags'
        Get-Sent | Should -Contain 'AddTagsToResource'
        Get-Sent | Should -Contain 'DeleteVolume'
        Get-Sent | Should -Contain 'DeleteDBInstance'
        Get-ResourceIds | Should -Be $originals
        (Invoke-Aws @('ec2', 'describe-volumes')).Volumes.VolumeId | Sort-Object | Should -Be @($goldVol, $bronzeVol | Sort-Object)
        (Invoke-Aws @('rds', 'describe-db-instances')).DBInstances.DBInstanceIdentifier | Should -Be @('orders')
    }

    It 'records each result in the ledger, which verifies' {
        $history = @(Get-DrDrillHistory -LedgerPath $ledger)
        $history.Count | Should -Be 3
        $history.Line | Should -Be @(1, 2, 3)
        $history[0].DrillId | Should -Be $results[0].DrillId
    }

    It '-WhatIf names the points it would restore and sends no write' {
        $sb.ClearRequestLog()
        $null = Test-DrRestore -Tier Gold -WhatIf -LedgerPath $ledger
        Get-Sent | Should -Not -Contain 'StartRestoreJob'
        Get-Sent | Should -Contain 'ListRecoveryPointsByResource'
        Get-ResourceIds | Should -Be $originals
    }
}

Describe '-KeepRestored, then Remove-DrDrillResource' {
    It 'keeps the tagged copies; -WhatIf removes nothing; then they are removed' {
        $kept = @(Test-DrRestore -Tier Gold -KeepRestored -LedgerPath $ledger -Confirm:$false -ErrorAction Stop)
        $kept.Count | Should -Be 1
        $kept[0].CleanedUp | Should -BeFalse
        (Get-ResourceIds).Count | Should -Be 4

        $sb.ClearRequestLog()
        $null = Remove-DrDrillResource -WhatIf
        Get-Sent | Should -Not -Contain 'DeleteVolume'
        (Get-ResourceIds).Count | Should -Be 4

        $removed = @($kept | Remove-DrDrillResource -Confirm:$false)
        $removed.Count | Should -Be 1
        $removed[0].ResourceArn | Should -Be $kept[0].RestoredResourceArn
        $removed[0].DrillId | Should -Be $kept[0].DrillId
        Get-ResourceIds | Should -Be $originals
    }
}

Describe 'An interrupted drill' {
    It 'stopped mid-wait leaves nothing behind (or Remove-DrDrillResource finds what it left)' {
        $sb.Server.Configure([Action[BackupDr.Sandbox.SandboxOptions]] { param($o) $o.JobDuration = [TimeSpan]::FromSeconds(3) })
        $sb.ClearRequestLog()
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($module, $endpoint, $key, $path)
                    Import-Module $module
                    Test-DrRestore -Tier Silver -EndpointUrl $endpoint -AccessKey $key -SecretKey 'sandbox-secret-key-not-a-real-secret' -Region us-east-1 -LedgerPath $path -Confirm:$false
                }).AddArgument((Get-BackupDrModulePath)).AddArgument($sb.EndpointUrl).AddArgument($sb.AccessKey).AddArgument($ledger)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not ((Get-Sent) -contains 'StartRestoreJob') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-Sent | Should -Contain 'StartRestoreJob'
            Start-Sleep -Milliseconds 300
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
        }
        finally {
            $ps.Dispose()
            $sb.Server.Configure([Action[BackupDr.Sandbox.SandboxOptions]] { param($o) $o.JobDuration = [TimeSpan]::Zero })
        }
        $left = @(Remove-DrDrillResource -Confirm:$false)
        $left.Count | Should -BeLessOrEqual 1
        Get-ResourceIds | Should -Be $originals
        (Invoke-Aws @('rds', 'describe-db-instances')).DBInstances.DBInstanceIdentifier | Should -Be @('orders')
    }
}

Describe 'A drill killed outright' {
    BeforeAll {
        # Runs Test-DrRestore in a child pwsh against the sandbox and kills it outright (no finally, no cleanup, no tag)
        # as soon as -Ready says so, or after 60 s.
        function Stop-DrillWhen([string] $TierArgs, [string] $LedgerPath, [scriptblock] $Ready) {
            $module = (Resolve-Path (Get-BackupDrModulePath)).Path
            $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
            if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
            foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; Test-DrRestore $TierArgs -LedgerPath '$LedgerPath' -Confirm:`$false") { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            $psi.Environment['AWS_ENDPOINT_URL'] = $sb.EndpointUrl
            $psi.Environment['AWS_ACCESS_KEY_ID'] = $sb.AccessKey
            $psi.Environment['AWS_SECRET_ACCESS_KEY'] = 'sandbox-secret-key-not-a-real-secret'
            $psi.Environment['AWS_REGION'] = 'us-east-1'
            $psi.Environment['AWS_EC2_METADATA_DISABLED'] = 'true'
            $p = [System.Diagnostics.Process]::Start($psi)
            try {
                $null = $p.StandardOutput.ReadToEndAsync()
                $null = $p.StandardError.ReadToEndAsync()
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (-not (& $Ready) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
                $p.Kill()    # outright: no finally, no cleanup, no tag
                $p.WaitForExit(15000) | Should -BeTrue
            }
            finally {
                if (-not $p.HasExited) { $p.Kill() }
                $p.Dispose()
            }
        }

        # Waits (up to 30 s) for the killed drill's restore to create its resource, then lets sandbox jobs finish at once;
        # returns the ids that were not there before.
        function Wait-DrillLeftover {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Get-ResourceIds).Count -lt 4 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $sb.Server.Configure([Action[BackupDr.Sandbox.SandboxOptions]] { param($o) $o.JobDuration = [TimeSpan]::Zero })
            , @(Get-ResourceIds | Where-Object { $_ -notin $originals })
        }
    }

    It 'DrillKilledBeforeTagging regression: Remove-DrDrillResource lists the untagged restore by its drill name with -WhatIf, then removes it' {
        $sb.Server.Configure([Action[BackupDr.Sandbox.SandboxOptions]] { param($o) $o.JobDuration = [TimeSpan]::FromSeconds(2) })
        $sb.ClearRequestLog()
        $childLedger = Join-Path $work 'killed.jsonl'
        Stop-DrillWhen -TierArgs '-Tier Silver' -LedgerPath $childLedger -Ready { (Get-Sent) -contains 'StartRestoreJob' }
        Get-Sent | Should -Contain 'StartRestoreJob'

        # The restore goes on without the drill and creates a DB instance that carries no drill tag.
        $leftId = Wait-DrillLeftover
        $leftId.Count | Should -Be 1
        $leftId[0] | Should -Match '^drill-orders-[a-z0-9]{4}$'
        Get-Sent | Should -Not -Contain 'AddTagsToResource'

        # Found by tag only (the defect), it would be missed.
        @(Remove-DrDrillResource -TaggedOnly -Confirm:$false).Count | Should -Be 0

        $sb.ClearRequestLog()
        $transcript = Join-Path $work 'whatif.txt'
        $null = Start-Transcript -Path $transcript
        try { Remove-DrDrillResource -WhatIf } finally { $null = Stop-Transcript }
        $listed = Get-Content -Raw $transcript
        $listed | Should -Match ([regex]::Escape($leftId[0]))
        $listed | Should -Match 'interrupted drill'
        Get-Sent | Should -Not -Contain 'DeleteDBInstance'
        (Get-ResourceIds).Count | Should -Be 4

        $removed = @(Remove-DrDrillResource -Confirm:$false)
        $removed.Count | Should -Be 1
        ($removed[0].FoundBy, $removed[0].ResourceId, $removed[0].Removed) | Should -Be @('Name', $leftId[0], $true)
        Get-ResourceIds | Should -Be $originals
        (Invoke-Aws @('rds', 'describe-db-instances')).DBInstances.DBInstanceIdentifier | Should -Be @('orders')
    }

    It 'DrillKilledBeforeTaggingEbs regression: the untagged volume of a killed drill is found through its journal, listed with -WhatIf, then removed' {
        $sb.Server.Configure([Action[BackupDr.Sandbox.SandboxOptions]] { param($o) $o.JobDuration = [TimeSpan]::FromSeconds(2) })
        $sb.ClearRequestLog()
        $childLedger = Join-Path $work 'killed-ebs.jsonl'
        $journalPath = "$childLedger.pending"
        # Killed once the journal holds the restore job: the restore then runs on without the drill.
        Stop-DrillWhen -TierArgs '-Tier Gold' -LedgerPath $childLedger -Ready { (Test-Path -LiteralPath $journalPath) -and (Get-Content -Raw -LiteralPath $journalPath) -match '"Event":"job"' }
        Get-Content -Raw -LiteralPath $journalPath | Should -Match '"Event":"job"'

        # AWS creates the volume when the restore completes; nothing tags it.
        $leftId = Wait-DrillLeftover
        $leftId.Count | Should -Be 1
        $leftId[0] | Should -Match '^vol-'
        Get-Sent | Should -Not -Contain 'CreateTags'

        # By tag, or without the drill's journal (the defect), it is missed.
        @(Remove-DrDrillResource -TaggedOnly -Confirm:$false).Count | Should -Be 0
        @(Remove-DrDrillResource -Confirm:$false).Count | Should -Be 0

        $sb.ClearRequestLog()
        $transcript = Join-Path $work 'whatif-ebs.txt'
        $null = Start-Transcript -Path $transcript
        try { Remove-DrDrillResource -LedgerPath $childLedger -WhatIf } finally { $null = Stop-Transcript }
        $listed = Get-Content -Raw $transcript
        $listed | Should -Match ([regex]::Escape($leftId[0]))
        $listed | Should -Match 'found through its journal'
        Get-Sent | Should -Not -Contain 'DeleteVolume'
        (Get-ResourceIds).Count | Should -Be 4

        $removed = @(Remove-DrDrillResource -LedgerPath $childLedger -Confirm:$false)
        $removed.Count | Should -Be 1
        ($removed[0].FoundBy, $removed[0].ResourceId, $removed[0].Removed) | Should -Be @('Journal', $leftId[0], $true)
        $removed[0].DrillId | Should -Match '^drill-'
        Get-ResourceIds | Should -Be $originals
        ([BackupDr.Core.Operations.DrillJournal]::ForLedger($childLedger)).Pending().Count | Should -Be 0
        @(Remove-DrDrillResource -LedgerPath $childLedger -Confirm:$false).Count | Should -Be 0
    }
}

Describe 'The drill ledger' {
    It 'LedgerTampered names the edited line' {
        $copy = Join-Path $TestDrive 'edited.jsonl'
        $lines = @(Get-Content -LiteralPath $ledger)
        $lines.Count | Should -BeGreaterOrEqual 3
        $lines[1] = $lines[1] -replace '"Passed":true', '"Passed":false'
        Set-Content -LiteralPath $copy -Value $lines
        $err = Invoke-Bad { Get-DrDrillHistory -LedgerPath $copy }
        $err.FullyQualifiedErrorId | Should -BeLike 'LedgerTampered,BackupDr.Commands.GetDrDrillHistoryCommand*'
        $err.Exception.Message | Should -Match 'line 2'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'filters by resource' {
        $gold = "arn:aws:ec2:us-east-1:${acct}:volume/$goldVol"
        $history = @(Get-DrDrillHistory -LedgerPath $ledger -ResourceArn $gold)
        $history.Count | Should -BeGreaterOrEqual 2
        $history.ResourceArn | Select-Object -Unique | Should -Be $gold
    }
}

Describe 'Bad input: a stable id and nothing sent' {
    It '-Sample <Sample> is InvalidSample' -ForEach @(@{ Sample = 0 }, @{ Sample = 101 }) {
        $err = Invoke-Bad { Test-DrRestore -Tier Gold -Sample $Sample -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidSample,BackupDr.Commands.TestDrRestoreCommand*'
        $sb.Requests.Count | Should -Be 0
    }

    It 'an unknown tier is UnknownTier' {
        $err = Invoke-Bad { Test-DrRestore -Tier Platinum -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'UnknownTier,BackupDr.Commands.TestDrRestoreCommand*'
        $sb.Requests.Count | Should -Be 0
    }

    It 'a recovery point that is not completed is RecoveryPointNotCompleted' {
        $point = Get-DrRecoveryPoint -ResourceArn "arn:aws:ec2:us-east-1:${acct}:volume/$bronzeVol" -Status PARTIAL
        $point | Should -Not -BeNullOrEmpty
        $err = Invoke-Bad { $point | Test-DrRestore -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'RecoveryPointNotCompleted,BackupDr.Commands.TestDrRestoreCommand*'
        $sb.Requests.Count | Should -Be 0
    }

    It 'a positive control: the same point COMPLETED is drilled' {
        $sb.ClearRequestLog()
        $r = Get-DrRecoveryPoint -ResourceArn "arn:aws:ec2:us-east-1:${acct}:volume/$bronzeVol" -Latest | Test-DrRestore -LedgerPath $ledger -Confirm:$false
        $r.Passed | Should -BeTrue
        Get-Sent | Should -Contain 'StartRestoreJob'
    }
}

Describe 'Drills graded against the effective policy' {
    It 'DrillIgnoresPolicy regression: -PolicyPath tightens the Bronze RPO and the 12-hour-old point misses it' {
        $policy = Join-Path $work 'tiers.psd1'
        Set-Content -Path $policy -Value "@{ Tiers = @{ Bronze = @{ Rpo = '6h' } } }"
        $r = Test-DrRestore -ResourceArn "arn:aws:ec2:us-east-1:${acct}:volume/$bronzeVol" -PolicyPath $policy -LedgerPath (Join-Path $work 'policy.jsonl') -ErrorAction SilentlyContinue -ErrorVariable drillErr
        "$drillErr" | Should -Match 'exceeds the Bronze target 06:00:00'
        $r.RpoTarget | Should -Be ([TimeSpan]::FromHours(6))
        $r.RpoMet | Should -BeFalse
        $r.Passed | Should -BeFalse
        $r.CleanedUp | Should -BeTrue
    }

    It 'DrillIgnoresPolicy regression: a DrRpoMinutes tag overrides the tier RPO without a policy file' {
        $vol = "arn:aws:ec2:us-east-1:${acct}:volume/$bronzeVol"
        try {
            Set-DrBackupTag -ResourceArn $vol -Tag @{ DrRpoMinutes = '60' } -Confirm:$false | Out-Null
            $r = Test-DrRestore -ResourceArn $vol -LedgerPath (Join-Path $work 'tag.jsonl') -ErrorAction SilentlyContinue -ErrorVariable drillErr
            "$drillErr" | Should -Match 'exceeds the Bronze target 01:00:00'
            $r.RpoTarget | Should -Be ([TimeSpan]::FromMinutes(60))
            $r.RpoMet | Should -BeFalse
        }
        finally {
            Set-DrBackupTag -ResourceArn $vol -Remove DrRpoMinutes -Confirm:$false | Out-Null
        }
        (Test-DrRestore -ResourceArn $vol -LedgerPath (Join-Path $work 'tag.jsonl')).RpoTarget | Should -Be ([TimeSpan]::FromHours(24))
    }

    It 'a broken -PolicyPath stops the drill before anything is sent' {
        $policy = Join-Path $work 'broken.psd1'
        Set-Content -Path $policy -Value "@{`n  Tiers = @{ Platinum = @{ Rpo = '1h' } }`n}"
        $err = Invoke-Bad { Test-DrRestore -ResourceArn "arn:aws:ec2:us-east-1:${acct}:volume/$bronzeVol" -PolicyPath $policy -LedgerPath (Join-Path $work 'x.jsonl') -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'TierPolicyInvalid,*'
        Get-Sent | Should -BeNullOrEmpty
    }
}

Describe 'examples/Invoke-DrDrill.ps1' {
    It 'exits 0 when every Gold and Silver drill passes, writing JUnit and HTML' {
        $reports = Join-Path $TestDrive 'ok'
        $null = & (Join-Path $RepoRoot 'examples/Invoke-DrDrill.ps1') -ReportPath $reports -LedgerPath $ledger *>&1
        $LASTEXITCODE | Should -Be 0
        [xml] $junit = Get-Content -Raw (Join-Path $reports 'drill-junit.xml')
        @($junit.testsuites.testsuite.testcase).Count | Should -Be 2
        $junit.testsuites.testsuite.failures | Should -Be '0'
        Join-Path $reports 'drill-report.html' | Should -Exist
        Get-ResourceIds | Should -Be $originals
    }

    It 'exits 1 when a target is missed (a Gold volume whose newest point is 3 days old)' {
        $stale = @{ regions = @(@{ region = 'us-east-1'
                    volumes = @(@{ id = 'vol-0d0d0d0d0d0d0d0d3'; size = 4; tags = @{ DrTier = 'Gold' } })
                    vaults = @(@{ name = 'Stale' })
                    recoveryPoints = @(@{ arn = 'arn:aws:ec2:us-east-1::snapshot/snap-0d0d0d0d0d0d0d0d3'; vault = 'Stale'; resourceArn = "arn:aws:ec2:us-east-1:${acct}:volume/vol-0d0d0d0d0d0d0d0d3"; createdAgeDays = 3 }) }) } | ConvertTo-Json -Depth 8
        $null = $sb.Server.SeedFromJson($stale)
        $reports = Join-Path $TestDrive 'missed'
        $null = & (Join-Path $RepoRoot 'examples/Invoke-DrDrill.ps1') -ReportPath $reports -LedgerPath $ledger *>&1
        $LASTEXITCODE | Should -Be 1
        [xml] $junit = Get-Content -Raw (Join-Path $reports 'drill-junit.xml')
        $junit.testsuites.testsuite.failures | Should -Be '1'
        @($junit.testsuites.testsuite.testcase | Where-Object { $_.failure }).name | Should -BeLike 'vol-0d0d0d0d0d0d0d0d3*'
        (Get-ResourceIds).Count | Should -Be 4
    }
}

Describe 'Drills in parallel (-ThrottleLimit)' {
    BeforeAll {
        $fleet = 1..5 | ForEach-Object { 'vol-0e0e0e0e0e0e0e0{0:x2}' -f $_ }
        $fleetSeed = @{ regions = @(@{
                    region         = 'us-east-1'
                    volumes        = @($fleet | ForEach-Object { @{ id = $_; size = 8; tags = @{ DrTier = 'Bronze'; Fleet = 'parallel' } } })
                    vaults         = @(@{ name = 'Fleet' })
                    recoveryPoints = @($fleet | ForEach-Object { @{ arn = "arn:aws:ec2:us-east-1::snapshot/snap-$($_.Substring(4))"; vault = 'Fleet'; resourceArn = "arn:aws:ec2:us-east-1:${acct}:volume/$_"; createdAgeMinutes = 30 } })
                }) } | ConvertTo-Json -Depth 8
        $null = $sb.Server.SeedFromJson($fleetSeed)
        $fleetPoints = @($fleet | ForEach-Object { "arn:aws:ec2:us-east-1::snapshot/snap-$($_.Substring(4))" })

        # The most restore jobs of the fleet the sandbox had running at one moment (its own job times are the witness).
        function Get-MaxOverlap {
            $jobs = @((Invoke-Aws @('backup', 'list-restore-jobs')).RestoreJobs | Where-Object { $_.RecoveryPointArn -in $fleetPoints })
            $edges = @($jobs | ForEach-Object {
                    [pscustomobject]@{ At = [double]"$($_.CreationDate)"; D = 1 }
                    [pscustomobject]@{ At = [double]"$($_.CompletionDate)"; D = -1 }
                } | Sort-Object At, D)
            $now = 0; $max = 0
            foreach ($e in $edges) { $now += $e.D; if ($now -gt $max) { $max = $now } }
            [pscustomobject]@{ Jobs = $jobs.Count; Max = $max }
        }
    }

    It 'runs at most -ThrottleLimit drills at once, more than one, emits one result each, and leaves nothing behind' {
        $sb.Server.Configure([Action[BackupDr.Sandbox.SandboxOptions]] { param($o) $o.JobDuration = [TimeSpan]::FromMilliseconds(800) })
        try {
            $verbose = $null
            $results = @(Test-DrRestore -Tag @{ Fleet = 'parallel' } -ThrottleLimit 2 -LedgerPath $ledger -Confirm:$false -Verbose 4>&1 |
                    Tee-Object -Variable all | Where-Object { $_ -is [BackupDr.Core.Model.DrillResult] })
        }
        finally {
            $sb.Server.Configure([Action[BackupDr.Sandbox.SandboxOptions]] { param($o) $o.JobDuration = [TimeSpan]::Zero })
        }
        $results.Count | Should -Be 5
        ($results.ResourceArn | Sort-Object -Unique).Count | Should -Be 5
        $results | ForEach-Object { $_.Passed | Should -BeTrue -Because $_.Message; $_.CleanedUp | Should -BeTrue }
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String) | Should -Match '5 restore drill\(s\), at most 2 at once'
        $o = Get-MaxOverlap
        $o.Jobs | Should -Be 5
        $o.Max | Should -BeGreaterThan 1
        $o.Max | Should -BeLessOrEqual 2
        # Each result was appended once and the chain still verifies.
        $history = @(Get-DrDrillHistory -LedgerPath $ledger | Where-Object DrillId -eq $results[0].DrillId)
        $history.Count | Should -Be 5
        @(Get-DrResource -ResourceType EBS, RDS | Where-Object { $_.Tags.ContainsKey('BackupDrDrillId') }).Count | Should -Be 0
        (Get-DrResource -ResourceType EBS -Tag @{ Fleet = 'parallel' }).Count | Should -Be 5
    }

    It '-ThrottleLimit <Limit> is refused before anything is sent' -ForEach @(@{ Limit = 0 }, @{ Limit = 33 }) {
        $sb.ClearRequestLog()
        { Test-DrRestore -Tag @{ Fleet = 'parallel' } -ThrottleLimit $Limit -Confirm:$false } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,BackupDr.Commands.TestDrRestoreCommand'
        Get-Sent | Should -BeNullOrEmpty
    }
}
