using System;
using System.Collections.Generic;

namespace BackupDr.Sandbox.Api
{
    /// <summary>AWS STS (query protocol, 2011-06-15): GetCallerIdentity, so callers learn the sandbox account id.</summary>
    internal sealed class StsApi : QueryApi
    {
        public StsApi()
        {
            Actions = new Dictionary<string, Func<CallContext, QueryArgs, string>>(StringComparer.Ordinal)
            {
                ["GetCallerIdentity"] = (ctx, _) =>
                    E("Arn", $"arn:aws:iam::{ctx.AccountId}:user/sandbox") + E("UserId", "AIDASANDBOX" + ctx.AccountId) + E("Account", ctx.AccountId),
            };
        }

        protected override string Version => "2011-06-15";
        protected override bool IsEc2 => false;
        protected override string Namespace => "https://sts.amazonaws.com/doc/2011-06-15/";
        protected override Dictionary<string, Func<CallContext, QueryArgs, string>> Actions { get; }
    }
}
