using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>What kind of failure an error is, so cmdlets pick an ErrorCategory without knowing AWS codes.</summary>
    public enum DrErrorKind
    {
        /// <summary>The caller's input breaks a rule; fixing the parameter fixes the error.</summary>
        InvalidArgument,

        /// <summary>The named resource, job, vault or recovery point does not exist.</summary>
        ObjectNotFound,

        /// <summary>Something with that name already exists and would be overwritten or duplicated.</summary>
        ResourceExists,

        /// <summary>A quota, tag limit or throttling limit was hit.</summary>
        LimitsExceeded,

        /// <summary>The credentials are not allowed to do this (or are not valid at all).</summary>
        PermissionDenied,

        /// <summary>A wait or a request ran out of time.</summary>
        OperationTimeout,

        /// <summary>AWS could not be reached at all (no answer, DNS, TLS).</summary>
        ConnectionError,

        /// <summary>Anything else AWS refused: the request was valid but not possible in the current state.</summary>
        InvalidOperation,

        /// <summary>What is needed is held by someone else (a port in use).</summary>
        ResourceBusy,

        /// <summary>A file's content is not what it must be (a sandbox seed file); the message names the line.</summary>
        InvalidData,

        /// <summary>A backup, restore or copy job ended FAILED, EXPIRED or PARTIAL: the work itself did not succeed.</summary>
        JobFailed,

        /// <summary>A job ended ABORTED: someone or something stopped it.</summary>
        JobAborted,
    }
}
