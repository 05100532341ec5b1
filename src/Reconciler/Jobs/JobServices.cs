using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Hosting;

namespace PersonalCloud.Reconciler.Jobs;

public static class JobServices
{
    /// <summary>The cron scheduler and run executor: its own loop beside the app reconcile workers.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IRunContainers>(sp => new DockerRunContainers(
            DockerContainerRuntime.CreateClient(DockerContainerRuntime.DefaultEndpoint), sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.Instance));
        services.AddSingleton<JobStore>();
        services.AddSingleton<RunReleases>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<JobScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
        services.AddHostedService<JobsChangedListener>();
        return services;
    }
}
