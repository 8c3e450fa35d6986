using System.Text;

namespace Exchange.Audit.Tests;

public sealed class MerkleTreeMatchesRfc6962
{
    // The RFC 6962 reference vectors of the certificate-transparency project: eight leaves and the root at each size.
    private static readonly byte[][] VectorLeaves =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    private static readonly string[] VectorRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    public static TheoryData<long, long, string[]> VectorInclusionProofs => new()
    {
        { 0, 1, [] },
        { 0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
    };

    public static TheoryData<long, long, string[]> VectorConsistencyProofs => new()
    {
        { 1, 1, [] },
        { 1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
    };

    [Fact]
    public void RootsMatchTheReferenceVectors()
    {
        var tree = VectorTree();
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(tree.Root(0)));
        for (var size = 1; size <= 8; size++)
        {
            Assert.Equal(VectorRoots[size - 1], Convert.ToHexStringLower(tree.Root(size)));
        }
    }

    [Theory]
    [MemberData(nameof(VectorInclusionProofs))]
    public void InclusionProofsMatchTheReferenceVectors(long index, long size, string[] expected)
    {
        var tree = VectorTree();
        var proof = tree.InclusionProof(index, size);
        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleProofs.VerifyInclusion(index, size, MerkleHash.Leaf(VectorLeaves[index]), proof, Convert.FromHexString(VectorRoots[size - 1])));
    }

    [Theory]
    [MemberData(nameof(VectorConsistencyProofs))]
    public void ConsistencyProofsMatchTheReferenceVectors(long first, long second, string[] expected)
    {
        var tree = VectorTree();
        var proof = tree.ConsistencyProof(first, second);
        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleProofs.VerifyConsistency(first, second, Convert.FromHexString(VectorRoots[first - 1]), Convert.FromHexString(VectorRoots[second - 1]), proof));
    }

    [Fact]
    public void EveryRootAndProofUpTo64LeavesMatchesTheNaiveDefinitionAndVerifies()
    {
        var data = Enumerable.Range(0, 64).Select(i => Encoding.UTF8.GetBytes($"leaf {i}")).ToList();
        var tree = new MerkleTree();
        foreach (var leaf in data)
        {
            tree.Append(MerkleHash.Leaf(leaf));
        }

        for (var n = 1; n <= 64; n++)
        {
            var prefix = data.Take(n).ToList();
            var root = NaiveMerkle.Mth(prefix);
            Assert.Equal(root, tree.Root(n));
            for (var i = 0; i < n; i++)
            {
                var path = tree.InclusionProof(i, n);
                Assert.Equal(NaiveMerkle.Path(i, prefix), path);
                Assert.True(MerkleProofs.VerifyInclusion(i, n, MerkleHash.Leaf(data[i]), path, root), $"inclusion {i} in {n}");
            }

            for (var m = 0; m <= n; m++)
            {
                var proof = tree.ConsistencyProof(m, n);
                Assert.Equal(NaiveMerkle.Proof(m == n ? 0 : m, prefix), proof);
                Assert.True(MerkleProofs.VerifyConsistency(m, n, NaiveMerkle.Mth(data.Take(m).ToList()), root, proof), $"consistency {m} -> {n}");
            }
        }
    }

    [Fact]
    public void ATreeBeyondOneStorageChunkStaysCorrect()
    {
        // The tree stores hashes in chunks of 2^20; cross the boundary on the leaf level.
        const int size = (1 << 20) + 37;
        var leaves = new byte[size][];
        var tree = new MerkleTree();
        for (var i = 0; i < size; i++)
        {
            leaves[i] = MerkleHash.Leaf(BitConverter.GetBytes(i));
            tree.Append(leaves[i]);
        }

        var root = NaiveMerkle.MthOfLeafHashes(leaves, 0, size);
        Assert.Equal(root, tree.Root(size));
        foreach (var index in new[] { 0, (1 << 20) - 1, 1 << 20, size - 1 })
        {
            Assert.True(MerkleProofs.VerifyInclusion(index, size, leaves[index], tree.InclusionProof(index, size), root), $"leaf {index}");
        }

        Assert.True(MerkleProofs.VerifyConsistency(1 << 20, size, tree.Root(1 << 20), root, tree.ConsistencyProof(1 << 20, size)));
    }

    [Fact]
    public void WrongProofsAreRejected()
    {
        var data = Enumerable.Range(0, 21).Select(i => Encoding.UTF8.GetBytes($"leaf {i}")).ToList();
        var tree = new MerkleTree();
        data.ForEach(leaf => tree.Append(MerkleHash.Leaf(leaf)));
        var root = tree.Root(21);
        var proof = tree.InclusionProof(7, 21);

        Assert.False(MerkleProofs.VerifyInclusion(8, 21, MerkleHash.Leaf(data[7]), proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(7, 21, MerkleHash.Leaf(data[8]), proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(7, 16, MerkleHash.Leaf(data[7]), proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(7, 21, MerkleHash.Leaf(data[7]), proof.Take(proof.Count - 1).ToList(), root));
        Assert.False(MerkleProofs.VerifyInclusion(21, 21, MerkleHash.Leaf(data[7]), proof, root));

        var consistency = tree.ConsistencyProof(13, 21);
        Assert.True(MerkleProofs.VerifyConsistency(13, 21, tree.Root(13), root, consistency));
        Assert.False(MerkleProofs.VerifyConsistency(13, 21, tree.Root(12), root, consistency));
        Assert.False(MerkleProofs.VerifyConsistency(13, 21, tree.Root(13), tree.Root(20), consistency));
        Assert.False(MerkleProofs.VerifyConsistency(12, 21, tree.Root(13), root, consistency));
        Assert.False(MerkleProofs.VerifyConsistency(13, 21, tree.Root(13), root, []));
    }

    [Fact]
    public void LeafAndNodeHashesCannotBeConfused()
    {
        // The second-preimage defence of RFC 6962: a node's bytes hashed as a leaf give another hash.
        var left = MerkleHash.Leaf([1]);
        var right = MerkleHash.Leaf([2]);
        Assert.NotEqual(MerkleHash.Node(left, right), MerkleHash.Leaf([.. left, .. right]));
    }

    private static MerkleTree VectorTree()
    {
        var tree = new MerkleTree();
        foreach (var leaf in VectorLeaves)
        {
            tree.Append(MerkleHash.Leaf(leaf));
        }

        return tree;
    }
}
