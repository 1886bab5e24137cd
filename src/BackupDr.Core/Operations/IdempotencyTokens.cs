using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// Default idempotency tokens. A runbook step that is rerun (a retried Azure Automation job, an SSM
    /// document run twice, a person pressing Up+Enter) must not start a second backup of the same resource
    /// into the same vault on the same day: AWS Backup answers a StartBackupJob with a token it has seen
    /// by returning the existing job instead of starting another. Deriving the token from resource, vault and
    /// UTC day gives exactly that, without the runbook having to remember anything between runs.
    /// </summary>
    public static class IdempotencyTokens
    {
        /// <summary>
        /// SHA-256 (64 lowercase hex characters) of resource ARN, vault name and the UTC date: same inputs on the
        /// same UTC day give the same token; another day, vault or resource gives another token.
        /// </summary>
        public static string ForBackup(string resourceArn, string vaultName, DateTime utcDay)
        {
            if (string.IsNullOrEmpty(resourceArn))
            {
                throw new ArgumentException("A resource ARN is required.", nameof(resourceArn));
            }

            if (string.IsNullOrEmpty(vaultName))
            {
                throw new ArgumentException("A vault name is required.", nameof(vaultName));
            }

            var day = (utcDay.Kind == DateTimeKind.Local ? utcDay.ToUniversalTime() : utcDay).Date;

            // Versioned and newline-separated so no two different inputs can produce the same hashed text.
            var text = "backupdr/start-backup/v1\n" + resourceArn + "\n" + vaultName + "\n" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return Sha256Hex(text);
        }

        /// <summary>
        /// The StartCopyJob token of Copy-DrRecoveryPoint: SHA-256 of the recovery point, the destination vault ARN and
        /// the UTC date, so a rerun the same day returns the copy job already started instead of a second copy.
        /// </summary>
        public static string ForCopy(string recoveryPointArn, string destinationVaultArn, DateTime utcDay)
        {
            if (string.IsNullOrEmpty(recoveryPointArn))
            {
                throw new ArgumentException("A recovery point ARN is required.", nameof(recoveryPointArn));
            }

            if (string.IsNullOrEmpty(destinationVaultArn))
            {
                throw new ArgumentException("A destination vault ARN is required.", nameof(destinationVaultArn));
            }

            var day = (utcDay.Kind == DateTimeKind.Local ? utcDay.ToUniversalTime() : utcDay).Date;
            var text = "backupdr/copy-recovery-point/v1\n" + recoveryPointArn + "\n" + destinationVaultArn + "\n" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return Sha256Hex(text);
        }

        /// <summary>
        /// A caller's -IdempotencyToken combined with one resource and vault: AWS Backup answers a token it has seen
        /// with the job it started for it, so one token sent for many resources would start one backup and answer
        /// every other resource with that job. Combining keeps the caller's meaning (same token, same resource, same
        /// vault: same job) while giving each resource its own token. SHA-256, 64 lowercase hex characters.
        /// </summary>
        public static string ForGivenToken(string token, string resourceArn, string vaultName)
        {
            if (string.IsNullOrEmpty(token))
            {
                throw new ArgumentException("A token is required.", nameof(token));
            }

            if (string.IsNullOrEmpty(resourceArn))
            {
                throw new ArgumentException("A resource ARN is required.", nameof(resourceArn));
            }

            if (string.IsNullOrEmpty(vaultName))
            {
                throw new ArgumentException("A vault name is required.", nameof(vaultName));
            }

            // Another version prefix than ForBackup's, so a given token can never equal a default one.
            var text = "backupdr/start-backup/given-token/v1\n" + token + "\n" + resourceArn + "\n" + vaultName;
            return Sha256Hex(text);
        }

        private static string Sha256Hex(string text)
        {
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
                var sb = new StringBuilder(hash.Length * 2);
                foreach (var b in hash)
                {
                    sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }

                return sb.ToString();
            }
        }
    }
}
