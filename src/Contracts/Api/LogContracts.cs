namespace PersonalCloud.Contracts.Api;

/// <summary>How the collector treats an app's logs. Null retention bounds mean "the platform's default".</summary>
/// <param name="MaskSecretsInLogs">Replace the app's env values with *** in collected lines (default true).</param>
public sealed record LogSettingsResponse(bool MaskSecretsInLogs, LogRetentionSettings Retention);

/// <param name="Lines">Keep at most this many of the newest lines (100 to 10,000,000).</param>
/// <param name="Hours">Keep lines at most this many hours (1 to 8760).</param>
public sealed record LogRetentionSettings(int? Lines = null, int? Hours = null);

/// <summary>PUT replaces all settings: an omitted field goes back to its default (masking on, platform retention).</summary>
public sealed record UpdateLogSettingsRequest(bool? MaskSecretsInLogs = null, LogRetentionSettings? Retention = null);
