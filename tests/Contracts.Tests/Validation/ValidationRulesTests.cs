using PersonalCloud.Contracts.Validation;

namespace PersonalCloud.Contracts.Tests.Validation;

public sealed class ValidationRulesTests
{
    [TestCase("hello")]
    [TestCase("a")]
    [TestCase("my-app-2")]
    [TestCase("0leading-digit")]
    public void AppName_DnsLabel_IsValid(string name) => ValidationRules.AppName(name).Should().BeNull();

    [TestCase(null)]
    [TestCase("")]
    [TestCase("Hello")]
    [TestCase("-x")]
    [TestCase("x-")]
    [TestCase("a_b")]
    [TestCase("a.b")]
    [TestCase("dashboard")]
    public void AppName_NotADnsLabelOrReserved_IsRejected(string? name) => ValidationRules.AppName(name).Should().NotBeNull();

    [Test]
    public void AppName_Of64Characters_IsRejected() => ValidationRules.AppName(new string('a', 64)).Should().Contain("63");

    [TestCase("nginx")]
    [TestCase("nginx:1.25")]
    [TestCase("library/nginx:latest")]
    [TestCase("registry.example.com:5000/team/app:v1")]
    [TestCase("pcloud-test/hello:abc123")]
    [TestCase("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Image_ValidReference_IsAccepted(string image) => ValidationRules.Image(image).Should().BeNull();

    [TestCase("")]
    [TestCase("NOT A REF")]
    [TestCase("UPPER/case")]
    [TestCase("nginx:")]
    [TestCase("-nginx")]
    public void Image_InvalidReference_IsRejected(string image) => ValidationRules.Image(image).Should().NotBeNull();

    [TestCase("PORT")]
    [TestCase("_private")]
    [TestCase("db_url2")]
    public void EnvKey_ShellName_IsValid(string key) => ValidationRules.EnvKeyName(key).Should().BeNull();

    [TestCase("")]
    [TestCase("1ABC")]
    [TestCase("A-B")]
    [TestCase("A B")]
    public void EnvKey_NotAShellName_IsRejected(string key) => ValidationRules.EnvKeyName(key).Should().NotBeNull();

    [Test]
    public void EnvValue_WithNul_IsRejected() => ValidationRules.EnvValue("a\0b").Should().NotBeNull();

    [Test]
    public void EnvValue_TooLarge_IsRejected() => ValidationRules.EnvValue(new string('x', ValidationRules.MaxEnvValueBytes + 1)).Should().NotBeNull();

    [TestCase("app.example.com")]
    [TestCase("hello.localhost")]
    public void Hostname_Valid_IsAccepted(string hostname) => ValidationRules.Hostname(hostname).Should().BeNull();

    [TestCase("localhost")]
    [TestCase("not a host")]
    [TestCase("UPPER.example.com")]
    [TestCase("a..b")]
    [TestCase("-a.example.com")]
    public void Hostname_Invalid_IsRejected(string hostname) => ValidationRules.Hostname(hostname).Should().NotBeNull();

    [TestCase("10.0.0.5")]
    [TestCase("127.0.0.1")]
    [TestCase("1.2.3.4.5")]
    [TestCase("app.123")]
    public void Hostname_IpLiteralOrNumericTopLabel_IsRejectedAsAnAddress(string hostname) =>
        ValidationRules.Hostname(hostname).Should().Contain("IP address");

    [TestCase("pcloud.internal")]
    [TestCase("ip.pcloud.internal")]
    [TestCase("10-0-0-5.ip.pcloud.internal")]
    [TestCase("shop.pcloud.internal")]
    public void Hostname_InThePlatformsOwnZone_IsRejected(string hostname) =>
        ValidationRules.Hostname(hostname).Should().Contain("the platform's own DNS zone");

    [TestCase("10-0-0-5.example.com")]
    [TestCase("app.internal")]
    [TestCase("mypcloud.internal")]
    [TestCase("123.example.com")]
    public void Hostname_ThatOnlyLooksClose_IsAccepted(string hostname) => ValidationRules.Hostname(hostname).Should().BeNull();

    [TestCase(0)]
    [TestCase(65536)]
    public void Port_OutOfRange_IsRejected(int port) => ValidationRules.Port(port).Should().NotBeNull();

    [TestCase("/healthz", true)]
    [TestCase("healthz", false)]
    [TestCase("/a b", false)]
    [TestCase("/redirect?to=http://evil", false)]
    public void HealthPath_MustBeAPlainPath(string path, bool valid) => (ValidationRules.HealthPath(path) is null).Should().Be(valid);
}
