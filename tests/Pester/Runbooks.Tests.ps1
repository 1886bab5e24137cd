BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $examples = Join-Path $PSScriptRoot '../../examples'
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json') -VolumeTags @{ Backup = 'daily' } -DbTags @{ Backup = 'daily' }
}

Describe 'Invoke-NightlyBackup.ps1' {
    Context 'all jobs succeed' {
        BeforeAll { $sb = Start-DrSandbox -JobDuration 1 -SeedPath $seedPath }
        AfterAll { Stop-DrSandbox }

        It 'backs up every Backup=daily resource and exits 0' {
            $out = & (Join-Path $examples 'Invoke-NightlyBackup.ps1') *>&1 | Out-String
            $LASTEXITCODE | Should -Be 0
            $out | Should -Match 'Found 2 resource'
            $jobs = @(Get-DrBackupJob -State COMPLETED)
            $jobs.ResourceArn | Sort-Object | Should -Be (@($DbArn, $VolumeArn) | Sort-Object)
        }

        It 'a rerun the same day starts no second backup (idempotency token) and exits 0' {
            $null = & (Join-Path $examples 'Invoke-NightlyBackup.ps1') *>&1
            $LASTEXITCODE | Should -Be 0
            @(Get-DrBackupJob).Count | Should -Be 2
        }

        It 'exits 0 with nothing to do when no resource carries the tag' {
            $out = & (Join-Path $examples 'Invoke-NightlyBackup.ps1') -TagValue hourly *>&1 | Out-String
            $LASTEXITCODE | Should -Be 0
            $out | Should -Match 'Found 0 resource'
        }

        It 'takes -Region and -EndpointUrl explicitly' {
            $out = & (Join-Path $examples 'Invoke-NightlyBackup.ps1') -Region us-east-1 -EndpointUrl $sb.EndpointUrl *>&1 | Out-String
            $LASTEXITCODE | Should -Be 0
        }
    }

    Context 'jobs fail' {
        BeforeAll { $sb = Start-DrSandbox -JobDuration 1 -FailureRate 1 -SeedPath $seedPath }
        AfterAll { Stop-DrSandbox }

        It 'exits 1' {
            $out = & (Join-Path $examples 'Invoke-NightlyBackup.ps1') *>&1 | Out-String
            $LASTEXITCODE | Should -Be 1
            $out | Should -Match '2 failed job'
        }
    }

    Context 'a missing vault' {
        BeforeAll { $sb = Start-DrSandbox -JobDuration 1 -SeedPath $seedPath }
        AfterAll { Stop-DrSandbox }

        It 'exits 1 when jobs cannot be started' {
            $null = & (Join-Path $examples 'Invoke-NightlyBackup.ps1') -BackupVaultName NoSuchVault *>&1
            $LASTEXITCODE | Should -Be 1
        }
    }
}

Describe 'Restore-Latest.ps1' {
    BeforeAll {
        $sb = Start-DrSandbox -JobDuration 1 -SeedPath $seedPath
        $null = Start-DrBackup -ResourceArn $VolumeArn, $DbArn -Wait
    }
    AfterAll { Stop-DrSandbox }

    It 'restores the latest point of a resource, prints the new ARN and exits 0' {
        $out = & (Join-Path $examples 'Restore-Latest.ps1') -ResourceArn $DbArn -TargetName orders-dr -Confirm:$false *>&1
        $LASTEXITCODE | Should -Be 0
        $job = $out | Where-Object { $_ -is [BackupDr.Core.Model.RestoreJob] }
        $job.CreatedResourceArn | Should -Be 'arn:aws:rds:us-east-1:123456789012:db:orders-dr'
        ($out | Out-String) | Should -Match 'orders-dr'
        @(Get-DrResource).ResourceArn | Should -Contain $job.CreatedResourceArn
    }

    It 'restores the latest point of every resource in a vault' {
        $out = & (Join-Path $examples 'Restore-Latest.ps1') -BackupVaultName Default -Confirm:$false *>&1
        $LASTEXITCODE | Should -Be 0
        @($out | Where-Object { $_ -is [BackupDr.Core.Model.RestoreJob] -and $_.Succeeded }).Count | Should -Be 2
    }

    It '-WhatIf restores nothing' {
        $sb.ClearRequestLog()
        $null = & (Join-Path $examples 'Restore-Latest.ps1') -ResourceArn $VolumeArn -WhatIf *>&1
        @($sb.Requests | ForEach-Object Operation) | Should -Not -Contain 'StartRestoreJob'
    }

    It 'exits 1 when the resource has no recovery point' {
        $null = & (Join-Path $examples 'Restore-Latest.ps1') -ResourceArn 'arn:aws:rds:us-east-1:123456789012:db:nothing' -Confirm:$false *>&1
        $LASTEXITCODE | Should -Be 1
    }
}

Describe 'Get-ComplianceReport.ps1' {
    BeforeAll { $sb = Start-DrSandbox -JobDuration 1 -SeedPath $seedPath }
    AfterAll { Stop-DrSandbox }

    It 'exits 2 when a tagged resource has no backup' {
        $null = Start-DrBackup -ResourceArn $VolumeArn -Wait
        $out = & (Join-Path $examples 'Get-ComplianceReport.ps1') -Tag @{ Backup = 'daily' } *>&1 | Out-String
        $LASTEXITCODE | Should -Be 2
        $out | Should -Match ([regex]::Escape("NO RECENT BACKUP: $DbArn"))
        $out | Should -Not -Match ([regex]::Escape("NO RECENT BACKUP: $VolumeArn"))
    }

    It 'exits 0 and writes HTML when every resource has a recent backup' {
        $null = Start-DrBackup -ResourceArn $DbArn -Wait
        $html = Join-Path $TestDrive 'compliance.html'
        $null = & (Join-Path $examples 'Get-ComplianceReport.ps1') -Tag @{ Backup = 'daily' } -ReportRegion us-east-1 -HtmlPath $html *>&1
        $LASTEXITCODE | Should -Be 0
        $html | Should -Exist
    }

    It 'exits non-zero when a region cannot be read (incomplete report)' {
        $null = & (Join-Path $examples 'Get-ComplianceReport.ps1') -ReportRegion us-east-1, eu-west-1 -EndpointUrl 'http://127.0.0.1:1' *>&1
        $LASTEXITCODE | Should -Not -Be 0
    }
}
