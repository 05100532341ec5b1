namespace PersonalCloud.Contracts.Api;

/// <summary>
/// GET /auth/session: whether the caller is signed in, and the antiforgery request token to send as X-CSRF-Token with
/// every mutating call (the matching cookie token is set by the same call). Fetch it again after login and logout:
/// a token belongs to the user it was issued to.
/// </summary>
public sealed record SessionResponse(bool Authenticated, string CsrfToken);

/// <summary>POST /auth/login: the dashboard password or the API token.</summary>
public sealed record LoginRequest(string? Secret);
