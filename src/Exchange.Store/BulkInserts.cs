using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Exchange.Store;

/// <summary>
/// Multi-row INSERTs on the context's own connection and transaction, for the rows a push writes in
/// thousands (blocking keys): EF's change tracker costs more than the database does for these.
/// Standard SQL with quoted identifiers, so it runs on every provider the store supports; PostgreSQL
/// takes binary COPY instead (<see cref="PostgresBulk"/>).
/// </summary>
public static class BulkInserts
{
    private const int RowsPerStatement = 200;

    public static async Task InsertBlockingKeysAsync(ExchangeDbContext db, IReadOnlyList<(string Key, long SourceRecordId)> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (PostgresBulk.Applies(db))
        {
            await PostgresBulk.InsertAsync(db, rows.Select(r => new BlockingKey { Key = r.Key, SourceRecordId = r.SourceRecordId }).ToList(), cancellationToken);
            return;
        }

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Blocking keys are written inside the batch's transaction.");
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, rows.Count - start);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO \"BlockingKeys\" (\"Key\", \"SourceRecordId\") VALUES ");
            for (var i = 0; i < count; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append("(@k").Append(i).Append(", @r").Append(i).Append(')');
                Add(command, "@k" + i, rows[start + i].Key);
                Add(command, "@r" + i, rows[start + i].SourceRecordId);
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
