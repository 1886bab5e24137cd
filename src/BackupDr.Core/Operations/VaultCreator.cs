using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>What New-DrBackupVault was asked to create.</summary>
    public sealed class VaultCreateOptions
    {
        public string BackupVaultName { get; set; } = string.Empty;

        /// <summary>KMS key ARN in the vault's region; null lets AWS Backup use its own key.</summary>
        public string? EncryptionKeyArn { get; set; }

        public IDictionary<string, string>? Tags { get; set; }

        /// <summary>Makes a retried create return the vault the first attempt made instead of AlreadyExists.</summary>
        public string? CreatorRequestId { get; set; }
    }

    /// <summary>
    /// New-DrBackupVault: checks name, key, tags and request id before anything is sent, creates the vault and
    /// returns it as DescribeBackupVault sees it. An existing vault is BackupVaultExists (never overwritten).
    /// </summary>
    public sealed class VaultCreator
    {
        /// <summary>AWS's CreatorRequestId limit (characters).</summary>
        public const int MaxCreatorRequestIdLength = 50;

        private readonly IBackupApi _backup;

        public VaultCreator(IBackupApi backup)
        {
            _backup = backup ?? throw new ArgumentNullException(nameof(backup));
        }

        /// <summary>Every local rule, in the order a user fixes them; throws DrValidationException and sends nothing.</summary>
        public static void Validate(VaultCreateOptions options, string region)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            BackupStarter.ValidateVaultName(options.BackupVaultName, "BackupVaultName");
            if (options.EncryptionKeyArn != null)
            {
                var key = options.EncryptionKeyArn;
                if (!Arn.TryParse(key, out var arn) || arn!.Service != "kms" || !arn.Resource.StartsWith("key/", StringComparison.Ordinal) || arn.Resource.Length == 4)
                {
                    throw new DrValidationException("InvalidEncryptionKeyArn", "EncryptionKeyArn", key,
                        $"'{key}' is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID); aliases are not accepted.");
                }

                if (!string.IsNullOrEmpty(region) && arn.Region != region)
                {
                    throw new DrValidationException("InvalidEncryptionKeyArn", "EncryptionKeyArn", key,
                        $"The key '{key}' is in {arn.Region}, but the vault is made in {region}: a vault's KMS key must be in the vault's region.");
                }
            }

            if (options.Tags != null)
            {
                TagRules.Validate(options.Tags, null, "Tag");
                if (options.Tags.Count > TagRules.MaxTagsPerResource)
                {
                    throw new DrValidationException("TooManyTags", "Tag", options.Tags.Count,
                        $"-Tag has {options.Tags.Count} tags; a backup vault may have at most {TagRules.MaxTagsPerResource}.", DrErrorKind.LimitsExceeded);
                }
            }

            var id = options.CreatorRequestId;
            if (id != null && (id.Length == 0 || id.Length > MaxCreatorRequestIdLength))
            {
                throw new DrValidationException("InvalidCreatorRequestId", "CreatorRequestId", id,
                    $"-CreatorRequestId must be 1 to {MaxCreatorRequestIdLength} characters long (it has {id.Length}).");
            }
        }

        /// <summary>Validates, creates and describes the vault; a vault made but not described is still returned.</summary>
        public async Task<BackupVault> CreateAsync(VaultCreateOptions options, CancellationToken cancellationToken)
        {
            Validate(options, _backup.Context.Region);
            BackupVault created;
            try
            {
                created = await _backup.CreateBackupVaultAsync(options.BackupVaultName, options.Tags, options.EncryptionKeyArn, options.CreatorRequestId, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (DrErrors.KindOf(ex) == DrErrorKind.ResourceExists)
            {
                var retry = options.CreatorRequestId == null ? " Give -CreatorRequestId to make a rerun return the vault it created." : string.Empty;
                throw new DrException("BackupVaultExists", "BackupVaultName", options.BackupVaultName,
                    $"Backup vault '{options.BackupVaultName}' already exists in {_backup.Context.Region}; it was not changed. Use it as it is (Get-DrBackupVault -BackupVaultName {options.BackupVaultName}), or choose another -BackupVaultName.{retry}",
                    DrErrorKind.ResourceExists, ex);
            }

            try
            {
                return await _backup.DescribeBackupVaultAsync(options.BackupVaultName, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException)
            {
                // The vault exists; what CreateBackupVault answered is better than losing it.
                return created;
            }
        }
    }
}
