namespace PersonalCloud.ControlPlane.Audit;

public static class GitUrls
{
    /// <summary>
    /// The URL without what may carry a credential: user info before '@' in the authority ("https://user:token@host"
    /// or scp-like "token@host:path"), the query and the fragment.
    /// </summary>
    public static string WithoutCredentials(string url)
    {
        var cut = url.IndexOfAny(['?', '#']);
        if (cut >= 0)
            url = url[..cut];
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme >= 0 ? scheme + 3 : 0;
        var authorityEnd = url.IndexOf('/', start);
        if (authorityEnd < 0)
            authorityEnd = url.Length;
        var at = url.AsSpan(start, authorityEnd - start).LastIndexOf('@');
        return at >= 0 ? url[..start] + url[(start + at + 1)..] : url;
    }
}
