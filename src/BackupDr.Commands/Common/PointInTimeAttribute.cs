using System;
using System.Management.Automation;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Gives -Since/-Until a real type (a UTC DateTime) while still taking a TimeSpan meaning "that long ago"
    /// (-Since (New-TimeSpan -Days 7), -Since 7.00:00:00) or a string parseable as either; anything else is a
    /// parameter-binding error naming the parameter, before the cmdlet runs.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class PointInTimeAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            if (value == null)
            {
                return null;
            }

            if (SinceParser.TryConvert(value, DateTime.UtcNow, out var utc))
            {
                return utc;
            }

            throw new ArgumentTransformationMetadataException(
                $"Give a DateTime (a point in time, e.g. (Get-Date).AddDays(-2) or '2025-06-01T00:00:00Z') or a TimeSpan meaning that long ago (e.g. (New-TimeSpan -Days 7) or '7.00:00:00'); '{value}' ({value.GetType().Name}) is neither.");
        }
    }
}
