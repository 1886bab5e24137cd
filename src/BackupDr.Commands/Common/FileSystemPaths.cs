using System;
using System.Management.Automation;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// The file-system path of a -XxxPath argument, relative to the current location. A path on another provider
    /// (Env:, Variable:, HKLM:) is refused with the parameter's own error id: its provider path ("report.html" for
    /// Env:\report.html) would otherwise be written relative to the process's directory (PathOnOtherProvider regression).
    /// </summary>
    internal static class FileSystemPaths
    {
        public static string Resolve(PSCmdlet cmdlet, string path, string parameterName, string errorId, DrErrorKind kind = DrErrorKind.InvalidArgument)
        {
            ProviderInfo provider;
            string resolved;
            try
            {
                resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is DriveNotFoundException || ex is NotSupportedException || ex is ArgumentException || ex is PSInvalidOperationException)
            {
                throw new DrValidationException(errorId, parameterName, path, $"-{parameterName} '{path}' is not a file-system path: {ex.Message} Nothing was sent.", kind, ex);
            }

            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                throw new DrValidationException(errorId, parameterName, path,
                    $"-{parameterName} '{path}' is on the {provider.Name} provider, not the file system: give a file path such as ./{System.IO.Path.GetFileName(resolved)}. Nothing was sent.", kind);
            }

            return resolved;
        }
    }
}
