using System.Text;
using PersonalCloud.ControlPlane.Audit;

namespace PersonalCloud.ControlPlane.Tests.Audit;

public sealed class AuditSummaryTests
{
    private const string Secret = "s3cr3t-value-never-logged";

    private static string? Summary(string method, string route, string? json = null, string? contentType = "application/json",
        Dictionary<string, string?>? routeValues = null, long? bytes = null, string? appName = null)
    {
        var body = json is null ? AuditBodyFacts.None : AuditBodyFacts.Read(Encoding.UTF8.GetBytes(json), complete: true);
        return AuditSummary.Build(new AuditedCall(method, route, routeValues ?? [], json is null && bytes is null ? null : contentType,
            bytes ?? (json is null ? 0 : Encoding.UTF8.GetByteCount(json)), body, appName));
    }

    [Test]
    public void SetEnv_NamesSetAndRemovedKeys_NeverValues()
    {
        var summary = Summary("POST", "/api/apps/{id:guid}/env", $$$"""{"vars":{"B_KEY":"{{{Secret}}}","A_KEY":{"nested":"{{{Secret}}}"},"GONE":null}}""");

        summary.Should().Be("set env keys: A_KEY, B_KEY; remove env keys: GONE");
        summary.Should().NotContain(Secret);
    }

    [Test]
    public void SetEnv_TruncatedBody_StillNamesTheKeysReadBeforeTheCut()
    {
        var json = $$"""{"vars":{"FIRST":"{{Secret}}","SECOND":"{{new string('x', 100)}}""";
        var facts = AuditBodyFacts.Read(Encoding.UTF8.GetBytes(json)[..(json.Length - 20)], complete: false);
        facts.VarsSet.Should().Equal("FIRST");
    }

    [Test]
    public void SetEnv_BrokenJson_KeepsWhatWasReadBeforeTheFault() =>
        AuditBodyFacts.Read(Encoding.UTF8.GetBytes("""{"vars":{"OK":"1", oops}}"""), complete: true).VarsSet.Should().Equal("OK");

    [TestCase("""{"image":"nginx:1.27"}""", "deploy image nginx:1.27")]
    [TestCase("""{"git":{"url":"https://user:ghp_token@github.com/me/app.git?access_token=x","ref":"main"}}""", "deploy from git https://github.com/me/app.git at main")]
    [TestCase("", "redeploy the current image")]
    public void Deploy_NamesTheSource_WithoutCredentials(string json, string expected)
    {
        var summary = json.Length == 0 ? Summary("POST", "/api/apps/{id:guid}/deploy") : Summary("POST", "/api/apps/{id:guid}/deploy", json);
        summary.Should().Be(expected);
    }

    [Test]
    public void Deploy_Archive_GivesItsSize() =>
        Summary("POST", "/api/apps/{id:guid}/deploy", contentType: "application/gzip; charset=binary", bytes: 12345).Should().Be("deploy archive upload (12345 bytes)");

    [Test]
    public void Deploy_FormEncodedBody_IsNotAnArchive() =>
        Summary("POST", "/api/apps/{id:guid}/deploy", contentType: "application/x-www-form-urlencoded", bytes: 20).Should().Be("deploy");

    [Test]
    public void CreateAndDelete_NameTheApp()
    {
        Summary("POST", "/api/apps", """{"name":"shop","image":"shop:2","port":8080}""").Should().Be("create app shop with image shop:2");
        Summary("POST", "/api/apps", """{"name":"shop","image":null}""").Should().Be("create app shop", "a JSON null is no value");
        Summary("DELETE", "/api/apps/{id:guid}", appName: "shop").Should().Be("delete app shop");
        Summary("DELETE", "/api/apps/{id:guid}", routeValues: new() { ["id"] = "7f0c" }).Should().Be("delete app 7f0c");
    }

    [Test]
    public void EnvKeyRoutes_NameTheKey()
    {
        Summary("DELETE", "/api/apps/{id:guid}/env/{key}", routeValues: new() { ["key"] = "TOKEN" }).Should().Be("remove env key: TOKEN");
        Summary("GET", "/api/apps/{id:guid}/env/{key}", routeValues: new() { ["key"] = "TOKEN" }).Should().Be("reveal env key: TOKEN");
    }

    [Test]
    public void AddonRoutes_NameTheKind_NeverTheConnectionString()
    {
        Summary("POST", "/api/apps/{id:guid}/addons", """{"kind":"postgres","version":"15"}""").Should().Be("add add-on postgres 15");
        Summary("DELETE", "/api/apps/{id:guid}/addons/{kind}", routeValues: new() { ["kind"] = "postgres" }).Should().Be("delete add-on postgres");
        Summary("GET", "/api/apps/{id:guid}/addons/{kind}/connection", routeValues: new() { ["kind"] = "postgres" })
            .Should().Be("reveal add-on connection: postgres");
    }

    [Test]
    public void Domains_NameTheHostname()
    {
        Summary("POST", "/api/apps/{id:guid}/domains", """{"hostname":"shop.example.com"}""").Should().Be("add domain shop.example.com");
        Summary("DELETE", "/api/apps/{id:guid}/domains/{hostname}", routeValues: new() { ["hostname"] = "shop.example.com" })
            .Should().Be("remove domain shop.example.com");
    }

    [Test]
    public void RestartRollbackAndLogSettings_SayWhat()
    {
        Summary("POST", "/api/apps/{id:guid}/restart").Should().Be("restart");
        Summary("POST", "/api/apps/{id:guid}/rollback").Should().Be("roll back to the previous release");
        Summary("POST", "/api/apps/{id:guid}/rollback", """{"releaseId":"0192"}""").Should().Be("roll back to release 0192");
        Summary("PUT", "/api/apps/{id:guid}/log-settings", """{"maskSecretsInLogs":false,"retention":{"lines":5000}}""")
            .Should().Be("set log settings: maskSecretsInLogs=false, retention.lines=5000, retention.hours=default");
    }

    [Test]
    public void UnknownMutation_NamesTheFieldsOnly() =>
        Summary("PATCH", "/api/apps/{id:guid}/something", $$"""{"password":"{{Secret}}","mode":"x"}""").Should().Be("fields: mode, password");

    [Test]
    public void LongValues_AreClipped()
    {
        var summary = Summary("POST", "/api/apps/{id:guid}/domains", $$"""{"hostname":"{{new string('a', 500)}}"}""")!;
        summary.Length.Should().BeLessThan(AuditSummary.MaxValueLength + 20);
        summary.Should().EndWith("…");
    }

    [Test]
    public void ManyKeys_AreCappedWithACount()
    {
        var vars = string.Join(",", Enumerable.Range(0, 60).Select(i => $"\"K{i:00}\":\"v\""));
        Summary("POST", "/api/apps/{id:guid}/env", "{\"vars\":{" + vars + "}}").Should().EndWith("K49 and 10 more");
    }
}
