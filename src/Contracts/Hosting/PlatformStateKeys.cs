namespace PersonalCloud.Contracts.Hosting;

/// <summary>Keys of the <c>platform_state</c> table, written by one process and read by the other.</summary>
public static class PlatformStateKeys
{
    /// <summary>Caddy's <c>/config/apps</c> as the reconciler last loaded or verified it.</summary>
    public const string CaddyConfig = "caddy_config";

    /// <summary>{"id": ...}: the id of the master key the platform's values are sealed with, recorded at first use.</summary>
    public const string MasterKey = "master_key";
}
