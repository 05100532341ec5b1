using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Processes;

/// <summary>
/// The app's release command: run once per new release (deploy, env or process change, rollback) before its processes
/// start. Setting it makes no release: the next one runs it.
/// </summary>
public static class ReleaseCommandEndpoints
{
    public static RouteGroupBuilder MapReleaseCommand(this RouteGroupBuilder api)
    {
        var app = api.MapGroup("/apps/{id:guid}/release-command").WithTags("Processes");
        app.MapGet("/", Get).WithName("getReleaseCommand")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPut("/", Set).WithName("setReleaseCommand")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapDelete("/", Clear).WithName("clearReleaseCommand")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Get the release command</summary>
    /// <remarks>The command run once per new release before its processes start: the app's own, else its Procfile's release entry (source says which), with its timeout.</remarks>
    internal static async Task<Results<Ok<ReleaseCommandResponse>, ProblemHttpResult>> Get(Guid id, NpgsqlDataSource db, CancellationToken ct) =>
        await ReadAsync(db, id, ct) is { } response ? TypedResults.Ok(response) : ProblemTypes.NotFound("The app");

    /// <summary>Set the release command</summary>
    /// <remarks>E.g. {"command": "./migrate", "timeoutSeconds": 600}. Makes no release: the next deploy, env or process change or rollback runs it; if it fails or times out that release fails with its output and the old one keeps serving.</remarks>
    internal static async Task<Results<Ok<ReleaseCommandResponse>, ValidationProblem, ProblemHttpResult>> Set(
        Guid id, ReleaseCommandRequest? request, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check("command", request?.Command is null ? "Give the command: {\"command\": \"./migrate\"} (DELETE removes it)." : ProcessRules.Command(request.Command))
            .Check("timeoutSeconds", ProcessRules.ReleaseCommandTimeout(request?.TimeoutSeconds));
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());
        return await WriteAsync(db, id, request!.Command, request.TimeoutSeconds ?? ProcessLimits.DefaultReleaseCommandTimeoutSeconds, ct);
    }

    /// <summary>Remove the release command</summary>
    /// <remarks>The next release runs none (a Procfile release entry still applies).</remarks>
    internal static async Task<Results<Ok<ReleaseCommandResponse>, ValidationProblem, ProblemHttpResult>> Clear(Guid id, NpgsqlDataSource db, CancellationToken ct) =>
        await WriteAsync(db, id, null, ProcessLimits.DefaultReleaseCommandTimeoutSeconds, ct);

    private static async Task<Results<Ok<ReleaseCommandResponse>, ValidationProblem, ProblemHttpResult>> WriteAsync(
        NpgsqlDataSource db, Guid id, string? command, int timeoutSeconds, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE apps SET release_command = @command, release_command_timeout_seconds = @timeoutSeconds WHERE id = @id",
            new { id, command, timeoutSeconds }, cancellationToken: ct));
        if (updated == 0)
            return ProblemTypes.NotFound("The app");
        return TypedResults.Ok((await ReadAsync(db, id, ct))!);
    }

    /// <summary>The app's command, else the Procfile <c>release:</c> entry of its newest release that has one.</summary>
    private static async Task<ReleaseCommandResponse?> ReadAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var app = await connection.QuerySingleOrDefaultAsync<(string? Command, int Timeout, string? Procfile)?>(new CommandDefinition(
            """
            SELECT a.release_command, a.release_command_timeout_seconds,
                   (SELECT r.procfile::text FROM releases r WHERE r.id IN (a.desired_release_id, a.current_release_id) AND r.procfile IS NOT NULL
                    ORDER BY r.created_at DESC LIMIT 1)
            FROM apps a WHERE a.id = @id
            """, new { id }, cancellationToken: ct));
        if (app is not { } row)
            return null;
        var fromProcfile = Procfile.FromJson(row.Procfile)?.ReleaseCommand;
        var command = ProcessFormation.ReleaseCommand(row.Command, Procfile.FromJson(row.Procfile));
        return new ReleaseCommandResponse(command, row.Timeout, row.Command is not null ? "api" : fromProcfile is not null ? "procfile" : null);
    }
}
