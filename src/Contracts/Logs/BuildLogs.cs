namespace PersonalCloud.Contracts.Logs;

/// <summary>How a release's build log is kept: the reconciler writes it, the API serves and streams it.</summary>
public static class BuildLogs
{
    /// <summary>Only the last this many characters (UTF-16 code units) of a build's output are kept.</summary>
    public const int MaxKeptChars = 1024 * 1024;

    /// <summary>Starts a kept log whose beginning was dropped.</summary>
    public const string DroppedMarker = "[earlier build output dropped]\n";
}
