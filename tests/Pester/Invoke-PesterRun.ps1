<#
.SYNOPSIS
    Runs the Pester tests of tests/Pester in this (child) process; build.ps1 -Test starts it.
.DESCRIPTION
    Imports the given Pester module (5.x), points the tests at the built module through
    BACKUPDR_MODULE_PATH, writes NUnit XML results, and exits with the number of failed tests, or 1 when
    the run itself failed.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [string[]] $Path = @($PSScriptRoot)
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:BACKUPDR_MODULE_PATH = $ModulePath
$env:AWS_EC2_METADATA_DISABLED = 'true'

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.Exit = $false
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $OutputPath
$result = Invoke-Pester -Configuration $config
Write-Host "Pester $((Get-Module Pester).Version): $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped, $($result.NotRunCount) not run"
if ($result.Result -ne 'Passed' -and $result.FailedCount -eq 0) { exit 1 }
exit $result.FailedCount
