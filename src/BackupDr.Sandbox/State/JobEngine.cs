using System;
using System.Collections.Generic;
using System.Globalization;
using Arn = BackupDr.Core.Model.Arn;

namespace BackupDr.Sandbox.State
{
    /// <summary>
    /// Applies what a job leaves behind (recovery points, snapshots, restored resources) once its lazily
    /// computed state turns terminal. Runs under the server lock at the start of each call: no background threads.
    /// </summary>
    internal static class JobEngine
    {
        public static void Advance(World world, DateTime now, SandboxServer server)
        {
            AdvancePromotions(world, now);
            if (world.Active.Count == 0)
            {
                return;
            }

            var still = new List<JobBase>(world.Active.Count);
            foreach (var job in world.Active)
            {
                var state = job.StateAt(now);
                if (!JobBase.IsTerminal(state))
                {
                    still.Add(job);
                    continue;
                }

                job.Materialized = true;
                if (state != "COMPLETED")
                {
                    job.MessageCategory = state == "FAILED" ? "FAILURE" : state;
                    continue;
                }

                switch (job)
                {
                    case BackupJob b: CompleteBackup(world, b, server); break;
                    case RestoreJob r: CompleteRestore(world, r, server); break;
                    case CopyJob c: CompleteCopy(world, c, server); break;
                }

                if (job.FailureMessage != null)
                {
                    job.MessageCategory = "FAILURE";
                }
            }

            world.Active.Clear();
            world.Active.AddRange(still);
        }

        /// <summary>
        /// Ends the promotions whose time has come: the instance turns available and standalone, and its primary
        /// (in this or another region) no longer lists it as a replica.
        /// </summary>
        public static void AdvancePromotions(World world, DateTime now)
        {
            if (world.Promotions.Count == 0)
            {
                return;
            }

            var still = new List<(RegionState State, DbInstance Db)>();
            foreach (var (st, db) in world.Promotions)
            {
                if (db.PromotionDoneAt == null)
                {
                    continue;
                }

                if (db.PromotionDoneAt.Value > now)
                {
                    still.Add((st, db));
                    continue;
                }

                var source = db.ReadReplicaSource;
                var from = st;
                if (source != null && Arn.TryParse(source, out var arn))
                {
                    from = world.Get(arn!.AccountId, arn.Region);
                    source = arn.ResourceId;
                }

                if (source != null && from.DbInstances.TryGetValue(source, out var primary))
                {
                    primary.ReadReplicas.RemoveAll(r => string.Equals(r, db.Identifier, StringComparison.OrdinalIgnoreCase) || r == st.DbArn(db.Identifier));
                }

                db.ReadReplicaSource = null;
                db.ReplicaLagSeconds = 0;
                db.PromotionDoneAt = null;
                db.Status = "available";
            }

            world.Promotions.Clear();
            world.Promotions.AddRange(still);
        }

        public static string ResourceTypeOf(Arn arn) => (arn.Service, arn.ResourceType) switch
        {
            ("ec2", "volume") => "EBS",
            ("ec2", "instance") => "EC2",
            ("rds", "db") => "RDS",
            ("rds", "cluster") => "Aurora",
            _ => string.Empty,
        };

        public static Dictionary<string, string> RdsMetadata(DbInstance db) => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DBInstanceIdentifier"] = db.Identifier,
            ["DBInstanceClass"] = db.Class,
            ["Engine"] = db.Engine,
            ["EngineVersion"] = db.EngineVersion,
            ["DBSubnetGroupName"] = db.SubnetGroupName,
            ["AvailabilityZone"] = db.AvailabilityZone,
            ["MultiAZ"] = db.MultiAz ? "true" : "false",
            ["Port"] = "5432",
            ["StorageType"] = db.StorageType,
            ["AllocatedStorage"] = db.AllocatedStorage.ToString(CultureInfo.InvariantCulture),
            ["PubliclyAccessible"] = "false",
            ["CopyTagsToSnapshot"] = "true",
            ["DeletionProtection"] = "false",
        };

