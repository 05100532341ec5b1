using PersonalCloud.Reconciler.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables("PCLOUD_");
builder.Logging.AddReconcilerConsole(builder.Configuration);
builder.Services.AddReconciler(builder.Configuration);
builder.Build().Run();
