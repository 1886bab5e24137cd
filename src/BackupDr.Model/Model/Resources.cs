using System;
using System.Collections.Generic;

namespace BackupDr.Core.Model
{
    public sealed class ResourceTag
    {
        public ResourceTag()
        {
        }

        public ResourceTag(string key, string value)
        {
            Key = key;
            Value = value;
        }

        public string Key { get; set; } = string.Empty;
        public string Value { get; set; } = string.Empty;
        public override string ToString() => $"{Key}={Value}";
    }

    public sealed class DbInstance
    {
        public string DBInstanceIdentifier { get; set; } = string.Empty;
        public string? DBInstanceArn { get; set; }
        public string Region { get; set; } = string.Empty;
        public string? DBInstanceClass { get; set; }
        public string? Engine { get; set; }
        public string? EngineVersion { get; set; }
        public string? DBInstanceStatus { get; set; }
        public string? AvailabilityZone { get; set; }
        public string? DBSubnetGroupName { get; set; }
        public string? EndpointAddress { get; set; }
        public int? EndpointPort { get; set; }
        public int? AllocatedStorage { get; set; }
        public string? StorageType { get; set; }
        public bool? MultiAZ { get; set; }
        public bool? StorageEncrypted { get; set; }
        public DateTime? InstanceCreateTime { get; set; }
        public string? DBClusterIdentifier { get; set; }
        public string? ReadReplicaSourceDBInstanceIdentifier { get; set; }
        public List<string> ReadReplicaDBInstanceIdentifiers { get; set; } = new List<string>();
        public List<ResourceTag> TagList { get; set; } = new List<ResourceTag>();
    }

    public sealed class DbCluster
    {
        public string DBClusterIdentifier { get; set; } = string.Empty;
        public string? DBClusterArn { get; set; }
        public string Region { get; set; } = string.Empty;
        public string? Engine { get; set; }
        public string? Status { get; set; }
        public DateTime? ClusterCreateTime { get; set; }
        public List<string> DBClusterMembers { get; set; } = new List<string>();
        public List<ResourceTag> TagList { get; set; } = new List<ResourceTag>();
    }

    public sealed class DbSnapshot
    {
        public string DBSnapshotIdentifier { get; set; } = string.Empty;
        public string? DBSnapshotArn { get; set; }
        public string? DBInstanceIdentifier { get; set; }
        public string Region { get; set; } = string.Empty;
        public DateTime? SnapshotCreateTime { get; set; }
        public string? Status { get; set; }
        public string? SnapshotType { get; set; }
        public string? Engine { get; set; }
        public int? AllocatedStorage { get; set; }
        public int? PercentProgress { get; set; }
        public string? SourceRegion { get; set; }
        public string? SourceDBSnapshotIdentifier { get; set; }
        public bool? Encrypted { get; set; }
        public List<ResourceTag> TagList { get; set; } = new List<ResourceTag>();
    }

    public sealed class Ec2Instance
    {
        public string InstanceId { get; set; } = string.Empty;
        public string Region { get; set; } = string.Empty;
        public string? InstanceType { get; set; }

        /// <summary>pending, running, stopping, stopped, shutting-down, terminated.</summary>
        public string? State { get; set; }
        public string? AvailabilityZone { get; set; }
        public DateTime? LaunchTime { get; set; }
        public string? OwnerId { get; set; }
        public List<string> VolumeIds { get; set; } = new List<string>();
        public List<ResourceTag> Tags { get; set; } = new List<ResourceTag>();
    }

    public sealed class VolumeAttachment
    {
        public string? InstanceId { get; set; }
        public string? Device { get; set; }
        public string? State { get; set; }
    }

    public sealed class Ec2Volume
    {
        public string VolumeId { get; set; } = string.Empty;
        public string Region { get; set; } = string.Empty;
        public int? Size { get; set; }
        public string? VolumeType { get; set; }

        /// <summary>creating, available, in-use, deleting, deleted, error.</summary>
        public string? State { get; set; }
        public string? AvailabilityZone { get; set; }
        public DateTime? CreateTime { get; set; }
        public string? SnapshotId { get; set; }
        public bool? Encrypted { get; set; }
        public int? Iops { get; set; }
        public List<VolumeAttachment> Attachments { get; set; } = new List<VolumeAttachment>();
        public List<ResourceTag> Tags { get; set; } = new List<ResourceTag>();
    }

    public sealed class Ec2Snapshot
    {
        public string SnapshotId { get; set; } = string.Empty;
        public string Region { get; set; } = string.Empty;
        public string? VolumeId { get; set; }

        /// <summary>pending, completed, error, recoverable, recovering.</summary>
        public string? State { get; set; }
        public DateTime? StartTime { get; set; }
        public string? Progress { get; set; }
        public int? VolumeSize { get; set; }
        public string? Description { get; set; }
        public string? OwnerId { get; set; }
        public bool? Encrypted { get; set; }
        public List<ResourceTag> Tags { get; set; } = new List<ResourceTag>();
    }

    /// <summary>One row of EC2 DescribeTags.</summary>
    public sealed class Ec2TagDescription
    {
        public string ResourceId { get; set; } = string.Empty;
        public string? ResourceType { get; set; }
        public string Key { get; set; } = string.Empty;
        public string Value { get; set; } = string.Empty;
    }
}
