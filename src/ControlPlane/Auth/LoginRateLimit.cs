using System.Globalization;
using System.Threading.RateLimiting;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>Login attempts per client address and minute; behind Caddy the address is the forwarded client's.</summary>
public static class LoginRateLimit
{
    public const string Policy = "login";
    public const int AttemptsPerMinute = 10;

    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ProblemTypes.TooManyAttempts().ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = AttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
}
