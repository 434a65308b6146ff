"""Build assets/fonts/NotoSansTC-Subset.otf: one font for English and Traditional Chinese text.

Source: the Traditional Chinese face ("Noto Sans CJK TC", Regular) of NotoSansCJK-Regular.ttc
from Debian's ``fonts-noto-cjk`` package (upstream https://github.com/googlefonts/noto-cjk,
SIL Open Font License 1.1; the licence travels with the subset as assets/fonts/OFL.txt).
The full face has 65,535 glyphs (about 19 MB); the game needs a small part of it:

* Latin: ASCII, Latin-1 and Latin Extended-A; Greek; general punctuation, super- and
  subscripts, letter-like symbols, arrows, mathematical operators, geometric shapes;
* CJK punctuation, full-width forms and the symbols of Big5 (bytes A140-A3BF);
* the common Traditional Chinese characters: Big5 level 1 (bytes A440-C67E, 5,401 characters),
  the set Big5 built from the Ministry of Education's list of 4,808 common characters
  (常用國字標準字體表) plus the most frequent less-common ones. Python's ``big5`` codec
  decodes the range, so the list comes from Unicode data on any machine, with no download;
* every character of the shipped lessons (sim/lessons/data/*.toml), of the classroom screens
  (game/scenes/classroom*.py) and of every message catalogue (sim/locale/*/LC_MESSAGES/*.po:
  the translations of every other screen and of the command line), so nothing the game prints
  falls outside the font. ``tools/catalog.py check`` and tests/game/test_i18n_screens.py fail
  when a translation uses a character the built font lacks: then run this again.

The result is about 2.5 MB. Run it again after adding text in new characters::

    apt-get install -y fonts-noto-cjk            # the source font
    .venv/bin/pip install fonttools              # build-time only, not a game dependency
    .venv/bin/python tools/subset_font.py

The subset keeps the original names, copyright and licence records (name table) and the
horizontal layout features (ccmp, liga, kern, mark); hinting, vertical metrics and other
locales' glyph variants are dropped.
Timestamps are not touched, so the same inputs give the same file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_FACE = "Noto Sans CJK TC"
DEFAULT_OUT = ROOT / "assets" / "fonts" / "NotoSansTC-Subset.otf"
TEXT_SOURCES = ("sim/lessons/data/*.toml", "game/scenes/classroom*.py",
                "sim/locale/*/LC_MESSAGES/*.po")

#: Unicode blocks kept whole (inclusive ranges)
UNICODE_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x0370, 0x03FF),  # Greek
    (0x2000, 0x206F),  # General Punctuation (‖, –, —, …)
    (0x2070, 0x209F),  # superscripts and subscripts (₂)
    (0x20AC, 0x20AC),  # euro sign
    (0x2100, 0x214F),  # letter-like symbols
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (−, ≈, ≤, Σ-like)
    (0x2460, 0x24FF),  # enclosed alphanumerics
    (0x2500, 0x257F),  # box drawing
    (0x2580, 0x259F),  # block elements (▒, the shaded band in a legend)
    (0x25A0, 0x25FF),  # geometric shapes (▲, ●)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)


def big5_range(first: int, last: int) -> set[str]:
    """Characters with Big5 codes between ``first`` and ``last`` (two-byte codes, inclusive)."""
    found = set()
    for lead in range(first >> 8, (last >> 8) + 1):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            code = (lead << 8) | trail
            if first <= code <= last:
                try:
                    found.add(bytes([lead, trail]).decode("big5"))
                except UnicodeDecodeError:
                    continue
    return found


def text_characters(root: Path) -> set[str]:
    """Every character in the lesson files, the classroom screens and the catalogues."""
    found: set[str] = set()
    for pattern in TEXT_SOURCES:
        for path in sorted(root.glob(pattern)):
            found.update(path.read_text(encoding="utf-8"))
    return {c for c in found if c.isprintable()}


def character_set(root: Path) -> set[str]:
    chars = {chr(c) for first, last in UNICODE_RANGES for c in range(first, last + 1)}
    chars |= big5_range(0xA140, 0xA3BF)  # Big5 symbols, punctuation, bopomofo
    chars |= big5_range(0xA440, 0xC67E)  # Big5 level 1: common characters
    chars |= text_characters(root)
    return chars


def find_face(source: Path, face: str):
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() in (".ttc", ".otc"):
        for font in TTCollection(str(source)).fonts:
            if font["name"].getDebugName(1) == face:
                return font
        raise SystemExit(f"{source}: no face named {face!r}")
    return TTFont(str(source))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--face", default=DEFAULT_FACE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        from fontTools import subset
    except ImportError:
        print("fontTools is missing: .venv/bin/pip install fonttools", file=sys.stderr)
        return 2
    if not args.source.exists():
        print(f"{args.source} not found: apt-get install -y fonts-noto-cjk", file=sys.stderr)
        return 2

    font = find_face(args.source, args.face)
    wanted = character_set(ROOT)
    cmap = font.getBestCmap()
    kept = sorted(ord(c) for c in wanted if ord(c) in cmap)
    missing = sorted(c for c in text_characters(ROOT) if ord(c) not in cmap and c.strip())

    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.hinting = False
    # horizontal text only: no vertical metrics or forms, no other locales' glyph variants
    options.layout_features = ["ccmp", "liga", "kern", "mark"]
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=kept)
    subsetter.subset(font)
    font.recalcTimestamp = False
    args.out.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.out.with_suffix(".tmp")
    font.save(str(temporary))
    temporary.replace(args.out)
    size = args.out.stat().st_size
    print(f"{args.out}: {len(kept)} characters, {size / 1e6:.2f} MB")
    if missing:
        print(f"not in the source font: {''.join(missing)!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
