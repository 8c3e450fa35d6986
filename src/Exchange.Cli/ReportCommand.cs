using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using Exchange.Contracts.V1;
using Spectre.Console;

namespace Exchange.Cli;

/// <summary>`exchange report`: a self-contained HTML coverage report (inline SVG charts, no scripts, no downloads).</summary>
internal static class ReportCommand
{
    private static readonly Dictionary<string, string> Provinces = new(StringComparer.Ordinal)
    {
        ["11"] = "北京 Beijing", ["12"] = "天津 Tianjin", ["13"] = "河北 Hebei", ["14"] = "山西 Shanxi", ["15"] = "内蒙古 Inner Mongolia",
        ["21"] = "辽宁 Liaoning", ["22"] = "吉林 Jilin", ["23"] = "黑龙江 Heilongjiang", ["31"] = "上海 Shanghai", ["32"] = "江苏 Jiangsu",
        ["33"] = "浙江 Zhejiang", ["34"] = "安徽 Anhui", ["35"] = "福建 Fujian", ["36"] = "江西 Jiangxi", ["37"] = "山东 Shandong",
        ["41"] = "河南 Henan", ["42"] = "湖北 Hubei", ["43"] = "湖南 Hunan", ["44"] = "广东 Guangdong", ["45"] = "广西 Guangxi",
        ["46"] = "海南 Hainan", ["50"] = "重庆 Chongqing", ["51"] = "四川 Sichuan", ["52"] = "贵州 Guizhou", ["53"] = "云南 Yunnan",
        ["54"] = "西藏 Tibet", ["61"] = "陕西 Shaanxi", ["62"] = "甘肃 Gansu", ["63"] = "青海 Qinghai", ["64"] = "宁夏 Ningxia",
        ["65"] = "新疆 Xinjiang", ["71"] = "台湾 Taiwan", ["81"] = "香港 Hong Kong", ["82"] = "澳门 Macao",
    };

