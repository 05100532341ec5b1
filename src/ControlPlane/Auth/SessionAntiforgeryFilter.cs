using Microsoft.AspNetCore.Antiforgery;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>
/// A mutating call authenticated by the session cookie needs the antiforgery header too: another site can make a
/// browser send the cookie, but cannot read the token. Bearer calls need none (no browser attaches a bearer token).
/// </summary>
public sealed class SessionAntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        var mutating = HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
        if (mutating && OwnerAuthentication.IsSession(http.User) && !await antiforgery.IsRequestValidAsync(http))
            return ProblemTypes.Antiforgery();
        return await next(context);
    }
}

public static class SessionAntiforgeryFilterExtensions
{
    public static RouteGroupBuilder RequireSessionAntiforgery(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<SessionAntiforgeryFilter>();
        return group;
    }
}
