using System;
using BackupDr.Sandbox.Http;

namespace BackupDr.Sandbox.Api
{
    /// <summary>One service: finds the operation a request names and the handler that answers it.</summary>
    internal abstract class ApiBase
    {
        /// <summary>Throws SandboxError (UnknownOperationException / InvalidAction, SerializationException ...) when the request names nothing it serves.</summary>
        public abstract Func<CallContext, HttpResponseData> Resolve(HttpRequestData request, out string operation);
    }
}
