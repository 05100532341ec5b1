using System.Security.Cryptography;

namespace PersonalCloud.Contracts.Secrets;

/// <summary>The 32-byte key that seals env values. It lives outside Postgres: an environment variable or a 0600 file.</summary>
public sealed class MasterKey
{
    public const int Size = 32;

    public MasterKey(byte[] bytes)
    {
        if (bytes.Length != Size)
            throw new ArgumentException($"A master key is {Size} bytes, got {bytes.Length}.", nameof(bytes));
        Bytes = bytes;
        Id = Convert.ToHexStringLower(SHA256.HashData(bytes)).Substring(0, 8);
    }

    public byte[] Bytes { get; }

    /// <summary>Short fingerprint stored beside each value so a rotation can tell which key sealed it.</summary>
    public string Id { get; }

    /// <summary>Reads the key from base64 text when given, else from the file; null when neither exists (see <see cref="MasterKeyGuard"/>).</summary>
    public static MasterKey? TryLoad(string? base64, string filePath)
    {
        if (!string.IsNullOrWhiteSpace(base64))
            return new MasterKey(Convert.FromBase64String(base64.Trim()));
        return File.Exists(filePath) ? new MasterKey(Convert.FromBase64String(File.ReadAllText(filePath).Trim())) : null;
    }

    /// <summary>Creates the key file (0600), or reads the one another process created first.</summary>
    public static MasterKey Create(string filePath)
    {
        TryCreate(filePath);
        return new MasterKey(Convert.FromBase64String(File.ReadAllText(filePath).Trim()));
    }

    private static void TryCreate(string filePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filePath))!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        try
        {
            using var stream = new FileStream(filePath, options);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(Size)));
        }
        catch (IOException) when (File.Exists(filePath))
        {
            // Another process created it first; read theirs.
        }
    }
}
