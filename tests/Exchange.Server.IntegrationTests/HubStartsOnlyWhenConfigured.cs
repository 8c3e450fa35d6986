using Microsoft.Extensions.Options;

namespace Exchange.Server.IntegrationTests;

public sealed class HubStartsOnlyWhenConfigured
{
    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> settings) =>
        await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = HubApplication.Build([], settings);
            await HubApplication.StartAsync(app);
        });

    [Fact]
    public async Task Missing_certificates_fail_at_start_with_a_message_that_says_what_to_do()
    {
        var exception = await StartFailsAsync(new Dictionary<string, string?>
        {
            ["Hub:Port"] = "0",
            ["Hub:CertificateDirectory"] = Path.Combine(Path.GetTempPath(), "exchange-tests", "no-such-folder"),
            ["Hub:DataDirectory"] = Path.Combine(Path.GetTempPath(), "exchange-tests", Guid.NewGuid().ToString("N")),
        });

        Assert.Contains("exchange certs init", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hub:Port", "70000", "Port")]
    [InlineData("Hub:ListenAddress", "not-an-ip", "ListenAddress")]
    [InlineData("Hub:MaxBatchRecords", "0", "MaxBatchRecords")]
    public async Task Out_of_range_settings_fail_at_start_naming_the_setting(string key, string value, string named)
    {
        var exception = await StartFailsAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(named, exception.Message, StringComparison.Ordinal);
    }
}
