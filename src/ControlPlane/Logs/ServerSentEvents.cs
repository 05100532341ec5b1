using System.Globalization;
using System.Text;

namespace PersonalCloud.ControlPlane.Logs;

/// <summary>The text/event-stream wire format (WHATWG HTML, "Server-sent events"): fields, one blank line per event.</summary>
public static class ServerSentEvents
{
    public const string ContentType = "text/event-stream";

    public static string Event(long id, string type, string data)
    {
        var text = new StringBuilder();
        text.Append("id: ").Append(id.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("event: ").Append(type).Append('\n');
        // A line break inside data would end the field: each line gets its own data field, which clients rejoin with \n.
        foreach (var line in data.ReplaceLineEndings("\n").Split('\n'))
            text.Append("data: ").Append(line).Append('\n');
        return text.Append('\n').ToString();
    }

    public static string Event(string type, string data) =>
        $"event: {type}\n" + string.Concat(data.ReplaceLineEndings("\n").Split('\n').Select(l => $"data: {l}\n")) + "\n";

    /// <summary>A comment line: ignored by clients, keeps proxies and idle timers from closing the connection.</summary>
    public static string Comment(string text) => $": {text}\n\n";

    /// <summary>How long a client waits before reconnecting.</summary>
    public static string Retry(TimeSpan delay) => $"retry: {(long)delay.TotalMilliseconds}\n\n";
}
