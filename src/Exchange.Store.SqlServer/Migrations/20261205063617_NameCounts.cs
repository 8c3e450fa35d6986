using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Store.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class NameCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SourceRecords_NameKey_Retracted",
                table: "SourceRecords");

            migrationBuilder.CreateTable(
                name: "NameCounts",
                columns: table => new
                {
                    NameKey = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NameCounts", x => x.NameKey);
                });

            // The current records' names as they stand; from here the record writer keeps the counts.
            migrationBuilder.Sql("""
                INSERT INTO [NameCounts] ([NameKey], [Count]) SELECT [NameKey], COUNT_BIG(*) FROM [SourceRecords] WHERE [Retracted] = 0 AND [NameKey] <> N'' GROUP BY [NameKey];
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NameCounts");

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_NameKey_Retracted",
                table: "SourceRecords",
                columns: new[] { "NameKey", "Retracted" });
        }
    }
}
