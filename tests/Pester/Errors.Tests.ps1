BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $credentialVariables = 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_EC2_METADATA_DISABLED'
    $environmentBefore = @{}
    foreach ($name in $credentialVariables) { $environmentBefore[$name] = Test-Path "Env:$name" }
    Import-Module (Get-BackupDrModulePath) -Force
    $seedPath = New-BackupDrSeed -Path (Join-Path $TestDrive 'seed.json')
    $sb = Start-DrSandbox -JobDuration 0 -SeedPath $seedPath

    # Runs a bad call with the request log cleared; returns its error record (terminating or not).
    function Invoke-Bad([scriptblock] $Call) {
        $sb.ClearRequestLog()
        $Error.Clear()
        try { $null = . $Call 2>$null } catch { return $_ }
        $Error[0]
    }
}

AfterAll {
    Stop-DrSandbox
}

Describe 'Bad input gives a stable error id and sends nothing' {
    It 'malformed ARN: InvalidResourceArn' {
        $err = Invoke-Bad { Start-DrBackup -ResourceArn 'arn:nope' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidResourceArn,BackupDr.Commands.StartDrBackupCommand*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'arn:nope'
        $sb.Requests.Count | Should -Be 0
    }

    It 'wrong-service ARN is refused' {
        $err = Invoke-Bad { Start-DrBackup -ResourceArn 'arn:aws:sns:us-east-1:123456789012:my-topic' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidResourceArn,BackupDr.Commands.StartDrBackupCommand*'
        $sb.Requests.Count | Should -Be 0
    }

    It 'ARN of another region than -Region: ResourceArnRegionMismatch' {
        $err = Invoke-Bad { Start-DrBackup -Region us-east-1 -ResourceArn 'arn:aws:ec2:eu-west-1:123456789012:volume/vol-0123456789abcdef0' }
        $err.FullyQualifiedErrorId | Should -BeLike 'ResourceArnRegionMismatch,BackupDr.Commands.StartDrBackupCommand*'
        $sb.Requests.Count | Should -Be 0
    }

    It 'lifecycle violation: InvalidLifecycle' {
        $err = Invoke-Bad { Start-DrBackup -ResourceArn $VolumeArn -ColdStorageAfterDays 30 -DeleteAfterDays 60 }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidLifecycle,BackupDr.Commands.StartDrBackupCommand*'
        $err.Exception.Message | Should -Match '120'
        $sb.Requests.Count | Should -Be 0
    }

    It 'aws: tag prefix: ReservedTagPrefix' {
        $err = Invoke-Bad { Set-DrBackupTag -ResourceArn $VolumeArn -Tag @{ 'aws:owner' = 'me' } }
        $err.FullyQualifiedErrorId | Should -BeLike 'ReservedTagPrefix,BackupDr.Commands.SetDrBackupTagCommand*'
        $sb.Requests.Count | Should -Be 0
    }

    It '129-character tag key: InvalidTagKey' {
        $err = Invoke-Bad { Set-DrBackupTag -ResourceArn $VolumeArn -Tag @{ ('k' * 129) = 'v' } }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidTagKey,BackupDr.Commands.SetDrBackupTagCommand*'
        $sb.Requests.Count | Should -Be 0
    }

    It '51 tags: TooManyTags' {
        $tags = @{}
        1..51 | ForEach-Object { $tags["key$_"] = 'v' }
        $err = Invoke-Bad { Set-DrBackupTag -ResourceArn $VolumeArn -Tag $tags }
        $err.FullyQualifiedErrorId | Should -BeLike 'TooManyTags,BackupDr.Commands.SetDrBackupTagCommand*'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $sb.Requests.Count | Should -Be 0
    }

    It '-Since in the future: SinceInFuture (<Name>)' -ForEach @(
        @{ Name = 'Get-DrBackupReport'; Call = { Get-DrBackupReport -Since (Get-Date).AddDays(1) }; Class = 'GetDrBackupReportCommand' }
        @{ Name = 'Get-DrBackupJob'; Call = { Get-DrBackupJob -Since (Get-Date).AddDays(1) }; Class = 'GetDrBackupJobCommand' }
        @{ Name = 'Get-DrRecoveryPoint'; Call = { Get-DrRecoveryPoint -BackupVaultName Default -Since (Get-Date).AddDays(1) }; Class = 'GetDrRecoveryPointCommand' }
    ) {
        $err = Invoke-Bad $Call
        $err.FullyQualifiedErrorId | Should -BeLike "SinceInFuture,BackupDr.Commands.$Class*"
        $sb.Requests.Count | Should -Be 0
    }

    It 'unknown vault: the AWS error id ResourceNotFoundException' {
        $err = Invoke-Bad { Get-DrRecoveryPoint -BackupVaultName NoSuchVault }
        $err.FullyQualifiedErrorId | Should -BeLike 'ResourceNotFoundException,BackupDr.Commands.GetDrRecoveryPointCommand*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'NoSuchVault'
    }

    It 'unknown vault on Start-DrBackup: ResourceNotFoundException and no job' {
        $err = Invoke-Bad { Start-DrBackup -ResourceArn $VolumeArn -BackupVaultName NoSuchVault }
        $err.FullyQualifiedErrorId | Should -BeLike 'ResourceNotFoundException,BackupDr.Commands.StartDrBackupCommand*'
        @(Get-DrBackupJob) | Should -BeNullOrEmpty
    }
}

Describe 'No region anywhere' {
    BeforeAll {
        $savedRegion = $env:AWS_REGION
        $savedDefaultRegion = $env:AWS_DEFAULT_REGION
        $savedMetadata = $env:AWS_EC2_METADATA_DISABLED
        Stop-DrSandbox
        Set-DrDefault -Clear
        Remove-Item Env:AWS_REGION, Env:AWS_DEFAULT_REGION -ErrorAction SilentlyContinue
        $env:AWS_EC2_METADATA_DISABLED = 'true'
    }

    AfterAll {
        $env:AWS_REGION = $savedRegion
        $env:AWS_DEFAULT_REGION = $savedDefaultRegion
        $env:AWS_EC2_METADATA_DISABLED = $savedMetadata
        $sb = Start-DrSandbox -JobDuration 0
    }

    It 'RegionNotFound, and the stopped sandbox saw nothing' {
        $sb.IsRunning | Should -BeFalse
        $before = $sb.Requests.Count
        $err = $null
        try { Start-DrBackup -ResourceArn $VolumeArn -AccessKey AKIATEST -SecretKey test -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'RegionNotFound,BackupDr.Commands.StartDrBackupCommand*'
        $sb.Requests.Count | Should -Be $before
    }
}

Describe 'RecommendationRepeatsRequestId regression: AWS errors recommend a next step' {
    It 'a vault typo recommends Get-DrBackupVault; the request id stays in the message' {
        $err = Invoke-Bad { Get-DrRecoveryPoint -BackupVaultName NoSuchVault }
        $err.FullyQualifiedErrorId | Should -BeLike 'ResourceNotFoundException,BackupDr.Commands.GetDrRecoveryPointCommand*'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Get-DrBackupVault'
        $err.Exception.RequestId | Should -Not -BeNullOrEmpty
        $err.ErrorDetails.RecommendedAction | Should -Not -Match ([regex]::Escape($err.Exception.RequestId))
        $err.Exception.Message | Should -Match ([regex]::Escape($err.Exception.RequestId))
    }

    It 'a validation error recommends what to pass: InvalidResourceArn' {
        $err = Invoke-Bad { Start-DrBackup -ResourceArn 'arn:nope' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidResourceArn,BackupDr.Commands.StartDrBackupCommand*'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Get-DrResource'
    }
}

Describe 'CredentialsErrorDumpsSdkExceptions regression: no credentials anywhere' {
    BeforeAll {
        $saved = @{}
        foreach ($name in $credentialVariables) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            # [NullString]::Value, not $null: PowerShell passes $null to a string parameter as '', which sets the
            # variable to an empty value instead of removing it (EmptyEnvironmentLeak regression).
            [Environment]::SetEnvironmentVariable($name, [NullString]::Value)
        }
        # No shared files either (not the ones of whoever runs the tests), and no instance metadata.
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'no-credentials'
        $env:AWS_CONFIG_FILE = Join-Path $TestDrive 'no-config'
        $env:AWS_EC2_METADATA_DISABLED = 'true'
        Stop-DrSandbox
        Set-DrDefault -Clear
    }

    AfterAll {
        foreach ($name in $saved.Keys) {
            $value = if ($null -eq $saved[$name]) { [NullString]::Value } else { $saved[$name] }
            [Environment]::SetEnvironmentVariable($name, $value)
        }
        $sb = Start-DrSandbox -JobDuration 0
    }

    It 'one terminating CredentialsNotFound error listing the sources tried, not the SDK exceptions' {
        $errs = $null
        $err = $null
        try {
            $VolumeArn, $DbArn | Start-DrBackup -Region us-east-1 -EndpointUrl 'http://127.0.0.1:1' -ErrorVariable errs
        } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty -Because 'no credentials is a terminating error'
        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialsNotFound,BackupDr.Commands.StartDrBackupCommand*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        @($errs).Count | Should -Be 1 -Because 'one error for the call, not one per resource'
        $message = $err.Exception.Message
        $message | Should -Match ([regex]::Escape("1. -AccessKey/-SecretKey"))
        $message | Should -Match ([regex]::Escape("2. profile 'default' in ${env:AWS_SHARED_CREDENTIALS_FILE} and ${env:AWS_CONFIG_FILE}: not found"))
        $message | Should -Match ([regex]::Escape('3. environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: not set'))
        $message | Should -Match 'To give credentials'
        $message | Should -Not -Match 'web identity|IMDS|instance metadata|Exception'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Start-DrSandbox'
    }
}

Describe 'EmptyEnvironmentLeak regression: the no-credentials test leaves the environment as it found it' {
    It 'a variable that was not set before is not set now (not even to an empty value)' {
        foreach ($name in $credentialVariables) {
            (Test-Path "Env:$name") | Should -Be $environmentBefore[$name] -Because "$name was $(if ($environmentBefore[$name]) { 'set' } else { 'not set' }) before the file ran"
        }
    }
}
