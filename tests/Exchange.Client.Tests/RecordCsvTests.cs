using Exchange.Contracts.V1;

namespace Exchange.Client.Tests;

public sealed class RecordCsvTests
{
    private static async Task<(List<RecordEnvelope> Records, List<CsvLineError> Errors)> ReadAsync(string csv)
    {
        var errors = new List<CsvLineError>();
        var records = new List<RecordEnvelope>();
        await foreach (var record in RecordCsv.ReadAsync(new StringReader(csv), errors.Add))
        {
            records.Add(record);
        }

        return (records, errors);
    }

    [Fact]
    public async Task A_register_file_becomes_register_records()
    {
        var (records, errors) = await ReadAsync(
            "record_id,version,national_id,name,gender,birth_date,hukou_division,residence_division,vital_status,death_date\n" +
            "R1,2,440106198503121237,张伟,M,1985-03-12,440106,440305,deceased,2024-02-11\n");

        Assert.Empty(errors);
        var record = Assert.Single(records);
        Assert.Equal("R1", record.RecordId);
        Assert.Equal(2, record.Version);
        Assert.Equal(Gender.Male, record.Register.Gender);
        Assert.Equal(VitalStatus.Deceased, record.Register.VitalStatus);
        Assert.Equal(new Date { Year = 2024, Month = 2, Day = 11 }, record.Register.DeathDate);
        Assert.Equal("440305", record.Register.ResidenceDivision);
    }

    [Fact]
    public async Task An_enrollment_file_becomes_enrollment_records_and_empty_dates_stay_absent()
    {
        var (records, errors) = await ReadAsync(
            "record_id,version,national_id,name,gender,birth_date,insured_division,scheme,status,start_date,end_date\n" +
            "E1,1,,李丽,F,1992-07-08,440304,resident_endowment,active,2016-01-01,\n");

        Assert.Empty(errors);
        var record = Assert.Single(records);
        Assert.Equal(InsuranceScheme.ResidentEndowment, record.Enrollment.Scheme);
        Assert.Equal(EnrollmentStatus.Active, record.Enrollment.Status);
        Assert.Null(record.Enrollment.EndDate);
        Assert.Equal("", record.Enrollment.NationalId);
    }

    [Fact]
    public async Task Impossible_calendar_dates_are_passed_on_for_the_hub_to_judge()
    {
        var (records, _) = await ReadAsync(
            "record_id,version,national_id,name,gender,birth_date,hukou_division,residence_division,vital_status,death_date\n" +
            "R1,1,440106198503121237,张伟,M,1985-02-30,440106,,alive,\n");

        Assert.Equal(new Date { Year = 1985, Month = 2, Day = 30 }, Assert.Single(records).Register.BirthDate);
    }

    [Fact]
    public async Task Unconvertible_lines_are_reported_with_line_and_field_and_the_rest_is_read()
    {
        var (records, errors) = await ReadAsync(
            "record_id,version,national_id,name,gender,birth_date,hukou_division,residence_division,vital_status,death_date\n" +
            "R1,1,440106198503121237,张伟,X,1985-03-12,440106,,alive,\n" +
            "R2,1,440106198503121237,张伟,M,12/03/1985,440106,,alive,\n" +
            "R3,one,440106198503121237,张伟,M,1985-03-12,440106,,alive,\n" +
            "R4,1,440106198503121237,张伟,M,1985-03-12,440106,,alive,\n");

        Assert.Equal("R4", Assert.Single(records).RecordId);
        Assert.Equal(["gender", "birth_date", "version"], errors.Select(e => e.Field).ToArray());
        Assert.Equal([2L, 3L, 4L], errors.Select(e => e.Line).ToArray());
    }

    [Fact]
    public async Task A_retraction_line_carries_no_body()
    {
        var (records, _) = await ReadAsync(
            "record_id,version,national_id,name,gender,birth_date,hukou_division,residence_division,vital_status,death_date,retracted\n" +
            "R1,3,,,,,,,,,true\n");

        var record = Assert.Single(records);
        Assert.True(record.Retracted);
        Assert.Equal(RecordEnvelope.BodyOneofCase.None, record.BodyCase);
    }

    [Fact]
    public async Task A_header_naming_neither_kind_is_refused() =>
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync("record_id,version,name\nR1,1,x\n"));
}
