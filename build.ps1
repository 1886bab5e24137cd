<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the BackupDr module.
.DESCRIPTION
    Reads the module version from BackupDr.psd1 (the only place it is written), builds BackupDr.sln with
    it, and lays out out/BackupDr/ from the `dotnet publish` output of BackupDr.Commands, so the module
    holds exactly the real dependency closure (no hand-kept DLL list to drift). The files the module
    cannot work without are checked: a missing one fails the build.

    Run it with the PowerShell pinned in .config/dotnet-tools.json on a machine that has only the .NET SDK:
        dotnet tool restore && dotnet pwsh ./build.ps1 -Test
.PARAMETER Configuration
    Debug or Release (default Release).
.PARAMETER Clean
    Removes out/ and the bin/obj folders first.
.PARAMETER Test
    Runs the xunit tests (dotnet test) and then the Pester tests in tests/Pester against out/BackupDr, in a
    child PowerShell process (a binary module cannot be unloaded, so an in-process run would test a stale
    assembly the second time). Gets Pester 5.7.1 from NuGet when no Pester 5 is installed. Ends with one
    line "N passed, N failed, N skipped" over both; results go to out/test-results/. With CI=true a
    skipped test fails the run.
.PARAMETER PesterOnly
    With -Test: runs only the Pester tests.
.PARAMETER Demo
    Builds, then runs examples/Invoke-DrTour.ps1 in a child PowerShell: a narrated tour against the local
    sandbox (find resources, tag, back up with -Wait, restore the latest point, report).
.PARAMETER Package
    Also writes out/package/BackupDr.<version>.nupkg, the package Publish-PSResource uploads to the Gallery
    (needs PSResourceGet, which PowerShell 7.4+ ships). The temporary local repository it registers is
    unregistered again, whatever happens.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Test
.EXAMPLE
    ./build.ps1 -Clean -Demo
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [switch] $Clean,
    [switch] $Test,
    [switch] $PesterOnly,
    [switch] $Demo,
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
$publishOut = Join-Path $out "publish/$Configuration"
$resultsOut = Join-Path $out 'test-results'
$isCi = $env:CI -eq 'true'
$pesterVersion = '5.7.1'

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    Write-Host "> $File $($Arguments -join ' ')"
    & $File @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$File exited with code $LASTEXITCODE" }
}

# The PowerShell that runs this script, as a command line for a child process: pwsh from a .NET tool runs
# as 'dotnet <PSHOME>/pwsh.dll', Windows PowerShell as powershell.exe.
function Get-ChildPowerShell {
    if ($PSVersionTable.PSEdition -eq 'Desktop') {
        return @{ File = (Join-Path $PSHOME 'powershell.exe'); Prefix = @() }
    }
    foreach ($name in 'pwsh', 'pwsh.exe') {
        $exe = Join-Path $PSHOME $name
        if (Test-Path -LiteralPath $exe -PathType Leaf) { return @{ File = $exe; Prefix = @() } }
    }
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path -LiteralPath $dll) { return @{ File = 'dotnet'; Prefix = @($dll) } }
    throw "Cannot find the PowerShell executable under $PSHOME to start a child process."
}

function Invoke-ChildPowerShell {
    param([string] $Script, [string[]] $Arguments)
    $ps = Get-ChildPowerShell
    $all = @($ps.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $Script) + @($Arguments)
    Write-Host "> $($ps.File) $($all -join ' ')"
    & $ps.File @all | Out-Host
    return $LASTEXITCODE
}

function Get-NuGetPackagesFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) { throw 'dotnet nuget locals global-packages --list failed.' }
    ($line -replace '^\s*global-packages:\s*', '').Trim()
}

# Pester 5 (5.7.1 or later 5.x) from the module path, otherwise Pester 5.7.1 from NuGet (its package keeps
# the module under tools/), restored through build/PesterDownload.csproj into the NuGet packages folder.
function Resolve-Pester {
    $installed = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]$pesterVersion -and $_.Version.Major -eq 5 } |
        Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) { return $installed.Path }

    Write-Host "Pester $pesterVersion is not installed: restoring it from NuGet"
    Invoke-Native dotnet @('restore', (Join-Path $root 'build/PesterDownload.csproj'), "-p:PesterVersion=$pesterVersion", '-nologo')
    $psd1 = Join-Path (Get-NuGetPackagesFolder) "pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $psd1)) { throw "Pester was restored but $psd1 is missing." }
    return $psd1
}

