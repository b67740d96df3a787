"""Places named as sports teams in a match report (``indexer.extract.teams``)."""

from __future__ import annotations

from indexer.extract.entities import Entities, extract_entities
from indexer.extract.teams import teams


def ents(text: str) -> Entities:
    return extract_entities(["", text])


def test_the_sides_of_a_result_are_teams_not_places() -> None:
    found = ents(
        "On day three of the football World Cup, Norway defeated Chile 2 – 1 and Peru lost "
        "0 – 3 to Portugal. Group C — Norway 2 – 1 Chile. The match was played at the "
        "national stadium."
    )
    assert set(found.organizations) >= {"Norway", "Chile", "Peru", "Portugal"}
    assert not {"Norway", "Chile", "Peru", "Portugal"} & set(found.places)


def test_a_team_the_story_also_places_stays_a_place() -> None:
    found = ents(
        "The cup final was held in Portugal. Portugal beat Norway 2-0 with a late goal; "
        "fans from Norway left early."
    )
    assert {"Portugal", "Norway"} <= set(found.organizations)
    assert {"Portugal", "Norway"} <= set(found.places)


def test_no_score_or_no_sport_no_teams() -> None:
    # A trade story: a country "beat" another at exports, with a price range in it.
    found = ents(
        "Japan beat the United States in chip sales last year, and prices rose 1-1/2 to "
        "54-1/8. The board voted 5-4 to approve the plan."
    )
    assert found.organizations == ()
    assert {"Japan", "United States"} <= set(found.places)
    # A score without words of sport: an election tally read as places.
    assert teams("Norway won 12-10 in the vote against Chile.", [("Norway", ())]) == (set(), set())


def test_spellings_of_a_place_count_as_its_name() -> None:
    text = "In the first game, Sweden 1 – 0 Korea Republic, a goal from a penalty."
    found, located = teams(text, [("South Korea", ("Korea Republic",)), ("Sweden", ())])
    assert found == {"South Korea", "Sweden"} and located == set()
