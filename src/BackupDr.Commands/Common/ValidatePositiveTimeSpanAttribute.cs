using System;
using System.Management.Automation;

namespace BackupDr.Commands
{
    /// <summary>Refuses a zero or negative TimeSpan at parameter binding, so nothing is sent or started with it.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidatePositiveTimeSpanAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var value = arguments is PSObject ps ? ps.BaseObject : arguments;
            if (value is TimeSpan span && span <= TimeSpan.Zero)
            {
                throw new ValidationMetadataException($"The value {span} is not a positive duration: give seconds (e.g. 600) or a TimeSpan greater than zero, or leave the parameter out to wait without a limit.");
            }
        }
    }
}
