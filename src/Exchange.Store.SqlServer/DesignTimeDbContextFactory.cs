using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Exchange.Store.SqlServer;

/// <summary>Lets `dotnet ef migrations add` build the SQL Server model; no server is contacted.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ExchangeDbContext>
{
    public ExchangeDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ExchangeDbContext>();
        StoreSetup.Configure(options, new StoreConnection(StoreProvider.SqlServer, "Server=localhost;Database=design;Trusted_Connection=True;TrustServerCertificate=True"));
        return new ExchangeDbContext(options.Options);
    }
}
