using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Apps;

/// <summary>The settings an app is created with and can change later, checked the same way both times (limits against the host too).</summary>
public sealed class AppSettingsRules(AppLimitsRules limits)
{
    public async Task<ValidationErrors> CheckAsync(ValidationErrors errors, int? port, AppLimits? requested, string? securityProfile,
        HealthCheckSettings? health, RolloutSettings? rollout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors = (await limits.CheckAsync(errors.Check("port", ValidationRules.Port(port)), requested, ct))
            .Check("securityProfile", securityProfile is null || SecurityProfiles.IsKnown(securityProfile) ? null : "A security profile is 'default' or 'strict'.")
            .Check("healthCheck.path", ValidationRules.HealthPath(health?.Path))
            .Check("healthCheck.intervalSeconds", ValidationRules.HealthInterval(health?.IntervalSeconds))
            .Check("healthCheck.timeoutSeconds", ValidationRules.Between(health?.TimeoutSeconds, 1, 60, "A health-check timeout"))
            .Check("healthCheck.healthyThreshold", ValidationRules.Between(health?.HealthyThreshold, 1, 20, "A healthy threshold"))
            .Check("healthCheck.unhealthyThreshold", ValidationRules.Between(health?.UnhealthyThreshold, 1, 100, "An unhealthy threshold"))
            .Check("healthCheck.deployDeadlineSeconds", ValidationRules.Between(health?.DeployDeadlineSeconds, 5, 3600, "A deploy deadline"))
            .Check("rollout.drainSeconds", ValidationRules.Between(rollout?.DrainSeconds, 0, 600, "A drain period"))
            .Check("rollout.stopTimeoutSeconds", ValidationRules.Between(rollout?.StopTimeoutSeconds, 1, 600, "A stop timeout"));
        return errors;
    }
}
