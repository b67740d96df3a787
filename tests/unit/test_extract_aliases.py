"""facet_aliases and the tag tables: what the search service and the pipeline rely on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from indexer.extract.aliases import FACETS, facet_aliases
from indexer.extract.reuters_codes import TagNames, tag_names


@pytest.mark.parametrize(
    ("facet", "alias", "display"),
    [
        ("place", "usa", "United States"),
        ("place", "u.s.", "United States"),
        ("place", "us", "United States"),
        ("place", "united states", "United States"),
        ("place", "el-salvador", "El Salvador"),
        ("place", "uk", "United Kingdom"),
        ("place", "britain", "United Kingdom"),
        ("place", "ussr", "Soviet Union"),
        ("place", "peking", "Beijing"),
        ("dateline", "new york", "New York"),
        ("topic", "money-fx", "Money/Foreign Exchange"),
        ("topic", "money/foreign exchange", "Money/Foreign Exchange"),
        ("topic", "cocoa", "Cocoa"),
        ("organization", "opec", "OPEC"),
        ("organization", "organization of petroleum exporting countries", "OPEC"),
        ("organization", "nyse", "New York Stock Exchange"),
        ("organization", "fed", "Federal Reserve"),
        ("organization", "worldbank", "World Bank"),
        ("person", "reagan", "Ronald Reagan"),
        ("person", "volcker", "Paul Volcker"),
        ("person", "james-baker", "James Baker"),
        ("person", "paul volcker", "Paul Volcker"),
        ("source", "reuter", "Reuters"),
    ],
)
def test_facet_aliases(facet: str, alias: str, display: str) -> None:
    assert facet_aliases(facet)[alias] == display


def test_every_facet_has_a_table_and_display_names_map_to_themselves() -> None:
    for facet in FACETS:
        table = facet_aliases(facet)
        assert all(key == key.lower() for key in table)
        for display in set(table.values()):
            assert table[display.lower()] == display


def test_unknown_facet_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown facet"):
        facet_aliases("colour")


def test_aliases_module_stays_light() -> None:
    code = (
        "import sys, indexer.extract.aliases as a; a.facet_aliases('place');"
        "heavy = [m for m in ('dateutil', 'indexer.extract.entities', 'indexer.extract.article')"
        " if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_tag_names() -> None:
    tags = {
        "places": ("el-salvador", "usa", "usa", "Gotham"),
        "people": ("reagan", "volcker", "some-one"),
        "orgs": ("opec",),
        "exchanges": ("nyse",),
        "topics": ("money-fx", "cocoa"),
    }
    assert tag_names(tags) == TagNames(
        people=("Ronald Reagan", "Paul Volcker", "Some One"),
        organizations=("OPEC", "New York Stock Exchange"),
        places=("El Salvador", "United States", "Gotham"),
        topics=("Money/Foreign Exchange", "Cocoa"),
    )


def test_tag_names_on_odd_input() -> None:
    assert tag_names(None) == TagNames()
    assert tag_names({}) == TagNames()
    assert tag_names({"places": ("", "  ", "x" * 500), "colours": ("red",)}) == TagNames()
    assert tag_names({"places": ("USA", "U.K.")}).places == ("United States", "United Kingdom")
