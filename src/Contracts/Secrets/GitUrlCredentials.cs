namespace PersonalCloud.Contracts.Secrets;

/// <summary>
/// A git URL may carry a credential (https://user:token@host/..., or a token in its query). Such a URL is stored sealed
/// and shown masked; only the reconciler's checkout opens it.
/// </summary>
public static class GitUrlCredentials
{
    /// <summary>The SecretBox key of a release's sealed git URL; not a valid env var name, so it never meets one.</summary>
    public const string SealKey = "git.url";

    public static bool HasCredentials(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0);

    /// <summary>The URL to store and show: the user name kept, password, query and fragment replaced (https://user:***@host/repo).</summary>
    public static string Masked(string url)
    {
        if (!HasCredentials(url))
            return url;
        var uri = new Uri(url);
        var user = uri.UserInfo.Split(':')[0];
        var userInfo = uri.UserInfo.Length == 0 ? "" : uri.UserInfo.Contains(':', StringComparison.Ordinal) ? user + ":***@" : "***@";
        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rest = uri.Query.Length > 0 || uri.Fragment.Length > 0 ? "?***" : "";
        return $"{uri.Scheme}://{userInfo}{uri.Host}{port}{uri.AbsolutePath}{rest}";
    }
}
