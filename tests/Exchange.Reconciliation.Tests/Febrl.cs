namespace Exchange.Reconciliation.Tests;

/// <summary>A FEBRL benchmark record; rec-N-org and rec-N-dup-K with the same N are one entity.</summary>
public sealed record FebrlRecord(
    string Id, int Entity, string GivenName, string Surname, string StreetNumber, string Address1, string Address2,
    string Suburb, string Postcode, string State, string DateOfBirth, string SocSecId);

/// <summary>Reads the FEBRL files from the shared data folder (never copied into the repository).</summary>
public static class Febrl
{
    public static string? DataDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FEBRL_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        // ../shared/data/febrl next to the checkout, as the developers' guide lays it out.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "data", "febrl");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static List<FebrlRecord> Load(string fileName)
    {
        var directory = DataDirectory() ?? throw new DirectoryNotFoundException(
            "FEBRL data not found: set FEBRL_DATA or place shared/data/febrl above the checkout.");
        var records = new List<FebrlRecord>();
        foreach (var line in File.ReadLines(Path.Combine(directory, fileName)).Skip(1))
        {
            var f = line.Split(',').Select(v => v.Trim()).ToArray();
            var id = f[0];
            var entity = int.Parse(id.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
            records.Add(new FebrlRecord(id, entity, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]));
        }

        return records;
    }

    /// <summary>True pairs within one file (deduplication), smaller index first.</summary>
    public static HashSet<long> TruePairs(IReadOnlyList<FebrlRecord> records) => Clustering.PairsOf(records.Select(r => r.Entity).ToArray());

    /// <summary>True pairs across two files (linkage).</summary>
    public static HashSet<long> TruePairs(IReadOnlyList<FebrlRecord> left, IReadOnlyList<FebrlRecord> right)
    {
        var rightByEntity = Enumerable.Range(0, right.Count).ToLookup(j => right[j].Entity);
        var pairs = new HashSet<long>();
        for (var i = 0; i < left.Count; i++)
        {
            foreach (var j in rightByEntity[left[i].Entity])
            {
                pairs.Add(Blocking.Pack(i, j));
            }
        }

        return pairs;
    }

    /// <summary>The FEBRL field configuration of the linkage engine.</summary>
    public static LinkageSpec<FebrlRecord> Spec { get; } = new(
        [
            new("given_name", ["disagree", "similar", "very similar", "exact"], (a, b) => Names(a.GivenName, b.GivenName, a.Surname, b.Surname), r => r.GivenName),
            new("surname", ["disagree", "similar", "very similar", "exact"], (a, b) => Names(a.Surname, b.Surname, a.GivenName, b.GivenName), r => r.Surname),
            new("street_number", ["disagree", "exact"], (a, b) => Exact(a.StreetNumber, b.StreetNumber)),
            new("address_1", ["disagree", "similar", "exact"], (a, b) => Similar(a.Address1, b.Address1, 0.85)),
            new("address_2", ["disagree", "similar", "exact"], (a, b) => Similar(a.Address2, b.Address2, 0.85)),
            new("suburb", ["disagree", "similar", "exact"], (a, b) => Similar(a.Suburb, b.Suburb, 0.88)),
            new("postcode", ["disagree", "one edit", "exact"], (a, b) => Edits(a.Postcode, b.Postcode)),
            new("state", ["disagree", "exact"], (a, b) => Exact(a.State, b.State)),
            new("date_of_birth", ["disagree", "one edit", "exact"], (a, b) => Edits(a.DateOfBirth, b.DateOfBirth)),
            new("soc_sec_id", ["disagree", "one edit", "exact"], (a, b) => Edits(a.SocSecId, b.SocSecId)),
        ],
        [
            new("soc_sec_id", r => r.SocSecId),
            new("date_of_birth", r => r.DateOfBirth),
            new("surname+postcode", r => Join(r.Surname, r.Postcode)),
            new("given_name+surname", r => Join(r.GivenName, r.Surname)),
            new("postcode+street_number", r => Join(r.Postcode, r.StreetNumber)),
            new("given_name+suburb", r => Join(r.GivenName, r.Suburb)),
            new("surname+date_of_birth year", r => Join(r.Surname, r.DateOfBirth.Length >= 4 ? r.DateOfBirth[..4] : "")),
        ]);

    private static string? Join(string a, string b) => a.Length == 0 || b.Length == 0 ? null : a + "|" + b;

    private static int Exact(string a, string b) => a.Length == 0 || b.Length == 0 ? Comparison<FebrlRecord>.Missing : a == b ? 1 : 0;

    private static int Similar(string a, string b, double threshold)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return Comparison<FebrlRecord>.Missing;
        }

        return a == b ? 2 : StringMetrics.JaroWinkler(a, b) >= threshold ? 1 : 0;
    }

    // Given name and surname swapped in a duplicate count as exact: FEBRL injects such swaps.
    private static int Names(string a, string b, string otherA, string otherB)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return Comparison<FebrlRecord>.Missing;
        }

        if (a == b || (a == otherB && b == otherA))
        {
            return 3;
        }

        var similarity = StringMetrics.JaroWinkler(a, b);
        return similarity >= 0.92 ? 2 : similarity >= 0.8 ? 1 : 0;
    }

    private static int Edits(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return Comparison<FebrlRecord>.Missing;
        }

        return a == b ? 2 : StringMetrics.EditDistance(a, b, 1) <= 1 ? 1 : 0;
    }
}
