"""Newswire vocabulary: the abbreviations wires write for everyday words.

Wire copy writes ``pct``, ``mln``, ``dlrs``, ``qtr``; people type
``percent``, ``million``, ``dollars``, ``quarter`` (and the other way
round, a reader of the wire types ``pct``). A plain query word is also
searched in the other spelling of its group, so either finds both.

The table is a short curated list of the standard abbreviations of
English-language news and financial wires (AP style, the business wires'
house abbreviations): it is not derived from any corpus's code lists, and
the search service only uses a form that occurs in the index it searches,
so a corpus that never abbreviates is never searched for abbreviations.
Words shorter than their abbreviations' ambiguity allows (``company``/``co``,
``revenue``/``rev``, ``estimate``/``est``) are left out on purpose: those
abbreviations are also names or other words.

Expansion applies to plain query words only, never inside a quoted phrase:
``"pct"`` or ``"50 percent"`` means exactly what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

__all__ = ["GROUPS", "expansions"]

#: (full forms, abbreviated forms): typing any member of one side also
#: searches every member of the other side.
GROUPS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("percent", "percentage"), ("pct",)),
    (("million", "millions"), ("mln", "mn")),
    (("billion", "billions"), ("bln", "bn")),
    (("trillion", "trillions"), ("trln",)),
    (("dollar", "dollars"), ("dlr", "dlrs")),
    (("cent", "cents"), ("ct", "cts")),
    (("share", "shares"), ("shr", "shrs")),
    (("quarter", "quarters"), ("qtr", "qtrs")),
    (("quarterly",), ("qtly", "qtr")),
    (("year", "years"), ("yr", "yrs")),
    (("month", "months"), ("mth", "mths")),
    (("week", "weeks"), ("wk", "wks")),
    (("government", "governments"), ("govt", "govts")),
    (("international",), ("intl",)),
    (("national",), ("natl",)),
    (("average", "averages"), ("avg",)),
    (("revenues",), ("revs",)),
    (("dividend", "dividends"), ("div", "divs")),
    (("operating",), ("oper",)),
    (("operations",), ("opers",)),
    (("previous", "previously"), ("prev",)),
    (("corporation",), ("corp",)),
    (("department",), ("dept",)),
    (("association",), ("assn",)),
    (("barrel", "barrels"), ("bbl", "bbls")),
    (("versus",), ("vs",)),
    (("including",), ("incl",)),
    (("approximately",), ("approx",)),
    (("first",), ("1st",)),
    (("second",), ("2nd",)),
    (("third",), ("3rd",)),
    (("fourth",), ("4th",)),
)


@cache
def _table() -> Mapping[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for full, short in GROUPS:
        for word in full:
            table.setdefault(word, []).extend(short)
        for word in short:
            table.setdefault(word, []).extend(full)
    return MappingProxyType({word: tuple(dict.fromkeys(forms)) for word, forms in table.items()})


def expansions(word: str) -> tuple[str, ...]:
    """The other spellings of the analyzed word ``word`` (empty when none).

    >>> expansions("percent"), expansions("dlrs"), expansions("oil")
    (('pct',), ('dollar', 'dollars'), ())
    """
    return _table().get(word, ())
