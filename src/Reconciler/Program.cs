using PersonalCloud.Reconciler.Hosting;
using PersonalCloud.Reconciler.RouteDns;

// One assembly, two processes: the route DNS responder lives apart so apps keep serving while the reconciler is down.
if (args is [RouteDnsServices.Command, ..])
{
    RouteDnsServices.Run(args[1..]);
    return;
}

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables("PCLOUD_");
builder.Logging.AddReconcilerConsole(builder.Configuration);
builder.Services.AddReconciler(builder.Configuration);
builder.Build().Run();
