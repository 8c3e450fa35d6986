using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Exchange.Store;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the hub.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ExchangeDbContext>
{
    public ExchangeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ExchangeDbContext>().UseSqlite("Data Source=design.db").Options);
}
