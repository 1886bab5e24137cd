# Regressions of issue 8 (data safety): each It is named after the defect it pins, proves "nothing sent" with the
# sandbox request log, and has a positive control that the same call with good input does send.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath

    # Runs a bad call with the request log cleared; returns its error record (terminating or not) and whether it terminated.
    function Invoke-Bad([scriptblock] $Call) {
        $sb.ClearRequestLog()
        $Error.Clear()
        $script:terminated = $false
        try { $null = . $Call 2>$null } catch { $script:terminated = $true; return $_ }
        $Error[0]
    }

    function Get-SentOperations { @($sb.Requests | ForEach-Object Operation) }
}

AfterAll {
    Stop-DrSandbox
}

Describe 'Error parameter names and categories' {
    It 'Bad region reported as -Region regression: <Name> names <Parameter>' -ForEach @(
        @{ Name = 'Get-DrBackupReport -ReportRegion'; Parameter = 'ReportRegion'; Call = { Get-DrBackupReport -ReportRegion us-east-1, Mars } }
        @{ Name = 'Copy-DrRecoveryPoint -DestinationRegion'; Parameter = 'DestinationRegion'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn 'arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0' -BackupVaultName Default -DestinationRegion Mars } }
        @{ Name = 'Start-DrBackup -CopyToRegion'; Parameter = 'CopyToRegion'; Call = { Start-DrBackup -ResourceArn $VolumeArn -CopyToRegion Mars } }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -Match '^Invalid(Copy)?Region,'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ErrorDetails.RecommendedAction | Should -Be "Check -$Parameter."
        $err.Exception.ParameterName | Should -Be $Parameter
        $err.Exception.Message | Should -Match "-$Parameter"
        $sb.Requests.Count | Should -Be 0
    }

    It 'Bad region reported as -Region regression: positive control, a good -ReportRegion sends' {
        $sb.ClearRequestLog()
        $null = Get-DrBackupReport -ReportRegion us-east-1
        Get-SentOperations | Should -Contain 'ListBackupJobs'
    }

    It 'NetworkError maps to NotSpecified regression: an unreachable endpoint is a ConnectionError' {
        $err = $null
        try { Get-DrBackupJob -EndpointUrl 'http://127.0.0.1:9' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'NetworkError,BackupDr.Commands.GetDrBackupJobCommand*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'Secrets' {
    It 'Endpoint URL credentials echoed regression: the error, its target and details never show the userinfo' {
        $err = Invoke-Bad { Get-DrBackupJob -EndpointUrl 'http://AKIAURLKEY:UrlS3cretPw@127.0.0.1:4566' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidEndpointUrl,BackupDr.Commands.GetDrBackupJobCommand*'
        $text = ($err | Format-List * -Force | Out-String) + $err.Exception.ToString() + "$($err.TargetObject)" + "$($err.ErrorDetails)"
        $text | Should -Not -Match 'UrlS3cretPw'
        $text | Should -Not -Match 'AKIAURLKEY'
        $err.Exception.Message | Should -Match ([regex]::Escape('http://***@127.0.0.1:4566'))
        $sb.Requests.Count | Should -Be 0
    }

    It 'Public static exposes the secret regression: no output, error, warning, verbose, debug or host line shows the secret key or token' {
        $secret = 'PesterS3cretKey0123456789abcdefghijKLMNOP'
        $token = 'PesterSessionToken0123456789ZYXWVUT'
        $transcript = Join-Path $TestDrive 'secrets-transcript.txt'
        $sb.ClearRequestLog()
        $null = Start-Transcript -LiteralPath $transcript
        try {
            $records = & {
                Set-DrDefault -AccessKey AKIAPESTER0000000000 -SecretKey $secret -SessionToken $token -Region us-east-1 -EndpointUrl $sb.EndpointUrl -PassThru -Verbose -Debug
                Get-DrDefault -Verbose
                Get-DrDefault -AccessKey AKIAOTHER00000000000 -SecretKey $secret -SessionToken $token
                [BackupDr.Core.Aws.DrSession]::Defaults
                [BackupDr.Core.Aws.DrSession]::Defaults | Format-List * -Force | Out-String
                Get-DrBackupJob -Verbose -Debug
                Get-DrBackupJob -AccessKey AKIAPESTER0000000000 -SecretKey $secret -SessionToken $token -Verbose -Debug
                try { Get-DrBackupJob -AccessKey AKIAPESTER0000000000 -SecretKey $secret -EndpointUrl "http://AKIAPESTER:$secret@127.0.0.1:4566" -Verbose -Debug } catch { $_ }
                try { Get-DrBackupJob -SecretKey $secret -Verbose } catch { $_ }
                Set-DrDefault -AccessKey AKIAPESTER0000000000 -SecretKey $secret -SessionToken $token -WhatIf -Verbose
            } *>&1
        }
        finally {
            $null = Stop-Transcript
            Set-DrDefault -AccessKey $sb.AccessKey -SecretKey 'sandbox' -Region us-east-1 -EndpointUrl $sb.EndpointUrl
        }

        $text = foreach ($r in $records) {
            $r | Format-List * -Force | Out-String
            "$r"
            if ($r -is [System.Management.Automation.ErrorRecord]) { $r.Exception.ToString(); "$($r.TargetObject)"; "$($r.ErrorDetails)" }
        }
        $all = ($text -join "`n") + (Get-Content -LiteralPath $transcript -Raw)

        # Positive control: the calls ran with those credentials (the sandbox answered them, errors were written).
        Get-SentOperations | Should -Contain 'ListBackupJobs'
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterThan 0
        $all | Should -Match 'What if'

        $all | Should -Not -Match ([regex]::Escape($secret))
        $all | Should -Not -Match ([regex]::Escape($token))
    }
}
