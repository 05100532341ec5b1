using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Secrets;

namespace PersonalCloud.ControlPlane.Releases;

/// <summary>At start: releases made before git URLs were sealed get their credentials sealed and their shown URL masked.</summary>
public static class GitUrlSealing
{
    public static int SealPlaintext(NpgsqlDataSource db, SecretBox secrets)
    {
        using var connection = db.OpenConnection();
        using var tx = connection.BeginTransaction();
        var rows = connection.Query<(Guid Id, Guid AppId, string GitUrl)>(
            "SELECT id, app_id, git_url FROM releases WHERE git_url IS NOT NULL AND git_url_sealed IS NULL FOR UPDATE", transaction: tx);
        var sealedCount = 0;
        foreach (var row in rows.Where(r => GitUrlCredentials.HasCredentials(r.GitUrl) && !r.GitUrl.Contains("***", StringComparison.Ordinal)))
        {
            connection.Execute("UPDATE releases SET git_url = @masked, git_url_sealed = @sealed WHERE id = @Id",
                new { row.Id, masked = GitUrlCredentials.Masked(row.GitUrl), @sealed = secrets.Seal(row.AppId, GitUrlCredentials.SealKey, row.GitUrl) }, tx);
            sealedCount++;
        }

        tx.Commit();
        return sealedCount;
    }
}
