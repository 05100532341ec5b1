using System.Security.Cryptography;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>A secret from configuration, else from a 0600 file in the data directory, generated at first start.</summary>
public static class SecretFile
{
    public static string Load(string? configured, string filePath, Func<string> generate)
    {
        ArgumentNullException.ThrowIfNull(generate);
        if (!string.IsNullOrWhiteSpace(configured))
            return configured.Trim();

        if (!File.Exists(filePath))
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
                using var writer = new StreamWriter(new FileStream(filePath, options));
                writer.Write(generate());
            }
            catch (IOException) when (File.Exists(filePath))
            {
                // Created concurrently; use the one on disk.
            }
        }

        return File.ReadAllText(filePath).Trim();
    }

    public static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
