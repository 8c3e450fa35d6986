using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Exchange.Audit;

/// <summary>
/// A signed statement of the log's state: tree size, root hash, time. The signed body is text in the
/// manner of Go's sumdb checkpoint notes, so any tool can check it:
/// "exchange.v1 audit checkpoint\n&lt;size&gt;\n&lt;base64 root&gt;\n&lt;unix time&gt;\n".
/// </summary>
public sealed record Checkpoint(long TreeSize, byte[] RootHash, long TimeUnixSeconds, byte[] KeyId, byte[] Signature)
{
    public const string Origin = "exchange.v1 audit checkpoint";
    public const string SignerName = "exchange-audit";

    public string Body => string.Create(CultureInfo.InvariantCulture, $"{Origin}\n{TreeSize}\n{Convert.ToBase64String(RootHash)}\n{TimeUnixSeconds}\n");

    public static Checkpoint Sign(ECDsa key, long treeSize, byte[] rootHash, long timeUnixSeconds)
    {
        var unsigned = new Checkpoint(treeSize, rootHash, timeUnixSeconds, AuditKey.KeyId(key), []);
        var signature = key.SignData(Encoding.UTF8.GetBytes(unsigned.Body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return unsigned with { Signature = signature };
    }

    /// <summary>True when the key id names this key and the signature over the body verifies.</summary>
    public bool Verify(ECDsa publicKey) =>
        KeyId.AsSpan().SequenceEqual(AuditKey.KeyId(publicKey))
        && publicKey.VerifyData(Encoding.UTF8.GetBytes(Body), Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>The note: body, a blank line, then "— exchange-audit base64(key id || signature)".</summary>
    public string ToNote() => Body + "\n\u2014 " + SignerName + " " + Convert.ToBase64String([.. KeyId, .. Signature]) + "\n";

    /// <exception cref="FormatException">When the text is not a checkpoint note.</exception>
    public static Checkpoint ParseNote(string note)
    {
        var parts = note.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (parts.Length < 6 || parts[0] != Origin || parts[4].Length != 0 || !parts[5].StartsWith("\u2014 " + SignerName + " ", StringComparison.Ordinal))
        {
            throw new FormatException("Not an exchange.v1 audit checkpoint note.");
        }

        var signed = Convert.FromBase64String(parts[5][(SignerName.Length + 3)..]);
        if (signed.Length < 5)
        {
            throw new FormatException("The checkpoint signature line is too short.");
        }

        return new Checkpoint(
            long.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture),
            Convert.FromBase64String(parts[2]),
            long.Parse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            signed[..4],
            signed[4..]);
    }
}
