namespace PersonalCloud.Contracts.Logs;

/// <summary>
/// The keys of the log search index: every run of three consecutive characters of a text, case-folded, as one int
/// (7 bits a character). The collector stores the set of a chunk of lines; a search needs the chunks that hold every
/// key of its text, then filters their lines with ILIKE. A line that contains the text (ignoring case) holds all of the
/// text's keys, so the index never hides a match; it may offer chunks that do not match, which ILIKE drops.
/// Only ASCII characters (and the two that lower-case to ASCII) make keys: a run with any other character makes none,
/// on both sides, so lower-casing rules beyond ASCII cannot make a line and a search disagree.
/// </summary>
public static class LogSearchKeys
{
    /// <summary>Adds the keys of <paramref name="text"/> to <paramref name="keys"/>.</summary>
    public static void Add(ReadOnlySpan<char> text, HashSet<int> keys)
    {
        int a = 0, b = 0;
        foreach (var ch in text)
        {
            var c = Fold(ch);
            if (a != 0 && b != 0 && c != 0)
                keys.Add((a << 14) | (b << 7) | c);
            a = b;
            b = c;
        }
    }

    /// <summary>The distinct keys of a search text, sorted; empty when it has no run of three foldable characters.</summary>
    public static int[] Of(ReadOnlySpan<char> text)
    {
        var keys = new HashSet<int>();
        Add(text, keys);
        return Sorted(keys);
    }

    /// <summary>A key set as stored and queried: an array in ascending order.</summary>
    public static int[] Sorted(HashSet<int> keys)
    {
        var sorted = keys.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>ASCII lower-cased, 'İ' (U+0130) to 'i' and the Kelvin sign to 'k' as Postgres' lower() does; 0 for anything else (and NUL).</summary>
    private static int Fold(char c) => c switch
    {
        >= 'A' and <= 'Z' => c + ('a' - 'A'),
        > '\0' and < (char)128 => c,
        '\u0130' => 'i',
        '\u212A' => 'k',
        _ => 0,
    };
}
