using System.Management.Automation;
using BackupDr.Core.Aws;

namespace BackupDr.Commands
{
    /// <summary>
    /// Base of Set-DrDefault and Get-DrDefault: they take region, profile, credentials and endpoint as values
    /// (to keep, or to show what a call would use), not as a connection; neither calls AWS.
    /// </summary>
    public abstract class DrDefaultCmdlet : DrCmdlet
    {
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(ProfileCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ProfileName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ProfileLocation { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AccessKey { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SessionToken { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EndpointUrl { get; set; }

        /// <summary>True when any of the values was given on this call.</summary>
        protected bool AnyGiven =>
            Region != null || ProfileName != null || ProfileLocation != null || AccessKey != null || SecretKey != null || SessionToken != null || EndpointUrl != null;

        /// <summary>The values given on this call.</summary>
        protected AwsContextOptions GivenOptions() => new AwsContextOptions
        {
            Region = Region,
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
            EndpointUrl = EndpointUrl,
        };
    }
}
