using System.Globalization;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>Reads the engine's responses back into observed state, through the labels the platform stamped.</summary>
public static class DockerObservedState
{
    /// <summary>Null when the app id label is missing or unreadable: such a container is not the platform's to judge.</summary>
    public static ObservedContainer? ToObserved(ContainerListResponse container)
    {
        var labels = container.Labels;
        if (ParseGuid(labels, ContainerLabels.AppId) is not { } appId)
        {
            return null;
        }

        // Only the app network is attached, so the first address is the one traffic goes to.
        var ip = container.NetworkSettings?.Networks?.Values
            .Select(n => n.IPAddress)
            .FirstOrDefault(a => !string.IsNullOrEmpty(a));
        return new ObservedContainer(
            container.ID,
            container.Names?.FirstOrDefault()?.TrimStart('/') ?? container.ID,
            appId,
            ParseGuid(labels, ContainerLabels.ReleaseId),
            labels.TryGetValue(ContainerLabels.SpecHash, out var hash) ? hash : string.Empty,
            ParseState(container.State),
            ParseExitCode(container.Status),
            ip,
            new DateTimeOffset(Utc(container.Created))) with
        {
            Process = ProcessOf(labels), Replica = ReplicaOf(labels), Kind = KindOf(labels), ProcessKind = ProcessKindOf(labels),
        };
    }

    /// <summary>The process label; absent (a container made before processes): the default web process.</summary>
    public static string ProcessOf(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(ContainerLabels.Process, out var name) && name.Length > 0 ? name : Contracts.Processes.ProcessLimits.DefaultWebName;

    public static int ReplicaOf(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(ContainerLabels.Replica, out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : 0;

    public static string? KindOf(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(ContainerLabels.Kind, out var kind) && kind.Length > 0 ? kind : null;

    public static string ProcessKindOf(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(ContainerLabels.ProcessKind, out var kind) && kind == Contracts.Processes.ProcessKinds.Worker
            ? Contracts.Processes.ProcessKinds.Worker
            : Contracts.Processes.ProcessKinds.Web;

    /// <summary>The same view from an inspect; null when the app id label is missing or unreadable.</summary>
    public static ObservedContainer? ToObserved(ContainerInspectResponse container)
    {
        var labels = container.Config?.Labels;
        if (ParseGuid(labels, ContainerLabels.AppId) is not { } appId)
        {
            return null;
        }

        var ip = container.NetworkSettings?.Networks?.Values
            .Select(n => n.IPAddress)
            .FirstOrDefault(a => !string.IsNullOrEmpty(a));
        var state = ParseState(container.State?.Status);
        int? exitCode = state is ContainerState.Exited or ContainerState.Dead ? (int?)container.State?.ExitCode : null;
        return new ObservedContainer(
            container.ID,
            container.Name?.TrimStart('/') ?? container.ID,
            appId,
            ParseGuid(labels, ContainerLabels.ReleaseId),
            labels!.TryGetValue(ContainerLabels.SpecHash, out var hash) ? hash : string.Empty,
            state,
            exitCode,
            ip,
            new DateTimeOffset(Utc(container.Created)),
            string.IsNullOrWhiteSpace(container.State?.Error) ? null : container.State.Error,
            container.State?.OOMKilled == true) with
        {
            Process = ProcessOf(labels), Replica = ReplicaOf(labels), Kind = KindOf(labels), ProcessKind = ProcessKindOf(labels),
        };
    }

    public static ContainerEvent? ToEvent(Message message)
    {
        var attributes = message.Actor?.Attributes;
        if (message.Actor?.ID is not { } id || ParseGuid(attributes, ContainerLabels.AppId) is not { } appId)
        {
            return null;
        }

        // "exec_start: <command>" carries a command line, which may hold a secret: keep the verb only.
        var action = message.Action ?? string.Empty;
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        if (action.StartsWith("exec_", StringComparison.Ordinal) && colon > 0)
        {
            action = action[..colon];
        }

        var exitCode = attributes is not null && attributes.TryGetValue("exitCode", out var code)
            && int.TryParse(code, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : (int?)null;
        return new ContainerEvent(appId, id, action, exitCode);
    }

    /// <summary>An image as the platform runs it: its id, ports, user, and the Procfile label its build stamped.</summary>
    public static ResolvedImage ToResolved(string reference, ImageInspectResponse image) =>
        new(reference, image.ID, ExposedTcpPorts(image), image.Config?.User,
            image.Config?.Labels is { } labels && labels.TryGetValue(ContainerLabels.ImageProcfile, out var procfile)
                ? Contracts.Processes.Procfile.FromJson(procfile)
                : null);

    public static IReadOnlyList<int> ExposedTcpPorts(ImageInspectResponse image) =>
        (image.Config?.ExposedPorts?.Keys ?? [])
            .Select(ParseTcpPort)
            .OfType<int>()
            .Distinct()
            .Order()
            .ToList();

    public static ContainerState ParseState(string? state) => state switch
    {
        "created" => ContainerState.Created,
        "running" => ContainerState.Running,
        "restarting" => ContainerState.Restarting,
        "paused" => ContainerState.Paused,
        "exited" => ContainerState.Exited,
        "dead" => ContainerState.Dead,
        "removing" => ContainerState.Removing,
        _ => ContainerState.Unknown,
    };

    /// <summary>The list endpoint has no exit code field; its status reads "Exited (137) 5 seconds ago".</summary>
    public static int? ParseExitCode(string? status)
    {
        if (status is null || !status.StartsWith("Exited (", StringComparison.Ordinal))
        {
            return null;
        }

        var close = status.IndexOf(')', StringComparison.Ordinal);
        return close > 8 && int.TryParse(status.AsSpan(8, close - 8), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;
    }

    private static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static Guid? ParseGuid(IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) && Guid.TryParse(value, out var guid) ? guid : null;

    /// <summary>Why an operation failed, in the engine's own words where it gave them, not the client's wrapper text.</summary>
    public static string FailureReason(Exception error) => error is DockerApiException docker
        ? $"the container engine answered {(int)docker.StatusCode}: {ErrorMessage(docker.ResponseBody)}"
        : error.Message;

    /// <summary>The engine's {"message": "..."} error body, or the raw body when it is not that shape.</summary>
    public static string ErrorMessage(string? responseBody)
    {
        if (string.IsNullOrWhiteSpace(responseBody))
        {
            return "no reason given";
        }

        try
        {
            using var document = JsonDocument.Parse(responseBody);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString() ?? responseBody.Trim();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the raw body is the best reason there is.
        }

        return responseBody.Trim();
    }

    private static int? ParseTcpPort(string exposed)
    {
        var parts = exposed.Split('/');
        var tcp = parts.Length == 1 || string.Equals(parts[1], "tcp", StringComparison.OrdinalIgnoreCase);
        return tcp && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
    }
}
