using System.Globalization;
using System.Text.RegularExpressions;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Paging;

/// <summary>
/// Parses query-string values by hand, so a bad value becomes a 400 problem naming the field instead of the
/// framework's binding failure. Each method records its error in the errors and returns null.
/// </summary>
public static partial class QueryValues
{
    public static int? Int(string? raw, int min, int max, string field, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Check(field, $"{field} is a whole number between {min} and {max}.");
        return null;
    }

    /// <summary>A page cursor: the id of the oldest item already seen; the next page holds older items.</summary>
    public static long? Cursor(string? raw, string field, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            return value;
        errors.Check(field, $"{field} is a cursor from a previous page (a positive id).");
        return null;
    }

    public static Guid? Id(string? raw, string field, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (Guid.TryParse(raw, out var value))
            return value;
        errors.Check(field, $"{field} is a GUID.");
        return null;
    }

    /// <summary>
    /// An RFC 3339 date-time with an explicit offset ("Z" or ±hh:mm), up to nanoseconds (kept to 100 ns).
    /// A space before the offset is read as '+', since an unencoded '+' in a query string arrives as a space.
    /// </summary>
    public static DateTimeOffset? Timestamp(string? raw, string field, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        var match = Rfc3339().Match(raw);
        if (match.Success)
        {
            var fraction = match.Groups["fraction"].Value;
            var offset = match.Groups["offset"].Value.Replace(' ', '+').ToUpperInvariant();
            var normalized = $"{match.Groups["date"].Value}T{match.Groups["time"].Value}"
                + (fraction.Length == 0 ? "" : "." + fraction[..Math.Min(fraction.Length, 7)])
                + (offset == "Z" ? "+00:00" : offset);
            if (DateTimeOffset.TryParseExact(normalized, ["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz"],
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
                return value;
        }

        errors.Check(field, $"{field} is an RFC 3339 timestamp such as 2025-01-31T23:59:00Z or 2025-01-31T23:59:00.5+02:00.");
        return null;
    }

    /// <summary>One of <paramref name="allowed"/>, compared ordinally ignoring case; returned as listed.</summary>
    public static string? OneOf(string? raw, IReadOnlyList<string> allowed, string field, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        var found = allowed.FirstOrDefault(a => string.Equals(a, raw, StringComparison.OrdinalIgnoreCase));
        errors.Check(field, found is null ? $"{field} is one of: {string.Join(", ", allowed)}." : null);
        return found;
    }

    /// <summary>Checks that a time window is not inverted.</summary>
    public static void Window(DateTimeOffset? since, DateTimeOffset? until, ValidationErrors errors) =>
        errors.Check("until", since is { } s && until is { } u && u <= s ? "until is later than since." : null);

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt ](?<time>\d{2}:\d{2}:\d{2})(\.(?<fraction>\d{1,9}))?(?<offset>[Zz]|[+\- ]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
