using System;
using System.Management.Automation;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// The one place exceptions become ErrorRecords: a stable PascalCase id, a fitting category, the target
    /// (usually the ARN) and the inner exception kept, plus a recommended action where we know one.
    /// </summary>
    public static class DrErrorRecords
    {
        public static ErrorRecord From(Exception ex, object? target)
        {
            switch (ex)
            {
                case AwsConfigurationException config:
                    return Build(ex, config.ErrorId, ErrorCategory.InvalidArgument, target ?? config.Value, $"Check -{config.ParameterName}.");
                case DrException dr:
                    return Build(ex, dr.ErrorId, CategoryOf(dr.Kind), target ?? dr.Value, dr.ParameterName == null ? null : $"Check -{dr.ParameterName}.");
                case AwsServiceException aws:
                    return Build(ex, aws.ErrorCode, CategoryOf(DrErrors.KindOf(aws)), target, aws.RequestId == null ? null : $"AWS request id: {aws.RequestId}.");
                case TimeoutException:
                    return Build(ex, "OperationTimeout", ErrorCategory.OperationTimeout, target, "Raise -Timeout, or check the job later with Get-DrBackupJob.");
                case ArgumentException arg:
                    return Build(ex, "InvalidArgument", ErrorCategory.InvalidArgument, target, arg.ParamName == null ? null : $"Check -{arg.ParamName}.");
                default:
                    return Build(ex, ex.GetType().Name, ErrorCategory.NotSpecified, target, null);
            }
        }

        public static ErrorCategory CategoryOf(DrErrorKind kind) => kind switch
        {
            DrErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            DrErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            DrErrorKind.ResourceExists => ErrorCategory.ResourceExists,
            DrErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
            DrErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            DrErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
            DrErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            DrErrorKind.JobFailed => ErrorCategory.InvalidResult,
            DrErrorKind.JobAborted => ErrorCategory.OperationStopped,
            _ => ErrorCategory.NotSpecified,
        };

        private static ErrorRecord Build(Exception ex, string errorId, ErrorCategory category, object? target, string? recommendedAction)
        {
            var record = new ErrorRecord(ex, string.IsNullOrEmpty(errorId) ? "BackupDrError" : errorId, category, target);
            if (recommendedAction != null)
            {
                record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = recommendedAction };
            }

            return record;
        }
    }
}
