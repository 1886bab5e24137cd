# Test-DrEnvironment and the offline completers, in real PowerShell: against the sandbox, with a denied call,
# with no sandbox and no credentials at all (a child pwsh with an empty AWS environment), and with an older
# AWSSDK.Core loaded before BackupDr (a child pwsh, as a binary module cannot be unloaded).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force

    # Runs a script in a child pwsh with only the environment given (no AWS_* of this process) and returns
    # its output as JSON-decoded objects.
    function Invoke-ChildPwsh([string] $Script, [hashtable] $Environment = @{}) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Script) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        foreach ($k in @($psi.Environment.Keys)) { if ($k -like 'AWS_*') { $null = $psi.Environment.Remove($k) } }
        $childHome = Join-Path $TestDrive ('home-' + [guid]::NewGuid())
        $null = New-Item -ItemType Directory -Path $childHome
        $psi.Environment['HOME'] = $childHome
        $psi.Environment['USERPROFILE'] = $childHome
        $psi.Environment['AWS_EC2_METADATA_DISABLED'] = 'true'
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        $p = [System.Diagnostics.Process]::Start($psi)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(120000)) { $p.Kill(); throw 'the child pwsh did not finish in 120 s' }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $stdout.Result; Err = $stderr.Result }
    }

    $module = (Resolve-Path (Get-BackupDrModulePath)).Path
}

BeforeDiscovery {
    # AWSSDK.Core 3.7.x, as older AWS.Tools ship it, from the NuGet cache (dotnet restore a PackageDownload of
    # AWSSDK.Core 3.7.501.1 to get it); without it the conflict test is skipped.
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $sdk37 = Get-ChildItem -Path (Join-Path $nuget 'awssdk.core') -Directory -Filter '3.7.*' -ErrorAction SilentlyContinue |
        ForEach-Object { Join-Path $_.FullName 'lib/net8.0/AWSSDK.Core.dll' } | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
}

Describe 'Test-DrEnvironment against the sandbox' {
    BeforeAll { $script:sb = Start-DrSandbox -JobDuration 0 -SeedPath $SampleSeed }
    AfterAll { Stop-DrSandbox; Set-DrDefault -Clear }
    BeforeEach { $script:sb.Server.ClearFaults() }

    It 'passes every check, one EnvironmentCheck per check, and says the endpoints are the sandbox' {
        $checks = @(Test-DrEnvironment -ErrorAction Stop)
        $checks | Should -HaveCount 15
        $checks | ForEach-Object { $_ | Should -BeOfType BackupDr.Core.Model.EnvironmentCheck }
        @($checks | Where-Object { -not $_.Passed } | ForEach-Object { "$($_.Name): $($_.Detail)" }) | Should -BeNullOrEmpty
        ($checks | Where-Object Name -eq 'Endpoint Backup').Detail | Should -Match "this runspace's sandbox"
        ($checks | Where-Object Name -eq 'Permission ec2:DescribeVolumes').Detail | Should -Match 'dry run'
        ($checks | Where-Object Name -eq 'Clock skew').Detail | Should -Match 'Date header'
        ($checks | Where-Object Name -eq 'Credentials').Detail | Should -Match '\*\*\*\*'
    }

    It '-Quiet returns one bool' {
        $answer = @(Test-DrEnvironment -Quiet)
        $answer | Should -HaveCount 1
        $answer[0] | Should -BeOfType bool
        $answer[0] | Should -BeTrue
    }

    It 'a denied call fails its permission check naming the IAM action, and -Quiet says false' {
        $null = $sb.Server.AddFault('ListBackupVaults', 2, 403, 'AccessDeniedException')
        $check = Test-DrEnvironment | Where-Object Name -eq 'Permission backup:ListBackupVaults'
        $check.Passed | Should -BeFalse
        $check.ErrorId | Should -Be 'AccessDeniedException'
        $check.Recommendation | Should -Match 'allow backup:ListBackupVaults'
        Test-DrEnvironment -Quiet | Should -BeFalse
    }

    It 'the table view fits 120 columns' {
        $lines = (Test-DrEnvironment | Format-Table | Out-String -Width 120) -split "`r?`n"
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
        $lines -join "`n" | Should -Match 'Check\s+Passed\s+Detail\s+Recommendation'
    }
}

