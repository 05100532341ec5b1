namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>
/// One browser per test class; each test gets fresh pages, deletes the apps it registered in <see cref="Apps"/>, and
/// fails if the dashboard raised a script error or a CSP violation.
/// </summary>
public abstract class DashboardTest
{
    protected DashboardBrowser Browser { get; private set; } = null!;

    protected PlatformApi Api { get; private set; } = null!;

    protected List<Guid> Apps { get; } = [];

    [OneTimeSetUp]
    public async Task LaunchAsync() => Browser = await DashboardBrowser.LaunchAsync(PlatformFixture.Current);

    [OneTimeTearDown]
    public async Task CloseAsync() => await Browser.DisposeAsync();

    [SetUp]
    public void StartTest()
    {
        Api = new PlatformApi(PlatformFixture.Current);
        Browser.TakeProblems();
    }

    [TearDown]
    public async Task CleanUpAsync()
    {
        await Browser.CloseContextsAsync();
        await DashboardBrowser.DeleteAppsAsync(Api, Apps);
        Apps.Clear();
        Browser.TakeProblems().Should().BeEmpty("the dashboard runs without script errors or CSP violations");
    }
}
