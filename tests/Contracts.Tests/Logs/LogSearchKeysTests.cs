using PersonalCloud.Contracts.Logs;

namespace PersonalCloud.Contracts.Tests.Logs;

public sealed class LogSearchKeysTests
{
    private static int Key(string three) => (three[0] << 14) | (three[1] << 7) | three[2];

    private static HashSet<int> KeysOf(string text)
    {
        var keys = new HashSet<int>();
        LogSearchKeys.Add(text, keys);
        return keys;
    }

    [Test]
    public void Of_GivesEveryRunOfThree_Folded_Distinct_Sorted()
    {
        var keys = LogSearchKeys.Of("AbcAbc");
        keys.Should().Equal(new[] { Key("abc"), Key("bca"), Key("cab") }.Order());
    }

    [Test]
    public void Of_ShorterThanThree_HasNoKeys() => LogSearchKeys.Of("ab").Should().BeEmpty();

    [TestCase("GET /api/orders 500 upstream timeout after 30000ms", "TIMEOUT")]
    [TestCase("GET /api/orders 500 upstream timeout after 30000ms", "t after 3")]
    [TestCase("user=İlker status=ok", "ilker")]
    [TestCase("temperature 300\u212A", "300k")]
    [TestCase("path=C:\\temp\\50%_done", "\\50%_d")]
    [TestCase("grüße aus köln: ok", "KÖLN: OK")]
    public void ALineThatContainsTheText_HoldsEveryKeyOfTheText(string line, string text) =>
        KeysOf(line).Should().Contain(LogSearchKeys.Of(text));

    [Test]
    public void CharactersBeyondAscii_MakeNoKeys()
    {
        LogSearchKeys.Of("köln").Should().BeEmpty("every run of three holds the ö");
        LogSearchKeys.Of("ökln").Should().Equal(Key("kln"));
    }

    [Test]
    public void Nul_MakesNoKeys() => LogSearchKeys.Of("a\0bcd").Should().Equal(Key("bcd"));

    [Test]
    public void ALineWithoutTheText_UsuallyLacksAKey() =>
        KeysOf("GET /api/orders 200 12ms").Should().NotContain(LogSearchKeys.Of("timeout"));

    [Test]
    public void EveryKey_FitsIn21Bits() =>
        KeysOf("~~~ \u007f\u007f\u007f").Should().OnlyContain(k => k > 0 && k < (1 << 21));
}
