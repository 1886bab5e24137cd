# The bad-input table of BadInput.Tests.ps1: for every exported cmdlet, inputs it must refuse, each with the stable
# error id (the first part of FullyQualifiedErrorId) it must give and what it may send first.
#
#   Cmdlet  the cmdlet the row calls (its class must be the second part of FullyQualifiedErrorId)
#   Case    what is wrong
#   Call    the call, run against the sandbox of Initialize-BadInputFixture (its variables are in scope)
#   Id      the expected error id; $null: no error at all (empty pipeline input)
#   Sent    operations the call may send before refusing (lookups of what only AWS knows, such as an unknown
#           vault); none may be a write. Default: nothing is sent.
#   Count   the expected number of error records (default: at least one)
#
# Rows are plain data so a new rule is one line; the tests that run them are in BadInput.Tests.ps1.

function Initialize-BadInputFixture {
    param([string] $WorkPath)
    $script:acct = '123456789012'
    $script:vol = "arn:aws:ec2:us-east-1:${acct}:volume/vol-0123456789abcdef0"
    $script:ec2 = "arn:aws:ec2:us-east-1:${acct}:instance/i-0123456789abcdef0"
    $script:db = "arn:aws:rds:us-east-1:${acct}:db:orders-db"
    $script:rp = 'arn:aws:ec2:us-east-1::snapshot/snap-0aaaaaaaaaaaaaaa1'
    $script:role = "arn:aws:iam::${acct}:role/backup"
    $script:euVol = "arn:aws:ec2:eu-west-1:${acct}:volume/vol-0123456789abcdef0"
    $script:work = $WorkPath
    $script:missingFolder = Join-Path $WorkPath 'no-such-folder'
    $script:folder = Join-Path $WorkPath 'a-folder'
    $null = New-Item -ItemType Directory -Path $folder -Force

    # Tier policies that break one rule each, and one whose value would run code if it were evaluated.
    $script:policyMissing = Join-Path $WorkPath 'no-policy.psd1'
    $script:policySyntax = Join-Path $WorkPath 'syntax.psd1'
    Set-Content -LiteralPath $policySyntax -Value "@{ Tiers = @{ Gold = @{ Rpo = '15m' }" -Encoding utf8
    $script:policyUnknownTier = Join-Path $WorkPath 'platinum.psd1'
    Set-Content -LiteralPath $policyUnknownTier -Value "@{ Tiers = @{ Platinum = @{ Rpo = '15m' } } }" -Encoding utf8
    $script:policyNegative = Join-Path $WorkPath 'negative.psd1'
    Set-Content -LiteralPath $policyNegative -Value "@{ Tiers = @{ Gold = @{ Rpo = -5 } } }" -Encoding utf8
    $script:policyBadDuration = Join-Path $WorkPath 'duration.psd1'
    Set-Content -LiteralPath $policyBadDuration -Value "@{ Tiers = @{ Silver = @{ Rto = 'soon' } } }" -Encoding utf8
    $script:policyUnknownKey = Join-Path $WorkPath 'key.psd1'
    Set-Content -LiteralPath $policyUnknownKey -Value "@{ Tiers = @{ Gold = @{ Rpo = '15m'; Retention = '7d' } } }" -Encoding utf8
    $script:codeRan = Join-Path $WorkPath 'code-ran.txt'
    $script:policyCode = Join-Path $WorkPath 'code.psd1'
    Set-Content -LiteralPath $policyCode -Value "@{ Tiers = @{ Gold = @{ Rpo = (Set-Content -LiteralPath '$codeRan' -Value x) } } }" -Encoding utf8
    $script:policyJson = Join-Path $WorkPath 'broken.json'
    Set-Content -LiteralPath $policyJson -Value '{ "Tiers": { "Gold": { "Rpo": "15m" } ' -Encoding utf8
    $script:policyEmpty = Join-Path $WorkPath 'empty.psd1'
    Set-Content -LiteralPath $policyEmpty -Value '' -Encoding utf8
    $script:policyTxt = Join-Path $WorkPath 'policy.txt'
    Set-Content -LiteralPath $policyTxt -Value "@{ Tiers = @{ Gold = @{ Rpo = '15m' } } }" -Encoding utf8

    # A drill ledger someone edited after it was written.
    $script:tamperedLedger = Join-Path $WorkPath 'tampered.jsonl'
    $script:seedMissing = Join-Path $WorkPath 'no-seed.json'
    $script:seedInvalid = Join-Path $WorkPath 'bad-seed.json'
    Set-Content -LiteralPath $seedInvalid -Value "{`n  `"regions`": [ { `"region`": `"us-east-1`", `"volumes`": 5 } ]`n}" -Encoding utf8

    # Huge inputs.
    $script:tenThousand = @(1..10000 | ForEach-Object { 'arn:aws:ec2:us-east-1:{0}:volume/vol-{1:x17}' -f $acct, $_ })
    $script:tenThousandOneBad = [string[]]$tenThousand.Clone()
    $script:tenThousandOneBad[4321] = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-BAD!'
    $script:tenThousandEu = @($tenThousand | ForEach-Object { $_ -replace ':us-east-1:', ':eu-west-1:' })
    $script:long300 = 'a' * 300
    $script:tags51 = @{}
    1..51 | ForEach-Object { $tags51["key$_"] = 'v' }
}

# Writing operations: a bad-input row must never send one of these.
$BadInputWrites = @(
    'StartBackupJob', 'StartRestoreJob', 'StartCopyJob', 'CreateBackupVault', 'CreateBackupPlan', 'CreateBackupSelection',
    'UpdateBackupPlan', 'DeleteBackupPlan', 'TagResource', 'UntagResource', 'CreateTags', 'DeleteTags',
    'AddTagsToResource', 'RemoveTagsFromResource', 'PromoteReadReplica', 'DeleteDBInstance', 'DeleteVolume',
    'TerminateInstances', 'DeleteDBCluster', 'StopBackupJob'
)

