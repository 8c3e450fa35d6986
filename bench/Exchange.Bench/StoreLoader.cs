using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts.V1;
using Exchange.Names;
using Exchange.Reconciliation.Persons;
using Exchange.Store;
using Exchange.Validation;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Bench;

/// <summary>
/// The rows the hub writes for pushed records (a version, the current source record, a person, its link,
/// the blocking keys and a person event per record), built outside any timing and then written straight
/// into the SQLite store: multi-row INSERTs, one transaction per batch, the hub's connection settings
/// (WAL, synchronous=FULL). No hub, no EF, no linking decisions (each record founds its own person, or
/// takes a given one). Serves as the storage ceiling of the ingest benchmark and as the fast way to
/// seed a store of a million persons for the query benchmark.
/// </summary>
internal static class StoreLoader
{
    // SQLite looks a named parameter up by a linear scan, so a statement's cost grows with the square of its
    // parameter count: about 400 per statement (as BulkInserts' 200 two-column rows) keeps that negligible.
    private const int ParametersPerStatement = 120;

    /// <summary>One record's rows, ids assigned; <paramref name="Name"/> is the name a new current record adds to its count.</summary>
    internal sealed record Rows(object?[] Version, object?[]? Source, object?[]? Person, object?[]? Link, object?[]? Event, List<object?[]> Keys, string? Name = null);

    private static readonly (string Table, string[] Columns)[] Tables =
    [
        ("RecordVersions", ["Id", "SourceSystem", "RecordId", "Version", "Kind", "NationalId", "Division", "Retracted", "ContentHash", "Payload", "Flags", "BatchId", "StoredAtUtc"]),
        ("SourceRecords", ["Id", "SourceSystem", "RecordId", "Kind", "Version", "NationalId", "Division", "Retracted", "VersionRowId", "NameKey", "NamePinyin", "SurnamePinyin",
            "Gender", "BirthDate", "ResidenceDivision", "Deceased", "DeathDate", "Scheme", "EnrollmentStatus", "StartDate", "EndDate"]),
        ("Persons", ["Id", "NationalId", "Name", "Gender", "BirthDate", "HukouDivision", "ResidenceDivision", "Division", "InRegister", "Deceased", "DeathDate", "RecordCount",
            "Migrant", "ActiveEndowmentCount", "ActiveEndowmentProvinces", "ActiveEnrollmentCount", "MergedIntoId", "CreatedAtUtc", "UpdatedAtUtc"]),
        ("RecordLinks", ["SourceRecordId", "PersonId", "Method", "Weight", "Levels", "MatchedSourceRecordId", "RuleVersion", "ModelVersion", "LinkedAtUtc", "Sticky", "DecidedBy"]),
        ("PersonEvents", ["PersonId", "Kind", "Division", "Detail", "CreatedAtUtc"]),
        ("BlockingKeys", ["Key", "SourceRecordId"]),
    ];

    /// <summary>Builds the rows of a stream of envelopes from one source; a record's later versions add a version row only.</summary>
    public sealed class Builder(string sourceSystem, long firstId = 1)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly string _now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        private long _nextId = firstId;

        public long NextId => _nextId;

