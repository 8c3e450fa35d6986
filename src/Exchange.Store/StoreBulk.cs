using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Exchange.Store;

/// <summary>
/// Writes the rows of a pushed batch (thousands per transaction) without EF's change tracker, which costs
/// several times what the database does for them. PostgreSQL takes binary COPY (<see cref="PostgresBulk"/>);
/// SQLite and SQL Server take one prepared statement per table, reused for every row, on the context's
/// connection and open transaction. Ids are drawn by the hub under the store's writer lock
/// (<see cref="StoreSetup.LockWritersAsync"/>; on SQLite the transaction's BEGIN IMMEDIATE), so rows can
/// reference each other before they are written. Columns come from the EF model, so the writes follow
/// the migrations.
/// </summary>
public static class StoreBulk
{
    /// <summary>The next <paramref name="count"/> ids of an entity with a generated single-column key.</summary>
    public static async Task<long[]> AllocateIdsAsync<TEntity>(ExchangeDbContext db, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        if (PostgresBulk.Applies(db))
        {
            return await PostgresBulk.AllocateIdsAsync<TEntity>(db, count, cancellationToken);
        }

        var entity = db.Model.FindEntityType(typeof(TEntity))!;
        var table = Quote(entity.GetTableName()!);
        var key = Quote(entity.FindPrimaryKey()!.Properties.Single().GetColumnName());
        // SQLite's AUTOINCREMENT never reuses an id, even of a deleted row: its sqlite_sequence counts too.
        var sql = db.Database.IsSqlite()
            ? $"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{entity.GetTableName()}'), 0), COALESCE((SELECT MAX({key}) FROM {table}), 0))"
            : $"SELECT COALESCE(MAX({key}), 0) FROM {table}";
        await using var command = Command(db, sql);
        var last = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = last + 1 + i;
        }

