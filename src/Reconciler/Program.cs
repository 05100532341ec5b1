using PersonalCloud.Reconciler.Hosting;
using PersonalCloud.Reconciler.RouteDns;

// One assembly, two processes: the route DNS responder lives apart so apps keep serving while the reconciler is down.
if (args is [RouteDnsServices.Command, ..])
{
    RouteDnsServices.Run(args[1..]);
    return 0;
}

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables("PCLOUD_");
builder.Logging.AddReconcilerConsole(builder.Configuration);
builder.Services.AddReconciler(builder.Configuration);
var host = builder.Build();
try
{
    // Checked before any loop starts: with a missing or wrong key every reconcile and log collection would fail.
    host.Services.GetRequiredService<PersonalCloud.Contracts.Secrets.SecretBox>();
}
catch (PersonalCloud.Contracts.Secrets.MasterKeyRefusedException refused)
{
    PersonalCloud.Contracts.Hosting.PlatformConsole.WriteFatal(Console.Error, TimeProvider.System.GetUtcNow(), refused.Message);
    return 78;
}

host.Run();
return 0;
