using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Arn = BackupDr.Core.Model.Arn;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox
{
    /// <summary>A seed document that cannot be loaded: where (1-based line) and why.</summary>
    public sealed class SandboxSeedException : Exception
    {
        public SandboxSeedException(string source, long line, string reason, Exception? inner = null)
            : base($"{source}, line {line}: {reason}", inner)
        {
            Source2 = source;
            LineNumber = line;
            Reason = reason;
        }

        /// <summary>The file (or "(json)") the error is in.</summary>
        public string Source2 { get; }
        public long LineNumber { get; }
        public string Reason { get; }
    }

    /// <summary>What a seed added.</summary>
    public sealed class SeedSummary
    {
        public int Volumes { get; internal set; }
        public int Instances { get; internal set; }
        public int DbInstances { get; internal set; }
        public int Vaults { get; internal set; }
        public int RecoveryPoints { get; internal set; }
        public int BackupJobs { get; internal set; }

        public override string ToString() =>
            $"{Volumes} volumes, {Instances} instances, {DbInstances} DB instances, {Vaults} vaults, {RecoveryPoints} recovery points, {BackupJobs} backup jobs";
    }

    /// <summary>
    /// Reads a seed document with Utf8JsonReader, one element at a time, remembering the line each element
    /// starts on so that a semantic error (unknown vault, bad state) is reported where it is.
    /// </summary>
    internal sealed partial class Seeder
    {
        private static readonly HashSet<string> JobStates = new HashSet<string>(StringComparer.Ordinal)
        {
            "CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL",
        };

        /// <summary>Recovery point states AWS Backup reports (RecoveryPointStatus).</summary>
        private static readonly HashSet<string> PointStates = new HashSet<string>(StringComparer.Ordinal)
        {
            "COMPLETED", "PARTIAL", "DELETING", "EXPIRED", "AVAILABLE", "STOPPED", "CREATING",
        };

        private readonly SandboxServer _server;
        private readonly string _source;
        private List<int> _lineStarts = new List<int>();

        /// <summary>Links of the region entry being read (read replicas to their sources), run after its inserts.</summary>
        private List<Action<World, RegionState>> _links = new List<Action<World, RegionState>>();

        public Seeder(SandboxServer server, string source)
        {
            _server = server;
            _source = source;
        }

        internal sealed class Parsed
        {
            public List<Action<World, SeedSummary>> Steps = new List<Action<World, SeedSummary>>();
        }

        private long LineOf(long offset)
        {
            int lo = 0, hi = _lineStarts.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (_lineStarts[mid] <= offset)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return lo + 1;
        }

        private SandboxSeedException Fail(long line, string reason) => new SandboxSeedException(_source, line, reason);

        public Parsed Parse(Stream stream)
        {
            byte[] bytes;
            using (var ms = new MemoryStream())
            {
                stream.CopyTo(ms);
                bytes = ms.ToArray();
            }

            _lineStarts = new List<int> { 0 };
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    _lineStarts.Add(i + 1);
                }
            }

            var parsed = new Parsed();
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            try
            {
                Expect(ref reader, JsonTokenType.StartObject, "the document must be a JSON object with a 'regions' array");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString();
                    var line = LineOf(reader.TokenStartIndex);
                    reader.Read();
                    if (name == "regions")
                    {
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            throw Fail(line, "'regions' must be an array.");
                        }

                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            ParseRegion(ref reader, parsed);
                        }
                    }
                    else if (name == "organization" || name == "roles")
                    {
                        // Several accounts (Seeder.Accounts.cs).
                        using var doc = JsonDocument.ParseValue(ref reader);
                        parsed.Steps.Add(ParseAccounts(name!, line, doc.RootElement.Clone()));
                    }
                    else if (name == "$schema" || name == "description")
                    {
                        reader.Skip();
                    }
                    else
                    {
                        throw Fail(line, $"unknown top-level member '{name}' (expected 'regions', 'organization' or 'roles').");
                    }
                }
            }
            catch (JsonException e)
            {
                throw new SandboxSeedException(_source, (e.LineNumber ?? 0) + 1, "invalid JSON: " + e.Message, e);
            }

            return parsed;
        }

        private void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
        {
            if (!reader.Read() || reader.TokenType != type)
            {
                throw Fail(LineOf(reader.TokenStartIndex), what + ".");
            }
        }

        private void ParseRegion(ref Utf8JsonReader reader, Parsed parsed)
        {
            var regionLine = LineOf(reader.TokenStartIndex);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Fail(regionLine, "each entry of 'regions' must be an object.");
            }

            string? region = null;
            var account = _server.Options.DefaultAccountId;
            var items = new List<(string Kind, long Line, JsonElement Element)>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString()!;
                var line = LineOf(reader.TokenStartIndex);
                reader.Read();
                switch (name)
                {
                    case "region":
                        region = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw Fail(line, "'region' must be a string.");
                        break;
                    case "accountId":
                        account = reader.TokenType == JsonTokenType.String && reader.GetString()!.Length == 12 && reader.GetString()!.All(char.IsDigit)
                            ? reader.GetString()! : throw Fail(line, "'accountId' must be a 12-digit string.");
                        break;
                    case "volumes":
                    case "instances":
                    case "dbInstances":
                    case "vaults":
                    case "recoveryPoints":
                    case "backupJobs":
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            throw Fail(line, $"'{name}' must be an array.");
                        }

                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            var itemLine = LineOf(reader.TokenStartIndex);
                            if (reader.TokenType != JsonTokenType.StartObject)
                            {
                                throw Fail(itemLine, $"each entry of '{name}' must be an object.");
                            }

                            using var doc = JsonDocument.ParseValue(ref reader);
                            items.Add((name, itemLine, doc.RootElement.Clone()));
                        }

                        break;
                    case "generatedBackupJobs":
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw Fail(line, "'generatedBackupJobs' must be an object.");
                        }

                        using (var doc = JsonDocument.ParseValue(ref reader))
                        {
                            items.Add((name, line, doc.RootElement.Clone()));
                        }

                        break;
                    default:
                        throw Fail(line, $"unknown region member '{name}' (expected region, accountId, volumes, instances, dbInstances, vaults, recoveryPoints, backupJobs, generatedBackupJobs).");
                }
            }

            if (string.IsNullOrEmpty(region) || !System.Text.RegularExpressions.Regex.IsMatch(region, "^[a-z]{2}(-[a-z]+)+-\\d$"))
            {
                throw Fail(regionLine, $"region entry needs a valid 'region' (got '{region}').");
            }

            // Validate everything now (outside the lock); the step only inserts.
            var regionName = region!;
            var st = new RegionState(account, regionName);
            var order = new[] { "vaults", "volumes", "instances", "dbInstances", "recoveryPoints", "backupJobs", "generatedBackupJobs" };
            var vaultNames = new HashSet<string>(items.Where(i => i.Kind == "vaults").Select(i => Str(i.Element, "name", i.Line, true)!), StringComparer.Ordinal)
            {
                World.DefaultVaultName,
            };
            var now = _server.Now;
            _links = new List<Action<World, RegionState>>();
            var links = _links;
            var inserts = new List<Action<RegionState, SeedSummary>>();
            foreach (var kind in order)
            {
                foreach (var (_, line, e) in items.Where(i => i.Kind == kind))
                {
                    inserts.Add(Build(kind, line, e, st, vaultNames, now));
                }
            }

            parsed.Steps.Add((world, summary) =>
            {
                var target = world.Get(account, regionName);
                foreach (var insert in inserts)
                {
                    insert(target, summary);
                }

                foreach (var link in links)
                {
                    link(world, target);
                }
            });
        }

        private string? Str(JsonElement e, string name, long line, bool required)
        {
            if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
            {
                return v.GetString();
            }

            if (e.TryGetProperty(name, out v) && v.ValueKind != JsonValueKind.Null)
            {
                throw Fail(line, $"'{name}' must be a string.");
            }

            return required ? throw Fail(line, $"missing required member '{name}'.") : null;
        }

        private int Int(JsonElement e, string name, long line, int fallback) =>
            !e.TryGetProperty(name, out var v) ? fallback : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw Fail(line, $"'{name}' must be an integer.");

        private bool Bool(JsonElement e, string name, long line) =>
            e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind != JsonValueKind.False ? throw Fail(line, $"'{name}' must be true or false.") : false));

        /// <summary>'createdAt' (ISO 8601) or 'ageMinutes'/'ageDays' before the sandbox clock.</summary>
        private DateTime When(JsonElement e, string prefix, long line, DateTime now, bool required)
        {
            var iso = Str(e, prefix + "At", line, false);
            if (iso != null)
            {
                return DateTime.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                    ? d : throw Fail(line, $"'{prefix}At' is not an ISO 8601 time: '{iso}'.");
            }

            if (e.TryGetProperty(prefix + "AgeMinutes", out var m))
            {
                return m.ValueKind == JsonValueKind.Number ? now.AddMinutes(-m.GetDouble()) : throw Fail(line, $"'{prefix}AgeMinutes' must be a number.");
            }

            if (e.TryGetProperty(prefix + "AgeDays", out var days))
            {
                return days.ValueKind == JsonValueKind.Number ? now.AddDays(-days.GetDouble()) : throw Fail(line, $"'{prefix}AgeDays' must be a number.");
            }

            return required ? throw Fail(line, $"missing '{prefix}At' (ISO 8601) or '{prefix}AgeMinutes'/'{prefix}AgeDays'.") : now;
        }

        private TagSet Tags(JsonElement e, long line)
        {
            var tags = new TagSet();
            if (e.TryGetProperty("tags", out var t))
            {
                if (t.ValueKind != JsonValueKind.Object)
                {
                    throw Fail(line, "'tags' must be an object of string values.");
                }

                foreach (var p in t.EnumerateObject())
                {
                    tags[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Fail(line, $"tag '{p.Name}' must have a string value.");
                }
            }

            return tags;
        }

        private Action<RegionState, SeedSummary> Build(string kind, long line, JsonElement e, RegionState st, HashSet<string> vaultNames, DateTime now)
        {
            switch (kind)
            {
                case "vaults":
                {
                    var name = Str(e, "name", line, true)!;
                    var tags = Tags(e, line);
                    var created = When(e, "created", line, now, false);
                    return (s, sum) =>
                    {
                        // A vault that exists (the Default vault every region starts with, or one seeded before) is
                        // merged: its tags are added and nothing else changes, so a seed may declare Default.
                        if (s.Vaults.TryGetValue(name, out var existing))
                        {
                            if (!s.BackupTags.TryGetValue(existing.Arn, out var kept))
                            {
                                s.BackupTags[existing.Arn] = kept = new TagSet();
                            }

                            foreach (var kv in tags)
                            {
                                kept[kv.Key] = kv.Value;
                            }

                            return;
                        }

                        var v = new Vault { Name = name, Arn = s.VaultArn(name), CreationDate = created, EncryptionKeyArn = $"arn:aws:kms:{s.Region}:{s.AccountId}:key/sandbox" };
                        s.Vaults[name] = v;
                        s.BackupTags[v.Arn] = tags;
                        sum.Vaults++;
                    };
                }

                case "volumes":
                {
                    var id = Str(e, "id", line, true)!;
                    if (!id.StartsWith("vol-", StringComparison.Ordinal))
                    {
                        throw Fail(line, $"volume id '{id}' must start with 'vol-'.");
                    }

                    var v = new Volume
                    {
                        Id = id, Size = Int(e, "size", line, 8), AvailabilityZone = Str(e, "availabilityZone", line, false) ?? st.DefaultAz,
                        VolumeType = Str(e, "volumeType", line, false) ?? "gp3", Encrypted = Bool(e, "encrypted", line), Tags = Tags(e, line),
                        CreateTime = When(e, "created", line, now, false), AttachedInstanceId = Str(e, "instanceId", line, false),
                    };
                    return (s, sum) => { s.Volumes[id] = v; sum.Volumes++; };
                }

                case "instances":
                {
                    var id = Str(e, "id", line, true)!;
                    if (!id.StartsWith("i-", StringComparison.Ordinal))
                    {
                        throw Fail(line, $"instance id '{id}' must start with 'i-'.");
                    }

                    var inst = new Instance
                    {
                        Id = id, InstanceType = Str(e, "instanceType", line, false) ?? "t3.micro", AvailabilityZone = Str(e, "availabilityZone", line, false) ?? st.DefaultAz,
                        State = Str(e, "state", line, false) ?? "running", Tags = Tags(e, line), LaunchTime = When(e, "launched", line, now, false),
                    };
                    if (e.TryGetProperty("volumeIds", out var vols))
                    {
                        if (vols.ValueKind != JsonValueKind.Array)
                        {
                            throw Fail(line, "'volumeIds' must be an array of strings.");
                        }

                        inst.VolumeIds.AddRange(vols.EnumerateArray().Select(x => x.GetString() ?? string.Empty));
                    }

                    return (s, sum) =>
                    {
                        s.Instances[id] = inst;
                        foreach (var vid in inst.VolumeIds)
                        {
                            if (s.Volumes.TryGetValue(vid, out var vol))
                            {
                                vol.AttachedInstanceId = id;
                            }
                        }

                        sum.Instances++;
                    };
                }

                case "dbInstances":
                {
                    var id = Str(e, "id", line, true)!;
                    var db = new DbInstance
                    {
                        Identifier = id.ToLowerInvariant(), Class = Str(e, "class", line, false) ?? "db.t3.micro", Engine = Str(e, "engine", line, false) ?? "postgres",
                        EngineVersion = Str(e, "engineVersion", line, false) ?? "16.3", AllocatedStorage = Int(e, "allocatedStorage", line, 20),
                        AvailabilityZone = Str(e, "availabilityZone", line, false) ?? st.DefaultAz, MultiAz = Bool(e, "multiAz", line),
                        SubnetGroupName = Str(e, "subnetGroup", line, false) ?? "default", Tags = Tags(e, line), CreateTime = When(e, "created", line, now, false),
                        ResourceId = "db-" + id.ToUpperInvariant().Replace("-", string.Empty).PadRight(26, 'X').Substring(0, 26),
                    };
                    var source = Str(e, "readReplicaSource", line, false);
                    if (e.TryGetProperty("replicaLagSeconds", out var lag))
                    {
                        db.ReplicaLagSeconds = lag.ValueKind == JsonValueKind.Number && lag.GetDouble() >= 0 ? lag.GetDouble() : throw Fail(line, "'replicaLagSeconds' must be a number of 0 or more.");
                        if (source == null)
                        {
                            throw Fail(line, "'replicaLagSeconds' is for read replicas: give 'readReplicaSource' too.");
                        }
                    }

                    if (source != null)
                    {
                        Arn? sourceArn = null;
                        if (source.StartsWith("arn:", StringComparison.Ordinal) && (!Arn.TryParse(source, out sourceArn) || sourceArn!.Service != "rds" || sourceArn.ResourceType != "db"))
                        {
                            throw Fail(line, $"'readReplicaSource' must be a DB instance identifier of this region or a DB instance ARN: '{source}'.");
                        }

                        db.ReadReplicaSource = sourceArn == null ? source.ToLowerInvariant() : source;
                        db.BackupRetentionPeriod = 0;
                        _links.Add((world, s) =>
                        {
                            var from = sourceArn == null ? s : world.Get(sourceArn.AccountId, sourceArn.Region);
                            var sourceId = sourceArn == null ? source : sourceArn.ResourceId;
                            if (!from.DbInstances.TryGetValue(sourceId, out var primary))
                            {
                                throw Fail(line, $"read replica '{id}' names source '{source}', which is not seeded (seed the source's region entry before the replica's).");
                            }

                            var member = from == s ? db.Identifier : s.DbArn(db.Identifier);
                            if (!primary.ReadReplicas.Contains(member))
                            {
                                primary.ReadReplicas.Add(member);
                            }
                        });
                    }

                    return (s, sum) => { s.DbInstances[db.Identifier] = db; sum.DbInstances++; };
                }

                case "recoveryPoints":
                {
                    var vault = Str(e, "vault", line, true)!;
                    if (!vaultNames.Contains(vault))
                    {
                        throw Fail(line, $"recovery point names vault '{vault}', which this region entry does not declare in 'vaults'.");
                    }

                    var resourceArn = Str(e, "resourceArn", line, true)!;
                    if (!Arn.TryParse(resourceArn, out var ra) || JobEngine.ResourceTypeOf(ra!) == string.Empty)
                    {
                        throw Fail(line, $"'resourceArn' is not an EBS volume, EC2 instance or RDS DB instance ARN: '{resourceArn}'.");
                    }

                    var arn = Str(e, "arn", line, true)!;
                    if (!Arn.TryParse(arn, out _))
                    {
                        throw Fail(line, $"'arn' is not an ARN: '{arn}'.");
                    }

                    var created = When(e, "created", line, now, true);
                    var size = e.TryGetProperty("sizeInBytes", out var sz) && sz.ValueKind == JsonValueKind.Number ? sz.GetInt64() : 0;
                    var type = JobEngine.ResourceTypeOf(ra!);
                    var status = Str(e, "status", line, false) ?? "COMPLETED";
                    if (!PointStates.Contains(status))
                    {
                        throw Fail(line, $"unknown recovery point status '{status}' (one of {string.Join(", ", PointStates)}).");
                    }

                    return (s, sum) =>
                    {
                        var rp = new RecoveryPoint
                        {
                            Arn = arn, VaultName = vault, VaultArn = s.VaultArn(vault), ResourceArn = resourceArn, ResourceType = type,
                            IamRoleArn = $"arn:aws:iam::{s.AccountId}:role/service-role/AWSBackupDefaultServiceRole", CreationDate = created,
                            CompletionDate = status == "CREATING" ? (DateTime?)null : created, Status = status,
                            SizeInBytes = size, ResourceName = type == "RDS" ? ra!.ResourceId : null,
                        };
                        if (type == "EBS")
                        {
                            rp.RestoreMetadata = s.Volumes.TryGetValue(ra!.ResourceId, out var vol) ? JobEngine.EbsMetadata(vol) : JobEngine.EbsMetadata(new Volume { AvailabilityZone = s.DefaultAz, Size = 8 });
                            var snapId = Arn.Parse(arn).ResourceId;
                            if (snapId.StartsWith("snap-", StringComparison.Ordinal))
                            {
                                s.Snapshots[snapId] = new Snapshot { Id = snapId, VolumeId = ra.ResourceId, VolumeSize = int.Parse(rp.RestoreMetadata["volumeSize"], CultureInfo.InvariantCulture), StartTime = created, OwnerId = s.AccountId, AvailabilityZone = s.DefaultAz };
                            }
                        }
                        else if (type == "RDS")
                        {
                            var db = s.DbInstances.TryGetValue(ra!.ResourceId, out var d) ? d : new DbInstance { Identifier = ra.ResourceId, AvailabilityZone = s.DefaultAz };
                            rp.RestoreMetadata = JobEngine.RdsMetadata(db);
                            var res = Arn.Parse(arn).Resource;
                            if (res.StartsWith("snapshot:", StringComparison.Ordinal))
                            {
                                var name = res.Substring("snapshot:".Length);
                                s.DbSnapshots[name] = JobEngine.SnapshotOf(db, name, "awsbackup", created);
                            }
                        }

                        s.RecoveryPoints[arn] = rp;
                        sum.RecoveryPoints++;
                    };
                }

                case "generatedBackupJobs":
                    return Generate(line, e, st, vaultNames, now);

                default:
                {
                    var vault = Str(e, "vault", line, true)!;
                    if (!vaultNames.Contains(vault))
                    {
                        throw Fail(line, $"backup job names vault '{vault}', which this region entry does not declare in 'vaults'.");
                    }

                    var resourceArn = Str(e, "resourceArn", line, true)!;
                    if (!Arn.TryParse(resourceArn, out var ra) || JobEngine.ResourceTypeOf(ra!) == string.Empty)
                    {
                        throw Fail(line, $"'resourceArn' is not an EBS volume, EC2 instance or RDS DB instance ARN: '{resourceArn}'.");
                    }

                    var state = Str(e, "state", line, false) ?? "COMPLETED";
                    if (!JobStates.Contains(state))
                    {
                        throw Fail(line, $"unknown job state '{state}' (one of {string.Join(", ", JobStates)}).");
                    }

                    var created = When(e, "created", line, now, true);
                    var job = new BackupJob
                    {
                        Id = Str(e, "id", line, false) ?? _server.NewGuid().ToUpperInvariant(),
                        AccountId = st.AccountId, Region = st.Region, CreationDate = created, FixedState = state, VaultName = vault, ResourceArn = resourceArn,
                        ResourceType = JobEngine.ResourceTypeOf(ra!), ResourceName = ra!.Service == "rds" ? ra.ResourceId : null,
                        MessageCategory = Str(e, "messageCategory", line, false) ?? (state == "COMPLETED" ? "SUCCESS" : state == "FAILED" ? "FAILURE" : state),
                        StatusMessage = Str(e, "statusMessage", line, false), RecoveryPointArn = Str(e, "recoveryPointArn", line, false) ?? string.Empty,
                        IamRoleArn = $"arn:aws:iam::{st.AccountId}:role/service-role/AWSBackupDefaultServiceRole",
                        SizeInBytes = e.TryGetProperty("sizeInBytes", out var sz) && sz.ValueKind == JsonValueKind.Number ? sz.GetInt64() : 0,
                        ParentJobId = Str(e, "parentJobId", line, false), Materialized = true,
                    };
                    if (JobBase.IsTerminal(state))
                    {
                        job.CompletionDate = e.TryGetProperty("completedAt", out _) || e.TryGetProperty("completedAgeMinutes", out _) || e.TryGetProperty("completedAgeDays", out _)
                            ? When(e, "completed", line, now, true) : created.AddMinutes(10);
                    }

                    return (s, sum) =>
                    {
                        job.VaultArn = s.VaultArn(vault);
                        s.BackupJobs.Add(job);
                        sum.BackupJobs++;
                    };
                }
            }
        }

        /// <summary>
        /// Many finished backup jobs at once (benchmarks, scale tests): Count jobs created evenly from SpreadDays before the
        /// clock up to NewestAgeMinutes before it, over Resources RDS DB instances, every FailedEvery-th FAILED and every
        /// IssuesEvery-th COMPLETED with PARTIAL_SUCCESS; strings shared between jobs, so 1,000,000 load in seconds.
        /// </summary>
        private Action<RegionState, SeedSummary> Generate(long line, JsonElement e, RegionState st, HashSet<string> vaultNames, DateTime now)
        {
            var vault = Str(e, "vault", line, false) ?? World.DefaultVaultName;
            if (!vaultNames.Contains(vault))
            {
                throw Fail(line, $"generatedBackupJobs names vault '{vault}', which this region entry does not declare in 'vaults'.");
            }

            var count = Int(e, "count", line, 0);
            var resources = Int(e, "resources", line, 100);
            var failedEvery = Int(e, "failedEvery", line, 0);
            var issuesEvery = Int(e, "issuesEvery", line, 0);
            var spreadDays = e.TryGetProperty("spreadDays", out var sd) && sd.ValueKind == JsonValueKind.Number ? sd.GetDouble() : 7;
            var newestAge = e.TryGetProperty("newestAgeMinutes", out var na) && na.ValueKind == JsonValueKind.Number ? na.GetDouble() : 1;
            var prefix = Str(e, "idPrefix", line, false) ?? "gen";
            if (count < 0 || count > 10_000_000 || resources < 1 || failedEvery < 0 || issuesEvery < 0 || spreadDays <= 0 || newestAge < 0)
            {
                throw Fail(line, "generatedBackupJobs needs 0 <= count <= 10000000, resources >= 1, spreadDays > 0, newestAgeMinutes >= 0, failedEvery and issuesEvery >= 0.");
            }

            var newest = now.AddMinutes(-newestAge);
            var oldest = now.AddDays(-spreadDays);
            var step = count > 1 ? (newest - oldest).Ticks / (count - 1) : 0;
            return (s, sum) =>
            {
                var vaultArn = s.VaultArn(vault);
                var role = $"arn:aws:iam::{s.AccountId}:role/service-role/AWSBackupDefaultServiceRole";
                var names = new string[resources];
                var arns = new string[resources];
                for (var r = 0; r < resources; r++)
                {
                    names[r] = "gen-db-" + r.ToString("D5", CultureInfo.InvariantCulture);
                    arns[r] = s.DbArn(names[r]);
                }

                const string failure = "The RDS instance was not in the available state (generated job).";
                for (var i = 0; i < count; i++)
                {
                    var failed = failedEvery > 0 && i % failedEvery == failedEvery - 1;
                    var issues = !failed && issuesEvery > 0 && i % issuesEvery == issuesEvery - 1;
                    var created = new DateTime(oldest.Ticks + (step * i), DateTimeKind.Utc);
                    var r = i % resources;
                    s.BackupJobs.Add(new BackupJob
                    {
                        Id = prefix + "-" + i.ToString("D8", CultureInfo.InvariantCulture),
                        AccountId = s.AccountId, Region = s.Region, CreationDate = created, CompletionDate = created.AddMinutes(10),
                        FixedState = failed ? "FAILED" : "COMPLETED", MessageCategory = failed ? "FAILURE" : issues ? "PARTIAL_SUCCESS" : "SUCCESS",
                        StatusMessage = failed ? failure : null, VaultName = vault, VaultArn = vaultArn, ResourceArn = arns[r], ResourceType = "RDS",
                        ResourceName = names[r], IamRoleArn = role, SizeInBytes = failed ? 0 : 1073741824L, Materialized = true,
                    });
                }

                sum.BackupJobs += count;
            };
        }

        public SeedSummary Apply(Parsed parsed)
        {
            var summary = new SeedSummary();
            foreach (var step in parsed.Steps)
            {
                step(_server.World, summary);
            }

            return summary;
        }
    }
}
