using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace PersonalCloud.Contracts.Hosting;

/// <summary>
/// How both processes (ControlPlane; Reconciler and route-dns) write their console, which run.sh relays and the
/// supervisor keeps in logs/*.log: one line per entry (an exception's stack trace included), each starting with its UTC
/// time. PCLOUD_LOG_FORMAT=json: one JSON object per line instead, with the scopes (app id, release id) as fields.
/// </summary>
public static class PlatformConsole
{
    /// <summary>ISO 8601 in UTC to the millisecond: lines of several days and several processes sort and compare.</summary>
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static ILoggingBuilder AddPlatformConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        if (string.Equals(configuration["LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = TimestampFormat;
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = TimestampFormat + " ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }

        return logging;
    }

    /// <summary>A line written before logging exists or after it is gone (a refused start), in the same shape.</summary>
    public static void WriteFatal(TextWriter writer, DateTimeOffset now, string message) =>
        writer.WriteLine($"{now.UtcDateTime.ToString(TimestampFormat, System.Globalization.CultureInfo.InvariantCulture)} crit: {message.ReplaceLineEndings(" ")}");
}
