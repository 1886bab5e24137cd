using System;
using System.Net;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// The one exception the transport throws for a failed AWS call: what was called, what AWS said
    /// (or what went wrong on the way) and the request id to give AWS Support.
    /// </summary>
    [Serializable]
    public class AwsServiceException : Exception
    {
        public AwsServiceException(string service, string operation, int statusCode, string errorCode, string message, string? requestId, string? region = null, Exception? inner = null)
            : base(Compose(service, operation, statusCode, errorCode, message, requestId), inner)
        {
            Service = service;
            Operation = operation;
            StatusCode = statusCode;
            ErrorCode = errorCode;
            AwsMessage = message;
            RequestId = requestId;
            Region = region;
        }

        public string Service { get; }
        public string Operation { get; }

        /// <summary>HTTP status of the last answer; 0 when no answer came (network failure, timeout).</summary>
        public int StatusCode { get; }

        /// <summary>The AWS error code, e.g. ResourceNotFoundException, DBInstanceNotFound, InvalidVolume.NotFound.</summary>
        public string ErrorCode { get; }

        /// <summary>The message as AWS (or the client) gave it, without the service/operation prefix.</summary>
        public string AwsMessage { get; }
        public string? RequestId { get; }
        public string? Region { get; }

        /// <summary>How many attempts were made before giving up (1 when the first answer was final).</summary>
        public int Attempts { get; internal set; } = 1;

        public bool IsNotFound =>
            StatusCode == (int)HttpStatusCode.NotFound
            || ErrorCode.EndsWith("NotFound", StringComparison.Ordinal)
            || ErrorCode.EndsWith("NotFoundFault", StringComparison.Ordinal)
            || ErrorCode.EndsWith(".NotFound", StringComparison.Ordinal)
            || ErrorCode == "ResourceNotFoundException";

        private static string Compose(string service, string operation, int statusCode, string errorCode, string message, string? requestId)
        {
            var status = statusCode > 0 ? $"HTTP {statusCode}" : "no response";
            var rid = string.IsNullOrEmpty(requestId) ? string.Empty : $" Request id: {requestId}.";
            return $"{service} {operation} failed ({status}, {errorCode}): {message}{rid}";
        }
    }

    /// <summary>
    /// Bad configuration found before anything is sent: no region, unknown profile, malformed endpoint,
    /// missing credentials. Carries the parameter a user should fix.
    /// </summary>
    [Serializable]
    public class AwsConfigurationException : Exception
    {
        public AwsConfigurationException(string errorId, string parameterName, string message, object? value = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            ParameterName = parameterName;
            Value = value;
        }

        /// <summary>Stable id (e.g. RegionNotFound, ProfileNotFound, InvalidEndpointUrl) for error records.</summary>
        public string ErrorId { get; }

        /// <summary>The parameter that needs another value, e.g. Region, ProfileName, EndpointUrl.</summary>
        public string ParameterName { get; }

        /// <summary>The offending value, when there is one and it is not a secret.</summary>
        public object? Value { get; }
    }
}
