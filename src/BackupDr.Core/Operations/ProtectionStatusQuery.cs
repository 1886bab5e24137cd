using System;
using System.IO;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>The clients of one region that a protection check reads from.</summary>
    public sealed class RegionClients
    {
        public RegionClients(IBackupApi backup, IEc2Api ec2, IRdsApi rds)
        {
            Backup = backup ?? throw new ArgumentNullException(nameof(backup));
            Ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
            Rds = rds ?? throw new ArgumentNullException(nameof(rds));
        }

        public IBackupApi Backup { get; }

        public IEc2Api Ec2 { get; }

        public IRdsApi Rds { get; }

        /// <summary>The Backup, EC2 and RDS clients of a client set.</summary>
        public static RegionClients Of(AwsClientSet set) => new RegionClients(
            (set ?? throw new ArgumentNullException(nameof(set))).Backup, set.Ec2, set.Rds);
    }

    /// <summary>Get-DrProtectionStatus's scope and checks, typed, so the cmdlet only binds.</summary>
    public sealed class ProtectionStatusOptions
    {
        /// <summary>Home regions whose tagged resources are checked (ignored for ResourceArns, which carry their region).</summary>
        public IReadOnlyList<string> Regions { get; set; } = Array.Empty<string>();

        /// <summary>Check exactly these resources (tagged or not) instead of every tagged one.</summary>
        public IReadOnlyList<string>? ResourceArns { get; set; }

        /// <summary>Only resources of these tiers (names, case-insensitive; UnknownTier otherwise).</summary>
        public IReadOnlyList<string>? Tiers { get; set; }

        /// <summary>Only resources that a selection of one of these backup plans (names, case-insensitive) assigns.</summary>
        public IReadOnlyList<string>? BackupPlanNames { get; set; }

        /// <summary>Only these resource types (EBS, EC2, RDS, Aurora) in the tag scope.</summary>
        public IReadOnlyList<string>? ResourceTypes { get; set; }

        /// <summary>Also look for a copy of every resource's newest point in this region.</summary>
        public string? DrRegion { get; set; }

        /// <summary>The tier objectives to measure against (defaults or a policy file).</summary>
        public TierPolicy Policy { get; set; } = TierPolicy.Default;

        /// <summary>Count VaultNotLocked against the policy (otherwise it is reported, but advisory).</summary>
        public bool RequireVaultLock { get; set; }

        /// <summary>Account of the EC2 ARNs in the tag scope (EC2 describes do not carry it for volumes).</summary>
        public string AccountId { get; set; } = string.Empty;

        /// <summary>The drill ledger (Test-DrRestore's evidence) that fills LastDrillTime/LastDrillRto; read and verified once per call, skipped when the file does not exist.</summary>
        public string? LedgerPath { get; set; }

        /// <summary>With a value, a tiered resource whose last drill is older than this (or that was never drilled) has the DrillOverdue gap, which counts against the policy.</summary>
        public TimeSpan? DrillMaxAge { get; set; }

        /// <summary>The verified ledger records (set from LedgerPath by ListAsync, or directly by tests).</summary>
        public IReadOnlyList<DrillHistoryRecord>? DrillHistory { get; set; }
    }

    /// <summary>
    /// Per resource in scope: its tier and objectives, the newest COMPLETED recovery point and its age in the home
    /// region and in the DR region, whether the RPO is met, the backup plans whose selections assign it, and the gaps.
    /// The tag scope lists every resource of a region, the recovery points of every vault and the selections of every
    /// backup plan once, so a resource is in scope when it has a DrTier tag, a recovery point, or a plan selects it;
    /// resources asked for by ARN are looked up one by one. The DR region is read once per call, by its vaults: a copy keeps the
    /// source resource's ARN. Regions are checked in parallel; a region that cannot be read is an error of its own.
    /// </summary>
    public sealed class ProtectionStatusQuery
    {
        /// <summary>At most this many regions are read at once.</summary>
        public const int MaxParallelRegions = 4;

        private readonly Func<string, RegionClients> _clientsFor;
        private readonly IAwsClock _clock;
        private readonly ConcurrentDictionary<string, Lazy<Task<PointIndex>>> _pointIndexes = new ConcurrentDictionary<string, Lazy<Task<PointIndex>>>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<Task<Dictionary<string, BackupVault>>>> _vaults = new ConcurrentDictionary<string, Lazy<Task<Dictionary<string, BackupVault>>>>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<Task<PlanCoverage>>> _plans = new ConcurrentDictionary<string, Lazy<Task<PlanCoverage>>>(StringComparer.Ordinal);

        /// <summary>The clock ages are measured with (tests pass a fixed one). Region listings are cached for the life of this object.</summary>
        public ProtectionStatusQuery(Func<string, RegionClients> clientsFor, IAwsClock? clock = null)
        {
            _clientsFor = clientsFor ?? throw new ArgumentNullException(nameof(clientsFor));
            _clock = clock ?? SystemClock.Instance;
        }

        /// <summary>Checks every option before anything is sent: ARNs, tier and type names, regions, a DR region that is a home region.</summary>
        public static void Validate(ProtectionStatusOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            foreach (var t in options.Tiers ?? Array.Empty<string>())
            {
                DrTiers.Parse(t, "Tier");
            }

            foreach (var t in options.ResourceTypes ?? Array.Empty<string>())
            {
                var type = ResourceArns.NormalizeResourceType(t, "ResourceType");
                if (!ResourceFinder.SupportedTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
                {
                    throw new DrValidationException("UnsupportedResourceType", "ResourceType", t, $"Get-DrProtectionStatus checks {string.Join(", ", ResourceFinder.SupportedTypes)} resources; '{t}' is not one of them. Nothing was sent.");
                }
            }

            foreach (var r in options.Regions)
            {
                AwsContext.ValidateRegion(r, "-ReportRegion");
            }

            foreach (var n in options.BackupPlanNames ?? Array.Empty<string>())
            {
                if (string.IsNullOrWhiteSpace(n))
                {
                    throw new DrValidationException("InvalidArgument", "BackupPlanName", n, "-BackupPlanName is empty: give the name of a backup plan (Get-DrBackupPlan or the console shows them). Nothing was sent.");
                }
            }

            if (options.DrRegion != null)
            {
                AwsContext.ValidateRegion(options.DrRegion, "-DrRegion");
                if (options.ResourceArns == null && options.Regions.Contains(options.DrRegion, StringComparer.Ordinal))
                {
                    throw DrRegionIsHome(options.DrRegion);
                }
            }

            foreach (var a in options.ResourceArns ?? Array.Empty<string>())
            {
                ValidateArn(a, options.DrRegion);
            }
        }

        /// <summary>Checks one -ResourceArn (a piped one, before its own calls): a resource of a type checked here, in a region other than the DR region.</summary>
        public static Arn ValidateArn(string value, string? drRegion)
        {
            var arn = ResourceArns.ValidateResourceArn(value, "ResourceArn", null);
            var type = ResourceArns.ResourceTypeOf(arn);
            if (!ResourceFinder.SupportedTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
            {
                throw new DrValidationException("UnsupportedResourceType", "ResourceArn", value, $"Get-DrProtectionStatus checks {string.Join(", ", ResourceFinder.SupportedTypes)} resources; '{value}' is a {type} resource. Nothing was sent.");
            }

            if (drRegion != null && string.Equals(arn.Region, drRegion, StringComparison.Ordinal))
            {
                throw DrRegionIsHome(drRegion);
            }

            return arn;
        }

        private static DrValidationException DrRegionIsHome(string drRegion) =>
            new DrValidationException("DrRegionIsHomeRegion", "DrRegion", drRegion, $"-DrRegion {drRegion} is also a region checked as home: a copy in the same region is no disaster-recovery copy. Pass another -DrRegion. Nothing was sent.");

        /// <summary>
        /// Validates the options at once (throws before anything is sent) and streams one status per resource in scope.
        /// A resource or region that cannot be read goes to <paramref name="onError"/> (exception, target) and the rest go on.
        /// </summary>
        public IAsyncEnumerable<ProtectionStatus> ListAsync(ProtectionStatusOptions options, Action<Exception, object?>? onError, CancellationToken cancellationToken)
        {
            Validate(options);
            if (options.DrillHistory == null && !string.IsNullOrEmpty(options.LedgerPath) && File.Exists(options.LedgerPath))
            {
                // A tampered ledger is an error of the whole call (LedgerTampered): its drills cannot be trusted as evidence.
                options.DrillHistory = DrillLedger.Verify(File.ReadAllText(options.LedgerPath), options.LedgerPath!);
            }

            var tiers = options.Tiers?.Select(t => DrTiers.Parse(t, "Tier")).ToList();
            onError ??= (ex, target) => { };
            if (options.ResourceArns != null)
            {
                return ByArn(options, tiers, onError, cancellationToken);
            }

            var regions = options.Regions.Distinct(StringComparer.Ordinal).ToList();
            if (regions.Count == 1)
            {
                return RegionOrError(regions[0], options, tiers, onError, cancellationToken);
            }

            return Merge(regions.Select(r => (Func<CancellationToken, IAsyncEnumerable<ProtectionStatus>>)(ct => RegionOrError(r, options, tiers, onError, ct))).ToList(), cancellationToken);
        }

        /// <summary>The tag scope of one region; a failure of the region is reported as ReportRegionFailed and ends only this region.</summary>
        private async IAsyncEnumerable<ProtectionStatus> RegionOrError(string region, ProtectionStatusOptions options, List<DrTier>? tiers, Action<Exception, object?> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var e = TagScope(region, options, tiers, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    ProtectionStatus item;
                    try
                    {
                        if (!await e.MoveNextAsync().ConfigureAwait(false))
                        {
                            yield break;
                        }

                        item = e.Current;
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is AwsConfigurationException) && !(ex is DrValidationException))
                    {
                        var kind = ex is DrException dr ? dr.Kind : ex is AwsServiceException aws ? DrErrors.KindOf(aws) : DrErrorKind.InvalidOperation;
                        onError(new DrException("ReportRegionFailed", "ReportRegion", region, $"Region {region} could not be checked completely ({ex.Message}); its resources are missing from the status.", kind, ex), region);
                        yield break;
                    }

                    yield return item;
                }
            }
            finally
            {
                await e.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async IAsyncEnumerable<ProtectionStatus> TagScope(string region, ProtectionStatusOptions options, List<DrTier>? tiers, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var clients = _clientsFor(region);
            var home = await IndexOf(region, cancellationToken).ConfigureAwait(false);
            var dr = options.DrRegion == null ? null : await IndexOf(options.DrRegion, cancellationToken).ConfigureAwait(false);
            var plans = await PlansOf(region, cancellationToken).ConfigureAwait(false);
            var finder = new ResourceFinder(clients.Ec2, clients.Rds);
            await foreach (var resource in finder.FindAsync(null, options.ResourceTypes, options.AccountId, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var objectives = options.Policy.Resolve(resource.Tags);
                home.Newest.TryGetValue(resource.ResourceArn, out var point);
                var covering = plans.Covering(resource.ResourceArn, resource.Tags);
                var inScope = tiers != null
                    ? objectives.Tier != null && tiers.Contains(objectives.Tier.Value)
                    : objectives.TierTag != null || point != null || covering.Count > 0;
                if (!inScope || !InPlans(covering, options))
                {
                    continue;
                }

                yield return Evaluate(resource, objectives, point, point == null ? null : VaultOf(home.Vaults, point), dr, options, covering);
            }
        }

        private async IAsyncEnumerable<ProtectionStatus> ByArn(ProtectionStatusOptions options, List<DrTier>? tiers, Action<Exception, object?> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            PointIndex? dr = null;
            if (options.DrRegion != null)
            {
                dr = await IndexOf(options.DrRegion, cancellationToken).ConfigureAwait(false);
            }

            foreach (var text in options.ResourceArns!)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var arn = Arn.Parse(text);
                ProtectionStatus? status = null;
                try
                {
                    var clients = _clientsFor(arn.Region);
                    var resource = await DescribeAsync(clients, arn, cancellationToken).ConfigureAwait(false);
                    var objectives = options.Policy.Resolve(resource.Tags);
                    if (tiers == null || (objectives.Tier != null && tiers.Contains(objectives.Tier.Value)))
                    {
                        var covering = (await PlansOf(arn.Region, cancellationToken).ConfigureAwait(false)).Covering(arn.Text, resource.Tags);
                        if (InPlans(covering, options))
                        {
                            var point = Newest(await Collect(clients.Backup.ListRecoveryPointsByResourceAsync(arn.Text, cancellationToken), cancellationToken).ConfigureAwait(false));
                            var vaults = point == null ? null : await VaultsOf(arn.Region, cancellationToken).ConfigureAwait(false);
                            status = Evaluate(resource, objectives, point, point == null ? null : VaultOf(vaults!, point), dr, options, covering);
                        }
                    }
                }
                catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is AwsConfigurationException))
                {
                    onError(ex, text);
                }

                if (status != null)
                {
                    yield return status;
                }
            }
        }

        /// <summary>With -BackupPlanName, only resources a selection of one of those plans assigns.</summary>
        private static bool InPlans(IReadOnlyList<PlanSelection> covering, ProtectionStatusOptions options) =>
            options.BackupPlanNames == null || options.BackupPlanNames.Count == 0
            || covering.Any(c => options.BackupPlanNames.Contains(c.BackupPlanName, StringComparer.OrdinalIgnoreCase));

        /// <summary>The status of one resource from what was read, no plan selecting it.</summary>
        public ProtectionStatus Evaluate(DrResource resource, ResourceObjectives objectives, RecoveryPoint? point, BackupVault? vault, PointIndex? dr, ProtectionStatusOptions options) =>
            Evaluate(resource, objectives, point, vault, dr, options, null);

        /// <summary>The status of one resource from what was read, and the plan selections that assign it; pure, so the rules are tested without AWS.</summary>
        public ProtectionStatus Evaluate(DrResource resource, ResourceObjectives objectives, RecoveryPoint? point, BackupVault? vault, PointIndex? dr, ProtectionStatusOptions options, IReadOnlyList<PlanSelection>? covering)
        {
            if (resource == null)
            {
                throw new ArgumentNullException(nameof(resource));
            }

            if (objectives == null)
            {
                throw new ArgumentNullException(nameof(objectives));
            }

            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var now = _clock.UtcNow;
            var status = new ProtectionStatus
            {
                ResourceArn = resource.ResourceArn,
                ResourceType = resource.ResourceType,
                Region = resource.Region,
                Tier = objectives.Tier,
                Rpo = objectives.Rpo,
                Rto = objectives.Rto,
                ObjectivesSource = objectives.Source,
                DrRegion = options.DrRegion,
                CheckedAt = now,
            };

            if (covering != null && covering.Count > 0)
            {
                status.BackupPlan = string.Join(", ", covering.Select(c => c.BackupPlanName).Distinct(StringComparer.Ordinal));
                status.BackupSelection = string.Join(", ", covering.Select(c => c.ToString()));
            }

            var gaps = new List<ProtectionGap>();
            if (status.BackupPlan != null && objectives.Tier == null)
            {
                gaps.Add(ProtectionGap.SelectedWithoutTier);
            }

            if (objectives.TagProblem != null)
            {
                gaps.Add(ProtectionGap.InvalidTierTag);
            }

            if (point != null)
            {
                status.LastRecoveryPointArn = point.RecoveryPointArn;
                status.LastBackupTime = point.CreationDate;
                status.LastBackupAge = AgeOf(point, now);
                status.BackupVaultName = point.BackupVaultName;
                status.VaultLocked = IsLocked(vault);
            }

            if (objectives.Tier != null)
            {
                status.RpoMet = point != null && status.LastBackupAge <= objectives.Rpo;
                if (point == null)
                {
                    gaps.Add(ProtectionGap.TaggedNeverBackedUp);
                }
                else if (status.RpoMet == false)
                {
                    gaps.Add(ProtectionGap.RpoMissed);
                }
            }
            else if (objectives.TierTag == null)
            {
                gaps.Add(point != null ? ProtectionGap.BackedUpUntagged : ProtectionGap.UntaggedNeverBackedUp);
            }
            else if (point == null)
            {
                gaps.Add(ProtectionGap.TaggedNeverBackedUp);
            }

            if (dr != null)
            {
                if (dr.Newest.TryGetValue(resource.ResourceArn, out var copy))
                {
                    status.DrRecoveryPointArn = copy.RecoveryPointArn;
                    status.DrCopyTime = copy.CreationDate;
                    status.DrCopyAge = AgeOf(copy, now);
                    status.DrBackupVaultName = copy.BackupVaultName;
                    if (objectives.Rpo != null && status.DrCopyAge > objectives.Rpo)
                    {
                        gaps.Add(ProtectionGap.DrCopyStale);
                    }
                }
                else
                {
                    gaps.Add(ProtectionGap.NoDrCopy);
                }
            }

            if (point != null && status.VaultLocked != true)
            {
                gaps.Add(ProtectionGap.VaultNotLocked);
            }

            var lastDrill = options.DrillHistory?
                .Where(r => string.Equals(r.ResourceArn, resource.ResourceArn, StringComparison.Ordinal))
                .OrderByDescending(r => r.DrillStarted)
                .FirstOrDefault();
            status.LastDrillTime = lastDrill?.DrillStarted;
            status.LastDrillRto = lastDrill?.Rto;
            if (options.DrillMaxAge != null && status.Tier != null && (lastDrill == null || now - lastDrill.DrillStarted > options.DrillMaxAge.Value))
            {
                gaps.Add(ProtectionGap.DrillOverdue);
            }

            gaps.Sort();
            status.Gaps = gaps;
            status.InPolicy = gaps.All(g => g == ProtectionGap.VaultNotLocked && !options.RequireVaultLock);
            var notes = new List<string>();
            if (objectives.TagProblem != null)
            {
                notes.Add(objectives.TagProblem);
            }

            if (gaps.Contains(ProtectionGap.SelectedWithoutTier))
            {
                notes.Add($"backup plan selection {status.BackupSelection} assigns it, but it has no valid {BackupTagKeys.Tier} tag, so nothing says what RPO/RTO it must meet; tag it with Set-DrBackupTag -Tier.");
            }

            status.Notes = notes.Count == 0 ? null : string.Join(" ", notes);
            return status;
        }

        private static TimeSpan? AgeOf(RecoveryPoint point, DateTime now)
        {
            if (point.CreationDate == null)
            {
                return null;
            }

            var age = now - point.CreationDate.Value;
            return age < TimeSpan.Zero ? TimeSpan.Zero : age;
        }

        /// <summary>A vault lock, or a logically air-gapped vault (always locked by AWS); an unknown vault counts as unlocked.</summary>
        public static bool IsLocked(BackupVault? vault) =>
            vault != null && (vault.Locked == true || string.Equals(vault.VaultType, "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", StringComparison.OrdinalIgnoreCase));

        private static BackupVault? VaultOf(IReadOnlyDictionary<string, BackupVault> vaults, RecoveryPoint point) =>
            point.BackupVaultName != null && vaults.TryGetValue(point.BackupVaultName, out var v) ? v : null;

        private static bool IsCompleted(RecoveryPoint p) => string.Equals(p.Status, "COMPLETED", StringComparison.OrdinalIgnoreCase);

        private static RecoveryPoint? Newest(IEnumerable<RecoveryPoint> points) =>
            points.Where(IsCompleted).OrderByDescending(p => p.CreationDate ?? DateTime.MinValue).FirstOrDefault();

        /// <summary>The newest COMPLETED point per resource ARN in a region, and its vaults: read once per region and call.</summary>
        public sealed class PointIndex
        {
            public PointIndex(IReadOnlyDictionary<string, RecoveryPoint> newest, IReadOnlyDictionary<string, BackupVault> vaults)
            {
                Newest = newest;
                Vaults = vaults;
            }

            public IReadOnlyDictionary<string, RecoveryPoint> Newest { get; }

            public IReadOnlyDictionary<string, BackupVault> Vaults { get; }
        }

        private Task<PointIndex> IndexOf(string region, CancellationToken cancellationToken) =>
            Cached(_pointIndexes, region, () => BuildIndexAsync(region, cancellationToken));

        private Task<PlanCoverage> PlansOf(string region, CancellationToken cancellationToken) =>
            Cached(_plans, region, () => PlanCoverage.ReadAsync(_clientsFor(region).Backup, cancellationToken));

        private Task<Dictionary<string, BackupVault>> VaultsOf(string region, CancellationToken cancellationToken) =>
            Cached(_vaults, region, () => ListVaultsAsync(_clientsFor(region).Backup, cancellationToken));

        /// <summary>One task per key; a failed one is forgotten so the next call tries again.</summary>
        private static Task<T> Cached<T>(ConcurrentDictionary<string, Lazy<Task<T>>> cache, string key, Func<Task<T>> factory)
        {
            var lazy = cache.GetOrAdd(key, _ => new Lazy<Task<T>>(factory, LazyThreadSafetyMode.ExecutionAndPublication));
            var task = lazy.Value;
            if (task.IsFaulted || task.IsCanceled)
            {
                ((ICollection<KeyValuePair<string, Lazy<Task<T>>>>)cache).Remove(new KeyValuePair<string, Lazy<Task<T>>>(key, lazy));
            }

            return task;
        }

        private async Task<PointIndex> BuildIndexAsync(string region, CancellationToken cancellationToken)
        {
            var backup = _clientsFor(region).Backup;
            var vaults = await VaultsOf(region, cancellationToken).ConfigureAwait(false);
            var newest = new Dictionary<string, RecoveryPoint>(StringComparer.Ordinal);
            foreach (var vault in vaults.Values)
            {
                await foreach (var p in backup.ListRecoveryPointsByBackupVaultAsync(vault.BackupVaultName, new RecoveryPointFilter(), cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (p.ResourceArn == null || !IsCompleted(p))
                    {
                        continue;
                    }

                    if (!newest.TryGetValue(p.ResourceArn, out var kept) || (p.CreationDate ?? DateTime.MinValue) > (kept.CreationDate ?? DateTime.MinValue))
                    {
                        newest[p.ResourceArn] = p;
                    }
                }
            }

            return new PointIndex(newest, vaults);
        }

        private static async Task<Dictionary<string, BackupVault>> ListVaultsAsync(IBackupApi backup, CancellationToken cancellationToken)
        {
            var vaults = new Dictionary<string, BackupVault>(StringComparer.Ordinal);
            await foreach (var v in backup.ListBackupVaultsAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                vaults[v.BackupVaultName] = v;
            }

            return vaults;
        }

        /// <summary>One resource by ARN, with its tags; the service's not-found error when it does not exist.</summary>
        private static async Task<DrResource> DescribeAsync(RegionClients clients, Arn arn, CancellationToken cancellationToken)
        {
            var type = ResourceArns.ResourceTypeOf(arn);
            var resource = new DrResource { ResourceArn = arn.Text, ResourceType = type, ResourceId = arn.ResourceId, Region = arn.Region };
            switch (type)
            {
                case "EBS":
                    var v = (await Collect(clients.Ec2.DescribeVolumesAsync(new[] { arn.ResourceId }, null, cancellationToken), cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                        ?? throw NotFound(arn, "volume");
                    resource.State = v.State;
                    resource.Tags = v.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
                    break;
                case "EC2":
                    var i = (await Collect(clients.Ec2.DescribeInstancesAsync(new[] { arn.ResourceId }, null, cancellationToken), cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                        ?? throw NotFound(arn, "instance");
                    resource.State = i.State;
                    resource.Tags = i.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
                    break;
                case "RDS":
                    var db = (await Collect(clients.Rds.DescribeDBInstancesAsync(arn.ResourceId, cancellationToken), cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                        ?? throw NotFound(arn, "DB instance");
                    resource.State = db.DBInstanceStatus;
                    resource.Tags = db.TagList.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
                    break;
                default:
                    var c = (await Collect(clients.Rds.DescribeDBClustersAsync(arn.ResourceId, cancellationToken), cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                        ?? throw NotFound(arn, "DB cluster");
                    resource.State = c.Status;
                    resource.Tags = c.TagList.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
                    break;
            }

            return resource;
        }

        private static DrException NotFound(Arn arn, string what) =>
            new DrException("ResourceNotFound", "ResourceArn", arn.Text, $"The {what} {arn.ResourceId} does not exist in {arn.Region}.", DrErrorKind.ObjectNotFound);

        private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> source, CancellationToken cancellationToken)
        {
            var list = new List<T>();
            await foreach (var x in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                list.Add(x);
            }

            return list;
        }

        /// <summary>Runs the listings (at most MaxParallelRegions at once) and yields their items as they arrive, on the caller's side.</summary>
        private static async IAsyncEnumerable<T> Merge<T>(IReadOnlyList<Func<CancellationToken, IAsyncEnumerable<T>>> listings, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var queue = new ConcurrentQueue<T>();
            using var signal = new SemaphoreSlim(0);
            using var gate = new SemaphoreSlim(MaxParallelRegions);
            var tasks = listings.Select(async listing =>
            {
                await gate.WaitAsync(linked.Token).ConfigureAwait(false);
                try
                {
                    await foreach (var item in listing(linked.Token).WithCancellation(linked.Token).ConfigureAwait(false))
                    {
                        queue.Enqueue(item);
                        signal.Release();
                    }
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            var all = Task.WhenAll(tasks);
            try
            {
                while (true)
                {
                    var wake = signal.WaitAsync(linked.Token);
                    var first = await Task.WhenAny(wake, all).ConfigureAwait(false);
                    if (first == wake)
                    {
                        await wake.ConfigureAwait(false);
                        if (queue.TryDequeue(out var item))
                        {
                            yield return item;
                        }

                        continue;
                    }

                    // Every listing ended: drain what is left, then surface a failure (cancellation included).
                    while (queue.TryDequeue(out var rest))
                    {
                        yield return rest;
                    }

                    await all.ConfigureAwait(false);
                    yield break;
                }
            }
            finally
            {
                linked.Cancel();
                try
                {
                    await all.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Already surfaced above, or the consumer stopped early: nothing is left to report.
                }
            }
        }
    }
}
