<#
.SYNOPSIS
    Backs up every resource tagged Backup=daily, waits for the jobs and reports; exits 1 when any job failed.
.DESCRIPTION
    Finds EBS volumes, EC2 instances, RDS instances and Aurora clusters tagged Backup=daily (or -TagValue),
    starts an AWS Backup job for each into -BackupVaultName, waits for all of them, then writes a
    Get-DrBackupReport for the run. The idempotency token BackupDr derives per resource, vault and UTC day
    makes a rerun on the same day return the same jobs instead of backing up twice.

    Exit codes: 0 all jobs completed; 1 at least one job failed or could not be started.

    Azure Automation:
      1. Import the BackupDr module into the Automation account (Modules > Add a module > PowerShell
         Gallery, runtime version PowerShell 7.x) and create a runbook with runtime PowerShell 7.x from
         this script.
      2. Store the AWS key pair as an Automation credential (user name = access key id, password = secret
         key) and the region as an Automation variable, then before calling this script (or at its top):
             $cred = Get-AutomationPSCredential -Name 'AwsBackupDr'
             Set-DrDefault -AccessKey $cred.UserName -SecretKey $cred.GetNetworkCredential().Password `
                           -Region (Get-AutomationVariable -Name 'AwsRegion')
      3. Schedule it nightly; a failed job makes the runbook job end with an error.

    AWS Systems Manager: run examples/ssm/Invoke-NightlyBackup.ssm.json (an aws:runPowerShellScript
    document that installs BackupDr from the Gallery if missing and runs this script with pwsh) with
    State Manager or Maintenance Windows on an instance whose instance profile may call AWS Backup,
    EC2 and RDS. Credentials and region then come from the instance profile and metadata.

    Against the local sandbox: Start-DrSandbox; ./Invoke-NightlyBackup.ps1
.PARAMETER TagValue
    Value of the Backup tag to select (default daily).
.PARAMETER BackupVaultName
    Vault to back up into (default Default).
.PARAMETER Region
    AWS region (default: session default, AWS_REGION, profile).
.PARAMETER EndpointUrl
    Endpoint override, e.g. the sandbox's.
.PARAMETER Timeout
    How long to wait for the jobs (default 4 hours).
.EXAMPLE
    ./Invoke-NightlyBackup.ps1 -Region eu-west-1
.EXAMPLE
    ./Invoke-NightlyBackup.ps1 -TagValue weekly -BackupVaultName Weekly
#>
[CmdletBinding()]
param(
    [string] $TagValue = 'daily',
    [string] $BackupVaultName = 'Default',
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

$started = Get-Date
$resources = @(Get-DrResource -Tag @{ Backup = $TagValue } @aws)
Write-Output "Found $($resources.Count) resource(s) tagged Backup=$TagValue."
if ($resources.Count -eq 0) { exit 0 }

# Failed jobs arrive as non-terminating errors next to the job objects: collect both.
$jobErrors = $null
$jobs = @($resources | Start-DrBackup -BackupVaultName $BackupVaultName -Wait -Timeout $Timeout @aws -ErrorAction SilentlyContinue -ErrorVariable jobErrors)
$jobs | Format-Table -AutoSize | Out-String -Width 200 | Write-Output

# A vault that does not exist is a BackupVaultNotFound error, not an empty report: count it with the job errors.
try {
    $report = Get-DrBackupReport -Since $started.AddMinutes(-5) -BackupVaultName $BackupVaultName @aws
    $report | Format-List TotalJobs, TotalsByState, SuccessRate, BytesBackedUp, IsComplete | Out-String | Write-Output
}
catch {
    $jobErrors = @($jobErrors) + $_
}

$failed = @($jobs | Where-Object { -not $_.Succeeded })
foreach ($e in @($jobErrors)) { Write-Warning "$($e.FullyQualifiedErrorId): $($e.Exception.Message)" }
if ($failed.Count -gt 0 -or @($jobErrors).Count -gt 0 -or $jobs.Count -lt $resources.Count) {
    Write-Output "Nightly backup: $($failed.Count) failed job(s), $(@($jobErrors).Count) error(s)."
    exit 1
}
Write-Output "Nightly backup: $($jobs.Count) job(s) completed."
exit 0
