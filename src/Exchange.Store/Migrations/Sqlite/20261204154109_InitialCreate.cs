using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Clients",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RegionScope = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    Suspended = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Clients", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecordVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceSystem = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RecordId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    NationalId = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Division = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    Retracted = table.Column<bool>(type: "INTEGER", nullable: false),
                    ContentHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Flags = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    BatchId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StoredAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SourceRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceSystem = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RecordId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    NationalId = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Division = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    Retracted = table.Column<bool>(type: "INTEGER", nullable: false),
                    VersionRowId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SourceRecords", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ClientCertificates",
                columns: table => new
                {
                    Thumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", nullable: false),
                    NotBeforeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NotAfterUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevocationReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClientCertificates", x => x.Thumbprint);
                    table.ForeignKey(
                        name: "FK_ClientCertificates_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClientCertificates_ClientId",
                table: "ClientCertificates",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_ClientCertificates_SerialNumber",
                table: "ClientCertificates",
                column: "SerialNumber");

            migrationBuilder.CreateIndex(
                name: "IX_RecordVersions_SourceSystem_Id",
                table: "RecordVersions",
                columns: new[] { "SourceSystem", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_RecordVersions_SourceSystem_RecordId_Version",
                table: "RecordVersions",
                columns: new[] { "SourceSystem", "RecordId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_NationalId",
                table: "SourceRecords",
                column: "NationalId");

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_SourceSystem_RecordId",
                table: "SourceRecords",
                columns: new[] { "SourceSystem", "RecordId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_VersionRowId",
                table: "SourceRecords",
                column: "VersionRowId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClientCertificates");

            migrationBuilder.DropTable(
                name: "RecordVersions");

            migrationBuilder.DropTable(
                name: "SourceRecords");

            migrationBuilder.DropTable(
                name: "Clients");
        }
    }
}
