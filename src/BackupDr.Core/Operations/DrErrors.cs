using System;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Base of BackupDr's own errors: a stable id, the parameter to fix and the offending value, so error records are actionable.</summary>
    [Serializable]
    public class DrException : Exception
    {
        /// <summary>Creates an error with everything an ErrorRecord needs, keeping the inner exception.</summary>
        public DrException(string errorId, string? parameterName, object? value, string message, DrErrorKind kind, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            ParameterName = parameterName;
            Value = value;
            Kind = kind;
        }

        /// <summary>Stable PascalCase id (InvalidResourceArn, TooManyTags...) that scripts match on in FullyQualifiedErrorId.</summary>
        public string ErrorId { get; }

        /// <summary>The parameter the user should change (without the dash), when one is to blame.</summary>
        public string? ParameterName { get; }

        /// <summary>The offending value, so the error record's target shows what was wrong.</summary>
        public object? Value { get; }

        /// <summary>The kind of failure, mapped to an ErrorCategory by the cmdlet layer.</summary>
        public DrErrorKind Kind { get; }
    }

    /// <summary>Input rejected before anything was sent to AWS (bad ARN, tag rule, lifecycle rule, name in use).</summary>
    [Serializable]
    public class DrValidationException : DrException
    {
        /// <summary>Creates a validation error; Kind defaults to InvalidArgument because most rejections are bad input.</summary>
        public DrValidationException(string errorId, string? parameterName, object? value, string message, DrErrorKind kind = DrErrorKind.InvalidArgument, Exception? inner = null)
            : base(errorId, parameterName, value, message, kind, inner)
        {
        }
    }

    /// <summary>A wait gave up after its timeout; the job itself keeps running in AWS, which the message says.</summary>
    [Serializable]
    public class DrTimeoutException : DrException
    {
        /// <summary>Creates the JobWaitTimeout error for one job, naming the job and the timeout.</summary>
        public DrTimeoutException(string jobId, TimeSpan timeout, string? lastState)
            : this(jobId, timeout, lastState, null, null)
        {
        }

        /// <summary>Creates the JobWaitTimeout error for a job still running at the deadline, carrying the job (and the last poll error, if the last poll failed).</summary>
        public DrTimeoutException(DrJob job, TimeSpan timeout, Exception? lastPollError = null)
            : this((job ?? throw new ArgumentNullException(nameof(job))).JobId, timeout, job.Status, job, lastPollError)
        {
        }

        private DrTimeoutException(string jobId, TimeSpan timeout, string? lastState, DrJob? job, Exception? lastPollError)
            : base(
                "JobWaitTimeout",
                "Timeout",
                (object?)job ?? jobId,
                $"{(job == null ? "Job" : job.JobType + " job")} '{jobId}' did not finish within the timeout of {timeout} (last state: {(string.IsNullOrEmpty(lastState) ? "unknown" : lastState)}"
                    + (lastPollError == null ? string.Empty : $"; the last poll failed: {lastPollError.Message}")
                    + "). The job keeps running in AWS; wait again with Wait-DrJob or raise -Timeout.",
                DrErrorKind.OperationTimeout,
                lastPollError)
        {
            JobId = jobId;
            Timeout = timeout;
            LastState = lastState;
            Job = job;
        }

        /// <summary>The job that was still running, so a runbook can wait on it again.</summary>
        public string JobId { get; }

        /// <summary>The timeout that was exceeded.</summary>
        public TimeSpan Timeout { get; }

        /// <summary>The job's state at the last poll.</summary>
        public string? LastState { get; }

        /// <summary>The job as last seen, when the waiter had it (pipe it to Wait-DrJob to wait again).</summary>
        public DrJob? Job { get; }
    }

    /// <summary>
    /// A backup, restore or copy job ended without success. Its own type and ids, so a runbook tells "the job
    /// failed in AWS" from "the input was wrong": {Backup|Restore|Copy}JobFailed (FAILED, EXPIRED, PARTIAL;
    /// category InvalidResult) and {Backup|Restore|Copy}JobAborted (ABORTED; category OperationStopped).
    /// </summary>
    [Serializable]
    public class DrJobFailedException : DrException
    {
        public DrJobFailedException(DrJob job)
            : base(
                ErrorIdFor(job ?? throw new ArgumentNullException(nameof(job))),
                null,
                job,
                $"{job.JobType} job {job.JobId} ended {job.State}: {job.StatusMessage ?? "AWS gave no status message."}",
                job.State == JobStates.Aborted ? DrErrorKind.JobAborted : DrErrorKind.JobFailed)
        {
            Job = job;
        }

        /// <summary>The final job, with its state and status message.</summary>
        public DrJob Job { get; }

        /// <summary>BackupJobFailed, RestoreJobAborted, ...: the job type and Failed, or Aborted for an ABORTED job.</summary>
        public static string ErrorIdFor(DrJob job) => job.JobType + (job.State == JobStates.Aborted ? "JobAborted" : "JobFailed");
    }

    /// <summary>The one place AWS error codes become error kinds, so every cmdlet categorises the same code the same way.</summary>
    public static class DrErrors
    {
        /// <summary>Maps an AWS error to a kind by its code (falling back on HTTP status), so ErrorCategory is never guessed per cmdlet.</summary>
        public static DrErrorKind KindOf(AwsServiceException exception)
        {
            if (exception == null)
            {
                throw new ArgumentNullException(nameof(exception));
            }

            var code = exception.ErrorCode ?? string.Empty;
            var status = exception.StatusCode;

            if (code.StartsWith("AccessDenied", StringComparison.Ordinal)
                || code == "UnauthorizedOperation"
                || code == "AuthFailure"
                || code == "InvalidClientTokenId"
                || code == "UnrecognizedClientException"
                || code.StartsWith("ExpiredToken", StringComparison.Ordinal)
                || code == "SignatureDoesNotMatch")
            {
                return DrErrorKind.PermissionDenied;
            }

            if (code.IndexOf("NotFound", StringComparison.Ordinal) >= 0 || code == "ResourceNotFoundException")
            {
                return DrErrorKind.ObjectNotFound;
            }

            if (code.IndexOf("AlreadyExists", StringComparison.Ordinal) >= 0)
            {
                return DrErrorKind.ResourceExists;
            }

            if (RetryPolicy.IsThrottling(code, status)
                || code.IndexOf("LimitExceeded", StringComparison.Ordinal) >= 0
                || code.IndexOf("QuotaExceeded", StringComparison.Ordinal) >= 0)
            {
                return DrErrorKind.LimitsExceeded;
            }

            if (code == "RequestTimeout" || code == "RequestTimeoutException")
            {
                return DrErrorKind.OperationTimeout;
            }

            if (code == "NetworkError" || (status == 0 && code.Length == 0))
            {
                return DrErrorKind.ConnectionError;
            }

            if (code.StartsWith("Validation", StringComparison.Ordinal)
                || code.StartsWith("InvalidParameter", StringComparison.Ordinal)
                || code.StartsWith("MissingParameter", StringComparison.Ordinal))
            {
                return DrErrorKind.InvalidArgument;
            }

            if (status == 404)
            {
                return DrErrorKind.ObjectNotFound;
            }

            if (status == 403)
            {
                return DrErrorKind.PermissionDenied;
            }

            return DrErrorKind.InvalidOperation;
        }
    }
}
