# Start-DrSandbox failures come through the one error helper with stable ids and fitting categories,
# and leave no sandbox running and the session defaults as they were.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')

    # Runs a failing Start-DrSandbox; returns its error record.
    function Get-StartError([scriptblock] $Call) {
        try { $null = . $Call; $null } catch { $_ }
    }
}

Describe 'Start-DrSandbox errors are bare InvalidOperationException (regression)' {
    BeforeEach { Set-DrDefault -Region eu-central-1 }
    AfterEach {
        Stop-DrSandbox
        Set-DrDefault -Clear
    }

    It 'a second sandbox in the same session: SandboxAlreadyRunning, and the first keeps running' {
        $first = Start-DrSandbox -JobDuration 0
        $err = Get-StartError { Start-DrSandbox -JobDuration 0 }
        $err.FullyQualifiedErrorId | Should -Be 'SandboxAlreadyRunning,BackupDr.Commands.StartDrSandboxCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.TargetObject | Should -Be $first.EndpointUrl
        $err.Exception.Message | Should -Match ([regex]::Escape($first.EndpointUrl))
        $first.IsRunning | Should -BeTrue
        (Get-DrDefault).EndpointUrl | Should -Be $first.EndpointUrl
    }

    It 'a port in use: SandboxPortInUse (ResourceBusy), naming the port' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            $err = Get-StartError { Start-DrSandbox -Port $port }
        }
        finally { $listener.Stop() }
        $err.FullyQualifiedErrorId | Should -Be 'SandboxPortInUse,BackupDr.Commands.StartDrSandboxCommand'
        $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err.TargetObject | Should -Be $port
        $err.Exception.Message | Should -Match "Port $port"
        $err.Exception.InnerException | Should -BeOfType [System.Net.Sockets.SocketException]
        (Get-DrDefault).Region | Should -Be 'eu-central-1'
        (Get-DrDefault).EndpointUrl | Should -BeNullOrEmpty
    }

    It 'a bad seed file: SandboxSeedInvalid (InvalidData), naming the line' {
        $bad = Join-Path $TestDrive 'bad-seed.json'
        Set-Content -LiteralPath $bad -Value "{`n  `"regions`": [`n    { `"region`": `"us-east-1`", `"vaults`": 7 }`n  ]`n}"
        $err = Get-StartError { Start-DrSandbox -SeedPath $bad }
        $err.FullyQualifiedErrorId | Should -Be 'SandboxSeedInvalid,BackupDr.Commands.StartDrSandboxCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.TargetObject | Should -Be $bad
        $err.Exception.Message | Should -Match 'line 3'
        $err.Exception.InnerException.LineNumber | Should -Be 3
        (Get-DrDefault).EndpointUrl | Should -BeNullOrEmpty
        Stop-DrSandbox -PassThru | Should -BeNullOrEmpty
    }

    It 'a missing seed file: SandboxSeedNotFound (ObjectNotFound)' {
        $missing = Join-Path $TestDrive 'no-such-seed.json'
        $err = Get-StartError { Start-DrSandbox -SeedPath $missing }
        $err.FullyQualifiedErrorId | Should -Be 'SandboxSeedNotFound,BackupDr.Commands.StartDrSandboxCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be $missing
    }

    It 'after a failed start a sandbox starts normally' {
        $null = Get-StartError { Start-DrSandbox -SeedPath (Join-Path $TestDrive 'no-such-seed.json') }
        $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath
        $sb.IsRunning | Should -BeTrue
        $sb.Region | Should -Be 'eu-central-1'
    }
}

Describe 'Stop-DrSandbox takes -AccessKey and ignores it (regression)' {
    It 'Stop-DrSandbox has no connection parameters; Start-DrSandbox only its own -Region' {
        $connection = 'ProfileName', 'ProfileLocation', 'AccessKey', 'SecretKey', 'SessionToken', 'EndpointUrl', 'Region'
        (Get-Command Stop-DrSandbox).Parameters.Keys | Where-Object { $_ -in $connection } | Should -BeNullOrEmpty
        (Get-Command Start-DrSandbox).Parameters.Keys | Where-Object { $_ -in $connection } | Should -Be 'Region'
        $err = $null
        try { Stop-DrSandbox -AccessKey AKIAEXAMPLE -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'NamedParameterNotFound,*'
    }
}
