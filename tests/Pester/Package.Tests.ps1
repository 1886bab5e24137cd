# build.ps1 -Package: the Gallery package, installed from a local repository into a clean module path.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $moduleDir = Split-Path -Parent (Get-BackupDrModulePath)
    $manifestData = Import-PowerShellDataFile (Join-Path $moduleDir 'BackupDr.psd1')

    # What the package may hold, and nothing else: the manifest, the root assembly, the format file, help, LICENSE,
    # the assemblies of dependencies/ (whatever a new package brings), and the files NuGet itself adds.
    $allowed = @(
        'BackupDr.psd1', 'BackupDr.Commands.dll', 'BackupDr.Model.dll', 'BackupDr.format.ps1xml', 'LICENSE',
        'en-US/BackupDr.Commands.dll-Help.xml', 'en-US/about_BackupDr.help.txt',
        'dependencies/*.dll',
        'BackupDr.nuspec', '[[]Content_Types].xml', '_rels/.rels', 'package/services/metadata/core-properties/*.psmdcp'
    )
    $requiredFiles = @('BackupDr.psd1', 'BackupDr.Commands.dll', 'BackupDr.Model.dll', 'BackupDr.format.ps1xml', 'LICENSE', 'en-US/about_BackupDr.help.txt',
        'en-US/BackupDr.Commands.dll-Help.xml', 'dependencies/BackupDr.Core.dll', 'dependencies/BackupDr.Sandbox.dll', 'dependencies/AWSSDK.Core.dll')

    function Invoke-Fresh([string] $Script) {
        $exe = [Environment]::ProcessPath
        $pre = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $out = @(& $exe @pre -NoProfile -NonInteractive -Command $Script 2>&1)
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = @($out | ForEach-Object { "$_" }) }
    }
}

Describe 'build/New-ModulePackage.ps1' {
    BeforeAll {
        $before = @(Get-PSResourceRepository).Name
        $script:nupkg = & (Join-Path $RepoRoot 'build/New-ModulePackage.ps1') -ModulePath $moduleDir -OutputPath (Join-Path $TestDrive 'package')
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg.FullName)
        try {
            $script:entries = @($zip.Entries | ForEach-Object FullName)
            $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -eq 'BackupDr.nuspec').Open())
            [xml] $script:nuspec = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
    }

    It 'writes BackupDr.VERSION.nupkg with the manifest version' {
        @($nupkg).Count | Should -Be 1
        $nupkg.Name | Should -Be "BackupDr.$($manifestData.ModuleVersion).nupkg"
    }

    It 'leaves the repository list as it was (the temporary repository is unregistered)' {
        @(Get-PSResourceRepository).Name | Sort-Object | Should -Be ($before | Sort-Object)
    }

    It 'holds only allowed files (no .pdb, .deps.json or XML doc files), and every file the module needs' {
        $stray = @($entries | Where-Object { $e = $_; -not ($allowed | Where-Object { $e -like $_ }) })
        $stray | Should -BeNullOrEmpty -Because 'the package carries only what the module needs'
        foreach ($f in $requiredFiles) { $entries | Should -Contain $f }
        @($entries | Where-Object { $_ -like '*.dll' -and $_ -notlike 'dependencies/*' } | Sort-Object) | Should -Be @('BackupDr.Commands.dll', 'BackupDr.Model.dll')
    }

    It 'carries the Gallery metadata: license, release notes, project and license links, tags, both editions' {
        $m = $nuspec.package.metadata
        $m.releaseNotes | Should -Not -BeNullOrEmpty
        $m.projectUrl | Should -Be $manifestData.PrivateData.PSData.ProjectUri
        $m.licenseUrl | Should -Be $manifestData.PrivateData.PSData.LicenseUri
        $m.tags -split ' ' | Should -Contain 'PSEdition_Desktop'
        $m.tags -split ' ' | Should -Contain 'PSEdition_Core'
        $manifestData.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }

    Context 'installed from a local repository into a clean module path' {
        BeforeAll {
            $repo = "BackupDrPkgTest$(Get-Random)"
            $script:target = Join-Path $TestDrive 'modules'
            New-Item -ItemType Directory -Path $target | Out-Null
            Register-PSResourceRepository -Name $repo -Uri (Split-Path -Parent $nupkg.FullName) -Trusted
            try {
                Save-PSResource -Name BackupDr -Repository $repo -Path $target -TrustRepository -SkipDependencyCheck
            }
            finally {
                Unregister-PSResourceRepository -Name $repo
            }
        }

        It 'lays out BackupDr/VERSION/ with dependencies/ and a manifest that passes Test-ModuleManifest' {
            $installed = Join-Path $target "BackupDr/$($manifestData.ModuleVersion)"
            Join-Path $installed 'BackupDr.psd1' | Should -Exist
            Join-Path $installed 'dependencies/BackupDr.Core.dll' | Should -Exist
            $info = Test-ModuleManifest -Path (Join-Path $installed 'BackupDr.psd1') -ErrorAction Stop
            $info.Version | Should -Be ([version]$manifestData.ModuleVersion)
            @($info.ExportedCmdlets.Keys).Count | Should -Be @($manifestData.CmdletsToExport).Count
        }

        It 'imports by name in a fresh process, runs a backup against the sandbox, and Get-Help about_BackupDr works' {
            $check = "`$ErrorActionPreference = 'Stop'; `$env:AWS_EC2_METADATA_DISABLED = 'true'; `$env:PSModulePath = '$target'; Import-Module BackupDr; " +
                "'COUNT=' + (Get-Command -Module BackupDr).Count; 'BASE=' + (Get-Module BackupDr).ModuleBase; " +
                "`$null = Start-DrSandbox -JobDuration 0 -SeedPath '$SampleSeed'; " +
                "'JOB=' + (Start-DrBackup -ResourceArn '$VolumeArn' -BackupVaultName Default -Confirm:`$false -Wait -Timeout 00:01:00).Status; Stop-DrSandbox; " +
                "'ABOUT=' + ((Get-Help about_BackupDr | Out-String) -match 'SHORT DESCRIPTION\s+Backup and disaster recovery for AWS')"
            $r = Invoke-Fresh $check
            $r.ExitCode | Should -Be 0 -Because ($r.Lines -join "`n")
            $value = { param($key) ($r.Lines | Where-Object { $_ -like "$key=*" } | Select-Object -Last 1) -replace "^$key=" }
            [int](& $value 'COUNT') | Should -Be @($manifestData.CmdletsToExport).Count
            & $value 'BASE' | Should -BeLike "$target*"
            & $value 'JOB' | Should -Be 'COMPLETED'
            & $value 'ABOUT' | Should -Be 'True'
        }
    }
}
