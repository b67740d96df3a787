"""Which gold organizations are news agencies (``evaluation.entities.agency_entities``)."""

from __future__ import annotations

from evaluation.entities import agency_entities


def test_news_agencies_are_found_among_gold_organizations() -> None:
    mentions = [
        ("organizations", "Xinhua", "xinhua"),
        ("organizations", "Qarn Tarn Council", "qarn tarn council"),
        ("organizations", "The Associated Press", "associated press"),
        ("organizations", "Xinhua", "xinhua"),
        ("people", "Reuters", "paul reuters"),  # only organizations count
    ]
    assert agency_entities(mentions) == {"xinhua", "associated press"}
    assert agency_entities([("organizations", "Qarn News Agency", "q")]) == set()
