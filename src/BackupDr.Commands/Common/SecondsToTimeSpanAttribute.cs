using System;
using System.Management.Automation;

namespace BackupDr.Commands
{
    /// <summary>
    /// Lets -Timeout take seconds as a number (-Timeout 600) as well as a TimeSpan or '00:10:00';
    /// without it PowerShell would read 600 as 600 ticks.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecondsToTimeSpanAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            return value switch
            {
                int i => TimeSpan.FromSeconds(i),
                long l => TimeSpan.FromSeconds(l),
                double d => TimeSpan.FromSeconds(d),
                decimal m => TimeSpan.FromSeconds((double)m),
                _ => value,
            };
        }
    }
}
