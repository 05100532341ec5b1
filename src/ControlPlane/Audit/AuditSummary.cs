using System.Globalization;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Audit;

/// <summary>What the audit summary of one call is built from.</summary>
public sealed record AuditedCall(
    string Method,
    string Route,
    IReadOnlyDictionary<string, string?> RouteValues,
    string? ContentType,
    long BodyBytes,
    AuditBodyFacts Body,
    string? AppName = null);

/// <summary>
/// One line saying what a call asked for: names (app, env keys, hostnames, images, git URLs without credentials),
/// never a value that could be secret. Only fields in <see cref="AuditBodyFacts.AllowedValues"/> are ever quoted.
/// </summary>
public static class AuditSummary
{
    public const int MaxValueLength = 200;
    public const int MaxLength = 1000;
    private const int MaxNames = 50;

    public static string? Build(AuditedCall call)
    {
        var body = call.Body;
        var summary = $"{call.Method} {call.Route}" switch
        {
            "POST /api/apps" => "create app" + Part(" ", body.Value("name")) + Part(" with image ", body.Value("image")),
            "DELETE /api/apps/{id:guid}" => "delete app" + Part(" ", call.AppName ?? Route(call, "id")),
            "POST /api/apps/{id:guid}/deploy" => Deploy(call),
            "POST /api/apps/{id:guid}/restart" => "restart",
            "POST /api/apps/{id:guid}/rollback" => "roll back" + (body.Value("releaseId") is { } r ? " to release " + Clip(r) : " to the previous release"),
            "POST /api/apps/{id:guid}/env" => Env(body),
            "DELETE /api/apps/{id:guid}/env/{key}" => "remove env key: " + Clip(Route(call, "key")),
            "GET /api/apps/{id:guid}/env/{key}" => "reveal env key: " + Clip(Route(call, "key")),
            "POST /api/apps/{id:guid}/addons" => "add add-on" + Part(" ", body.Value("kind")) + Part(" ", body.Value("version")),
            "DELETE /api/apps/{id:guid}/addons/{kind}" => "delete add-on " + Clip(Route(call, "kind")),
            "GET /api/apps/{id:guid}/addons/{kind}/connection" => "reveal add-on connection: " + Clip(Route(call, "kind")),
            "POST /api/apps/{id:guid}/domains" => "add domain" + Part(" ", body.Value("hostname")),
            "DELETE /api/apps/{id:guid}/domains/{hostname}" => "remove domain " + Clip(Route(call, "hostname")),
            "PUT /api/apps/{id:guid}/log-settings" => LogSettings(body),
            // A command may hold a secret (a token on a curl line): never quoted, only the job's name and schedule.
            "POST /api/apps/{id:guid}/cron" => "create cron job" + Part(" ", body.Value("name")) + Part(" at ", body.Value("schedule")) + Part(" ", body.Value("timeZone")),
            "PUT /api/apps/{id:guid}/cron/{jobId:guid}" => "change cron job" + Part(" ", body.Value("name")) + Part(" at ", body.Value("schedule")) + Part(" ", body.Value("timeZone")),
            "DELETE /api/apps/{id:guid}/cron/{jobId:guid}" => "delete cron job " + Clip(Route(call, "jobId")),
            "POST /api/apps/{id:guid}/cron/{jobId:guid}/suspend" => "suspend cron job " + Clip(Route(call, "jobId")),
            "POST /api/apps/{id:guid}/cron/{jobId:guid}/resume" => "resume cron job " + Clip(Route(call, "jobId")),
            "POST /api/apps/{id:guid}/cron/{jobId:guid}/runs" => "run cron job " + Clip(Route(call, "jobId")) + " now",
            "POST /api/apps/{id:guid}/runs" => "start a one-off run" + Part(" as process ", body.Value("process")),
            "POST /api/apps/{id:guid}/runs/{runId:guid}/stop" or "DELETE /api/apps/{id:guid}/runs/{runId:guid}" => "stop run " + Clip(Route(call, "runId")),
            "POST /api/apps/{id:guid}/volumes" => "add volume" + Part(" ", body.Value("name")) + Part(" at ", body.Value("mountPath")),
            "DELETE /api/apps/{id:guid}/volumes/{name}" => "delete volume " + Clip(Route(call, "name")),
            "POST /api/apps/{id:guid}/volumes/{name}/backups" => "back up volume " + Clip(Route(call, "name")),
            "PUT /api/apps/{id:guid}/volumes/{name}/backup-policy" => "set backup policy of volume " + Clip(Route(call, "name")) + Part(" at ", body.Value("schedule")),
            "POST /api/apps/{id:guid}/volumes/{name}/restores" => "restore volume " + Clip(Route(call, "name")) + Part(" from backup ", body.Value("backupId")) + Part(" ", body.Value("mode")),
            "POST /api/apps/{id:guid}/volumes/{name}/restores/{restoreId:guid}/switch" => "switch volume " + Clip(Route(call, "name")) + " to restore " + Clip(Route(call, "restoreId")),
            // A mutation this class does not know yet: name the fields it sent, not their values.
            _ => body.Fields.Count > 0 ? "fields: " + Names(body.Fields) : null,
        };
        return summary is { Length: > MaxLength } ? summary[..(MaxLength - 1)] + "…" : summary;
    }

    private static string Deploy(AuditedCall call)
    {
        if (call.ContentType?.Split(';')[0].Trim() is { } type && SourceArchive.ContentTypes.Contains(type))
            return $"deploy archive upload ({call.BodyBytes.ToString(CultureInfo.InvariantCulture)} bytes)";
        if (call.Body.Value("git.url") is { } url)
            return "deploy from git " + Clip(GitUrls.WithoutCredentials(url)) + Part(" at ", call.Body.Value("git.ref"));
        if (call.Body.Value("image") is { } image)
            return "deploy image " + Clip(image);
        return call.BodyBytes == 0 ? "redeploy the current image" : "deploy";
    }

    private static string Env(AuditBodyFacts body)
    {
        if (body.VarsSet.Count == 0 && body.VarsRemoved.Count == 0)
            return "set env";
        var parts = new List<string>();
        if (body.VarsSet.Count > 0)
            parts.Add("set env keys: " + Names(body.VarsSet));
        if (body.VarsRemoved.Count > 0)
            parts.Add("remove env keys: " + Names(body.VarsRemoved));
        return string.Join("; ", parts);
    }

    private static string LogSettings(AuditBodyFacts body) =>
        "set log settings: maskSecretsInLogs=" + Clip(body.Value("maskSecretsInLogs") ?? "default")
        + ", retention.lines=" + Clip(body.Value("retention.lines") ?? "default")
        + ", retention.hours=" + Clip(body.Value("retention.hours") ?? "default");

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Select(Clip).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return string.Join(", ", list.Take(MaxNames)) + (list.Count > MaxNames ? $" and {list.Count - MaxNames} more" : "");
    }

    private static string Route(AuditedCall call, string name) => call.RouteValues.GetValueOrDefault(name) ?? "";

    private static string Part(string prefix, string? value) => string.IsNullOrEmpty(value) ? "" : prefix + Clip(value);

    private static string Clip(string value)
    {
        var oneLine = value.ReplaceLineEndings(" ");
        return oneLine.Length <= MaxValueLength ? oneLine : oneLine[..(MaxValueLength - 1)] + "…";
    }
}
