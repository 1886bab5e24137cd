using System;
using System.Collections.Generic;
using System.Globalization;

namespace BackupDr.Sandbox.State
{
    /// <summary>Everything one account holds in one region.</summary>
    internal sealed class RegionState
    {
        public RegionState(string accountId, string region)
        {
            AccountId = accountId;
            Region = region;
        }

        public string AccountId { get; }
        public string Region { get; }
        public string Partition => Region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn" : Region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov" : "aws";

        public readonly Dictionary<string, Vault> Vaults = new Dictionary<string, Vault>(StringComparer.Ordinal);
        public readonly Dictionary<string, Plan> Plans = new Dictionary<string, Plan>(StringComparer.Ordinal);

        /// <summary>Backup jobs ordered by creation date (oldest first), so listings page by position and the 30-day window is a binary search.</summary>
        public readonly SortedJobList<BackupJob> BackupJobs = new SortedJobList<BackupJob>();
        public readonly SortedJobList<RestoreJob> RestoreJobs = new SortedJobList<RestoreJob>();
        public readonly SortedJobList<CopyJob> CopyJobs = new SortedJobList<CopyJob>();
        public readonly Dictionary<string, RecoveryPoint> RecoveryPoints = new Dictionary<string, RecoveryPoint>(StringComparer.Ordinal);
        public readonly Dictionary<string, string> IdempotencyTokens = new Dictionary<string, string>(StringComparer.Ordinal);
        public readonly Dictionary<string, TagSet> BackupTags = new Dictionary<string, TagSet>(StringComparer.Ordinal);

        public readonly Dictionary<string, Volume> Volumes = new Dictionary<string, Volume>(StringComparer.Ordinal);
        public readonly Dictionary<string, Snapshot> Snapshots = new Dictionary<string, Snapshot>(StringComparer.Ordinal);
        public readonly Dictionary<string, Instance> Instances = new Dictionary<string, Instance>(StringComparer.Ordinal);
        public readonly Dictionary<string, DbInstance> DbInstances = new Dictionary<string, DbInstance>(StringComparer.OrdinalIgnoreCase);
        public readonly Dictionary<string, DbSnapshot> DbSnapshots = new Dictionary<string, DbSnapshot>(StringComparer.OrdinalIgnoreCase);

        public string VaultArn(string name) => $"arn:{Partition}:backup:{Region}:{AccountId}:backup-vault:{name}";
        public string DbArn(string id) => $"arn:{Partition}:rds:{Region}:{AccountId}:db:{id}";
        public string DbSnapshotArn(string id) => $"arn:{Partition}:rds:{Region}:{AccountId}:snapshot:{id}";
        public string VolumeArn(string id) => $"arn:{Partition}:ec2:{Region}:{AccountId}:volume/{id}";
        public string InstanceArn(string id) => $"arn:{Partition}:ec2:{Region}:{AccountId}:instance/{id}";
        public string SnapshotArn(string id) => $"arn:{Partition}:ec2:{Region}::snapshot/{id}";
        public string DefaultAz => Region + "a";
    }

    /// <summary>A list kept sorted by creation date with an id index; appends of the newest job are O(1).</summary>
    internal sealed class SortedJobList<T>
        where T : JobBase
    {
        private readonly List<T> _items = new List<T>();
        private readonly Dictionary<string, T> _byId = new Dictionary<string, T>(StringComparer.Ordinal);
        private bool _dirty;

        public int Count => _items.Count;

        public void Add(T job)
        {
            if (_items.Count > 0 && _items[_items.Count - 1].CreationDate > job.CreationDate)
            {
                _dirty = true;
            }

            _items.Add(job);
            _byId[job.Id] = job;
        }

        public bool TryGet(string id, out T job) => _byId.TryGetValue(id, out job!);

        /// <summary>The jobs, oldest first.</summary>
        public List<T> Items
        {
            get
            {
                if (_dirty)
                {
                    // Stable: equal dates keep insertion order.
                    var indexed = new List<KeyValuePair<int, T>>(_items.Count);
                    for (var i = 0; i < _items.Count; i++)
                    {
                        indexed.Add(new KeyValuePair<int, T>(i, _items[i]));
                    }

                    indexed.Sort((a, b) =>
                    {
                        var c = a.Value.CreationDate.CompareTo(b.Value.CreationDate);
                        return c != 0 ? c : a.Key.CompareTo(b.Key);
                    });
                    _items.Clear();
                    foreach (var kv in indexed)
                    {
                        _items.Add(kv.Value);
                    }

                    _dirty = false;
                }

                return _items;
            }
        }

        /// <summary>Index of the first job created at or after <paramref name="date"/>.</summary>
        public int LowerBound(DateTime date)
        {
            var items = Items;
            int lo = 0, hi = items.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (items[mid].CreationDate < date)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }

    /// <summary>All accounts and regions, plus the jobs whose side effects are still to happen.</summary>
    internal sealed class World
    {
        /// <summary>AWS Backup's own vault, present in every region of an account that uses AWS Backup.</summary>
        public const string DefaultVaultName = "Default";

        private readonly Dictionary<string, RegionState> _regions = new Dictionary<string, RegionState>(StringComparer.Ordinal);
        private readonly Func<DateTime> _clock;

        /// <summary>The clock dates the Default vault of each region when the region's state is first made.</summary>
        public World(Func<DateTime>? clock = null)
        {
            _clock = clock ?? (() => DateTime.UtcNow);
        }

        public readonly List<JobBase> Active = new List<JobBase>();

        /// <summary>The organization and roles (State/Accounts.cs).</summary>
        public readonly Organization Organization = new Organization();

        /// <summary>Read replicas being promoted (status 'modifying'), ended by JobEngine.AdvancePromotions.</summary>
        public readonly List<(RegionState State, DbInstance Db)> Promotions = new List<(RegionState State, DbInstance Db)>();

        public RegionState Get(string accountId, string region) => Get(accountId, region, null);

        /// <summary>The state of one account and region; <paramref name="now"/> (the call's time) dates a new region's Default vault.</summary>
        public RegionState Get(string accountId, string region, DateTime? now)
        {
            var key = accountId + "/" + region;
            if (!_regions.TryGetValue(key, out var state))
            {
                state = new RegionState(accountId, region);
                AddDefaultVault(state, now ?? _clock());
                _regions[key] = state;
            }

            return state;
        }

        public IEnumerable<RegionState> All => _regions.Values;

        /// <summary>
        /// Every region starts with the Default vault, as an account that uses AWS Backup has. Its key ARN is
        /// derived, not random, so creating a region draws nothing from the sandbox's seeded random sequence.
        /// </summary>
        private static void AddDefaultVault(RegionState state, DateTime now)
        {
            var vault = new Vault
            {
                Name = DefaultVaultName,
                Arn = state.VaultArn(DefaultVaultName),
                CreationDate = now,
                EncryptionKeyArn = $"arn:{state.Partition}:kms:{state.Region}:{state.AccountId}:key/aws-backup-default",
            };
            state.Vaults[vault.Name] = vault;
            state.BackupTags[vault.Arn] = new TagSet();
        }

        public void Clear()
        {
            _regions.Clear();
            Active.Clear();
            Promotions.Clear();
            Organization.Clear();
        }

        public static string Iso(DateTime d) => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
