using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Hosting;

namespace PersonalCloud.Reconciler.Addons;

public static class AddonServices
{
    /// <summary>The add-on controller: its own loop beside the app reconcile workers.</summary>
    public static IServiceCollection AddAddons(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AddonOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAddonRuntime>(sp => new DockerAddonRuntime(
            DockerContainerRuntime.CreateClient(DockerContainerRuntime.DefaultEndpoint),
            sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.Instance,
            sp.GetRequiredService<IOptions<AddonOptions>>().Value.Limits));
        services.AddSingleton<AddonStore>();
        services.AddSingleton<AddonController>();
        services.AddHostedService(sp => sp.GetRequiredService<AddonController>());
        services.AddHostedService<AddonChangesListener>();
        return services;
    }
}
