using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the platform's API token.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiToken token)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());

        if (!token.Matches(header["Bearer ".Length..].Trim()))
            return Task.FromResult(AuthenticateResult.Fail("Invalid token."));

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(OwnerAuthentication.ApiTokenPrincipal(), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await ProblemTypes.Unauthorized().ExecuteAsync(Context);
    }
}