$BadInputRows = @(
    # --- Start-DrBackup -------------------------------------------------------------------------------------------
    @{ Cmdlet = 'Start-DrBackup'; Case = 'malformed ARN'; Id = 'InvalidResourceArn'; Call = { Start-DrBackup -ResourceArn 'arn:nope' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'a resource id, not an ARN'; Id = 'InvalidResourceArn'; Call = { Start-DrBackup -ResourceArn 'vol-0123456789abcdef0' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'ARN of another service (SNS)'; Id = 'InvalidResourceArn'; Call = { Start-DrBackup -ResourceArn "arn:aws:sns:us-east-1:${acct}:my-topic" } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'S3 ARN (no account in it) without -IamRoleArn'; Id = 'IamRoleArnRequired'; Call = { Start-DrBackup -ResourceArn 'arn:aws:s3:::my-bucket' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'ARN of another region'; Id = 'ResourceArnRegionMismatch'; Call = { Start-DrBackup -ResourceArn $euVol } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'ARN with an 11-digit account'; Id = 'InvalidResourceArn'; Call = { Start-DrBackup -ResourceArn 'arn:aws:ec2:us-east-1:12345678901:volume/vol-0123456789abcdef0' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'ARN of a volume with a bad id'; Id = 'InvalidResourceArn'; Call = { Start-DrBackup -ResourceArn "arn:aws:ec2:us-east-1:${acct}:volume/vol-XYZ" } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '300-character ARN'; Id = 'InvalidResourceArn'; Call = { Start-DrBackup -ResourceArn "arn:aws:ec2:us-east-1:${acct}:volume/vol-$long300" } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'empty string'; Id = 'ParameterArgumentValidationError'; Call = { Start-DrBackup -ResourceArn '' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Start-DrBackup } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'empty pipeline input'; Id = $null; Call = { @() | Start-DrBackup } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '10,000 ARNs of another region'; Id = 'ResourceArnRegionMismatch'; Count = 10000; Call = { Start-DrBackup -ResourceArn $tenThousandEu } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '10,000 ARNs and a lifecycle violation: one error'; Id = 'InvalidLifecycle'; Count = 1; Call = { Start-DrBackup -ResourceArn $tenThousand -ColdStorageAfterDays 30 -DeleteAfterDays 60 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'vault name of 1 character'; Id = 'InvalidBackupVaultName'; Call = { Start-DrBackup -ResourceArn $vol -BackupVaultName 'a' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'vault name with a space and !'; Id = 'InvalidBackupVaultName'; Call = { Start-DrBackup -ResourceArn $vol -BackupVaultName 'my vault!' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '300-character vault name'; Id = 'InvalidBackupVaultName'; Call = { Start-DrBackup -ResourceArn $vol -BackupVaultName $long300 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'unknown vault (only AWS knows): refused, no job'; Id = 'ResourceNotFoundException'; Sent = 'StartBackupJob!'; Call = { Start-DrBackup -ResourceArn $vol -BackupVaultName NoSuchVault } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'IAM role that is no ARN'; Id = 'InvalidIamRoleArn'; Call = { Start-DrBackup -ResourceArn $vol -IamRoleArn 'backup-role' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'IAM role ARN of another service'; Id = 'InvalidIamRoleArn'; Call = { Start-DrBackup -ResourceArn $vol -IamRoleArn "arn:aws:s3:::role-bucket" } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'start window under 60 minutes'; Id = 'ParameterArgumentValidationError'; Call = { Start-DrBackup -ResourceArn $vol -StartWindowMinutes 59 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'complete window not after the start window'; Id = 'InvalidCompleteWindow'; Call = { Start-DrBackup -ResourceArn $vol -StartWindowMinutes 120 -CompleteWindowMinutes 60 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'lifecycle: delete 30 days after cold (AWS needs 90)'; Id = 'InvalidLifecycle'; Call = { Start-DrBackup -ResourceArn $vol -ColdStorageAfterDays 30 -DeleteAfterDays 60 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'lifecycle: delete 89 days after cold'; Id = 'InvalidLifecycle'; Call = { Start-DrBackup -ResourceArn $vol -ColdStorageAfterDays 30 -DeleteAfterDays 119 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'lifecycle: cold on the day of delete'; Id = 'InvalidLifecycle'; Call = { Start-DrBackup -ResourceArn $vol -ColdStorageAfterDays 100 -DeleteAfterDays 100 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'lifecycle: cold after delete'; Id = 'InvalidLifecycle'; Call = { Start-DrBackup -ResourceArn $vol -ColdStorageAfterDays 200 -DeleteAfterDays 100 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'lifecycle: delete after 0 days'; Id = 'ParameterArgumentValidationError'; Call = { Start-DrBackup -ResourceArn $vol -DeleteAfterDays 0 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'lifecycle: negative cold storage days'; Id = 'ParameterArgumentValidationError'; Call = { Start-DrBackup -ResourceArn $vol -ColdStorageAfterDays -1 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'recovery point tag with the aws: prefix'; Id = 'ReservedTagPrefix'; Call = { Start-DrBackup -ResourceArn $vol -RecoveryPointTag @{ 'aws:owner' = 'me' } } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'recovery point tag with a $null value'; Id = 'NullTagValue'; Call = { Start-DrBackup -ResourceArn $vol -RecoveryPointTag @{ owner = $null } } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'recovery point tag key of 129 characters'; Id = 'InvalidTagKey'; Call = { Start-DrBackup -ResourceArn $vol -RecoveryPointTag @{ ('k' * 129) = 'v' } } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'recovery point tag value of 257 characters'; Id = 'InvalidTagValue'; Call = { Start-DrBackup -ResourceArn $vol -RecoveryPointTag @{ owner = ('v' * 257) } } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'recovery point tag key with #'; Id = 'InvalidTagKey'; Call = { Start-DrBackup -ResourceArn $vol -RecoveryPointTag @{ 'cost#centre' = 'v' } } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '51 recovery point tags'; Id = 'TooManyTags'; Call = { Start-DrBackup -ResourceArn $vol -RecoveryPointTag $tags51 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'copy to a region that is none'; Id = 'InvalidCopyRegion'; Call = { Start-DrBackup -ResourceArn $vol -CopyToRegion 'mars-north-1' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = 'copy into the vault it backs up to'; Id = 'CopyToSameVault'; Call = { Start-DrBackup -ResourceArn $vol -CopyToRegion us-east-1 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '-Timeout of zero'; Id = 'ParameterArgumentValidationError'; Call = { Start-DrBackup -ResourceArn $vol -Wait -Timeout 0 } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '-Timeout that is no time'; Id = 'CannotConvertArgumentNoMessage'; Call = { Start-DrBackup -ResourceArn $vol -Wait -Timeout 'soon' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '-Region that is none'; Id = 'InvalidRegion'; Call = { Start-DrBackup -ResourceArn $vol -Region 'us-east-99x' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '-EndpointUrl that is not http(s)'; Id = 'InvalidEndpointUrl'; Call = { Start-DrBackup -ResourceArn $vol -EndpointUrl 'ftp://127.0.0.1:1' } }
    @{ Cmdlet = 'Start-DrBackup'; Case = '-AccessKey without -SecretKey'; Id = 'IncompleteCredentials'; Call = { Start-DrBackup -ResourceArn $vol -AccessKey AKIAEXAMPLE } }

    # --- Set-DrBackupTag ------------------------------------------------------------------------------------------
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'malformed ARN'; Id = 'InvalidResourceArn'; Call = { Set-DrBackupTag -ResourceArn 'arn:nope' -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'ARN of another service (SQS)'; Id = 'InvalidResourceArn'; Call = { Set-DrBackupTag -ResourceArn "arn:aws:sqs:us-east-1:${acct}:queue" -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'ARN of another region'; Id = 'ResourceArnRegionMismatch'; Call = { Set-DrBackupTag -ResourceArn $euVol -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'tag key with the aws: prefix'; Id = 'ReservedTagPrefix'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ 'aws:owner' = 'me' } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'tag key with the AWS: prefix in capitals'; Id = 'ReservedTagPrefix'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ 'AWS:owner' = 'me' } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'tag key of 129 characters'; Id = 'InvalidTagKey'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ ('k' * 129) = 'v' } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'empty tag key'; Id = 'InvalidTagKey'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ '' = 'v' } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'tag key with {'; Id = 'InvalidTagKey'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ 'team{x}' = 'v' } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'tag value of 257 characters'; Id = 'InvalidTagValue'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ owner = ('v' * 257) } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'tag value with <'; Id = 'InvalidTagValue'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ owner = '<script>' } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'tag value $null'; Id = 'NullTagValue'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ owner = $null } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = '51 tags'; Id = 'TooManyTags'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag $tags51 } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'removing an aws: tag'; Id = 'ReservedTagPrefix'; Call = { Set-DrBackupTag -ResourceArn $vol -Remove 'aws:cloudformation:stack-name' } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'the same key set and removed'; Id = 'ConflictingTagChange'; Call = { Set-DrBackupTag -ResourceArn $vol -Tag @{ owner = 'me' } -Remove owner } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'no change asked'; Id = 'NoTagChange'; Call = { Set-DrBackupTag -ResourceArn $vol } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'frequency that is none'; Id = 'CannotConvertArgumentNoMessage'; Call = { Set-DrBackupTag -ResourceArn $vol -Frequency fortnightly } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'tier that is none'; Id = 'CannotConvertArgumentNoMessage'; Call = { Set-DrBackupTag -ResourceArn $vol -Tier Platinum } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'instance id that is none'; Id = 'ParameterArgumentValidationError'; Call = { Set-DrBackupTag -InstanceId 'i-xyz' -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'volume id that is none'; Id = 'ParameterArgumentValidationError'; Call = { Set-DrBackupTag -VolumeId 'volume-1' -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'DB identifier that is none (TagIdentifierAsksSts regression)'; Id = 'InvalidDBInstanceIdentifier'; Call = { Set-DrBackupTag -DBInstanceIdentifier '1-bad--name!' -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = '300-character DB identifier'; Id = 'InvalidDBInstanceIdentifier'; Call = { Set-DrBackupTag -DBInstanceIdentifier $long300 -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Set-DrBackupTag -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = 'empty pipeline input'; Id = $null; Call = { @() | Set-DrBackupTag -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = '10,000 ARNs of another region'; Id = 'ResourceArnRegionMismatch'; Count = 10000; Call = { Set-DrBackupTag -ResourceArn $tenThousandEu -Frequency daily } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = '10,000 ARNs and an aws: tag: one error'; Id = 'ReservedTagPrefix'; Count = 1; Call = { Set-DrBackupTag -ResourceArn $tenThousand -Tag @{ 'aws:x' = 'y' } } }
    @{ Cmdlet = 'Set-DrBackupTag'; Case = '-Region that is none'; Id = 'InvalidRegion'; Call = { Set-DrBackupTag -ResourceArn $vol -Frequency daily -Region 'nowhere' } }

    # --- Get-DrBackupJob ------------------------------------------------------------------------------------------
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-Since in the future'; Id = 'SinceInFuture'; Call = { Get-DrBackupJob -Since (Get-Date).AddDays(1) } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-Since a negative TimeSpan'; Id = 'SinceInFuture'; Call = { Get-DrBackupJob -Since (New-TimeSpan -Days -1) } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-Since that is no time'; Id = 'ParameterArgumentTransformationError'; Call = { Get-DrBackupJob -Since 'last tuesday-ish' } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-Until before -Since'; Id = 'UntilBeforeSince'; Call = { Get-DrBackupJob -Since (Get-Date).AddDays(-1) -Until (Get-Date).AddDays(-2) } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-Until equal to -Since'; Id = 'UntilBeforeSince'; Call = { $t = (Get-Date).AddDays(-1); Get-DrBackupJob -Since $t -Until $t } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-Until that is no time'; Id = 'ParameterArgumentTransformationError'; Call = { Get-DrBackupJob -Until 'later' } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-AccountId of 3 digits'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrBackupJob -AccountId '123' } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-AccountId with letters'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrBackupJob -AccountId 'abcdefghijkl' } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-State that is none'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrBackupJob -State DONE } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-ResourceArn malformed'; Id = 'InvalidResourceArn'; Call = { Get-DrBackupJob -ResourceArn 'arn:nope' } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-ResourceType that is none'; Id = 'UnsupportedResourceType'; Call = { Get-DrBackupJob -ResourceType 'Floppy' } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = 'unknown vault'; Id = 'BackupVaultNotFound'; Sent = 'ListBackupJobs', 'DescribeBackupVault'; Call = { Get-DrBackupJob -BackupVaultName NoSuchVault } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '300-character vault name (JobListingVaultNameSent regression)'; Id = 'InvalidBackupVaultName'; Call = { Get-DrBackupJob -BackupVaultName $long300 } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = 'empty -JobId'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrBackupJob -JobId '' } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Get-DrBackupJob } }
    @{ Cmdlet = 'Get-DrBackupJob'; Case = '-Region that is none'; Id = 'InvalidRegion'; Call = { Get-DrBackupJob -Region 'EU' } }

    # --- Get-DrBackupReport ---------------------------------------------------------------------------------------
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-Since in the future'; Id = 'SinceInFuture'; Call = { Get-DrBackupReport -Since (Get-Date).AddDays(1) } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-Since a negative TimeSpan'; Id = 'SinceInFuture'; Call = { Get-DrBackupReport -Since (New-TimeSpan -Hours -3) } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-Since that is no time'; Id = 'ParameterArgumentTransformationError'; Call = { Get-DrBackupReport -Since 'yesterday' } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-ReportRegion that is none'; Id = 'InvalidRegion'; Call = { Get-DrBackupReport -ReportRegion us-east-1, 'atlantis-1' } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-ReportRegion empty'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrBackupReport -ReportRegion @() } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-HtmlPath in a missing folder'; Id = 'HtmlPathFolderNotFound'; Call = { Get-DrBackupReport -HtmlPath (Join-Path $missingFolder 'r.html') } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-HtmlPath that is a folder'; Id = 'HtmlPathIsFolder'; Call = { Get-DrBackupReport -HtmlPath $folder } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-HtmlPath on the Env: drive (PathOnOtherProvider regression)'; Id = 'InvalidHtmlPath'; Call = { Get-DrBackupReport -HtmlPath 'Env:\report.html' } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = 'unknown vault'; Id = 'BackupVaultNotFound'; Sent = 'ListBackupJobs', 'DescribeBackupVault'; Call = { Get-DrBackupReport -BackupVaultName NoSuchVault } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '300-character vault name (JobListingVaultNameSent regression)'; Id = 'InvalidBackupVaultName'; Call = { Get-DrBackupReport -BackupVaultName $long300 } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-EndpointUrl with a query'; Id = 'InvalidEndpointUrl'; Call = { Get-DrBackupReport -EndpointUrl 'http://127.0.0.1:1/?x=1' } }

    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-AccountId of 11 digits'; Id = 'InvalidAccountId'; Call = { Get-DrBackupReport -AccountId '12345678901' } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = "-AccountId '*' next to an id"; Id = 'InvalidAccountId'; Call = { Get-DrBackupReport -AccountId '*', '111122223333' } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = '-AccountRole given as an ARN'; Id = 'InvalidAccountRole'; Call = { Get-DrBackupReport -AccountId '111122223333' -AccountRole 'arn:aws:iam::111122223333:role/Audit' } }
    @{ Cmdlet = 'Get-DrBackupReport'; Case = "-AccountRole with -AccountId '*'"; Id = 'AccountRoleNeedsAccountIds'; Call = { Get-DrBackupReport -AccountId '*' -AccountRole BackupDrAuditRole } }

    # --- Get-DrBackupJobSummary -----------------------------------------------------------------------------------
    @{ Cmdlet = 'Get-DrBackupJobSummary'; Case = '-AccountId with letters'; Id = 'InvalidAccountId'; Call = { Get-DrBackupJobSummary -AccountId '12345678901x' } }
    @{ Cmdlet = 'Get-DrBackupJobSummary'; Case = '-SumAccounts with one -AccountId'; Id = 'InvalidAccountId'; Call = { Get-DrBackupJobSummary -AccountId '111122223333' -SumAccounts } }
    @{ Cmdlet = 'Get-DrBackupJobSummary'; Case = '-AggregationPeriod that AWS does not know'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrBackupJobSummary -AggregationPeriod THIRTY_DAYS } }
    @{ Cmdlet = 'Get-DrBackupJobSummary'; Case = '-ReportRegion that is none'; Id = 'InvalidRegion'; Call = { Get-DrBackupJobSummary -ReportRegion 'atlantis-1' } }
    @{ Cmdlet = 'Get-DrBackupJobSummary'; Case = '-ResourceType empty'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrBackupJobSummary -ResourceType '' } }

    # --- Get-DrRecoveryPoint --------------------------------------------------------------------------------------
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = '-Since in the future'; Id = 'SinceInFuture'; Call = { Get-DrRecoveryPoint -BackupVaultName Prod -Since (Get-Date).AddDays(1) } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = 'malformed resource ARN'; Id = 'InvalidResourceArn'; Call = { Get-DrRecoveryPoint -ResourceArn 'arn:nope' } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = 'resource ARN of another region'; Id = 'ResourceArnRegionMismatch'; Call = { Get-DrRecoveryPoint -ResourceArn $euVol } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = 'resource ARN of another service'; Id = 'InvalidResourceArn'; Call = { Get-DrRecoveryPoint -ResourceArn "arn:aws:lambda:us-east-1:${acct}:function:f" } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = 'unknown vault'; Id = 'ResourceNotFoundException'; Sent = 'ListRecoveryPointsByBackupVault'; Call = { Get-DrRecoveryPoint -BackupVaultName NoSuchVault } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = '300-character vault name'; Id = 'InvalidBackupVaultName'; Call = { Get-DrRecoveryPoint -BackupVaultName $long300 } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = '-Status that is none'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrRecoveryPoint -BackupVaultName Prod -Status GOOD } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = '-ResourceType that is none'; Id = 'UnsupportedResourceType'; Call = { Get-DrRecoveryPoint -BackupVaultName Prod -ResourceType Floppy } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Get-DrRecoveryPoint } }
    @{ Cmdlet = 'Get-DrRecoveryPoint'; Case = 'empty pipeline input'; Id = $null; Call = { @() | Get-DrRecoveryPoint } }

    # --- Restore-DrResource ---------------------------------------------------------------------------------------
    @{ Cmdlet = 'Restore-DrResource'; Case = 'malformed recovery point ARN'; Id = 'InvalidRecoveryPointArn'; Call = { Restore-DrResource -RecoveryPointArn 'arn:nope' -BackupVaultName Prod -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'a resource ARN given as recovery point'; Id = 'InvalidRecoveryPointArn'; Call = { Restore-DrResource -RecoveryPointArn $vol -BackupVaultName Prod -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'recovery point of another region: looked up there'; Id = 'RecoveryPointNotFound'; Sent = 'DescribeRecoveryPoint'; Call = { Restore-DrResource -RecoveryPointArn 'arn:aws:ec2:eu-west-1::snapshot/snap-0aaaaaaaaaaaaaaa1' -BackupVaultName Prod -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'vault name with a space'; Id = 'InvalidBackupVaultName'; Call = { Restore-DrResource -RecoveryPointArn $rp -BackupVaultName 'my vault' -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'target name starting with a digit'; Id = 'InvalidTargetName'; Call = { Restore-DrResource -RecoveryPointArn "arn:aws:rds:us-east-1:${acct}:snapshot:awsbackup:job-1" -BackupVaultName Prod -TargetName '1db' -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'target name of 300 characters'; Id = 'InvalidTargetName'; Call = { Restore-DrResource -RecoveryPointArn "arn:aws:rds:us-east-1:${acct}:snapshot:awsbackup:job-1" -BackupVaultName Prod -TargetName $long300 -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'volume type that is none'; Id = 'ParameterArgumentValidationError'; Call = { Restore-DrResource -RecoveryPointArn $rp -BackupVaultName Prod -VolumeType gp9 -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'zone given twice (ConflictingMetadataSent regression)'; Id = 'ConflictingRestoreMetadata'; Call = { Restore-DrResource -RecoveryPointArn $rp -BackupVaultName Prod -AvailabilityZone us-east-1a -Metadata @{ availabilityZone = 'us-east-1b' } -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'DB instance class for a volume'; Id = 'OverrideNotApplicable'; Call = { Restore-DrResource -RecoveryPointArn $rp -BackupVaultName Prod -InstanceClass db.t3.micro -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'IAM role that is no ARN (RestoreIamRoleArnSent regression)'; Id = 'InvalidIamRoleArn'; Call = { Restore-DrResource -RecoveryPointArn $rp -BackupVaultName Prod -IamRoleArn 'role' -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = '-Timeout negative'; Id = 'ParameterArgumentValidationError'; Call = { Restore-DrResource -RecoveryPointArn $rp -BackupVaultName Prod -Wait -Timeout (New-TimeSpan -Minutes -5) -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'unknown recovery point'; Id = 'RecoveryPointNotFound'; Sent = 'DescribeRecoveryPoint', 'GetRecoveryPointRestoreMetadata', 'ListBackupVaults', 'ListRecoveryPointsByBackupVault'; Call = { Restore-DrResource -RecoveryPointArn 'arn:aws:ec2:us-east-1::snapshot/snap-0ffffffffffffffff' -BackupVaultName Prod -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Restore-DrResource -Confirm:$false } }
    @{ Cmdlet = 'Restore-DrResource'; Case = 'empty pipeline input'; Id = $null; Call = { @() | Restore-DrResource -Confirm:$false } }

    # --- Copy-DrRecoveryPoint -------------------------------------------------------------------------------------
    @{ Cmdlet = 'Copy-DrRecoveryPoint'; Case = 'malformed recovery point ARN'; Id = 'InvalidRecoveryPointArn'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn 'nope' -BackupVaultName Prod -DestinationRegion us-west-2 } }
    @{ Cmdlet = 'Copy-DrRecoveryPoint'; Case = 'destination region that is none'; Id = 'InvalidRegion'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn $rp -BackupVaultName Prod -DestinationRegion 'west' } }
    @{ Cmdlet = 'Copy-DrRecoveryPoint'; Case = 'destination vault ARN that is none'; Id = 'InvalidBackupVaultArn'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn $rp -BackupVaultName Prod -DestinationBackupVaultArn 'arn:aws:s3:::bucket' } }
    @{ Cmdlet = 'Copy-DrRecoveryPoint'; Case = 'copy into its own vault'; Id = 'CopyToSameVault'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn $rp -BackupVaultName Prod -DestinationRegion us-east-1 } }
    @{ Cmdlet = 'Copy-DrRecoveryPoint'; Case = 'lifecycle: delete 10 days after cold'; Id = 'InvalidLifecycle'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn $rp -BackupVaultName Prod -DestinationRegion us-west-2 -ColdStorageAfterDays 10 -DeleteAfterDays 20 } }
    @{ Cmdlet = 'Copy-DrRecoveryPoint'; Case = 'IAM role that is no ARN'; Id = 'InvalidIamRoleArn'; Call = { Copy-DrRecoveryPoint -RecoveryPointArn $rp -BackupVaultName Prod -DestinationRegion us-west-2 -IamRoleArn 'x' } }
    @{ Cmdlet = 'Copy-DrRecoveryPoint'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Copy-DrRecoveryPoint -DestinationRegion us-west-2 } }

    # --- Wait-DrJob -----------------------------------------------------------------------------------------------
    @{ Cmdlet = 'Wait-DrJob'; Case = 'empty -JobId'; Id = 'ParameterArgumentValidationError'; Call = { Wait-DrJob -JobId '' } }
    @{ Cmdlet = 'Wait-DrJob'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Wait-DrJob } }
    @{ Cmdlet = 'Wait-DrJob'; Case = 'empty pipeline input'; Id = $null; Call = { @() | Wait-DrJob } }
    @{ Cmdlet = 'Wait-DrJob'; Case = '-JobType that is none'; Id = 'CannotConvertArgumentNoMessage'; Call = { Wait-DrJob -JobId 'abc' -JobType Snapshot } }
    @{ Cmdlet = 'Wait-DrJob'; Case = '-Timeout of zero'; Id = 'ParameterArgumentValidationError'; Call = { Wait-DrJob -JobId 'abc' -Timeout 0 } }
    @{ Cmdlet = 'Wait-DrJob'; Case = 'unknown job'; Id = 'ResourceNotFoundException'; Sent = 'DescribeBackupJob'; Call = { Wait-DrJob -JobId '00000000-0000-0000-0000-000000000000' } }

    # --- Get-DrBackupVault / New-DrBackupVault ---------------------------------------------------------------------
    @{ Cmdlet = 'Get-DrBackupVault'; Case = 'empty name'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrBackupVault -BackupVaultName '' } }
    @{ Cmdlet = 'Get-DrBackupVault'; Case = 'unknown vault'; Id = 'BackupVaultNotFound'; Sent = 'DescribeBackupVault'; Call = { Get-DrBackupVault -BackupVaultName NoSuchVault } }
    @{ Cmdlet = 'Get-DrBackupVault'; Case = '300-character name'; Id = 'InvalidBackupVaultName'; Call = { Get-DrBackupVault -BackupVaultName $long300 } }
    @{ Cmdlet = 'Get-DrBackupVault'; Case = '-Region that is none'; Id = 'InvalidRegion'; Call = { Get-DrBackupVault -Region 'us_east_1' } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'name of 1 character'; Id = 'InvalidBackupVaultName'; Call = { New-DrBackupVault -BackupVaultName 'a' } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'name with a space'; Id = 'InvalidBackupVaultName'; Call = { New-DrBackupVault -BackupVaultName 'my vault' } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'name of 51 characters'; Id = 'InvalidBackupVaultName'; Call = { New-DrBackupVault -BackupVaultName ('v' * 51) } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'name of 300 characters'; Id = 'InvalidBackupVaultName'; Call = { New-DrBackupVault -BackupVaultName $long300 } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'KMS key that is no ARN'; Id = 'InvalidEncryptionKeyArn'; Call = { New-DrBackupVault -BackupVaultName Vault2 -EncryptionKeyArn 'my-key' } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'KMS key of another region'; Id = 'InvalidEncryptionKeyArn'; Call = { New-DrBackupVault -BackupVaultName Vault2 -EncryptionKeyArn "arn:aws:kms:eu-west-1:${acct}:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'tag with the aws: prefix'; Id = 'ReservedTagPrefix'; Call = { New-DrBackupVault -BackupVaultName Vault2 -Tag @{ 'aws:x' = 'y' } } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'tag with a $null value'; Id = 'NullTagValue'; Call = { New-DrBackupVault -BackupVaultName Vault2 -Tag @{ x = $null } } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = '51 tags'; Id = 'TooManyTags'; Call = { New-DrBackupVault -BackupVaultName Vault2 -Tag $tags51 } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'creator request id of 51 characters'; Id = 'InvalidCreatorRequestId'; Call = { New-DrBackupVault -BackupVaultName Vault2 -CreatorRequestId ('r' * 51) } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = 'a vault that exists'; Id = 'BackupVaultExists'; Sent = 'CreateBackupVault!'; Call = { New-DrBackupVault -BackupVaultName Prod } }
    @{ Cmdlet = 'New-DrBackupVault'; Case = '$null pipeline input'; Id = 'InputObjectNotBound'; Call = { $null | New-DrBackupVault } }

    # --- New-DrBackupPlan -----------------------------------------------------------------------------------------
    @{ Cmdlet = 'New-DrBackupPlan'; Case = 'tier that is none'; Id = 'CannotConvertArgumentNoMessage'; Call = { New-DrBackupPlan -Tier Platinum } }
    @{ Cmdlet = 'New-DrBackupPlan'; Case = 'plan name with a space'; Id = 'InvalidBackupPlanName'; Call = { New-DrBackupPlan -Tier Gold -BackupVaultName Default -DrRegion us-west-2 -PlanName 'my plan' } }
    @{ Cmdlet = 'New-DrBackupPlan'; Case = 'plan name of 51 characters'; Id = 'InvalidBackupPlanName'; Call = { New-DrBackupPlan -Tier Gold -BackupVaultName Default -DrRegion us-west-2 -PlanName ('p' * 51) } }
    @{ Cmdlet = 'New-DrBackupPlan'; Case = 'vault name of 1 character'; Id = 'InvalidBackupVaultName'; Call = { New-DrBackupPlan -Tier Gold -BackupVaultName 'x' -DrRegion us-west-2 } }
    @{ Cmdlet = 'New-DrBackupPlan'; Case = 'DR region that is none'; Id = 'InvalidRegion'; Call = { New-DrBackupPlan -Tier Gold -BackupVaultName Default -DrRegion 'mars-1' } }
    @{ Cmdlet = 'New-DrBackupPlan'; Case = 'DR copy into the home vault'; Id = 'CopyToSameVault'; Call = { New-DrBackupPlan -Tier Gold -BackupVaultName Default -DrRegion us-east-1 } }
    @{ Cmdlet = 'New-DrBackupPlan'; Case = 'IAM role that is no ARN'; Id = 'InvalidIamRoleArn'; Call = { New-DrBackupPlan -Tier Gold -BackupVaultName Default -DrRegion us-west-2 -IamRoleArn 'role' } }
    @{ Cmdlet = 'New-DrBackupPlan'; Case = '$null pipeline input'; Id = 'InputObjectNotBound'; Call = { $null | New-DrBackupPlan } }

    # --- Get-DrResource -------------------------------------------------------------------------------------------
    @{ Cmdlet = 'Get-DrResource'; Case = 'tag filter with a $null value'; Id = 'NullTagValue'; Call = { Get-DrResource -Tag @{ Backup = $null } } }
    @{ Cmdlet = 'Get-DrResource'; Case = '-ResourceType that is none'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrResource -ResourceType S3 } }
    @{ Cmdlet = 'Get-DrResource'; Case = '-AccountId of 13 digits'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrResource -AccountId '1234567890123' } }
    @{ Cmdlet = 'Get-DrResource'; Case = '-Region that is none'; Id = 'InvalidRegion'; Call = { Get-DrResource -Region 'useast1' } }

    # --- Get-DrTier -----------------------------------------------------------------------------------------------
    @{ Cmdlet = 'Get-DrTier'; Case = 'tier that is none'; Id = 'UnknownTier'; Call = { Get-DrTier -Tier Platinum } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file missing'; Id = 'TierPolicyNotFound'; Call = { Get-DrTier -PolicyPath $policyMissing } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file on the Env: drive'; Id = 'TierPolicyNotFound'; Call = { Get-DrTier -PolicyPath 'Env:\policy.psd1' } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file is a folder'; Id = 'TierPolicyNotFound'; Call = { Get-DrTier -PolicyPath $folder } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file with a syntax error'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policySyntax } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file naming an unknown tier'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policyUnknownTier } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file with a negative RPO'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policyNegative } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file with a duration that is none'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policyBadDuration } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file with an unknown key'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policyUnknownKey } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file with code in it (not run)'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policyCode } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'JSON policy file cut short'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policyJson } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'empty policy file'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policyEmpty } }
    @{ Cmdlet = 'Get-DrTier'; Case = 'policy file that is neither .psd1 nor .json'; Id = 'TierPolicyInvalid'; Call = { Get-DrTier -PolicyPath $policyTxt } }
    @{ Cmdlet = 'Get-DrTier'; Case = '$null pipeline input'; Id = 'InputObjectNotBound'; Call = { $null | Get-DrTier } }

    # --- Get-DrProtectionStatus -----------------------------------------------------------------------------------
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = 'tier that is none'; Id = 'UnknownTier'; Call = { Get-DrProtectionStatus -Tier Platinum } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = 'policy file with a syntax error'; Id = 'TierPolicyInvalid'; Call = { Get-DrProtectionStatus -PolicyPath $policySyntax } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = 'policy file missing'; Id = 'TierPolicyNotFound'; Call = { Get-DrProtectionStatus -PolicyPath $policyMissing } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = '-ReportRegion that is none'; Id = 'InvalidRegion'; Call = { Get-DrProtectionStatus -ReportRegion 'nowhere-1' } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = '-DrRegion that is none'; Id = 'InvalidRegion'; Call = { Get-DrProtectionStatus -DrRegion 'dr' } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = '-DrRegion that is the home region'; Id = 'DrRegionIsHomeRegion'; Call = { Get-DrProtectionStatus -DrRegion us-east-1 } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = '-ResourceType that is none'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrProtectionStatus -ResourceType DynamoDB } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = '-DrillMaxAgeDays of zero'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrProtectionStatus -DrillMaxAgeDays 0 } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = '-AccountId with a dash'; Id = 'ParameterArgumentValidationError'; Call = { Get-DrProtectionStatus -AccountId '1234-5678-9012' } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = 'malformed ARN'; Id = 'InvalidResourceArn'; Call = { Get-DrProtectionStatus -ResourceArn 'arn:nope' } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = 'ARN of another service'; Id = 'UnsupportedResourceType'; Call = { Get-DrProtectionStatus -ResourceArn "arn:aws:dynamodb:us-east-1:${acct}:table/t" } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = '-LedgerPath that is a folder (LedgerPathIsFolder regression)'; Id = 'InvalidLedgerPath'; Call = { Get-DrProtectionStatus -LedgerPath $folder } }
    @{ Cmdlet = 'Get-DrProtectionStatus'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Get-DrProtectionStatus } }

    # --- Invoke-DrFailover ----------------------------------------------------------------------------------------
    @{ Cmdlet = 'Invoke-DrFailover'; Case = 'empty identifier'; Id = 'ParameterArgumentValidationError'; Call = { Invoke-DrFailover -DBInstanceIdentifier '' -Confirm:$false } }
    @{ Cmdlet = 'Invoke-DrFailover'; Case = 'identifier that is none (FailoverIdentifierSent regression)'; Id = 'InvalidDBInstanceIdentifier'; Call = { Invoke-DrFailover -DBInstanceIdentifier 'bad_id!' -Region eu-central-1 -Confirm:$false } }
    @{ Cmdlet = 'Invoke-DrFailover'; Case = '300-character identifier'; Id = 'InvalidDBInstanceIdentifier'; Call = { Invoke-DrFailover -DBInstanceIdentifier $long300 -Region eu-central-1 -Confirm:$false } }
    @{ Cmdlet = 'Invoke-DrFailover'; Case = 'tier that is none'; Id = 'CannotConvertArgumentNoMessage'; Call = { Invoke-DrFailover -DBInstanceIdentifier orders-db-replica -Tier Platinum -Region eu-central-1 -Confirm:$false } }
    @{ Cmdlet = 'Invoke-DrFailover'; Case = '-Timeout of zero'; Id = 'ParameterArgumentValidationError'; Call = { Invoke-DrFailover -DBInstanceIdentifier orders-db-replica -Timeout 0 -Region eu-central-1 -Confirm:$false } }
    @{ Cmdlet = 'Invoke-DrFailover'; Case = 'unknown instance'; Id = 'DBInstanceNotFound'; Sent = 'DescribeDBInstances'; Call = { Invoke-DrFailover -DBInstanceIdentifier no-such-db -Region eu-central-1 -Confirm:$false } }
    @{ Cmdlet = 'Invoke-DrFailover'; Case = 'an instance that is no read replica'; Id = 'NotAReadReplica'; Sent = 'DescribeDBInstances'; Call = { Invoke-DrFailover -DBInstanceIdentifier orders-db -Confirm:$false } }
    @{ Cmdlet = 'Invoke-DrFailover'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Invoke-DrFailover -Confirm:$false } }

    # --- Test-DrRestore -------------------------------------------------------------------------------------------
    @{ Cmdlet = 'Test-DrRestore'; Case = '-Sample 0'; Id = 'InvalidSample'; Call = { Test-DrRestore -Tier Gold -Sample 0 -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-Sample 101'; Id = 'InvalidSample'; Call = { Test-DrRestore -Tier Gold -Sample 101 -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-Sample that is no number'; Id = 'CannotConvertArgumentNoMessage'; Call = { Test-DrRestore -Tier Gold -Sample 'half' -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-SelectionWindowDays 0'; Id = 'InvalidSelectionWindow'; Call = { Test-DrRestore -Tier Gold -SelectionWindowDays 0 -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-SelectionWindowDays 4000'; Id = 'InvalidSelectionWindow'; Call = { Test-DrRestore -Tier Gold -SelectionWindowDays 4000 -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-NamePrefix starting with a digit'; Id = 'InvalidNamePrefix'; Call = { Test-DrRestore -Tier Gold -NamePrefix '1drill' -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-NamePrefix of 300 characters'; Id = 'InvalidNamePrefix'; Call = { Test-DrRestore -Tier Gold -NamePrefix $long300 -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-NamePrefix with a double hyphen'; Id = 'InvalidNamePrefix'; Call = { Test-DrRestore -Tier Gold -NamePrefix 'dr--ill' -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = 'tier that is none'; Id = 'UnknownTier'; Call = { Test-DrRestore -Tier Platinum -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = 'nothing to drill'; Id = 'NoDrillTarget'; Call = { Test-DrRestore -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = 'tag filter with a $null value'; Id = 'NullTagValue'; Call = { Test-DrRestore -Tag @{ DrTier = $null } -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-LedgerPath that is a folder (LedgerPathIsFolder regression)'; Id = 'InvalidLedgerPath'; Call = { Test-DrRestore -Tier Gold -LedgerPath $folder -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-HtmlPath that is a folder (DrillReportPathIsFolder regression)'; Id = 'HtmlPathIsFolder'; Call = { Test-DrRestore -Tier Bronze -HtmlPath $folder -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-JUnitPath that is a folder (DrillReportPathIsFolder regression)'; Id = 'JUnitPathIsFolder'; Call = { Test-DrRestore -Tier Bronze -JUnitPath $folder -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-HtmlPath on the Env: drive (PathOnOtherProvider regression)'; Id = 'InvalidHtmlPath'; Call = { Test-DrRestore -Tier Bronze -HtmlPath 'Env:\drill.html' -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-LedgerPath on the Env: drive (PathOnOtherProvider regression)'; Id = 'InvalidLedgerPath'; Call = { Test-DrRestore -Tier Bronze -LedgerPath 'Env:\drills.jsonl' -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = 'malformed ARN'; Id = 'InvalidResourceArn'; Call = { Test-DrRestore -ResourceArn 'arn:nope' -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = 'ARN of another region: looked up there'; Id = 'RecoveryPointNotFound'; Sent = 'ListRecoveryPointsByResource'; Call = { Test-DrRestore -ResourceArn $euVol -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '-Timeout negative'; Id = 'ParameterArgumentValidationError'; Call = { Test-DrRestore -Tier Gold -Timeout (New-TimeSpan -Seconds -1) -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = '$null pipeline input'; Id = 'ParameterArgumentValidationError'; Call = { $null | Test-DrRestore -Confirm:$false } }
    @{ Cmdlet = 'Test-DrRestore'; Case = 'empty pipeline input'; Id = $null; Call = { @() | Test-DrRestore -Confirm:$false } }

    # --- Remove-DrDrillResource / Get-DrDrillHistory --------------------------------------------------------------
    @{ Cmdlet = 'Remove-DrDrillResource'; Case = '-OlderThan negative'; Id = 'InvalidOlderThan'; Call = { Remove-DrDrillResource -OlderThan (New-TimeSpan -Hours -1) -Confirm:$false } }
    @{ Cmdlet = 'Remove-DrDrillResource'; Case = '-OlderThan that is no time'; Id = 'CannotConvertArgumentNoMessage'; Call = { Remove-DrDrillResource -OlderThan 'old' -Confirm:$false } }
    @{ Cmdlet = 'Remove-DrDrillResource'; Case = 'empty -DrillId'; Id = 'ParameterArgumentValidationError'; Call = { Remove-DrDrillResource -DrillId '' -Confirm:$false } }
    @{ Cmdlet = 'Remove-DrDrillResource'; Case = 'blank -DrillId (DrillIdAsksSts regression)'; Id = 'InvalidDrillId'; Call = { Remove-DrDrillResource -DrillId '   ' -Confirm:$false } }
    @{ Cmdlet = 'Remove-DrDrillResource'; Case = '-Region that is none'; Id = 'InvalidRegion'; Call = { Remove-DrDrillResource -Region 'x' -Confirm:$false } }
    @{ Cmdlet = 'Remove-DrDrillResource'; Case = '-LedgerPath that is a folder'; Id = 'InvalidLedgerPath'; Call = { Remove-DrDrillResource -LedgerPath $folder -Confirm:$false } }
    @{ Cmdlet = 'Remove-DrDrillResource'; Case = 'empty -LedgerPath'; Id = 'ParameterArgumentValidationError'; Call = { Remove-DrDrillResource -LedgerPath '' -Confirm:$false } }
    @{ Cmdlet = 'Get-DrDrillHistory'; Case = '-LedgerPath that is a folder (LedgerPathIsFolder regression)'; Id = 'InvalidLedgerPath'; Call = { Get-DrDrillHistory -LedgerPath $folder } }
    @{ Cmdlet = 'Get-DrDrillHistory'; Case = '-Since in the future (DrillHistorySinceInFuture regression)'; Id = 'SinceInFuture'; Call = { Get-DrDrillHistory -Since (Get-Date).AddDays(1) } }
    @{ Cmdlet = 'Get-DrDrillHistory'; Case = '-LedgerPath on the Env: drive (PathOnOtherProvider regression)'; Id = 'InvalidLedgerPath'; Call = { Get-DrDrillHistory -LedgerPath 'Env:\drills.jsonl' } }
    @{ Cmdlet = 'Get-DrDrillHistory'; Case = 'ledger changed after it was written'; Id = 'LedgerTampered'; Call = { Get-DrDrillHistory -LedgerPath $tamperedLedger } }
    @{ Cmdlet = 'Get-DrDrillHistory'; Case = 'malformed ARN (DrillHistoryMalformedArn regression)'; Id = 'InvalidResourceArn'; Call = { Get-DrDrillHistory -ResourceArn 'arn:nope' } }

    # --- Session, sandbox and environment -------------------------------------------------------------------------
    @{ Cmdlet = 'Set-DrDefault'; Case = '-Region that is none'; Id = 'InvalidRegion'; Call = { Set-DrDefault -Region 'moon-1' } }
    @{ Cmdlet = 'Set-DrDefault'; Case = '-EndpointUrl relative'; Id = 'InvalidEndpointUrl'; Call = { Set-DrDefault -EndpointUrl 'localhost:4566' } }
    @{ Cmdlet = 'Set-DrDefault'; Case = '-EndpointUrl with user information'; Id = 'InvalidEndpointUrl'; Call = { Set-DrDefault -EndpointUrl 'http://key:secret@127.0.0.1:1/' } }
    @{ Cmdlet = 'Set-DrDefault'; Case = '-AccessKey without -SecretKey'; Id = 'IncompleteCredentials'; Call = { Set-DrDefault -AccessKey AKIAEXAMPLE } }
    @{ Cmdlet = 'Set-DrDefault'; Case = '-ProfileName with -AccessKey'; Id = 'ConflictingCredentials'; Call = { Set-DrDefault -ProfileName p -AccessKey AKIAEXAMPLE -SecretKey s } }
    @{ Cmdlet = 'Get-DrDefault'; Case = '$null pipeline input'; Id = 'InputObjectNotBound'; Call = { $null | Get-DrDefault } }
    @{ Cmdlet = 'Test-DrEnvironment'; Case = '-EndpointUrl that is not http(s): a failed check, not an error'; Id = $null; Output = $false; Call = { Test-DrEnvironment -EndpointUrl 'file:///etc/passwd' -Quiet } }
    @{ Cmdlet = 'Test-DrEnvironment'; Case = '-Region that is none: a failed check, not an error'; Id = $null; Output = $false; Call = { Test-DrEnvironment -Region 'nowhere' -Quiet } }
    @{ Cmdlet = 'Test-DrEnvironment'; Case = '$null pipeline input (the checks still run: reads only)'; Id = 'InputObjectNotBound'; Sent = '*'; Call = { $null | Test-DrEnvironment } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = 'a second sandbox in the runspace'; Id = 'SandboxAlreadyRunning'; Call = { Start-DrSandbox } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = '-FailureRate above 1'; Id = 'ParameterArgumentValidationError'; Call = { Start-DrSandbox -FailureRate 2 } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = '-Port above 65535'; Id = 'ParameterArgumentValidationError'; Call = { Start-DrSandbox -Port 70000 } }
)

# Start-DrSandbox and Stop-DrSandbox, run while no sandbox runs in the session (the tests stop it first).
$SandboxBadInputRows = @(
    @{ Cmdlet = 'Start-DrSandbox'; Case = 'seed file missing'; Id = 'SandboxSeedNotFound'; Call = { Start-DrSandbox -SeedPath $seedMissing } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = 'seed file it refuses'; Id = 'SandboxSeedInvalid'; Call = { Start-DrSandbox -SeedPath $seedInvalid } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = 'seed file on the Env: drive'; Id = 'SandboxSeedNotFound'; Call = { Start-DrSandbox -SeedPath 'Env:\seed.json' } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = 'port in use'; Id = 'SandboxPortInUse'; Call = { Start-DrSandbox -Port $busyPort } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = 'negative -JobDuration (SandboxOptionLeaksArgumentException regression)'; Id = 'InvalidSandboxOption'; Call = { Start-DrSandbox -JobDuration (New-TimeSpan -Seconds -5) } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = 'negative -Latency'; Id = 'InvalidSandboxOption'; Call = { Start-DrSandbox -Latency (New-TimeSpan -Seconds -1) } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = '-ThrottleBurst 0'; Id = 'ParameterArgumentValidationError'; Call = { Start-DrSandbox -ThrottleBurst 0 } }
    @{ Cmdlet = 'Start-DrSandbox'; Case = '-Region that is none'; Id = 'InvalidRegion'; Call = { Start-DrSandbox -Region 'sandbox' } }
    @{ Cmdlet = 'Stop-DrSandbox'; Case = '$null pipeline input'; Id = 'InputObjectNotBound'; Call = { $null | Stop-DrSandbox } }
)
