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
    // Counting a key's records stops at the limit + 1: a national "zhang wei|1985" block is not counted
    // whole for every batch only to be dropped.
    private const string SqliteSql = """
        SELECT k."key", b."SourceRecordId"
        FROM json_each(@keys) AS k
        JOIN "BlockingKeys" AS b ON b."Key" = k."value"
        WHERE (SELECT COUNT(*) FROM (SELECT 1 FROM "BlockingKeys" AS c WHERE c."Key" = k."value" LIMIT @limit)) <= @max
        """;

    private const string PostgresSql = """
        SELECT k.ord - 1, b."SourceRecordId"
        FROM unnest(@keys) WITH ORDINALITY AS k(value, ord)
        JOIN "BlockingKeys" AS b ON b."Key" = k.value
        WHERE (SELECT count(*) FROM (SELECT 1 FROM "BlockingKeys" AS c WHERE c."Key" = k.value LIMIT @limit) AS t) <= @max
        """;

    private const string SqlServerSql = """
        SELECT CAST(k.[key] AS int), b.[SourceRecordId]
        FROM OPENJSON(@keys) AS k
        JOIN [BlockingKeys] AS b ON b.[Key] = CAST(k.[value] AS nvarchar(80))
        WHERE (SELECT COUNT(*) FROM (SELECT TOP (@limit) 1 AS one FROM [BlockingKeys] AS c WHERE c.[Key] = CAST(k.[value] AS nvarchar(80))) AS t) <= @max
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
        await using var command = StoreBulk.Command(db, postgres ? PostgresSql : db.Database.IsSqlServer() ? SqlServerSql : SqliteSql);
        if (postgres)
        {
            command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.ToArray() });
        }
        else
        {
            AddParameter(command, "@keys", JsonSerializer.Serialize(keys));
        }

        AddParameter(command, postgres ? "limit" : "@limit", maxBlock + 1);
        AddParameter(command, postgres ? "max" : "@max", maxBlock);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(1)));
        }

        return rows;
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
