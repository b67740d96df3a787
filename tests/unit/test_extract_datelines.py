"""Datelines: the filing place, normalized; no false positives on ordinary leads."""

from __future__ import annotations

import pytest

from indexer.extract.datelines import dateline_from_lead, normalize_dateline, title_case_place


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("    SALVADOR, Feb 26 - ", "Salvador"),
        ("NEW YORK, March 3 -", "New York"),
        # Asterisks some wire systems put before a dateline are not the place.
        ("    ****RIO DE JANEIRO, March 5 - ", "Rio de Janeiro"),
        ("NEW YORK, MARCH 20 -", "New York"),
        ("omaha, april 7 -", "Omaha"),
        ("STAMFORD, Conn., March 3 - ", "Stamford, Conn."),
        ("MINNEAPOLIS, MINN., April 1 -", "Minneapolis, Minn."),
        ("ST. LOUIS, Feb 27 -", "St. Louis"),
        ("WASHINGTON, D.C., March 2 -", "Washington, D.C."),
        ("RIO DE JANEIRO, March 2 -", "Rio de Janeiro"),
        ("PORT-AU-PRINCE, March 2 -", "Port-au-Prince"),
        ("WINSTON-SALEM, N.C., Mar 3 -", "Winston-Salem, N.C."),
        ("MCLEAN, Va., Feb 3 - ", "McLean, Va."),
        ("Toronto, March 3 -", "Toronto"),
        ("    NEW YORK, FEb 26 - ", "New York"),
        ("    RYE BROOK, N.Y., MArch 2 - ", "Rye Brook, N.Y."),
        ("    AMSTERDAM, 2 March - ", "Amsterdam"),
        ("    NEW YORK, Narch 2 - ", "New York"),
        ("    OKLAHOMA CITY, Okla. March 11, Reuter - ", "Oklahoma City, Okla."),
        ("    THE HAGUE, March 2 - Dutch imports of fat- ", "The Hague"),
        ("    MARIETTA, Pa., March 6 - ", "Marietta, Pa."),
        ("    AUGUSTA, Ga., March 20 - ", "Augusta, Ga."),
        ("    DALLAS/FORT WORTH AIRPORT, Texas, March 2 - ", "Dallas/Fort Worth Airport, Texas"),
        ("APRIL 7 -", None),
        ("MAR8 -- --", None),
        ("", None),
        (None, None),
        ("12345", None),
    ],
)
def test_normalize_dateline(raw: str | None, expected: str | None) -> None:
    assert normalize_dateline(raw) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NEW YORK", "New York"),
        ("ST. LOUIS", "St. Louis"),
        ("U.K.", "U.K."),
        ("DAR ES SALAAM", "Dar es Salaam"),
        ("KING OF PRUSSIA", "King of Prussia"),
        ("McAllen", "McAllen"),
        ("La Paz", "La Paz"),
    ],
)
def test_title_case_place(name: str, expected: str) -> None:
    assert title_case_place(name) == expected


def _known(name: str) -> bool:
    return name in {"Moscow", "Rome", "Paris"}


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("MOSCOW, Russia – The presence of Russian troops", "Moscow, Russia"),
        ("WASHINGTON (Reuters) - The Senate voted", "Washington"),
        ("NEW YORK, March 3 (Reuters) - Stocks fell", "New York"),
        ("BEIJING, Oct 2 (AP) -- China said", "Beijing"),
        ("LONDON — Britain said", "London"),
        ("ROME - The pope said", "Rome"),
        ("Moscow – The Kremlin said", "Moscow"),
        # Not datelines:
        ("The president said - no more", None),
        ("Boston – the city – said", None),  # title case and not a known place
        ("IBM - The company said", None),  # a short unknown word in capitals: an acronym
        ("I AM - what", None),
        ("THE END - of story", None),
        ("Mr Smith, the CEO - said", None),
        ("", None),
        (None, None),
        ("No dash at all in this lead.", None),
    ],
)
def test_dateline_from_lead(lead: str | None, expected: str | None) -> None:
    assert dateline_from_lead(lead, _known) == expected


def test_dateline_from_lead_on_huge_input() -> None:
    assert dateline_from_lead("A" * 1_000_000, _known) is None


def test_a_capitalised_headline_is_not_a_dateline() -> None:
    from indexer.extract.datelines import dateline_from_lead

    assert dateline_from_lead("U.S. COCOA MERCHANT SPOT PRICES - APRIL 7 spot prices") is None
    assert dateline_from_lead("SALT LAKE CITY, March 3 - The council said") == "Salt Lake City"
