#!/usr/bin/env python3
"""Builds the CJK fallback font bundled with LoupeRender (a one-off tool, never run by Loupe).

1. Derives the character list: every hanzi of GB 2312 (6,763: the 3,755 common characters of level 1,
   rows 16-55, and the 3,008 of level 2, rows 56-87, read from Python's gb2312 codec), every hanzi that
   occurs at least MIN_COUNT times in the Chinese reviews of ../shared/data/zh (waimai_10k.csv,
   online_shopping_9cats.csv; this adds the traditional forms reviewers type), plus fixed blocks:
   Latin, Greek, Cyrillic, general punctuation, common symbols, CJK punctuation, kana and full-width
   forms. Writes it, one character per line in code-point order, to characters.txt.
2. Extracts the Simplified Chinese face of Debian's Noto Sans CJK Regular collection (fonts-noto-cjk)
   and subsets it to that list with fontTools' pyftsubset (outlines and hints kept; layout tables and
   vertical metrics dropped, since LoupeRender sets text with FreeType advances only).
3. Renames the result (a Modified Version under the SIL OFL 1.1; "Noto" is a Google trademark), keeping
   the copyright, licence and designer records.
4. Writes OFL.txt: the source face's copyright notice and the licence text from the Debian package's
   copyright file.

Usage (from the repository root; /tmp/peer holds fontTools):
    /tmp/peer/bin/python tools/cjk-font/build_subset.py \
        --data /work/shared/data/zh --out Sources/LoupeRender/Resources/Fonts
"""
import argparse
import collections
import csv
import os
import subprocess
import sys
import tempfile

from fontTools.ttLib import TTCollection, TTFont

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SOURCE_FACE = "Noto Sans CJK SC"
DEBIAN_COPYRIGHT = "/usr/share/doc/fonts-noto-cjk/copyright"
FONT_FILE = "LoupeFallbackSC-Regular.otf"
FAMILY = "Loupe Fallback SC"
POSTSCRIPT = "LoupeFallbackSC-Regular"
REVIEW_FILES = ["waimai_10k.csv", "online_shopping_9cats.csv"]
MIN_COUNT = 2

# Non-ideograph blocks kept whole (characters the source face lacks are skipped by pyftsubset).
BLOCKS = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x045F),  # Cyrillic (basic)
    (0x2000, 0x206F),  # General Punctuation (— … ‘ ’ “ ” ‰ ※)
    (0x20A0, 0x20BF),  # Currency symbols (€ ₩ ₹)
    (0x2100, 0x218F),  # Letterlike symbols, number forms (℃ № Ⅳ)
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical operators (× ÷ ≤ ≥ ≈ ∅)
    (0x2300, 0x23FF),  # Miscellaneous technical (⏎, which TokenLabel shows for line breaks)
    (0x2400, 0x243F),  # Control pictures (␣, TokenLabel's visible space)
    (0x2460, 0x24FF),  # Enclosed alphanumerics (① ⑩)
    (0x2500, 0x257F),  # Box drawing
    (0x25A0, 0x25FF),  # Geometric shapes (■ □ ▲ ○ ●)
    (0x2600, 0x26FF),  # Miscellaneous symbols (★ ☆ ♪)
    (0x2700, 0x27BF),  # Dingbats (✓ ✔ ❤)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation (、 。 《 》 「 」 【 】)
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3200, 0x32FF),  # Enclosed CJK letters and months (㈠ ㊣)
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms (， ！ ？ ： ； （ ） ０-９ Ａ-Ｚ)
]


def is_hanzi(ch):
    v = ord(ch)
    return 0x3400 <= v <= 0x4DBF or 0x4E00 <= v <= 0x9FFF or 0xF900 <= v <= 0xFAFF or 0x20000 <= v <= 0x3FFFF


