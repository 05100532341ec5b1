namespace PersonalCloud.ControlPlane.Hosting;

/// <summary>
/// One console line per request: method, path, status and time, never the query string, which may carry a token
/// (ASP.NET's own request lines print the whole URL, so they are turned off: see <see cref="ControlPlaneServices"/>).
/// Answers of the anonymous rate limit are logged at Debug only, so a flood does not become a flood of log lines.
/// </summary>
public sealed partial class RequestLog(RequestDelegate next, ILogger<RequestLog> logger, TimeProvider time)
{
    /// <summary>The category whose "Request starting/finished" lines carry the full URL.</summary>
    public const string AspNetRequestLines = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public async Task InvokeAsync(HttpContext http)
    {
        var started = time.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
            var path = (http.Request.PathBase + http.Request.Path).ToString();
            if (http.Response.StatusCode == StatusCodes.Status429TooManyRequests)
                LogLimited(logger, http.Request.Method, path);
            else
                LogAnswered(logger, http.Request.Method, path, http.Response.StatusCode, elapsed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Path} answered {StatusCode} in {ElapsedMs} ms")]
    private static partial void LogAnswered(ILogger logger, string method, string path, int statusCode, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP {Method} {Path} answered 429 (rate limited)")]
    private static partial void LogLimited(ILogger logger, string method, string path);
}

public static class RequestLogExtensions
{
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app) => app.UseMiddleware<RequestLog>();
}
