using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Store.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class NameKeyIndexCoversRetracted : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SourceRecords_NameKey",
                table: "SourceRecords");

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_NameKey_Retracted",
                table: "SourceRecords",
                columns: new[] { "NameKey", "Retracted" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SourceRecords_NameKey_Retracted",
                table: "SourceRecords");

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_NameKey",
                table: "SourceRecords",
                column: "NameKey");
        }
    }
}
