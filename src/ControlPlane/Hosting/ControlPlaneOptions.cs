using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace PersonalCloud.ControlPlane.Hosting;

/// <summary>Settings read from PCLOUD_* environment variables (the prefix is stripped), validated at start.</summary>
public sealed class ControlPlaneOptions
{
    [Required]
    [ConfigurationKeyName("DATA_DIR")]
    public string DataDir { get; set; } = "/var/lib/personalcloud";

    [Required]
    [ConfigurationKeyName("DATABASE_URL")]
    public string DatabaseUrl { get; set; } = "";

    [ConfigurationKeyName("API_TOKEN")]
    public string? ApiToken { get; set; }

    [ConfigurationKeyName("MASTER_KEY")]
    public string? MasterKey { get; set; }

    [Required]
    [RegularExpression("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")]
    [ConfigurationKeyName("BASE_DOMAIN")]
    public string BaseDomain { get; set; } = "localhost";

    [Range(1, 65535)]
    [ConfigurationKeyName("HTTP_PORT")]
    public int HttpPort { get; set; } = 80;

    [Range(1, 65535)]
    [ConfigurationKeyName("HTTPS_PORT")]
    public int HttpsPort { get; set; } = 443;

    public string ApiTokenFile => Path.Combine(DataDir, "api-token");

    public string MasterKeyFile => Path.Combine(DataDir, "master.key");
}
