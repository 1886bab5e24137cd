BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }

    # A seed with a vault in the DR region too, so copies can be made.
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $seed = Get-Content -Raw $seedPath | ConvertFrom-Json -AsHashtable
    $seed.regions += @{ region = 'us-west-2'; vaults = @(@{ name = 'Default'; tags = @{} }) }
    $seed | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $seedPath -Encoding utf8
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath

    # The labels each view declares, read from the format file the module ships.
    $formatPath = Join-Path (Split-Path (Get-BackupDrModulePath)) 'BackupDr.format.ps1xml'
    $labels = @{}
    foreach ($view in ([xml](Get-Content -Raw $formatPath)).Configuration.ViewDefinitions.View) {
        $labels[$view.ViewSelectedBy.TypeName] = @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label)
    }

    $tagged = @(
        Set-DrBackupTag -ResourceArn $VolumeArn -Frequency daily -Tier Gold -Tag @{ Owner = 'team-storage-platform'; CostCenter = 'cc-12345' } -PassThru
        Set-DrBackupTag -ResourceArn $VolumeArn -Tier Silver -Remove CostCenter -Tag @{ Application = 'orders-api-production' } -PassThru
    )
    $backups = @(Start-DrBackup -ResourceArn $VolumeArn, $DbArn -Wait)
    $points = @(Get-DrRecoveryPoint -BackupVaultName Default)
    $restores = @($points | Restore-DrResource -Wait -Confirm:$false)
    $copies = @($points | Copy-DrRecoveryPoint -DestinationRegion us-west-2 -Confirm:$false)
    $vault = @(Get-DrBackupVault -BackupVaultName Default)

    # Per type: the objects to render and the values that must appear uncut.
    $made = @{
        'BackupDr.Core.Model.BackupJob'          = @{ Objects = $backups; Keys = @($backups.JobId) + @('vol-0123456789abcdef0', 'orders') }
        'BackupDr.Core.Model.RecoveryPoint'      = @{ Objects = $points; Keys = @('vol-0123456789abcdef0', 'orders') }
        'BackupDr.Core.Model.RestoreJob'         = @{ Objects = $restores; Keys = @($restores.JobId) + @($restores.CreatedResourceId) }
        'BackupDr.Core.Model.CopyJob'            = @{ Objects = $copies; Keys = @($copies.JobId) + @('vol-0123456789abcdef0', 'orders') }
        'BackupDr.Core.Operations.TagChangeResult' = @{ Objects = $tagged; Keys = @('vol-0123456789abcdef0', 'Owner=team-storage-platform', 'CostCenter=cc-12345', 'Backup=daily', 'DrTier=Gold', 'Application=orders-api-production', 'DrTier=Silver (was Gold)', 'remove CostCenter') }
        'BackupDr.Core.Operations.DrResource'    = @{ Objects = @(Get-DrResource); Keys = @('vol-0123456789abcdef0', 'orders', 'daily', 'Silver') }
        'BackupDr.Core.Operations.BackupReport'  = @{ Objects = @(Get-DrBackupReport -ReportRegion us-east-1, us-west-2); Keys = @('us-east-1, us-west-2') }
        'BackupDr.Core.Aws.DrDefaults'           = @{ Objects = @(Get-DrDefault); Keys = @($sb.EndpointUrl, 'sandbox') }
        'BackupDr.Commands.DrSandbox'            = @{ Objects = @($sb); Keys = @($sb.EndpointUrl, '123456789012') }
        'BackupDr.Core.Model.BackupVault'        = @{ Objects = @($vault); Keys = @('Default', 'us-east-1') }
    }
}

AfterAll {
    Stop-DrSandbox
}

Describe 'TableCutsResourceArn regression: every table view reads well at 120 columns' {
    It '<Type>: no line over 120, no wrapped header, nothing cut, a short resource id instead of the ARN' -ForEach @(
        @{ Type = 'BackupDr.Core.Model.BackupJob' }
        @{ Type = 'BackupDr.Core.Model.RecoveryPoint' }
        @{ Type = 'BackupDr.Core.Model.RestoreJob' }
        @{ Type = 'BackupDr.Core.Model.CopyJob' }
        @{ Type = 'BackupDr.Core.Operations.TagChangeResult' }
        @{ Type = 'BackupDr.Core.Operations.DrResource' }
        @{ Type = 'BackupDr.Core.Operations.BackupReport' }
        @{ Type = 'BackupDr.Core.Aws.DrDefaults' }
        @{ Type = 'BackupDr.Commands.DrSandbox' }
        @{ Type = 'BackupDr.Core.Model.BackupVault' }
    ) {
        $case = $made[$Type]
        $case.Objects.Count | Should -BeGreaterThan 0
        $case.Objects | ForEach-Object { $_.GetType().FullName | Should -Be $Type }
        $text = $case.Objects | Out-String -Width 120
        $lines = $text -split '\r?\n'

        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 120 -Because "'$line' is wider than 120 columns" }

        # The header is the one line above the dashes; a wrapped header would put label parts on the line above it.
        $dash = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^-+( +-+)+ *$' })
        $dash | Should -BeGreaterThan 0 -Because 'the default view is a table'
        $header = $lines[$dash - 1]
        if ($dash -ge 2) { $lines[$dash - 2].Trim() | Should -BeNullOrEmpty -Because "the header wrapped: '$($lines[$dash - 2])' / '$header'" }
        $labels[$Type].Count | Should -BeGreaterThan 3
        foreach ($label in $labels[$Type]) { $header | Should -Match ('(^| )' + [regex]::Escape($label) + '( |$)') -Because "the header '$header' must show the label '$label' whole" }

        $text | Should -Not -Match '…|\.\.\.' -Because 'no value may be cut at 120 columns'
        $text | Should -Not -Match 'arn:aws' -Because 'tables show the short resource id; the ARN is for Format-List'
        foreach ($key in $case.Keys) {
            $text | Should -Match ('(?m)(^| )' + [regex]::Escape($key) + '( |$)') -Because "'$key' must appear uncut"
        }
    }

    It 'Format-List keeps the full ARNs (<Type>)' -ForEach @(
        @{ Type = 'BackupDr.Core.Model.BackupJob'; Property = 'ResourceArn' }
        @{ Type = 'BackupDr.Core.Model.RecoveryPoint'; Property = 'RecoveryPointArn' }
        @{ Type = 'BackupDr.Core.Model.RestoreJob'; Property = 'CreatedResourceArn' }
        @{ Type = 'BackupDr.Core.Model.CopyJob'; Property = 'SourceRecoveryPointArn' }
        @{ Type = 'BackupDr.Core.Operations.TagChangeResult'; Property = 'ResourceArn' }
        @{ Type = 'BackupDr.Core.Operations.DrResource'; Property = 'ResourceArn' }
    ) {
        $first = $made[$Type].Objects[0]
        $first.$Property | Should -BeLike 'arn:aws:*'
        ($first | Format-List | Out-String -Width 300) | Should -Match ([regex]::Escape($first.$Property))
    }
}
