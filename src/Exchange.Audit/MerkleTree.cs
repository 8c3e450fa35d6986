namespace Exchange.Audit;

/// <summary>
/// An append-only Merkle tree over leaf hashes that keeps every complete (perfect, aligned) subtree hash,
/// level by level, so roots and proofs for any earlier size cost O(log² n) hashes instead of rehashing
/// all leaves. Memory: about 64 bytes per leaf. Not thread-safe; callers lock.
/// </summary>
public sealed class MerkleTree
{
    // _levels[k] holds the hashes of the perfect subtrees of 2^k leaves, the i-th covering leaves [i·2^k, (i+1)·2^k).
    private readonly List<HashList> _levels = [new HashList()];

    public long Size => _levels[0].Count;

    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHash));
        }

        _levels[0].Add(leafHash);
        var level = 0;
        // Each completed pair of subtrees completes one subtree on the next level.
        while ((_levels[level].Count & 1) == 0)
        {
            var count = _levels[level].Count;
            var parent = MerkleHash.Node(_levels[level].Get(count - 2), _levels[level].Get(count - 1));
            if (_levels.Count == level + 1)
            {
                _levels.Add(new HashList());
            }

            _levels[level + 1].Add(parent);
            level++;
        }
    }

    public byte[] LeafHash(long index) => _levels[0].Get(index).ToArray();

    /// <summary>MTH of the first <paramref name="size"/> leaves.</summary>
    public byte[] Root(long size)
    {
        CheckSize(size);
        return size == 0 ? MerkleHash.Empty() : SubtreeHash(0, size);
    }

    /// <summary>RFC 6962 §2.1.1 PATH(index, D[0:size]): the audit path, leaf-side first.</summary>
    public List<byte[]> InclusionProof(long index, long size)
    {
        CheckSize(size);
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of {size}.");
        }

        var proof = new List<byte[]>();
        Path(index, 0, size, proof);
        return proof;
    }

    /// <summary>RFC 6962 §2.1.2 PROOF(first, D[0:second]).</summary>
    public List<byte[]> ConsistencyProof(long first, long second)
    {
        CheckSize(second);
        if (first < 0 || first > second)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"A tree of {first} is not a prefix of a tree of {second}.");
        }

        var proof = new List<byte[]>();
        if (first > 0 && first < second)
        {
            SubProof(first, 0, second, true, proof);
        }

        return proof;
    }

    /// <summary>MTH(D[start:end]).</summary>
    public byte[] SubtreeHash(long start, long end)
    {
        var n = end - start;
        if ((n & (n - 1)) == 0)
        {
            var level = System.Numerics.BitOperations.Log2((ulong)n);
            if (start % n == 0)
            {
                return _levels[level].Get(start >> level).ToArray();
            }
        }

        var k = MerkleHash.SplitPoint(n);
        return MerkleHash.Node(SubtreeHash(start, start + k), SubtreeHash(start + k, end));
    }

    private void Path(long index, long start, long end, List<byte[]> proof)
    {
        var n = end - start;
        if (n == 1)
        {
            return;
        }

        var k = MerkleHash.SplitPoint(n);
        if (index < k)
        {
            Path(index, start, start + k, proof);
            proof.Add(SubtreeHash(start + k, end));
        }
        else
        {
            Path(index - k, start + k, end, proof);
            proof.Add(SubtreeHash(start, start + k));
        }
    }

    private void SubProof(long m, long start, long end, bool startedWithWholeTree, List<byte[]> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!startedWithWholeTree)
            {
                proof.Add(SubtreeHash(start, end));
            }

            return;
        }

        var k = MerkleHash.SplitPoint(n);
        if (m <= k)
        {
            SubProof(m, start, start + k, startedWithWholeTree, proof);
            proof.Add(SubtreeHash(start + k, end));
        }
        else
        {
            SubProof(m - k, start + k, end, false, proof);
            proof.Add(SubtreeHash(start, start + k));
        }
    }

    private void CheckSize(long size)
    {
        if (size < 0 || size > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"The tree has {Size} leaves, not {size}.");
        }
    }

    /// <summary>32-byte hashes in chunks of 2^20 (32 MiB): no object per hash, and no 2 GiB array limit.</summary>
    private sealed class HashList
    {
        private const int ChunkBits = 20;
        private const int ChunkHashes = 1 << ChunkBits;
        private readonly List<byte[]> _chunks = [];

        public long Count { get; private set; }

        public void Add(ReadOnlySpan<byte> hash)
        {
            var chunk = (int)(Count >> ChunkBits);
            var offset = (int)(Count & (ChunkHashes - 1)) * MerkleHash.Size;
            if (chunk == _chunks.Count)
            {
                _chunks.Add(new byte[MerkleHash.Size * 64]);
            }
            else if (offset + MerkleHash.Size > _chunks[chunk].Length)
            {
                // Chunks grow by doubling up to their full size, so a small tree stays small.
                var grown = _chunks[chunk];
                Array.Resize(ref grown, Math.Min(grown.Length * 2, ChunkHashes * MerkleHash.Size));
                _chunks[chunk] = grown;
            }

            hash.CopyTo(_chunks[chunk].AsSpan(offset));
            Count++;
        }

        public ReadOnlySpan<byte> Get(long index) =>
            _chunks[(int)(index >> ChunkBits)].AsSpan((int)(index & (ChunkHashes - 1)) * MerkleHash.Size, MerkleHash.Size);
    }
}
