using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Persons : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "BirthDate",
                table: "SourceRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "DeathDate",
                table: "SourceRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Deceased",
                table: "SourceRecords",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateOnly>(
                name: "EndDate",
                table: "SourceRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "EnrollmentStatus",
                table: "SourceRecords",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Gender",
                table: "SourceRecords",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                table: "SourceRecords",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "NamePinyin",
                table: "SourceRecords",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ResidenceDivision",
                table: "SourceRecords",
                type: "TEXT",
                maxLength: 6,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Scheme",
                table: "SourceRecords",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateOnly>(
                name: "StartDate",
                table: "SourceRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SurnamePinyin",
                table: "SourceRecords",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "BlockingKeys",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    SourceRecordId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BlockingKeys", x => new { x.Key, x.SourceRecordId });
                });

            migrationBuilder.CreateTable(
                name: "LinkageModels",
                columns: table => new
                {
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    RuleVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Parameters = table.Column<string>(type: "TEXT", nullable: false),
                    UpperThreshold = table.Column<double>(type: "REAL", nullable: false),
                    LowerThreshold = table.Column<double>(type: "REAL", nullable: false),
                    TrainedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TrainedOnRecords = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LinkageModels", x => x.Version);
                });

            migrationBuilder.CreateTable(
                name: "Persons",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NationalId = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Gender = table.Column<int>(type: "INTEGER", nullable: false),
                    BirthDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    HukouDivision = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    ResidenceDivision = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    Division = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    InRegister = table.Column<bool>(type: "INTEGER", nullable: false),
                    Deceased = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeathDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    RecordCount = table.Column<int>(type: "INTEGER", nullable: false),
                    MergedIntoId = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Persons", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReviewItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    CandidatePersonId = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Weight = table.Column<double>(type: "REAL", nullable: false),
                    Levels = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Impact = table.Column<double>(type: "REAL", nullable: false),
                    Division = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DecidedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewItems", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecordLinks",
                columns: table => new
                {
                    SourceRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    PersonId = table.Column<long>(type: "INTEGER", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Weight = table.Column<double>(type: "REAL", nullable: false),
                    Levels = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    MatchedSourceRecordId = table.Column<long>(type: "INTEGER", nullable: true),
                    RuleVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ModelVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    LinkedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Sticky = table.Column<bool>(type: "INTEGER", nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordLinks", x => x.SourceRecordId);
                    table.ForeignKey(
                        name: "FK_RecordLinks_Persons_PersonId",
                        column: x => x.PersonId,
                        principalTable: "Persons",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RecordLinks_SourceRecords_SourceRecordId",
                        column: x => x.SourceRecordId,
                        principalTable: "SourceRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_NameKey",
                table: "SourceRecords",
                column: "NameKey");

            migrationBuilder.CreateIndex(
                name: "IX_BlockingKeys_SourceRecordId",
                table: "BlockingKeys",
                column: "SourceRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_Persons_Division",
                table: "Persons",
                column: "Division");

            migrationBuilder.CreateIndex(
                name: "IX_Persons_NationalId",
                table: "Persons",
                column: "NationalId");

            migrationBuilder.CreateIndex(
                name: "IX_RecordLinks_PersonId",
                table: "RecordLinks",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewItems_SourceRecordId",
                table: "ReviewItems",
                column: "SourceRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewItems_Status_Impact",
                table: "ReviewItems",
                columns: new[] { "Status", "Impact" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BlockingKeys");

            migrationBuilder.DropTable(
                name: "LinkageModels");

            migrationBuilder.DropTable(
                name: "RecordLinks");

            migrationBuilder.DropTable(
                name: "ReviewItems");

            migrationBuilder.DropTable(
                name: "Persons");

            migrationBuilder.DropIndex(
                name: "IX_SourceRecords_NameKey",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "BirthDate",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "DeathDate",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "Deceased",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "EndDate",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "EnrollmentStatus",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "Gender",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "NameKey",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "NamePinyin",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "ResidenceDivision",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "Scheme",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "StartDate",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "SurnamePinyin",
                table: "SourceRecords");
        }
    }
}
