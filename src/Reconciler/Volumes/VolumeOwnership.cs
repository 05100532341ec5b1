using System.Formats.Tar;
using System.Globalization;

namespace PersonalCloud.Reconciler.Volumes;

/// <summary>Pure: who a container's user is in numbers, and the one-entry archive that makes a mount point theirs.</summary>
public static class VolumeOwnership
{
    /// <summary>
    /// <c>uid[:gid]</c>, <c>name[:group]</c> or a mix, resolved against the image's <c>/etc/passwd</c> and <c>/etc/group</c>
    /// text (null when the image has none). A user without a group takes its passwd group (a bare uid: the same number).
    /// Throws <see cref="InvalidOperationException"/> naming what cannot be resolved.
    /// </summary>
    public static (int Uid, int Gid) Resolve(string user, string? passwd, string? group)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var parts = user.Split(':', 2);
        var entry = Numeric(parts[0]) is { } uid ? FindPasswd(passwd, e => e.Uid == uid) ?? (parts[0], uid, uid)
            : FindPasswd(passwd, e => e.Name == parts[0]) ?? throw new InvalidOperationException(
                $"the image names the user '{parts[0]}', which its /etc/passwd does not have");
        if (parts.Length == 1)
            return (entry.Uid, entry.Gid);
        if (Numeric(parts[1]) is { } gid)
            return (entry.Uid, gid);
        var named = Lines(group).Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 3 && f[0] == parts[1] && Numeric(f[2]) is not null)
            ?? throw new InvalidOperationException($"the image names the group '{parts[1]}', which its /etc/group does not have");
        return (entry.Uid, Numeric(named[2])!.Value);
    }

    /// <summary>A tar with one directory entry, <paramref name="name"/>, owned by uid:gid with mode 0755: extracted over the mount point, it sets the volume root's owner.</summary>
    public static MemoryStream DirectoryEntry(string name, int uid, int gid)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name.TrimEnd('/') + "/")
            {
                Uid = uid,
                Gid = gid,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                ModificationTime = DateTimeOffset.UnixEpoch,
            });
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>The parent directory and last segment of an absolute path (<c>/srv/data</c>: <c>/srv</c>, <c>data</c>).</summary>
    public static (string Parent, string Name) Split(string mountPath)
    {
        var trimmed = mountPath.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return (slash <= 0 ? "/" : trimmed[..slash], trimmed[(slash + 1)..]);
    }

    private static (string Name, int Uid, int Gid)? FindPasswd(string? passwd, Func<(string Name, int Uid, int Gid), bool> match) =>
        Lines(passwd).Select(l => l.Split(':'))
            .Where(f => f.Length >= 4 && Numeric(f[2]) is not null && Numeric(f[3]) is not null)
            .Select(f => (f[0], Numeric(f[2])!.Value, Numeric(f[3])!.Value))
            .Cast<(string Name, int Uid, int Gid)?>()
            .FirstOrDefault(e => match(e!.Value));

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static int? Numeric(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