        public Rows Build(RecordEnvelope envelope, string batchId)
        {
            var id = _nextId++;
            var register = envelope.BodyCase == RecordEnvelope.BodyOneofCase.Register;
            var kind = register ? StoredRecordKind.Register : StoredRecordKind.Enrollment;
            var rawId = register ? envelope.Register.NationalId : envelope.Enrollment.NationalId;
            var nationalId = rawId.Length == 0 ? string.Empty : NationalId.Parse(rawId, DateOnly.FromDateTime(DateTime.UtcNow)).Value?.Normalized ?? NationalId.Clean(rawId);
            var division = register ? envelope.Register.HukouDivision : envelope.Enrollment.InsuredDivision;
            var payload = envelope.ToByteArray();
            var version = new object?[] { id, sourceSystem, envelope.RecordId, envelope.Version, (int)kind, nationalId, division, envelope.Retracted, SHA256.HashData(payload), payload, string.Empty, batchId, _now };
            if (!_seen.Add(envelope.RecordId))
            {
                return new Rows(version, null, null, null, null, []);
            }

            var name = ChineseName.Normalize(register ? envelope.Register.Name : envelope.Enrollment.Name);
            var gender = (int)(register ? envelope.Register.Gender : envelope.Enrollment.Gender);
            var birth = Day(register ? envelope.Register.BirthDate : envelope.Enrollment.BirthDate);
            var residence = register ? envelope.Register.ResidenceDivision : string.Empty;
            var deceased = register && envelope.Register.VitalStatus == VitalStatus.Deceased;
            var death = register ? Day(envelope.Register.DeathDate) : null;
            var source = new object?[]
            {
                id, sourceSystem, envelope.RecordId, (int)kind, envelope.Version, nationalId, division, envelope.Retracted, id, name, ChineseName.ToPinyin(name), ChineseName.SurnamePinyin(name),
                gender, Text(birth), residence, deceased, Text(death), register ? 0 : (int)envelope.Enrollment.Scheme, register ? 0 : (int)envelope.Enrollment.Status,
                register ? null : Text(Day(envelope.Enrollment.StartDate)), register ? null : Text(Day(envelope.Enrollment.EndDate)),
            };
            var person = new object?[]
            {
                id, nationalId, name, gender, Text(birth), register ? division : string.Empty, residence, division, register, deceased, Text(death), 1,
                register && residence.Length > 0 && residence != division, 0, 0, 0, null, _now, _now,
            };
            var link = new object?[] { id, id, "new", 0.0, string.Empty, null, PersonLinkage.RuleVersion, 0, _now, false, null };
            var personEvent = new object?[] { id, PersonEventKinds.Created, division, $"{sourceSystem}/{envelope.RecordId}", _now };
            var record = PersonRecord.Create(id, register ? RecordRole.Register : RecordRole.Enrollment, nationalId, name, gender, birth, division, residence);
            var keys = PersonLinkage.BlockingKeys(record).OfType<string>().Select(k => new object?[] { k, id }).ToList();
            return new Rows(version, source, person, link, personEvent, keys, envelope.Retracted || name.Length == 0 ? null : name);
        }

        private static DateOnly? Day(Date? date) => date is null || date.Year == 0 ? null : new DateOnly(date.Year, date.Month, date.Day);

        private static string? Text(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>How rows are sent: multi-row INSERT statements, or one prepared single-row INSERT per table reused for every row.</summary>
    public enum Method
    {
        MultiRow,
        Prepared,
    }

    /// <summary>Writes one batch of rows in one transaction.</summary>
    public static async Task WriteBatchAsync(SqliteConnection connection, IReadOnlyList<Rows> batch, Method method = Method.MultiRow)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var columns = Split(batch);
        for (var t = 0; t < Tables.Length; t++)
        {
            if (method == Method.MultiRow)
            {
                await InsertAsync(connection, transaction, Tables[t].Table, Tables[t].Columns, columns[t]);
            }
            else
            {
                await InsertPreparedAsync(connection, transaction, Tables[t].Table, Tables[t].Columns, columns[t]);
            }
        }

        // The name counts, as the record writer keeps them: one upsert per name of the batch.
        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = StoreBulk.SqliteNameCountUpsert;
            var name = upsert.Parameters.Add(new SqliteParameter { ParameterName = "@p0" });
            var count = upsert.Parameters.Add(new SqliteParameter { ParameterName = "@p1" });
            upsert.Prepare();
            foreach (var (key, added) in NameCounts(batch))
            {
                name.Value = key;
                count.Value = added;
                await upsert.ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
    }

    /// <summary>
    /// Writes one batch into PostgreSQL in one transaction, each table by one binary COPY (as the store's
    /// PostgresBulk path writes a pushed batch). Values are converted to each column's type as the database
    /// reports it (the rows are built with SQLite's text dates and timestamps).
    /// </summary>
    public static async Task WriteBatchPostgresAsync(NpgsqlConnection connection, IReadOnlyList<Rows> batch, Dictionary<string, string> columnTypes)
    {
        if (columnTypes.Count == 0)
        {
            await using var query = new NpgsqlCommand("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()", connection);
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columnTypes[reader.GetString(0) + "." + reader.GetString(1)] = reader.GetString(2);
            }
        }

        await using var transaction = await connection.BeginTransactionAsync();
        var columns = Split(batch);
        for (var t = 0; t < Tables.Length; t++)
        {
            if (columns[t].Count == 0)
            {
                continue;
            }

            var (table, names) = Tables[t];
            var types = names.Select(c => columnTypes.TryGetValue(table + "." + c, out var type) ? type : throw new InvalidOperationException($"No column {table}.{c} in PostgreSQL.")).ToArray();
            await using var importer = await connection.BeginBinaryImportAsync(
                $"COPY \"{table}\" ({string.Join(", ", names.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)");
            foreach (var row in columns[t])
            {
                await importer.StartRowAsync();
                for (var c = 0; c < names.Length; c++)
                {
                    await WritePostgresAsync(importer, row[c], types[c]);
                }
            }

            await importer.CompleteAsync();
        }

        // The name counts, as PostgresBulk keeps them: one upsert statement per batch.
        var counts = NameCounts(batch);
        await using (var upsert = new NpgsqlCommand(PostgresBulk.NameCountUpsert, connection, transaction))
        {
            upsert.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = counts.Select(c => c.Key).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("counts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = counts.Select(c => c.Value).ToArray() });
            await upsert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static Task WritePostgresAsync(NpgsqlBinaryImporter importer, object? value, string type)
    {
        if (value is null)
        {
            return importer.WriteNullAsync();
        }

        return type switch
        {
            "bigint" => importer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint),
            "integer" => importer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer),
            "smallint" => importer.WriteAsync(Convert.ToInt16(value, CultureInfo.InvariantCulture), NpgsqlDbType.Smallint),
            "boolean" => importer.WriteAsync(Convert.ToBoolean(value, CultureInfo.InvariantCulture), NpgsqlDbType.Boolean),
            "double precision" => importer.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double),
            "real" => importer.WriteAsync(Convert.ToSingle(value, CultureInfo.InvariantCulture), NpgsqlDbType.Real),
            "numeric" => importer.WriteAsync(Convert.ToDecimal(value, CultureInfo.InvariantCulture), NpgsqlDbType.Numeric),
            "bytea" => importer.WriteAsync((byte[])value, NpgsqlDbType.Bytea),
            "date" => importer.WriteAsync(DateOnly.ParseExact((string)value, "yyyy-MM-dd", CultureInfo.InvariantCulture), NpgsqlDbType.Date),
            "timestamp with time zone" => importer.WriteAsync(
                DateTime.SpecifyKind(DateTime.ParseExact((string)value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc), NpgsqlDbType.TimestampTz),
            "timestamp without time zone" => importer.WriteAsync(
                DateTime.ParseExact((string)value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), NpgsqlDbType.Timestamp),
            _ => importer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text),
        };
    }

