using System.Diagnostics;
using System.Net;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>
/// Faults of the platform's own processes on the shared platform: apps keep serving through Caddy while the
/// Reconciler is dead, and a restarted Reconciler carries on.
/// </summary>
[Category("Integration")]
[Category("Drill")]
public sealed class SupervisionDrills : PlatformTest
{
    [Test]
    public async Task ReconcilerKilled_AppKeepsServingThroughCaddy_AndARestartedReconcilerCarriesOn()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("drill-rk"), Platform.HelloImage);
        await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app serves through Caddy");

        try
        {
            using (var process = Process.GetProcessById(Platform.ReconcilerProcess.Id))
                process.Kill();
            await Platform.StopReconcilerAsync();

            // Caddy re-resolves an app's upstreams every refresh: several refreshes go by on the dead reconciler.
            var failures = await RouteProbe.FailuresOverAsync(() => Api.GetThroughProxyAsync(app.GeneratedHostname), RouteProbe.SeveralRefreshes);
            failures.Should().BeEmpty("apps keep serving while the Reconciler is dead");
        }
        finally
        {
            if (Platform.ReconcilerProcess.HasExited)
                Platform.StartReconciler();
        }

        var changed = await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "after-the-crash" });
        await Api.WaitForAsync(app.Id, changed.Generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Contains("after-the-crash", StringComparison.Ordinal),
            PlatformApi.ConvergeTimeout, "the restarted Reconciler rolls out the change and Caddy serves it");
    }
}
