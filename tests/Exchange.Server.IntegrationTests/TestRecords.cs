using Exchange.Contracts.V1;
using Exchange.Validation;

namespace Exchange.Server.IntegrationTests;

/// <summary>Valid records with unique, well-formed national IDs, for tests to push.</summary>
internal static class TestRecords
{
    /// <summary>An 18-character ID with a correct check character, unique per <paramref name="n"/> (0..999,999).</summary>
    public static string NationalId(int n, string division = "440106", bool male = true)
    {
        var birth = new DateOnly(1950, 1, 1).AddDays(n / 500);
        var sequence = (n % 500) * 2 + (male ? 1 : 0);
        var first17 = $"{division}{birth:yyyyMMdd}{sequence:D3}";
        return first17 + NationalIdCheck(first17);
    }

    public static char NationalIdCheck(string first17) => Validation.NationalId.ComputeCheckCharacter(first17);

    public static DateOnly BirthDate(int n) => new DateOnly(1950, 1, 1).AddDays(n / 500);

    public static RecordEnvelope Register(string recordId, int n, string division = "440106", long version = 1, string name = "张伟")
    {
        var birth = BirthDate(n);
        return new RecordEnvelope
        {
            RecordId = recordId,
            Version = version,
            Register = new RegisterRecord
            {
                NationalId = NationalId(n, division),
                Name = name,
                Gender = Gender.Male,
                BirthDate = new Date { Year = birth.Year, Month = birth.Month, Day = birth.Day },
                HukouDivision = division,
                ResidenceDivision = division,
                VitalStatus = VitalStatus.Alive,
            },
        };
    }

    public static RecordEnvelope Enrollment(string recordId, int n, string division = "440106", long version = 1)
    {
        var birth = BirthDate(n);
        return new RecordEnvelope
        {
            RecordId = recordId,
            Version = version,
            Enrollment = new EnrollmentRecord
            {
                NationalId = NationalId(n, division),
                Name = "张伟",
                Gender = Gender.Male,
                BirthDate = new Date { Year = birth.Year, Month = birth.Month, Day = birth.Day },
                InsuredDivision = division,
                Scheme = InsuranceScheme.EmployeeEndowment,
                Status = EnrollmentStatus.Active,
                StartDate = new Date { Year = 2015, Month = 1, Day = 1 },
            },
        };
    }

    public static PushBatch Batch(string batchId, IEnumerable<RecordEnvelope> records) => new() { BatchId = batchId, Records = { records } };

    /// <summary>Pushes batches one at a time over one stream, returning each ack.</summary>
    public static async Task<List<PushAck>> PushAsync(RecordService.RecordServiceClient client, params PushBatch[] batches)
    {
        using var call = client.Push();
        var acks = new List<PushAck>();
        foreach (var batch in batches)
        {
            await call.RequestStream.WriteAsync(batch);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            acks.Add(call.ResponseStream.Current);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        return acks;
    }
}
