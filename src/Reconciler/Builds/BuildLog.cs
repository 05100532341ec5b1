using System.Text;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// The output of one build (git and the engine), kept as the release's build log: only the last
/// <see cref="MaxChars"/> characters survive, since a chatty build must not fill Postgres.
/// </summary>
public sealed class BuildLog : IProgress<string>
{
    public const int DefaultMaxChars = 1024 * 1024;
    public const string TruncatedMarker = "[earlier build output dropped]\n";

    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();
    private bool _truncated;

    public BuildLog(int maxChars = DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        MaxChars = maxChars;
    }

    public int MaxChars { get; }

    public void Report(string value) => Append(value);

    /// <summary>Appends text as it arrives (chunks need not be whole lines); git's stdout and stderr may call this at once.</summary>
    public void Append(string text)
    {
        // Postgres text cannot hold NUL.
        var clean = text.Replace("\0", "", StringComparison.Ordinal);
        lock (_gate)
        {
            _text.Append(clean);
            // Trimming only past twice the bound keeps appends amortized O(1).
            if (_text.Length > 2 * MaxChars)
                TrimTo(MaxChars);
        }
    }

    public void AppendLine(string line) => Append(line + "\n");

    public override string ToString()
    {
        lock (_gate)
        {
            if (_text.Length > MaxChars)
                TrimTo(MaxChars);
            return _truncated ? TruncatedMarker + _text : _text.ToString();
        }
    }

    /// <summary>The last line with text in it: what a failed build's reason quotes when nothing better is known.</summary>
    public string? LastLine()
    {
        var lines = ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? null : lines[^1];
    }

    private void TrimTo(int chars)
    {
        _text.Remove(0, _text.Length - chars);
        _truncated = true;
    }
}
