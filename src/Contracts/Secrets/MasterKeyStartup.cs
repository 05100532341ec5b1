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

    private static SealedValuesCensus ReadCensus(NpgsqlConnection connection)
    {
        try
        {
            using var recorded = new NpgsqlCommand(MasterKeyGuard.RecordedKeyIdSql, connection);
            var recordedId = recorded.ExecuteScalar() as string;
            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            using var census = new NpgsqlCommand(MasterKeyGuard.CensusSql, connection);
            using var reader = census.ExecuteReader();
            while (reader.Read())
                values[reader.GetString(0)] = reader.GetInt64(1);
            return new SealedValuesCensus(recordedId, values);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Schema not migrated yet (the reconciler started first): no table, so no sealed value either.
            return SealedValuesCensus.Empty;
        }
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
