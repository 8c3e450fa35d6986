using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Store;

/// <summary>
/// The candidate lookup of online linking: which stored records share each of a batch's blocking keys,
/// for the keys no more than a block limit of records share. One statement per batch, written per store
/// because EF cannot read the position of a value in a list parameter: rows come back as (position of
/// the key in the list, record id), two integers, instead of the key's text again on every row.
/// </summary>
public static class BlockingKeyLookup
{
    // Each key's index entries are read once, at most limit + 1 of them, and a key that has more than the
    // limit is dropped here: a national "zhang wei|1985" block is never read whole, and a small block is
    // not probed twice (once to count it, once to join it), which halved the lookup on PostgreSQL.
    // SQLite has no LATERAL join: a correlated subquery folds each key's ids into one text value.
    private const string SqliteSql = """
        SELECT k."key", (SELECT group_concat(c."SourceRecordId") FROM (SELECT "SourceRecordId" FROM "BlockingKeys" WHERE "Key" = k."value" LIMIT @limit) AS c)
        FROM json_each(@keys) AS k
        """;

    private const string PostgresSql = """
        SELECT k.ord - 1, b."SourceRecordId"
        FROM unnest(@keys) WITH ORDINALITY AS k(value, ord)
        CROSS JOIN LATERAL (SELECT c."SourceRecordId" FROM "BlockingKeys" AS c WHERE c."Key" = k.value LIMIT @limit) AS b
        """;

    private const string SqlServerSql = """
        SELECT CAST(k.[key] AS int), b.[SourceRecordId]
        FROM OPENJSON(@keys) AS k
        CROSS APPLY (SELECT TOP (@limit) c.[SourceRecordId] FROM [BlockingKeys] AS c WHERE c.[Key] = CAST(k.[value] AS nvarchar(80))) AS b
        """;

    /// <summary>(index into <paramref name="keys"/>, source record id) of every record under a selective key.</summary>
    public static async Task<List<(int KeyIndex, long SourceRecordId)>> SelectiveRowsAsync(
        ExchangeDbContext db, IReadOnlyList<string> keys, int maxBlock, CancellationToken cancellationToken)
    {
        var rows = new List<(int, long)>();
        if (keys.Count == 0)
        {
            return rows;
        }

        var postgres = db.Database.IsNpgsql();
        var sqlite = db.Database.IsSqlite();
        await using var command = StoreBulk.Command(db, postgres ? PostgresSql : sqlite ? SqliteSql : SqlServerSql);
        if (postgres)
        {
            command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.ToArray() });
        }
        else
        {
            AddParameter(command, "@keys", JsonSerializer.Serialize(keys));
        }

        AddParameter(command, postgres ? "limit" : "@limit", maxBlock + 1);
        var blocks = new Dictionary<int, List<long>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                if (sqlite)
                {
                    if (!reader.IsDBNull(1))
                    {
                        blocks[key] = ParseIds(reader.GetString(1));
                    }
                }
                else
                {
                    (blocks.TryGetValue(key, out var block) ? block : blocks[key] = []).Add(reader.GetInt64(1));
                }
            }
        }

        foreach (var (key, block) in blocks)
        {
            if (block.Count <= maxBlock)
            {
                rows.AddRange(block.Select(id => (key, id)));
            }
        }

        return rows;
    }

    private static List<long> ParseIds(string ids)
    {
        var parsed = new List<long>();
        foreach (var range in ids.AsSpan().Split(','))
        {
            parsed.Add(long.Parse(ids.AsSpan()[range], System.Globalization.CultureInfo.InvariantCulture));
        }

        return parsed;
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
