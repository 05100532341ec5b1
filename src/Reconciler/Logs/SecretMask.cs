using System.Text;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>
/// Replaces an app's env values in its log lines with <c>[REDACTED:KEY]</c> before they are stored. Values shorter than
/// <see cref="MinValueLength"/> are left alone: masking "1" or "on" everywhere would destroy the logs.
/// </summary>
public sealed class SecretMask
{
    public const int MinValueLength = 4;

    public static readonly SecretMask None = new([]);

    private readonly Needle[] _needles;

    private SecretMask(Needle[] needles) => _needles = needles;

    public int Count => _needles.Length;

    public static SecretMask From(IReadOnlyDictionary<string, string> env) =>
        new(env.Where(e => e.Value.Length >= MinValueLength)
            .OrderByDescending(e => e.Value.Length)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new Needle(e.Value, $"[REDACTED:{e.Key}]"))
            .ToArray());

    /// <summary>
    /// The message with every occurrence of every value replaced. Overlapping occurrences merge into one redaction (nothing
    /// of either value shows). A <paramref name="truncated"/> line may end in the first part of a value: that is masked too.
    /// </summary>
    public string Apply(string message, bool truncated = false)
    {
        if (_needles.Length == 0)
            return message;
        List<Match>? matches = null;
        for (var n = 0; n < _needles.Length; n++)
        {
            var value = _needles[n].Value;
            for (var at = message.IndexOf(value, StringComparison.Ordinal); at >= 0;
                 at = at + 1 < message.Length ? message.IndexOf(value, at + 1, StringComparison.Ordinal) : -1)
            {
                (matches ??= []).Add(new Match(at, value.Length, n));
            }

            if (truncated && TrailingPrefix(message, value) is var tail and > 0)
                (matches ??= []).Add(new Match(message.Length - tail, tail, n));
        }

        return matches is null ? message : Replace(message, matches);
    }

    /// <summary>The length of the longest proper prefix of <paramref name="value"/> (at least the minimum) that ends the message.</summary>
    private static int TrailingPrefix(string message, string value)
    {
        for (var length = Math.Min(value.Length - 1, message.Length); length >= MinValueLength; length--)
        {
            if (message.AsSpan(message.Length - length).SequenceEqual(value.AsSpan(0, length)))
                return length;
        }

        return 0;
    }

    private string Replace(string message, List<Match> matches)
    {
        matches.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var result = new StringBuilder(message.Length);
        var written = 0;
        var i = 0;
        while (i < matches.Count)
        {
            // One region per run of overlapping matches, named after the longest value in it (needles are longest first).
            var start = matches[i].Start;
            var end = start + matches[i].Length;
            var needle = matches[i].Needle;
            for (i++; i < matches.Count && matches[i].Start < end; i++)
            {
                end = Math.Max(end, matches[i].Start + matches[i].Length);
                needle = Math.Min(needle, matches[i].Needle);
            }

            result.Append(message, written, start - written).Append(_needles[needle].Replacement);
            written = end;
        }

        return result.Append(message, written, message.Length - written).ToString();
    }

    private readonly record struct Needle(string Value, string Replacement);

    private readonly record struct Match(int Start, int Length, int Needle);
}
