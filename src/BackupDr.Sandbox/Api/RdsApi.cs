using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Arn = BackupDr.Core.Model.Arn;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Amazon RDS (query protocol, 2014-10-31): DB instances, snapshots, read replicas and tags.</summary>
    internal sealed class RdsApi : QueryApi
    {
        private static readonly Regex Identifier = new Regex("^[a-zA-Z][a-zA-Z0-9-]{0,62}$", RegexOptions.CultureInvariant);

        public RdsApi()
        {
            Actions = new Dictionary<string, Func<CallContext, QueryArgs, string>>(StringComparer.Ordinal)
            {
                ["CreateDBInstance"] = CreateDBInstance,
                ["DescribeDBInstances"] = DescribeDBInstances,
                ["DescribeDBClusters"] = DescribeDBClusters,
                ["AddTagsToResource"] = AddTags,
                ["RemoveTagsFromResource"] = RemoveTags,
                ["ListTagsForResource"] = ListTags,
                ["CreateDBSnapshot"] = CreateDBSnapshot,
                ["DescribeDBSnapshots"] = DescribeDBSnapshots,
                ["CopyDBSnapshot"] = CopyDBSnapshot,
                ["RestoreDBInstanceFromDBSnapshot"] = RestoreFromSnapshot,
                ["CreateDBInstanceReadReplica"] = CreateReadReplica,
                ["PromoteReadReplica"] = PromoteReadReplica,
                ["DeleteDBInstance"] = DeleteDBInstance,
            };
        }

        protected override string Version => "2014-10-31";
        protected override bool IsEc2 => false;
        protected override Dictionary<string, Func<CallContext, QueryArgs, string>> Actions { get; }

        private static SandboxError DbNotFound(string id) => new SandboxError(404, "DBInstanceNotFound", $"DBInstance {id} not found.");

        private static SandboxError SnapNotFound(string id) => new SandboxError(404, "DBSnapshotNotFound", $"DBSnapshot {id} not found.");

        private static void CheckId(string id, string name)
        {
            if (!Identifier.IsMatch(id) || id.EndsWith("-", StringComparison.Ordinal) || id.Contains("--"))
            {
                throw new SandboxError(400, "InvalidParameterValue", $"The parameter {name} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.");
            }
        }

        private static DbInstance Db(RegionState st, string id) => st.DbInstances.TryGetValue(id, out var db) ? db : throw DbNotFound(id);

        private static void ReadTags(QueryArgs q, TagSet into)
        {
            foreach (var t in q.Structs("Tags"))
            {
                if (t.TryGetValue("Key", out var k))
                {
                    into[k] = t.TryGetValue("Value", out var v) ? v : string.Empty;
                }
            }
        }

        private static string TagList(TagSet tags) =>
            "<TagList>" + string.Concat(tags.Select(kv => $"<Tag><Key>{Wire.Esc(kv.Key)}</Key><Value>{Wire.Esc(kv.Value)}</Value></Tag>")) + "</TagList>";

        private static string DbXml(RegionState st, DbInstance d)
        {
            var sb = new StringBuilder("<DBInstance>");
            sb.Append(E("DBInstanceIdentifier", d.Identifier)).Append(E("DBInstanceClass", d.Class)).Append(E("Engine", d.Engine))
              .Append(E("DBInstanceStatus", d.Status)).Append(E("MasterUsername", d.MasterUsername))
              .Append($"<Endpoint><Address>{d.Identifier}.sandbox.{st.Region}.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>")
              .Append(E("AllocatedStorage", d.AllocatedStorage)).Append(E("InstanceCreateTime", d.CreateTime))
              .Append(E("BackupRetentionPeriod", d.BackupRetentionPeriod)).Append(E("AvailabilityZone", d.AvailabilityZone))
              .Append($"<DBSubnetGroup><DBSubnetGroupName>{Wire.Esc(d.SubnetGroupName)}</DBSubnetGroupName><SubnetGroupStatus>Complete</SubnetGroupStatus></DBSubnetGroup>")
              .Append(E("MultiAZ", d.MultiAz)).Append(E("EngineVersion", d.EngineVersion)).Append(E("AutoMinorVersionUpgrade", true))
              .Append(E("ReadReplicaSourceDBInstanceIdentifier", d.ReadReplicaSource))
              .Append("<ReadReplicaDBInstanceIdentifiers>").Append(string.Concat(d.ReadReplicas.Select(r => E("ReadReplicaDBInstanceIdentifier", r)))).Append("</ReadReplicaDBInstanceIdentifiers>")
              .Append(E("PubliclyAccessible", false)).Append(E("StorageType", d.StorageType)).Append(E("StorageEncrypted", d.StorageEncrypted))
              .Append(E("DbiResourceId", d.ResourceId)).Append(E("DBInstanceArn", st.DbArn(d.Identifier))).Append(E("DeletionProtection", false))
              .Append(TagList(d.Tags)).Append("</DBInstance>");
            return sb.ToString();
        }

        private static string SnapXml(RegionState st, DbSnapshot s)
        {
            var sb = new StringBuilder("<DBSnapshot>");
            sb.Append(E("DBSnapshotIdentifier", s.Identifier)).Append(E("DBInstanceIdentifier", s.InstanceIdentifier))
              .Append(E("SnapshotCreateTime", s.CreateTime)).Append(E("Engine", s.Engine)).Append(E("AllocatedStorage", s.AllocatedStorage))
              .Append(E("Status", "available")).Append(E("Port", 5432)).Append(E("AvailabilityZone", s.AvailabilityZone))
              .Append(E("MasterUsername", s.MasterUsername)).Append(E("EngineVersion", s.EngineVersion)).Append(E("SnapshotType", s.SnapshotType))
              .Append(E("PercentProgress", 100)).Append(E("SourceRegion", s.SourceRegion)).Append(E("SourceDBSnapshotIdentifier", s.SourceSnapshotArn))
              .Append(E("Encrypted", s.Encrypted)).Append(E("DBSnapshotArn", st.DbSnapshotArn(s.Identifier)))
              .Append(TagList(s.Tags)).Append("</DBSnapshot>");
            return sb.ToString();
        }

        private string CreateDBInstance(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var id = q.Req("DBInstanceIdentifier");
            var cls = q.Req("DBInstanceClass");
            var engine = q.Req("Engine");
            CheckId(id, "DBInstanceIdentifier");
            if (st.DbInstances.ContainsKey(id))
            {
                throw new SandboxError(400, "DBInstanceAlreadyExists", "DB instance already exists");
            }

            var db = new DbInstance
            {
                Identifier = id.ToLowerInvariant(), Class = cls, Engine = engine, EngineVersion = q["EngineVersion"] ?? "16.3",
                MasterUsername = q["MasterUsername"] ?? "admin", AllocatedStorage = q.Int("AllocatedStorage") ?? 20,
                AvailabilityZone = q["AvailabilityZone"] ?? st.DefaultAz, MultiAz = q.Bool("MultiAZ") ?? false,
                SubnetGroupName = q["DBSubnetGroupName"] ?? "default", StorageEncrypted = q.Bool("StorageEncrypted") ?? false,
                StorageType = q["StorageType"] ?? "gp3", CreateTime = ctx.Now, ResourceId = "db-" + ctx.Server.NewHex(26).ToUpperInvariant(),
                BackupRetentionPeriod = q.Int("BackupRetentionPeriod") ?? 1,
            };
            ReadTags(q, db.Tags);
            st.DbInstances[db.Identifier] = db;
            return DbXml(st, db);
        }

        private string DescribeDBInstances(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            IEnumerable<DbInstance> list = st.DbInstances.Values.OrderBy(d => d.Identifier, StringComparer.Ordinal);
            var id = q["DBInstanceIdentifier"];
            if (id != null)
            {
                if (Arn.TryParse(id, out var arn))
                {
                    id = arn!.ResourceId;
                }

                list = new[] { Db(st, id) };
            }

            foreach (var f in q.Filters("Filters"))
            {
                var values = f.Value;
                list = f.Key switch
                {
                    "db-instance-id" => list.Where(d => values.Contains(d.Identifier) || values.Contains(st.DbArn(d.Identifier))),
                    "engine" => list.Where(d => values.Contains(d.Engine)),
                    "dbi-resource-id" => list.Where(d => values.Contains(d.ResourceId)),
                    _ => throw new SandboxError(400, "InvalidParameterValue", $"Unrecognized filter name: {f.Key}."),
                };
            }

            return Paged(q, list.ToList(), d => DbXml(st, d), "DBInstances");
        }

        private static string Paged<T>(QueryArgs q, List<T> items, Func<T, string> xml, string wrapper)
        {
            var max = q.Int("MaxRecords") ?? 100;
            if (max < 20 || max > 100)
            {
                throw new SandboxError(400, "InvalidParameterValue", $"Invalid value {max} for MaxRecords. Must be between 20 and 100");
            }

            var start = Wire.ReadToken(q["Marker"], "m", "InvalidParameterValue") ?? 0;
            var end = Math.Min(items.Count, start + max);
            var sb = new StringBuilder($"<{wrapper}>");
            for (var i = start; i < end; i++)
            {
                sb.Append(xml(items[i]));
            }

            sb.Append($"</{wrapper}>");
            if (end < items.Count)
            {
                sb.Append(E("Marker", Wire.Token("m", end)));
            }

            return sb.ToString();
        }

        private string DescribeDBClusters(CallContext ctx, QueryArgs q)
        {
            var id = q["DBClusterIdentifier"];
            if (id != null)
            {
                throw new SandboxError(404, "DBClusterNotFoundFault", $"DBCluster {id} not found.");
            }

            return "<DBClusters></DBClusters>";
        }

        private static TagSet TagsFor(RegionState st, string resourceName)
        {
            if (!Arn.TryParse(resourceName, out var arn) || arn!.Service != "rds")
            {
                throw new SandboxError(400, "InvalidParameterValue", $"Invalid resource name: {resourceName}");
            }

            if (arn.ResourceType == "db")
            {
                return Db(st, arn.ResourceId).Tags;
            }

            if (arn.ResourceType == "snapshot")
            {
                var name = arn.Resource.Substring("snapshot:".Length);
                return st.DbSnapshots.TryGetValue(name, out var s) ? s.Tags : throw SnapNotFound(name);
            }

            throw new SandboxError(400, "InvalidParameterValue", $"The sandbox tags DB instances and snapshots only: {resourceName}");
        }

        private string AddTags(CallContext ctx, QueryArgs q)
        {
            var tags = TagsFor(ctx.State, q.Req("ResourceName"));
            if (q.Structs("Tags").Count == 0)
            {
                throw new SandboxError(400, "MissingParameter", "The request must contain the parameter Tags.");
            }

            ReadTags(q, tags);
            return string.Empty;
        }

        private string RemoveTags(CallContext ctx, QueryArgs q)
        {
            var tags = TagsFor(ctx.State, q.Req("ResourceName"));
            foreach (var k in q.List("TagKeys"))
            {
                tags.Remove(k);
            }

            return string.Empty;
        }

        private string ListTags(CallContext ctx, QueryArgs q) => TagList(TagsFor(ctx.State, q.Req("ResourceName")));

        private string CreateDBSnapshot(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var snapId = q.Req("DBSnapshotIdentifier");
            var db = Db(st, q.Req("DBInstanceIdentifier"));
            CheckId(snapId, "DBSnapshotIdentifier");
            if (st.DbSnapshots.ContainsKey(snapId))
            {
                throw new SandboxError(400, "DBSnapshotAlreadyExists", $"Cannot create the snapshot because a snapshot with the identifier {snapId} already exists.");
            }

            var snap = JobEngine.SnapshotOf(db, snapId.ToLowerInvariant(), "manual", ctx.Now);
            ReadTags(q, snap.Tags);
            st.DbSnapshots[snap.Identifier] = snap;
            return SnapXml(st, snap);
        }

        private string DescribeDBSnapshots(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            IEnumerable<DbSnapshot> list = st.DbSnapshots.Values.OrderBy(s => s.CreateTime);
            var snapId = q["DBSnapshotIdentifier"];
            if (snapId != null)
            {
                if (Arn.TryParse(snapId, out var arn))
                {
                    snapId = arn!.Resource.Substring("snapshot:".Length);
                }

                list = new[] { st.DbSnapshots.TryGetValue(snapId, out var s) ? s : throw SnapNotFound(snapId) };
            }

            var dbId = q["DBInstanceIdentifier"];
            if (dbId != null)
            {
                list = list.Where(s => string.Equals(s.InstanceIdentifier, dbId, StringComparison.OrdinalIgnoreCase));
            }

            var type = q["SnapshotType"];
            if (type != null)
            {
                list = list.Where(s => s.SnapshotType == type);
            }

            foreach (var f in q.Filters("Filters"))
            {
                var values = f.Value;
                list = f.Key switch
                {
                    "db-instance-id" => list.Where(s => values.Contains(s.InstanceIdentifier)),
                    "db-snapshot-id" => list.Where(s => values.Contains(s.Identifier)),
                    "snapshot-type" => list.Where(s => values.Contains(s.SnapshotType)),
                    "engine" => list.Where(s => values.Contains(s.Engine)),
                    _ => throw new SandboxError(400, "InvalidParameterValue", $"Unrecognized filter name: {f.Key}."),
                };
            }

            return Paged(q, list.ToList(), s => SnapXml(st, s), "DBSnapshots");
        }

        private string CopyDBSnapshot(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var source = q.Req("SourceDBSnapshotIdentifier");
            var target = q.Req("TargetDBSnapshotIdentifier");
            CheckId(target, "TargetDBSnapshotIdentifier");
            RegionState from = st;
            var sourceName = source;
            if (Arn.TryParse(source, out var arn))
            {
                from = ctx.World.Get(arn!.AccountId, arn.Region);
                sourceName = arn.Resource.Substring("snapshot:".Length);
            }

            if (!from.DbSnapshots.TryGetValue(sourceName, out var src))
            {
                throw SnapNotFound(source);
            }

            if (st.DbSnapshots.ContainsKey(target))
            {
                throw new SandboxError(400, "DBSnapshotAlreadyExists", $"Cannot copy the snapshot because a snapshot with the identifier {target} already exists.");
            }

            var copy = new DbSnapshot
            {
                Identifier = target.ToLowerInvariant(), InstanceIdentifier = src.InstanceIdentifier, SnapshotType = "manual", CreateTime = ctx.Now,
                Engine = src.Engine, EngineVersion = src.EngineVersion, AllocatedStorage = src.AllocatedStorage, AvailabilityZone = from == st ? src.AvailabilityZone : st.DefaultAz,
                DbInstanceClass = src.DbInstanceClass, SubnetGroupName = src.SubnetGroupName, Encrypted = src.Encrypted, MasterUsername = src.MasterUsername,
                SourceRegion = from.Region, SourceSnapshotArn = from.DbSnapshotArn(src.Identifier),
            };
            ReadTags(q, copy.Tags);
            st.DbSnapshots[copy.Identifier] = copy;
            return SnapXml(st, copy);
        }

        private string RestoreFromSnapshot(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var id = q.Req("DBInstanceIdentifier");
            var snapName = q.Req("DBSnapshotIdentifier");
            CheckId(id, "DBInstanceIdentifier");
            if (Arn.TryParse(snapName, out var arn))
            {
                snapName = arn!.Resource.Substring("snapshot:".Length);
            }

            if (!st.DbSnapshots.TryGetValue(snapName, out var snap))
            {
                throw SnapNotFound(snapName);
            }

            if (st.DbInstances.ContainsKey(id))
            {
                throw new SandboxError(400, "DBInstanceAlreadyExists", "DB instance already exists");
            }

            var db = new DbInstance
            {
                Identifier = id.ToLowerInvariant(), Class = q["DBInstanceClass"] ?? snap.DbInstanceClass, Engine = snap.Engine, EngineVersion = snap.EngineVersion,
                AllocatedStorage = snap.AllocatedStorage, AvailabilityZone = q["AvailabilityZone"] ?? st.DefaultAz, MultiAz = q.Bool("MultiAZ") ?? false,
                SubnetGroupName = q["DBSubnetGroupName"] ?? snap.SubnetGroupName, StorageEncrypted = snap.Encrypted, CreateTime = ctx.Now,
                MasterUsername = snap.MasterUsername, ResourceId = "db-" + ctx.Server.NewHex(26).ToUpperInvariant(),
            };
            ReadTags(q, db.Tags);
            st.DbInstances[db.Identifier] = db;
            return DbXml(st, db);
        }

        private string CreateReadReplica(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var id = q.Req("DBInstanceIdentifier");
            var sourceId = q.Req("SourceDBInstanceIdentifier");
            CheckId(id, "DBInstanceIdentifier");
            var from = st;
            if (Arn.TryParse(sourceId, out var arn))
            {
                from = ctx.World.Get(arn!.AccountId, arn.Region);
                sourceId = arn.ResourceId;
            }

            var source = Db(from, sourceId);
            if (st.DbInstances.ContainsKey(id))
            {
                throw new SandboxError(400, "DBInstanceAlreadyExists", "DB instance already exists");
            }

            var replica = new DbInstance
            {
                Identifier = id.ToLowerInvariant(), Class = q["DBInstanceClass"] ?? source.Class, Engine = source.Engine, EngineVersion = source.EngineVersion,
                AllocatedStorage = source.AllocatedStorage, AvailabilityZone = q["AvailabilityZone"] ?? st.DefaultAz, CreateTime = ctx.Now,
                SubnetGroupName = q["DBSubnetGroupName"] ?? source.SubnetGroupName, MasterUsername = source.MasterUsername,
                ReadReplicaSource = from == st ? source.Identifier : from.DbArn(source.Identifier), ResourceId = "db-" + ctx.Server.NewHex(26).ToUpperInvariant(),
                BackupRetentionPeriod = 0,
            };
            ReadTags(q, replica.Tags);
            source.ReadReplicas.Add(from == st ? replica.Identifier : st.DbArn(replica.Identifier));
            st.DbInstances[replica.Identifier] = replica;
            return DbXml(st, replica);
        }

        /// <summary>
        /// Promotion takes time, as in AWS: the instance is 'modifying' (still showing its source) for JobDuration, then
        /// JobEngine.AdvancePromotions makes it available and standalone. Only an available replica can be promoted.
        /// </summary>
        private string PromoteReadReplica(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var db = Db(st, q.Req("DBInstanceIdentifier"));
            if (db.ReadReplicaSource == null)
            {
                throw new SandboxError(400, "InvalidDBInstanceState", $"DB instance {db.Identifier} is not a read replica.");
            }

            if (db.Status != "available")
            {
                throw new SandboxError(400, "InvalidDBInstanceState", $"DB instance {db.Identifier} is not in the available state (it is {db.Status}).");
            }

            db.Status = "modifying";
            db.PromotionDoneAt = ctx.Now + ctx.Server.JobDuration;
            db.BackupRetentionPeriod = q.Int("BackupRetentionPeriod") ?? 1;
            ctx.World.Promotions.Add((st, db));
            return DbXml(st, db);
        }

        private string DeleteDBInstance(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var db = Db(st, q.Req("DBInstanceIdentifier"));
            var skip = q.Bool("SkipFinalSnapshot") ?? false;
            var final = q["FinalDBSnapshotIdentifier"];
            if (!skip && final == null)
            {
                throw new SandboxError(400, "InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.");
            }

            if (!skip)
            {
                CheckId(final!, "FinalDBSnapshotIdentifier");
                if (st.DbSnapshots.ContainsKey(final!))
                {
                    throw new SandboxError(400, "DBSnapshotAlreadyExists", $"Cannot create the snapshot because a snapshot with the identifier {final} already exists.");
                }

                st.DbSnapshots[final!.ToLowerInvariant()] = JobEngine.SnapshotOf(db, final.ToLowerInvariant(), "manual", ctx.Now);
            }

            st.DbInstances.Remove(db.Identifier);
            db.Status = "deleting";
            return DbXml(st, db);
        }
    }
}
