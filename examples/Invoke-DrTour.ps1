<#
.SYNOPSIS
    A narrated tour of BackupDr's main job against the local sandbox: find, tag, back up, restore, report.
.DESCRIPTION
    Starts the local AWS sandbox seeded with examples/sandbox-seed.json (no AWS account needed), then
    walks through what a backup runbook does, printing each command before it runs:
    find the resources, tag them for daily Gold backups, back them up and wait, restore the latest
    recovery point of each, and report on the day. Stops the sandbox at the end, also after a failure
    or Ctrl+C. Exit code 0 when every step did what it says, 1 otherwise.

    `dotnet pwsh ./build.ps1 -Demo` builds the module and runs this script.
.PARAMETER ModulePath
    The BackupDr module to import (default: BackupDr by name, from PSModulePath).
.PARAMETER JobDuration
    How long each sandbox job takes (default 2 seconds).
.EXAMPLE
    ./examples/Invoke-DrTour.ps1 -ModulePath ./out/BackupDr/BackupDr.psd1
#>
[CmdletBinding()]
param(
    [string] $ModulePath = 'BackupDr',
    [TimeSpan] $JobDuration = (New-TimeSpan -Seconds 2)
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Show-Step {
    param([string] $Title, [string] $Why, [string] $Command)
    Write-Host ''
    Write-Host "== $Title" -ForegroundColor Cyan
    Write-Host "   $Why"
    Write-Host "PS> $Command" -ForegroundColor Yellow
}

function Show-Table {
    param([Parameter(ValueFromPipeline)] $InputObject)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end { $items | Format-Table | Out-String -Width 120 | Write-Host }
}

Import-Module $ModulePath
$seed = Join-Path $PSScriptRoot 'sandbox-seed.json'
$exit = 0
try {
    Show-Step 'Start the sandbox' 'A local AWS (Backup, RDS, EC2) on 127.0.0.1, seeded with a few resources; it is the session default until Stop-DrSandbox.' `
        "Start-DrSandbox -JobDuration $($JobDuration.TotalSeconds) -SeedPath ./examples/sandbox-seed.json"
    $sb = Start-DrSandbox -JobDuration $JobDuration -SeedPath $seed
    Write-Host "   Listening on $($sb.EndpointUrl)"

    Show-Step 'Find resources' 'Get-DrResource lists EBS volumes, EC2 instances and RDS databases in the region.' 'Get-DrResource'
    $resources = @(Get-DrResource -ResourceType EBS, RDS)
    $resources | Show-Table

    Show-Step 'Tag them for backup' 'Set-DrBackupTag writes the Backup and DrTier tags that runbooks select on.' `
        "Get-DrResource -ResourceType EBS, RDS | Set-DrBackupTag -Frequency daily -Tier Gold -PassThru"
    $resources | Set-DrBackupTag -Frequency daily -Tier Gold -PassThru | Show-Table

    Show-Step 'Back them up and wait' 'One AWS Backup job per resource, with progress; the jobs come back COMPLETED.' `
        "Get-DrResource -Tag @{ Backup = 'daily' } | Start-DrBackup -Wait"
    $jobs = @(Get-DrResource -Tag @{ Backup = 'daily' } | Start-DrBackup -Wait)
    $jobs | Show-Table
    $failedJobs = @($jobs | Where-Object { -not $_.Succeeded })
    if ($jobs.Count -ne $resources.Count -or $failedJobs.Count -gt 0) { throw "Expected $($resources.Count) completed backups, got $($jobs.Count) with $($failedJobs.Count) failed." }

    Show-Step 'Restore the latest recovery point' 'Each restore makes a new volume or database next to the original (never over it).' `
        "Get-DrRecoveryPoint -BackupVaultName Default -Latest | Restore-DrResource -Wait -Confirm:`$false"
    $restores = @(Get-DrRecoveryPoint -BackupVaultName Default -Latest | Restore-DrResource -Wait -Confirm:$false)
    $restores | Show-Table
    if (@($restores | Where-Object Succeeded).Count -ne $jobs.Count) { throw "Expected $($jobs.Count) completed restores." }

    Show-Step 'Report' 'Job totals, success rate and the last backup of each resource; -HtmlPath writes it as a page.' `
        'Get-DrBackupReport -Since (New-TimeSpan -Days 7)'
    $report = Get-DrBackupReport -Since (New-TimeSpan -Days 7)
    $report | Format-List TotalJobs, TotalsByState, SuccessRate, BytesBackedUp, IsComplete | Out-String -Width 120 | Write-Host
    $report.Resources | Show-Table

    Write-Host ''
    Write-Host "Tour done: $($jobs.Count) backups and $($restores.Count) restores in the sandbox. Against AWS, drop Start-DrSandbox and give -Region and credentials (see README.md)." -ForegroundColor Green
}
catch {
    Write-Host "Tour failed: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)]" -ForegroundColor Red
    $exit = 1
}
finally {
    Stop-DrSandbox -ErrorAction SilentlyContinue
}
exit $exit
