<#
.SYNOPSIS
    Backup compliance over one or more regions: writes an HTML report and exits non-zero when a resource lacks a recent backup.
.DESCRIPTION
    Runs Get-DrBackupReport over -ReportRegion for -Since, optionally writes -HtmlPath, and checks that
    every resource with a backup job in the window has a successful backup younger than -MaxAge and,
    with -Tag, that every resource carrying those tags (for example Backup=daily) has one too.
    Exit codes: 0 compliant; 2 resources lack a recent backup; 3 the report is incomplete (a region
    could not be read completely).

    Azure Automation: import BackupDr into the Automation account (PowerShell 7.x runtime), create a
    PowerShell 7.x runbook from this script, take AWS keys from an Automation credential and regions
    from Automation variables, and call Set-DrDefault -AccessKey/-SecretKey/-Region first. Write
    -HtmlPath under $env:TEMP and upload it where it is needed.

    AWS Systems Manager: use examples/ssm/Invoke-NightlyBackup.ssm.json as the template (an
    aws:runPowerShellScript document running pwsh) with this script in the command.
.EXAMPLE
    ./Get-ComplianceReport.ps1 -ReportRegion eu-west-1, eu-central-1 -HtmlPath ./backup-report.html
.EXAMPLE
    ./Get-ComplianceReport.ps1 -Tag @{ Backup = 'daily' } -MaxAge (New-TimeSpan -Hours 26)
#>
[CmdletBinding()]
param(
    [string[]] $ReportRegion,
    [TimeSpan] $Since = (New-TimeSpan -Days 7),
    [TimeSpan] $MaxAge = (New-TimeSpan -Hours 26),
    [hashtable] $Tag,
    [string] $BackupVaultName,
    [string] $HtmlPath,
    [string] $Region,
    [string] $ProfileName,
    [string] $EndpointUrl
)

$ErrorActionPreference = 'Stop'
if (-not (Get-Module BackupDr)) { Import-Module BackupDr }

$aws = @{}
if ($Region) { $aws.Region = $Region }
if ($ProfileName) { $aws.ProfileName = $ProfileName }
if ($EndpointUrl) { $aws.EndpointUrl = $EndpointUrl }

$reportArgs = @{ Since = $Since }
if ($ReportRegion) { $reportArgs.ReportRegion = $ReportRegion }
if ($BackupVaultName) { $reportArgs.BackupVaultName = $BackupVaultName }
if ($HtmlPath) { $reportArgs.HtmlPath = $HtmlPath }

$regionErrors = $null
$report = Get-DrBackupReport @reportArgs @aws -ErrorAction SilentlyContinue -ErrorVariable regionErrors
$report | Format-List Since, Regions, TotalJobs, TotalsByState, SuccessRate, CompletedWithIssues, BytesBackedUp, IsComplete | Out-String | Write-Output

$lastGood = @{}
foreach ($r in $report.Resources) { $lastGood[$r.ResourceArn] = $r }
$stale = [System.Collections.Generic.List[string]]::new()
foreach ($r in $report.Resources) {
    if ($null -eq $r.LastSuccessfulBackup -or $r.Age -gt $MaxAge) { $stale.Add($r.ResourceArn) }
}
if ($Tag) {
    [string[]] $regions = if ($ReportRegion) { $ReportRegion } else { '' }
    foreach ($rg in $regions) {
        $findArgs = $aws.Clone()
        if ($rg) { $findArgs.Region = $rg }
        foreach ($res in Get-DrResource -Tag $Tag @findArgs) {
            if (-not $lastGood.ContainsKey($res.ResourceArn) -and -not $stale.Contains($res.ResourceArn)) { $stale.Add($res.ResourceArn) }
        }
    }
}

foreach ($arn in $stale) { Write-Output "NO RECENT BACKUP: $arn" }
if ($HtmlPath) { Write-Output "HTML report: $HtmlPath" }
if (-not $report.IsComplete -or @($regionErrors).Count -gt 0) {
    foreach ($e in @($regionErrors)) { Write-Warning "$($e.FullyQualifiedErrorId): $($e.Exception.Message)" }
    Write-Output 'The report is incomplete.'
    exit 3
}
if ($stale.Count -gt 0) { exit 2 }
Write-Output 'Compliant: every resource has a recent successful backup.'
exit 0
