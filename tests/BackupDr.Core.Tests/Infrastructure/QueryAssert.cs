namespace BackupDr.Core.Tests.Infrastructure;

/// <summary>Assertions shared by the query-protocol (RDS, EC2) wire tests.</summary>
public static class QueryAssert
{
    /// <summary>POST to '/', form-encoded, signed for the service in us-east-1, carrying exactly these pairs (any order).</summary>
    public static void Request(CapturedRequest request, string signingName, params (string Name, string Value)[] expected)
    {
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/", request.Uri.AbsolutePath);
        Assert.Equal(string.Empty, request.Uri.Query);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"));
        var auth = request.Header("Authorization");
        Assert.NotNull(auth);
        Assert.StartsWith("AWS4-HMAC-SHA256 ", auth);
        Assert.Contains($"/us-east-1/{signingName}/aws4_request", auth);

        var actual = request.Form.Select(kv => $"{kv.Key}={kv.Value}").OrderBy(s => s, StringComparer.Ordinal).ToList();
        var wanted = expected.Select(kv => $"{kv.Name}={kv.Value}").OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(wanted, actual);
    }

    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
