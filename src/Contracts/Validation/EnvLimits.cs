using System.Text;

namespace PersonalCloud.Contracts.Validation;

/// <summary>The size of an app's environment: how many variables, and the bytes they take in a process's environment.</summary>
public readonly record struct EnvSize(int Count, long Bytes)
{
    /// <summary>From each variable's name and its value's size in UTF-8 bytes.</summary>
    public static EnvSize Of(IReadOnlyDictionary<string, int> valueBytesByKey)
    {
        ArgumentNullException.ThrowIfNull(valueBytesByKey);
        return new(valueBytesByKey.Count, valueBytesByKey.Sum(v => (long)EnvLimits.EntryBytes(v.Key, v.Value)));
    }
}

/// <summary>
/// Rules for an app's environment as a whole, checked by the API before anything is stored. The caps sit far below what
/// the engine and the kernel take (Linux refuses a program whose arguments and environment pass ~2 MiB with "argument
/// list too long", which a container start then reports as a bare exit code), so a release never fails for its env.
/// </summary>
public static class EnvLimits
{
    public const int MaxCount = 200;
    public const int MaxValueBytes = ValidationRules.MaxEnvValueBytes;
    public const int MaxTotalBytes = 128 * 1024;

    /// <summary>What one variable takes in a process's environment: <c>NAME=value</c> and its terminating NUL.</summary>
    public static int EntryBytes(string key, int valueBytes)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Encoding.UTF8.GetByteCount(key) + 1 + valueBytes + 1;
    }

    /// <summary>
    /// Names set by one request that differ only by case (<c>path</c> and <c>PATH</c>): Linux keeps both, and which one a
    /// program reads depends on the program, so the platform refuses the pair. Null when there is none.
    /// </summary>
    public static string? CaseClashInRequest(IEnumerable<string> keysSet)
    {
        ArgumentNullException.ThrowIfNull(keysSet);
        var clash = keysSet.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return clash is null
            ? null
            : $"{string.Join(" and ", clash.Select(k => $"'{k}'").Order(StringComparer.Ordinal))} differ only by case: set one of them (names are case-sensitive, and two that differ only by case are refused).";
    }

    /// <summary>
    /// The stored name that <paramref name="key"/> differs from only by case, unless the same change removes it (a rename):
    /// setting <c>path</c> while <c>PATH</c> is stored. Null when there is none.
    /// </summary>
    public static string? CaseTwin(string key, IEnumerable<string> storedKeys, IReadOnlyDictionary<string, string?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return storedKeys.FirstOrDefault(stored =>
            !string.Equals(stored, key, StringComparison.Ordinal)
            && string.Equals(stored, key, StringComparison.OrdinalIgnoreCase)
            && !(change.TryGetValue(stored, out var value) && value is null));
    }

    /// <summary>The environment after <paramref name="change"/> (a value sets, null removes), as value sizes by name.</summary>
    public static IReadOnlyDictionary<string, int> Apply(IReadOnlyDictionary<string, int> stored, IReadOnlyDictionary<string, string?> change)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(change);
        var result = new Dictionary<string, int>(stored, StringComparer.Ordinal);
        foreach (var (key, value) in change)
        {
            if (value is null)
                result.Remove(key);
            else
                result[key] = Encoding.UTF8.GetByteCount(value);
        }

        return result;
    }

    /// <summary>
    /// Whether the environment may go from <paramref name="before"/> to <paramref name="after"/>: over a cap it may only
    /// shrink (an app stored before the caps can still remove or shorten variables). Null when it may.
    /// </summary>
    public static string? Totals(EnvSize before, EnvSize after)
    {
        if (after.Count > MaxCount && after.Count > before.Count)
            return $"An app has at most {MaxCount} environment variables; this change would give it {after.Count}.";
        if (after.Bytes > MaxTotalBytes && after.Bytes > before.Bytes)
            return $"An app's environment variables take at most {MaxTotalBytes} bytes in all (NAME=value each); this change would make {after.Bytes}.";
        return null;
    }
}
