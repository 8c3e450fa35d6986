using Exchange.Cli;
using Exchange.Contracts.V1;

namespace Exchange.Cli.Tests;

public sealed class CoverageReportIsReadable
{
    private static CoverageCounts Counts(long eligible, long covered) =>
        new() { Population = eligible + 3, Eligible = eligible, Covered = covered, Gaps = eligible - covered, CoverageRate = (double)covered / eligible };

    private static RegionCoverage Region(string code, long eligible, long covered)
    {
        var region = new RegionCoverage { Region = code, Total = Counts(eligible, covered), Migrants = Counts(eligible / 2, covered / 3), Locals = Counts(eligible / 2, covered / 2) };
        foreach (var band in new[] { "16-29", "30-44", "45-59", "60+" })
        {
            region.AgeBands[band] = Counts(eligible / 4, covered / 4);
        }

        return region;
    }

    [Fact]
    public void The_report_is_one_self_contained_page_with_a_chart_per_question_and_the_figures()
    {
        var summary = new CoverageSummary
        {
            ReferenceDate = new Date { Year = 2026, Month = 12, Day = 1 },
            Regions = { Region("44", 1_000, 900), Region("51", 400, 300) },
            Overall = Region("all", 1_400, 1_200),
        };

        var html = ReportCommand.Html(summary, "");

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal(3, html.Split("<svg", StringSplitOptions.None).Length - 1);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("广东 Guangdong", html, StringComparison.Ordinal);
        Assert.Contains("四川 Sichuan", html, StringComparison.Ordinal);
        Assert.Contains("90.0 %", html, StringComparison.Ordinal);
        Assert.Contains("75.0 %", html, StringComparison.Ordinal);
        Assert.Contains("<b>200</b>", html, StringComparison.Ordinal);
        Assert.Contains("2026-12-01", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Region_names_in_the_data_are_escaped()
    {
        var summary = new CoverageSummary
        {
            ReferenceDate = new Date { Year = 2026, Month = 12, Day = 1 },
            Regions = { Region("<b>x", 10, 5) },
            Overall = Region("all", 10, 5),
        };

        var html = ReportCommand.Html(summary, "<script>");

        Assert.DoesNotContain("<b>x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;x", html, StringComparison.Ordinal);
    }
}
