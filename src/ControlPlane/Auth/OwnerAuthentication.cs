using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>
/// Two doors to the same owner: a bearer token (scripts, curl) or a dashboard session cookie. A policy scheme picks
/// the door per request: an Authorization header means the bearer token, anything else the cookie. Principal names
/// say which door was used, so the audit log does too.
/// </summary>
public static class OwnerAuthentication
{
    public const string Scheme = "BearerOrSession";
    public const string SessionScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string SessionCookieName = "pcloud_session";
    public const string AntiforgeryCookieName = "pcloud_csrf";
    public const string AntiforgeryHeaderName = "X-CSRF-Token";
    public const string DashboardActor = "owner (dashboard)";
    public const string ApiTokenActor = "owner (api token)";
    public const string SecretClaim = "pcloud:secret";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    public static IServiceCollection AddOwnerAuthentication(this IServiceCollection services, string dataProtectionKeysDir)
    {
        // The keys sign and encrypt session cookies: unencrypted at rest, so only root may read them.
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(dataProtectionKeysDir, ownerOnly);
        File.SetUnixFileMode(dataProtectionKeysDir, ownerOnly);
        services.AddDataProtection().SetApplicationName("PersonalCloud").PersistKeysToFileSystem(new DirectoryInfo(dataProtectionKeysDir));

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token or dashboard session", policy =>
            {
                policy.ForwardDefaultSelector = http =>
                    http.Request.Headers.Authorization.Count > 0 ? BearerTokenHandler.SchemeName : SessionScheme;
                // A 401 problem for everyone, never a redirect to a login page: the dashboard handles 401 itself.
                policy.ForwardChallenge = BearerTokenHandler.SchemeName;
                policy.ForwardForbid = BearerTokenHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddCookie(SessionScheme, cookie =>
            {
                cookie.Cookie.Name = SessionCookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                // Always: a browser then never sends the session over plain HTTP (browsers allow Secure cookies on http://localhost).
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                cookie.ExpireTimeSpan = SessionLifetime;
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = RejectWhenSecretChangedAsync;
                cookie.Events.OnRedirectToLogin = context => Status(context.Response, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => Status(context.Response, StatusCodes.Status403Forbidden);
            });

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = AntiforgeryHeaderName;
            antiforgery.Cookie.Name = AntiforgeryCookieName;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            // Not Always: the antiforgery system refuses to work at all over plain HTTP then, and the dashboard also runs on
            // loopback. Through Caddy every request is HTTPS, so this cookie is Secure there; it is no credential on its own.
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    public static ClaimsPrincipal ApiTokenPrincipal() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, ApiTokenActor)], BearerTokenHandler.SchemeName));

    /// <param name="secretFingerprint">Of the secret the owner signed in with; the session ends when that secret changes.</param>
    public static ClaimsPrincipal SessionPrincipal(string secretFingerprint) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, DashboardActor), new Claim(SecretClaim, secretFingerprint)], SessionScheme));

    /// <summary>Authenticated by the session cookie, which a browser also sends on requests another site makes it send.</summary>
    public static bool IsSession(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: SessionScheme };

    private static async Task RejectWhenSecretChangedAsync(CookieValidatePrincipalContext context)
    {
        var fingerprint = context.Principal?.FindFirstValue(SecretClaim);
        var services = context.HttpContext.RequestServices;
        if (fingerprint == services.GetRequiredService<DashboardPassword>().Fingerprint
            || fingerprint == services.GetRequiredService<ApiToken>().Fingerprint)
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(SessionScheme);
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
