using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>A planned (and possibly applied) tag change on one resource: what -WhatIf shows and -PassThru returns.</summary>
    public sealed class TagChangeResult
    {
        /// <summary>Creates a plan for one resource.</summary>
        public TagChangeResult(Arn resource, string resourceType, TagDiff diff)
        {
            Resource = resource;
            ResourceType = resourceType;
            Diff = diff;
        }

        /// <summary>The resource ARN (the ShouldProcess target).</summary>
        public string ResourceArn => Resource.Text;

        /// <summary>The short id of the resource (vol-0123..., orders-db) that table views show.</summary>
        public string ResourceId => Resource.ResourceId;

        /// <summary>The parsed ARN, used to route to EC2 or RDS.</summary>
        public Arn Resource { get; }

        /// <summary>AWS Backup's name for the resource type (EC2, EBS, RDS, Aurora).</summary>
        public string ResourceType { get; }

        /// <summary>What changes.</summary>
        public TagDiff Diff { get; }

        /// <summary>True once ApplyAsync sent the changes (false for a plan and for "no change").</summary>
        public bool Applied { get; internal set; }

        /// <summary>The -WhatIf text: resource and difference.</summary>
        public override string ToString() => $"{ResourceArn}: {Diff}";
    }
}
