using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Validation;

namespace Exchange.Synthetic.Tests;

/// <summary>The records are valid for the hub, and the truth describes them exactly.</summary>
[Collection(GeneratedFilesCollection.Name)]
public sealed class RecordsTests(GeneratedFiles files)
{
    private readonly DateOnly _reference = GeneratedFiles.Options.ReferenceDate;

    [Theory]
    [InlineData("register.csv")]
    [InlineData("enrollment.csv")]
    public async Task EveryRowIsReadByTheClientAndPassesTheHubValidator(string file)
    {
        var validator = new RecordValidator(new FixedClock(_reference));
        var lineErrors = new List<CsvLineError>();
        var rows = 0;
        using var reader = new StreamReader(files.PathOf(file));
        await foreach (var envelope in RecordCsv.ReadAsync(reader, lineErrors.Add))
        {
            rows++;
            var result = validator.Validate(envelope);
            Assert.True(result.IsValid, $"{envelope.RecordId}: {string.Join("; ", result.Errors.Select(e => $"{e.Field} {e.Code}"))}");

            // Flags appear exactly where faults were injected.
            var idFault = files.HasFault(envelope.RecordId, "id_typo") || files.HasFault(envelope.RecordId, "id_transposition");
            Assert.Equal(idFault, result.Flags.Contains(RecordFlags.CheckCharacterMismatch));
            Assert.Equal(files.HasFault(envelope.RecordId, "legacy_15"), result.Flags.Contains(RecordFlags.Legacy15Digit));
            if (result.Flags.Contains(RecordFlags.BirthDateDiffersFromId))
            {
                Assert.True(idFault || files.HasFault(envelope.RecordId, "birth_off") || files.HasFault(envelope.RecordId, "someone_elses_id"),
                    $"{envelope.RecordId}: birth date differs from the ID without a fault.");
            }
        }

        Assert.Empty(lineErrors);
        Assert.Equal(file == "register.csv" ? files.Summary.RegisterRows : files.Summary.EnrollmentRows, rows);
    }

    [Fact]
    public void RegisterIdsAreUniqueAndParseWithTheRightCheckCharacter()
    {
        var normalized = new HashSet<string>();
        foreach (var row in files.Register.CurrentVersions())
        {
            var recordId = files.Register.Get(row, "record_id");
            var raw = files.Register.Get(row, "national_id");
            var parsed = NationalId.Parse(raw, _reference).Value;
            Assert.NotNull(parsed);
            var typo = files.HasFault(recordId, "id_typo") || files.HasFault(recordId, "id_transposition");
            Assert.Equal(!typo, parsed.CheckCharacterMatches);
            Assert.Equal(files.HasFault(recordId, "legacy_15") ? 15 : 18, raw.Length);
            Assert.True(normalized.Add(parsed.Normalized), $"{recordId}: duplicate ID {raw}.");
        }
    }

    [Fact]
    public void TrueIdsEncodeHukouBirthDateAndSex()
    {
        var ids = new HashSet<string>();
        foreach (var person in files.TruthPersons.Rows)
        {
            var id = NationalId.Parse(files.TruthPersons.Get(person, "national_id"), _reference).Value;
            Assert.NotNull(id);
            Assert.True(id.CheckCharacterMatches);
            Assert.Equal(files.TruthPersons.Get(person, "hukou_division"), id.BirthDivision);
            Assert.Equal(Date(files.TruthPersons.Get(person, "birth_date")), id.BirthDate);
            Assert.Equal(files.TruthPersons.Get(person, "sex") == "M" ? Gender.Male : Gender.Female, id.Gender);
            Assert.InRange(id.BirthDate.Year, 1940, 2010);
            Assert.True(ids.Add(id.Normalized));
        }
    }

    [Fact]
    public void RecordsCarryTheirPersonsIdUnlessAFaultSaysOtherwise()
    {
        var owner = files.TruthPersons.Rows.ToDictionary(p => files.TruthPersons.Get(p, "national_id"), p => files.TruthPersons.Get(p, "person_id"));
        var someoneElses = 0;
        foreach (var (table, row) in files.Register.CurrentVersions().Select(r => (files.Register, r))
                     .Concat(files.Enrollment.CurrentVersions().Select(r => (files.Enrollment, r))))
        {
            var recordId = table.Get(row, "record_id");
            var person = files.PersonOfRecord[recordId];
            var raw = table.Get(row, "national_id");
            if (files.HasFault(recordId, "missing_id"))
            {
                Assert.Equal(string.Empty, raw);
                continue;
            }

            var normalized = NationalId.Parse(raw, _reference).Value!.Normalized;
            if (files.HasFault(recordId, "someone_elses_id"))
            {
                // The ID is another real, registered person's, valid; the record still belongs to its true person.
                Assert.True(owner.TryGetValue(normalized, out var other));
                Assert.NotEqual(person, other);
                Assert.True(files.TruthPersons.Flag(files.PersonRows[other], "in_register"));
                someoneElses++;
            }
            else if (files.HasFault(recordId, "id_typo") || files.HasFault(recordId, "id_transposition"))
            {
                Assert.False(owner.ContainsKey(normalized), $"{recordId}: a typo produced a real ID.");
            }
            else
            {
                Assert.Equal(person, owner[normalized]);
            }
        }

        Assert.True(someoneElses > 0);
    }

