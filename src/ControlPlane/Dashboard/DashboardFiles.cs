using Microsoft.Extensions.FileProviders;

namespace PersonalCloud.ControlPlane.Dashboard;

/// <summary>
/// Serves the dashboard, a static single-page app (Dashboard/wwwroot, copied next to the dll at build), to anyone:
/// the page holds no data, the API behind it does. A GET no endpoint takes (a client route) gets index.html; server
/// paths and missing files keep their 404s. This is a middleware, not a fallback endpoint: a fallback would win the routing of every
/// API call its endpoint refused (a wrong content type would answer the fallback's 404 instead of 415).
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
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint() is null && await ServeIndexAsync(http, files))
                return;
            await next(http);
        });
        return app;
    }

    /// <summary>Whether a path belongs to the server (never answered with the page), as opposed to a client route.</summary>
    public static bool IsServerPath(PathString path) => ServerPaths.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>A last segment with a dot names a file (a missing one answers 404), as routing's "nonfile" constraint decides.</summary>
    private static bool NamesAFile(PathString path)
    {
        var value = path.Value ?? "";
        return value[(value.LastIndexOf('/') + 1)..].Contains('.', StringComparison.Ordinal);
    }

    /// <summary>Whether it answered with the page: GET or HEAD of a client route, when the page exists.</summary>
    private static async Task<bool> ServeIndexAsync(HttpContext http, IFileProvider files)
    {
        var method = http.Request.Method;
        var index = files.GetFileInfo(IndexFile);
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || IsServerPath(http.Request.Path) || NamesAFile(http.Request.Path)
            || !index.Exists || index.PhysicalPath is null)
        {
            return false;
        }

        ApplyHeaders(http.Response, IndexFile);
        await TypedResults.PhysicalFile(index.PhysicalPath, "text/html; charset=utf-8", lastModified: index.LastModified).ExecuteAsync(http);
        return true;
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
