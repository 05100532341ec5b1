using System.Text;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>What a build printed so far: the kept text, and how many characters it printed in all (the text may be only the tail).</summary>
public sealed record BuildLogSnapshot(string Text, long TotalChars);

/// <summary>
/// The output of one build (git and the engine), kept as the release's build log: only the last
/// <see cref="MaxChars"/> characters survive, since a chatty build must not fill Postgres.
/// </summary>
public sealed class BuildLog : IProgress<string>
{
    public const int DefaultMaxChars = Contracts.Logs.BuildLogs.MaxKeptChars;
    public const string TruncatedMarker = Contracts.Logs.BuildLogs.DroppedMarker;

    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();
    private bool _truncated;
    private long _totalChars;

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
            _totalChars += clean.Length;
            // Trimming only past twice the bound keeps appends amortized O(1).
            if (_text.Length > 2 * MaxChars)
                TrimTo(MaxChars);
        }
    }

    public void AppendLine(string line) => Append(line + "\n");

    /// <summary>Every character appended so far, including those no longer kept.</summary>
    public long TotalChars
    {
        get
        {
            lock (_gate)
                return _totalChars;
        }
    }

    /// <summary>The text and the count together, as one consistent view for a live reader.</summary>
    public BuildLogSnapshot Snapshot()
    {
        lock (_gate)
            return new BuildLogSnapshot(Kept(), _totalChars);
    }

    public override string ToString()
    {
        lock (_gate)
            return Kept();
    }

    /// <summary>The last line with text in it: what a failed build's reason quotes when nothing better is known.</summary>
    public string? LastLine()
    {
        var lines = ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? null : lines[^1];
    }

    /// <summary>Under the lock: the kept tail, marked when earlier output was dropped.</summary>
    private string Kept()
    {
        if (_text.Length > MaxChars)
            TrimTo(MaxChars);
        return _truncated ? TruncatedMarker + _text : _text.ToString();
    }

    private void TrimTo(int chars)
    {
        _text.Remove(0, _text.Length - chars);
        _truncated = true;
    }
}
