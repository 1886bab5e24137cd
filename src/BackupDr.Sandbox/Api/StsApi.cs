using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using BackupDr.Sandbox.Protocol;

namespace BackupDr.Sandbox.Api
{
    /// <summary>
    /// AWS STS (query protocol, 2011-06-15): GetCallerIdentity, so callers learn the sandbox account id, and AssumeRole,
    /// whose temporary keys the sandbox then treats as the role's account (roles are declared in the seed's "roles").
    /// </summary>
    internal sealed class StsApi : QueryApi
    {
        private static readonly Regex RoleArnPattern = new Regex(@"^arn:(aws|aws-cn|aws-us-gov):iam::(?<account>\d{12}):role/(?<name>[\w+=,.@/-]{1,512})$", RegexOptions.CultureInvariant);
        private static readonly Regex SessionNamePattern = new Regex(@"^[\w+=,.@-]{2,64}$", RegexOptions.CultureInvariant);

        public StsApi()
        {
            Actions = new Dictionary<string, Func<CallContext, QueryArgs, string>>(StringComparer.Ordinal)
            {
                ["GetCallerIdentity"] = (ctx, _) =>
                    E("Arn", $"arn:aws:iam::{ctx.AccountId}:user/sandbox") + E("UserId", "AIDASANDBOX" + ctx.AccountId) + E("Account", ctx.AccountId),
                ["AssumeRole"] = AssumeRole,
            };
        }

        protected override string Version => "2011-06-15";
        protected override bool IsEc2 => false;
        protected override string Namespace => "https://sts.amazonaws.com/doc/2011-06-15/";
        protected override Dictionary<string, Func<CallContext, QueryArgs, string>> Actions { get; }

        private static string AssumeRole(CallContext ctx, QueryArgs q)
        {
            var roleArn = q.Req("RoleArn");
            var sessionName = q.Req("RoleSessionName");
            var m = RoleArnPattern.Match(roleArn);
            if (!m.Success)
            {
                throw new SandboxError(400, "ValidationError", $"{roleArn} is invalid: a RoleArn looks like arn:aws:iam::111111111111:role/RoleName.");
            }

            if (!SessionNamePattern.IsMatch(sessionName))
            {
                throw new SandboxError(400, "ValidationError", $"1 validation error detected: Value '{sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
            }

            var duration = q.Int("DurationSeconds") ?? 3600;
            if (duration < 900 || duration > 43200)
            {
                throw new SandboxError(400, "ValidationError", $"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200.");
            }

            // As in AWS, a role that does not exist (or does not trust the caller) is AccessDenied, not NotFound.
            if (!ctx.World.Organization.Roles.Contains(roleArn))
            {
                throw new SandboxError(403, "AccessDenied", $"User: arn:aws:iam::{ctx.AccountId}:user/sandbox is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
            }

            var account = m.Groups["account"].Value;
            var roleName = m.Groups["name"].Value;
            var keyId = "ASIA" + ctx.Server.NewHex(16).ToUpperInvariant();
            ctx.World.Organization.RememberKey(keyId, account);
            var roleId = "AROA" + ctx.Server.NewHex(17).ToUpperInvariant();
            return "<Credentials>" + E("AccessKeyId", keyId) + E("SecretAccessKey", ctx.Server.NewHex(40)) + E("SessionToken", "sandbox-session-" + ctx.Server.NewHex(32))
                + E("Expiration", ctx.Now.AddSeconds(duration)) + "</Credentials>"
                + "<AssumedRoleUser>" + E("AssumedRoleId", roleId + ":" + sessionName) + E("Arn", $"arn:aws:sts::{account}:assumed-role/{roleName}/{sessionName}") + "</AssumedRoleUser>";
        }
    }
}
