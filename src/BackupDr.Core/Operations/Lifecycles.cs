using System.Globalization;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Recovery-point lifecycle rules, checked before StartBackupJob so AWS never rejects a half-run runbook step.</summary>
    public static class Lifecycles
    {
        /// <summary>AWS keeps points in cold storage for at least 90 days, so deletion must come at least this many days after the move.</summary>
        public const long MinimumColdStorageDays = 90;

        /// <summary>
        /// Validates -ColdStorageAfterDays/-DeleteAfterDays and returns the Lifecycle to send (null when neither is set,
        /// so the vault's or plan's default applies). Throws InvalidLifecycle naming both parameters and values.
        /// </summary>
        public static Lifecycle? Validate(long? coldAfterDays, long? deleteAfterDays)
        {
            if (coldAfterDays < 0)
            {
                throw new DrValidationException("InvalidLifecycle", "ColdStorageAfterDays", coldAfterDays,
                    $"-ColdStorageAfterDays must be 0 or more; it was {Str(coldAfterDays)}.");
            }

            if (deleteAfterDays < 0)
            {
                throw new DrValidationException("InvalidLifecycle", "DeleteAfterDays", deleteAfterDays,
                    $"-DeleteAfterDays must be 0 or more; it was {Str(deleteAfterDays)}.");
            }

            if (coldAfterDays != null && deleteAfterDays != null && deleteAfterDays.Value < coldAfterDays.Value + MinimumColdStorageDays)
            {
                throw new DrValidationException("InvalidLifecycle", "DeleteAfterDays", deleteAfterDays,
                    $"-DeleteAfterDays ({Str(deleteAfterDays)}) must be at least -ColdStorageAfterDays ({Str(coldAfterDays)}) + {MinimumColdStorageDays} = {Str(coldAfterDays + MinimumColdStorageDays)}: AWS keeps recovery points in cold storage for at least {MinimumColdStorageDays} days.");
            }

            if (coldAfterDays == null && deleteAfterDays == null)
            {
                return null;
            }

            return new Lifecycle { MoveToColdStorageAfterDays = coldAfterDays, DeleteAfterDays = deleteAfterDays };
        }

        private static string Str(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "-";
    }
}
