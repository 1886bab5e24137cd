<#
.SYNOPSIS
    Pilot-light failover: promotes the RDS read replica in the DR region when its lag is within the tier's RPO.
.DESCRIPTION
    Runs Invoke-DrFailover on -DBInstanceIdentifier in -Region (the DR region): checks that it is an available
    read replica, reads its CloudWatch ReplicaLag and refuses when the lag exceeds the RPO of its tier (its
    DrTier tag, or -Tier) unless -Force, promotes it, waits until it is available (-Timeout) and prints the
    lag at promotion, the time taken and the endpoint applications must use now. Emits the FailoverResult.

    Exit codes: 0 = promoted (or -WhatIf); 2 = refused by a check (not a replica, not available, lag over the
    RPO, lag or tier unknown), nothing changed; 1 = the promotion failed or did not finish within -Timeout.

    Azure Automation: import BackupDr into the Automation account (PowerShell 7.x runtime), create a
    PowerShell 7.x runbook from this script, keep AWS keys in an Automation credential and the DR region in
    an Automation variable, and call Set-DrDefault -AccessKey/-SecretKey/-Region with them first. The script
    passes -Confirm:$false itself (runbooks cannot answer prompts; Invoke-DrFailover has ConfirmImpact High),
    so start it only when you mean to fail over; run it with -WhatIf to check the replica and its lag.

    AWS Systems Manager: use examples/ssm/Invoke-NightlyBackup.ssm.json as the template (an
    aws:runPowerShellScript document running pwsh), with this script and its parameters in the command, on
    an instance in the DR region whose instance profile may call rds:DescribeDBInstances,
    rds:PromoteReadReplica and cloudwatch:GetMetricStatistics. The command's exit code is this script's.
.PARAMETER DBInstanceIdentifier
    The read replica in the DR region to promote.
.PARAMETER Region
    The DR region the replica is in.
.PARAMETER Tier
    The tier whose RPO the lag must meet (default: the replica's DrTier tag).
.PARAMETER Force
    Promote even when the lag exceeds the RPO or cannot be read.
.PARAMETER Timeout
    How long to wait for the promoted instance to become available (default 1 hour).
.EXAMPLE
    ./Invoke-PilotLightFailover.ps1 -DBInstanceIdentifier orders-db-replica -Region eu-central-1
.EXAMPLE
    ./Invoke-PilotLightFailover.ps1 -DBInstanceIdentifier orders-db-replica -Region eu-central-1 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)]
    [string] $DBInstanceIdentifier,
    [string] $Region,
    [ValidateSet('Gold', 'Silver', 'Bronze')]
    [string] $Tier,
    [switch] $Force,
    [string] $ProfileName,
    [string] $EndpointUrl,
    [TimeSpan] $Timeout = (New-TimeSpan -Hours 1)
)

$ErrorActionPreference = 'Stop'
if (-not (Get-Module BackupDr)) { Import-Module BackupDr }

$aws = @{}
if ($Region) { $aws.Region = $Region }
if ($ProfileName) { $aws.ProfileName = $ProfileName }
if ($EndpointUrl) { $aws.EndpointUrl = $EndpointUrl }

$failover = @{ DBInstanceIdentifier = $DBInstanceIdentifier; Timeout = $Timeout; Force = $Force }
if ($Tier) { $failover.Tier = $Tier }

# The checks refuse before anything is changed; these ids mean "nothing was promoted".
$refusals = 'NotAReadReplica', 'ReplicaNotAvailable', 'ReplicaLagExceedsRpo', 'ReplicaLagUnknown', 'TierNotFound', 'UnknownTier', 'DBInstanceNotFound'

$failoverErrors = $null
$result = Invoke-DrFailover @failover @aws -Confirm:$false -WhatIf:$WhatIfPreference -ErrorAction SilentlyContinue -ErrorVariable failoverErrors
if ($WhatIfPreference -and @($failoverErrors).Count -eq 0) { exit 0 }

foreach ($e in @($failoverErrors)) {
    $id = ($e.FullyQualifiedErrorId -split ',')[0]
    Write-Warning "${id}: $($e.Exception.Message)"
    if ($id -in $refusals) {
        Write-Host "Failover refused: $DBInstanceIdentifier was not promoted."
        exit 2
    }
}
if (@($failoverErrors).Count -gt 0 -or -not $result -or -not $result.Succeeded) {
    Write-Host "Failover of $DBInstanceIdentifier failed or did not finish; check it with Get-DrResource."
    exit 1
}

$lag = if ($null -ne $result.LagAtPromotion) { $result.LagAtPromotion } else { 'unknown' }
Write-Host "Promoted $($result.DBInstanceIdentifier) in $($result.Region) in $($result.Duration) (lag at promotion $lag, RPO $($result.Rpo)); applications now connect to $($result.Endpoint)."
$result
exit 0
