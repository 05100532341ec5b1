using PersonalCloud.Contracts.Processes;

namespace PersonalCloud.Contracts.Tests.Processes;

public sealed class ProcfileTests
{
    [Test]
    public void Parse_NameColonCommandLines_SkipsBlankLinesAndComments()
    {
        var (procfile, error) = Procfile.Parse("# processes\nweb: ./server --port $PORT\r\n\nworker:   exec ./work  \nrelease: ./migrate\n");

        error.Should().BeNull();
        procfile!.Processes.Should().BeEquivalentTo(new Dictionary<string, string> { ["web"] = "./server --port $PORT", ["worker"] = "exec ./work" });
        procfile.ReleaseCommand.Should().Be("./migrate");
    }

    [TestCase("web ./server", "Procfile line 1 is not 'name: command'")]
    [TestCase("Web_1: ./server", "Procfile line 1: 'Web_1' is not a process name")]
    [TestCase("web:", "Procfile line 1 (web): the command is empty")]
    [TestCase("web: a\nweb: b", "Procfile line 2: 'web' is declared twice")]
    public void Parse_WhatCannotBeUsed_NamesTheLine(string text, string error) =>
        Procfile.Parse(text).Error.Should().StartWith(error);

    [Test]
    public void Json_RoundTrips_AndUnreadableJsonIsNoProcfile()
    {
        var procfile = Procfile.Parse("worker: ./work\nweb: ./serve").Procfile!;

        Procfile.FromJson(procfile.ToJson())!.Entries.Should().BeEquivalentTo(procfile.Entries);
        Procfile.FromJson("not json").Should().BeNull();
        Procfile.FromJson(null).Should().BeNull();
    }
}
