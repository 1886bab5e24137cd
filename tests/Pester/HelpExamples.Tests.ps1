# Every example in docs/cmdlets runs, as written, against a sandbox seeded with examples/sandbox-seed.json.
# An example that needs real AWS or another module says "(needs AWS...)" in its text and is not run.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $pages = foreach ($doc in Get-ChildItem -Path (Join-Path $RepoRoot 'docs/cmdlets') -Filter '*.md') {
        $examples = @(Get-HelpExample -Path $doc.FullName)
        @{ Cmdlet = $doc.BaseName; Examples = $examples; Runnable = @($examples | Where-Object { -not $_['NeedsAws'] }) }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:PSModulePath = (Get-BackupDrModuleRoot) + [IO.Path]::PathSeparator + $env:PSModulePath
    Import-Module (Get-BackupDrModulePath) -Force
}

Describe 'Help examples of <Cmdlet>' -ForEach $pages {
    It 'has at least two examples that run against the sandbox' {
        $Runnable.Count | Should -BeGreaterOrEqual 2
    }

    It 'Example <Number>: <Title>' -ForEach $Runnable {
        Push-Location $RepoRoot
        $ConfirmPreference = 'None'   # runbooks and CI cannot answer prompts; the examples show -Confirm where it matters
        try {
            if ($Code -notmatch 'Start-DrSandbox') {
                $null = Start-DrSandbox -JobDuration 1 -SeedPath $SampleSeed
            }
            $ErrorActionPreference = 'Stop'
            $output = @(& ([scriptblock]::Create($Code)))
            $ErrorActionPreference = 'Continue'
            if ($Cmdlet -like 'Get-*') {
                $output.Count | Should -BeGreaterThan 0 -Because "a Get example must show something on the sample sandbox ($Cmdlet example $Number)"
            }
        }
        finally {
            $ErrorActionPreference = 'Continue'
            Stop-DrSandbox -ErrorAction SilentlyContinue
            Set-DrDefault -Clear -ErrorAction SilentlyContinue
            Pop-Location
        }
    }
}

Describe 'TestsWriteUserData regression: examples run against a data folder of the test run' {
    It 'the default drill ledger is in the run''s own folder, not in the user''s application data' -Skip:(-not $IsLinux) {
        $env:BACKUPDR_TEST_DATA_HOME | Should -Not -BeNullOrEmpty -Because 'Invoke-PesterRun.ps1 gives the run its own XDG_DATA_HOME'
        $ledger = [BackupDr.Core.Operations.DrillLedger]::DefaultPath
        $ledger | Should -BeLike "$($env:BACKUPDR_TEST_DATA_HOME)*"
        $ledger | Should -Not -BeLike (Join-Path $HOME '.local/share/*')
    }
}
