using System.Formats.Tar;
using PersonalCloud.Reconciler.Builds;

namespace PersonalCloud.Reconciler.Tests.Builds;

public sealed class BuildContextTarTests
{
    private DirectoryInfo _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("pcloud-context-test-");

    [TearDown]
    public void TearDown() => _dir.Delete(recursive: true);

    [Test]
    public async Task Write_IncludesTheWorktree_LeavesOutDotGit_AndKeepsLinksAsLinks()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "Dockerfile"), "FROM scratch\n");
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "app", "static"));
        File.WriteAllText(Path.Combine(_dir.FullName, "app", "static", "index.html"), "hi");
        File.WriteAllText(Path.Combine(_dir.FullName, "app", ".gitignore"), "x");
        Directory.CreateDirectory(Path.Combine(_dir.FullName, ".git", "objects"));
        File.WriteAllText(Path.Combine(_dir.FullName, ".git", "HEAD"), "ref: refs/heads/main\n");
        File.CreateSymbolicLink(Path.Combine(_dir.FullName, "outside"), "/etc");

        using var tar = new MemoryStream();
        await BuildContextTar.WriteAsync(_dir.FullName, tar, CancellationToken.None);
        tar.Position = 0;

        var entries = new Dictionary<string, TarEntry>();
        using (var reader = new TarReader(tar))
        {
            while (reader.GetNextEntry() is { } entry)
                entries[entry.Name.TrimEnd('/')] = entry;
        }

        entries.Keys.Should().BeEquivalentTo("Dockerfile", "app", "app/.gitignore", "app/static", "app/static/index.html", "outside");
        entries["outside"].EntryType.Should().Be(TarEntryType.SymbolicLink);
        entries["outside"].LinkName.Should().Be("/etc");
    }
}