    [Fact]
    public void TruthRecordsListEveryRecordExactlyOnce()
    {
        var listed = files.TruthRecords.Rows.Select(r => (files.TruthRecords.Get(r, "kind"), files.TruthRecords.Get(r, "record_id"))).ToList();
        Assert.Equal(listed.Count, listed.Select(l => l.Item2).Distinct().Count());

        var written = files.Register.CurrentVersions().Select(r => ("register", files.Register.Get(r, "record_id")))
            .Concat(files.Enrollment.CurrentVersions().Select(r => ("enrollment", files.Enrollment.Get(r, "record_id"))));
        Assert.Equal(written.Order().ToList(), listed.Order().ToList());
        Assert.All(files.PersonOfRecord.Values, person => Assert.True(files.PersonRows.ContainsKey(person)));
        Assert.All(files.FaultsOfRecord.Keys, recordId => Assert.True(files.PersonOfRecord.ContainsKey(recordId)));
        Assert.All(files.TruthFaults.Rows, r => Assert.Contains(files.TruthFaults.Get(r, "fault"), CsvTokens.AllFaultNames));
    }

    [Fact]
    public void PeopleOutsideTheRegisterHaveNoRegisterRecordAndEveryoneElseHasOne()
    {
        var registerRecords = files.TruthRecords.Rows
            .Where(r => files.TruthRecords.Get(r, "kind") == "register")
            .GroupBy(r => files.TruthRecords.Get(r, "person_id"))
            .ToDictionary(g => g.Key, g => g.Count());
        var enrolled = files.TruthRecords.Rows
            .Where(r => files.TruthRecords.Get(r, "kind") == "enrollment")
            .Select(r => files.TruthRecords.Get(r, "person_id"))
            .ToHashSet();

        foreach (var person in files.TruthPersons.Rows)
        {
            var id = files.TruthPersons.Get(person, "person_id");
            if (files.TruthPersons.Flag(person, "in_register"))
            {
                Assert.Equal(1, registerRecords[id]);
            }
            else
            {
                Assert.False(registerRecords.ContainsKey(id), $"{id} is not in the register but has a register record.");
                Assert.Contains(id, enrolled);
                Assert.True(files.TruthPersons.Flag(person, "alive"));
            }
        }
    }

