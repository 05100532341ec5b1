using System.Net.Http.Headers;
using System.Text;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>One Server-Sent Event; comments (": ...") come through with <see cref="IsComment"/> set.</summary>
public sealed record SseEvent(string? Id, string Type, string Data, bool IsComment = false);

/// <summary>Reads a text/event-stream response event by event, each read bounded by a deadline.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly StreamReader _reader;

    private SseClient(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        Response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response { get; }

    public static async Task<SseClient> ConnectAsync(Uri baseAddress, string token, string path, string? lastEventId = null)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, connect.Token);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(connect.Token), Encoding.UTF8);
        return new SseClient(http, response, reader);
    }

    /// <summary>The next event (comments included when asked); null when the server ended the stream.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan timeout, bool includeComments = false)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? id = null;
        string type = "message";
        var data = new List<string>();
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No complete server-sent event within {timeout.TotalSeconds:0.#} s.");
            }

            if (line is null)
                return null;
            if (line.Length == 0)
            {
                // As a browser does: a block without data (such as "retry: 2000") dispatches nothing.
                if (data.Count > 0)
                    return new SseEvent(id, type, string.Join('\n', data));
                (id, type) = (null, "message");
                continue;
            }

            if (line.StartsWith(':'))
            {
                if (includeComments)
                    return new SseEvent(null, "", line[1..].Trim(), IsComment: true);
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data.Add(value);
                    break;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> events of type <paramref name="type"/> (others are skipped), each within the timeout.</summary>
    public async Task<IReadOnlyList<SseEvent>> TakeAsync(int count, string type, TimeSpan timeout)
    {
        var events = new List<SseEvent>();
        while (events.Count < count)
        {
            var next = await NextAsync(timeout) ?? throw new InvalidOperationException($"The stream ended after {events.Count} of {count} '{type}' events.");
            if (next.Type == type)
                events.Add(next);
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        Response.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }
}
