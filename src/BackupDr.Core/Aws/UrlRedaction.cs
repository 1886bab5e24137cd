using System.Text.RegularExpressions;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// Hides the user information of a URL (http://KEY:SECRET@host becomes http://***@host) before it reaches
    /// an error, a verbose or a debug line: people paste credentials into endpoint URLs, and logs keep them.
    /// </summary>
    public static class UrlRedaction
    {
        // Text-based, so it also works on strings System.Uri refuses to parse; userinfo ends at the last '@' before the path.
        private static readonly Regex UserInfo = new Regex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?<userinfo>[^/?#]*)@", RegexOptions.CultureInvariant);

        /// <summary>The URL with any user:password@ part replaced by ***@; null stays null.</summary>
        public static string? Redact(string? url)
        {
            if (string.IsNullOrEmpty(url))
            {
                return url;
            }

            return UserInfo.Replace(url!, m => m.Groups["scheme"].Value + "***@", 1);
        }

        /// <summary>Whether the URL carries user information (a user name, a password, or both).</summary>
        public static bool HasUserInfo(string? url) => !string.IsNullOrEmpty(url) && UserInfo.IsMatch(url!);
    }
}
