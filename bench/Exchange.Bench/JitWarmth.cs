namespace Exchange.Bench;

/// <summary>
/// Waits until the JIT has gone quiet. A process starts on unoptimized (tier-0) code and recompiles hot
/// methods in the background; for a hub (ASP.NET Core, gRPC, EF Core, the linker) on two loaded cores that
/// takes 20 s and more, and the background compiler takes a core's share meanwhile. A long-running hub has
/// long finished it, so measured runs start once it is done.
/// </summary>
internal static class JitWarmth
{
    // Methods compiled per second below which the code being measured counts as settled (a few stragglers remain).
    private const int QuietMethodsPerSecond = 5;

    /// <returns>How long it waited.</returns>
    public static async Task<TimeSpan> UntilQuietAsync(TimeSpan atMost)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < atMost)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - before <= QuietMethodsPerSecond)
            {
                break;
            }
        }

        return waited.Elapsed;
    }
}
