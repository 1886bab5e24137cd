# Get-Help about_BackupDr: the conceptual topic ships in the module's en-US folder and is found by name.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:PSModulePath = (Get-BackupDrModuleRoot) + [IO.Path]::PathSeparator + $env:PSModulePath
    Import-Module (Get-BackupDrModulePath) -Force
}

Describe 'about_BackupDr' {
    It 'is found by Get-Help and covers credentials, endpoints, the sandbox, runbooks and troubleshooting' {
        $text = Get-Help about_BackupDr | Out-String
        foreach ($section in 'CREDENTIALS', 'REGION AND ENDPOINT', 'THE SANDBOX', 'RUNBOOKS', 'TROUBLESHOOTING') {
            $text | Should -Match "(?m)^\s*$section\s*$"
        }
    }

    It 'names only error ids that have a recommended next step' {
        # BackupDr.Core (where the catalogue lives) loads with the first cmdlet; its types are named from then on.
        $null = Get-DrTier
        $text = Get-Content -Raw (Join-Path (Split-Path -Parent (Get-BackupDrModulePath)) 'en-US/about_BackupDr.help.txt')
        $ids = @([regex]::Matches(($text -csplit 'TROUBLESHOOTING')[1], '(?m)^\s{6}([A-Z][A-Za-z]+)\s') | ForEach-Object { $_.Groups[1].Value })
        $ids.Count | Should -BeGreaterOrEqual 8
        foreach ($id in $ids) {
            [BackupDr.Core.Operations.DrRecommendations]::Find($id) | Should -Not -BeNullOrEmpty -Because "$id is named in about_BackupDr"
        }
    }

    It 'its sandbox example runs as written' {
        $text = Get-Content -Raw (Join-Path (Split-Path -Parent (Get-BackupDrModulePath)) 'en-US/about_BackupDr.help.txt')
        $block = [regex]::Match($text, '(?ms)^THE SANDBOX.*?\r?\n\r?\n(?<code>(?:        \S[^\r\n]*\r?\n)+)').Groups['code'].Value
        $block | Should -Match 'Start-DrSandbox'
        $output = @(& ([scriptblock]::Create($block)) -ErrorAction Stop)
        (Get-DrDefault).Origin | Should -Not -Be 'sandbox'
        $null = $output
    }
}
