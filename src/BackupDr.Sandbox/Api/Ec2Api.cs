using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Amazon EC2 (ec2 query protocol, 2016-11-15): volumes, snapshots, instances and tags.</summary>
    internal sealed class Ec2Api : QueryApi
    {
        public Ec2Api()
        {
            Actions = new Dictionary<string, Func<CallContext, QueryArgs, string>>(StringComparer.Ordinal)
            {
                ["CreateVolume"] = CreateVolume,
                ["DescribeVolumes"] = DescribeVolumes,
                ["DeleteVolume"] = DeleteVolume,
                ["DescribeInstances"] = DescribeInstances,
                ["CreateTags"] = CreateTags,
                ["DeleteTags"] = DeleteTags,
                ["DescribeTags"] = DescribeTags,
                ["CreateSnapshot"] = CreateSnapshot,
                ["DescribeSnapshots"] = DescribeSnapshots,
                ["CopySnapshot"] = CopySnapshot,
            };
        }

        protected override string Version => "2016-11-15";
        protected override bool IsEc2 => true;
        protected override Dictionary<string, Func<CallContext, QueryArgs, string>> Actions { get; }

        private static string TagSetXml(TagSet tags) =>
            "<tagSet>" + string.Concat(tags.Select(kv => $"<item><key>{Wire.Esc(kv.Key)}</key><value>{Wire.Esc(kv.Value)}</value></item>")) + "</tagSet>";

        /// <summary>TagSpecification.N.ResourceType / .Tag.M.Key / .Tag.M.Value for the given resource type.</summary>
        private static void ReadTagSpecs(QueryArgs q, string resourceType, TagSet into)
        {
            foreach (var spec in q.Structs("TagSpecification"))
            {
                if (spec.TryGetValue("ResourceType", out var rt) && rt != resourceType)
                {
                    continue;
                }

                var keys = spec.Where(kv => kv.Key.StartsWith("Tag.", StringComparison.Ordinal) && kv.Key.EndsWith(".Key", StringComparison.Ordinal));
                foreach (var k in keys)
                {
                    var idx = k.Key.Substring(4, k.Key.Length - 8);
                    into[k.Value] = spec.TryGetValue("Tag." + idx + ".Value", out var v) ? v : string.Empty;
                }
            }
        }

        /// <summary>Applies the filters every describe shares (tag:KEY, tag-key) plus the per-type ones.</summary>
        private static IEnumerable<T> Filter<T>(IEnumerable<T> items, QueryArgs q, Func<T, TagSet> tags, Func<string, T, string?> attribute)
        {
            foreach (var f in q.Filters("Filter"))
            {
                var name = f.Key;
                var values = f.Value;
                if (name.StartsWith("tag:", StringComparison.Ordinal))
                {
                    var key = name.Substring(4);
                    items = items.Where(i => tags(i).TryGetValue(key, out var v) && values.Any(p => Like(v, p))).ToList();
                }
                else if (name == "tag-key")
                {
                    items = items.Where(i => values.Any(k => tags(i).ContainsKey(k))).ToList();
                }
                else if (name == "tag-value")
                {
                    items = items.Where(i => tags(i).Values.Any(v => values.Any(p => Like(v, p)))).ToList();
                }
                else
                {
                    var probe = items.FirstOrDefault();
                    if (probe != null && attribute(name, probe) == null && !Known.Contains(name))
                    {
                        throw new SandboxError(400, "InvalidParameterValue", $"The filter '{name}' is invalid");
                    }

                    items = items.Where(i => attribute(name, i) is string a && values.Any(p => Like(a, p))).ToList();
                }
            }

            return items;
        }

        private static readonly HashSet<string> Known = new HashSet<string>(StringComparer.Ordinal)
        {
            "volume-id", "status", "availability-zone", "snapshot-id", "volume-type", "size", "encrypted", "owner-id", "instance-id",
            "instance-state-name", "instance-type", "resource-id", "resource-type", "key", "value", "attachment.instance-id", "description",
        };

        /// <summary>EC2 filter values accept * and ? wildcards.</summary>
        private static bool Like(string value, string pattern)
        {
            if (pattern.IndexOf('*') < 0 && pattern.IndexOf('?') < 0)
            {
                return value == pattern;
            }

            var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$";
            return System.Text.RegularExpressions.Regex.IsMatch(value, regex);
        }

        private static string VolumeState(Volume v) => v.AttachedInstanceId != null ? "in-use" : "available";

        private static string VolumeXml(Volume v, bool item)
        {
            var sb = new StringBuilder(item ? "<item>" : string.Empty);
            sb.Append(E("volumeId", v.Id)).Append(E("size", v.Size)).Append(v.SnapshotId == null ? "<snapshotId/>" : E("snapshotId", v.SnapshotId))
              .Append(E("availabilityZone", v.AvailabilityZone)).Append(E("status", VolumeState(v))).Append(E("createTime", v.CreateTime));
            if (item)
            {
                sb.Append("<attachmentSet>");
                if (v.AttachedInstanceId != null)
                {
                    sb.Append($"<item><volumeId>{v.Id}</volumeId><instanceId>{v.AttachedInstanceId}</instanceId><device>/dev/xvda</device><status>attached</status><deleteOnTermination>true</deleteOnTermination></item>");
                }

                sb.Append("</attachmentSet>");
            }

            sb.Append(TagSetXml(v.Tags)).Append(E("volumeType", v.VolumeType));
            if (v.Iops.HasValue || v.VolumeType == "gp3" || v.VolumeType == "io1" || v.VolumeType == "io2")
            {
                sb.Append(E("iops", v.Iops ?? 3000));
            }

            if (v.VolumeType == "gp3")
            {
                sb.Append(E("throughput", v.Throughput ?? 125));
            }

            sb.Append(E("encrypted", v.Encrypted)).Append(E("kmsKeyId", v.KmsKeyId)).Append(E("multiAttachEnabled", false));
            sb.Append(item ? "</item>" : string.Empty);
            return sb.ToString();
        }

        private string CreateVolume(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var az = q.Req("AvailabilityZone");
            if (!az.StartsWith(st.Region, StringComparison.Ordinal) || az.Length != st.Region.Length + 1)
            {
                throw new SandboxError(400, "InvalidParameterValue", $"Invalid availability zone: [{az}]");
            }

            // A retried CreateVolume with the same ClientToken answers with the volume the first call made.
            var clientToken = q["ClientToken"];
            var tokenKey = "CreateVolume|" + clientToken;
            if (!string.IsNullOrEmpty(clientToken) && st.IdempotencyTokens.TryGetValue(tokenKey, out var priorId) && st.Volumes.TryGetValue(priorId, out var prior))
            {
                return VolumeXml(prior, false);
            }

            var size = q.Int("Size");
            var snapshotId = q["SnapshotId"];
            Snapshot? snap = null;
            if (snapshotId != null && !st.Snapshots.TryGetValue(snapshotId, out snap))
            {
                throw new SandboxError(400, "InvalidSnapshot.NotFound", $"The snapshot '{snapshotId}' does not exist.");
            }

            if (size == null && snap == null)
            {
                throw new SandboxError(400, "MissingParameter", "The request must contain the parameter size or snapshotId");
            }

            if (size.HasValue && (size < 1 || size > 65536))
            {
                throw new SandboxError(400, "InvalidParameterValue", $"Volume of {size}GiB is out of range (1-65536).");
            }

            var v = new Volume
            {
                Id = "vol-" + ctx.Server.NewHex(17), Size = size ?? snap!.VolumeSize, AvailabilityZone = az, VolumeType = q["VolumeType"] ?? "gp2",
                Iops = q.Int("Iops"), Throughput = q.Int("Throughput"), Encrypted = q.Bool("Encrypted") ?? snap?.Encrypted ?? false,
                KmsKeyId = q["KmsKeyId"], SnapshotId = snapshotId, CreateTime = ctx.Now,
            };
            ReadTagSpecs(q, "volume", v.Tags);
            st.Volumes[v.Id] = v;
            if (!string.IsNullOrEmpty(clientToken))
            {
                st.IdempotencyTokens[tokenKey] = v.Id;
            }

            return VolumeXml(v, false).Replace("<status>available</status>", "<status>creating</status>");
        }

        private string DeleteVolume(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var id = q.Req("VolumeId");
            if (!st.Volumes.TryGetValue(id, out var v))
            {
                throw new SandboxError(400, "InvalidVolume.NotFound", $"The volume '{id}' does not exist.");
            }

            if (v.AttachedInstanceId != null)
            {
                throw new SandboxError(400, "VolumeInUse", $"Volume {id} is currently attached to {v.AttachedInstanceId}");
            }

            st.Volumes.Remove(id);
            return "<return>true</return>";
        }

        private string DescribeVolumes(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var ids = q.List("VolumeId");
            IEnumerable<Volume> list = st.Volumes.Values.OrderBy(v => v.CreateTime).ThenBy(v => v.Id, StringComparer.Ordinal);
            if (ids.Count > 0)
            {
                var missing = ids.FirstOrDefault(i => !st.Volumes.ContainsKey(i));
                if (missing != null)
                {
                    throw new SandboxError(400, "InvalidVolume.NotFound", $"The volume '{missing}' does not exist.");
                }

                list = list.Where(v => ids.Contains(v.Id));
            }

            list = Filter(list, q, v => v.Tags, (n, v) => n switch
            {
                "volume-id" => v.Id,
                "status" => VolumeState(v),
                "availability-zone" => v.AvailabilityZone,
                "snapshot-id" => v.SnapshotId,
                "volume-type" => v.VolumeType,
                "size" => v.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "encrypted" => v.Encrypted ? "true" : "false",
                "attachment.instance-id" => v.AttachedInstanceId,
                _ => null,
            });
            return Paged(q, list.ToList(), v => VolumeXml(v, true), "volumeSet");
        }

        private static string Paged<T>(QueryArgs q, List<T> items, Func<T, string> xml, string wrapper)
        {
            var max = q.Int("MaxResults");
            if (max.HasValue && (max < 5 || max > 1000))
            {
                throw new SandboxError(400, "InvalidParameterValue", $"Value ( {max} ) for parameter maxResults is invalid. Expecting a value greater than 5.");
            }

            var start = Wire.ReadToken(q["NextToken"], "n", "InvalidNextToken") ?? 0;
            var end = max.HasValue ? Math.Min(items.Count, start + max.Value) : items.Count;
            var sb = new StringBuilder($"<{wrapper}>");
            for (var i = start; i < end; i++)
            {
                sb.Append(xml(items[i]));
            }

            sb.Append($"</{wrapper}>");
            if (end < items.Count)
            {
                sb.Append(E("nextToken", Wire.Token("n", end)));
            }

            return sb.ToString();
        }

        private string DescribeInstances(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var ids = q.List("InstanceId");
            IEnumerable<Instance> list = st.Instances.Values.OrderBy(i => i.LaunchTime).ThenBy(i => i.Id, StringComparer.Ordinal);
            if (ids.Count > 0)
            {
                var missing = ids.FirstOrDefault(i => !st.Instances.ContainsKey(i));
                if (missing != null)
                {
                    throw new SandboxError(400, "InvalidInstanceID.NotFound", $"The instance ID '{missing}' does not exist");
                }

                list = list.Where(i => ids.Contains(i.Id));
            }

            list = Filter(list, q, i => i.Tags, (n, i) => n switch
            {
                "instance-id" => i.Id,
                "instance-state-name" => i.State,
                "availability-zone" => i.AvailabilityZone,
                "instance-type" => i.InstanceType,
                _ => null,
            });
            return Paged(q, list.ToList(), i => InstanceXml(st, i), "reservationSet");
        }

        private static string InstanceXml(RegionState st, Instance i)
        {
            var code = i.State switch { "pending" => 0, "running" => 16, "stopping" => 64, "stopped" => 80, "terminated" => 48, _ => 16 };
            var sb = new StringBuilder("<item>");
            sb.Append(E("reservationId", "r-" + i.Id.Substring(2))).Append(E("ownerId", st.AccountId)).Append("<groupSet/><instancesSet><item>")
              .Append(E("instanceId", i.Id)).Append(E("imageId", i.ImageId))
              .Append($"<instanceState><code>{code}</code><name>{i.State}</name></instanceState>")
              .Append(E("instanceType", i.InstanceType)).Append(E("launchTime", i.LaunchTime))
              .Append($"<placement><availabilityZone>{i.AvailabilityZone}</availabilityZone><tenancy>default</tenancy></placement>")
              .Append(E("rootDeviceType", "ebs")).Append(E("rootDeviceName", "/dev/xvda")).Append("<blockDeviceMapping>");
            var n = 0;
            foreach (var vol in i.VolumeIds)
            {
                var dev = n++ == 0 ? "/dev/xvda" : "/dev/sd" + (char)('f' + n - 2);
                sb.Append($"<item><deviceName>{dev}</deviceName><ebs><volumeId>{vol}</volumeId><status>attached</status><deleteOnTermination>true</deleteOnTermination></ebs></item>");
            }

            sb.Append("</blockDeviceMapping>").Append(TagSetXml(i.Tags)).Append("</item></instancesSet></item>");
            return sb.ToString();
        }

        /// <summary>Tags of any EC2 resource by id, with its type for DescribeTags.</summary>
        private static TagSet? TagsOf(RegionState st, string id, out string type)
        {
            if (st.Volumes.TryGetValue(id, out var v))
            {
                type = "volume";
                return v.Tags;
            }

            if (st.Snapshots.TryGetValue(id, out var s))
            {
                type = "snapshot";
                return s.Tags;
            }

            if (st.Instances.TryGetValue(id, out var i))
            {
                type = "instance";
                return i.Tags;
            }

            type = string.Empty;
            return null;
        }

        private static TagSet RequireTags(RegionState st, string id)
        {
            var tags = TagsOf(st, id, out _);
            if (tags != null)
            {
                return tags;
            }

            throw id.StartsWith("vol-", StringComparison.Ordinal) ? new SandboxError(400, "InvalidVolume.NotFound", $"The volume '{id}' does not exist.")
                : id.StartsWith("snap-", StringComparison.Ordinal) ? new SandboxError(400, "InvalidSnapshot.NotFound", $"The snapshot '{id}' does not exist.")
                : id.StartsWith("i-", StringComparison.Ordinal) ? new SandboxError(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist")
                : new SandboxError(400, "InvalidID", $"The ID '{id}' is not valid");
        }

        private string CreateTags(CallContext ctx, QueryArgs q)
        {
            var ids = q.List("ResourceId");
            if (ids.Count == 0)
            {
                throw new SandboxError(400, "MissingParameter", "The request must contain the parameter resourceIdSet");
            }

            var tags = q.Structs("Tag");
            if (tags.Count == 0)
            {
                throw new SandboxError(400, "MissingParameter", "The request must contain the parameter tagSet");
            }

            var targets = ids.Select(id => RequireTags(ctx.State, id)).ToList();
            foreach (var set in targets)
            {
                foreach (var t in tags)
                {
                    if (t.TryGetValue("Key", out var k))
                    {
                        if (k.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                        {
                            throw new SandboxError(400, "InvalidParameterValue", $"Tag keys starting with 'aws:' are reserved for internal use: {k}");
                        }

                        set[k] = t.TryGetValue("Value", out var v) ? v : string.Empty;
                    }
                }
            }

            return "<return>true</return>";
        }

        private string DeleteTags(CallContext ctx, QueryArgs q)
        {
            var ids = q.List("ResourceId");
            if (ids.Count == 0)
            {
                throw new SandboxError(400, "MissingParameter", "The request must contain the parameter resourceIdSet");
            }

            var tags = q.Structs("Tag");
            foreach (var id in ids)
            {
                var set = RequireTags(ctx.State, id);
                if (tags.Count == 0)
                {
                    set.Clear();
                    continue;
                }

                foreach (var t in tags)
                {
                    if (t.TryGetValue("Key", out var k) && (!t.TryGetValue("Value", out var v) || (set.TryGetValue(k, out var cur) && cur == v)))
                    {
                        set.Remove(k);
                    }
                }
            }

            return "<return>true</return>";
        }

        private string DescribeTags(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var rows = new List<(string Id, string Type, string Key, string Value)>();
            foreach (var (id, type, tags) in st.Volumes.Values.Select(v => (v.Id, "volume", v.Tags))
                .Concat(st.Snapshots.Values.Select(s => (s.Id, "snapshot", s.Tags)))
                .Concat(st.Instances.Values.Select(i => (i.Id, "instance", i.Tags))))
            {
                foreach (var kv in tags)
                {
                    rows.Add((id, type, kv.Key, kv.Value));
                }
            }

            IEnumerable<(string Id, string Type, string Key, string Value)> list = rows;
            foreach (var f in q.Filters("Filter"))
            {
                var values = f.Value;
                list = f.Key switch
                {
                    "resource-id" => list.Where(r => values.Any(p => Like(r.Id, p))),
                    "resource-type" => list.Where(r => values.Contains(r.Type)),
                    "key" => list.Where(r => values.Any(p => Like(r.Key, p))),
                    "value" => list.Where(r => values.Any(p => Like(r.Value, p))),
                    _ when f.Key.StartsWith("tag:", StringComparison.Ordinal) => list.Where(r => r.Key == f.Key.Substring(4) && values.Any(p => Like(r.Value, p))),
                    _ => throw new SandboxError(400, "InvalidParameterValue", $"The filter '{f.Key}' is invalid"),
                };
            }

            return Paged(q, list.ToList(), r => $"<item><resourceId>{r.Id}</resourceId><resourceType>{r.Type}</resourceType><key>{Wire.Esc(r.Key)}</key><value>{Wire.Esc(r.Value)}</value></item>", "tagSet");
        }

        private static string SnapshotXml(Snapshot s, bool item, string status = "completed")
        {
            var sb = new StringBuilder(item ? "<item>" : string.Empty);
            sb.Append(E("snapshotId", s.Id)).Append(E("volumeId", s.VolumeId)).Append(E("status", status)).Append(E("startTime", s.StartTime))
              .Append(E("progress", status == "completed" ? "100%" : "0%")).Append(E("ownerId", s.OwnerId)).Append(E("volumeSize", s.VolumeSize))
              .Append(E("description", s.Description ?? string.Empty)).Append(E("encrypted", s.Encrypted)).Append(E("storageTier", "standard"));
            if (item)
            {
                sb.Append(TagSetXml(s.Tags));
            }

            sb.Append(item ? "</item>" : string.Empty);
            return sb.ToString();
        }

        private string CreateSnapshot(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var volId = q.Req("VolumeId");
            if (!st.Volumes.TryGetValue(volId, out var vol))
            {
                throw new SandboxError(400, "InvalidVolume.NotFound", $"The volume '{volId}' does not exist.");
            }

            var s = new Snapshot
            {
                Id = "snap-" + ctx.Server.NewHex(17), VolumeId = vol.Id, VolumeSize = vol.Size, Description = q["Description"], StartTime = ctx.Now,
                Encrypted = vol.Encrypted, OwnerId = st.AccountId, AvailabilityZone = vol.AvailabilityZone, VolumeType = vol.VolumeType,
            };
            ReadTagSpecs(q, "snapshot", s.Tags);
            st.Snapshots[s.Id] = s;
            return SnapshotXml(s, false, "pending") + TagSetXml(s.Tags);
        }

        private string DescribeSnapshots(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var ids = q.List("SnapshotId");
            IEnumerable<Snapshot> list = st.Snapshots.Values.OrderBy(s => s.StartTime).ThenBy(s => s.Id, StringComparer.Ordinal);
            if (ids.Count > 0)
            {
                var missing = ids.FirstOrDefault(i => !st.Snapshots.ContainsKey(i));
                if (missing != null)
                {
                    throw new SandboxError(400, "InvalidSnapshot.NotFound", $"The snapshot '{missing}' does not exist.");
                }

                list = list.Where(s => ids.Contains(s.Id));
            }

            var owners = q.List("Owner");
            if (owners.Count > 0)
            {
                list = list.Where(s => owners.Contains("self") ? s.OwnerId == st.AccountId || owners.Contains(s.OwnerId) : owners.Contains(s.OwnerId));
            }

            list = Filter(list, q, s => s.Tags, (n, s) => n switch
            {
                "snapshot-id" => s.Id,
                "volume-id" => s.VolumeId,
                "status" => "completed",
                "owner-id" => s.OwnerId,
                "description" => s.Description ?? string.Empty,
                "encrypted" => s.Encrypted ? "true" : "false",
                _ => null,
            });
            return Paged(q, list.ToList(), s => SnapshotXml(s, true), "snapshotSet");
        }

        private string CopySnapshot(CallContext ctx, QueryArgs q)
        {
            var st = ctx.State;
            var sourceRegion = q.Req("SourceRegion");
            var sourceId = q.Req("SourceSnapshotId");
            var from = ctx.World.Get(st.AccountId, sourceRegion);
            if (!from.Snapshots.TryGetValue(sourceId, out var src))
            {
                throw new SandboxError(400, "InvalidSnapshot.NotFound", $"The snapshot '{sourceId}' does not exist.");
            }

            var copy = new Snapshot
            {
                Id = "snap-" + ctx.Server.NewHex(17), VolumeId = "vol-ffffffff", VolumeSize = src.VolumeSize,
                Description = q["Description"] ?? $"[Copied {sourceId} from {sourceRegion}]", StartTime = ctx.Now,
                Encrypted = q.Bool("Encrypted") ?? src.Encrypted, OwnerId = st.AccountId, AvailabilityZone = st.DefaultAz, VolumeType = src.VolumeType,
            };
            ReadTagSpecs(q, "snapshot", copy.Tags);
            st.Snapshots[copy.Id] = copy;
            return E("snapshotId", copy.Id);
        }
    }
}
