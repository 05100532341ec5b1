using PersonalCloud.Reconciler.RouteDns;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.RouteDns;

public sealed class RouteSnapshotFileTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("pcloud-routes-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Write_ThenRead_GivesTheSameRoutes_InAFileOnlyItsOwnerCanRead()
    {
        var file = new RouteSnapshotFile(Path.Combine(_dir, "run", "routes.json"));
        var route = new StoredRoute(Guid.NewGuid(), "shop", ["shop.localhost"], ["10.0.0.5:8080"],
            new DateTimeOffset(2026, 12, 2, 18, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

        file.Write([route]);
        var read = file.TryRead();

        read.Should().ContainSingle();
        read![0].Should().BeEquivalentTo(route);
        RouteSnapshot.Create(read).OwnerOf("shop.localhost")!.Upstreams.Should().Equal("10.0.0.5:8080");
        File.GetUnixFileMode(file.Path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Exists(file.Path + ".tmp").Should().BeFalse();
    }

    [Test]
    public void TryRead_MissingOrTornFile_IsNull()
    {
        var file = new RouteSnapshotFile(Path.Combine(_dir, "routes.json"));
        file.TryRead().Should().BeNull();

        File.WriteAllText(file.Path, "[{\"AppId\":");
        file.TryRead().Should().BeNull();
    }
}
