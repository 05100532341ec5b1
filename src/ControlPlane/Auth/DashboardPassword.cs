namespace PersonalCloud.ControlPlane.Auth;

/// <summary>The owner's dashboard password: from PCLOUD_DASHBOARD_PASSWORD, else a 0600 file in the data directory, generated at first start.</summary>
public sealed class DashboardPassword(string password) : OwnerSecret(password)
{
    public static DashboardPassword Load(string? configured, string filePath) =>
        new(SecretFile.Load(configured, filePath, () => SecretFile.RandomHex(16)));
}
