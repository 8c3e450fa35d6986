using Npgsql;

namespace Exchange.Server.IntegrationTests;

/// <summary>A store for one test hub: created before the hub starts, dropped after it stops.</summary>
public interface ITestStore
{
    /// <summary>Hub configuration that points the hub at this store.</summary>
    IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Why this store cannot be had here (tests report themselves skipped), or null.</summary>
    string? Unavailable { get; }

    /// <summary>Creates the store; false when it is unavailable here.</summary>
    Task<bool> CreateAsync();

    Task DropAsync();
}

/// <summary>The embedded default: a SQLite file under the hub's data folder.</summary>
public sealed class SqliteTestStore : ITestStore
{
    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Store:Provider"] = "sqlite" };

    public string? Unavailable => null;

    public Task<bool> CreateAsync() => Task.FromResult(true);

    public Task DropAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A database of its own on the test PostgreSQL server named by <see cref="TestStores.PostgresVariable"/>
/// (an administrative connection string whose role may create databases), dropped at the end.
/// </summary>
public sealed class PostgresTestStore : ITestStore
{
    private readonly string _database = "exchange_test_" + Guid.NewGuid().ToString("N");
    private string? _connectionString;
    private string? _unavailable;

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Store:Provider"] = "postgres",
        ["Store:ConnectionString"] = _connectionString,
    };

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is not created yet.");

    public string? Unavailable => _unavailable;

    public async Task<bool> CreateAsync()
    {
        if (TestStores.PostgresAdmin() is not { } admin)
        {
            _unavailable = $"No PostgreSQL for tests: set {TestStores.PostgresVariable} (scripts/postgres-up prints one).";
            return false;
        }

        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            // C collation: strings sort by code point, as SQLite's do, whatever the server's locale.
            await using var create = new NpgsqlCommand(
                $"CREATE DATABASE \"{_database}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'", connection);
            await create.ExecuteNonQueryAsync();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _database }.ConnectionString;
        return true;
    }

    public async Task DropAsync()
    {
        if (_connectionString is null || TestStores.PostgresAdmin() is not { } admin)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

public static class TestStores
{
    /// <summary>The environment variable holding the test PostgreSQL's administrative connection string.</summary>
    public const string PostgresVariable = "EXCHANGE_TEST_POSTGRES";

    /// <summary>
    /// The connection string, or null where none is configured. In CI (CI=true) a missing PostgreSQL is
    /// an error, never a skip: the PostgreSQL variants of the suite must have run.
    /// </summary>
    public static string? PostgresAdmin()
    {
        var value = Environment.GetEnvironmentVariable(PostgresVariable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true but {PostgresVariable} is not set: .ci/run starts PostgreSQL and sets it.");
        }

        return null;
    }
}

/// <summary>A hub on the embedded SQLite store.</summary>
public sealed class SqliteHub : HubFixture
{
    protected override ITestStore TestStore { get; } = new SqliteTestStore();
}

/// <summary>A hub on a PostgreSQL database of its own.</summary>
public sealed class PostgresHub : HubFixture
{
    protected override ITestStore TestStore { get; } = new PostgresTestStore();
}
