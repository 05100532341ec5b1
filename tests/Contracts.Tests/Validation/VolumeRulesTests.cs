using PersonalCloud.Contracts.Validation;

namespace PersonalCloud.Contracts.Tests.Validation;

public sealed class VolumeRulesTests
{
    [TestCase("/data")]
    [TestCase("/srv/app/uploads")]
    [TestCase("/var/lib/app")]
    [TestCase("/tmpdata")]
    [TestCase("/data/")]
    public void MountPath_AnAbsoluteDirectoryOfItsOwn_IsValid(string path) => VolumeRules.MountPath(path).Should().BeNull();

    [TestCase(null, "required")]
    [TestCase("", "required")]
    [TestCase("data", "not absolute")]
    [TestCase("/", "'/'")]
    [TestCase("//", "'/'")]
    [TestCase("/data/../etc", "'..'")]
    [TestCase("/./data", "'.'")]
    [TestCase("/proc/x", "under /proc")]
    [TestCase("/sys", "under /sys")]
    [TestCase("/dev/shm", "under /dev")]
    [TestCase("/etc", "under /etc")]
    [TestCase("/etc/app", "under /etc")]
    [TestCase("/tmp", "under /tmp")]
    [TestCase("/tmp/cache", "under /tmp")]
    [TestCase("/var/tmp", "under /var/tmp")]
    [TestCase("/run/app", "under /run")]
    [TestCase("/da ta", "no spaces")]
    [TestCase("/data:ro", "':'")]
    public void MountPath_Refused_SaysWhy(string? path, string because) => VolumeRules.MountPath(path).Should().Contain(because);

    [Test]
    public void MountPath_LongerThanTheCap_IsRefused() => VolumeRules.MountPath("/" + new string('a', VolumeRules.MaxMountPathChars)).Should().Contain("at most");

    [TestCase("data", true)]
    [TestCase("my-data-2", true)]
    [TestCase("Data", false)]
    [TestCase("-data", false)]
    [TestCase("da_ta", false)]
    [TestCase("", false)]
    public void Name_IsADnsLabel(string name, bool valid) => (VolumeRules.Name(name) is null).Should().Be(valid);

    [Test]
    public void Processes_NullMeansEvery_EmptyOrTwiceOrBadIsRefused()
    {
        VolumeRules.Processes(null).Should().BeNull();
        VolumeRules.Processes(["web", "worker"]).Should().BeNull();
        VolumeRules.Processes([]).Should().Contain("leave \"processes\" out");
        VolumeRules.Processes(["web", "web"]).Should().Contain("twice");
        VolumeRules.Processes(["Web"]).Should().NotBeNull();
    }

    [TestCase("/data", "/data", true)]
    [TestCase("/data", "/data/inner", true)]
    [TestCase("/data/inner/", "/data", true)]
    [TestCase("/data", "/database", false)]
    [TestCase("/srv/a", "/srv/b", false)]
    public void Overlap_OneContainingTheOther(string a, string b, bool overlap) => VolumeRules.Overlap(a, b).Should().Be(overlap);

    [Test]
    public void Normalize_DropsTrailingAndDoubledSlashes() => VolumeRules.Normalize("//srv//data/").Should().Be("/srv/data");

    [Test]
    public void Confirms_OnlyTheExactName()
    {
        VolumeRules.Confirms("data", "data").Should().BeTrue();
        VolumeRules.Confirms("Data", "data").Should().BeFalse();
        VolumeRules.Confirms(null, "data").Should().BeFalse();
    }
}