Describe 'Test-DrEnvironment with no sandbox and no credentials' {
    It 'fails the credentials check with the next step of CredentialsNotFound, and nothing throws' {
        $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$module'; Test-DrEnvironment | Select-Object Name, Passed, ErrorId, Recommendation | ConvertTo-Json -Depth 3"
        $r = Invoke-ChildPwsh $script
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $checks = $r.Out | ConvertFrom-Json
        $creds = $checks | Where-Object Name -eq 'Credentials'
        $creds.Passed | Should -BeFalse
        $creds.ErrorId | Should -Be 'CredentialsNotFound'
        $creds.Recommendation | Should -Be ([BackupDr.Core.Operations.DrRecommendations]::Find('CredentialsNotFound'))
        ($checks | Where-Object Name -eq 'Region').ErrorId | Should -Be 'RegionNotFound'
        ($checks | Where-Object Name -eq 'PowerShell').Passed | Should -BeTrue
    }

    It 'with a region but no credentials the permission checks say why they were not run' {
        $r = Invoke-ChildPwsh "Import-Module '$module'; Test-DrEnvironment -Region eu-west-1 | Select-Object Name, Passed, Detail | ConvertTo-Json" @{ AWS_REGION = 'eu-west-1' }
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $checks = $r.Out | ConvertFrom-Json
        ($checks | Where-Object Name -eq 'Region').Passed | Should -BeTrue
        ($checks | Where-Object Name -eq 'Permission backup:ListBackupVaults').Detail | Should -Match '^Not checked: no usable credentials'
    }
}

Describe 'Test-DrEnvironment after an older AWSSDK.Core was loaded' {
    It 'names AWSSDK.Core 3.7 as isolated from BackupDr''s copy, not conflicting, and runs the AWS checks' -Skip:($null -eq $sdk37) -ForEach @(@{ Sdk37 = $sdk37 }) {
        $script = "Add-Type -Path '$Sdk37'; Import-Module '$module'; Test-DrEnvironment -Region us-east-1 -AccessKey AKIDEXAMPLE -SecretKey x -EndpointUrl http://127.0.0.1:9 | Select-Object Name, Passed, Detail, ErrorId | ConvertTo-Json"
        $r = Invoke-ChildPwsh $script
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $checks = $r.Out | ConvertFrom-Json
        $conflict = $checks | Where-Object Name -eq 'Conflicting assemblies'
        $conflict.Passed | Should -BeTrue
        $conflict.Detail | Should -Match "isolated from BackupDr's in the private load context 'BackupDr': AWSSDK\.Core 3\.7\."
        $conflict.Detail | Should -Match 'NuGet package cache'
        ($checks | Where-Object Name -eq 'Module load context').Detail | Should -Match "BackupDr\.Core \S+ in the private load context 'BackupDr'"
        # Before isolation BackupDr's own AWSSDK.Core 4 could not load next to 3.7 and the AWS checks collapsed into
        # one failed 'AWS SDK' check (AwsSdkLoadFailed); now they run.
        $checks | Where-Object Name -eq 'AWS SDK' | Should -BeNullOrEmpty
        $checks | Where-Object Name -eq 'Region' | Should -Not -BeNullOrEmpty
    }
}

Describe 'Offline completion' {
    BeforeAll { $script:sb = Start-DrSandbox -JobDuration 0 -SeedPath $SampleSeed }
    AfterAll { Stop-DrSandbox; Set-DrDefault -Clear }

    It 'Start-DrBackup -BackupVaultName completes the vaults of the last Get-DrBackupVault listing, and Default' {
        $null = New-DrBackupVault -BackupVaultName TabVault-h11
        $null = Get-DrBackupVault
        $line = 'Start-DrBackup -BackupVaultName '
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Contain 'TabVault-h11'
        $names | Should -Contain 'Default'
        $sb.Requests.Count | Should -BeGreaterThan 0
        $before = $sb.Requests.Count
        $line = 'Get-DrRecoveryPoint -BackupVaultName Tab'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('TabVault-h11')
        $sb.Requests.Count | Should -Be $before -Because 'completion sends nothing to AWS'
    }

    It '-Region eu- lists the European regions' {
        $line = 'Get-DrBackupVault -Region eu-'
        $regions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $regions | Should -Contain 'eu-central-1'
        $regions | Should -Contain 'eu-west-1'
        $regions | Should -Contain 'eu-south-2'
        $regions | Where-Object { $_ -notlike 'eu-*' } | Should -BeNullOrEmpty
    }

    It '-Region aws-cn lists the regions of that partition, and the tooltip names the partition' {
        $line = 'Test-DrEnvironment -Region aws-cn'
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $found.CompletionText | Should -Be @('cn-north-1', 'cn-northwest-1')
        $found[0].ToolTip | Should -Match 'partition aws-cn'
    }

    It '-Tier and -ResourceType complete too' {
        $line = 'Set-DrBackupTag -Tier S'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Silver')
        $line = 'Get-DrBackupJob -ResourceType Au'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'Aurora'
    }
}
