using System.Text.RegularExpressions;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// The git invocations that check out one commit of a repository, as argument lists (never a shell line). The API validated
/// url and ref already; they are checked again here since the reconciler only trusts what it can see.
/// </summary>
public static partial class GitCommands
{
    public static readonly IReadOnlySet<string> AllowedSchemes = new HashSet<string>(StringComparer.Ordinal) { "file", "http", "https", "git" };

    /// <summary>The value of GIT_ALLOW_PROTOCOL: also binds redirects and anything git would fetch on its own.</summary>
    public const string AllowedProtocols = "file:git:http:https";

    /// <summary>A full or abbreviated commit id; a shallow clone cannot fetch it by --branch.</summary>
    public static bool IsCommitId(string? reference) => reference is not null && CommitId().IsMatch(reference);

    public static IReadOnlyList<IReadOnlyList<string>> Checkout(string url, string? reference, string directory)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !AllowedSchemes.Contains(uri.Scheme) || url.StartsWith('-'))
            throw new ArgumentException("A git URL is an absolute file://, http://, https:// or git:// URL.", nameof(url));
        if (reference is not null && (reference.Length == 0 || reference.StartsWith('-') || !RefName().IsMatch(reference)))
            throw new ArgumentException("A git ref is a branch, tag or commit name.", nameof(reference));

        if (reference is null)
            return [["clone", "--depth", "1", "--", url, directory]];
        if (IsCommitId(reference))
            return [["clone", "--no-checkout", "--", url, directory], ["-C", directory, "checkout", "--detach", reference]];
        return [["clone", "--depth", "1", "--branch", reference, "--", url, directory]];
    }

    /// <summary>Prints the commit id the worktree in <paramref name="directory"/> has checked out.</summary>
    public static IReadOnlyList<string> HeadCommit(string directory) => ["-C", directory, "rev-parse", "--verify", "HEAD^{commit}"];

    /// <summary>Replaces the user info of <paramref name="url"/> (a token, a password) wherever git echoes it.</summary>
    public static string Redact(string text, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.UserInfo))
            return text;
        // With its '@', so a short user name does not blank every match in the output.
        return text.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            .Replace(Uri.UnescapeDataString(uri.UserInfo) + "@", "***@", StringComparison.Ordinal);
    }

    [GeneratedRegex("^[0-9a-fA-F]{7,64}$")]
    private static partial Regex CommitId();

    [GeneratedRegex("^[A-Za-z0-9._/-]+$")]
    private static partial Regex RefName();
}