# Counts from the TRX files of dotnet test (xunit) and the NUnit XML of Pester.
function Get-TrxCounts {
    param([string] $Folder)
    $sum = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($file in @(Get-ChildItem -LiteralPath $Folder -Filter '*.trx' -ErrorAction SilentlyContinue)) {
        [xml] $trx = Get-Content -LiteralPath $file.FullName -Raw
        $c = $trx.TestRun.ResultSummary.Counters
        $sum.Passed += [int]$c.passed
        $sum.Failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        $sum.Skipped += [int]$c.notExecuted
    }
    $sum
}

function Get-NUnitCounts {
    param([string] $Path)
    $sum = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    [xml] $x = Get-Content -LiteralPath $Path -Raw
    $r = $x.'test-results'
    $total = [int]$r.total
    $sum.Failed = [int]$r.failures + [int]$r.errors
    $sum.Skipped = [int]$r.skipped + [int]$r.ignored + [int]$r.'not-run' + [int]$r.inconclusive
    $sum.Passed = $total - $sum.Failed - [int]$r.'not-run' - [int]$r.inconclusive - [int]$r.ignored - [int]$r.skipped
    $sum
}

# The names and first message lines of failed tests, so the last lines of a CI log say what failed.
function Get-FailedTestLines {
    param([string] $NUnitPath, [string] $TrxFolder)
    $lines = [System.Collections.Generic.List[string]]::new()
    if ($NUnitPath -and (Test-Path -LiteralPath $NUnitPath)) {
        [xml] $x = Get-Content -LiteralPath $NUnitPath -Raw
        foreach ($case in $x.SelectNodes("//test-case[@result='Failure' or @result='Error']")) {
            $message = "$($case.failure.message)".Trim() -split "`n" | Select-Object -First 1
            $lines.Add("Pester: $($case.name): $message")
        }
    }
    if ($TrxFolder -and (Test-Path -LiteralPath $TrxFolder)) {
        foreach ($trx in Get-ChildItem -LiteralPath $TrxFolder -Filter *.trx) {
            [xml] $t = Get-Content -LiteralPath $trx.FullName -Raw
            foreach ($result in $t.TestRun.Results.UnitTestResult | Where-Object outcome -eq 'Failed') {
                $message = "$($result.Output.ErrorInfo.Message)".Trim() -split "`n" | Select-Object -First 1
                $lines.Add("xunit: $($result.testName): $message")
            }
        }
    }
    $lines
}

