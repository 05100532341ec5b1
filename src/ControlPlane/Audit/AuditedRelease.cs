using Microsoft.AspNetCore.Http.Metadata;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Audit;

/// <summary>
/// Notes the release a call made (a 202 whose body names it: deploy, env change, rollback), so its audit record can link
/// to how that release went. Runs as an endpoint filter on the API; the audit middleware reads what it noted.
/// </summary>
public sealed class AuditedRelease : IEndpointFilter
{
    private const string Key = "pcloud.audit.release";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        if (ReleaseOf(result) is { } releaseId)
            context.HttpContext.Items[Key] = releaseId;
        return result;
    }

    /// <summary>The release noted for this call, if it made one.</summary>
    public static Guid? Of(HttpContext http) => http.Items.TryGetValue(Key, out var value) && value is Guid id ? id : null;

    /// <summary>The release an endpoint's result names, looking inside a typed union (Results&lt;...&gt;). Pure.</summary>
    public static Guid? ReleaseOf(object? result) => result switch
    {
        INestedHttpResult nested => ReleaseOf(nested.Result),
        IValueHttpResult { Value: AcceptedResponse { Release: { } release } } => release.Id,
        _ => null,
    };
}
