using System.Security.Cryptography;
using System.Text;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>The single owner's bearer token: from PCLOUD_API_TOKEN, else a 0600 file in the data directory, generated at first start.</summary>
public sealed class ApiToken
{
    private readonly byte[] _token;

    public ApiToken(string token) => _token = Encoding.UTF8.GetBytes(token);

    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(_token, Encoding.UTF8.GetBytes(candidate));

    public static ApiToken Load(string? configured, string filePath)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return new ApiToken(configured.Trim());

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
                writer.Write("pc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
            }
            catch (IOException) when (File.Exists(filePath))
            {
                // Created concurrently; use the one on disk.
            }
        }

        return new ApiToken(File.ReadAllText(filePath).Trim());
    }
}
