namespace Exchange.Synthetic.Tests;

/// <summary>A generated CSV file in memory. The generator never quotes, so splitting on commas is exact.</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string[] header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
        _columns = header.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
    }

    public string[] Header { get; }

    public List<string[]> Rows { get; }

    public static CsvTable Read(string path)
    {
        var lines = File.ReadAllLines(path);
        return new CsvTable(lines[0].Split(','), [.. lines.Skip(1).Select(line => line.Split(','))]);
    }

    public string Get(string[] row, string column) => row[_columns[column]];

    public bool Flag(string[] row, string column) => Get(row, column) switch
    {
        "true" => true,
        "false" => false,
        var other => throw new FormatException($"'{other}' in {column} is not true/false."),
    };

    /// <summary>The last (current) row of each record id, in first-seen order.</summary>
    public List<string[]> CurrentVersions()
    {
        var latest = new Dictionary<string, string[]>();
        var order = new List<string>();
        foreach (var row in Rows)
        {
            var id = Get(row, "record_id");
            if (!latest.ContainsKey(id))
            {
                order.Add(id);
            }

            latest[id] = row;
        }

        return [.. order.Select(id => latest[id])];
    }
}
