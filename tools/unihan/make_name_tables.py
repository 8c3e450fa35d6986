#!/usr/bin/env python3
"""Derive src/Exchange.Names/Data/hanzi.tsv from Debian's Unihan files (package unicode-data).

Each output line is  <char> TAB <simplified char> TAB <toneless pinyin>  for every BMP Han character that
has a kMandarin reading or a kSimplifiedVariant other than itself. The pinyin is the first kMandarin
reading of the simplified character (falling back to the character's own), lower-case ASCII, tones
stripped, with ü written as v. Output is sorted by code point, so re-running on the same Unihan version
gives a byte-identical file.

CJK compatibility ideographs (U+F900..U+FAFF) and Kangxi / CJK radicals (U+2E80..U+2FDF) are mapped through
their UnicodeData.txt decomposition to the unified ideograph, because the .NET side runs with
InvariantGlobalization, where string.Normalize(FormKC) does nothing for them.

Usage:  python3 tools/unihan/make_name_tables.py [--unihan-dir DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import bz2
import re
import sys
import unicodedata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_UNIHAN_DIR = Path("/usr/share/unicode")
DEFAULT_OUT = REPO_ROOT / "src" / "Exchange.Names" / "Data" / "hanzi.tsv"

VARIANTS_FILE = "Unihan_Variants.txt.bz2"
READINGS_FILE = "Unihan_Readings.txt.bz2"
UNICODE_DATA_FILE = "UnicodeData.txt"

# Blocks whose characters decompose (canonically or by <compat>) to one unified ideograph.
COMPATIBILITY_BLOCKS = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF))

HEADER_FIELD = re.compile(r"^#\s*(Date|Unicode version):\s*(.+?)\s*$")


def code_point(token: str) -> int:
    # Variant values may carry a source annotation, e.g. "U+4E94<kMatthews".
    return int(token.split("<", 1)[0].removeprefix("U+"), 16)


def read_fields(path: Path, wanted: set[str]) -> tuple[dict[str, dict[int, str]], dict[str, str]]:
    """Returns {field: {code point: raw value}} and the file's header (Date, Unicode version)."""
    fields: dict[str, dict[int, str]] = {name: {} for name in wanted}
    header: dict[str, str] = {}
    with bz2.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                match = HEADER_FIELD.match(line)
                if match:
                    header.setdefault(match.group(1), match.group(2))
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] in wanted:
                fields[parts[1]][code_point(parts[0])] = parts[2]
    return fields, header


def compatibility_decompositions(path: Path) -> dict[int, int]:
    """{compatibility ideograph or radical: the unified ideograph it decomposes to}."""
    mapping: dict[int, int] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            fields = line.split(";")
            c = int(fields[0], 16)
            if not any(low <= c <= high for low, high in COMPATIBILITY_BLOCKS):
                continue
            decomposition = fields[5].removeprefix("<compat>").split()
            if len(decomposition) == 1:
                mapping[c] = int(decomposition[0], 16)
    return mapping


def toneless(reading: str) -> str:
    # ü must become v before decomposition, or stripping the diaeresis would leave a plain u (lü -> lu).
    decomposed = unicodedata.normalize("NFD", reading.lower())
    decomposed = decomposed.replace("u\u0308", "v")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not ascii_only.isascii() or not ascii_only.isalpha():
        raise ValueError(f"unexpected kMandarin reading {reading!r}")
    return ascii_only


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unihan-dir", type=Path, default=DEFAULT_UNIHAN_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    variants, variants_header = read_fields(
        args.unihan_dir / VARIANTS_FILE, {"kSimplifiedVariant", "kTraditionalVariant"})
    readings, readings_header = read_fields(args.unihan_dir / READINGS_FILE, {"kMandarin"})

    simplified_of: dict[int, list[int]] = {
        c: [code_point(v) for v in value.split()] for c, value in variants["kSimplifiedVariant"].items()}
    traditional_of: dict[int, list[int]] = {
        c: [code_point(v) for v in value.split()] for c, value in variants["kTraditionalVariant"].items()}
    first_reading: dict[int, str] = {c: value.split()[0] for c, value in readings["kMandarin"].items()}
    unified_of = compatibility_decompositions(args.unihan_dir / UNICODE_DATA_FILE)

    # The two variant fields should mirror each other; a mismatch means the Unihan data changed shape.
    unmirrored = sum(
        1 for trad, simps in simplified_of.items() for simp in simps
        if simp != trad and trad not in traditional_of.get(simp, []))
    unmirrored += sum(
        1 for simp, trads in traditional_of.items() for trad in trads
        if trad != simp and simp not in simplified_of.get(trad, []))

    def simplify(c: int) -> int:
        # Follow chains (薴 -> 苧 -> 苎) so that normalizing twice changes nothing. A supplementary-plane
        # target (mostly Unicode 13+ class-analogy simplifications) is not followed: the C# side works on
        # BMP chars and would have no pinyin for it.
        seen = {c}
        while True:
            targets = simplified_of.get(c)
            if not targets or targets[0] > 0xFFFF or targets[0] in seen:
                return c
            c = targets[0]
            seen.add(c)

    candidates = {c for c in first_reading if c <= 0xFFFF}
    candidates |= {c for c in simplified_of if c <= 0xFFFF}
    candidates |= {c for c in unified_of if unified_of[c] <= 0xFFFF}

    rows: list[str] = []
    unread = 0
    not_folded = 0
    for c in sorted(candidates):
        unified = unified_of.get(c, c)
        simp = simplify(unified)
        if c in simplified_of and simplified_of[c][0] != c and simp == c:
            not_folded += 1
        reading = first_reading.get(simp) or first_reading.get(unified) or first_reading.get(c)
        if reading is None and simp == c:
            continue
        if reading is None:
            unread += 1
        rows.append(f"{chr(c)}\t{chr(simp)}\t{toneless(reading) if reading else ''}")

    version = readings_header.get("Unicode version", "?")
    dates = sorted({variants_header.get("Date", "?"), readings_header.get("Date", "?")})
    header = (
        f"# Unihan {version} ({', '.join(dates)}) from Debian unicode-data: {VARIANTS_FILE}, {READINGS_FILE}, "
        f"compatibility ideographs and radicals via {UNICODE_DATA_FILE}; "
        "generated by tools/unihan/make_name_tables.py\n"
        "# char, simplified (first kSimplifiedVariant), toneless pinyin (first kMandarin of the simplified, ü as v)"
    )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(header + "\n")
        out.write("\n".join(rows) + "\n")

    folded = sum(1 for row in rows if row[0] != row[2])
    print(f"{args.out}: {len(rows)} characters, {folded} fold to a different simplified character, "
          f"{unread} without any kMandarin reading, {not_folded} simplified variants skipped "
          f"(outside the BMP), {len(unified_of)} compatibility ideographs and radicals, "
          f"{unmirrored} unmirrored variant pairs; {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
