"""Write ``indexer/extract/data/common_words.txt``: everyday English words, never names.

A development tool, not part of the package (issue 12, stop 21). The word list
is SCOWL's (Kevin Atkinson; Debian's ``wamerican``, ``/usr/share/dict/american-english``),
whose licence allows copying, changing and redistributing it with its notice
(kept in the output's header). Kept: lower-case ASCII words whose capitalized
form is not an entry of its own, so that words that are also names ("king",
"rice", "brown", "bush") are left out. The entity extractor uses it to tell a
band or a firm named with everyday words ("Velvet Revolver", "Weather Report")
from a person's name.

Usage: ``python bench/build_common_words.py [--words /usr/share/dict/american-english]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "indexer" / "extract" / "data" / "common_words.txt"
HEADER = """\
# Everyday English words (lower case, no word that is also written capitalized as a name),
# from SCOWL (Spell Checker Oriented Word Lists) as packaged by Debian's wamerican;
# built by bench/build_common_words.py. One word a line.
#
# Copyright 2000-2011 by Kevin Atkinson
# Permission to use, copy, modify, distribute and sell these word lists, the associated
# scripts, the output created from the scripts, and its documentation for any purpose is
# hereby granted without fee, provided that the above copyright notice appears in all
# copies and that both that copyright notice and this permission notice appear in
# supporting documentation. Kevin Atkinson makes no representations about the
# suitability of this array for any purpose. It is provided "as is" without express or
# implied warranty.
"""


def common_words(entries: list[str]) -> list[str]:
    """Lower-case ASCII words whose capitalized form is not an entry too."""
    present = set(entries)
    return sorted(
        word
        for word in present
        if word.isascii() and word.isalpha() and word.islower() and word.capitalize() not in present
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=Path, default=Path("/usr/share/dict/american-english"))
    args = parser.parse_args()
    entries = args.words.read_text(encoding="utf-8").split("\n")
    words = common_words(entries)
    OUT.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
