namespace Exchange.Synthetic;

/// <summary>What was generated, for a CLI to print. Records count record ids; rows count CSV lines (two for an updated record).</summary>
public sealed record GenerationSummary(
    int People,
    int InRegister,
    int Deceased,
    int Migrants,
    int Eligible,
    int Covered,
    int Gap,
    int MultiRegion,
    int DeceasedWithActiveEndowment,
    int RegisterRecords,
    int RegisterRows,
    int EnrollmentRecords,
    int EnrollmentRows,
    IReadOnlyDictionary<string, int> Faults);

internal sealed class SummaryBuilder(int people)
{
    private readonly Dictionary<string, int> _faults = CsvTokens.AllFaultNames.ToDictionary(name => name, _ => 0);
    private int _inRegister;
    private int _deceased;
    private int _migrants;
    private int _eligible;
    private int _covered;
    private int _gap;
    private int _multiRegion;
    private int _deceasedWithActiveEndowment;
    private int _registerRecords;
    private int _registerRows;
    private int _enrollmentRecords;
    private int _enrollmentRows;

    public void AddRegister(RegisterRow row, bool isNewRecord)
    {
        _registerRows++;
        if (isNewRecord)
        {
            _registerRecords++;
            CountFaults(row.Faults);
        }
    }

    public void AddEnrollment(EnrollmentRow row, bool isNewRecord)
    {
        _enrollmentRows++;
        if (isNewRecord)
        {
            _enrollmentRecords++;
            CountFaults(row.Faults);
        }
    }

    public void AddPerson(PersonTruth person)
    {
        _inRegister += person.InRegister ? 1 : 0;
        _deceased += person.Alive ? 0 : 1;
        _migrants += person.Migrant ? 1 : 0;
        _eligible += person.Eligible ? 1 : 0;
        _covered += person.Covered ? 1 : 0;
        _gap += person.Gap ? 1 : 0;
        _multiRegion += person.MultiRegion ? 1 : 0;
        _deceasedWithActiveEndowment += person.DeceasedWithActiveEndowment ? 1 : 0;
    }

    public GenerationSummary Build() => new(
        people, _inRegister, _deceased, _migrants, _eligible, _covered, _gap, _multiRegion, _deceasedWithActiveEndowment,
        _registerRecords, _registerRows, _enrollmentRecords, _enrollmentRows,
        new SortedDictionary<string, int>(_faults, StringComparer.Ordinal));

    private void CountFaults(RecordFaults faults)
    {
        foreach (var name in faults.Names())
        {
            _faults[name]++;
        }
    }
}
