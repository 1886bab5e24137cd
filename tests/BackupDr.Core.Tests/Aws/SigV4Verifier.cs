using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Aws;

/// <summary>
/// An independent SigV4 implementation (AWS General Reference, "Create a signed AWS API request"),
/// written from the spec and sharing no code with AWSSDK: it recomputes the signature from what
/// actually reached the wire, so a header that was signed but sent differently shows up as a mismatch.
/// </summary>
public static class SigV4Verifier
{
    public sealed record Parsed(string AccessKey, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string Signature);

    public static Parsed ParseAuthorization(string authorization)
    {
        const string Algorithm = "AWS4-HMAC-SHA256 ";
        Assert.StartsWith(Algorithm, authorization, StringComparison.Ordinal);
        var parts = authorization.Substring(Algorithm.Length)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var scope = parts["Credential"].Split('/');
        Assert.Equal(5, scope.Length);
        Assert.Equal("aws4_request", scope[4]);
        return new Parsed(scope[0], scope[1], scope[2], scope[3], parts["SignedHeaders"].Split(';'), parts["Signature"]);
    }

    /// <summary>The canonical request for a captured request, per the spec (non-S3: path segments encoded twice).</summary>
    public static string CanonicalRequest(CapturedRequest request, IReadOnlyList<string> signedHeaders)
    {
        var sb = new StringBuilder();
        sb.Append(request.Method.Method).Append('\n');

        // The path on the wire is already encoded once; non-S3 services encode each segment again.
        var path = request.Uri.AbsolutePath;
        var segments = path.Split('/').Select(Rfc3986);
        sb.Append(string.Join("/", segments)).Append('\n');

        var query = request.Uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Key: Rfc3986(Uri.UnescapeDataString(p[0])), Value: Rfc3986(p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value);
        sb.Append(string.Join("&", query)).Append('\n');

        foreach (var name in signedHeaders)
        {
            sb.Append(name).Append(':').Append(WireHeaderValue(request, name)).Append('\n');
        }

        sb.Append('\n');
        sb.Append(string.Join(";", signedHeaders)).Append('\n');
        sb.Append(Hex(SHA256.HashData(request.Body)));
        return sb.ToString();
    }

    /// <summary>The value of a header as the wire carries it (host comes from the URI when the client adds it itself).</summary>
    public static string WireHeaderValue(CapturedRequest request, string name)
    {
        var value = request.Header(name);
        if (value == null && name == "host")
        {
            value = request.Uri.IsDefaultPort ? request.Uri.Host : request.Uri.Host + ":" + request.Uri.Port.ToString(CultureInfo.InvariantCulture);
        }

        Assert.True(value != null, $"Header '{name}' was signed but not sent.");
        return string.Join(" ", value!.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    public static string Signature(CapturedRequest request, string secretKey)
    {
        var auth = ParseAuthorization(request.Header("Authorization")!);
        var amzDate = request.Header("X-Amz-Date")!;
        var canonical = CanonicalRequest(request, auth.SignedHeaders);
        var scope = $"{auth.Date}/{auth.Region}/{auth.Service}/aws4_request";
        var stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), auth.Date);
        key = Hmac(key, auth.Region);
        key = Hmac(key, auth.Service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    /// <summary>Our own HMAC-SHA256 (RFC 2104 over SHA-256), so the check does not lean on a library's HMAC either.</summary>
    public static byte[] Hmac(byte[] key, string data)
    {
        const int BlockSize = 64;
        if (key.Length > BlockSize)
        {
            key = SHA256.HashData(key);
        }

        var padded = new byte[BlockSize];
        Array.Copy(key, padded, key.Length);
        var inner = new byte[BlockSize];
        var outer = new byte[BlockSize];
        for (var i = 0; i < BlockSize; i++)
        {
            inner[i] = (byte)(padded[i] ^ 0x36);
            outer[i] = (byte)(padded[i] ^ 0x5c);
        }

        var innerHash = SHA256.HashData(inner.Concat(Encoding.UTF8.GetBytes(data)).ToArray());
        return SHA256.HashData(outer.Concat(innerHash).ToArray());
    }

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static string Rfc3986(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
