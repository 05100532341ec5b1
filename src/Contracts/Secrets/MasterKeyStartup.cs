using Npgsql;

namespace PersonalCloud.Contracts.Secrets;

/// <summary>The edge of <see cref="MasterKeyGuard"/>: reads what the database holds, resolves the key, records its id. Both processes call it at start.</summary>
public static class MasterKeyStartup
{
    public static MasterKey Load(NpgsqlDataSource db, string? base64, string filePath, TimeProvider time)
    {
        using var connection = db.OpenConnection();
        var key = MasterKeyGuard.Resolve(base64, filePath, ReadCensus(connection));
        if (!Record(connection, key, time))
            return key;
        // Two first starts may race: the id recorded first is the one both must use.
        return MasterKeyGuard.Resolve(base64, filePath, ReadCensus(connection));
    }

    private static SealedValuesCensus ReadCensus(NpgsqlConnection connection) =>
        new(ReadRecordedKeyId(connection), CountSealedValues(connection));

    private static string? ReadRecordedKeyId(NpgsqlConnection connection)
    {
        try
        {
            using var recorded = new NpgsqlCommand(MasterKeyGuard.RecordedKeyIdSql, connection);
            return recorded.ExecuteScalar() as string;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // A schema older than migration 0005 (the ControlPlane migrates it): nothing recorded yet.
            return null;
        }
    }

    private static Dictionary<string, long> CountSealedValues(NpgsqlConnection connection)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            using var census = new NpgsqlCommand(MasterKeyGuard.CensusSql, connection);
            using var reader = census.ExecuteReader();
            while (reader.Read())
                values[reader.GetString(0)] = reader.GetInt64(1);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // An empty database the ControlPlane has not migrated yet (the reconciler started first): no value sealed.
        }

        return values;
    }

    private static bool Record(NpgsqlConnection connection, MasterKey key, TimeProvider time)
    {
        try
        {
            using var record = new NpgsqlCommand(MasterKeyGuard.RecordKeyIdSql, connection);
            record.Parameters.AddWithValue(key.Id);
            record.Parameters.AddWithValue(time.GetUtcNow());
            return record.ExecuteNonQuery() == 0;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return false;
        }
    }
}
