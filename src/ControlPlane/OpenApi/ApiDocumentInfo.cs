using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PersonalCloud.ControlPlane.Auth;

namespace PersonalCloud.ControlPlane.OpenApi;

/// <summary>What the document says about itself: title, server, tags and the ways to authenticate.</summary>
internal sealed class ApiDocumentInfo : IOpenApiDocumentTransformer
{
    public const string Bearer = "bearer";
    public const string Session = "session";
    public const string Csrf = "csrf";

    private static readonly IReadOnlyDictionary<string, string> TagDescriptions = new Dictionary<string, string>
    {
        ["Apps"] = "Apps: create, read, delete. An app owns its releases, environment, domains and logs.",
        ["Releases"] = "Deploys (image, tar.gz build context, git), restarts, rollbacks and the release history with build logs.",
        ["Env"] = "Environment variables, sealed at rest; values are shown only when asked for by name.",
        ["Domains"] = "Custom domains routed to an app, beside its generated hostname.",
        ["Processes"] = "An app's processes (web and workers) with their replicas, scaling, and the release command run once per release.",
        ["Volumes"] = "Persistent Docker volumes mounted into an app's processes, with their usage; deleting one keeps its data until a final backup.",
        ["Cron jobs"] = "Scheduled commands of an app, each run a fresh container from its serving release, with their run history.",
        ["Runs"] = "One-off commands in a fresh container from the serving release (heroku run), with live output and a stop.",
        ["Logs"] = "The app's stored output: search, pages, a live stream, retention settings.",
        ["Events"] = "The reconciler's journal for an app: what it did, why, and how it went.",
        ["Health"] = "An app's health-check history.",
        ["Internals"] = "Under the hood: containers, the last plan, routes and the network of an app.",
        ["Audit"] = "Every mutating call and every reveal of a secret: who, what, when, with which result.",
        ["Session"] = "Dashboard sessions: sign in and out, and the antiforgery token.",
        ["Platform"] = "The platform's own health, and the endpoint Caddy asks before issuing a certificate.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "PersonalCloud API",
            Version = "1",
            Description = "Desired state in, status out: mutations answer 202 with a link to the status they change, and the "
                + "reconciler converges later. Errors are RFC 9457 problem details with a stable `type` per kind of error.",
        };
        foreach (var server in document.Servers ?? [])
            server.Url = server.Url?.TrimEnd('/');

        document.Tags = new HashSet<OpenApiTag>(TagDescriptions.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The API token: PCLOUD_API_TOKEN, or the file $PCLOUD_DATA_DIR/api-token.",
            },
            [Session] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = OwnerAuthentication.SessionCookieName,
                Description = "The dashboard's session cookie, set by POST /auth/login.",
            },
            [Csrf] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = OwnerAuthentication.AntiforgeryHeaderName,
                Description = "With a session cookie, every mutating call sends the csrfToken of GET /auth/session in this header.",
            },
        };
        return Task.CompletedTask;
    }
}
