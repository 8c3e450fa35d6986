using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Store.Migrations.Sqlite
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

            // WITHOUT ROWID: the name is the table's own B-tree, so a lookup or an upsert touches one tree, not
            // the key's index and then the row (EF's CreateTable has no such option).
            migrationBuilder.Sql("""
                CREATE TABLE "NameCounts" ("NameKey" TEXT NOT NULL CONSTRAINT "PK_NameCounts" PRIMARY KEY, "Count" INTEGER NOT NULL) WITHOUT ROWID;
                """);

            // The current records' names as they stand; from here the record writer keeps the counts.
            migrationBuilder.Sql("""
                INSERT INTO "NameCounts" ("NameKey", "Count") SELECT "NameKey", COUNT(*) FROM "SourceRecords" WHERE "Retracted" = 0 AND "NameKey" <> '' GROUP BY "NameKey";
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
