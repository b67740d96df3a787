"""Source-supplied tags (Reuters category codes, JSONL tag lists) as display names.

Reuters-21578 tags each story with lower-case codes: PLACES ``el-salvador``,
PEOPLE ``volcker``, ORGS ``opec``, EXCHANGES ``nyse``, TOPICS ``money-fx``.
The tables in ``data/reuters_*.tsv`` map them to the names the index shows
(``El Salvador``, ``Paul Volcker``, ``OPEC``, ``New York Stock Exchange``,
``Money/Foreign Exchange``).

A tag that is not a known code is still a tag someone chose (a JSONL
``places: ["Gotham"]``), so it is kept, tidied: known aliases are resolved
(``USA`` -> ``United States``) and a lower-case code is title-cased with its
hyphens as spaces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexer.extract.gazetteer import known_names, reuters_codes
from indexer.normalize import clean_text

__all__ = ["TagNames", "tag_names"]

# RawDocument.tags kind -> (Reuters code table, gazetteer kind for aliases).
_KINDS = {
    "places": ("places", "place"),
    "people": ("people", "person"),
    "orgs": ("orgs", "organization"),
    "exchanges": ("exchanges", "organization"),
    "topics": ("topics", None),
}


@dataclass(frozen=True, slots=True)
class TagNames:
    """Display names from a document's tags, by Article field."""

    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


def _display(code: str, table: str, alias_kind: str | None) -> str | None:
    text = clean_text(str(code)).replace("\n\n", " ")
    if not text or len(text) > 100:
        return None
    found = reuters_codes(table).get(text.lower())
    if found is None and alias_kind is not None:
        found = known_names()[alias_kind].get(text)
    if found is not None:
        return found
    if text.islower():
        return " ".join(word.capitalize() for word in text.replace("-", " ").split())
    return text


def _names(codes: Sequence[str], kind: str) -> list[str]:
    table, alias_kind = _KINDS[kind]
    names: list[str] = []
    for code in codes:
        name = _display(code, table, alias_kind)
        if name and name not in names:
            names.append(name)
    return names


def tag_names(tags: Mapping[str, Sequence[str]] | None) -> TagNames:
    """Map a RawDocument's ``tags`` to display names; unknown kinds are ignored."""
    if not tags:
        return TagNames()
    found = {kind: _names(tags.get(kind) or (), kind) for kind in _KINDS}
    organizations = found["orgs"] + [n for n in found["exchanges"] if n not in found["orgs"]]
    return TagNames(
        people=tuple(found["people"]),
        organizations=tuple(organizations),
        places=tuple(found["places"]),
        topics=tuple(found["topics"]),
    )
