using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Get-DrRecoveryPoint's filters, typed, so the cmdlet only binds.</summary>
    public sealed class RecoveryPointQueryOptions
    {
        /// <summary>List the points of this vault (server-side filters apply).</summary>
        public string? BackupVaultName { get; set; }

        /// <summary>List the points of this resource (across vaults), or narrow a vault listing to it.</summary>
        public string? ResourceArn { get; set; }

        /// <summary>Only points created at or after this UTC time.</summary>
        public DateTime? Since { get; set; }

        /// <summary>AWS Backup resource type (EBS, RDS...), case-insensitive.</summary>
        public string? ResourceType { get; set; }

        /// <summary>Only points in this status (COMPLETED, PARTIAL, EXPIRED...).</summary>
        public string? Status { get; set; }

        /// <summary>Only the newest COMPLETED point of each resource.</summary>
        public bool Latest { get; set; }

        /// <summary>The region -ResourceArn must be in (the client's region).</summary>
        public string? Region { get; set; }
    }

    /// <summary>Lists recovery points by vault or resource with filters, streaming; -Latest keeps one point per resource.</summary>
    public sealed class RecoveryPointQuery
    {
        private readonly IBackupApi _backup;
        private readonly IAwsClock _clock;

        /// <summary>The clock is only used to refuse a -Since in the future.</summary>
        public RecoveryPointQuery(IBackupApi backup, IAwsClock? clock = null)
        {
            _backup = backup ?? throw new ArgumentNullException(nameof(backup));
            _clock = clock ?? SystemClock.Instance;
        }

        /// <summary>
        /// Validates the options at once (throws before anything is sent) and returns the stream of points. Vault
        /// listings use the service's filters; resource listings are filtered here (the API has none).
        /// </summary>
        public IAsyncEnumerable<RecoveryPoint> ListAsync(RecoveryPointQueryOptions options, CancellationToken cancellationToken)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            if (!string.IsNullOrEmpty(options.BackupVaultName))
            {
                BackupStarter.ValidateVaultName(options.BackupVaultName, "BackupVaultName");
            }

            if (options.ResourceArn != null)
            {
                ResourceArns.ValidateResourceArn(options.ResourceArn, "ResourceArn", options.Region);
            }

            if (options.Since != null)
            {
                SinceParser.EnsureNotInFuture(options.Since.Value, _clock.UtcNow);
            }

            var resourceType = options.ResourceType == null ? null : ResourceArns.NormalizeResourceType(options.ResourceType, "ResourceType");
            if (options.Latest && options.Status != null && !string.Equals(options.Status, "COMPLETED", StringComparison.OrdinalIgnoreCase))
            {
                throw new DrValidationException("ConflictingParameters", "Status", options.Status,
                    $"-Latest returns the newest COMPLETED point of each resource, so -Status {options.Status} cannot apply. Drop one of them.");
            }

            var source = Filter(Source(options, resourceType, cancellationToken), options, resourceType, cancellationToken);
            return options.Latest ? LatestPerResource(source, cancellationToken) : source;
        }

        private IAsyncEnumerable<RecoveryPoint> Source(RecoveryPointQueryOptions options, string? resourceType, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrEmpty(options.BackupVaultName))
            {
                var filter = new RecoveryPointFilter
                {
                    ResourceArn = options.ResourceArn,
                    ResourceType = resourceType,
                    CreatedAfter = options.Since,
                };
                return _backup.ListRecoveryPointsByBackupVaultAsync(options.BackupVaultName!, filter, cancellationToken);
            }

            if (!string.IsNullOrEmpty(options.ResourceArn))
            {
                return _backup.ListRecoveryPointsByResourceAsync(options.ResourceArn!, cancellationToken);
            }

            return EveryVault(resourceType, options.Since, cancellationToken);
        }

        /// <summary>Neither vault nor resource: the points of every vault of the region, one vault after the other, streamed.</summary>
        private async IAsyncEnumerable<RecoveryPoint> EveryVault(string? resourceType, DateTime? since, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var vault in _backup.ListBackupVaultsAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var filter = new RecoveryPointFilter { ResourceType = resourceType, CreatedAfter = since };
                await foreach (var point in _backup.ListRecoveryPointsByBackupVaultAsync(vault.BackupVaultName, filter, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    yield return point;
                }
            }
        }

        // Filters are re-applied to vault listings too: cheap, and it keeps results right against services that ignore a filter.
        private static async IAsyncEnumerable<RecoveryPoint> Filter(IAsyncEnumerable<RecoveryPoint> source, RecoveryPointQueryOptions options, string? resourceType, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var p in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (options.Since != null && (p.CreationDate == null || p.CreationDate.Value < options.Since.Value))
                {
                    continue;
                }

                if (resourceType != null && !string.Equals(p.ResourceType, resourceType, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (options.Status != null && !string.Equals(p.Status, options.Status, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (options.Latest && !string.Equals(p.Status, "COMPLETED", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                yield return p;
            }
        }

        /// <summary>Buffers one point per resource (never the whole listing) and yields them when the listing ends.</summary>
        private static async IAsyncEnumerable<RecoveryPoint> LatestPerResource(IAsyncEnumerable<RecoveryPoint> source, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var newest = new Dictionary<string, RecoveryPoint>(StringComparer.Ordinal);
            var order = new List<string>();
            await foreach (var p in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var key = p.ResourceArn ?? string.Empty;
                if (!newest.TryGetValue(key, out var kept))
                {
                    newest[key] = p;
                    order.Add(key);
                }
                else if ((p.CreationDate ?? DateTime.MinValue) > (kept.CreationDate ?? DateTime.MinValue))
                {
                    newest[key] = p;
                }
            }

            foreach (var key in order)
            {
                yield return newest[key];
            }
        }
    }
}
