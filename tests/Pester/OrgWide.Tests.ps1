# Org-wide and multi-account: Get-DrBackupReport -AccountId / -AccountRole, Get-DrBackupJobSummary, and the SSM
# Automation document that runs the report across accounts and regions. Against the sample seed, whose organization has
# the management account 123456789012 and members 210987654321 and 111122223333 (BackupDrAuditRole in 210987654321 and
# in 444455556666, an account outside it).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:PSModulePath = (Get-BackupDrModuleRoot) + [IO.Path]::PathSeparator + $env:PSModulePath
    Import-Module (Get-BackupDrModulePath) -Force
    if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
    $ssmDoc = Join-Path $RepoRoot 'examples/ssm/BackupDr-Report.automation.json'
    $targetsDoc = Join-Path $RepoRoot 'examples/ssm/BackupDr-Report.target-locations.json'
}

Describe 'Get-DrBackupReport across accounts' {
    BeforeAll { $sb = Start-DrSandbox -JobDuration 0 -SeedPath $SampleSeed }
    AfterAll { Stop-DrSandbox }
    BeforeEach { $sb.Server.ClearRequestLog() }

    It "-AccountId '*' from the management account reports every member account" {
        $report = Get-DrBackupReport -AccountId '*' -ErrorAction Stop
        $report.IsComplete | Should -BeTrue
        $report.Accounts.AccountId | Should -Be @('111122223333', '123456789012', '210987654321')
        $report.TotalJobs | Should -Be 5
        ($report.Accounts | Where-Object AccountId -eq '210987654321').CompletedWithIssues | Should -Be 1
        ($report.Accounts | Where-Object AccountId -eq '111122223333').Failed | Should -Be 1
        # One ListBackupJobs chain per region, with ByAccountId '*' (positive control for the nothing-sent tests).
        @($sb.Server.RequestLog | Where-Object Operation -eq 'ListBackupJobs').Count | Should -BeGreaterThan 0
    }

    It 'the per-account view reads well at 120 columns' {
        $text = (Get-DrBackupReport -AccountId '*').Accounts | Out-String -Width 120
        foreach ($line in $text -split '\r?\n') { $line.Length | Should -BeLessOrEqual 120 }
        $text | Should -Match 'AccountId +TotalJobs +Success % +Failed +WithIssues +Complete'
        $text | Should -Match '210987654321'
        $text | Should -Not -Match '…|\.\.\.'
    }

    It "-AccountId '*' from a member account is refused as AWS refuses it, naming the region" {
        $report = Get-DrBackupReport -AccountId '*' -AccessKey 210987654321 -SecretKey sandbox -ErrorVariable errs -ErrorAction SilentlyContinue
        $report.IsComplete | Should -BeFalse
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ReportRegionFailed,*'
        $errs[0].Exception.InnerException.ErrorCode | Should -Be 'AccessDeniedException'
        $errs[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
    }

    It 'a member id from the management account reads that member' {
        $report = Get-DrBackupReport -AccountId 210987654321 -ErrorAction Stop
        $report.TotalJobs | Should -Be 2
        $report.Accounts.AccountId | Should -Be '210987654321'
    }

    It '-AccountRole assumes the role in each account; an account without it is an error naming account and region while the rest go on' {
        $report = Get-DrBackupReport -AccountId 210987654321, 999988887777 -AccountRole BackupDrAuditRole -ReportRegion us-east-1, eu-central-1 -ThrottleLimit 2 -ErrorVariable errs -ErrorAction SilentlyContinue
        $report.TotalJobs | Should -Be 2
        $report.IsComplete | Should -BeFalse
        ($report.Accounts | Where-Object AccountId -eq '210987654321').IsComplete | Should -BeTrue
        ($report.Accounts | Where-Object AccountId -eq '999988887777').IsComplete | Should -BeFalse
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ReportAccountFailed,*' }
        @($errs.TargetObject | Sort-Object) | Should -Be @('999988887777/eu-central-1', '999988887777/us-east-1')
        $errs[0].Exception.Message | Should -Match 'Account 999988887777, region'
        @($sb.Server.RequestLog | Where-Object Operation -eq 'AssumeRole').Count | Should -Be 2
    }

    It 'bad input is a stable error id and nothing is sent: <Name>' -ForEach @(
        @{ Name = 'too short'; Call = { Get-DrBackupReport -AccountId 12345 }; Id = 'InvalidAccountId' }
        @{ Name = 'letters'; Call = { Get-DrBackupReport -AccountId 12345678901x }; Id = 'InvalidAccountId' }
        @{ Name = "'*' with ids"; Call = { Get-DrBackupReport -AccountId '*', 123456789012 }; Id = 'InvalidAccountId' }
        @{ Name = 'role ARN'; Call = { Get-DrBackupReport -AccountId 210987654321 -AccountRole arn:aws:iam::210987654321:role/BackupDrAuditRole }; Id = 'InvalidAccountRole' }
        @{ Name = "role with '*'"; Call = { Get-DrBackupReport -AccountId '*' -AccountRole BackupDrAuditRole }; Id = 'AccountRoleNeedsAccountIds' }
        @{ Name = 'role without ids'; Call = { Get-DrBackupReport -AccountRole BackupDrAuditRole }; Id = 'AccountRoleNeedsAccountIds' }
        @{ Name = 'summary id'; Call = { Get-DrBackupJobSummary -AccountId 1234 }; Id = 'InvalidAccountId' }
        @{ Name = 'summary sum with one id'; Call = { Get-DrBackupJobSummary -AccountId 210987654321 -SumAccounts }; Id = 'InvalidAccountId' }
    ) {
        $err = $null
        try { & $Call } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $sb.Server.RequestLog.Count | Should -Be 0 -Because 'bad input is refused before anything is sent'
    }
}

Describe 'Get-DrBackupJobSummary' {
    BeforeAll { $sb = Start-DrSandbox -JobDuration 0 -SeedPath $SampleSeed }
    AfterAll { Stop-DrSandbox }

    It "counts every account of the organization with -AccountId '*', completed with issues derived as AWS says" {
        $rows = @(Get-DrBackupJobSummary -AggregationPeriod FOURTEEN_DAYS -AccountId '*' -ErrorAction Stop)
        $rows.AccountId | Sort-Object | Should -Be @('111122223333', '123456789012', '210987654321')
        $member = $rows | Where-Object AccountId -eq '210987654321'
        $member.Total | Should -Be 2
        $member.Completed | Should -Be 2
        $member.CompletedWithIssues | Should -Be 1
        ($rows | Where-Object AccountId -eq '123456789012').Failed | Should -Be 1
        @($sb.Server.RequestLog | Where-Object Operation -eq 'ListBackupJobSummaries').Count | Should -Be 2
        @($sb.Server.RequestLog | Where-Object Operation -eq 'ListBackupJobs').Count | Should -Be 0 -Because 'the fast path lists no job'
    }

    It 'the caller''s own account by default, one row per day; -SumAccounts adds the organization up' {
        $daily = @(Get-DrBackupJobSummary)
        ($daily.AccountId | Sort-Object -Unique) | Should -Be '123456789012'
        ($daily | Measure-Object Total -Sum).Sum | Should -Be 2
        $sum = @(Get-DrBackupJobSummary -AggregationPeriod SEVEN_DAYS -SumAccounts)
        $sum.Count | Should -Be 1
        $sum[0].Total | Should -Be 5
        ($sum | Out-String -Width 120) | Should -Match '\(all\)'
    }

    It 'reads well at 120 columns' {
        $text = Get-DrBackupJobSummary -AccountId '*' -AggregationPeriod SEVEN_DAYS | Out-String -Width 120
        foreach ($line in $text -split '\r?\n') { $line.Length | Should -BeLessOrEqual 120 }
        $text | Should -Match 'Start \(UTC\) +Region +AccountId +Total +Failed +WithIssues'
    }
}

Describe 'SSM Automation document examples/ssm/BackupDr-Report.automation.json' {
    BeforeAll {
        $doc = Get-Content -Raw -LiteralPath $ssmDoc | ConvertFrom-Json
        $step = $doc.mainSteps[0]
        $script = $step.inputs.Script
    }

    It 'is an Automation document (schemaVersion 0.3) of aws:executeScript steps on PowerShell 7' {
        $doc.schemaVersion | Should -Be '0.3'
        $doc.mainSteps.Count | Should -BeGreaterThan 0
        foreach ($s in $doc.mainSteps) {
            $s.name | Should -Match '^[A-Za-z0-9_]+$'
            $s.action | Should -Be 'aws:executeScript'
            $s.inputs.Runtime | Should -Match '^PowerShell 7\.\d+$'
            $s.timeoutSeconds | Should -BeLessOrEqual 600 -Because 'aws:executeScript runs at most 600 seconds'
        }
        $doc.assumeRole | Should -Be '{{ AutomationAssumeRole }}'
    }

    It 'declares every {{ parameter }} it uses, and its outputs name real steps and outputs' {
        $text = Get-Content -Raw -LiteralPath $ssmDoc
        $used = [regex]::Matches($text, '\{\{\s*([A-Za-z0-9_:]+)\s*\}\}') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        $declared = @($doc.parameters.PSObject.Properties.Name)
        foreach ($u in $used) {
            if ($u -like 'global:*') { $u | Should -BeIn @('global:ACCOUNT_ID', 'global:REGION', 'global:DATE', 'global:DATE_TIME', 'global:AWS_PARTITION') }
            else { $u | Should -BeIn $declared }
        }
        foreach ($p in $doc.parameters.PSObject.Properties) { $p.Value.type | Should -BeIn @('String', 'Integer', 'Boolean', 'StringList', 'StringMap', 'MapList') }
        foreach ($o in $doc.outputs) {
            $stepName, $outName = $o -split '\.', 2
            $s = $doc.mainSteps | Where-Object name -eq $stepName
            $s | Should -Not -BeNullOrEmpty
            $s.outputs.Name | Should -Contain $outName
        }
    }

    It 'runs only real BackupDr cmdlets with parameters that exist' {
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($script, [ref]$tokens, [ref]$errors)
        $errors.Count | Should -Be 0
        $calls = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and $n.GetCommandName() -like '*-Dr*' }, $true))
        $calls.Count | Should -BeGreaterOrEqual 2
        $exported = (Get-Module BackupDr).ExportedCmdlets.Keys
        foreach ($call in $calls) {
            $name = $call.GetCommandName()
            $name | Should -BeIn $exported
            $parameters = (Get-Command $name).Parameters.Keys
            foreach ($p in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                $p.ParameterName | Should -BeIn $parameters -Because "$name -$($p.ParameterName) must exist"
            }
        }
    }

    It 'the TargetLocations file targets accounts (or OUs) and regions with the limits SSM takes' {
        $targets = @(Get-Content -Raw -LiteralPath $targetsDoc | ConvertFrom-Json)
        $targets.Count | Should -BeGreaterThan 0
        foreach ($t in $targets) {
            $t.Accounts | ForEach-Object { $_ | Should -Match '^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$' }
            $t.Regions | ForEach-Object { $_ | Should -Match '^[a-z]{2}(-[a-z]+)+-\d$' }
            $t.ExecutionRoleName | Should -Not -BeNullOrEmpty
            $t.TargetLocationMaxConcurrency | Should -Match '^\d+%?$'
            $t.TargetLocationMaxErrors | Should -Match '^\d+%?$'
        }
    }

    Context 'run as SSM runs it, in one account and region (the sandbox)' {
        BeforeAll { $sb = Start-DrSandbox -JobDuration 0 -SeedPath $SampleSeed }
        AfterAll { Stop-DrSandbox; Remove-Item Env:InputPayload -ErrorAction SilentlyContinue }

        It 'returns the payload its outputs select when the success rate is met' {
            $env:InputPayload = @{ AccountId = '123456789012'; Region = 'us-east-1'; SinceDays = '7'; MinimumSuccessRate = '0.4' } | ConvertTo-Json
            $out = & ([scriptblock]::Create($script))
            $out.TotalJobs | Should -Be 2
            $out.FailedJobs | Should -Be 1
            $out.SuccessRate | Should -Be 0.5
            $out.IsComplete | Should -BeTrue
        }

        It 'fails the step when the success rate is below MinimumSuccessRate' {
            $env:InputPayload = @{ AccountId = '123456789012'; Region = 'us-east-1'; SinceDays = '7'; MinimumSuccessRate = '0.95' } | ConvertTo-Json
            { & ([scriptblock]::Create($script)) } | Should -Throw '*success rate 50*in 123456789012/us-east-1*'
        }
    }
}

Describe 'README Org-wide and multi-account block' {
    It 'runs as written' {
        $code = Get-MarkdownCodeBlock -Path (Join-Path $RepoRoot 'README.md') -Heading '## Org-wide and multi-account'
        Push-Location $RepoRoot
        try {
            $out = @(& ([scriptblock]::Create($code)) -ErrorAction Stop)
        }
        finally {
            Pop-Location
            Stop-DrSandbox -ErrorAction SilentlyContinue
        }

        $accounts = @($out | Where-Object { $_ -is [BackupDr.Core.Operations.AccountBackupSummary] })
        $accounts.AccountId | Should -Contain '111122223333'
        $accounts.AccountId | Should -Contain '444455556666'
        @($out | Where-Object { $_ -is [BackupDr.Core.Operations.BackupJobSummaryRow] }).Count | Should -Be 3
        (Get-DrDefault).Origin | Should -Not -Be 'sandbox'
    }
}
