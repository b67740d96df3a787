"""Static name tables: places, organizations, people, given names.

Everything here is read once from ``indexer/extract/data`` (standard library
only, so the search service can import :mod:`indexer.extract.aliases`
cheaply) and then never changes: the tables are frozen mappings returned by
cached loaders, not module-level mutable state.

Lookup keys come in two kinds, because case carries meaning for short
names. An alias written in capitals with at most six letters (``OPEC``,
``U.S.``, ``EC``) is matched only as written: ``Who`` at the start of a
sentence is not the World Health Organization and "us" is not the United
States. Every other alias is matched case-insensitively (``NEW YORK`` in a
Reuters headline is New York).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

__all__ = [
    "AllNames",
    "Names",
    "all_names",
    "common_words",
    "countries",
    "first_names",
    "hand_first_names",
    "is_exact_alias",
    "known_names",
    "lookup_key",
    "reuters_codes",
    "solo_surnames",
]


def lookup_key(text: str) -> str:
    """The case-folded key of a multi-letter name: lower case, single spaces."""
    return " ".join(text.replace("’", "'").split()).lower()


def is_exact_alias(alias: str) -> bool:
    """True for short all-capitals aliases, which match only as written."""
    return alias.isupper() and _letter_count(alias) <= 6


def _letter_count(text: str) -> int:
    # Cheap upper bound on the letters of a name: punctuation that names use removed.
    return len(text.replace(".", "").replace(" ", "").replace("-", "").replace("'", ""))


def _is_capitalized_word(text: str) -> bool:
    """``IRAN``, ``NEW YORK``: a name in capitals, not an acronym (four letters or more)."""
    return "." not in text and _letter_count(text) >= 4


def _rows(name: str) -> Iterator[list[str]]:
    text = resources.files("indexer.extract").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield [field.strip() for field in line.split("\t")]


def _aliases(field: str) -> list[str]:
    return [alias.strip() for alias in field.split("|") if alias.strip()]


@dataclass(frozen=True)
class Names:
    """Known names of one kind: ``exact`` (case-sensitive) and ``folded`` keys."""

    exact: Mapping[str, str]
    folded: Mapping[str, str]

    def get(self, text: str) -> str | None:
        """The display name for ``text`` as written, or ``None``."""
        found = self.exact.get(text)
        if found is None and (not is_exact_alias(text) or _is_capitalized_word(text)):
            found = self.folded.get(text.lower())
            if found is None and ("’" in text or "  " in text or text != text.strip()):
                found = self.folded.get(lookup_key(text))
        return found


class _Builder:
    def __init__(self) -> None:
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}

    def add(self, alias: str, display: str) -> None:
        if is_exact_alias(alias):
            self.exact.setdefault(alias, display)
        else:
            self.folded.setdefault(lookup_key(alias), display)

    def freeze(self) -> Names:
        return Names(MappingProxyType(self.exact), MappingProxyType(self.folded))


def _places() -> Names:
    builder = _Builder()
    for row in _rows("places.tsv"):
        display = row[0]
        builder.add(display, display)
        for alias in _aliases(row[2] if len(row) > 2 else ""):
            builder.add(alias, display)
    # Provinces and cities of 100,000+ (bench/build_places_extra.py); the main
    # table's names come first.
    for row in _rows("places_extra.tsv"):
        builder.add(row[0], row[0])
    return builder.freeze()


def _organizations() -> Names:
    builder = _Builder()
    for name in ("reuters_orgs.tsv", "reuters_exchanges.tsv"):
        for row in _rows(name):
            builder.add(row[1], row[1])
            for alias in _aliases(row[2] if len(row) > 2 else ""):
                builder.add(alias, row[1])
    for row in _rows("known_orgs.tsv"):
        builder.add(row[0], row[0])
        for alias in _aliases(row[1] if len(row) > 1 else ""):
            builder.add(alias, row[0])
    return builder.freeze()


def _people() -> Names:
    builder = _Builder()
    for row in _rows("reuters_people.tsv"):
        builder.add(row[1], row[1])
    return builder.freeze()


@functools.cache
def countries() -> frozenset[str]:
    """Display names of the countries in the place table ("United States")."""
    return frozenset(row[0] for row in _rows("places.tsv") if len(row) > 1 and row[1] == "country")


@functools.cache
def known_names() -> Mapping[str, Names]:
    """Known names by kind: ``place``, ``organization``, ``person``."""
    return MappingProxyType(
        {"place": _places(), "organization": _organizations(), "person": _people()}
    )


@dataclass(frozen=True)
class AllNames:
    """Every known name of every kind in two maps, for one lookup per candidate.

    Values are ``(kind, display)``; where kinds share a key, organizations
    win over places and places over people (``Bank of England`` is not a place).
    ``openers`` holds the lower-cased first words of multi-word names, so a
    scan can skip trying longer names at words that start none.
    """

    exact: Mapping[str, tuple[str, str]]
    folded: Mapping[str, tuple[str, str]]
    openers: frozenset[str]

    def get(self, text: str) -> tuple[str, str] | None:
        """``(kind, display)`` for ``text`` as written (see :meth:`Names.get`)."""
        found = self.exact.get(text)
        if found is None and (not is_exact_alias(text) or _is_capitalized_word(text)):
            found = self.folded.get(text.lower())
        return found


@functools.cache
def all_names() -> AllNames:
    """The known names of :func:`known_names`, merged (see :class:`AllNames`)."""
    exact: dict[str, tuple[str, str]] = {}
    folded: dict[str, tuple[str, str]] = {}
    for kind in ("organization", "place", "person"):
        names = known_names()[kind]
        for key, display in names.exact.items():
            exact.setdefault(key, (kind, display))
        for key, display in names.folded.items():
            folded.setdefault(key, (kind, display))
    openers = frozenset(key.split(" ")[0].lower() for key in (*exact, *folded) if " " in key)
    return AllNames(MappingProxyType(exact), MappingProxyType(folded), openers)


@functools.cache
def solo_surnames() -> Mapping[str, str]:
    """Surnames that identify a well-known person alone (``Volcker`` -> ``Paul Volcker``).

    Keys are as written in running text (``Volcker``); common surnames are
    absent (see ``reuters_people.tsv``).
    """
    table = {row[2]: row[1] for row in _rows("reuters_people.tsv") if len(row) > 2 and row[2]}
    return MappingProxyType(table)


@functools.cache
def first_names() -> frozenset[str]:
    """Given names that make a capitalized span a person's name: the hand-made list and
    common US given names (``given_names_census.txt``, built by
    ``bench/build_given_names.py``)."""
    names = set(hand_first_names())
    for row in _rows("given_names_census.txt"):
        names.update(" ".join(row).split())
    return frozenset(names)


@functools.cache
def hand_first_names() -> frozenset[str]:
    """The hand-made given names alone: the span tagger's "given name" feature was
    trained with this list, so it keeps reading this one."""
    names: set[str] = set()
    for row in _rows("first_names.txt"):
        names.update(" ".join(row).split())
    return frozenset(names)


@functools.cache
def common_words() -> frozenset[str]:
    """Everyday English words that are never written as names (SCOWL; see the file's
    header): a name made only of them ("Velvet Revolver") is not a person's."""
    text = resources.files("indexer.extract").joinpath("data", "common_words.txt")
    lines = text.read_text(encoding="utf-8").split("\n")
    return frozenset(line for line in lines if line and not line.startswith("#"))


_CODE_FILES = {
    "places": ("reuters_places.tsv", 1),
    "people": ("reuters_people.tsv", 1),
    "orgs": ("reuters_orgs.tsv", 1),
    "exchanges": ("reuters_exchanges.tsv", 1),
    "topics": ("reuters_topics.tsv", 1),
}


@functools.cache
def reuters_codes(kind: str) -> Mapping[str, str]:
    """Reuters-21578 category codes of ``kind`` (``places``, ``people``, ``orgs``,
    ``exchanges``, ``topics``) -> display name."""
    file_name, column = _CODE_FILES[kind]
    return MappingProxyType({row[0]: row[column] for row in _rows(file_name)})