if ($Clean) {
    Write-Host 'Cleaning out/ and bin/obj'
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $out
    Get-ChildItem -Path (Join-Path $root 'src'), (Join-Path $root 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

Invoke-Native dotnet @('build', (Join-Path $root 'BackupDr.sln'), '-c', $Configuration, "-p:BackupDrVersion=$version", '-nologo')
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $publishOut
Invoke-Native dotnet @('publish', (Join-Path $root 'src/BackupDr.Commands/BackupDr.Commands.csproj'), '-c', $Configuration, '--no-build', '-o', $publishOut, "-p:BackupDrVersion=$version", '-nologo')

# The module: the manifest and LICENSE, plus what publish produced (the assemblies of the dependency
# closure, the format file and the help), without build-only files (.deps.json, .pdb, XML doc files).
# The root keeps only what PowerShell must see (the RootModule, BackupDr.Model with the types cmdlets take
# and emit, the format file, en-US help); every other assembly (BackupDr.Core, the sandbox, AWSSDK.*,
# System.*, whatever a new package brings) goes to dependencies/, where DependencyLoader loads it into the
# module's private load context.
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $moduleOut
New-Item -ItemType Directory -Force -Path $moduleOut | Out-Null
Copy-Item -LiteralPath $manifestPath -Destination $moduleOut
Copy-Item -LiteralPath (Join-Path $root 'LICENSE') -Destination $moduleOut
$publishRoot = (Get-Item -LiteralPath $publishOut).FullName
$rootAssemblies = @($manifest.RootModule, 'BackupDr.Model.dll')
Get-ChildItem -LiteralPath $publishOut -Recurse -File |
    Where-Object { $_.Extension -notin '.pdb', '.json' -and -not ($_.Extension -eq '.xml' -and $_.DirectoryName -eq $publishRoot) } |
    ForEach-Object {
        $relative = $_.FullName.Substring($publishRoot.Length).TrimStart('\', '/')
        if ($_.Extension -eq '.dll' -and $relative -notin $rootAssemblies) { $relative = Join-Path 'dependencies' $relative }
        $target = Join-Path $moduleOut $relative
        New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
        Copy-Item -LiteralPath $_.FullName -Destination $target
    }
$required = $rootAssemblies + @($manifest.FormatsToProcess) + @('en-US/BackupDr.Commands.dll-Help.xml', 'en-US/about_BackupDr.help.txt', 'dependencies/BackupDr.Core.dll', 'dependencies/BackupDr.Sandbox.dll', 'dependencies/AWSSDK.Core.dll', 'LICENSE')
$missing = @($required | Where-Object { -not (Test-Path -LiteralPath (Join-Path $moduleOut $_)) })
if ($missing.Count -gt 0) { throw "The module layout in $moduleOut is incomplete; missing: $($missing -join ', ')" }
$strays = @(Get-ChildItem -LiteralPath $moduleOut -Filter '*.dll' -File | Where-Object Name -notin $rootAssemblies)
if ($strays.Count -gt 0) { throw "Only $($rootAssemblies -join ' and ') may sit in the module root (the rest belongs in dependencies/): $($strays.Name -join ', ')" }
if (Get-ChildItem -LiteralPath $moduleOut -Recurse -Filter 'System.Management.Automation.dll') {
    throw 'System.Management.Automation.dll must not ship in the module (PowerShell provides it).'
}
Write-Host "Module laid out in $moduleOut (version $version)"

if ($Demo) {
    $code = Invoke-ChildPowerShell -Script (Join-Path $root 'examples/Invoke-DrTour.ps1') -Arguments @('-ModulePath', (Join-Path $moduleOut 'BackupDr.psd1'))
    if ($code -ne 0) { throw "The tour failed (exit code $code)." }
}

if ($Test) {
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $resultsOut
    New-Item -ItemType Directory -Force -Path $resultsOut | Out-Null
    $failures = @()

    $xunit = $null
    if (-not $PesterOnly) {
        & dotnet test (Join-Path $root 'BackupDr.sln') -c $Configuration --no-build -nologo --logger 'trx' --logger 'console;verbosity=normal' --results-directory $resultsOut
        if ($LASTEXITCODE -ne 0) { $failures += "dotnet test exited with code $LASTEXITCODE" }
        $xunit = Get-TrxCounts -Folder $resultsOut
        if (($xunit.Passed + $xunit.Failed) -eq 0) { $failures += 'dotnet test produced no results' }
    }

    $pesterPath = Resolve-Pester
    # The isolation tests load AWSSDK.Core 3.7 (as older AWS.Tools ship it) next to BackupDr's AWSSDK.Core 4.
    $sdk37 = Join-Path (Get-NuGetPackagesFolder) 'awssdk.core/3.7.501.1/lib'
    if (-not (Test-Path -LiteralPath $sdk37)) {
        Invoke-Native dotnet @('restore', (Join-Path $root 'build/AwsSdk37Download.csproj'), '-nologo')
    }
    $nunit = Join-Path $resultsOut 'pester.xml'
    $code = Invoke-ChildPowerShell -Script (Join-Path $root 'tests/Pester/Invoke-PesterRun.ps1') -Arguments @(
        '-PesterPath', $pesterPath, '-ModulePath', (Join-Path $moduleOut 'BackupDr.psd1'), '-OutputPath', $nunit)
    $pester = Get-NUnitCounts -Path $nunit
    if (-not $pester) { $failures += "Pester wrote no results ($nunit)"; $pester = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 } }
    elseif ($code -ne 0) { $failures += "Pester exited with code $code" }
    if (($pester.Passed + $pester.Failed) -eq 0) { $failures += 'Pester ran no tests' }

    $total = [ordered]@{ Passed = $pester.Passed; Failed = $pester.Failed; Skipped = $pester.Skipped }
    if ($xunit) {
        Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"
        $total.Passed += $xunit.Passed; $total.Failed += $xunit.Failed; $total.Skipped += $xunit.Skipped
    }
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    if ($isCi -and $total.Skipped -gt 0) { $failures += "$($total.Skipped) test(s) skipped; with CI=true every test must run" }
    foreach ($line in Get-FailedTestLines -NUnitPath $nunit -TrxFolder $(if ($xunit) { $resultsOut })) { Write-Host "FAILED $line" }
    Write-Host "$($total.Passed) passed, $($total.Failed) failed, $($total.Skipped) skipped"
    if ($failures.Count -gt 0 -or $total.Failed -gt 0) { throw "Tests failed: $($failures -join '; ')" }
}

if ($Package) {
    $nupkg = & (Join-Path $root 'build/New-ModulePackage.ps1') -ModulePath $moduleOut -OutputPath (Join-Path $out 'package')
    Write-Host "Package written: $($nupkg.FullName -join ', ')"
}
