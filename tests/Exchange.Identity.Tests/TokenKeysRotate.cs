namespace Exchange.Identity.Tests;

public sealed class TokenKeysRotate : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "exchange-token-keys", Guid.NewGuid().ToString("N"));

    [Fact]
    public void The_first_start_creates_one_pair_and_later_starts_reuse_it()
    {
        var keys = new TokenKeys(_folder);

        var created = keys.EnsureCreated(TimeProvider.System);
        var again = keys.EnsureCreated(TimeProvider.System);

        Assert.Equal(2, created.Count);
        Assert.Empty(again);
        Assert.Single(keys.Signing(TimeProvider.System));
        Assert.Single(keys.Encryption(TimeProvider.System));
        Assert.True(keys.Signing(TimeProvider.System)[0].HasPrivateKey);
    }

    [Fact]
    public void A_rotation_puts_the_newest_key_first_and_keeps_the_older_one_for_validation()
    {
        var keys = new TokenKeys(_folder);
        keys.EnsureCreated(TimeProvider.System);
        var first = keys.Signing(TimeProvider.System)[0].Thumbprint;

        keys.Rotate(new Later(TimeSpan.FromDays(1)));
        var signing = keys.Signing(TimeProvider.System);

        Assert.Equal(2, signing.Count);
        Assert.NotEqual(first, signing[0].Thumbprint);
        Assert.Equal(first, signing[1].Thumbprint);
    }

    [Fact]
    public void Expired_keys_are_no_longer_loaded()
    {
        var keys = new TokenKeys(_folder);
        keys.EnsureCreated(TimeProvider.System);

        Assert.Empty(keys.Signing(new Later(TimeSpan.FromDays(3 * 365))));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private sealed class Later(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
