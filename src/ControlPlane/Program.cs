using PersonalCloud.ControlPlane.Addons;
using PersonalCloud.ControlPlane.Backups;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Audit;
using PersonalCloud.ControlPlane.Auth;
using PersonalCloud.ControlPlane.Dashboard;
using PersonalCloud.ControlPlane.Domains;
using PersonalCloud.ControlPlane.Env;
using PersonalCloud.ControlPlane.Events;
using PersonalCloud.ControlPlane.Health;
using PersonalCloud.ControlPlane.Jobs;
using PersonalCloud.ControlPlane.Hosting;
using PersonalCloud.ControlPlane.Logs;
using PersonalCloud.ControlPlane.Processes;
using PersonalCloud.ControlPlane.Releases;
using PersonalCloud.ControlPlane.Runs;
using PersonalCloud.ControlPlane.Templates;
using PersonalCloud.ControlPlane.Volumes;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables("PCLOUD_");
builder.Logging.AddControlPlaneConsole(builder.Configuration);
builder.Services.AddControlPlane(builder.Configuration);
builder.ListenForCaddy((builder.Configuration.Get<ControlPlaneOptions>() ?? new()).DashboardSocketPath);

var app = builder.Build();
try
{
    app.MigrateDatabase();
}
catch (PersonalCloud.Contracts.Secrets.MasterKeyRefusedException refused)
{
    // Exits before serving: a platform that cannot open its sealed values must not look healthy.
    PersonalCloud.Contracts.Hosting.PlatformConsole.WriteFatal(Console.Error, TimeProvider.System.GetUtcNow(), refused.Message);
    return 78;
}

// Order matters: the client address is known (Caddy's socket only) before anything counts it; who calls is known
// before the audit records it; anonymous calls are limited before authorization, handlers or the audit touch Postgres.
app.UseForwardedHeadersFromCaddy();
app.UseRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDashboard();
app.UseAuthentication();
app.UseAudit();
app.UseRateLimiter();
app.UseAuthorization();

app.MapOpenApi().AllowAnonymous();
app.MapPlatformHealth();
app.MapTlsAsk();
app.MapSession();
app.MapGroup("/api")
    .RequireAuthorization()
    .RequireSessionAntiforgery()
    .AddEndpointFilter<AuditedRelease>()
    .MapApps()
    .MapReleases()
    .MapEnv()
    .MapAddons()
    .MapProcesses()
    .MapVolumes()
    .MapReleaseCommand()
    .MapDomains()
    .MapLogs()
    .MapAudit()
    .MapHealth()
    .MapEvents()
    .MapCronJobs()
    .MapRuns()
    .MapTemplates()
    .MapBackups()
    .MapInternals();

app.Run();
return 0;

/// <summary>Visible to the integration tests.</summary>
public partial class Program;
