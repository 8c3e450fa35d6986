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

    private const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈";
    private const string GivenCharacters = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲兰飞鹏辉建国红云凤霞宇浩然欣怡子涵晨阳思雨佳琪文博";

    /// <summary>A plausible name that varies with n, as names do in a real register.</summary>
    public static string Name(int n) =>
        $"{Surnames[n % Surnames.Length]}{GivenCharacters[(n / Surnames.Length) % GivenCharacters.Length]}{GivenCharacters[(n / 7) % GivenCharacters.Length]}";

    public static RecordEnvelope Register(string recordId, int n, string division = "440106", long version = 1, string? name = null)
    {
        var birth = BirthDate(n);
        return new RecordEnvelope
        {
            RecordId = recordId,
            Version = version,
            Register = new RegisterRecord
            {
                NationalId = NationalId(n, division),
                Name = name ?? Name(n),
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
                Name = Name(n),
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
