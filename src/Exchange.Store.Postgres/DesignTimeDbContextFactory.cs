using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Exchange.Store.Postgres;

/// <summary>Lets `dotnet ef migrations add` build the PostgreSQL model; no server is contacted.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ExchangeDbContext>
{
    public ExchangeDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ExchangeDbContext>();
        StoreSetup.Configure(options, new StoreConnection(StoreProvider.Postgres, "Host=localhost;Database=design"));
        return new ExchangeDbContext(options.Options);
    }
}
