using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Templates;

namespace PersonalCloud.Contracts.Tests.Templates;

public sealed class TemplateRulesTests
{
    private static readonly AppTemplate Valid = new(
        Name: "web-db",
        Env: new Dictionary<string, TemplateEnvValue> { ["MODE"] = new(Value: "prod"), ["SECRET_KEY"] = new(Generate: "secret") },
        Volumes: [new TemplateVolume("data", "/data")],
        Addons: [new TemplateAddon("postgres")]);

    [Test]
    public void AValidTemplate_HasNoErrors() => TemplateRules.Check(Valid).Should().BeEmpty();

    [TestCase("Web", false)]
    [TestCase("web-db", true)]
    [TestCase("-x", false)]
    public void Name_IsADnsLabel(string name, bool valid) => (TemplateRules.Name(name) is null).Should().Be(valid);

    [Test]
    public void EachEnvVariable_HasExactlyOneOfValueOrGenerate_AndASaneSecretLength()
    {
        var template = Valid with
        {
            Env = new Dictionary<string, TemplateEnvValue>
            {
                ["1BAD"] = new(Value: "x"),
                ["BOTH"] = new(Value: "x", Generate: "secret"),
                ["NEITHER"] = new(),
                ["WHAT"] = new(Generate: "uuid"),
                ["SHORT"] = new(Generate: "secret", Length: 8),
            },
        };

        TemplateRules.Check(template).Select(e => e.Key).Should().BeEquivalentTo(["env.1BAD", "env.BOTH", "env.NEITHER", "env.WHAT", "env.SHORT"]);
    }

    [Test]
    public void VolumesAndAddons_AreCheckedBeforeAnythingIsCreated()
    {
        var template = Valid with { Volumes = [new TemplateVolume("Data", "/data"), new TemplateVolume("ok", "relative"), new TemplateVolume("root", "/")], Addons = [new TemplateAddon("mysql")] };

        TemplateRules.Check(template).Select(e => e.Key).Should().BeEquivalentTo(["volumes[0].name", "volumes[1].mountPath", "volumes[2].mountPath", "addons[0].kind"]);
    }

    [Test]
    public void EnvNamesDifferingOnlyByCase_AreRefused() =>
        TemplateRules.Check(Valid with { Env = new Dictionary<string, TemplateEnvValue> { ["KEY"] = new("a"), ["key"] = new("b") } })
            .Should().ContainSingle(e => e.Key == "env");
}

public sealed class TemplateMergeTests
{
    [Test]
    public void TheRequestsOwnFields_WinOverTheTemplates()
    {
        var template = new AppTemplate(Image: "tpl:1", Port: 8080, Limits: new AppLimits(64), Processes: [new ProcessRequest("web")]);
        var merged = TemplateMerge.Into(new CreateAppRequest("app", Port: 9000, Template: "t"), template);

        merged.Should().BeEquivalentTo(new CreateAppRequest("app", "tpl:1", 9000, new AppLimits(64), Processes: [new ProcessRequest("web")], Template: "t"));
    }

    [Test]
    public void Env_KeepsFixedValues_AndGeneratesEachSecretAtItsLength()
    {
        var template = new AppTemplate(Env: new Dictionary<string, TemplateEnvValue> { ["A"] = new("fixed"), ["S"] = new(Generate: "secret"), ["T"] = new(Generate: "secret", Length: 20) });

        var env = TemplateMerge.Env(template, n => new string('x', n));

        env.Should().BeEquivalentTo(new Dictionary<string, string?> { ["A"] = "fixed", ["S"] = new string('x', 48), ["T"] = new string('x', 20) });
    }

    [Test]
    public void NewSecret_IsLettersAndDigits_AndDifferentEachTime()
    {
        var secrets = Enumerable.Range(0, 20).Select(_ => TemplateMerge.NewSecret(32)).ToList();

        secrets.Should().OnlyContain(s => s.Length == 32 && s.All(char.IsAsciiLetterOrDigit)).And.OnlyHaveUniqueItems();
    }
}
