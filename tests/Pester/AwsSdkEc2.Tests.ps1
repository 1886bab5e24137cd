# EC2 through AWS's own SDK (AWSSDK.EC2) in real PowerShell: the assembly loads on the first EC2 call, not at
# import nor for Backup calls, and the SDK's calls are in the -Verbose call log like our own clients' calls.
# A child pwsh: this process may have loaded AWSSDK.EC2 already in another test.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $module = (Resolve-Path (Get-BackupDrModulePath)).Path

    function Invoke-ChildPwsh([string] $Script) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Script) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        foreach ($k in @($psi.Environment.Keys)) { if ($k -like 'AWS_*') { $null = $psi.Environment.Remove($k) } }
        $psi.Environment['AWS_EC2_METADATA_DISABLED'] = 'true'
        $p = [System.Diagnostics.Process]::Start($psi)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(120000)) { $p.Kill(); throw 'the child pwsh did not finish in 120 s' }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $stdout.Result; Err = $stderr.Result }
    }
}

Describe 'AWSSDK.EC2 in a PowerShell session' {
    It 'is not loaded by Import-Module or a Backup call, is loaded by the first EC2 call, and logs that call with -Verbose' {
        $script = @"
`$ErrorActionPreference = 'Stop'
function Loaded { [bool]([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'AWSSDK.EC2' }) }
Import-Module '$module'
`$r = [ordered]@{ AfterImport = Loaded }
`$null = Start-DrSandbox -JobDuration 0 -SeedPath '$SampleSeed'
`$null = @(Get-DrBackupJob)
`$r.AfterBackupCall = Loaded
`$verbose = @(Get-DrResource -ResourceType EBS -Verbose 4>&1 | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
`$r.AfterEc2Call = Loaded
`$r.Volumes = @(Get-DrResource -ResourceType EBS).Count
`$r.Ec2Log = @(`$verbose | Where-Object { `$_ -like 'EC2 DescribeVolumes in us-east-1: HTTP 200 in *' })
Stop-DrSandbox
`$r | ConvertTo-Json -Compress
"@
        $run = Invoke-ChildPwsh $script
        $run.ExitCode | Should -Be 0 -Because $run.Err
        $r = ($run.Out.Trim() -split "`n")[-1] | ConvertFrom-Json
        $r.AfterImport | Should -BeFalse
        $r.AfterBackupCall | Should -BeFalse
        $r.AfterEc2Call | Should -BeTrue
        $r.Volumes | Should -BeGreaterThan 0
        @($r.Ec2Log).Count | Should -BeGreaterOrEqual 1
        @($r.Ec2Log)[0] | Should -Match '\(request id [0-9a-f-]+\)$'
    }
}
