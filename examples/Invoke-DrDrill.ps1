<#
.SYNOPSIS
    Monthly restore drill of every Gold and Silver resource: restore, verify, measure RTO/RPO, clean up, report.
.DESCRIPTION
    Runs Test-DrRestore over the resources tagged DrTier=Gold and DrTier=Silver (or the tiers given), so each
    one's newest completed recovery point is restored under a temporary drill- name, verified, graded against
    its tier's RPO/RTO and deleted again. Writes an HTML report and a JUnit XML report (one test case per
    resource: CI systems show drills as tests), appends every result to the hash-chained drill ledger
    (Get-DrDrillHistory verifies it), and sweeps what older, interrupted drills left (Remove-DrDrillResource
    -OlderThan). Emits the drill results. Exit code 1 when any drill failed or missed a target, else 0.

    Azure Automation: import BackupDr into the Automation account (PowerShell 7.x runtime), create a
    PowerShell 7.x runbook from this script with a monthly schedule, keep AWS keys in an Automation credential
    and the region in an Automation variable, and call Set-DrDefault -AccessKey/-SecretKey/-Region with them
    first. Write the reports and the ledger to a path that outlives the sandbox of the job (an Azure Files
    share or a Hybrid Runbook Worker's disk), since the ledger is the audit evidence.

    AWS Systems Manager: use examples/ssm/Invoke-NightlyBackup.ssm.json as the template (an
    aws:runPowerShellScript document running pwsh) with this script in the command, on a monthly State
    Manager association or a Maintenance Window; the instance role needs backup:StartRestoreJob,
    backup:DescribeRestoreJob, backup:ListRecoveryPointsByResource, rds:DeleteDBInstance, ec2:DeleteVolume,
    the tagging calls and iam:PassRole on the backup role.
.PARAMETER Tier
    Tiers to drill (default Gold and Silver).
.PARAMETER ReportPath
    Folder for drill-report.html and drill-junit.xml (default: the current folder).
.PARAMETER LedgerPath
    Drill ledger to append to (default: Test-DrRestore's default under the local application data).
.PARAMETER Sample
    Percentage (1-100) of the resources of each tier to drill (default: all).
.EXAMPLE
    ./Invoke-DrDrill.ps1 -Region eu-west-1 -ReportPath ./reports
.EXAMPLE
    ./Invoke-DrDrill.ps1 -Tier Gold -Sample 25 -LedgerPath \\fileserver\audit\drills.jsonl
#>
[CmdletBinding()]
param(
    [ValidateSet('Gold', 'Silver', 'Bronze')]
    [string[]] $Tier = @('Gold', 'Silver'),
    [string] $ReportPath = '.',
    [string] $LedgerPath,
    [ValidateRange(1, 100)]
    [int] $Sample,
    [string] $Region,
    [string] $ProfileName,
    [string] $EndpointUrl,
    [TimeSpan] $Timeout = (New-TimeSpan -Hours 4)
)

$ErrorActionPreference = 'Stop'
if (-not (Get-Module BackupDr)) { Import-Module BackupDr }

$aws = @{}
if ($Region) { $aws.Region = $Region }
if ($ProfileName) { $aws.ProfileName = $ProfileName }
if ($EndpointUrl) { $aws.EndpointUrl = $EndpointUrl }

$drill = @{ Timeout = $Timeout; Confirm = $false }
if ($LedgerPath) { $drill.LedgerPath = $LedgerPath }
if ($Sample) { $drill.Sample = $Sample }

$null = New-Item -ItemType Directory -Force -Path $ReportPath
$html = Join-Path $ReportPath 'drill-report.html'
$junit = Join-Path $ReportPath 'drill-junit.xml'

# Leftovers of drills that were interrupted more than a day ago (a drill cleans up after itself otherwise).
Remove-DrDrillResource -OlderThan (New-TimeSpan -Days 1) -Confirm:$false @aws | ForEach-Object {
    Write-Warning "Removed $($_.ResourceType) $($_.ResourceId) left by drill $($_.DrillId)."
}

# One Test-DrRestore call for all tiers, so one JUnit/HTML report covers every resource.
$targets = @(foreach ($t in $Tier) { Get-DrResource -Tag @{ DrTier = $t } -ResourceType EBS, RDS @aws })
if ($targets.Count -eq 0) {
    Write-Warning "No EBS or RDS resource is tagged DrTier=$($Tier -join '/'): nothing to drill."
    exit 0
}

$failed = $null
$results = @($targets | Test-DrRestore @drill @aws -JUnitPath $junit -HtmlPath $html -ErrorAction Continue -ErrorVariable failed)
$results

foreach ($r in $results) {
    $rto = if ($null -ne $r.Rto) { '{0:hh\:mm\:ss}' -f $r.Rto } else { '-' }
    Write-Host ("{0,-6} {1,-28} RTO {2} {3,-6} RPO {4,-7} {5}" -f $r.Tier, $r.ResourceId, $rto, $(if ($r.RtoMet) { 'met' } else { 'MISSED' }), $(if ($r.RpoMet) { 'met' } else { 'MISSED' }), $(if ($r.Passed) { 'PASS' } else { 'FAIL' }))
}

Write-Host "Reports: $html, $junit"
$bad = @($results | Where-Object { -not $_.Passed }).Count + @($failed | Where-Object { $_.FullyQualifiedErrorId -notlike 'DrillFailed,*' }).Count
if ($bad -gt 0 -or (-not $Sample -and $results.Count -lt $targets.Count)) {
    Write-Warning "$bad drill(s) failed or missed a target."
    exit 1
}
exit 0
