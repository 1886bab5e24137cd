using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// RDS over the query protocol: form-encoded POSTs (Action + Version 2014-10-31), XML answers wrapped in
    /// &lt;XResponse&gt;&lt;XResult&gt;. Lists go on the wire as the model names them: Tags.Tag.N.Key, TagKeys.member.N.
    /// </summary>
    public sealed class RdsClient : QueryProtocolClient, IRdsApi
    {
        private const string Redacted = "***";

        public RdsClient(IAwsTransport transport)
            : base(transport, AwsService.Rds, pageSizeMember: "MaxRecords", tokenMember: "Marker", answerTokenMember: "Marker", pageSizeRange: "20-100")
        {
        }

        public IAsyncEnumerable<DbInstance> DescribeDBInstancesAsync(string? dbInstanceIdentifier, CancellationToken cancellationToken) =>
            ListAsync(
                "DescribeDBInstances",
                q => q.Add("DBInstanceIdentifier", dbInstanceIdentifier),
                pageable: true,
                r => r.Items("DBInstances", "DBInstance").Select(ReadInstance),
                cancellationToken);

        public IAsyncEnumerable<DbCluster> DescribeDBClustersAsync(string? dbClusterIdentifier, CancellationToken cancellationToken) =>
            ListAsync(
                "DescribeDBClusters",
                q => q.Add("DBClusterIdentifier", dbClusterIdentifier),
                pageable: true,
                r => r.Items("DBClusters", "DBCluster").Select(ReadCluster),
                cancellationToken);

        public IAsyncEnumerable<DbSnapshot> DescribeDBSnapshotsAsync(string? dbSnapshotIdentifier, string? dbInstanceIdentifier, CancellationToken cancellationToken) =>
            ListAsync(
                "DescribeDBSnapshots",
                q => q.Add("DBInstanceIdentifier", dbInstanceIdentifier).Add("DBSnapshotIdentifier", dbSnapshotIdentifier),
                pageable: true,
                r => r.Items("DBSnapshots", "DBSnapshot").Select(ReadSnapshot),
                cancellationToken);

        public async Task<DbInstance> CreateDBInstanceAsync(CreateDbInstanceRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            Require(request.DBInstanceIdentifier, nameof(request.DBInstanceIdentifier));
            Require(request.DBInstanceClass, nameof(request.DBInstanceClass));
            Require(request.Engine, nameof(request.Engine));

            var q = Query("CreateDBInstance")
                .Add("DBName", request.DBName)
                .Add("DBInstanceIdentifier", request.DBInstanceIdentifier)
                .Add("AllocatedStorage", request.AllocatedStorage)
                .Add("DBInstanceClass", request.DBInstanceClass)
                .Add("Engine", request.Engine)
                .Add("MasterUsername", request.MasterUsername)
                .Add("MasterUserPassword", request.MasterUserPassword)
                .Add("AvailabilityZone", request.AvailabilityZone)
                .Add("DBSubnetGroupName", request.DBSubnetGroupName)
                .Add("DBClusterIdentifier", request.DBClusterIdentifier);
            AddTags(q, request.Tags);

            XElement result;
            try
            {
                result = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (!string.IsNullOrEmpty(request.MasterUserPassword) && ex.AwsMessage.Contains(request.MasterUserPassword!))
            {
                // A peer that echoes the request must not put the password into logs or error records.
                throw new AwsServiceException(ex.Service, ex.Operation, ex.StatusCode, ex.ErrorCode, ex.AwsMessage.Replace(request.MasterUserPassword!, Redacted), ex.RequestId, ex.Region) { Attempts = ex.Attempts };
            }

            return ReadInstance(Required(result, "DBInstance", q.Action));
        }

        public async Task AddTagsToResourceAsync(string resourceArn, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken)
        {
            Require(resourceArn, nameof(resourceArn));
            var list = (tags ?? throw new ArgumentNullException(nameof(tags))).ToList();
            if (list.Count == 0)
            {
                throw new ArgumentException("At least one tag is required.", nameof(tags));
            }

            var q = Query("AddTagsToResource").Add("ResourceName", resourceArn);
            AddTags(q, list);
            await CallAsync(q, cancellationToken).ConfigureAwait(false);
        }

        public async Task RemoveTagsFromResourceAsync(string resourceArn, IEnumerable<string> tagKeys, CancellationToken cancellationToken)
        {
            Require(resourceArn, nameof(resourceArn));
            var keys = (tagKeys ?? throw new ArgumentNullException(nameof(tagKeys))).ToList();
            if (keys.Count == 0)
            {
                throw new ArgumentException("At least one tag key is required.", nameof(tagKeys));
            }

            var q = Query("RemoveTagsFromResource")
                .Add("ResourceName", resourceArn)
                .AddList("TagKeys.member", keys);
            await CallAsync(q, cancellationToken).ConfigureAwait(false);
        }

        public async Task<IReadOnlyList<ResourceTag>> ListTagsForResourceAsync(string resourceArn, CancellationToken cancellationToken)
        {
            Require(resourceArn, nameof(resourceArn));
            var q = Query("ListTagsForResource").Add("ResourceName", resourceArn);
            var result = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadTags(result);
        }

        public async Task<DbSnapshot> CreateDBSnapshotAsync(string dbSnapshotIdentifier, string dbInstanceIdentifier, IEnumerable<ResourceTag>? tags, CancellationToken cancellationToken)
        {
            Require(dbSnapshotIdentifier, nameof(dbSnapshotIdentifier));
            Require(dbInstanceIdentifier, nameof(dbInstanceIdentifier));
            var q = Query("CreateDBSnapshot")
                .Add("DBSnapshotIdentifier", dbSnapshotIdentifier)
                .Add("DBInstanceIdentifier", dbInstanceIdentifier);
            AddTags(q, tags);
            var result = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadSnapshot(Required(result, "DBSnapshot", q.Action));
        }

        /// <summary>
        /// For a cross-region copy the source must be the snapshot's ARN (an id names nothing in another region).
        /// SourceRegion is an SDK-side convenience, not a wire member: it is checked against the ARN, not sent.
        /// </summary>
        public async Task<DbSnapshot> CopyDBSnapshotAsync(string sourceDBSnapshotIdentifier, string targetDBSnapshotIdentifier, string? sourceRegion, string? kmsKeyId, CancellationToken cancellationToken)
        {
            Require(sourceDBSnapshotIdentifier, nameof(sourceDBSnapshotIdentifier));
            Require(targetDBSnapshotIdentifier, nameof(targetDBSnapshotIdentifier));
            CheckCrossRegionSource(sourceDBSnapshotIdentifier, sourceRegion, nameof(sourceDBSnapshotIdentifier));
            var q = Query("CopyDBSnapshot")
                .Add("SourceDBSnapshotIdentifier", sourceDBSnapshotIdentifier)
                .Add("TargetDBSnapshotIdentifier", targetDBSnapshotIdentifier)
                .Add("KmsKeyId", kmsKeyId);
            var result = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadSnapshot(Required(result, "DBSnapshot", q.Action));
        }

        public async Task<DbInstance> RestoreDBInstanceFromDBSnapshotAsync(RestoreDbInstanceFromSnapshotRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            Require(request.DBInstanceIdentifier, nameof(request.DBInstanceIdentifier));
            Require(request.DBSnapshotIdentifier, nameof(request.DBSnapshotIdentifier));
            var q = Query("RestoreDBInstanceFromDBSnapshot")
                .Add("DBInstanceIdentifier", request.DBInstanceIdentifier)
                .Add("DBSnapshotIdentifier", request.DBSnapshotIdentifier)
                .Add("DBInstanceClass", request.DBInstanceClass)
                .Add("AvailabilityZone", request.AvailabilityZone)
                .Add("DBSubnetGroupName", request.DBSubnetGroupName)
                .Add("MultiAZ", request.MultiAZ);
            AddTags(q, request.Tags);
            var result = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadInstance(Required(result, "DBInstance", q.Action));
        }

        /// <summary>For a cross-region replica the source must be the instance ARN; sourceRegion is checked against it.</summary>
        public async Task<DbInstance> CreateDBInstanceReadReplicaAsync(string dbInstanceIdentifier, string sourceDBInstanceIdentifier, string? dbInstanceClass, string? sourceRegion, CancellationToken cancellationToken)
        {
            Require(dbInstanceIdentifier, nameof(dbInstanceIdentifier));
            Require(sourceDBInstanceIdentifier, nameof(sourceDBInstanceIdentifier));
            CheckCrossRegionSource(sourceDBInstanceIdentifier, sourceRegion, nameof(sourceDBInstanceIdentifier));
            var q = Query("CreateDBInstanceReadReplica")
                .Add("DBInstanceIdentifier", dbInstanceIdentifier)
                .Add("SourceDBInstanceIdentifier", sourceDBInstanceIdentifier)
                .Add("DBInstanceClass", dbInstanceClass);
            var result = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadInstance(Required(result, "DBInstance", q.Action));
        }

        public async Task<DbInstance> PromoteReadReplicaAsync(string dbInstanceIdentifier, CancellationToken cancellationToken)
        {
            Require(dbInstanceIdentifier, nameof(dbInstanceIdentifier));
            var q = Query("PromoteReadReplica").Add("DBInstanceIdentifier", dbInstanceIdentifier);
            var result = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadInstance(Required(result, "DBInstance", q.Action));
        }

        public async Task<DbInstance> DeleteDBInstanceAsync(string dbInstanceIdentifier, bool skipFinalSnapshot, string? finalDBSnapshotIdentifier, CancellationToken cancellationToken)
        {
            Require(dbInstanceIdentifier, nameof(dbInstanceIdentifier));
            if (!skipFinalSnapshot && string.IsNullOrWhiteSpace(finalDBSnapshotIdentifier))
            {
                throw new ArgumentException("A final snapshot identifier is required unless skipFinalSnapshot is true.", nameof(finalDBSnapshotIdentifier));
            }

            if (skipFinalSnapshot && !string.IsNullOrEmpty(finalDBSnapshotIdentifier))
            {
                throw new ArgumentException("A final snapshot identifier cannot be given when skipFinalSnapshot is true.", nameof(finalDBSnapshotIdentifier));
            }

            var q = Query("DeleteDBInstance")
                .Add("DBInstanceIdentifier", dbInstanceIdentifier)
                .Add("SkipFinalSnapshot", skipFinalSnapshot)
                .Add("FinalDBSnapshotIdentifier", skipFinalSnapshot ? null : finalDBSnapshotIdentifier);
            var result = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadInstance(Required(result, "DBInstance", q.Action));
        }

        /// <summary>RDS wraps the result members in &lt;ActionResult&gt; (the root itself when an answer has none).</summary>
        private protected override XElement ResultOf(XElement root, string action) => root.El(action + "Result") ?? root;

        private static XElement Required(XElement result, string name, string action) =>
            result.El(name) ?? throw new AwsServiceException(AwsService.Rds.Name, action, 200, "MalformedResponse", $"The {action} answer has no {name} element.", null);

        private static void AddTags(QueryParams q, IEnumerable<ResourceTag>? tags) =>
            q.AddStructList("Tags.Tag", tags, (p, t) => q.Add(p + ".Key", t.Key).Add(p + ".Value", t.Value));

        private void CheckCrossRegionSource(string source, string? sourceRegion, string parameterName)
        {
            if (string.IsNullOrEmpty(sourceRegion) || string.Equals(sourceRegion, Context.Region, StringComparison.Ordinal))
            {
                return;
            }

            if (!Arn.TryParse(source, out var arn))
            {
                throw new ArgumentException($"A copy from {sourceRegion} into {Context.Region} needs the source ARN, not the identifier '{source}'.", parameterName);
            }

            if (!string.Equals(arn!.Region, sourceRegion, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The source ARN is in {arn.Region}, but sourceRegion is {sourceRegion}.", parameterName);
            }
        }

        private static List<ResourceTag> ReadTags(XElement parent) =>
            parent.Items("TagList", "Tag").Select(t => new ResourceTag(t.Str("Key") ?? string.Empty, t.Str("Value") ?? string.Empty)).ToList();

        private DbInstance ReadInstance(XElement e) => new DbInstance
        {
            DBInstanceIdentifier = e.Str("DBInstanceIdentifier") ?? string.Empty,
            DBInstanceArn = S(e, "DBInstanceArn"),
            Region = Context.Region,
            DBInstanceClass = S(e, "DBInstanceClass"),
            Engine = S(e, "Engine"),
            EngineVersion = S(e, "EngineVersion"),
            DBInstanceStatus = S(e, "DBInstanceStatus"),
            AvailabilityZone = S(e, "AvailabilityZone"),
            DBSubnetGroupName = e.El("DBSubnetGroup") is XElement g ? S(g, "DBSubnetGroupName") : null,
            EndpointAddress = e.El("Endpoint") is XElement ep ? S(ep, "Address") : null,
            EndpointPort = e.El("Endpoint")?.Int("Port"),
            AllocatedStorage = e.Int("AllocatedStorage"),
            StorageType = S(e, "StorageType"),
            MultiAZ = e.Bool("MultiAZ"),
            StorageEncrypted = e.Bool("StorageEncrypted"),
            InstanceCreateTime = e.Date("InstanceCreateTime"),
            DBClusterIdentifier = S(e, "DBClusterIdentifier"),
            ReadReplicaSourceDBInstanceIdentifier = S(e, "ReadReplicaSourceDBInstanceIdentifier"),
            ReadReplicaDBInstanceIdentifiers = e.Items("ReadReplicaDBInstanceIdentifiers", "ReadReplicaDBInstanceIdentifier").Select(x => x.Value).ToList(),
            TagList = ReadTags(e),
        };

        private DbCluster ReadCluster(XElement e) => new DbCluster
        {
            DBClusterIdentifier = e.Str("DBClusterIdentifier") ?? string.Empty,
            DBClusterArn = S(e, "DBClusterArn"),
            Region = Context.Region,
            Engine = S(e, "Engine"),
            Status = S(e, "Status"),
            ClusterCreateTime = e.Date("ClusterCreateTime"),
            DBClusterMembers = e.Items("DBClusterMembers", "DBClusterMember").Select(m => m.Str("DBInstanceIdentifier")).Where(id => !string.IsNullOrEmpty(id)).Select(id => id!).ToList(),
            TagList = ReadTags(e),
        };

        private DbSnapshot ReadSnapshot(XElement e) => new DbSnapshot
        {
            DBSnapshotIdentifier = e.Str("DBSnapshotIdentifier") ?? string.Empty,
            DBSnapshotArn = S(e, "DBSnapshotArn"),
            DBInstanceIdentifier = S(e, "DBInstanceIdentifier"),
            Region = Context.Region,
            SnapshotCreateTime = e.Date("SnapshotCreateTime"),
            Status = S(e, "Status"),
            SnapshotType = S(e, "SnapshotType"),
            Engine = S(e, "Engine"),
            AllocatedStorage = e.Int("AllocatedStorage"),
            PercentProgress = e.Int("PercentProgress"),
            SourceRegion = S(e, "SourceRegion"),
            SourceDBSnapshotIdentifier = S(e, "SourceDBSnapshotIdentifier"),
            Encrypted = e.Bool("Encrypted"),
            TagList = ReadTags(e),
        };
    }
}
