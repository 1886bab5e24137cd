using System;
using System.Collections;
using System.Management.Automation;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Finds EBS volumes, EC2 instances, RDS instances and Aurora clusters, optionally by tag, and emits
    /// them with the ResourceArn that Start-DrBackup and Set-DrBackupTag bind to.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrResource")]
    [OutputType(typeof(DrResource))]
    public sealed class GetDrResourceCommand : DrAwsCmdlet
    {
        /// <summary>Only resources carrying all of these tags, e.g. @{ Backup = 'daily' }.</summary>
        [Parameter(Position = 0)]
        public Hashtable? Tag { get; set; }

        /// <summary>EBS, EC2, RDS or Aurora (default: all four).</summary>
        [Parameter]
        [ValidateSet("EBS", "EC2", "RDS", "Aurora", IgnoreCase = true)]
        public string[]? ResourceType { get; set; }

        /// <summary>Account id for the ARNs of EC2 resources (default: asked of STS).</summary>
        [Parameter]
        [ValidatePattern("^[0-9]{12}$")]
        public string? AccountId { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                var tags = Hashtables.ToStringMap(Tag, "Tag");
                var account = AccountId ?? Run(ct => CallerAccount.GetAsync(Clients.Sts, ct));
                var finder = new ResourceFinder(Clients.Ec2, Clients.Rds);
                Stream(ct => finder.FindAsync(tags, ResourceType, account, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowDrError(ex, Tag);
            }
        }
    }
}
