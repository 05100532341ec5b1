namespace PersonalCloud.ControlPlane.Logs;

/// <summary>Turns user text into an ILIKE substring pattern: the text matches literally, wildcards included.</summary>
public static class LikePattern
{
    /// <summary>The search index keys are three-character runs (<see cref="Contracts.Logs.LogSearchKeys"/>); a shorter search could not use it.</summary>
    public const int MinSearchLength = 3;

    public const int MaxSearchLength = 500;

    /// <summary>Escapes \, % and _ with Postgres' default LIKE escape character (backslash), then wraps in %...%.</summary>
    public static string Contains(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal) + "%";
}
