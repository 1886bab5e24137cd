<#
.SYNOPSIS
    Writes the .nupkg that Publish-PSResource uploads to the PowerShell Gallery, from a laid-out module folder.
.DESCRIPTION
    Registers a temporary local PSResourceGet repository in -OutputPath, publishes the module into it and
    unregisters the repository again, whatever happens (try/finally), so the user's repository list is
    left as it was. Returns the package file.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
if (-not (Get-Command -Name Publish-PSResource -ErrorAction SilentlyContinue)) {
    throw 'Packaging needs PSResourceGet (Publish-PSResource): it ships with PowerShell 7.4 and later (dotnet pwsh), or Install-Module Microsoft.PowerShell.PSResourceGet.'
}
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $OutputPath
New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$repoName = "BackupDrBuild$PID$(Get-Random)"
Register-PSResourceRepository -Name $repoName -Uri (Resolve-Path -LiteralPath $OutputPath).Path -Trusted
try {
    Publish-PSResource -Path $ModulePath -Repository $repoName
}
finally {
    Unregister-PSResourceRepository -Name $repoName
}
Get-ChildItem -LiteralPath $OutputPath -Filter '*.nupkg'
