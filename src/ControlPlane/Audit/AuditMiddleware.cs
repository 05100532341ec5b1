using System.Globalization;
using System.Net;

namespace PersonalCloud.ControlPlane.Audit;

/// <summary>
/// Records every mutating /api call (and every reveal of an env value or add-on connection string) in audit_log: who, what, when, which app,
/// the result. It runs after authentication and before the rate limit and authorization, so rejected calls (401,
/// 429) are recorded too, as "anonymous". The owner's rows are written once the handler has decided the status,
/// just before the response starts (or when the pipeline returns without a body), so a client that got its answer
/// finds the row already there. Anonymous calls never touch Postgres here: they are counted in
/// <see cref="AnonymousAuditWindow"/> and written as one row per address, route and status per window.
/// </summary>
public sealed partial class AuditMiddleware(
    RequestDelegate next, AuditStore store, AnonymousAuditWindow anonymous, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    public const string Anonymous = "anonymous";
    /// <summary>GETs that reveal a secret: an env value, an add-on's connection string.</summary>
    private static readonly IReadOnlySet<string> RevealRoutes = new HashSet<string>(StringComparer.Ordinal)
    {
        "/api/apps/{id:guid}/env/{key}", "/api/apps/{id:guid}/addons/{kind}/connection",
    };
    private const string DeleteAppRoute = "/api/apps/{id:guid}";
    private static readonly IReadOnlySet<string> Mutating = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete,
    };

    public async Task InvokeAsync(HttpContext http)
    {
        var route = RouteOf(http);
        var method = http.Request.Method.ToUpperInvariant();
        if (!http.Request.Path.StartsWithSegments("/api") || !(Mutating.Contains(method) || (method == HttpMethods.Get && RevealRoutes.Contains(route))))
        {
            await next(http);
            return;
        }

        var started = time.GetTimestamp();
        var original = http.Request.Body;
        await using var body = new AuditedRequestBody(original, http.Request.HasJsonContentType());
        http.Request.Body = body;
        var appId = Guid.TryParse(Convert.ToString(http.Request.RouteValues.GetValueOrDefault("id"), CultureInfo.InvariantCulture), out var id) ? id : (Guid?)null;
        // The name is gone once the handler ran: read it first, so the record says which app was deleted (the owner's
        // calls only: an anonymous DELETE will be refused, and must not cost a query).
        var appName = method == HttpMethods.Delete && route == DeleteAppRoute && appId is { } deleted && IsOwner(http)
            ? await store.AppNameAsync(deleted, CancellationToken.None)
            : null;

        var written = 0;
        Task WriteOnce(int status) =>
            Interlocked.Exchange(ref written, 1) == 0 ? WriteAsync(http, method, route, appId, appName, body, started, status) : Task.CompletedTask;
        http.Response.OnStarting(() => WriteOnce(http.Response.StatusCode));
        int? failedStatus = null;
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            // The status the exception handler will answer (499 when the client went away). The exception travels on.
            failedStatus = Problems.FailureStatus.Of(e, http.RequestAborted.IsCancellationRequested);
            throw;
        }
        finally
        {
            await WriteOnce(failedStatus ?? http.Response.StatusCode);
            http.Request.Body = original;
        }
    }

    private async Task WriteAsync(HttpContext http, string method, string route, Guid? appId, string? appName, AuditedRequestBody body, long started, int status)
    {
        try
        {
            var facts = body.Captured.Length > 0 ? AuditBodyFacts.Read(body.Captured.Span, body.CapturedAll) : AuditBodyFacts.None;
            var routeValues = http.Request.RouteValues.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, CultureInfo.InvariantCulture));
            var summary = AuditSummary.Build(new AuditedCall(method, route, routeValues, http.Request.ContentType, body.BytesRead, facts, appName));
            var entry = new AuditEntry(
                time.GetUtcNow(),
                IsOwner(http) && http.User.Identity?.Name is { } name ? name : Anonymous,
                method,
                route,
                (http.Request.PathBase + http.Request.Path).ToString(),
                appId ?? CreatedAppId(http.Response),
                status,
                summary,
                RemoteIp(http.Connection.RemoteIpAddress),
                (int)Math.Min(int.MaxValue, time.GetElapsedTime(started).TotalMilliseconds),
                AuditedRelease.Of(http));
            if (entry.Actor == Anonymous)
                anonymous.Add(entry);
            else
                await store.InsertAsync(entry, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Deliberate: by now the mutation has committed. Failing the response would tell the client it did not
            // happen and invite a retry that repeats it; so the response stands, and the missing record is an error
            // in the log with everything needed to reconstruct it (no body, so no secret).
            LogAuditFailed(logger, e, method, http.Request.Path.ToString(), appId, status);
        }
    }

    private static bool IsOwner(HttpContext http) => http.User.Identity?.IsAuthenticated == true;

    private static string RouteOf(HttpContext http)
    {
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (pattern is null)
            return "(unmatched)";
        pattern = "/" + pattern.Trim('/');
        return pattern;
    }

    /// <summary>A create has no id in its route: take it from the Location of the 201.</summary>
    private static Guid? CreatedAppId(HttpResponse response)
    {
        var location = response.Headers.Location.ToString();
        const string prefix = "/api/apps/";
        return location.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(location[prefix.Length..].TrimEnd('/'), out var id) ? id : null;
    }

    private static string? RemoteIp(IPAddress? address) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit record of {Method} {Path} (app {AppId}, status {StatusCode})")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string method, string path, Guid? appId, int statusCode);
}

public static class AuditMiddlewareExtensions
{
    /// <summary>Place after authentication (it needs to know who calls) and before the rate limit and authorization, so 429s and 401s are recorded.</summary>
    public static IApplicationBuilder UseAudit(this IApplicationBuilder app) => app.UseMiddleware<AuditMiddleware>();
}
