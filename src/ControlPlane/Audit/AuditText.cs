using System.Text;

namespace PersonalCloud.ControlPlane.Audit;

/// <summary>
/// Text as Postgres can store it: a text column cannot hold NUL, and Npgsql refuses a string that is not valid
/// UTF-16 (a lone surrogate). A request carrying either must still get its audit row, so NUL becomes '␀' (U+2400)
/// and a lone surrogate '�' (U+FFFD).
/// </summary>
public static class AuditText
{
    public const char NulStandIn = '\u2400';

    public static string? Storable(string? text)
    {
        if (text is null || !NeedsCleaning(text))
            return text;
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
                clean.Append(NulStandIn);
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                clean.Append(c).Append(text[++i]);
            else if (char.IsSurrogate(c))
                clean.Append('\uFFFD');
            else
                clean.Append(c);
        }

        return clean.ToString();
    }

    private static bool NeedsCleaning(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
                return true;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return true;
        }

        return false;
    }
}
