using Microsoft.Extensions.Options;
using PersonalCloud.ControlPlane.Hosting;
using PersonalCloud.ControlPlane.Templates;

namespace PersonalCloud.ControlPlane.Tests.Templates;

public sealed class TemplateCatalogTests
{
    private string _dataDir = null!;

    [SetUp]
    public void CreateDataDir() => _dataDir = Directory.CreateTempSubdirectory("pcloud-templates-").FullName;

    [TearDown]
    public void RemoveDataDir() => Directory.Delete(_dataDir, recursive: true);

    private TemplateCatalog Catalog => new(Options.Create(new ControlPlaneOptions { DataDir = _dataDir }));

    [Test]
    public void BuiltInTemplates_AreAllUsable()
    {
        var list = Catalog.List();

        list.Select(t => t.Name).Should().Contain(["hello", "web-worker-postgres", "files-on-a-volume"]);
        list.Should().OnlyContain(t => t.Usable && t.Source == TemplateCatalog.BuiltInSource && t.Template!.Description != null);
    }

    [Test]
    public void AUserFile_IsListed_AndReplacesTheBuiltInOfItsName()
    {
        Directory.CreateDirectory(Path.Combine(_dataDir, "templates"));
        File.WriteAllText(Path.Combine(_dataDir, "templates", "hello.json"), """{ "description": "mine", "port": 9000 }""");
        File.WriteAllText(Path.Combine(_dataDir, "templates", "extra.json"), """{ "image": "x:1" }""");

        var list = Catalog.List();

        list.Single(t => t.Name == "hello").Template!.Description.Should().Be("mine");
        list.Single(t => t.Name == "extra").Should().Match<TemplateEntry>(t => t.Usable && t.Template!.Image == "x:1" && t.Source.EndsWith("templates/extra.json"));
    }

    [TestCase("{", "cannot be read as a template")]
    [TestCase("""{ "imag": "x" }""", "imag")]
    [TestCase("null", "holds no template")]
    [TestCase("""{ "name": "other" }""", "differs from its file name")]
    [TestCase("""{ "env": { "A": {} } }""", "env.A")]
    public void ABadFile_IsListedWithItsError_AndIsNotUsable(string json, string error)
    {
        var entry = TemplateCatalog.Parse("mine", "/x/mine.json", () => json);

        entry.Usable.Should().BeFalse();
        entry.Errors.Should().ContainSingle().Which.Should().Contain(error);
    }
}
