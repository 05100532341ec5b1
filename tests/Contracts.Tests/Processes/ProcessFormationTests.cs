using PersonalCloud.Contracts.Processes;

namespace PersonalCloud.Contracts.Tests.Processes;

/// <summary>How the API's definitions and a build's Procfile combine into the processes a release runs.</summary>
public sealed class ProcessFormationTests
{
    private static Procfile Procfile(string text) => PersonalCloud.Contracts.Processes.Procfile.Parse(text).Procfile!;

    [Test]
    public void NoSnapshot_IsTheOneDefaultWebProcess_RunningTheImagesCmd()
    {
        var process = ProcessFormation.Resolve(null, null, null).Should().ContainSingle().Subject;

        process.Should().Be(new ResolvedProcess("web", ProcessKinds.Web, null, CommandSources.Image, 1, null, null, null, null, UpdateOrders.StartFirst, "api"));
    }

    [Test]
    public void TheApiWinsPerField_TheProcfileGivesTheCommandOfADefinitionWithout()
    {
        var defined = new[]
        {
            new ProcessDefinition("web", ProcessKinds.Web, Replicas: 2, MemoryMb: 512),
            new ProcessDefinition("worker", ProcessKinds.Worker, Command: "exec ./api-command"),
        };
        var resolved = ProcessFormation.Resolve(defined, Procfile("web: ./serve\nworker: ./procfile-command"), new Dictionary<string, int> { ["web"] = 3 });

        resolved.Should().HaveCount(2);
        resolved[0].Should().Be(new ResolvedProcess("web", ProcessKinds.Web, "./serve", CommandSources.Procfile, 3, 512, null, null, null, UpdateOrders.StartFirst, "api+procfile"));
        resolved[1].Command.Should().Be("exec ./api-command");
        resolved[1].CommandSource.Should().Be(CommandSources.Api);
    }

    [Test]
    public void ProcessesOnlyTheProcfileDeclares_RunOneReplica_WebIsTheWebProcessOnlyWhenTheAppHasNone()
    {
        var withoutWeb = ProcessFormation.Resolve([new ProcessDefinition("jobs", ProcessKinds.Worker)], Procfile("web: ./serve\nclock: ./clock\nrelease: ./migrate"), null);
        var withWeb = ProcessFormation.Resolve([new ProcessDefinition("www", ProcessKinds.Web)], Procfile("web: ./serve"), null);

        withoutWeb.Select(p => (p.Name, p.Kind, p.Replicas, p.DeclaredBy)).Should().Equal(
            ("web", ProcessKinds.Web, 1, "procfile"), ("clock", ProcessKinds.Worker, 1, "procfile"), ("jobs", ProcessKinds.Worker, 1, "api"));
        withWeb.Single(p => p.Name == "web").Kind.Should().Be(ProcessKinds.Worker, "an app has at most one web process");
    }

    [Test]
    public void ReleaseCommand_TheApisElseTheProcfilesReleaseEntry()
    {
        ProcessFormation.ReleaseCommand("./api", Procfile("release: ./procfile")).Should().Be("./api");
        ProcessFormation.ReleaseCommand(null, Procfile("release: ./procfile")).Should().Be("./procfile");
        ProcessFormation.ReleaseCommand(null, null).Should().BeNull();
    }
}
