"""Facet value aliases for search filters: ``place=usa`` means ``United States``.

The search service imports this module on every start, so it depends on
the standard library and the static tables only (no regexes compiled for
extraction, no NLP). Each table is built once and cached.

What a facet's table holds (keys lower-cased, values display names):

* ``place``: every gazetteer name and alias (``usa``, ``u.s.``, ``us``,
  ``america``, ``united states`` -> ``United States``; ``peking`` ->
  ``Beijing``) and every Reuters PLACES code (``el-salvador``).
* ``topic``: Reuters TOPICS codes and display names (``money-fx`` ->
  ``Money/Foreign Exchange``).
* ``organization``: Reuters ORGS and EXCHANGES codes, the known
  organizations and their aliases (``opec`` -> ``OPEC``, ``nyse`` -> ``New
  York Stock Exchange``, ``fed`` -> ``Federal Reserve``).
* ``person``: Reuters PEOPLE codes (``volcker`` -> ``Paul Volcker``,
  ``james-baker`` -> ``James Baker``) and the full names.
* ``dateline``: the city names and aliases of the gazetteer (a dateline is a
  city, sometimes with a region: ``Moscow, Russia``).
* ``source``: the known publisher spellings (``reuter`` -> ``Reuters``).

A display name always maps to itself, so a caller can resolve any user value
with ``facet_aliases(f).get(value.lower(), value)``. Where two entries want
the same key, the first table listed above wins (a Reuters code never
overrides a gazetteer name).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from indexer.extract.gazetteer import known_names, lookup_key, reuters_codes

__all__ = ["FACETS", "facet_aliases"]

FACETS = ("dateline", "person", "organization", "place", "topic", "source")

_SOURCES = {
    "reuter": "Reuters",
    "reuters": "Reuters",
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "afp": "AFP",
    "bbc": "BBC",
    "rappler": "Rappler",
    "rappler.com": "Rappler",
}


def _fold(table: dict[str, str], key: str, display: str) -> None:
    folded = lookup_key(key)
    if folded:
        table.setdefault(folded, display)


def _from_names(kind: str, table: dict[str, str]) -> None:
    names = known_names()[kind]
    for display in {*names.exact.values(), *names.folded.values()}:
        _fold(table, display, display)
    for key, display in names.exact.items():
        _fold(table, key, display)
    for key, display in names.folded.items():
        _fold(table, key, display)


def _from_codes(kinds: tuple[str, ...], table: dict[str, str]) -> None:
    for kind in kinds:
        for code, display in reuters_codes(kind).items():
            _fold(table, display, display)
            _fold(table, code, display)


def _build(facet: str) -> dict[str, str]:
    table: dict[str, str] = {}
    if facet in ("place", "dateline"):
        _from_names("place", table)
        _from_codes(("places",), table)
    elif facet == "organization":
        _from_names("organization", table)
        _from_codes(("orgs", "exchanges"), table)
    elif facet == "person":
        _from_codes(("people",), table)
        _from_names("person", table)
    elif facet == "topic":
        _from_codes(("topics",), table)
    elif facet == "source":
        table.update(_SOURCES)
        for display in set(_SOURCES.values()):
            _fold(table, display, display)
    return table


@functools.cache
def facet_aliases(facet: str) -> Mapping[str, str]:
    """Lower-cased alias -> display name for ``facet`` (see the module docstring).

    Raises ``ValueError`` for a facet not in :data:`FACETS`: asking for an
    unknown facet is a programming error, not a user's bad input.
    """
    if facet not in FACETS:
        raise ValueError(f"unknown facet {facet!r}; expected one of {', '.join(FACETS)}")
    return MappingProxyType(_build(facet))
