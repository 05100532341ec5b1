using PersonalCloud.Contracts.Health;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Heartbeats;

/// <summary>The reconciler's own row: it beats while its host runs.</summary>
public sealed class ReconcilerCheck : IComponentCheck
{
    public string Name => PlatformComponents.Reconciler;

    public bool OwnedByThisProcess => true;

    public Task<string?> ProblemAsync(CancellationToken ct) => Task.FromResult<string?>(null);
}

/// <summary>
/// Caddy's row: its admin API answers and it runs the platform's config. A Caddy that came back without any config
/// (started afresh rather than resumed) gets it at once instead of at the next resync.
/// </summary>
public sealed partial class CaddyCheck(ProxyConfigurator proxy, ILogger<CaddyCheck> logger) : IComponentCheck
{
    public string Name => PlatformComponents.Caddy;

    public bool OwnedByThisProcess => false;

    public async Task<string?> ProblemAsync(CancellationToken ct)
    {
        CaddyConfigState state;
        try
        {
            state = await proxy.InspectAsync(ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException
                                      or OperationCanceledException or CaddyAdminException)
        {
            return $"Caddy's admin API does not answer ({e.Message}): apps are unreachable until Caddy runs again; the supervisor restarts it, see logs/caddy.log";
        }

        switch (state)
        {
            case CaddyConfigState.Ours:
                return null;
            case CaddyConfigState.Empty:
                LogReloading(logger);
                await proxy.EnsureAsync(ct);
                return null;
            default:
                return "Caddy runs a config that is not the platform's (changed by hand?): the reconciler loads its own at the next resync";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Caddy answers without the platform's config (restarted afresh?): loading it now")]
    private static partial void LogReloading(ILogger logger);
}
