using System.Threading;
using System.Threading.Tasks;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// EC2's DryRun permission checks, apart from <see cref="IEc2Api"/> so other EC2 clients (fakes, an adapter over
    /// AWSSDK.EC2) need not offer it; Test-DrEnvironment falls back on a read call when a client does not.
    /// </summary>
    public interface IEc2DryRunApi
    {
        /// <summary>True when ec2:DescribeVolumes is allowed; throws AwsServiceException (UnauthorizedOperation) when denied.</summary>
        Task<bool> DryRunDescribeVolumesAsync(CancellationToken cancellationToken);
    }
}
