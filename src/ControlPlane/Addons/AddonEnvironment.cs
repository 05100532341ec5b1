using PersonalCloud.Contracts.Addons;

namespace PersonalCloud.ControlPlane.Addons;

/// <summary>What an add-on adds to the environment a release snapshots: DATABASE_URL, unless the app sets that variable itself.</summary>
public static class AddonEnvironment
{
    /// <summary>
    /// The sealed env a new release snapshots (a JSON object, or NULL for none): the app's own variables plus each add-on's
    /// sealed DATABASE_URL (sealed under that key, so it opens like any env value). An explicit app variable of that name wins.
    /// Reads the app as <c>a</c>.
    /// </summary>
    public const string SnapshotSql = $"""
        (SELECT jsonb_object_agg(s.key, s.value) FROM (
            SELECT e.key, e.encrypted_value AS value FROM environment_variables e WHERE e.app_id = a.id
            UNION ALL
            SELECT '{AddonNames.DatabaseUrlKey}', ad.database_url_sealed FROM app_addons ad
            WHERE ad.app_id = a.id AND ad.kind = '{AddonNames.Postgres}'
              AND NOT EXISTS (SELECT 1 FROM environment_variables o WHERE o.app_id = a.id AND o.key = '{AddonNames.DatabaseUrlKey}')) s)
        """;
}
