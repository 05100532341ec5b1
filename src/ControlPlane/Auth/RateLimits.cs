using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>
/// Two limits per client address (behind Caddy the forwarded one, see <see cref="Hosting.CaddySocket"/>): every
/// request without a valid token or session (a token bucket: <c>PCLOUD_ANONYMOUS_REQUESTS_PER_MINUTE</c>, also the
/// burst), checked before any handler or the audit touches Postgres; and login attempts (10 a minute). The owner's
/// authenticated calls are never limited. IPv6 clients are counted per /64, the block one subscriber usually holds.
/// </summary>
public static class RateLimits
{
    public const string LoginPolicy = "login";
    public const int LoginAttemptsPerMinute = 10;

    public static IServiceCollection AddRateLimits(this IServiceCollection services, int anonymousRequestsPerMinute) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var login = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == LoginPolicy;
                await (login ? ProblemTypes.TooManyAttempts() : ProblemTypes.TooManyAnonymousRequests()).ExecuteAsync(http);
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.User.Identity?.IsAuthenticated == true
                    ? RateLimitPartition.GetNoLimiter("owner")
                    : RateLimitPartition.GetTokenBucketLimiter(ClientKey(http.Connection.RemoteIpAddress), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = anonymousRequestsPerMinute,
                        TokensPerPeriod = Math.Max(1, anonymousRequestsPerMinute / 60),
                        ReplenishmentPeriod = TimeSpan.FromSeconds(anonymousRequestsPerMinute >= 60 ? 1 : 60.0 / anonymousRequestsPerMinute),
                        QueueLimit = 0,
                    }));
            limiter.AddPolicy(LoginPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                ClientKey(http.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

    /// <summary>The address a client is counted under: IPv4 as is, IPv6 by its /64.</summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
