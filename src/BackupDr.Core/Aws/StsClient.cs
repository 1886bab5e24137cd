using System.Threading;
using System.Threading.Tasks;

namespace BackupDr.Core.Aws
{
    /// <summary>Who the credentials belong to: the account id, ARN and user id.</summary>
    public sealed class CallerIdentity
    {
        public string Account { get; set; } = string.Empty;
        public string? Arn { get; set; }
        public string? UserId { get; set; }

        /// <summary>AWS's clock: the Date header of the answer (null when it had none), for clock-skew checks.</summary>
        public System.DateTimeOffset? ServerTime { get; set; }
    }

    /// <summary>Temporary credentials from STS AssumeRole; the secret and token never leave Core.</summary>
    public sealed class AssumedRoleCredentials
    {
        /// <summary>The role assumed.</summary>
        public string RoleArn { get; set; } = string.Empty;
        public string AccessKeyId { get; set; } = string.Empty;
        internal string SecretAccessKey { get; set; } = string.Empty;
        internal string SessionToken { get; set; } = string.Empty;
        public System.DateTime? Expiration { get; set; }

        /// <summary>arn:...:sts::ACCOUNT:assumed-role/NAME/SESSION.</summary>
        public string? AssumedRoleArn { get; set; }
    }

    /// <summary>STS: GetCallerIdentity (who the credentials are) and AssumeRole (other accounts' roles); query protocol, XML answers.</summary>
    public interface IStsApi
    {
        Task<CallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken);

        /// <summary>Credentials of <paramref name="roleArn"/> for one session (DurationSeconds 900-43200, default 3600).</summary>
        Task<AssumedRoleCredentials> AssumeRoleAsync(string roleArn, string roleSessionName, int? durationSeconds, CancellationToken cancellationToken);
    }

    public sealed class StsClient : IStsApi
    {
        private readonly IAwsTransport _transport;

        public StsClient(IAwsTransport transport)
        {
            _transport = transport;
        }

        public async Task<CallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken)
        {
            using var response = await _transport.SendAsync(new QueryParams(AwsService.Sts, "GetCallerIdentity").ToRequest(), cancellationToken).ConfigureAwait(false);
            var result = XmlRead.Parse(response.Body).Find("GetCallerIdentityResult");
            return new CallerIdentity
            {
                Account = result?.Str("Account") ?? string.Empty,
                Arn = result?.Str("Arn"),
                UserId = result?.Str("UserId"),
                ServerTime = response.Headers.TryGetValue("Date", out var date)
                    && System.DateTimeOffset.TryParse(date, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : (System.DateTimeOffset?)null,
            };
        }

        public async Task<AssumedRoleCredentials> AssumeRoleAsync(string roleArn, string roleSessionName, int? durationSeconds, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(roleArn))
            {
                throw new System.ArgumentException("RoleArn is required.", nameof(roleArn));
            }

            if (string.IsNullOrWhiteSpace(roleSessionName))
            {
                throw new System.ArgumentException("RoleSessionName is required.", nameof(roleSessionName));
            }

            var query = new QueryParams(AwsService.Sts, "AssumeRole").Add("RoleArn", roleArn).Add("RoleSessionName", roleSessionName).Add("DurationSeconds", durationSeconds);
            using var response = await _transport.SendAsync(query.ToRequest(), cancellationToken).ConfigureAwait(false);
            var result = XmlRead.Parse(response.Body).Find("AssumeRoleResult");
            var credentials = result?.Find("Credentials");
            var keyId = credentials?.Str("AccessKeyId");
            var secret = credentials?.Str("SecretAccessKey");
            if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret))
            {
                throw new AwsServiceException(AwsService.Sts.Name, "AssumeRole", response.StatusCode, "MalformedResponse", "The AssumeRole answer carried no Credentials.", response.RequestId, _transport.Context.Region);
            }

            return new AssumedRoleCredentials
            {
                RoleArn = roleArn,
                AccessKeyId = keyId!,
                SecretAccessKey = secret!,
                SessionToken = credentials!.Str("SessionToken") ?? string.Empty,
                Expiration = credentials!.Date("Expiration"),
                AssumedRoleArn = result!.Find("AssumedRoleUser")?.Str("Arn"),
            };
        }
    }
}
