BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
}

Describe 'HelpShowsDefaultValueNone regression: Get-Help shows the real defaults' {
    It '<Command> -<Parameter>: <Expected>' -ForEach @(
        @{ Command = 'Start-DrBackup'; Parameter = 'BackupVaultName'; Expected = 'Default' }
        @{ Command = 'Start-DrBackup'; Parameter = 'Timeout'; Expected = 'no limit' }
        @{ Command = 'Wait-DrJob'; Parameter = 'JobType'; Expected = 'Backup' }
        @{ Command = 'Start-DrSandbox'; Parameter = 'JobDuration'; Expected = '5 seconds' }
        @{ Command = 'Start-DrSandbox'; Parameter = 'ThrottleBurst'; Expected = '10' }
    ) {
        (Get-Help $Command -Parameter $Parameter).defaultValue | Should -Be $Expected
    }
}
