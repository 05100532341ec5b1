using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Processes;

/// <summary>Checks a process as a request gives it (every field, limits against the host) and fills in the defaults.</summary>
public sealed class ProcessRequests(AppLimitsRules limits)
{
    /// <param name="prefix">Where the fields sit in the request ("" or "processes[1].").</param>
    /// <param name="name">The name from the route (a replacement), else the request's.</param>
    public async Task<(ProcessInput? Process, ValidationErrors Errors)> CheckAsync(ProcessRequest? request, string? name, string prefix, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request is null)
            return (null, errors.Check(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "Give the process as JSON: {\"name\": \"worker\", \"kind\": \"worker\", \"command\": \"...\"}."));
        name ??= request.Name;
        var kind = request.Kind ?? (name == ProcessLimits.DefaultWebName ? ProcessKinds.Web : ProcessKinds.Worker);
        errors
            .Check(prefix + "name", ProcessRules.Name(name) ?? (request.Name is { } given && given != name ? $"The body names '{given}', the path '{name}': a process is renamed by deleting it and creating another." : null))
            .Check(prefix + "kind", ProcessRules.Kind(request.Kind))
            .Check(prefix + "command", ProcessRules.Command(request.Command))
            .Check(prefix + "replicas", ProcessRules.Replicas(request.Replicas))
            .Check(prefix + "liveness.command", ProcessRules.Liveness(request.Liveness?.Command, kind))
            .Check(prefix + "updateOrder", ProcessRules.UpdateOrder(request.UpdateOrder, kind));
        var checkedLimits = await limits.CheckAsync(new ValidationErrors(), request.Limits, ct);
        foreach (var (field, messages) in checkedLimits.ToDictionary())
            errors.Check(prefix + field, messages[0]);
        if (errors.Any)
            return (null, errors);
        return (new ProcessInput(name!, kind, request.Command, request.Replicas ?? ProcessLimits.DefaultReplicas, request.Limits?.MemoryMb, request.Limits?.Cpus,
            request.Limits?.Pids, request.Liveness?.Command, request.UpdateOrder ?? UpdateOrders.StartFirst), errors);
    }
}
