"""Write ``indexer/extract/data/given_names_census.txt``: common US given names.

A development tool, not part of the package (issue 12, stop 22). The
hand-made ``first_names.txt`` (755 names) misses common English given names
("Lydia", "Kyle", "Jenny"), so "Lydia Buchtmann for Food Standards Australia
New Zealand" was neither a person nor an organization. Source: the 1990 US
Census name frequency files (``dist.male.first``, ``dist.female.first``; US
government data, public domain) as shipped by the MIT-licensed ``names``
package (install it by hand: ``pip install names==0.3.0``). Kept: the 300
most frequent names of each file that are not everyday English words
(``common_words.txt``), known places ("Georgia", "Chad"), months or weekdays
("April", "June"), or words the extractor reads as titles, organization head
words or stop words.

Usage: ``python bench/build_given_names.py [--top 300]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indexer.extract import entities  # noqa: E402
from indexer.extract.gazetteer import common_words, known_names  # noqa: E402

OUT = ROOT / "indexer" / "extract" / "data" / "given_names_census.txt"
HEADER = """\
# Common US given names (the most frequent of each sex in the 1990 US Census name files,
# public domain, as shipped by the MIT-licensed `names` package), without everyday words,
# known places, months and weekdays. Built by bench/build_given_names.py; used with the
# hand-made first_names.txt by the entity rules (not by the tagger, whose weights were
# trained with the hand-made list). One name a line.
"""


def given_names(files: list[Path], top: int) -> list[str]:
    """The ``top`` most frequent names of each file that the rules can take as given names."""
    everyday = common_words()
    places = known_names()["place"]
    excluded = (
        entities._STOP
        | entities._WEEKDAYS_MONTHS
        | entities._TITLES
        | entities._ORG_HEADS
        | entities._CONNECTORS
    )
    found: set[str] = set()
    for path in files:
        lines = path.read_text(encoding="ascii").splitlines()[:top]
        for line in lines:
            name = line.split()[0].capitalize()
            if name.lower() in everyday or places.get(name) is not None or name in excluded:
                continue
            found.add(name)
    return sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=300)
    args = parser.parse_args()
    import names  # type: ignore[import-not-found]  # a development dependency, installed by hand

    folder = Path(names.__file__).parent
    files = [folder / "dist.male.first", folder / "dist.female.first"]
    found = given_names(files, args.top)
    OUT.write_text(HEADER + "\n".join(found) + "\n", encoding="utf-8")
    print(f"{len(found)} names -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
