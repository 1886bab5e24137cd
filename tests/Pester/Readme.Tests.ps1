# README.md's Quickstart block, read from the file and run exactly as written (so the two cannot drift).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $readme = Join-Path $RepoRoot 'README.md'
    $env:PSModulePath = (Get-BackupDrModuleRoot) + [IO.Path]::PathSeparator + $env:PSModulePath
}

Describe 'README Quickstart' {
    BeforeAll {
        $code = Get-MarkdownCodeBlock -Path $readme -Heading '## Quickstart'
        Push-Location $RepoRoot
        try {
            $script:output = @(& ([scriptblock]::Create($code)) -ErrorAction Stop)
        }
        finally {
            Pop-Location
        }
    }

    It 'imports the module by name and uses the sample seed' {
        $code | Should -Match '(?m)^Import-Module BackupDr\s*$'
        $code | Should -Match 'examples/sandbox-seed\.json'
        Get-Module BackupDr | Should -Not -BeNullOrEmpty
    }

    It 'finds the seeded resources' {
        $resources = @($output | Where-Object { $_ -is [BackupDr.Core.Operations.DrResource] })
        $resources.ResourceId | Should -Contain 'vol-0123456789abcdef0'
        $resources.ResourceId | Should -Contain 'orders-db'
    }

    It 'tags, backs up and restores each EBS and RDS resource' {
        $tags = @($output | Where-Object { $_ -is [BackupDr.Core.Operations.TagChangeResult] })
        $jobs = @($output | Where-Object { $_ -is [BackupDr.Core.Model.BackupJob] })
        $restores = @($output | Where-Object { $_ -is [BackupDr.Core.Model.RestoreJob] })
        $tags.Count | Should -Be 3
        $jobs.Count | Should -Be 3
        $jobs | ForEach-Object { $_.State | Should -Be 'COMPLETED' }
        $jobs.BackupVaultName | Select-Object -Unique | Should -Be 'Default'
        $restores.Count | Should -Be 3
        $restores | ForEach-Object { $_.State | Should -Be 'COMPLETED'; $_.CreatedResourceArn | Should -Not -BeNullOrEmpty }
        $restores.RecoveryPointArn | Sort-Object | Should -Be ($jobs.RecoveryPointArn | Sort-Object)
    }

    It 'reports the three backups of the day' {
        $report = @($output | Where-Object { $_ -is [BackupDr.Core.Operations.BackupReport] })
        $report.Count | Should -Be 1
        $report[0].TotalsByState['COMPLETED'] | Should -BeGreaterOrEqual 3
        $report[0].IsComplete | Should -BeTrue
    }

    It 'leaves no sandbox running' {
        (Get-DrDefault).Origin | Should -Not -Be 'sandbox'
    }
}

Describe 'README disaster recovery block' {
    BeforeAll {
        $code = Get-MarkdownCodeBlock -Path $readme -Heading '## Disaster recovery'
        $null = Start-DrSandbox -JobDuration 1 -SeedPath $SampleSeed
        Push-Location $TestDrive
        try {
            $script:dr = @(& ([scriptblock]::Create($code)) -ErrorAction Stop)
        }
        finally {
            Pop-Location
            Stop-DrSandbox
        }
    }

    It 'shows the tiers, the protection status, a passed drill with its ledger record, and changes nothing with -WhatIf' {
        @($dr | Where-Object { $_ -is [BackupDr.Core.Operations.DrTierObjectives] }).Count | Should -Be 3
        @($dr | Where-Object { $_ -is [BackupDr.Core.Operations.ProtectionStatus] }).Count | Should -BeGreaterThan 0
        $drills = @($dr | Where-Object { $_.GetType().Name -eq 'DrillResult' })
        $drills.Count | Should -Be 1
        $drills[0].Passed | Should -BeTrue -Because $drills[0].Message
        $drills[0].CleanedUp | Should -BeTrue
        Join-Path $TestDrive 'drills.xml' | Should -Exist
        @($dr | Where-Object { $_.GetType().Name -eq 'DrillHistoryRecord' -and $_.DrillId -eq $drills[0].DrillId }).Count | Should -Be 1
    }
}

Describe 'README build and test commands' {
    It 'leads with the tool-manifest commands that CI runs' {
        $text = Get-Content -LiteralPath $readme -Raw
        $text | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh ./build.ps1 -Demo'))
        $text | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh ./build.ps1 -Test'))
        Get-Content -LiteralPath (Join-Path $RepoRoot '.ci/run') -Raw | Should -Match ([regex]::Escape('dotnet pwsh -NoProfile -NonInteractive ./build.ps1 -Test'))
        $tools = Get-Content -LiteralPath (Join-Path $RepoRoot '.config/dotnet-tools.json') -Raw | ConvertFrom-Json
        $tools.tools.powershell.version | Should -Be '7.6.9'
    }
}

Describe 'examples/Invoke-DrTour.ps1 (build.ps1 -Demo)' {
    It 'runs the narrated tour against the sandbox and exits 0' {
        $out = & (Join-Path $RepoRoot 'examples/Invoke-DrTour.ps1') -ModulePath (Get-BackupDrModulePath) -JobDuration (New-TimeSpan -Seconds 1) *>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        foreach ($step in 'Find resources', 'Tag them for backup', 'Back them up and wait', 'Restore the latest recovery point', 'Report', 'Tour done') {
            $out | Should -Match ([regex]::Escape($step))
        }
        (Get-DrDefault).Origin | Should -Not -Be 'sandbox'
    }
}
