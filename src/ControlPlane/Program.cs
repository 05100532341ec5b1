using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Domains;
using PersonalCloud.ControlPlane.Env;
using PersonalCloud.ControlPlane.Events;
using PersonalCloud.ControlPlane.Health;
using PersonalCloud.ControlPlane.Hosting;
using PersonalCloud.ControlPlane.Logs;
using PersonalCloud.ControlPlane.Releases;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables("PCLOUD_");
builder.Services.AddControlPlane(builder.Configuration);

var app = builder.Build();
app.MigrateDatabase();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi().AllowAnonymous();
app.MapPlatformHealth();
app.MapTlsAsk();
app.MapGroup("/api")
    .RequireAuthorization()
    .MapApps()
    .MapReleases()
    .MapEnv()
    .MapDomains()
    .MapLogs()
    .MapHealth()
    .MapEvents();

app.Run();

/// <summary>Visible to the integration tests.</summary>
public partial class Program;