        return ids;
    }

    /// <summary>Gives each row the next id of its table (<see cref="AllocateIdsAsync{TEntity}"/>), in list order.</summary>
    public static async Task AssignIdsAsync<TEntity>(ExchangeDbContext db, IReadOnlyList<TEntity> rows, Action<TEntity, long> setId, CancellationToken cancellationToken)
    {
        var ids = await AllocateIdsAsync<TEntity>(db, rows.Count, cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            setId(rows[i], ids[i]);
        }
    }

    /// <summary>Inserts new rows, every mapped column (keys included).</summary>
    public static async Task InsertAsync<TEntity>(ExchangeDbContext db, IReadOnlyCollection<TEntity> rows, CancellationToken cancellationToken)
        where TEntity : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (PostgresBulk.Applies(db))
        {
            await PostgresBulk.InsertAsync(db, rows, cancellationToken);
            return;
        }

        var entity = db.Model.FindEntityType(typeof(TEntity))!;
        var table = Quote(entity.GetTableName()!);
        var columns = entity.GetProperties().ToList();
        var sql = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => Quote(c.GetColumnName())))}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        // SQL Server takes explicit values in an identity column only when told to, for the session.
        var identity = db.Database.IsSqlServer() && entity.FindPrimaryKey()!.Properties.Any(p => p.ValueGenerated != ValueGenerated.Never);
        if (identity)
        {
            await ExecuteAsync(db, $"SET IDENTITY_INSERT {table} ON", cancellationToken);
        }

        await RunPreparedAsync(db, sql, columns, rows, cancellationToken);
        if (identity)
        {
            await ExecuteAsync(db, $"SET IDENTITY_INSERT {table} OFF", cancellationToken);
        }
    }

    /// <summary>
    /// The indexed columns of rows as they were read, for <see cref="UpdateAsync{TEntity}"/>: SQLite (and SQL
    /// Server) rewrite an index entry for every indexed column an UPDATE sets, changed or not, and a batch
    /// updates hundreds of persons whose indexed columns (national ID, division, coverage flags) stay as
    /// they were: each such entry is a delete, an insert and a dirty page to commit.
    /// </summary>
    public sealed class IndexedValues<TEntity>
        where TEntity : class
    {
        private readonly IReadOnlyList<IProperty> _properties;
        private readonly Dictionary<TEntity, object?[]> _asRead = new(ReferenceEqualityComparer.Instance);

        internal IndexedValues(IReadOnlyList<IProperty> properties, IEnumerable<TEntity> rows)
        {
            _properties = properties;
            foreach (var row in rows)
            {
                _asRead[row] = Values(row);
            }
        }

        internal IReadOnlyList<IProperty> Properties => _properties;

        /// <summary>Whether the row was read and none of its indexed columns has changed since.</summary>
        internal bool Unchanged(TEntity row) => _asRead.TryGetValue(row, out var before) && Values(row).SequenceEqual(before);

        private object?[] Values(TEntity row) => [.. _properties.Select(p => p.GetGetter().GetClrValue(row))];
    }

    /// <summary>Remembers the indexed columns of rows just read, before they are changed in memory.</summary>
    public static IndexedValues<TEntity> SnapshotIndexed<TEntity>(ExchangeDbContext db, IEnumerable<TEntity> rows)
        where TEntity : class
    {
        var entity = db.Model.FindEntityType(typeof(TEntity))!;
        var primary = entity.FindPrimaryKey()!.Properties;
        var indexed = entity.GetIndexes().SelectMany(i => i.Properties)
            .Concat(entity.GetKeys().Where(k => !k.IsPrimaryKey()).SelectMany(k => k.Properties))
            .Where(p => !primary.Contains(p))
            .Distinct()
            .ToList();
        return new IndexedValues<TEntity>(indexed, rows);
    }

    /// <summary>
    /// Updates rows that exist, found by their key: every other mapped column is written, except, for rows
    /// <paramref name="asRead"/> says kept their indexed columns, those columns (PostgreSQL compares the
    /// values itself and needs no help).
    /// </summary>
    public static async Task UpdateAsync<TEntity>(ExchangeDbContext db, IReadOnlyCollection<TEntity> rows, CancellationToken cancellationToken, IndexedValues<TEntity>? asRead = null)
        where TEntity : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (PostgresBulk.Applies(db))
        {
            await PostgresBulk.UpsertAsync(db, rows, cancellationToken);
            return;
        }

        var entity = db.Model.FindEntityType(typeof(TEntity))!;
        var keys = entity.FindPrimaryKey()!.Properties;
        var values = entity.GetProperties().Where(p => !keys.Contains(p)).ToList();
        var keepIndexes = new List<TEntity>();
        var all = new List<TEntity>();
        foreach (var row in rows)
        {
            (asRead?.Unchanged(row) == true ? keepIndexes : all).Add(row);
        }

        await UpdateColumnsAsync(db, entity, values, keys, all, cancellationToken);
        if (keepIndexes.Count > 0)
        {
            await UpdateColumnsAsync(db, entity, [.. values.Except(asRead!.Properties)], keys, keepIndexes, cancellationToken);
        }
    }

    private static async Task UpdateColumnsAsync<TEntity>(
        ExchangeDbContext db, IEntityType entity, List<IProperty> values, IReadOnlyList<IProperty> keys, IReadOnlyCollection<TEntity> rows, CancellationToken cancellationToken)
        where TEntity : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        List<IProperty> columns = [.. values, .. keys];
        var set = string.Join(", ", values.Select((c, i) => $"{Quote(c.GetColumnName())} = @p{i}"));
        var where = string.Join(" AND ", keys.Select((c, i) => $"{Quote(c.GetColumnName())} = @p{values.Count + i}"));
        await RunPreparedAsync(db, $"UPDATE {Quote(entity.GetTableName()!)} SET {set} WHERE {where}", columns, rows, cancellationToken);
    }

    private static async Task RunPreparedAsync<TEntity>(ExchangeDbContext db, string sql, IReadOnlyList<IProperty> columns, IEnumerable<TEntity> rows, CancellationToken cancellationToken)
        where TEntity : class
    {
        await using var command = Command(db, sql);
        var bindings = new (DbParameter Parameter, IClrPropertyGetter Get, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter)[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            // The provider's own type mapping configures each parameter as EF would (SQLite's text dates,
            // SQL Server's sizes), so the rows read back through EF unchanged.
            var mapping = columns[i].GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, "@p" + i, null, columns[i].IsNullable);
            command.Parameters.Add(parameter);
            bindings[i] = (parameter, columns[i].GetGetter(), mapping.Converter);
        }

        await command.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            foreach (var (parameter, get, converter) in bindings)
            {
                var value = get.GetClrValue(row);
                if (value is not null && converter is not null)
                {
                    value = converter.ConvertToProvider(value);
                }

                parameter.Value = value ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>SQLite's upsert of one name's change (@p0 name, @p1 change); the bench's storage ceiling writes counts with it too.</summary>
    public const string SqliteNameCountUpsert =
        """INSERT INTO "NameCounts" ("NameKey", "Count") VALUES (@p0, @p1) ON CONFLICT ("NameKey") DO UPDATE SET "Count" = "Count" + excluded."Count" """;

    /// <summary>Adds each name's change in current records to its <see cref="NameCount"/> (a row is created at the first record).</summary>
    public static async Task AddNameCountsAsync(ExchangeDbContext db, IReadOnlyDictionary<string, long> changes, CancellationToken cancellationToken)
    {
        var rows = changes.Where(c => c.Value != 0).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new NameCount { NameKey = c.Key, Count = c.Value }).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        if (PostgresBulk.Applies(db))
        {
            await PostgresBulk.AddNameCountsAsync(db, rows, cancellationToken);
            return;
        }

        var entity = db.Model.FindEntityType(typeof(NameCount))!;
        IProperty[] columns = [entity.FindProperty(nameof(NameCount.NameKey))!, entity.FindProperty(nameof(NameCount.Count))!];
        var sql = db.Database.IsSqlServer()
            ? """
              MERGE "NameCounts" WITH (HOLDLOCK) AS t USING (VALUES (@p0, @p1)) AS s ("NameKey", "Count") ON t."NameKey" = s."NameKey"
              WHEN MATCHED THEN UPDATE SET t."Count" = t."Count" + s."Count"
              WHEN NOT MATCHED THEN INSERT ("NameKey", "Count") VALUES (s."NameKey", s."Count");
              """
            : SqliteNameCountUpsert;
        await RunPreparedAsync(db, sql, columns, rows, cancellationToken);
    }

    internal static DbCommand Command(ExchangeDbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk rows are written inside the batch's transaction.");
        command.CommandText = sql;
        return command;
    }

    internal static async Task ExecuteAsync(ExchangeDbContext db, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(db, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A quoted SQL identifier, as every store the hub supports reads one.</summary>
    internal static string Quote(string identifier) => new StringBuilder("\"").Append(identifier.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
}
