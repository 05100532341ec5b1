using PersonalCloud.Reconciler.Logs;

namespace PersonalCloud.Reconciler.Tests.Logs;

public sealed class SecretMaskTests
{
    [Test]
    public void Apply_LineContainingAValue_ReplacesEveryOccurrenceWithTheKey()
    {
        var mask = SecretMask.From(new Dictionary<string, string> { ["API_TOKEN"] = "tok-123456" });

        mask.Apply("auth tok-123456 then tok-123456.").Should().Be("auth [REDACTED:API_TOKEN] then [REDACTED:API_TOKEN].");
    }

    [Test]
    public void Apply_LineWithoutValues_ReturnsTheSameString()
    {
        var mask = SecretMask.From(new Dictionary<string, string> { ["API_TOKEN"] = "tok-123456" });
        var line = "nothing secret here";

        mask.Apply(line).Should().BeSameAs(line);
    }

    [TestCase("1")]
    [TestCase("on")]
    [TestCase("abc")]
    public void From_ValuesShorterThanFour_AreNotMasked(string value)
    {
        var mask = SecretMask.From(new Dictionary<string, string> { ["DEBUG"] = value });

        mask.Count.Should().Be(0);
        mask.Apply($"debug={value}").Should().Be($"debug={value}");
    }

    [Test]
    public void Apply_ValueInsideALongerValue_MasksTheLongerOneWhole()
    {
        var mask = SecretMask.From(new Dictionary<string, string> { ["USER"] = "admin", ["URL"] = "postgres://admin:pw@db" });

        mask.Apply("connecting to postgres://admin:pw@db as admin")
            .Should().Be("connecting to [REDACTED:URL] as [REDACTED:USER]");
    }

    [Test]
    public void Apply_OverlappingValues_MergeIntoOneRedactionSoNeitherShows()
    {
        var mask = SecretMask.From(new Dictionary<string, string> { ["A"] = "abcd", ["B"] = "cdefgh" });

        mask.Apply("x abcdefgh y").Should().Be("x [REDACTED:B] y");
    }

    [Test]
    public void Apply_ValueThatLooksLikeTheMarker_DoesNotMaskInsideReplacements()
    {
        var mask = SecretMask.From(new Dictionary<string, string> { ["REDA"] = "REDA", ["TOKEN"] = "secret-value" });

        mask.Apply("secret-value").Should().Be("[REDACTED:TOKEN]");
    }

    [Test]
    public void Apply_TruncatedLineEndingInTheStartOfAValue_MasksThatPart()
    {
        var mask = SecretMask.From(new Dictionary<string, string> { ["TOKEN"] = "0123456789abcdef" });

        mask.Apply("payload 0123456", truncated: true).Should().Be("payload [REDACTED:TOKEN]");
        mask.Apply("payload 0123456", truncated: false).Should().Be("payload 0123456");
        mask.Apply("payload 012", truncated: true).Should().Be("payload 012", "a part shorter than the minimum is not masked");
    }

    [Test]
    public void Render_TruncatedLine_IsMaskedThenMarked()
    {
        var mask = SecretMask.From(new Dictionary<string, string> { ["TOKEN"] = "0123456789abcdef" });
        var entry = new Reconciler.Containers.ContainerLogEntry(1, "stdout", "x 0123456789", Truncated: true);

        LogFollower.Render(entry, mask).Should().Be("x [REDACTED:TOKEN]" + LogFollower.TruncatedSuffix);
        LogFollower.Render(entry, SecretMask.None).Should().Be("x 0123456789" + LogFollower.TruncatedSuffix);
    }
}
