using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace PersonalCloud.ControlPlane.Hosting;

/// <summary>
/// At most one console line per request: method, path, status and duration, never the query string (it can hold what
/// someone searched for, or a token someone put there). By default only what changed something or went wrong (writes,
/// and answers of 400 or more): the dashboard's polling reads are not worth a line each. Answers of the anonymous rate
/// limit (429) are logged at Debug only, so a flood does not become a flood of log lines. ASP.NET Core's own
/// per-request lines (which print the whole URL) are off (Warning and up).
/// </summary>
public static partial class RequestLogging
{
    public const string Changes = "changes";
    public const string All = "all";
    public const string None = "none";

    /// <summary>The category of the request lines; its level can be raised like any other.</summary>
    public const string Category = "PersonalCloud.ControlPlane.Requests";

    public static ILoggingBuilder AddControlPlaneConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        Contracts.Hosting.PlatformConsole.AddPlatformConsole(logging, configuration);
        // "Request starting", "Executing endpoint", "Setting HTTP status code", ...: about ten lines a request otherwise.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        return logging;
    }

    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        var mode = app.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.RequestLog;
        if (mode == None)
            return app;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            await next(context);
            var request = context.Request;
            var status = context.Response.StatusCode;
            if (status == StatusCodes.Status429TooManyRequests)
                LogLimited(logger, request.Method, request.PathBase + request.Path);
            else if (mode == All || status >= StatusCodes.Status400BadRequest || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
                LogRequest(logger, request.Method, request.PathBase + request.Path, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} 429 (rate limited)")]
    private static partial void LogLimited(ILogger logger, string method, string path);
}