    [Fact]
    public void PersonTruthAgreesWithTheCurrentRecords()
    {
        // Recompute every derived column from the files alone, through truth-records only.
        var activeEndowmentProvinces = new Dictionary<string, HashSet<string>>();
        foreach (var row in files.Enrollment.CurrentVersions())
        {
            var person = files.PersonOfRecord[files.Enrollment.Get(row, "record_id")];
            var activeEndowment = files.Enrollment.Get(row, "status") == "active"
                && files.Enrollment.Get(row, "scheme") is "employee_endowment" or "resident_endowment";
            if (activeEndowment)
            {
                var provinces = activeEndowmentProvinces.TryGetValue(person, out var set) ? set : activeEndowmentProvinces[person] = [];
                provinces.Add(files.Enrollment.Get(row, "insured_division")[..2]);
            }
        }

        var register = files.Register.CurrentVersions().ToDictionary(r => files.PersonOfRecord[files.Register.Get(r, "record_id")]);
        var truth = files.TruthPersons;
        foreach (var person in truth.Rows)
        {
            var id = truth.Get(person, "person_id");
            var covered = activeEndowmentProvinces.TryGetValue(id, out var provinces);
            Assert.Equal(covered, truth.Flag(person, "covered"));
            Assert.Equal(covered && provinces!.Count >= 2, truth.Flag(person, "multi_region"));
            Assert.Equal(truth.Flag(person, "eligible") && !covered, truth.Flag(person, "gap"));
            Assert.Equal(!truth.Flag(person, "alive") && covered, truth.Flag(person, "deceased_with_active_endowment"));

            var birth = DateOnly.Parse(truth.Get(person, "birth_date"), System.Globalization.CultureInfo.InvariantCulture);
            var deathText = truth.Get(person, "death_date");
            DateOnly? death = deathText.Length == 0 ? null : DateOnly.Parse(deathText, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(death is null, truth.Flag(person, "alive"));
            var age = int.Parse(truth.Get(person, "age"));
            Assert.Equal(AgeOn(birth, death ?? _reference), age);
            Assert.Equal(truth.Flag(person, "in_register") && death is null && age >= 16, truth.Flag(person, "eligible"));

            if (register.TryGetValue(id, out var record))
            {
                Assert.Equal(truth.Flag(person, "alive") ? "alive" : "deceased", files.Register.Get(record, "vital_status"));
                Assert.Equal(deathText, files.Register.Get(record, "death_date"));
                Assert.Equal(truth.Get(person, "hukou_division"), files.Register.Get(record, "hukou_division"));
                Assert.Equal(truth.Get(person, "residence_division"), files.Register.Get(record, "residence_division"));
                Assert.Equal(truth.Get(person, "name"), files.Register.Get(record, "name"));
                Assert.Equal(truth.Get(person, "birth_date"), files.Register.Get(record, "birth_date"));
                Assert.Equal(truth.Get(person, "sex"), files.Register.Get(record, "gender"));
            }
        }
    }

    [Fact]
    public void DatesNamesAndDivisionsAreSound()
    {
        var people = files.TruthPersons;
        foreach (var row in files.Enrollment.Rows)
        {
            var recordId = files.Enrollment.Get(row, "record_id");
            var person = files.PersonRows[files.PersonOfRecord[recordId]];
            var name = files.Enrollment.Get(row, "name");
            var trueName = people.Get(person, "name");
            Assert.InRange(name.Length, 2, RecordValidator.MaxNameLength);
            Assert.True(DivisionCode.IsValid(files.Enrollment.Get(row, "insured_division")));

            var start = Date(files.Enrollment.Get(row, "start_date"))!.Value;
            var end = Date(files.Enrollment.Get(row, "end_date"));
            Assert.InRange(start, Date(files.Enrollment.Get(row, "birth_date"))!.Value, _reference);
            Assert.True(end is null || (end >= start && end <= _reference));
            if (Date(people.Get(person, "death_date")) is { } death && files.Enrollment.Get(row, "status") != "terminated")
            {
                Assert.True(start <= death, $"{recordId} starts after its person's death.");
            }

            var differing = name.Zip(trueName).Count(pair => pair.First != pair.Second);
            if (files.HasFault(recordId, "homophone"))
            {
                Assert.Equal(1, differing);
            }
            else if (files.HasFault(recordId, "traditional"))
            {
                Assert.True(differing >= 1);
            }
            else
            {
                Assert.Equal(trueName, name);
            }

            Assert.Equal(files.HasFault(recordId, "birth_off"), files.Enrollment.Get(row, "birth_date") != people.Get(person, "birth_date"));
        }

        foreach (var row in files.Register.Rows)
        {
            Assert.True(DivisionCode.IsValid(files.Register.Get(row, "hukou_division")));
            Assert.True(DivisionCode.IsValid(files.Register.Get(row, "residence_division")));
            var birth = Date(files.Register.Get(row, "birth_date"))!.Value;
            Assert.True(Date(files.Register.Get(row, "death_date")) is not { } death || (death > birth && death <= _reference));
        }
    }

    [Fact]
    public void AnomalyLabelsMarkTheRightRecords()
    {
        foreach (var row in files.Enrollment.CurrentVersions())
        {
            var recordId = files.Enrollment.Get(row, "record_id");
            var person = files.PersonRows[files.PersonOfRecord[recordId]];
            var activeEndowment = files.Enrollment.Get(row, "status") == "active"
                && files.Enrollment.Get(row, "scheme") is "employee_endowment" or "resident_endowment";
            Assert.Equal(activeEndowment && !files.TruthPersons.Flag(person, "alive"), files.HasFault(recordId, "active_after_death"));
            Assert.Equal(!files.TruthPersons.Flag(person, "in_register"), files.HasFault(recordId, "not_in_register"));
            if (files.HasFault(recordId, "second_region"))
            {
                Assert.True(activeEndowment && files.TruthPersons.Flag(person, "multi_region"));
            }
        }
    }

    private static DateOnly? Date(string text) =>
        text.Length == 0 ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static int AgeOn(DateOnly birth, DateOnly day)
    {
        var age = day.Year - birth.Year;
        return birth.AddYears(age) > day ? age - 1 : age;
    }
}
