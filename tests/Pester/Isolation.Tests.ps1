# Dependency isolation and import cost, in real PowerShell. Each scenario runs in a fresh child pwsh (a binary module
# and a loaded AWSSDK.Core cannot be unloaded): AWSSDK.Core 3.7 (as older AWS.Tools ship it) loaded before BackupDr,
# and after it; what Import-Module loads; where BackupDr's own copies live.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $module = (Resolve-Path (Get-BackupDrModulePath)).Path

    # AWSSDK.Core 3.7.501.1 from the NuGet packages folder, restored through build/AwsSdk37Download.csproj if missing.
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $sdk37Dir = Join-Path $nuget 'awssdk.core/3.7.501.1/lib'
    if (-not (Test-Path -LiteralPath $sdk37Dir)) {
        & dotnet restore (Join-Path $RepoRoot 'build/AwsSdk37Download.csproj') -nologo | Out-Host
    }
    $sdk37 = @('net8.0', 'netcoreapp3.1', 'netstandard2.0') | ForEach-Object { Join-Path $sdk37Dir "$_/AWSSDK.Core.dll" } |
        Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
    if (-not $sdk37) { throw "AWSSDK.Core 3.7.501.1 is not in $nuget and could not be restored." }

    # Runs a script in a fresh pwsh; its last output line is JSON.
    function Invoke-Fresh([string] $Script) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        $prelude = "`$ErrorActionPreference = 'Stop'; function Get-Loaded { [AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { `$n = `$_.GetName(); [pscustomobject]@{ Name = `$n.Name; Version = `$n.Version.ToString(); Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name; Location = `$_.Location } } }; "
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', ($prelude + $Script)) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        foreach ($k in @($psi.Environment.Keys)) { if ($k -like 'AWS_*') { $null = $psi.Environment.Remove($k) } }
        $psi.Environment['AWS_EC2_METADATA_DISABLED'] = 'true'
        $p = [System.Diagnostics.Process]::Start($psi)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(180000)) { $p.Kill(); throw 'the child pwsh did not finish in 180 s' }
        $lines = @($stdout.Result -split "`r?`n" | Where-Object { $_.Trim() })
        [pscustomobject]@{ ExitCode = $p.ExitCode; Err = $stderr.Result; Out = $stdout.Result; Json = $(if ($lines) { $lines[-1] | ConvertFrom-Json } ) }
    }

    # Two AWSSDK.Core copies side by side: theirs (3.7) in the default context, ours (4.x) in BackupDr's private one.
    function Assert-TwoCopies($Loaded) {
        $copies = @($Loaded)
        $copies | Should -HaveCount 2
        ($copies | Where-Object Version -eq '3.3.0.0').Context | Should -Be 'Default'
        ($copies | Where-Object Version -like '4.*').Context | Should -Be 'BackupDr'
        , $copies
    }

    $backup = "`$sb = Start-DrSandbox -JobDuration 0 -SeedPath '$SampleSeed'; `$job = Start-DrBackup -ResourceArn '$VolumeArn' -BackupVaultName Default -Confirm:`$false -Wait -Timeout 00:01:00; Stop-DrSandbox"
}

