using System.Net;
using PersonalCloud.ControlPlane.Auth;

namespace PersonalCloud.ControlPlane.Tests.Auth;

public sealed class RateLimitsTests
{
    [TestCase("203.0.113.9", "203.0.113.9")]
    [TestCase("::ffff:203.0.113.9", "203.0.113.9")]
    [TestCase("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [TestCase("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void ClientKey_CountsIpv4PerAddress_AndIpv6PerSlash64(string address, string key) =>
        RateLimits.ClientKey(IPAddress.Parse(address)).Should().Be(key);

    [Test]
    public void ClientKey_WithoutAnAddress_IsOneSharedKey() =>
        RateLimits.ClientKey(null).Should().Be("unknown");
}
