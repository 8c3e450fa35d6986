using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Coverage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ActiveEndowmentCount",
                table: "Persons",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "ActiveEndowmentProvinces",
                table: "Persons",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "ActiveEnrollmentCount",
                table: "Persons",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "Migrant",
                table: "Persons",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_Persons_InRegister_Deceased_ActiveEndowmentCount",
                table: "Persons",
                columns: new[] { "InRegister", "Deceased", "ActiveEndowmentCount" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Persons_InRegister_Deceased_ActiveEndowmentCount",
                table: "Persons");

            migrationBuilder.DropColumn(
                name: "ActiveEndowmentCount",
                table: "Persons");

            migrationBuilder.DropColumn(
                name: "ActiveEndowmentProvinces",
                table: "Persons");

            migrationBuilder.DropColumn(
                name: "ActiveEnrollmentCount",
                table: "Persons");

            migrationBuilder.DropColumn(
                name: "Migrant",
                table: "Persons");
        }
    }
}
