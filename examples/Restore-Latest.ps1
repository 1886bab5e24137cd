<#
.SYNOPSIS
    Restores the latest recovery point of a resource (or of every resource in a vault) and prints the new ARN and duration.
.DESCRIPTION
    Takes the newest completed recovery point of -ResourceArn, or of each resource in -BackupVaultName,
    restores it as a new resource with Restore-DrResource -Wait, and prints the created resource's ARN
    and how long the restore took. Emits the restore jobs. Exit code 1 when a restore failed or no
    recovery point was found.

    Azure Automation: import BackupDr into the Automation account (PowerShell 7.x runtime), create a
    PowerShell 7.x runbook from this script, keep AWS keys in an Automation credential and the region in
    an Automation variable, and call Set-DrDefault -AccessKey/-SecretKey/-Region with them first.
    Pass -Confirm:$false (runbooks cannot answer prompts; Restore-DrResource has ConfirmImpact High).

    AWS Systems Manager: use examples/ssm/Invoke-NightlyBackup.ssm.json as the template (an
    aws:runPowerShellScript document running pwsh), with this script and its parameters in the command.
.PARAMETER ResourceArn
    Resource whose latest recovery point to restore.
.PARAMETER BackupVaultName
    Vault whose latest point of each resource to restore (default Default).
.PARAMETER TargetName
    Name of the restored resource (one resource only).
.EXAMPLE
    ./Restore-Latest.ps1 -ResourceArn arn:aws:rds:eu-west-1:123456789012:db:orders -TargetName orders-dr -Confirm:$false
.EXAMPLE
    ./Restore-Latest.ps1 -BackupVaultName Default -Region eu-west-1 -Confirm:$false
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Vault')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Resource')]
    [string] $ResourceArn,
    [Parameter(ParameterSetName = 'Vault')]
    [string] $BackupVaultName = 'Default',
    [string] $TargetName,
    [string] $Region,
    [string] $ProfileName,
    [string] $EndpointUrl,
    [TimeSpan] $Timeout = (New-TimeSpan -Hours 2)
)

$ErrorActionPreference = 'Stop'
if (-not (Get-Module BackupDr)) { Import-Module BackupDr }

$aws = @{}
if ($Region) { $aws.Region = $Region }
if ($ProfileName) { $aws.ProfileName = $ProfileName }
if ($EndpointUrl) { $aws.EndpointUrl = $EndpointUrl }

$points = @(if ($PSCmdlet.ParameterSetName -eq 'Resource') {
    Get-DrRecoveryPoint -ResourceArn $ResourceArn -Latest @aws
} else {
    Get-DrRecoveryPoint -BackupVaultName $BackupVaultName -Latest @aws
})
if ($points.Count -eq 0) {
    Write-Error -ErrorId 'NoRecoveryPoint' -Category ObjectNotFound -Message 'No completed recovery point found.' -ErrorAction Continue
    exit 1
}

$restore = @{ Wait = $true; Timeout = $Timeout }
if ($TargetName) { $restore.TargetName = $TargetName }
$restoreErrors = $null
$jobs = @($points | Restore-DrResource @restore @aws -Confirm:$false -WhatIf:$WhatIfPreference -ErrorAction SilentlyContinue -ErrorVariable restoreErrors)
foreach ($job in $jobs) {
    if ($job.Succeeded) {
        Write-Host "Restored $($job.ResourceArn) as $($job.CreatedResourceArn) in $($job.Duration)"
    } else {
        Write-Host "Restore job $($job.JobId) of $($job.ResourceArn) ended $($job.State): $($job.StatusMessage)"
    }
}
$jobs
foreach ($e in @($restoreErrors)) { Write-Warning "$($e.FullyQualifiedErrorId): $($e.Exception.Message)" }
if ($WhatIfPreference) { exit 0 }
if (@($jobs | Where-Object { -not $_.Succeeded }).Count -gt 0 -or @($restoreErrors).Count -gt 0 -or $jobs.Count -lt $points.Count) { exit 1 }
exit 0
