using Npgsql;

namespace PersonalCloud.ControlPlane.Problems;

/// <summary>
/// The status an exception that escaped a handler is answered with: the exception handler writes it, the audit
/// records the same. Transient (503: the database does not answer, try again) or terminal (the request's own fault, or 500).
/// </summary>
public static class FailureStatus
{
    /// <summary>499 is nginx's "the client went away": nobody reads the answer.</summary>
    public const int ClientClosedRequest = 499;

    public static int Of(Exception exception, bool clientGone) => exception switch
    {
        _ when clientGone => ClientClosedRequest,
        BadHttpRequestException bad => bad.StatusCode,
        _ when IsDatabaseUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// Postgres cannot be reached or will not take work now: no connection (refused, reset, timed out, pool exhausted),
    /// a connection error (class 08), shutting down or starting (57P01-57P03), or out of connections (53300).
    /// A query Postgres answered with an error is not this: that is a fault to fix, answered 500.
    /// </summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                case NpgsqlException:
                    return true;
            }
        }

        return false;
    }
}
