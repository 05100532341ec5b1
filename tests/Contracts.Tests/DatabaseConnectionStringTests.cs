using PersonalCloud.Contracts.Hosting;

namespace PersonalCloud.Contracts.Tests;

public sealed class DatabaseConnectionStringTests
{
    [Test]
    public void Normalize_PostgresUrl_BecomesKeyValueForm() =>
        DatabaseConnectionString.Normalize("postgres://pc:p%40ss@db.internal:6543/cloud")
            .Should().Be("Host=db.internal;Port=6543;Database=cloud;Username=pc;Password=p@ss");

    [Test]
    public void Normalize_KeyValueForm_IsKeptAsIs() =>
        DatabaseConnectionString.Normalize("Host=127.0.0.1;Port=5432").Should().Be("Host=127.0.0.1;Port=5432");
}