    public static Command Create()
    {
        var client = new ClientOptions();
        var output = new Option<FileInfo>("--out") { Description = "HTML file to write.", DefaultValueFactory = _ => new FileInfo("coverage-report.html") };
        var purpose = new Option<string>("--purpose") { Description = "Why you ask (e.g. statistics).", DefaultValueFactory = _ => "statistics" };
        var region = new Option<string>("--region") { Description = "Division prefix inside your scope.", DefaultValueFactory = _ => "" };
        var digits = new Option<int>("--group-digits") { Description = "Group regions by 2, 4 or 6 digits.", DefaultValueFactory = _ => 2 };
        var command = new Command("report", "Write a self-contained HTML coverage report with charts.") { output, purpose, region, digits };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var summary = await new CoverageService.CoverageServiceClient(channel).GetCoverageSummaryAsync(
                new CoverageQuery { Purpose = result.GetValue(purpose)!, DivisionPrefix = result.GetValue(region)!, GroupDigits = result.GetValue(digits) },
                cancellationToken: token);
            var file = result.GetValue(output)!;
            await File.WriteAllTextAsync(file.FullName, Html(summary, result.GetValue(region)!), token);
            AnsiConsole.MarkupLineInterpolated($"Wrote {file.FullName}: {summary.Regions.Count} regions, {summary.Overall.Total.Gaps:N0} people eligible but not covered.");
            return 0;
        }));
        return command;
    }

    internal static string Html(CoverageSummary summary, string scope)
    {
        var total = summary.Overall.Total;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>Endowment insurance coverage {{Render.Date(summary.ReferenceDate)}}</title>
            <style>
            body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem auto;max-width:60rem;color:#1b1f24}
            h1{font-size:1.6rem;margin-bottom:.2rem} .sub{color:#57606a;margin-top:0}
            .cards{display:flex;gap:1rem;margin:1.5rem 0} .card{flex:1;border:1px solid #d0d7de;border-radius:8px;padding:1rem}
            .card b{display:block;font-size:1.8rem} .gap b{color:#cf222e}
            table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem} th,td{padding:.35rem .5rem;border-bottom:1px solid #eaeef2;text-align:right}
            th:first-child,td:first-child{text-align:left} h2{margin-top:2.2rem;font-size:1.2rem} svg text{font-size:12px;font-family:inherit}
            .note{color:#57606a;font-size:.85rem}
            </style></head><body>
            <h1>基本养老保险参保覆盖 · Endowment insurance coverage</h1>
            <p class="sub">Reference date {{Render.Date(summary.ReferenceDate)}} · scope {{(scope.Length == 0 ? "national" : WebUtility.HtmlEncode(scope))}} · from the Exchange hub's reconciled persons</p>
            <div class="cards">
            <div class="card">Eligible (in register, alive, 16+)<b>{{total.Eligible:N0}}</b></div>
            <div class="card">Covered (active endowment)<b>{{total.Covered:N0}}</b></div>
            <div class="card gap">Eligible but not covered<b>{{total.Gaps:N0}}</b></div>
            <div class="card">Coverage rate<b>{{total.CoverageRate:P1}}</b></div>
            </div>
            """);
        html.Append("<h2>Coverage rate by region</h2>");
        html.Append(Bars(summary.Regions.Select(r => (Name(r.Region), r.Total.CoverageRate, r.Total.CoverageRate.ToString("P1", CultureInfo.InvariantCulture))).ToList(), 1.0, "#2da44e"));
        html.Append("<h2>People not covered, by age band</h2>");
        var bands = new[] { "16-29", "30-44", "45-59", "60+" };
        var maxBand = Math.Max(1, bands.Max(b => summary.Overall.AgeBands[b].Gaps));
        html.Append(Bars(bands.Select(b => (b, (double)summary.Overall.AgeBands[b].Gaps, $"{summary.Overall.AgeBands[b].Gaps:N0} ({Rate(summary.Overall.AgeBands[b])} covered)")).ToList(), maxBand, "#cf222e"));
        html.Append("<h2>People not covered: migrants and locals</h2>");
        var maxMigrant = Math.Max(1, Math.Max(summary.Overall.Migrants.Gaps, summary.Overall.Locals.Gaps));
        html.Append(Bars(
            [
                ("Migrants (residence ≠ hukou)", summary.Overall.Migrants.Gaps, $"{summary.Overall.Migrants.Gaps:N0} ({Rate(summary.Overall.Migrants)} covered)"),
                ("Locals", summary.Overall.Locals.Gaps, $"{summary.Overall.Locals.Gaps:N0} ({Rate(summary.Overall.Locals)} covered)"),
            ],
            maxMigrant,
            "#bf8700"));
        html.Append("<h2>By region</h2><table><tr><th>Region</th><th>Population</th><th>Eligible</th><th>Covered</th><th>Not covered</th><th>Rate</th><th>Migrants' rate</th><th>Locals' rate</th></tr>");
        foreach (var region in summary.Regions.Append(summary.Overall))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{WebUtility.HtmlEncode(region == summary.Overall ? "All" : Name(region.Region))}</td><td>{region.Total.Population:N0}</td><td>{region.Total.Eligible:N0}</td><td>{region.Total.Covered:N0}</td><td>{region.Total.Gaps:N0}</td><td>{Rate(region.Total)}</td><td>{Rate(region.Migrants)}</td><td>{Rate(region.Locals)}</td></tr>");
        }

        html.Append("</table><p class=\"note\">Eligible: known to the population register, alive and aged 16 or over at the reference date. Covered: an active employee or resident endowment enrollment in any region. Regions are those of the hukou division (register). Counts come from the hub's reconciled persons, linked across ministries despite ID typos, legacy IDs and name variants.</p></body></html>");
        return html.ToString();
    }

    private static string Name(string region) =>
        region.Length >= 2 && Provinces.TryGetValue(region[..2], out var province) ? (region.Length == 2 ? province : $"{region} ({province})") : region;

    private static string Rate(CoverageCounts counts) => counts.Eligible == 0 ? "–" : counts.CoverageRate.ToString("P1", CultureInfo.InvariantCulture);

    // A horizontal bar chart as inline SVG: readable without scripts, printable.
    private static string Bars(IReadOnlyList<(string Label, double Value, string Text)> bars, double max, string colour)
    {
        const int rowHeight = 26, labelWidth = 230, barWidth = 480;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" width=\"{labelWidth + barWidth + 160}\" height=\"{(bars.Count * rowHeight) + 10}\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, text) = bars[i];
            var width = max <= 0 ? 0 : Math.Max(1, value / max * barWidth);
            var y = (i * rowHeight) + 5;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 15}\">{WebUtility.HtmlEncode(label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{width:F1}\" height=\"{rowHeight - 8}\" fill=\"{colour}\" rx=\"3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + width + 6:F1}\" y=\"{y + 15}\">{WebUtility.HtmlEncode(text)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
