namespace Exchange.Store;

/// <summary>The database engines the store runs on.</summary>
public enum StoreProvider
{
    /// <summary>The embedded default: one file under the hub's data folder, one writer at a time.</summary>
    Sqlite,

    /// <summary>PostgreSQL: several hub processes may share one database.</summary>
    Postgres,

    /// <summary>SQL Server: migrations are generated and compile, but no SQL Server runs where this is tested.</summary>
    SqlServer,
}

/// <summary>Settings of the store, bound from the "Store" configuration section.</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>sqlite (default), postgres or sqlserver.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The provider's connection string; for SQLite, empty means exchange.db under Hub:DataDirectory.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The settings from Store__Provider and Store__ConnectionString in the environment, for CLI tools that
    /// open the store without the hub's configuration (certs init, certs revoke); SQLite when unset.
    /// </summary>
    public static StoreOptions FromEnvironment() => new()
    {
        Provider = Environment.GetEnvironmentVariable("Store__Provider") is { Length: > 0 } provider ? provider : "sqlite",
        ConnectionString = Environment.GetEnvironmentVariable("Store__ConnectionString") ?? string.Empty,
    };

    /// <summary>The provider named by <see cref="Provider"/>, or null when the name is not one.</summary>
    public StoreProvider? ParsedProvider => Provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" => StoreProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" => StoreProvider.Postgres,
        "sqlserver" or "mssql" => StoreProvider.SqlServer,
        _ => null,
    };

    /// <summary>What is wrong with these settings, or nothing.</summary>
    public IEnumerable<string> Problems()
    {
        switch (ParsedProvider)
        {
            case null:
                yield return $"Store:Provider '{Provider}' is not one of sqlite, postgres, sqlserver.";
                break;
            case not StoreProvider.Sqlite when string.IsNullOrWhiteSpace(ConnectionString):
                yield return $"Store:ConnectionString is required for Store:Provider '{Provider}'.";
                break;
        }
    }

    /// <summary>The provider and connection string to open; SQLite falls back to the hub's data folder.</summary>
    public StoreConnection Resolve(string dataDirectory)
    {
        var provider = ParsedProvider ?? throw new InvalidOperationException(string.Join(' ', Problems()));
        return provider == StoreProvider.Sqlite && string.IsNullOrWhiteSpace(ConnectionString)
            ? new StoreConnection(provider, StoreSetup.SqliteConnectionString(dataDirectory))
            : new StoreConnection(provider, ConnectionString);
    }
}

/// <summary>A store to open: which engine, where.</summary>
public sealed record StoreConnection(StoreProvider Provider, string ConnectionString)
{
    // The connection string may carry a password; never print it.
    public override string ToString() => $"{Provider} store";
}
