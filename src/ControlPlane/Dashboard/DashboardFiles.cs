using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.FileProviders;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Dashboard;

/// <summary>
/// Serves the dashboard, a static single-page app (Dashboard/wwwroot, copied next to the dll at build), to anyone:
/// the page holds no data, the API behind it does. Client routes get index.html; server paths keep their 404s.
/// </summary>
public static class DashboardFiles
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public const string IndexFile = "index.html";

    /// <summary>Files keep their names across versions (no build step): always revalidate by ETag so an upgrade never mixes modules.</summary>
    public const string AssetCacheControl = "no-cache";

    private static readonly string[] ServerPaths = ["/api", "/auth", "/healthz", "/openapi", "/internal"];

    public static string Root => Path.Combine(AppContext.BaseDirectory, "Dashboard", "wwwroot");

    public static WebApplication UseDashboard(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => ApplyHeaders(context.Context.Response, context.File.Name),
        });
        app.MapFallback((HttpContext http) => ServeIndex(http, files)).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Whether a path belongs to the server (never answered with the page), as opposed to a client route.</summary>
    public static bool IsServerPath(PathString path) => ServerPaths.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> ServeIndex(HttpContext http, IFileProvider files)
    {
        var index = files.GetFileInfo(IndexFile);
        var method = http.Request.Method;
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || IsServerPath(http.Request.Path) || !index.Exists || index.PhysicalPath is null)
            return ProblemTypes.NotFound("The resource");
        ApplyHeaders(http.Response, IndexFile);
        return TypedResults.PhysicalFile(index.PhysicalPath, "text/html; charset=utf-8", lastModified: index.LastModified);
    }

    private static void ApplyHeaders(HttpResponse response, string fileName)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // The page must always be current, so it loads the current scripts.
        headers.CacheControl = fileName.Equals(IndexFile, StringComparison.OrdinalIgnoreCase) ? "no-cache" : AssetCacheControl;
    }
}
