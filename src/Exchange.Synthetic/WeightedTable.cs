namespace Exchange.Synthetic;

/// <summary>Draws items in proportion to their weights with one <see cref="Random.NextDouble"/> per draw.</summary>
internal sealed class WeightedTable<T>
{
    private readonly T[] _items;
    private readonly double[] _cumulative;

    public WeightedTable(IEnumerable<(T Item, double Weight)> entries)
    {
        var items = new List<T>();
        var cumulative = new List<double>();
        var total = 0.0;
        foreach (var (item, weight) in entries)
        {
            if (weight <= 0)
            {
                continue;
            }

            total += weight;
            items.Add(item);
            cumulative.Add(total);
        }

        if (items.Count == 0)
        {
            throw new ArgumentException("A weighted table needs at least one positively weighted item.", nameof(entries));
        }

        _items = [.. items];
        _cumulative = [.. cumulative];
    }

    public IReadOnlyList<T> Items => _items;

    public T Pick(Random random)
    {
        var target = random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, target);

        // An exact hit on a boundary belongs to the next item; a miss gives the first boundary above the target.
        index = index >= 0 ? index + 1 : ~index;
        return _items[Math.Min(index, _items.Length - 1)];
    }
}
