<#
.SYNOPSIS
    DR protection check: prints every resource's status against its tier and exits non-zero when anything is out of policy.
.DESCRIPTION
    Runs Get-DrProtectionStatus over -ReportRegion (or the session's region) with the tiers of -PolicyPath, and
    with -DrRegion checks the copies in the DR region too. Prints the table, then one line per resource out of
    policy with its gaps, then a summary per tier.
    Exit codes: 0 every resource in policy; 2 resources out of policy; 3 the check is incomplete (a resource or
    region could not be read); 4 bad input (an unknown tier, a policy file with errors), nothing sent.

    Azure Automation: import BackupDr into the Automation account (PowerShell 7.x runtime), create a
    PowerShell 7.x runbook from this script, take AWS keys from an Automation credential and regions
    from Automation variables, and call Set-DrDefault -AccessKey/-SecretKey/-Region first. Keep the
    policy file next to the runbook (or in an Automation variable written to $env:TEMP) and pass -PolicyPath.
    A job that ends with exit code 2 shows as failed, so an alert on failed jobs reports DR gaps.

    AWS Systems Manager: use examples/ssm/Invoke-NightlyBackup.ssm.json as the template (an
    aws:runPowerShellScript document running pwsh) with this script in the command; the command's
    status is Failed when the exit code is not 0.
.EXAMPLE
    ./Get-ProtectionStatus.ps1 -DrRegion eu-central-1
.EXAMPLE
    ./Get-ProtectionStatus.ps1 -Tier Gold, Silver -PolicyPath ./tier-policy.psd1 -ReportRegion eu-west-1, eu-central-1 -DrRegion us-east-1
#>
[CmdletBinding()]
param(
    [string[]] $Tier,
    [string] $DrRegion,
    [string[]] $ReportRegion,
    [string] $PolicyPath,
    [switch] $RequireVaultLock,
    [string] $Region,
    [string] $ProfileName,
    [string] $EndpointUrl
)

$ErrorActionPreference = 'Stop'
if (-not (Get-Module BackupDr)) { Import-Module BackupDr }

$statusArgs = @{}
if ($Region) { $statusArgs.Region = $Region }
if ($ProfileName) { $statusArgs.ProfileName = $ProfileName }
if ($EndpointUrl) { $statusArgs.EndpointUrl = $EndpointUrl }
if ($Tier) { $statusArgs.Tier = $Tier }
if ($DrRegion) { $statusArgs.DrRegion = $DrRegion }
if ($ReportRegion) { $statusArgs.ReportRegion = $ReportRegion }
if ($PolicyPath) { $statusArgs.PolicyPath = $PolicyPath }
if ($RequireVaultLock) { $statusArgs.RequireVaultLock = $true }

$readErrors = $null
try {
    $status = @(Get-DrProtectionStatus @statusArgs -ErrorAction SilentlyContinue -ErrorVariable readErrors)
}
catch {
    Write-Warning "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"
    Write-Output 'Nothing was checked.'
    exit 4
}

$status | Format-Table | Out-String -Width 120 | Write-Output
$outOfPolicy = @($status | Where-Object { -not $_.InPolicy })
foreach ($s in $outOfPolicy) {
    Write-Output ("OUT OF POLICY: {0} ({1}): {2}" -f $s.ResourceArn, $(if ($null -ne $s.Tier) { $s.Tier } else { 'no tier' }), ($s.Gaps -join ', '))
}
foreach ($t in 'Gold', 'Silver', 'Bronze') {
    $ofTier = @($status | Where-Object { "$($_.Tier)" -eq $t })
    if ($ofTier.Count) { Write-Output ("{0}: {1} of {2} in policy" -f $t, @($ofTier | Where-Object InPolicy).Count, $ofTier.Count) }
}
Write-Output ("{0} resource(s) checked, {1} out of policy." -f $status.Count, $outOfPolicy.Count)

if (@($readErrors).Count -gt 0) {
    foreach ($e in @($readErrors)) { Write-Warning "$($e.FullyQualifiedErrorId): $($e.Exception.Message)" }
    Write-Output 'The check is incomplete.'
    exit 3
}
if ($outOfPolicy.Count -gt 0) { exit 2 }
Write-Output 'In policy: every resource meets its tier.'
exit 0
