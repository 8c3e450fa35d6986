using System.Security.Cryptography;

namespace Exchange.Audit.Tests;

/// <summary>
/// RFC 6962 §2.1 written down literally (recursion over lists, no caching), as an independent reference
/// for the production tree.
/// </summary>
internal static class NaiveMerkle
{
    public static byte[] Mth(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0)
        {
            return SHA256.HashData(Array.Empty<byte>());
        }

        if (leaves.Count == 1)
        {
            return SHA256.HashData([0x00, .. leaves[0]]);
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. Mth(leaves.Take(k).ToList()), .. Mth(leaves.Skip(k).ToList())]);
    }

    /// <summary>MTH over leaf hashes already computed, by index range (no copying; for large trees).</summary>
    public static byte[] MthOfLeafHashes(byte[][] leafHashes, int start, int end)
    {
        if (end - start == 1)
        {
            return leafHashes[start];
        }

        var k = Split(end - start);
        return SHA256.HashData([0x01, .. MthOfLeafHashes(leafHashes, start, start + k), .. MthOfLeafHashes(leafHashes, start + k, end)]);
    }

    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count <= 1)
        {
            return [];
        }

        var k = Split(leaves.Count);
        return m < k
            ? [.. Path(m, leaves.Take(k).ToList()), Mth(leaves.Skip(k).ToList())]
            : [.. Path(m - k, leaves.Skip(k).ToList()), Mth(leaves.Take(k).ToList())];
    }

    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> leaves) => m == 0 ? [] : SubProof(m, leaves, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> leaves, bool b)
    {
        if (m == leaves.Count)
        {
            return b ? [] : [Mth(leaves)];
        }

        var k = Split(leaves.Count);
        return m <= k
            ? [.. SubProof(m, leaves.Take(k).ToList(), b), Mth(leaves.Skip(k).ToList())]
            : [.. SubProof(m - k, leaves.Skip(k).ToList(), false), Mth(leaves.Take(k).ToList())];
    }

    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }
}
