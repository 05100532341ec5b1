using Microsoft.AspNetCore.Http.HttpResults;

namespace PersonalCloud.ControlPlane.Problems;

/// <summary>RFC 9457 problem details with a stable <c>type</c> per kind of error.</summary>
public static class ProblemTypes
{
    public const string Base = "https://personalcloud.dev/problems/";

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.", type: Base + "validation");

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The body is not JSON this operation can read: malformed, a wrong type, or a key given twice (see <see cref="FailureProblems"/>).</summary>
    public const string InvalidJsonType = Base + "invalid-json";

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} was not found.", type: Base + "not-found");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, type: Base + "conflict");

    /// <summary>Another app holds the hostname (its generated hostname or one of its domains); which one is not said.</summary>
    public static ProblemHttpResult HostnameTaken(string hostname, string whatToDo) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The hostname is taken.",
            detail: $"'{hostname}' already belongs to another app (as its generated hostname or one of its custom domains). {whatToDo}", type: Base + "hostname-taken");

    /// <summary>A process change that conflicts with the app's processes: the name is taken, a second web process, one only the Procfile declares.</summary>
    public static ProblemHttpResult ProcessConflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The change conflicts with the app's processes.", detail: detail,
            type: Base + "process-conflict");

    /// <summary>A volume change that conflicts with the app's volumes: the name is taken, or its mount path overlaps another's.</summary>
    public static ProblemHttpResult VolumeConflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The change conflicts with the app's volumes.", detail: detail,
            type: Base + "volume-conflict");

    /// <summary>A volume is deleted only when the caller names it again (<c>?confirm=&lt;name&gt;</c>).</summary>
    public static ProblemHttpResult VolumeDeleteUnconfirmed(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Deleting the volume '{name}' needs a confirmation.",
            detail: $"Repeat the call with ?confirm={name}. The volume is unmounted from the app's processes (a new release); its data is not "
                + "deleted at once: a final backup is taken and verified before the Docker volume is removed.",
            type: Base + "volume-delete-unconfirmed");

    /// <summary>An app with volumes is deleted only when the caller names the app again (<c>?confirm=&lt;app name&gt;</c>).</summary>
    public static ProblemHttpResult AppDeleteUnconfirmed(string appName, IReadOnlyList<string> volumes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Deleting the app '{appName}' needs a confirmation: it has volumes.",
            detail: $"The app has {volumes.Count} volume(s) ({string.Join(", ", volumes)}). Repeat the call with ?confirm={appName}. "
                + "Their data is not deleted at once: a final backup of each volume is taken and verified before its Docker volume is removed "
                + "(GET /api/volumes shows them meanwhile).",
            type: Base + "app-delete-unconfirmed");

    /// <summary>A variable's name differs only by case from one the app already has (<c>path</c> against a stored <c>PATH</c>).</summary>
    public static ProblemHttpResult EnvKeyConflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "An environment variable with that name in another case exists.", detail: detail,
            type: Base + "env-key-conflict");

    /// <summary>A run starts from the release that serves; an app that never went live has none.</summary>
    public static ProblemHttpResult NoServingRelease() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The app has no serving release to run from.",
            detail: "A run starts a fresh container from the release that serves the app: deploy it first, and wait until it is live.", type: Base + "no-serving-release");

    /// <summary>An add-on of a kind or version the platform does not run (the detail lists what it does).</summary>
    public static ProblemHttpResult AddonUnsupported(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail, type: Base + "addon-unsupported");

    /// <summary>The app already has an add-on of that kind (one per kind).</summary>
    public static ProblemHttpResult AddonExists(string kind) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The app already has a {kind} add-on.",
            detail: $"An app has at most one {kind} add-on: use the one it has (GET the app's addons), or delete it first.", type: Base + "addon-exists");

    /// <summary>A destructive call without <c>?confirm=&lt;app name&gt;</c> (or with another name).</summary>
    public static ProblemHttpResult ConfirmationRequired(string what, string appName) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Confirm {what} with the app's name.",
            detail: $"Add ?confirm={appName} to the request to go ahead. Nothing was changed.", type: Base + "confirmation-required");

    /// <summary>Only a verified backup (restored into a scratch volume and checked) can be restored.</summary>
    public static ProblemHttpResult BackupNotVerified(string state, string? reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The backup is not verified.",
            detail: $"It is {state}{(reason is null ? "" : $" ({reason})")}: only a verified backup can be restored. Pick a verified one from GET .../backups, or back up now.",
            type: Base + "backup-not-verified");

    /// <summary>A backup of the volume is already requested or under way.</summary>
    public static ProblemHttpResult BackupUnderWay(Guid backupId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A backup of this volume is already under way.",
            detail: $"Backup {backupId} is not finished yet: follow it at GET /api/apps/{{id}}/backups/{backupId} and ask again once it has ended.",
            type: Base + "backup-under-way");

    /// <summary>Only a restore that is ready (its new volume checked file by file) can be switched in.</summary>
    public static ProblemHttpResult RestoreNotReady(string state, string? reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The restore is not ready to switch in.",
            detail: $"It is {state}{(reason is null ? "" : $" ({reason})")}. Wait until it is ready, or start a new restore.",
            type: Base + "restore-not-ready");

    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid bearer token or dashboard session is required.", type: Base + "unauthorized");

    public static ProblemHttpResult WrongSecret() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The password or token is not correct.", type: Base + "unauthorized");

    public static ProblemHttpResult Antiforgery() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The antiforgery token is missing or not valid.",
            detail: "Send the csrfToken of GET /auth/session in the X-CSRF-Token header; fetch a new one after login or logout.", type: Base + "antiforgery");

    public static ProblemHttpResult TooManyAttempts() =>
        TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many login attempts; try again in a minute.", type: Base + "too-many-requests");

    public static ProblemHttpResult TooManyAnonymousRequests() =>
        TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests without a token or session from this address; try again later.",
            detail: "Wait the seconds Retry-After names, or sign in: the owner's calls are not limited.", type: Base + "too-many-requests");

    public static ProblemHttpResult HttpsRequired() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Sign in over HTTPS.",
            detail: "The password is accepted only over HTTPS (or from this machine on loopback): open the dashboard at its https:// address.", type: Base + "https-required");

    /// <summary>The type of a 415; the body is written by the status-code pages (see <see cref="ProblemDetailsCustomization"/>).</summary>
    public const string UnsupportedMediaTypeType = Base + "unsupported-media-type";

    /// <summary>The types of a 413 and a 503, written by the exception handler (see <see cref="FailureProblems"/>).</summary>
    public const string TooLargeType = Base + "too-large";

    public const string DatabaseUnavailableType = Base + "database-unavailable";

    public const string TooLargeDetail = "Send a smaller body: a build context leaves out what the image does not need (.dockerignore).";

    public static string TooLargeTitle(long? maxBytes) => maxBytes is { } max
        ? $"The request body is larger than this endpoint takes ({FormatBytes(max)})."
        : "The request body is larger than this endpoint takes.";

    public const string DatabaseUnavailableTitle = "The database (Postgres) does not answer; nothing can be read or changed until it is back.";

    public const string DatabaseUnavailableDetail =
        "Try again in a few seconds. GET /healthz shows each component's state; the supervisor restarts the embedded Postgres (logs/postgres.log).";

    public static ProblemHttpResult SecretUnreadable(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: $"The value of '{key}' cannot be decrypted with the loaded master key.", type: Base + "secret-unreadable");

    private static string FormatBytes(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes} bytes";
}
