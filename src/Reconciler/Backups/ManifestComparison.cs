namespace PersonalCloud.Reconciler.Backups;

/// <summary>Pure: how a volume read back after a restore differs from the manifest; null when every entry matches.</summary>
public static class ManifestComparison
{
    public static string? Difference(IReadOnlyList<ManifestEntry> expected, IReadOnlyList<ManifestEntry> actual)
    {
        var found = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach (var entry in actual)
            found[entry.Path] = entry;
        foreach (var want in expected)
        {
            if (!found.Remove(want.Path, out var got))
                return $"'{want.Path}' is missing from the restored volume";
            if (got.Type != want.Type)
                return $"'{want.Path}' came back as a {got.Type}, not a {want.Type}";
            if (got.Sha256 != want.Sha256 || got.Size != want.Size)
                return $"'{want.Path}' has different contents after the restore ({got.Size} bytes, sha256 {Short(got.Sha256)}; expected {want.Size} bytes, {Short(want.Sha256)})";
            // The root's mode is the mount point's, which the engine sets; everything inside must match.
            if (want.Path != "." && (got.Mode != want.Mode || got.Uid != want.Uid || got.Gid != want.Gid))
                return $"'{want.Path}' has mode {Convert.ToString(got.Mode, 8)} owner {got.Uid}:{got.Gid} after the restore, expected {Convert.ToString(want.Mode, 8)} {want.Uid}:{want.Gid}";
            if (got.LinkTarget != want.LinkTarget)
                return $"'{want.Path}' links to '{got.LinkTarget}' after the restore, expected '{want.LinkTarget}'";
        }

        return found.Count == 0 ? null : $"the restored volume has {found.Count} entries the backup does not list (e.g. '{found.Keys.Order(StringComparer.Ordinal).First()}')";
    }

    private static string Short(string? sha) => sha is null ? "none" : sha[..12];
}
