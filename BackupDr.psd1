#
# BackupDr module manifest. This file is the only place the module version is written:
# build.ps1 and Directory.Build.props read ModuleVersion from here.
#
@{
    RootModule           = 'BackupDr.Commands.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5b0d6f5e-2f8e-4a7e-9f39-6c1c2d7b3a41'
    Author               = 'BackupDr contributors'
    CompanyName          = 'BackupDr'
    Copyright            = '(c) BackupDr contributors. MIT License.'
    Description          = 'Backup and disaster recovery automation for AWS (AWS Backup, RDS, EC2): on-demand backups, recovery points, restores, backup tags, reports and a local AWS sandbox.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('BackupDr.format.ps1xml')
    CmdletsToExport      = @(
        'Copy-DrRecoveryPoint'
        'Get-DrBackupJob'
        'Get-DrBackupJobSummary'
        'Get-DrBackupReport'
        'Get-DrBackupVault'
        'Get-DrDefault'
        'Get-DrDrillHistory'
        'Get-DrProtectionStatus'
        'Get-DrRecoveryPoint'
        'Get-DrResource'
        'Get-DrTier'
        'Invoke-DrFailover'
        'New-DrBackupPlan'
        'New-DrBackupVault'
        'Remove-DrDrillResource'
        'Restore-DrResource'
        'Set-DrBackupTag'
        'Set-DrDefault'
        'Start-DrBackup'
        'Start-DrSandbox'
        'Stop-DrSandbox'
        'Test-DrEnvironment'
        'Test-DrRestore'
        'Wait-DrJob'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'Backup', 'DisasterRecovery', 'DR', 'RDS', 'EC2', 'EBS', 'AWSBackup', 'RTO', 'RPO', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/backupdr/BackupDr'
            LicenseUri   = 'https://github.com/backupdr/BackupDr/blob/main/LICENSE'
            ReleaseNotes = 'First release: backup, job, wait, recovery point, restore, copy, tag, vault, report, protection status, tier, drill and failover cmdlets over AWS Backup, RDS and EC2 (SigV4, retries, typed errors with stable ids); a local AWS sandbox; Test-DrEnvironment; offline completers; about_BackupDr. Dependencies (AWSSDK.Core and the rest) load into a module-private context, so BackupDr imports next to AWS.Tools or another AWSSDK.Core in either order; Import-Module loads only BackupDr.Commands and BackupDr.Model (the types cmdlets take and emit); BackupDr.Core and the AWS SDK load with the first cmdlet.'
        }
    }
}