Describe 'Next to an older AWSSDK.Core' {
    It 'AWSSDK.Core 3.7 loaded first, then Import-Module BackupDr: Start-DrBackup succeeds against the sandbox' {
        $r = Invoke-Fresh ("Add-Type -Path '$sdk37'; Import-Module '$module'; $backup; " +
            "`$env = @(Test-DrEnvironment -Region us-east-1 -AccessKey AKIDEXAMPLE -SecretKey x -EndpointUrl http://127.0.0.1:9); " +
            "@{ Status = `$job.Status.ToString(); Type = `$job.GetType().FullName; Loaded = @(Get-Loaded | Where-Object Name -like 'AWSSDK.Core'); Checks = @(`$env | Select-Object Name, Passed, Detail, ErrorId) } | ConvertTo-Json -Depth 4 -Compress")
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Json.Status | Should -Be 'COMPLETED'
        $r.Json.Type | Should -Be 'BackupDr.Core.Model.BackupJob'
        $copies = Assert-TwoCopies $r.Json.Loaded
        ($copies | Where-Object Version -like '4.*').Location | Should -BeLike '*dependencies*AWSSDK.Core.dll'
        $checks = $r.Json.Checks
        ($checks | Where-Object Name -eq 'Conflicting assemblies').Passed | Should -BeTrue
        ($checks | Where-Object Name -eq 'Conflicting assemblies').Detail | Should -Match "isolated from BackupDr's in the private load context 'BackupDr': AWSSDK\.Core 3\.7\.501\.1"
        ($checks | Where-Object Name -eq 'Module load context').Detail | Should -Match "BackupDr\.Core \S+ in the private load context 'BackupDr'"
        ($checks | Where-Object Name -eq 'Module load context').Detail | Should -Match "BackupDr\.Model \S+ in load context 'Default'"
        $checks | Where-Object Name -eq 'AWS SDK' | Should -BeNullOrEmpty -Because 'the AWS checks run instead of collapsing into AwsSdkLoadFailed'
    }

    It 'Import-Module BackupDr and a backup first, then AWSSDK.Core 3.7 loads and works, and BackupDr still does' {
        $r = Invoke-Fresh ("Import-Module '$module'; $backup; `$first = `$job.Status.ToString(); Add-Type -Path '$sdk37'; " +
            "`$cred = [Amazon.Runtime.BasicAWSCredentials]::new('AKIDOLDER', 'secret'); `$key = `$cred.GetCredentials().AccessKey; " +
            "`$ver = [Amazon.Runtime.BasicAWSCredentials].Assembly.GetName().Version.ToString(); $backup; " +
            "@{ First = `$first; Second = `$job.Status.ToString(); Key = `$key; Ver = `$ver } | ConvertTo-Json -Compress")
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Json.First | Should -Be 'COMPLETED'
        $r.Json.Key | Should -Be 'AKIDOLDER'
        $r.Json.Ver | Should -Be '3.3.0.0' -Because 'the script sees the 3.7 SDK it loaded, not BackupDr''s'
        $r.Json.Second | Should -Be 'COMPLETED'
    }

    It 'Import-Module BackupDr, then AWSSDK.Core 3.7 loads, then the first BackupDr cmdlet: each side keeps its copy' {
        # The private context is made with the first cmdlet now, after the other copy arrived: it must still load ours.
        $r = Invoke-Fresh ("Import-Module '$module'; Add-Type -Path '$sdk37'; `$cred = [Amazon.Runtime.BasicAWSCredentials]::new('AKIDOLDER', 'secret'); $backup; " +
            "@{ Status = `$job.Status.ToString(); Key = `$cred.GetCredentials().AccessKey; Loaded = @(Get-Loaded | Where-Object Name -like 'AWSSDK.Core') } | ConvertTo-Json -Depth 3 -Compress")
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Json.Status | Should -Be 'COMPLETED'
        $r.Json.Key | Should -Be 'AKIDOLDER'
        $null = Assert-TwoCopies $r.Json.Loaded
    }
}

