namespace PersonalCloud.ControlPlane.Hosting;

/// <summary>Limits and settings an app gets when its creator does not say otherwise (documented in the README).</summary>
public static class AppDefaults
{
    public const int MemoryMb = 256;
    public const double Cpus = 0.5;
    public const int Pids = 256;
    public const string HealthPath = "/";
    public const int HealthIntervalSeconds = 10;
    public const int HealthTimeoutSeconds = 2;
    public const int HealthyThreshold = 1;
    public const int UnhealthyThreshold = 3;
    public const int DeployDeadlineSeconds = 60;
    public const int DrainSeconds = 3;
    public const int StopTimeoutSeconds = 10;
    public const string OwnerId = "owner";
}
