using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>The dashboard's sign-in: a cookie session opened with the dashboard password or the API token.</summary>
public static partial class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSession(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").AllowAnonymous().WithTags("Session");
        auth.MapGet("/session", Session).WithName("getSession");
        auth.MapPost("/login", Login).RequireRateLimiting(RateLimits.LoginPolicy).WithName("login")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/logout", Logout).WithName("logout").ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    /// <summary>Whether the caller is signed in, and the antiforgery token</summary>
    /// <remarks>The token to send as X-CSRF-Token with every mutating call (sets the antiforgery cookie). Fetch again after login and logout.</remarks>
    internal static Ok<SessionResponse> Session(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return TypedResults.Ok(new SessionResponse(http.User.Identity?.IsAuthenticated == true, tokens.RequestToken!));
    }

    /// <summary>Sign in to the dashboard</summary>
    /// <remarks>JSON {secret}: the dashboard password or the API token; needs X-CSRF-Token. 204 and a session cookie, or 401. Over HTTPS only (or on loopback): else 403.</remarks>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Login(
        LoginRequest? request, HttpContext http, IAntiforgery antiforgery, DashboardPassword password, ApiToken token, ILoggerFactory logs)
    {
        // Before anything else: a password that came in cleartext over a network is not even compared.
        if (!LoginTransport.Allows(http))
            return ProblemTypes.HttpsRequired();
        if (!await antiforgery.IsRequestValidAsync(http))
            return ProblemTypes.Antiforgery();

        var secret = request?.Secret ?? "";
        // Both compared every time, so the timing does not tell which one a guess was close to.
        var byPassword = password.Matches(secret);
        var byToken = token.Matches(secret);
        if (!(byPassword | byToken))
        {
            LogLoginFailed(logs.CreateLogger(typeof(SessionEndpoints)), http.Connection.RemoteIpAddress?.ToString());
            return ProblemTypes.WrongSecret();
        }

        var principal = OwnerAuthentication.SessionPrincipal(byPassword ? password.Fingerprint : token.Fingerprint);
        await http.SignInAsync(OwnerAuthentication.SessionScheme, principal, new AuthenticationProperties { IsPersistent = true });
        return TypedResults.NoContent();
    }

    /// <summary>Sign out</summary>
    /// <remarks>Ends the session (needs X-CSRF-Token).</remarks>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Logout(HttpContext http, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
            return ProblemTypes.Antiforgery();
        await http.SignOutAsync(OwnerAuthentication.SessionScheme);
        return TypedResults.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard login with a wrong secret from {RemoteIp}")]
    private static partial void LogLoginFailed(ILogger logger, string? remoteIp);
}
