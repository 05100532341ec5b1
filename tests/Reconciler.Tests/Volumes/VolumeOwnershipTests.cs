using System.Formats.Tar;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Volumes;

namespace PersonalCloud.Reconciler.Tests.Volumes;

public sealed class VolumeOwnershipTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n# comment\nnobody:x:65534:65534::/:/bin/false\n";
    private const string Group = "root:x:0:\nstaff:x:50:\napp:x:1001:\n";

    [TestCase("65534:65534", null, 65534, 65534)]
    [TestCase("1234", null, 1234, 1234)]
    [TestCase("1000", Passwd, 1000, 1001)]
    [TestCase("app", Passwd, 1000, 1001)]
    [TestCase("app:staff", Passwd, 1000, 50)]
    [TestCase("app:7", Passwd, 1000, 7)]
    public void Resolve_NumbersAndNames(string user, string? passwd, int uid, int gid) =>
        VolumeOwnership.Resolve(user, passwd, Group).Should().Be((uid, gid));

    [Test]
    public void Resolve_AUserTheImageDoesNotHave_SaysSo() =>
        FluentActions.Invoking(() => VolumeOwnership.Resolve("ghost", Passwd, Group)).Should().Throw<InvalidOperationException>().WithMessage("*'ghost'*/etc/passwd*");

    [Test]
    public void Resolve_AGroupTheImageDoesNotHave_SaysSo() =>
        FluentActions.Invoking(() => VolumeOwnership.Resolve("app:ghosts", Passwd, Group)).Should().Throw<InvalidOperationException>().WithMessage("*'ghosts'*/etc/group*");

    [TestCase("/data", "/", "data")]
    [TestCase("/srv/app/data/", "/srv/app", "data")]
    public void Split_ParentAndName(string path, string parent, string name) => VolumeOwnership.Split(path).Should().Be((parent, name));

    [Test]
    public void DirectoryEntry_IsOneDirectoryOwnedByTheUser()
    {
        using var tar = VolumeOwnership.DirectoryEntry("data", 65534, 65534);
        using var reader = new TarReader(tar);
        var entry = reader.GetNextEntry()!;
        entry.EntryType.Should().Be(TarEntryType.Directory);
        entry.Name.Should().Be("data/");
        (entry.Uid, entry.Gid).Should().Be((65534, 65534));
        reader.GetNextEntry().Should().BeNull();
    }

    [Test]
    public void DiskUsage_ReadsTheApi141ShapeAndTheNewerOne()
    {
        var old = DockerVolumeUsage.Parse("""{"Volumes":[{"Name":"a","UsageData":{"Size":42,"RefCount":1}},{"Name":"b","UsageData":{"Size":-1,"RefCount":-1}}]}""");
        old["a"].Should().Be(new DockerVolumeUsage.Usage(42, 1));
        old["b"].Should().Be(new DockerVolumeUsage.Usage(null, null), "-1 means not computed");
        DockerVolumeUsage.Parse("""{"VolumeUsage":{"Items":[{"Name":"c","UsageData":{"Size":7,"RefCount":0}}]}}""")["c"].Should().Be(new DockerVolumeUsage.Usage(7, 0));
    }
}