Describe 'Import cost' {
    It 'Import-Module loads no AWS assembly and nothing network-related; BackupDr.Model loads into the default context and BackupDr.Core waits for the first cmdlet' {
        $r = Invoke-Fresh ("`$before = @(Get-Loaded).Name; Import-Module '$module'; `$after = @(Get-Loaded); " +
            "`$private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'BackupDr'; " +
            "@{ Added = @(`$after | Where-Object { `$_.Name -notin `$before }); Private = @(`$private | ForEach-Object { `$_.Assemblies } | ForEach-Object { `$_.GetName().Name }); Commands = (Get-Command -Module BackupDr).Count } | ConvertTo-Json -Depth 3 -Compress")
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Json.Commands | Should -BeGreaterThan 20
        $added = @($r.Json.Added)
        # Positive control: the scan sees what import loads (our own assemblies).
        $added.Name | Should -Contain 'BackupDr.Commands'
        @($added | Where-Object Name -like 'AWSSDK.*') | Should -BeNullOrEmpty
        @($r.Json.Private | Where-Object { $_ -like 'AWSSDK.*' }) | Should -BeNullOrEmpty
        @($added | Where-Object Name -match '^System\.Net\.') | Should -BeNullOrEmpty -Because 'import does no network I/O'
        ($added | Where-Object Name -eq 'BackupDr.Commands').Context | Should -Be 'Default'
        ($added | Where-Object Name -eq 'BackupDr.Model').Context | Should -Be 'Default' -Because 'scripts and the format file see the types cmdlets take and emit as they are'
        $added.Name | Should -Not -Contain 'BackupDr.Core' -Because 'BackupDr.Core waits for the first cmdlet'
        $added.Name | Should -Not -Contain 'BackupDr.Sandbox' -Because 'the sandbox assembly waits for the first sandbox cmdlet'
        @($r.Json.Private) | Should -BeNullOrEmpty -Because 'the private context holds nothing before the first cmdlet'
    }

    It 'the first cmdlet loads BackupDr.Core into the private context, and its public types get their names then' {
        $r = Invoke-Fresh ("Import-Module '$module'; `$found = [bool]('BackupDr.Core.Operations.DrillLedger' -as [type]); `$null = Get-DrTier; " +
            "@{ Before = `$found; After = [BackupDr.Core.Operations.DrillLedger]::DefaultPath; Context = @(Get-Loaded | Where-Object Name -eq 'BackupDr.Core').Context } | ConvertTo-Json -Compress")
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Json.Before | Should -BeFalse -Because 'BackupDr.Core is not loaded yet'
        $r.Json.After | Should -BeLike '*drills.jsonl'
        $r.Json.Context | Should -Be 'BackupDr'
    }

    It 'the sandbox assembly loads with the first sandbox cmdlet, and its type names work from then on' {
        $r = Invoke-Fresh ("Import-Module '$module'; `$pre = @(Get-Loaded | Where-Object Name -eq 'BackupDr.Sandbox').Count; `$sb = Start-DrSandbox -JobDuration 0 -SeedPath '$SampleSeed'; " +
            "`$kind = [BackupDr.Sandbox.SandboxFaultKind]::Drop; `$ctx = @(Get-Loaded | Where-Object Name -eq 'BackupDr.Sandbox').Context; Stop-DrSandbox; " +
            "@{ Before = `$pre; Kind = `$kind.ToString(); Context = `$ctx } | ConvertTo-Json -Compress")
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Json.Before | Should -Be 0
        $r.Json.Kind | Should -Be 'Drop'
        $r.Json.Context | Should -Be 'BackupDr'
    }

    It 'the first AWS cmdlet loads AWSSDK.Core, into the private context' {
        $r = Invoke-Fresh ("Import-Module '$module'; `$sb = Start-DrSandbox -JobDuration 0 -SeedPath '$SampleSeed'; `$pre = @(Get-Loaded | Where-Object Name -like 'AWSSDK.*'); `$null = @(Get-DrBackupVault); Stop-DrSandbox; " +
            "@{ Before = `$pre.Count; After = @(Get-Loaded | Where-Object Name -like 'AWSSDK.*') } | ConvertTo-Json -Depth 3 -Compress")
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Json.Before | Should -Be 0
        $core = @($r.Json.After | Where-Object Name -eq 'AWSSDK.Core')
        $core | Should -HaveCount 1
        $core[0].Context | Should -Be 'BackupDr'
    }
}

Describe 'Module layout' {
    It 'the module root holds only BackupDr.Commands.dll and BackupDr.Model.dll; every other assembly is in dependencies/' {
        $base = Split-Path -Parent $module
        @(Get-ChildItem -LiteralPath $base -Filter '*.dll' -File | Sort-Object Name).Name | Should -Be @('BackupDr.Commands.dll', 'BackupDr.Model.dll')
        Join-Path $base 'dependencies/BackupDr.Core.dll' | Should -Exist
        Join-Path $base 'dependencies/AWSSDK.Core.dll' | Should -Exist
    }

    It 'the types cmdlets take and emit are nameable straight after import ([BackupDr.Core.Model.BackupJob], -is, param blocks)' {
        $r = Invoke-Fresh ("Import-Module '$module'; `$gold = [BackupDr.Core.Operations.DrTier]::Gold.ToString(); `$job = [BackupDr.Core.Model.BackupJob].FullName; " +
            "function Test-Tier { param([BackupDr.Core.Operations.DrTierObjectives] `$Tier) `$Tier.Name }; `$core = @(Get-Loaded | Where-Object Name -eq 'BackupDr.Core').Count; " +
            "`$tier = Get-DrTier | Select-Object -First 1; " +
            "@{ Gold = `$gold; Job = `$job; CoreBefore = `$core; Is = (`$tier -is [BackupDr.Core.Operations.DrTierObjectives]); Param = (Test-Tier `$tier); Ctx = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([BackupDr.Core.Model.BackupJob].Assembly).Name; View = (`$tier | Format-Table | Out-String -Width 120) } | ConvertTo-Json -Compress")
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Json.Gold | Should -Be 'Gold'
        $r.Json.Job | Should -Be 'BackupDr.Core.Model.BackupJob'
        $r.Json.CoreBefore | Should -Be 0 -Because 'naming them needs no BackupDr.Core'
        $r.Json.Is | Should -BeTrue
        $r.Json.Param | Should -Be 'Gold'
        $r.Json.Ctx | Should -Be 'Default'
        $r.Json.View | Should -Match 'Rpo'
    }
}