    private static List<KeyValuePair<string, long>> NameCounts(IReadOnlyList<Rows> batch) =>
        [.. batch.Where(r => r.Name is not null).GroupBy(r => r.Name!, StringComparer.Ordinal).Select(g => KeyValuePair.Create(g.Key, (long)g.Count())).OrderBy(c => c.Key, StringComparer.Ordinal)];

    private static List<object?[]>[] Split(IReadOnlyList<Rows> batch)
    {
        var columns = new List<object?[]>[Tables.Length];
        for (var t = 0; t < Tables.Length; t++)
        {
            columns[t] = [];
        }

        foreach (var rows in batch)
        {
            columns[0].Add(rows.Version);
            if (rows.Source is not null)
            {
                columns[1].Add(rows.Source);
                columns[2].Add(rows.Person!);
                columns[3].Add(rows.Link!);
                columns[4].Add(rows.Event!);
                columns[5].AddRange(rows.Keys);
            }
        }

        return columns;
    }

    private static async Task InsertPreparedAsync(SqliteConnection connection, SqliteTransaction transaction, string table, string[] columns, List<object?[]> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter { ParameterName = $"$p{i}" })).ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            for (var c = 0; c < parameters.Length; c++)
            {
                parameters[c].Value = row[c] ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, string table, string[] columns, List<object?[]> rows)
    {
        var rowsPerStatement = Math.Max(1, ParametersPerStatement / columns.Length);
        for (var start = 0; start < rows.Count; start += rowsPerStatement)
        {
            var count = Math.Min(rowsPerStatement, rows.Count - start);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO \"").Append(table).Append("\" (").AppendJoin(", ", columns.Select(c => $"\"{c}\"")).Append(") VALUES ");
            for (var i = 0; i < count; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                var row = rows[start + i];
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"$p{i}_{c}");
                    sql.Append(c == 0 ? string.Empty : ", ").Append(name);
                    command.Parameters.AddWithValue(name, row[c] ?? DBNull.Value);
                }

                sql.Append(')');
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }
}
