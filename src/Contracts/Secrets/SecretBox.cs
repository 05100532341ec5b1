using System.Security.Cryptography;
using System.Text;

namespace PersonalCloud.Contracts.Secrets;

/// <summary>
/// AES-256-GCM for env var values at rest. The app id and the variable's key are bound as associated data,
/// so a ciphertext copied to another app or key fails to open. Stored form: <c>pcv1.&lt;keyId&gt;.&lt;base64(nonce|ciphertext|tag)&gt;</c>.
/// </summary>
public sealed class SecretBox
{
    private const string Prefix = "pcv1";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly MasterKey _key;

    public SecretBox(MasterKey key) => _key = key;

    public string Seal(Guid appId, string key, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[NonceSize + plain.Length + TagSize];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Bytes, TagSize);
        aes.Encrypt(nonce, plain, blob.AsSpan(NonceSize, plain.Length), blob.AsSpan(NonceSize + plain.Length), AssociatedData(appId, key));
        return $"{Prefix}.{_key.Id}.{Convert.ToBase64String(blob)}";
    }

    /// <summary>Opens a sealed value; throws <see cref="SecretOpenException"/> rather than ever passing ciphertext on as plaintext.</summary>
    public string Open(Guid appId, string key, string sealedValue)
    {
        var parts = sealedValue.Split('.');
        if (parts.Length != 3 || parts[0] != Prefix)
            throw new SecretOpenException($"Value for '{key}' is not in the sealed format.");
        if (parts[1] != _key.Id)
            throw new SecretOpenException($"Value for '{key}' was sealed with key '{parts[1]}', but the loaded master key is '{_key.Id}'.");

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException e)
        {
            throw new SecretOpenException($"Value for '{key}' is not valid base64.", e);
        }

        if (blob.Length < NonceSize + TagSize)
            throw new SecretOpenException($"Value for '{key}' is truncated.");

        var cipherLength = blob.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(_key.Bytes, TagSize);
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize, cipherLength), blob.AsSpan(NonceSize + cipherLength), plain, AssociatedData(appId, key));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new SecretOpenException($"Value for '{key}' failed authentication (wrong key, app or tampered data).", e);
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// The size of a sealed value's plaintext in bytes, without the key: GCM's ciphertext is as long as its plaintext.
    /// Lets the API check an app's environment against its size caps without opening every value.
    /// </summary>
    public static int PlaintextBytes(string sealedValue)
    {
        ArgumentNullException.ThrowIfNull(sealedValue);
        var parts = sealedValue.Split('.');
        if (parts.Length != 3 || parts[0] != Prefix)
            throw new SecretOpenException("The value is not in the sealed format.");
        var encoded = parts[2];
        var padding = encoded.EndsWith("==", StringComparison.Ordinal) ? 2 : encoded.EndsWith('=') ? 1 : 0;
        var blobBytes = (encoded.Length / 4 * 3) - padding;
        if (encoded.Length % 4 != 0 || blobBytes < NonceSize + TagSize)
            throw new SecretOpenException("The sealed value is truncated.");
        return blobBytes - NonceSize - TagSize;
    }

    private static byte[] AssociatedData(Guid appId, string key) => Encoding.UTF8.GetBytes($"{appId:N}/{key}");
}

public sealed class SecretOpenException : Exception
{
    public SecretOpenException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
