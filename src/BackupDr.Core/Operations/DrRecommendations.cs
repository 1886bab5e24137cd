using System;
using System.Collections.Generic;
using BackupDr.Core.Aws;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// What to do next, per error id: the one table behind every error record's RecommendedAction, for
    /// BackupDr's own ids and the AWS error codes BackupDr maps. The request id stays in the message (and in
    /// AwsServiceException.RequestId); a recommendation is always a next step.
    /// </summary>
    public static class DrRecommendations
    {
        private const string ThrottledText = "AWS throttled the calls even after retries: run fewer at once (smaller batches, less ForEach-Object -Parallel), wait a minute and run again (starts are idempotent), or ask AWS for a higher API quota.";
        private const string TransientText = "AWS had a passing fault, and the retries ran out: run the command again; if it persists, check the AWS Health Dashboard for {Region}.";
        private const string ClockText = "The request was signed with a wrong time or key: set this machine's clock right (NTP), and check that -SecretKey (or the profile's secret) belongs to the access key.";
        private const string InvalidCredentialsText = "AWS does not know these credentials: check -AccessKey/-SecretKey or the keys of -ProfileName (Get-DrDefault and -Verbose say which are used), and that -EndpointUrl points where they are valid.";
        private const string AccessDeniedText = "The credentials may not call {Action}: allow {Action} (and iam:PassRole on the backup role for starts, restores and copies) in the IAM policy of the user or role, or use -ProfileName with a role that has it.";
        private const string NotFoundText = "Check the name or ARN the message names and the region ({Region}): list vaults with Get-DrBackupVault, recovery points with Get-DrRecoveryPoint, jobs with Get-DrBackupJob and resources with Get-DrResource.";
        private const string ResourceGoneText = "The resource the message names does not exist in {Region}: list the resources with Get-DrResource, or pass -Region of the region it is in.";
        private const string ExistsText = "Something of that name exists already: pick another name (for a restore, another -TargetName), or use the one that exists.";
        private const string InvalidValueText = "AWS rejected a value of this call; the message names it. Check the parameters you passed (ARNs, names, -Metadata keys, windows, lifecycle) against what the message says.";
        private const string StateText = "The resource is not in a state that allows this (for example a DB instance that is not 'available'): wait until it is (Get-DrResource shows State) and run the command again.";
        private const string OurBugText = "BackupDr could not read the service's answer: run again with -Debug to see the call, and report it with the message if it persists.";

        /// <summary>
        /// Error id (or pattern with '*') -> next step. Placeholders: {Parameter} (the parameter to fix),
        /// {Action} (the IAM action, e.g. backup:StartBackupJob) and {Region}. Exact ids win over patterns;
        /// patterns are tried in this order.
        /// </summary>
        public static readonly IReadOnlyList<KeyValuePair<string, string>> Table = new[]
        {
            // Configuration: region, credentials, endpoint (AwsConfigurationException).
            Entry("RegionNotFound", "Pass -Region (for example -Region eu-west-1), or set it once with Set-DrDefault -Region or the AWS_REGION environment variable."),
            Entry("InvalidRegion", "Give a region name such as us-east-1 or eu-west-2 (Tab after -Region completes them)."),
            Entry("InvalidEndpointUrl", "Give an absolute http:// or https:// URL without a query, such as the EndpointUrl Start-DrSandbox returns, or leave -EndpointUrl out for the public endpoint."),
            Entry("IncompleteCredentials", "Pass -AccessKey and -SecretKey together, or neither to use a profile or the default credential chain."),
            Entry("ConflictingCredentials", "Pass either -ProfileName or -AccessKey with -SecretKey, not both."),
            Entry("ProfileNotFound", "List the profiles with 'aws configure list-profiles' (or look in ~/.aws/credentials and ~/.aws/config) and pass one that exists with -ProfileName; -ProfileLocation reads another credentials file."),
            Entry("ProfileHasNoCredentials", "Give the profile static keys, role_arn with source_profile, sso_session (then run 'aws sso login --profile NAME') or credential_process, or pass another -ProfileName."),
            Entry("CredentialsNotFound", "Pass -AccessKey with -SecretKey, or -ProfileName; or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or run 'aws configure'. Set-DrDefault keeps them for the session. To try BackupDr without AWS, run Start-DrSandbox."),

            // BackupDr's own validation (DrValidationException), raised before anything is sent.
            Entry("InvalidResourceArn", "Pass the resource's ARN (arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE); Get-DrResource lists the ARNs of volumes, instances and databases, and pipes them in."),
            Entry("InvalidRecoveryPointArn", "Pass a RecoveryPointArn as Get-DrRecoveryPoint lists it, or pipe the recovery point in."),
            Entry("InvalidBackupVaultArn", "Pass a vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME), or -DestinationRegion with -DestinationVaultName instead."),
            Entry("InvalidBackupVaultName", "Give a vault name of 2 to 50 letters, digits, hyphens or underscores; list the vaults with Get-DrBackupVault."),
            Entry("ResourceArnRegionMismatch", "Pass -Region with the region in the ARN: AWS Backup works on resources in its own region."),
            Entry("UnsupportedResourceType", "Use a resource type BackupDr handles (EBS, EC2, RDS, Aurora); Get-DrResource lists such resources."),
            Entry("IamRoleArnRequired", "Pass -IamRoleArn with the role AWS Backup should assume, e.g. arn:aws:iam::ACCOUNT:role/service-role/AWSBackupDefaultServiceRole."),
            Entry("InvalidIamRoleArn", "Pass an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), or leave -IamRoleArn out for the account's default backup role."),
            Entry("InvalidThrottleLimit", "Pass -ThrottleLimit as a whole number in the range the cmdlet's help gives: 1 to 64 for Start-DrBackup, Set-DrBackupTag and Get-DrBackupReport, 1 to 32 for Test-DrRestore (default 4). It is how many calls or drills run at once; the client also paces itself when AWS throttles."),
            Entry("InvalidStartWindow", "Pass -StartWindowMinutes 60 or more, or leave it out for AWS Backup's default."),
            Entry("InvalidCompleteWindow", "Pass -CompleteWindowMinutes greater than -StartWindowMinutes, or leave it out."),
            Entry("InvalidLifecycle", "Pass -ColdStorageAfterDays and -DeleteAfterDays of 0 or more, with -DeleteAfterDays at least 90 days after -ColdStorageAfterDays (AWS Backup's minimum in cold storage), or pass only one of them."),
            Entry("InvalidCopyRegion", "Pass -CopyToRegion as a region name such as eu-central-1."),
            Entry("CopyToSameVault", "Pass -CopyToRegion with another region, or -CopyToVault with another vault."),
            Entry("BackupNotCompleted", "Nothing was copied: read the backup job's StatusMessage (Get-DrBackupJob -JobId ID), fix the cause and run Start-DrBackup -CopyToRegion again."),
            Entry("InvalidTagKey", "Use tag keys of 1 to 128 letters, digits, spaces and _ . : / = + - @."),
            Entry("InvalidTagValue", "Use tag values of at most 256 letters, digits, spaces and _ . : / = + - @ ('' for an empty value)."),
            Entry("BackupJobResourceMismatch", "AWS answered with a job for another resource: check that -IdempotencyToken is not reused for a different resource, then run again without it."),
            Entry("BackupVaultExists", "Use the existing vault (Get-DrBackupVault -BackupVaultName NAME), or give New-DrBackupVault another -BackupVaultName."),
            Entry("DestinationRequired", "Pass -DestinationRegion (with -DestinationVaultName if the vault is not named like the source) or -DestinationBackupVaultArn."),
            Entry("DuplicateTargetName", "Give each restore in one call its own -TargetName, or leave -TargetName out for unique default names."),
            Entry("HtmlPathIsFolder", "Pass a file path for -HtmlPath, such as ./backup-report.html, not a folder."),
            Entry("InvalidSandboxOption", "Give -JobDuration and -Latency as TimeSpans of zero or more, such as (New-TimeSpan -Seconds 5), or leave them out for the defaults."),
            Entry("JUnitPathIsFolder", "Pass a file path for -JUnitPath, such as ./drill-results.xml, not a folder."),
            Entry("HtmlReportWriteFailed", "The report object was still written to the pipeline; check that the -HtmlPath file is writable (not open elsewhere, enough space) and run again."),
            Entry("InvalidCreatorRequestId", "Pass a -CreatorRequestId of 1 to 50 characters, or leave it out."),
            Entry("InvalidEncryptionKeyArn", "Pass a KMS key ARN of the vault's region (arn:aws:kms:REGION:ACCOUNT:key/ID), or leave -EncryptionKeyArn out for the AWS managed key."),
            Entry("InvalidHtmlPath", "Pass -HtmlPath as a valid file path, such as ./backup-report.html."),
            Entry("RecoveryPointNotCompleted", "Restore or copy a COMPLETED recovery point: list them with Get-DrRecoveryPoint -Latest, or wait until this one completes."),
            Entry("SandboxPortInUse", "Pass another -Port, or leave -Port out (0) to take a free port."),
            Entry("SandboxSeedInvalid", "Fix the seed file at the line the message names (the schema is in docs/sandbox.md), or start from examples/sandbox-seed.json."),
            Entry("UntilBeforeSince", "Pass an -Until later than -Since, or leave -Until out for now."),
            Entry("ReservedTagPrefix", "Use a key that does not start with 'aws:'; AWS keeps those for its own tags."),
            Entry("TooManyTags", "Keep to 50 tags per resource: remove some with -Remove, or set fewer."),
            Entry("ConflictingTagChange", "Give the key either in -Tag (to set it) or in -Remove (to remove it), not in both."),
            Entry("NoTagChange", "Pass at least one of -Frequency, -Tier, -Tag or -Remove."),
            Entry("UnknownTier", "Use -Tier Gold, Silver or Bronze (Tab completes them)."),
            Entry("TierPolicyInvalid", "Fix the tier policy file at the line the message names: one Tiers key mapping Gold, Silver or Bronze to Rpo and/or Rto (minutes as a number, or a string such as '15m', '4h', '1d' or '01:30:00'); examples/tier-policy.psd1 is a valid one. Get-DrTier -PolicyPath FILE checks a file without calling AWS."),
            Entry("TierPolicyNotFound", "Pass -PolicyPath of an existing .psd1 or .json file (relative paths are from the current location), or leave -PolicyPath out for the default tiers."),
            Entry("DrRegionIsHomeRegion", "Pass a -DrRegion other than the regions checked (-Region, -ReportRegion, or the region in each ARN): the region your copies go to, such as the -DestinationRegion of Copy-DrRecoveryPoint."),
            Entry("ResourceNotFound", ResourceGoneText),

            // Restore drills (Test-DrRestore, Remove-DrDrillResource, Get-DrDrillHistory).
            Entry("DrillFailed", "Read the drill result's Message (the error's target object): fix the restore or verification it names, or the backup schedule when RPO was missed; leftovers, if any, are removed by Remove-DrDrillResource -DrillId ID."),
            Entry("InvalidSample", "Give -Sample as a percentage of the resources, 1 to 100 (for example -Sample 10 drills a tenth of them)."),
            Entry("InvalidSelectionWindow", "Give -SelectionWindowDays as a number of days, 1 to 3650, or leave it out to drill the newest recovery point."),
            Entry("InvalidNamePrefix", "Give a -NamePrefix that can start an RDS identifier: a letter, then letters, digits and single hyphens, at most 30 characters (default: drill-)."),
            Entry("NoDrillTarget", "Pipe resources in (Get-DrResource | Test-DrRestore), or pass -Tier Gold|Silver|Bronze or -Tag @{ Key = 'Value' }."),
            Entry("LedgerTampered", "The drill ledger was changed after it was written: compare it with a copy you keep elsewhere (backup, WORM storage), restore that copy, and keep new drills in a fresh -LedgerPath until the cause is known."),
            Entry("InvalidLedgerPath", "Give -LedgerPath as the path of a file (it is created if missing), or leave it out for the default under your local application data."),
            Entry("InvalidOlderThan", "Give -OlderThan as a positive TimeSpan, for example '1.00:00:00' (a day) or (New-TimeSpan -Hours 6)."),
            Entry("InvalidDrillId", "Give the DrillId of a drill result (Get-DrDrillHistory lists them), or leave -DrillId out for every drill."),
            Entry("VolumeInUse", "The volume is attached to an instance: detach it first (drills never attach their volumes, so this is not a drill volume)."),
            Entry("InvalidSince", "Pass a DateTime such as (Get-Date).AddDays(-1), or a TimeSpan such as (New-TimeSpan -Days 1) meaning that long ago."),
            Entry("SinceInFuture", "Pass a time in the past, or a positive TimeSpan such as (New-TimeSpan -Days 1)."),
            Entry("VaultOrResourceRequired", "Pass -BackupVaultName (Get-DrBackupVault lists them) or -ResourceArn (Get-DrResource lists them)."),
            Entry("ConflictingParameters", "Drop one of the parameters the message names: they cannot apply together."),
            Entry("InvalidTargetName", "Give -TargetName as 1 to 63 letters, digits and single hyphens, starting with a letter, or leave it out for a generated name."),
            Entry("ResourceNameInUse", "Pass a -TargetName that is not taken (Get-DrResource lists the names in use), or leave -TargetName out for a new generated name."),
            Entry("OverrideNotApplicable", "Leave out the parameter the message names for this resource type, or give the setting with -Metadata."),
            Entry("ConflictingRestoreMetadata", "Give the setting once: either with its own parameter or with -Metadata."),
            Entry("RegionRequired", "Pass -ReportRegion with at least one region, or -Region."),
            Entry("ReportAccountFailed", "The report counts only what could be read: fix that account's error (in the inner exception; for AccessDenied, check that -AccountRole exists in the account and trusts your account), or leave the account out of -AccountId, and run the report again."),
            Entry("InvalidAccountId", "Pass -AccountId as '*' (every account of the organization, from its management or delegated administrator account) or as 12-digit account ids, such as 111122223333."),
            Entry("InvalidAccountRole", "Pass -AccountRole as an IAM role name only (such as BackupDrAuditRole), not an ARN: BackupDr builds arn:<partition>:iam::<account>:role/<name> for each -AccountId."),
            Entry("AccountRoleNeedsAccountIds", "Give -AccountId with the 12-digit ids of the accounts to assume -AccountRole in; for every account of one organization use -AccountId '*' from the management account without -AccountRole."),
            Entry("InvalidAggregationPeriod", "Pass -AggregationPeriod as ONE_DAY, SEVEN_DAYS or FOURTEEN_DAYS."),
            Entry("ReportRegionFailed", "The report counts only what could be read: fix the region's error (in the inner exception), or leave the region out of -ReportRegion, and run the report again."),
            Entry("SandboxAlreadyRunning", "Use the sandbox that runs (Get-DrDefault shows its endpoint), or stop it with Stop-DrSandbox before starting another."),
            Entry("NotAReadReplica", "Pass the read replica in the DR region: -DBInstanceIdentifier of the replica with -Region of its region (Get-DrResource -Region REGION lists the DB instances). An instance that is no longer a replica was already promoted."),
            Entry("InvalidDBInstanceIdentifier", "Pass the identifier of the DB instance as Get-DrResource -Region REGION lists it: 1 to 63 letters, digits and single hyphens, starting with a letter."),
            Entry("ReplicaNotAvailable", "Wait until the replica is 'available' (Get-DrResource -Region REGION shows State), then run Invoke-DrFailover again."),
            Entry("ReplicaLagExceedsRpo", "Nothing was promoted. Wait for the replica to catch up and run again, or, if losing the data of the lag is accepted, run again with -Force."),
            Entry("ReplicaLagUnknown", "Nothing was promoted. Check that replication runs and that the credentials may call cloudwatch:GetMetricStatistics, then run again; -Force promotes without the lag check."),
            Entry("TierNotFound", "Pass -Tier Gold, Silver or Bronze, or tag the replica with its tier (Set-DrBackupTag -DBInstanceIdentifier ID -Tier Gold -Region REGION); -Force promotes without an RPO check."),
            Entry("FailoverWaitTimeout", "The promotion goes on in AWS and cannot be undone: check the instance with Get-DrResource -Region REGION until it is available, and raise -Timeout next time."),
            Entry("InvalidBackupPlanName", "Give -PlanName as 1 to 50 letters, digits, hyphens, underscores or periods, or leave it out for BackupDr-<Tier>."),
            Entry("DuplicateBackupPlanName", "Keep one plan of that name (delete the others in the AWS Backup console or with 'aws backup delete-backup-plan'), or pass another -PlanName."),
            Entry("SandboxStartFailed", "Pass another -Port (0 picks a free one), and check that -SeedPath is a seed file as docs/sandbox.md describes."),

            // Test-DrEnvironment's own findings (EnvironmentProbe).
            Entry("UnsupportedPowerShell", "Run BackupDr in Windows PowerShell 5.1 or PowerShell 7.x (install it from https://aka.ms/powershell and start pwsh)."),
            Entry("ConflictingAssembly", "Another module loaded a different AWSSDK version into this process: run BackupDr in a session without it (a new pwsh, or Start-Job, which runs in its own process; thread jobs share the process), or import BackupDr before that module."),
            Entry("AwsSdkLoadFailed", "Start a new PowerShell session and import BackupDr before any module that loads AWSSDK assemblies (AWS.Tools, AWSPowerShell); the 'Conflicting assemblies' check names them."),
            Entry("ClockSkewed", "Set this machine's clock right (enable NTP: w32tm /resync on Windows, timedatectl set-ntp true on Linux); AWS refuses requests signed more than 5 minutes off."),
            Entry("ClockSkewUnknown", "Run Test-DrEnvironment again with -Verbose to see the call; an endpoint that sends no Date header (a proxy or emulator) cannot be checked."),

            // Waits and job outcomes (DrTimeoutException; DrCmdlet's <Type>Job<State> ids).
            Entry("JobWaitTimeout", "The job keeps running in AWS: wait again with Wait-DrJob (pipe the job in, or -JobId), check it with Get-DrBackupJob, or raise -Timeout."),
            Entry("*JobFailed", "Read the job's StatusMessage (in the message and on the emitted job), fix the cause (permissions, resource state, vault) and start the job again."),
            Entry("*JobAborted", "The job was stopped before it finished (by someone, or by its start or complete window): start it again, with a wider -StartWindowMinutes/-CompleteWindowMinutes if a window ran out."),
            Entry("*JobExpired", "The job did not start within its start window: start it again, with a larger -StartWindowMinutes if AWS Backup is busy."),
            Entry("*JobPartial", "Only part of the resource was backed up: read the StatusMessage of the job, and start it again once the cause is fixed."),

            // Generic ids of DrErrorRecords.
            Entry("OperationTimeout", "Raise -Timeout, or check the job later with Get-DrBackupJob."),
            Entry("InvalidArgument", "Change -{Parameter} as the message says."),

            // AWS error codes: credentials and permissions.
            Entry("AccessDenied*", AccessDeniedText),
            Entry("UnauthorizedOperation", AccessDeniedText),
            Entry("Unauthorized", InvalidCredentialsText),
            Entry("AuthFailure", InvalidCredentialsText),
            Entry("InvalidClientTokenId", InvalidCredentialsText),
            Entry("UnrecognizedClientException", InvalidCredentialsText),
            Entry("MissingAuthenticationToken*", InvalidCredentialsText),
            Entry("IncompleteSignature*", InvalidCredentialsText),
            Entry("ExpiredToken*", "The session credentials have expired: get new ones (for SSO profiles 'aws sso login --profile NAME'; for -SessionToken new STS credentials) and run again."),
            Entry("SignatureDoesNotMatch", ClockText),
            Entry("InvalidSignatureException", ClockText),
            Entry("RequestTimeTooSkewed", ClockText),
            Entry("RequestExpired", ClockText),
            Entry("RequestInTheFuture", ClockText),

            // Not found, exists, state.
            Entry("ResourceNotFoundException", NotFoundText),
            Entry("NotFound", NotFoundText),
            Entry("DBInstanceNotFound*", ResourceGoneText),
            Entry("DBClusterNotFound*", ResourceGoneText),
            Entry("DBSnapshotNotFound*", "The snapshot the message names does not exist in {Region}: list recovery points with Get-DrRecoveryPoint."),
            Entry("InvalidSnapshot.NotFound", "The snapshot the message names does not exist in {Region}: list recovery points with Get-DrRecoveryPoint."),
            Entry("InvalidVolume.NotFound", ResourceGoneText),
            Entry("InvalidInstanceID.NotFound", ResourceGoneText),
            Entry("*NotFound*", NotFoundText),
            Entry("*AlreadyExists*", ExistsText),
            Entry("ConflictException", "Another change to the same resource or job is under way: wait for it (Get-DrBackupJob) and run again."),
            Entry("InvalidResourceStateException", StateText),
            Entry("InvalidDBInstanceState*", StateText),
            Entry("InvalidDBClusterState*", StateText),
            Entry("IncorrectState", StateText),

            // Throttling and quotas.
            Entry("Throttling", ThrottledText),
            Entry("ThrottlingException", ThrottledText),
            Entry("ThrottledException", ThrottledText),
            Entry("RequestThrottledException", ThrottledText),
            Entry("RequestThrottled", ThrottledText),
            Entry("EC2ThrottledException", ThrottledText),
            Entry("TooManyRequestsException", ThrottledText),
            Entry("TooManyRequests", ThrottledText),
            Entry("RequestLimitExceeded", ThrottledText),
            Entry("BandwidthLimitExceeded", ThrottledText),
            Entry("SlowDown", ThrottledText),
            Entry("ProvisionedThroughputExceededException", ThrottledText),
            Entry("TransactionInProgressException", "Another change to the same resource is in progress: wait a moment and run again."),
            Entry("LimitExceededException", "An AWS quota was reached (for example concurrent backup jobs or vaults): wait for running jobs to finish (Get-DrBackupJob -State RUNNING), or ask for a higher quota in Service Quotas."),
            Entry("*LimitExceeded*", "An AWS quota was reached: wait for running work to finish, or ask for a higher quota in Service Quotas."),
            Entry("*QuotaExceeded*", "An AWS quota was reached: remove what is no longer needed, or ask for a higher quota in Service Quotas."),

            // Invalid input as AWS sees it.
            Entry("ValidationException", InvalidValueText),
            Entry("InvalidParameter*", InvalidValueText),
            Entry("MissingParameter*", InvalidValueText),
            Entry("InvalidRequestException", InvalidValueText),
            Entry("BadRequest", InvalidValueText),
            Entry("SerializationException", OurBugText),

            // Transient faults, timeouts, the network.
            Entry("RequestTimeout", "AWS did not answer in time, even after retries: check the network to the endpoint ({Region}) and run again."),
            Entry("RequestTimeoutException", "AWS did not answer in time, even after retries: run again."),
            Entry("PriorRequestNotComplete", TransientText),
            Entry("InternalError", TransientText),
            Entry("InternalFailure", TransientText),
            Entry("InternalServerError", TransientText),
            Entry("InternalServerException", TransientText),
            Entry("ServiceUnavailable", TransientText),
            Entry("ServiceUnavailableException", TransientText),
            Entry("BadGateway", TransientText),
            Entry("GatewayTimeout", TransientText),
            Entry("NetworkError", "The endpoint could not be reached: check -EndpointUrl (or AWS_ENDPOINT_URL), the proxy and the network; for the sandbox, check that Start-DrSandbox runs."),
            Entry("MalformedResponse", OurBugText),
            Entry("PaginationLoop", OurBugText),
            Entry("Http*", TransientText),
        };

        /// <summary>The next step when an id has no entry: by kind, so every error record has one.</summary>
        public static readonly IReadOnlyDictionary<DrErrorKind, string> ByKind = new Dictionary<DrErrorKind, string>
        {
            [DrErrorKind.InvalidArgument] = "Change the value the message names and run again.",
            [DrErrorKind.ObjectNotFound] = NotFoundText,
            [DrErrorKind.ResourceExists] = ExistsText,
            [DrErrorKind.LimitsExceeded] = ThrottledText,
            [DrErrorKind.PermissionDenied] = AccessDeniedText,
            [DrErrorKind.OperationTimeout] = "Run again, or raise -Timeout.",
            [DrErrorKind.ConnectionError] = "Check the endpoint, the proxy and the network, and run again.",
            [DrErrorKind.InvalidOperation] = "Read the message for what AWS refused; run again with -Verbose to see the calls made.",
            [DrErrorKind.ResourceBusy] = "Wait until the resource is free or use another one (for the sandbox, another -Port), then run again.",
            [DrErrorKind.InvalidData] = "Fix the file at the line the message names, then run again.",
            [DrErrorKind.JobFailed] = "Read the job's StatusMessage (Get-DrBackupJob -JobId ID, or the error's target object), fix the cause and start the job again.",
            [DrErrorKind.JobAborted] = "The job was stopped (by a person, a window that closed or AWS); start it again, with a longer -StartWindowMinutes/-CompleteWindowMinutes if a window closed.",
        };

        /// <summary>The table entry for an id (exact first, then the first matching pattern), or null.</summary>
        public static string? Find(string? errorId)
        {
            if (string.IsNullOrEmpty(errorId))
            {
                return null;
            }

            foreach (var entry in Table)
            {
                if (string.Equals(entry.Key, errorId, StringComparison.Ordinal))
                {
                    return entry.Value;
                }
            }

            foreach (var entry in Table)
            {
                if (entry.Key.IndexOf('*') >= 0 && Matches(entry.Key, errorId!))
                {
                    return entry.Value;
                }
            }

            return null;
        }

        /// <summary>The next step for an id, with placeholders filled; falls back on the kind.</summary>
        public static string For(string? errorId, DrErrorKind kind, string? parameterName = null, string? action = null, string? region = null)
        {
            var text = Find(errorId) ?? ByKind[kind];
            return text
                .Replace("{Parameter}", string.IsNullOrEmpty(parameterName) ? "the parameter" : parameterName)
                .Replace("{Action}", string.IsNullOrEmpty(action) ? "this operation" : action)
                .Replace("{Region}", string.IsNullOrEmpty(region) ? "the region called" : region);
        }

        /// <summary>For an AWS error: the IAM action (service:Operation) and the region come from the call.</summary>
        public static string For(AwsServiceException exception)
        {
            if (exception == null)
            {
                throw new ArgumentNullException(nameof(exception));
            }

            return For(exception.ErrorCode, DrErrors.KindOf(exception), null, IamAction(exception.Service, exception.Operation), exception.Region);
        }

        /// <summary>"backup:StartBackupJob": the IAM action a denied call needs.</summary>
        public static string? IamAction(string? service, string? operation)
        {
            if (string.IsNullOrEmpty(service) || string.IsNullOrEmpty(operation))
            {
                return null;
            }

            string prefix;
            try
            {
                prefix = AwsService.FromName(service!).IamPrefix;
            }
            catch (ArgumentException)
            {
                prefix = service!.ToLowerInvariant();
            }

            return prefix + ":" + operation;
        }

        private static KeyValuePair<string, string> Entry(string id, string text) => new KeyValuePair<string, string>(id, text);

        /// <summary>'*' matches any run of characters (ordinal, case-sensitive, as AWS codes are).</summary>
        private static bool Matches(string pattern, string text)
        {
            var parts = pattern.Split('*');
            var position = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                var part = parts[i];
                if (part.Length == 0)
                {
                    continue;
                }

                if (i == 0)
                {
                    if (!text.StartsWith(part, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    position = part.Length;
                    continue;
                }

                if (i == parts.Length - 1)
                {
                    return text.Length - part.Length >= position && text.EndsWith(part, StringComparison.Ordinal);
                }

                var found = text.IndexOf(part, position, StringComparison.Ordinal);
                if (found < 0)
                {
                    return false;
                }

                position = found + part.Length;
            }

            return true;
        }
    }
}
