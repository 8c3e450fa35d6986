using Exchange.Contracts.V1;

namespace Exchange.Server.Services;

/// <summary>exchange.v1.Date to and from DateOnly, in one place.</summary>
internal static class ProtoDates
{
    public static Date ToProto(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    public static Date? ToProto(DateOnly? day) => day is { } value ? ToProto(value) : null;

    /// <summary>For dates the validator already accepted.</summary>
    public static DateOnly? ToDateOnly(Date? date) => date is null ? null : new DateOnly(date.Year, date.Month, date.Day);
}
