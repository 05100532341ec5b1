using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;

namespace PersonalCloud.ControlPlane.Paging;

/// <summary>
/// Cursor pagination that keeps list responses bare JSON arrays (existing clients read them as such): the cursor of
/// the next, older page travels in <c>Link: &lt;...&gt;; rel="next"</c> (RFC 8288) and <c>X-Next-Before</c>.
/// </summary>
public static class PageLinks
{
    public const string NextBeforeHeader = "X-Next-Before";

    /// <summary>The same request with <c>before</c> set to <paramref name="nextBefore"/>; every other parameter kept.</summary>
    public static string NextUrl(string path, IEnumerable<KeyValuePair<string, string?>> query, long nextBefore)
    {
        var builder = new QueryBuilder();
        foreach (var (key, value) in query)
        {
            if (!string.Equals(key, "before", StringComparison.OrdinalIgnoreCase) && value is not null)
                builder.Add(key, value);
        }

        builder.Add("before", nextBefore.ToString(CultureInfo.InvariantCulture));
        return path + builder.ToQueryString();
    }

    public static void Apply(HttpContext http, long? nextBefore)
    {
        if (nextBefore is not { } before)
            return;
        var query = http.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)));
        var url = NextUrl(http.Request.PathBase + http.Request.Path, query, before);
        http.Response.Headers.Append("Link", $"<{url}>; rel=\"next\"");
        http.Response.Headers[NextBeforeHeader] = before.ToString(CultureInfo.InvariantCulture);
    }
}
