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

# A test run never writes into the user's own application data (the default drill ledger that help examples and
# drills append to, PSResourceGet's repository list): on Linux .NET reads XDG_DATA_HOME for it on every call, so
# this run and its child processes get a folder of their own (TestsWriteUserData regression).
$dataHome = $null
if ($IsLinux) {
    $dataHome = Join-Path ([IO.Path]::GetTempPath()) ('BackupDr.PesterData.' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $dataHome
    $env:BACKUPDR_TEST_DATA_HOME = $dataHome
    $env:XDG_DATA_HOME = $dataHome
}

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.Exit = $false
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $OutputPath
try {
    $result = Invoke-Pester -Configuration $config
}
finally {
    if ($dataHome) { Remove-Item -LiteralPath $dataHome -Recurse -Force -ErrorAction SilentlyContinue }
}
if ($null -eq $result) {
    Write-Host "Pester $((Get-Module Pester).Version): the run did not start"
    exit 1
}

Write-Host "Pester $((Get-Module Pester).Version): $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped, $($result.NotRunCount) not run"
if ($result.Result -ne 'Passed') { exit ([Math]::Max(1, [int]$result.FailedCount)) }
exit 0
