# build.ps1 -Package: the Gallery package, installed from a local repository into a clean module path.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $moduleDir = Split-Path -Parent (Get-BackupDrModulePath)
}

Describe 'build/New-ModulePackage.ps1' {
    BeforeAll {
        $before = @(Get-PSResourceRepository).Name
        $script:nupkg = & (Join-Path $RepoRoot 'build/New-ModulePackage.ps1') -ModulePath $moduleDir -OutputPath (Join-Path $TestDrive 'package')
    }

    It 'writes BackupDr.<version>.nupkg with the manifest version' {
        $version = (Import-PowerShellDataFile (Join-Path $moduleDir 'BackupDr.psd1')).ModuleVersion
        @($nupkg).Count | Should -Be 1
        $nupkg.Name | Should -Be "BackupDr.$version.nupkg"
    }

    It 'leaves the repository list as it was (the temporary repository is unregistered)' {
        @(Get-PSResourceRepository).Name | Sort-Object | Should -Be ($before | Sort-Object)
    }

    It 'installs from a local repository into a clean path and imports by name in a fresh process' {
        $repo = "BackupDrPkgTest$(Get-Random)"
        $target = Join-Path $TestDrive 'modules'
        New-Item -ItemType Directory -Path $target | Out-Null
        Register-PSResourceRepository -Name $repo -Uri (Split-Path -Parent $nupkg.FullName) -Trusted
        try {
            Save-PSResource -Name BackupDr -Repository $repo -Path $target -TrustRepository -SkipDependencyCheck
        }
        finally {
            Unregister-PSResourceRepository -Name $repo
        }
        Join-Path $target 'BackupDr/*/BackupDr.psd1' | Should -Exist
        $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
        $check = "`$env:PSModulePath = '$target'; Import-Module BackupDr; (Get-Command -Module BackupDr).Count; (Get-Module BackupDr).ModuleBase"
        $lines = @(& $pwsh -NoProfile -NonInteractive -Command $check)
        $LASTEXITCODE | Should -Be 0
        [int]$lines[0] | Should -Be @((Import-PowerShellDataFile (Join-Path $moduleDir 'BackupDr.psd1')).CmdletsToExport).Count
        $lines[1] | Should -BeLike "$target*"
    }
}