def gb2312_hanzi(rows):
    chars = set()
    for row in rows:                       # row r is lead byte 0xA0 + r
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([0xA0 + row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass                       # the unused cells at the end of rows 55 and 87
    return chars


def review_counts(folder):
    counts = collections.Counter()
    for name in REVIEW_FILES:
        with open(os.path.join(folder, name), encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                counts.update(ch for ch in row["review"] if is_hanzi(ch))
    return counts


def licence_text(face):
    """The copyright notice of `face` followed by the SIL-1.1 licence paragraph of the Debian copyright file."""
    with open(DEBIAN_COPYRIGHT, encoding="utf-8") as f:
        lines = f.read().split("\n")
    # The last "License: SIL-1.1" line opens the stand-alone licence paragraph (the first names it for "Files: *").
    start = len(lines) - lines[::-1].index("License: SIL-1.1")
    body = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line == " ." else line[1:])
    notice = face["name"].getDebugName(0).replace("\u00a9", "Copyright")
    return (f"{notice} The original font is Noto Sans CJK SC (Noto is a trademark of Google Inc.).\n"
            f"This subset, {FAMILY}, is a Modified Version made for Loupe (see README.md).\n\n"
            + "\n".join(body).rstrip() + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with the zh review CSV files")
    parser.add_argument("--out", required=True, help="Sources/LoupeRender/Resources/Fonts")
    parser.add_argument("--pyftsubset", default=os.path.join(os.path.dirname(sys.executable), "pyftsubset"))
    args = parser.parse_args()

    counts = review_counts(args.data)
    level1 = gb2312_hanzi(range(16, 56))   # ordered by pinyin
    level2 = gb2312_hanzi(range(56, 88))   # ordered by radical
    frequent = {ch for ch, n in counts.items() if n >= MIN_COUNT}
    hanzi = level1 | level2 | frequent
    others = {chr(v) for lo, hi in BLOCKS for v in range(lo, hi + 1)}
    wanted = sorted(hanzi | others, key=ord)

    collection = TTCollection(SOURCE, recalcTimestamp=False)   # same input, same bytes
    face = next(f for f in collection.fonts if f["name"].getDebugName(1) == SOURCE_FACE)
    cmap = face.getBestCmap()
    present = [ch for ch in wanted if ord(ch) in cmap]

    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "sc.otf")
        face.save(full)
        text = os.path.join(tmp, "text.txt")
        with open(text, "w", encoding="utf-8") as f:
            f.write("".join(present))
        subset = os.path.join(tmp, "subset.otf")
        subprocess.run([args.pyftsubset, full, f"--text-file={text}", f"--output-file={subset}",
                        "--layout-features=", "--drop-tables+=GSUB,GPOS,GDEF,BASE,VORG,vhea,vmtx",
                        "--name-IDs=*", "--name-languages=*", "--notdef-outline"], check=True)
        font = TTFont(subset, recalcTimestamp=False)
        name = font["name"]
        version = face["name"].getDebugName(5)
        for record in list(name.names):
            if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
                name.removeNames(nameID=record.nameID)
        name.setName(FAMILY, 1, 3, 1, 0x409)
        name.setName("Regular", 2, 3, 1, 0x409)
        name.setName(f"{POSTSCRIPT};derived from NotoSansCJKsc-Regular {version}", 3, 3, 1, 0x409)
        name.setName(f"{FAMILY} Regular", 4, 3, 1, 0x409)
        name.setName(POSTSCRIPT, 6, 3, 1, 0x409)
        font["CFF "].cff.fontNames = [POSTSCRIPT]
        font.save(os.path.join(args.out, FONT_FILE))

    with open(os.path.join(args.out, "characters.txt"), "w", encoding="utf-8") as f:
        f.write("".join(ch + "\n" for ch in present))

    with open(os.path.join(args.out, "OFL.txt"), "w", encoding="utf-8") as f:
        f.write(licence_text(face))

    n_hanzi = sum(1 for ch in present if is_hanzi(ch))
    covered = sum(n for ch, n in counts.items() if ch in set(present))
    size = os.path.getsize(os.path.join(args.out, FONT_FILE))
    print(f"characters: {len(present)} ({n_hanzi} hanzi: {len(level1)} + {len(level2)} GB 2312 levels 1 + 2, "
          f"{len(frequent)} seen >= {MIN_COUNT} times in the reviews, {len(hanzi)} together; "
          f"{len(present) - n_hanzi} others)")
    print(f"hanzi occurrences in the reviews covered: {covered} of {sum(counts.values())} "
          f"({100 * covered / sum(counts.values()):.3f} %)")
    print(f"{FONT_FILE}: {size} bytes, {len(font.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main()
