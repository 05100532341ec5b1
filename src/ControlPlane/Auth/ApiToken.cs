namespace PersonalCloud.ControlPlane.Auth;

/// <summary>The single owner's bearer token: from PCLOUD_API_TOKEN, else a 0600 file in the data directory, generated at first start.</summary>
public sealed class ApiToken(string token) : OwnerSecret(token)
{
    public static ApiToken Load(string? configured, string filePath) =>
        new(SecretFile.Load(configured, filePath, () => "pc_" + SecretFile.RandomHex(24)));
}
