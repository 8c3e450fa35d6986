using Exchange.Reconciliation.Persons;

namespace Exchange.Reconciliation.Tests;

/// <summary>The matcher's identity rules on hand-made records, beside the statistical quality tests.</summary>
public sealed class PersonMatcherRules
{
    private static readonly DateOnly Birth = new(1985, 3, 12);
    private static readonly string IdOfA = WithCheckDigit("11010119850312001");
    private static readonly string IdOfB = WithCheckDigit("11010119850312007");

    [Fact]
    public void A_register_record_never_joins_a_person_whose_register_record_has_another_valid_ID()
    {
        // Person 1 is register record A plus an enrollment of A's that carries B's ID (a typo, or a borrowed
        // ID): B resembles that enrollment exactly, but the register says A and B are two people.
        var registerA = PersonRecord.Create(1, RecordRole.Register, IdOfA, "张伟", 1, Birth, "110101");
        var enrollmentOfA = PersonRecord.Create(2, RecordRole.Enrollment, IdOfB, "张伟", 1, Birth, "110101");
        var registerB = PersonRecord.Create(3, RecordRole.Register, IdOfB, "张伟", 1, Birth, "110101");
        Assert.True(registerA.IdCheckValid && registerB.IdCheckValid);

        var decision = Matcher().Decide(registerB, [new Candidate(registerA, 1), new Candidate(enrollmentOfA, 1)]);

        Assert.Null(decision.PersonId);
        Assert.NotEqual(MatchOutcome.Linked, decision.Outcome);
    }

    [Fact]
    public void The_same_enrollment_still_links_a_register_record_with_no_register_record_in_its_person()
    {
        var enrollment = PersonRecord.Create(2, RecordRole.Enrollment, IdOfB, "张伟", 1, Birth, "110101");
        var registerB = PersonRecord.Create(3, RecordRole.Register, IdOfB, "张伟", 1, Birth, "110101");

        var decision = Matcher().Decide(registerB, [new Candidate(enrollment, 1)]);

        Assert.Equal(MatchOutcome.Linked, decision.Outcome);
        Assert.Equal(1, decision.PersonId);
    }

    private static PersonMatcher Matcher() => new(
        Linker<PersonRecord>.WithModel(PersonLinkage.Spec, DefaultPersonModel.Load(), new Dictionary<string, double>?[PersonLinkage.Spec.Comparisons.Count]),
        PersonLinkage.DefaultThresholds);

    // GB 11643: ISO 7064 MOD 11-2 over the first 17 digits.
    private static string WithCheckDigit(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }
}
