<#
.SYNOPSIS
    Builds, tests and packages the BackupDr module.
.DESCRIPTION
    Reads the module version from BackupDr.psd1 (the only place it is written), builds BackupDr.sln
    with it, and lays out out/BackupDr/ ready for Import-Module and Publish-Module. The layout is an
    explicit file list: a missing file fails the build.
.PARAMETER Configuration
    Debug or Release (default Release).
.PARAMETER Clean
    Removes out/ and the bin/obj folders first.
.PARAMETER Test
    Runs the xunit tests (dotnet test) and then the Pester tests in tests/Pester against out/BackupDr.
.PARAMETER PesterOnly
    With -Test: builds and lays out the module, then runs only the Pester tests (CI runs dotnet test itself).
.PARAMETER Package
    Also writes out/BackupDr.<version>.nupkg with Publish-Module's layout (needs PowerShellGet or PSResourceGet).
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Clean -Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [switch] $Clean,
    [switch] $Test,
    [switch] $PesterOnly,
    [switch] $Package
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$manifestPath = Join-Path $root 'BackupDr.psd1'
$manifest = Import-PowerShellDataFile -Path $manifestPath
$version = $manifest.ModuleVersion
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'BackupDr'

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    Write-Host "> $File $($Arguments -join ' ')"
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File exited with code $LASTEXITCODE" }
}

if ($Clean) {
    Write-Host "Cleaning out/ and bin/obj"
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $out
    Get-ChildItem -Path (Join-Path $root 'src'), (Join-Path $root 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

Invoke-Native dotnet @('build', (Join-Path $root 'BackupDr.sln'), '-c', $Configuration, "-p:BackupDrVersion=$version", '-nologo')

# The module layout: every file named here must exist.
$bin = Join-Path $root "src/BackupDr.Commands/bin/$Configuration/netstandard2.0"
$files = @(
    @{ From = $manifestPath; To = 'BackupDr.psd1' }
    @{ From = (Join-Path $root 'src/BackupDr.Commands/BackupDr.format.ps1xml'); To = 'BackupDr.format.ps1xml' }
    @{ From = (Join-Path $root 'src/BackupDr.Commands/en-US/BackupDr.Commands.dll-Help.xml'); To = 'en-US/BackupDr.Commands.dll-Help.xml' }
    @{ From = (Join-Path $root 'LICENSE'); To = 'LICENSE' }
)
$assemblies = @(
    'BackupDr.Commands.dll', 'BackupDr.Core.dll', 'BackupDr.Sandbox.dll',
    'AWSSDK.Core.dll', 'AWSSDK.SecurityToken.dll', 'AWSSDK.SSO.dll', 'AWSSDK.SSOOIDC.dll',
    'Microsoft.Bcl.AsyncInterfaces.dll', 'System.Text.Json.dll', 'System.Text.Encodings.Web.dll',
    'System.Memory.dll', 'System.Buffers.dll', 'System.Runtime.CompilerServices.Unsafe.dll',
    'System.Threading.Tasks.Extensions.dll', 'System.Numerics.Vectors.dll'
)
foreach ($a in $assemblies) { $files += @{ From = (Join-Path $bin $a); To = $a } }

$missing = @($files | Where-Object { -not (Test-Path -LiteralPath $_.From) } | ForEach-Object { $_.From })
if ($missing.Count -gt 0) {
    throw "The module layout is incomplete; missing: $($missing -join ', ')"
}

Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $moduleOut
foreach ($f in $files) {
    $target = Join-Path $moduleOut $f.To
    New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
    Copy-Item -LiteralPath $f.From -Destination $target
}
Write-Host "Module laid out in $moduleOut (version $version)"

if ($Test) {
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    if (-not $PesterOnly) {
        Invoke-Native dotnet @('test', (Join-Path $root 'BackupDr.sln'), '-c', $Configuration, '--no-build', '-nologo')
    }
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' } | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        throw 'Pester 5 is required for the runbook tests: Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser'
    }
    Import-Module $pester -Force
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/Pester'
    $config.Run.Exit = $false
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $out 'pester-results.xml'
    $env:BACKUPDR_MODULE_PATH = Join-Path $moduleOut 'BackupDr.psd1'
    $result = Invoke-Pester -Configuration $config
    Write-Host "Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
    if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') { throw "Pester tests failed" }
}

if ($Package) {
    $publish = Get-Command -Name Publish-PSResource, Publish-Module -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $publish) { throw 'Packaging needs PSResourceGet (Publish-PSResource) or PowerShellGet (Publish-Module).' }
    $repoName = 'BackupDrLocal'
    $repoPath = Join-Path $out 'repo'
    New-Item -ItemType Directory -Force -Path $repoPath | Out-Null
    if ($publish.Name -eq 'Publish-PSResource') {
        if (-not (Get-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue)) { Register-PSResourceRepository -Name $repoName -Uri $repoPath -Trusted }
        Publish-PSResource -Path $moduleOut -Repository $repoName
    }
    else {
        if (-not (Get-PSRepository -Name $repoName -ErrorAction SilentlyContinue)) { Register-PSRepository -Name $repoName -SourceLocation $repoPath -PublishLocation $repoPath -InstallationPolicy Trusted }
        Publish-Module -Path $moduleOut -Repository $repoName
    }
    Write-Host "Package written to $repoPath"
}
