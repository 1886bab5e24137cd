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

    /// <summary>STS GetCallerIdentity, the one STS call BackupDr needs (query protocol, XML answer).</summary>
    public interface IStsApi
    {
        Task<CallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken);
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
            var response = await _transport.SendAsync(new QueryParams(AwsService.Sts, "GetCallerIdentity").ToRequest(), cancellationToken).ConfigureAwait(false);
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
    }
}
