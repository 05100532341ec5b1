using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Hosting;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Apps;

/// <summary>Maps stored rows to the API's app representation.</summary>
public sealed class AppResponses(Microsoft.Extensions.Options.IOptions<ControlPlaneOptions> options)
{
    public AppResponse ToResponse(AppRow row, AppReleaseSummary releases) => ToResponse(row, releases.Current) with
    {
        LastFailedRelease = releases.LastFailed,
        DeployingRelease = releases.Deploying?.ToResponse(),
    };

    public AppResponse ToResponse(AppRow row, ReleaseRow? current) => new(
        row.Id,
        row.Name,
        row.Image,
        row.Port,
        row.Status,
        row.GeneratedHostname,
        Url(row.GeneratedHostname),
        row.Domains,
        current?.ToResponse(),
        row.LastDeployedAt is { } d ? ReleaseRow.Utc(d) : null,
        row.RestartCount,
        row.Generation,
        row.ObservedGeneration,
        row.LastError,
        new AppLimitsResponse(row.MemoryMb, row.Cpus, row.PidsLimit),
        row.SecurityProfile,
        ReleaseRow.Utc(row.CreatedAt),
        row.CrashCount,
        row.LastExitCode,
        row.RunAsRoot,
        HealthCheck: new HealthCheckSettings(row.HealthPath, row.HealthIntervalSeconds, row.HealthTimeoutSeconds, row.HealthyThreshold,
            row.UnhealthyThreshold, row.DeployDeadlineSeconds),
        Rollout: new RolloutSettings(row.DrainSeconds, row.StopTimeoutSeconds));

    public string GeneratedHostname(string appName) => $"{appName}.{options.Value.BaseDomain}";

    /// <summary>The dashboard's hostname is the platform's: an app whose generated hostname it would be is refused, as reserved.</summary>
    public string? DashboardClash(string appName) =>
        GeneratedHostname(appName) == options.Value.DashboardHost
            ? $"'{appName}' is reserved: {options.Value.DashboardHost} is the platform's dashboard (PCLOUD_DASHBOARD_HOSTNAME)."
            : null;

    private string Url(string hostname)
    {
        var port = options.Value.HttpPort;
        return port == 80 ? $"http://{hostname}/" : $"http://{hostname}:{port}/";
    }
}
