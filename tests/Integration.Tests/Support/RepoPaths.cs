namespace PersonalCloud.Integration.Tests.Support;

/// <summary>Where the repository and the built platform binaries are, seen from the test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>"Release" or "Debug": the configuration the tests themselves were built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string ControlPlaneDll => Path.Combine(Root, "src", "ControlPlane", "bin", Configuration, "net10.0", "PersonalCloud.ControlPlane.dll");

    public static string ReconcilerDll => Path.Combine(Root, "src", "Reconciler", "bin", Configuration, "net10.0", "PersonalCloud.Reconciler.dll");

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("PCLOUD_REPO_ROOT") is { Length: > 0 } configured)
            return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PersonalCloud.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("PersonalCloud.sln not found above " + AppContext.BaseDirectory);
    }
}
