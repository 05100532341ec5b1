namespace PersonalCloud.Contracts.Secrets;

/// <summary>What the database holds that a master key must open: sealed values per key id, and the id recorded at first use.</summary>
public sealed record SealedValuesCensus(string? RecordedKeyId, IReadOnlyDictionary<string, long> ValuesByKeyId)
{
    public static readonly SealedValuesCensus Empty = new(null, new Dictionary<string, long>());

    public long Total => ValuesByKeyId.Values.Sum();
}

/// <summary>
/// Decides at start which master key a process may use: a missing or wrong key stops start-up when sealed values
/// exist or a key id was recorded, because a new key would leave every sealed value unreadable. Only a first start creates one.
/// </summary>
public static class MasterKeyGuard
{
    /// <summary>Rows (key_id, sealed_values): every sealed value the platform keeps, by the key id in its prefix; git_url_sealed read through to_jsonb, so it runs before migration 0010 too.</summary>
    public const string CensusSql =
        """
        SELECT split_part(s.sealed, '.', 2) AS key_id, count(*) AS sealed_values FROM (
            SELECT encrypted_value FROM environment_variables
            UNION ALL SELECT e.value FROM releases r, jsonb_each_text(r.env_snapshot) e
            UNION ALL SELECT s.sealed FROM releases r, LATERAL (SELECT to_jsonb(r) ->> 'git_url_sealed') AS s(sealed) WHERE s.sealed IS NOT NULL
        ) AS s(sealed)
        GROUP BY 1
        """;

    public const string RecordedKeyIdSql = $"SELECT value->>'id' FROM platform_state WHERE key = '{Hosting.PlatformStateKeys.MasterKey}'";

    /// <summary>Parameters $1 (key id) and $2 (now); the first process to record wins, the guard then compares against it.</summary>
    public const string RecordKeyIdSql =
        $"""
        INSERT INTO platform_state (key, value, updated_at) VALUES ('{Hosting.PlatformStateKeys.MasterKey}', jsonb_build_object('id', $1::text), $2)
        ON CONFLICT (key) DO NOTHING
        """;

    /// <summary>The key to seal and open with, or <see cref="MasterKeyRefusedException"/> saying what is wrong and what to do.</summary>
    public static MasterKey Resolve(string? base64, string filePath, SealedValuesCensus census)
    {
        var key = MasterKey.TryLoad(base64, filePath);
        if (key is null)
        {
            if (census.Total > 0 || census.RecordedKeyId is not null)
                throw new MasterKeyRefusedException(MissingMessage(filePath, census));
            return MasterKey.Create(filePath);
        }

        var otherKeys = census.ValuesByKeyId.Where(v => v.Key != key.Id).ToList();
        var expected = census.RecordedKeyId ?? otherKeys.Select(v => v.Key).FirstOrDefault();
        if ((census.RecordedKeyId is not null && census.RecordedKeyId != key.Id) || otherKeys.Count > 0)
            throw new MasterKeyRefusedException(WrongMessage(base64, filePath, key, expected!, otherKeys.Sum(v => v.Value)));
        return key;
    }

    private static string MissingMessage(string filePath, SealedValuesCensus census) =>
        $"Master key missing: PCLOUD_MASTER_KEY is not set and {filePath} does not exist, but the database holds {census.Total} sealed values"
        + $" (key id '{census.RecordedKeyId ?? census.ValuesByKeyId.Keys.First()}'). A new key could never open them, so none was created and nothing was changed."
        + $" Restore {filePath} from your backup (or set PCLOUD_MASTER_KEY to that key in base64) and start again.";

    private static string WrongMessage(string? base64, string filePath, MasterKey key, string expected, long sealedValues) =>
        $"Wrong master key: the key from {(string.IsNullOrWhiteSpace(base64) ? filePath : "PCLOUD_MASTER_KEY")} has id '{key.Id}',"
        + $" but the database's values were sealed with key '{expected}' ({sealedValues} sealed values it cannot open). Nothing was changed."
        + $" Restore the original key (the file {filePath} from your backup, or PCLOUD_MASTER_KEY) and start again.";
}

/// <summary>Start-up must stop: the message names the key's file or variable and what to do.</summary>
public sealed class MasterKeyRefusedException(string message) : Exception(message);
