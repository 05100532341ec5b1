namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>What a test against the running platform starts from: the run's platform and an API client with its token.</summary>
public abstract class PlatformTest
{
    protected PlatformFixture Platform { get; private set; } = null!;

    protected PlatformApi Api { get; private set; } = null!;

    [SetUp]
    public void SetUpPlatform()
    {
        Platform = PlatformFixture.Current;
        Api = new PlatformApi(Platform);
    }
}
