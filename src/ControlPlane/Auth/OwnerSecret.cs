using System.Security.Cryptography;
using System.Text;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>A secret the owner presents (API token, dashboard password). Compared as SHA-256 digests so neither content nor length shows in timing.</summary>
public abstract class OwnerSecret
{
    private readonly byte[] _digest;

    protected OwnerSecret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(value));
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("pcloud-session\n" + value)))[..32];
    }

    /// <summary>Stands for the secret in a session cookie without revealing it: a changed secret ends the sessions opened with the old one.</summary>
    public string Fingerprint { get; }

    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(_digest, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));
}
