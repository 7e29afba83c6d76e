using System.Net;
using GenMerge.Server.Tests.Support;
using Microsoft.Playwright;

namespace GenMerge.Server.Tests;

/// <summary>The dashboard in a real browser (Debian's chromium, driven by Playwright; never a downloaded browser).</summary>
[Collection(ServeCollection.Name)]
public sealed class DashboardTests(ServeFixture serve)
{
    const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_dashboard_shows_a_run_go_from_running_to_completed_with_its_sample_grid()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install it with `apt-get install -y chromium` (the dashboard test drives the system chromium)");

        var (status, body) = await serve.PostMergeAsync(TinySources.Request());
        Assert.Equal(HttpStatusCode.Accepted, status);
        string id = body.GetProperty("id").GetString()!;

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync" },
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
        page.Response += (_, r) => { if (r.Status >= 400) consoleErrors.Add($"{r.Status} {r.Url}"); };

        // The runs list shows it while it runs.
        await page.GotoAsync(serve.Base.ToString());
        ILocator row = page.Locator($"#runs tr[data-id='{id}']");
        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(Pending|Running)$"), new() { Timeout = 30_000 });

        // Its page: the stage timeline, then Completed, the sample grid and the report.
        await row.Locator("a").ClickAsync();
        await Assertions.Expect(page.Locator("#timeline .stage")).ToHaveCountAsync(9, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#run-state")).ToHaveTextAsync("Completed", new() { Timeout = 360_000 });
        ILocator grid = page.Locator("img.grid").First;
        await Assertions.Expect(grid).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('img.grid')].some(i => i.complete && i.naturalWidth > 0)", null, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#report")).ToContainTextAsync("rings", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#timeline .stage.done")).ToHaveCountAsync(9);

        string shots = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(shots);
        string shot = Path.Combine(shots, "dashboard-run.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 1000, $"{shot} is empty");
        Assert.Empty(consoleErrors);
    }
}