        public static Dictionary<string, string> EbsMetadata(Volume v) => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["availabilityZone"] = v.AvailabilityZone,
            ["volumeType"] = v.VolumeType,
            ["volumeSize"] = v.Size.ToString(CultureInfo.InvariantCulture),
            ["encrypted"] = v.Encrypted ? "true" : "false",
            ["iops"] = (v.Iops ?? 3000).ToString(CultureInfo.InvariantCulture),
            ["throughput"] = (v.Throughput ?? 125).ToString(CultureInfo.InvariantCulture),
            ["multiAttachEnabled"] = "false",
        };

        private static void CompleteBackup(World world, BackupJob job, SandboxServer server)
        {
            var st = world.Get(job.AccountId, job.Region);
            var arn = Arn.Parse(job.ResourceArn);
            var rp = new RecoveryPoint
            {
                Arn = job.RecoveryPointArn,
                VaultName = job.VaultName,
                VaultArn = job.VaultArn,
                ResourceArn = job.ResourceArn,
                ResourceType = job.ResourceType,
                IamRoleArn = job.IamRoleArn,
                CreationDate = job.CreationDate,
                CompletionDate = job.End,
                BackupJobId = job.Id,
                LifecycleJson = job.LifecycleJson,
                ResourceName = job.ResourceName,
            };

            if (job.ResourceType == "EBS")
            {
                if (!st.Volumes.TryGetValue(arn.ResourceId, out var vol))
                {
                    job.FailureMessage = $"Unable to find volume {arn.ResourceId}: it was deleted before the backup completed.";
                    return;
                }

                var snapId = Arn.Parse(job.RecoveryPointArn).ResourceId;
                st.Snapshots[snapId] = new Snapshot
                {
                    Id = snapId, VolumeId = vol.Id, VolumeSize = vol.Size, StartTime = job.CreationDate, Encrypted = vol.Encrypted,
                    OwnerId = job.AccountId, AvailabilityZone = vol.AvailabilityZone, VolumeType = vol.VolumeType,
                    Description = $"This snapshot is created by the AWS Backup service.",
                    Tags = new TagSet { ["aws:backup:source-resource"] = vol.Id },
                };
                rp.SizeInBytes = vol.Size * 1024L * 1024 * 1024;
                rp.RestoreMetadata = EbsMetadata(vol);
            }
            else if (job.ResourceType == "RDS")
            {
                if (!st.DbInstances.TryGetValue(arn.ResourceId, out var db))
                {
                    job.FailureMessage = $"DB instance {arn.ResourceId} not found: it was deleted before the backup completed.";
                    return;
                }

                var snapName = Arn.Parse(job.RecoveryPointArn).Resource.Substring("snapshot:".Length);
                st.DbSnapshots[snapName] = SnapshotOf(db, snapName, "awsbackup", job.CreationDate);
                rp.SizeInBytes = db.AllocatedStorage * 1024L * 1024 * 1024;
                rp.RestoreMetadata = RdsMetadata(db);
            }
            else if (job.ResourceType == "EC2")
            {
                if (!st.Instances.TryGetValue(arn.ResourceId, out var inst))
                {
                    job.FailureMessage = $"Instance {arn.ResourceId} not found.";
                    return;
                }

                rp.RestoreMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["InstanceType"] = inst.InstanceType,
                    ["Placement"] = "{\"AvailabilityZone\":\"" + inst.AvailabilityZone + "\"}",
                    ["ImageId"] = inst.ImageId,
                };
            }

            job.SizeInBytes = rp.SizeInBytes;
            st.RecoveryPoints[rp.Arn] = rp;
            if (job.RecoveryPointTags.Count > 0)
            {
                var tags = new TagSet();
                foreach (var kv in job.RecoveryPointTags)
                {
                    tags[kv.Key] = kv.Value;
                }

                st.BackupTags[rp.Arn] = tags;
            }
        }

        public static DbSnapshot SnapshotOf(DbInstance db, string name, string type, DateTime when) => new DbSnapshot
        {
            Identifier = name, InstanceIdentifier = db.Identifier, SnapshotType = type, CreateTime = when, Engine = db.Engine,
            EngineVersion = db.EngineVersion, AllocatedStorage = db.AllocatedStorage, AvailabilityZone = db.AvailabilityZone,
            DbInstanceClass = db.Class, SubnetGroupName = db.SubnetGroupName, MultiAz = db.MultiAz, Encrypted = db.StorageEncrypted,
            MasterUsername = db.MasterUsername,
        };

        private static void CompleteRestore(World world, RestoreJob job, SandboxServer server)
        {
            var st = world.Get(job.AccountId, job.Region);
            if (!st.RecoveryPoints.TryGetValue(job.RecoveryPointArn, out var rp))
            {
                job.FailureMessage = "The recovery point was deleted before the restore completed.";
                return;
            }

            string Meta(string key, string fallback) => job.Metadata.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v) ? v : (rp.RestoreMetadata.TryGetValue(key, out var r) ? r : fallback);

            if (job.ResourceType == "RDS")
            {
                var id = job.Metadata.TryGetValue("DBInstanceIdentifier", out var given) ? given : string.Empty;
                if (st.DbInstances.ContainsKey(id))
                {
                    job.FailureMessage = $"DBInstanceAlreadyExists: DB instance already exists: {id}";
                    return;
                }

                var db = new DbInstance
                {
                    Identifier = id,
                    Class = Meta("DBInstanceClass", "db.t3.micro"),
                    Engine = Meta("Engine", "postgres"),
                    EngineVersion = Meta("EngineVersion", "16.3"),
                    SubnetGroupName = Meta("DBSubnetGroupName", "default"),
                    AvailabilityZone = Meta("AvailabilityZone", st.DefaultAz),
                    MultiAz = string.Equals(Meta("MultiAZ", "false"), "true", StringComparison.OrdinalIgnoreCase),
                    AllocatedStorage = int.TryParse(Meta("AllocatedStorage", "20"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var gb) ? gb : 20,
                    CreateTime = job.End,
                    ResourceId = "db-" + server.NewHex(26).ToUpperInvariant(),
                };
                st.DbInstances[id] = db;
                job.CreatedResourceArn = st.DbArn(id);
            }
            else if (job.ResourceType == "EBS")
            {
                var snapId = Arn.Parse(rp.Arn).ResourceId;
                var vol = new Volume
                {
                    Id = "vol-" + server.NewHex(17),
                    AvailabilityZone = Meta("availabilityZone", st.DefaultAz),
                    VolumeType = Meta("volumeType", "gp3"),
                    Size = int.TryParse(Meta("volumeSize", "8"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : 8,
                    Encrypted = string.Equals(Meta("encrypted", "false"), "true", StringComparison.OrdinalIgnoreCase),
                    SnapshotId = snapId,
                    CreateTime = job.End,
                };
                st.Volumes[vol.Id] = vol;
                job.CreatedResourceArn = st.VolumeArn(vol.Id);
            }
            else if (job.ResourceType == "EC2")
            {
                var inst = new Instance
                {
                    Id = "i-" + server.NewHex(17),
                    InstanceType = Meta("InstanceType", "t3.micro"),
                    AvailabilityZone = st.DefaultAz,
                    LaunchTime = job.End,
                };
                st.Instances[inst.Id] = inst;
                job.CreatedResourceArn = st.InstanceArn(inst.Id);
            }
            else
            {
                job.FailureMessage = $"Restoring resource type '{job.ResourceType}' is not supported by the sandbox.";
            }
        }

        private static void CompleteCopy(World world, CopyJob job, SandboxServer server)
        {
            var src = world.Get(job.AccountId, job.Region);
            var destArn = Arn.Parse(job.DestinationVaultArn);
            var dest = world.Get(destArn.AccountId, destArn.Region);
            var vaultName = destArn.Resource.Substring("backup-vault:".Length);
            if (!dest.Vaults.TryGetValue(vaultName, out var vault))
            {
                job.FailureMessage = $"Destination backup vault {job.DestinationVaultArn} does not exist.";
                return;
            }

            if (!src.RecoveryPoints.TryGetValue(job.SourceRecoveryPointArn, out var source))
            {
                job.FailureMessage = "The source recovery point was deleted before the copy completed.";
                return;
            }

            string newArn;
            var meta = new Dictionary<string, string>(source.RestoreMetadata, StringComparer.Ordinal);
            if (source.ResourceType == "EBS")
            {
                var snapId = "snap-" + server.NewHex(17);
                src.Snapshots.TryGetValue(Arn.Parse(source.Arn).ResourceId, out var srcSnap);
                dest.Snapshots[snapId] = new Snapshot
                {
                    Id = snapId, VolumeId = srcSnap?.VolumeId ?? "vol-ffffffff", VolumeSize = srcSnap?.VolumeSize ?? 8, StartTime = job.End,
                    Encrypted = srcSnap?.Encrypted ?? false, OwnerId = dest.AccountId, AvailabilityZone = dest.DefaultAz,
                    Description = $"Copied for DestinationBackupVault {vault.Name} from {source.Arn}",
                };
                newArn = dest.SnapshotArn(snapId);
                meta["availabilityZone"] = dest.DefaultAz;
            }
            else if (source.ResourceType == "RDS")
            {
                var name = "awsbackup:copyjob-" + job.Id.ToLowerInvariant();
                var srcName = Arn.Parse(source.Arn).Resource.Substring("snapshot:".Length);
                var snap = src.DbSnapshots.TryGetValue(srcName, out var s) ? s : new DbSnapshot { InstanceIdentifier = "unknown" };
                dest.DbSnapshots[name] = new DbSnapshot
                {
                    Identifier = name, InstanceIdentifier = snap.InstanceIdentifier, SnapshotType = "awsbackup", CreateTime = job.End,
                    Engine = snap.Engine, EngineVersion = snap.EngineVersion, AllocatedStorage = snap.AllocatedStorage, AvailabilityZone = dest.DefaultAz,
                    DbInstanceClass = snap.DbInstanceClass, SourceRegion = src.Region, SourceSnapshotArn = source.Arn,
                };
                newArn = dest.DbSnapshotArn(name);
                meta["AvailabilityZone"] = dest.DefaultAz;
            }
            else
            {
                newArn = $"arn:{dest.Partition}:backup:{dest.Region}:{dest.AccountId}:recovery-point:{server.NewGuid()}";
            }

            dest.RecoveryPoints[newArn] = new RecoveryPoint
            {
                Arn = newArn, VaultName = vault.Name, VaultArn = vault.Arn, SourceVaultArn = job.SourceVaultArn, ResourceArn = source.ResourceArn,
                ResourceType = source.ResourceType, ResourceName = source.ResourceName, IamRoleArn = job.IamRoleArn, CreationDate = job.CreationDate,
                CompletionDate = job.End, SizeInBytes = source.SizeInBytes, LifecycleJson = job.LifecycleJson ?? source.LifecycleJson, RestoreMetadata = meta,
            };
            job.DestinationRecoveryPointArn = newArn;
            job.SizeInBytes = source.SizeInBytes;
        }
    }
}
