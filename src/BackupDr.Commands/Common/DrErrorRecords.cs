using System;
using System.Management.Automation;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// The one place exceptions become ErrorRecords: a stable PascalCase id, a fitting category, the target
    /// (usually the ARN) and the inner exception kept, plus the next step from DrRecommendations.
    /// </summary>
    public static class DrErrorRecords
    {
        public static ErrorRecord From(Exception ex, object? target)
        {
            switch (ex)
            {
                case AwsConfigurationException config:
                    // No credentials at all is an authentication failure; every other configuration error is bad input.
                    var configCategory = config.ErrorId == "CredentialsNotFound" || config.ErrorId == "ProfileHasNoCredentials" ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidArgument;
                    return Build(ex, config.ErrorId, configCategory, target ?? config.Value, DrRecommendations.For(config.ErrorId, DrErrorKind.InvalidArgument, config.ParameterName));
                case DrException dr:
                    return Build(ex, dr.ErrorId, CategoryOf(dr.Kind), target ?? dr.Value, DrRecommendations.For(dr.ErrorId, dr.Kind, dr.ParameterName));
                case AwsServiceException aws:
                    // The request id stays in the message (and on the exception): the recommendation is a next step.
                    return Build(ex, aws.ErrorCode, CategoryOf(DrErrors.KindOf(aws)), target, DrRecommendations.For(aws));
                case TimeoutException:
                    return Build(ex, "OperationTimeout", ErrorCategory.OperationTimeout, target, DrRecommendations.For("OperationTimeout", DrErrorKind.OperationTimeout));
                case ArgumentException arg:
                    return Build(ex, "InvalidArgument", ErrorCategory.InvalidArgument, target, DrRecommendations.For("InvalidArgument", DrErrorKind.InvalidArgument, arg.ParamName));
                default:
                    return Build(ex, ex.GetType().Name, ErrorCategory.NotSpecified, target, DrRecommendations.For(null, DrErrorKind.InvalidOperation));
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
            DrErrorKind.ConnectionError => ErrorCategory.ConnectionError,
            DrErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
            DrErrorKind.InvalidData => ErrorCategory.InvalidData,
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
