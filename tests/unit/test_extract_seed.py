"""The seed article, as the text reader hands it over, through build_article."""

from __future__ import annotations

from pathlib import Path

from indexer.extract import build_article
from indexer.model import RawDocument

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_016a2371f453d592.txt"


def seed_document() -> RawDocument:
    """Format "text": the "Published ..." line is the date; the body follows the blank line."""
    first, _, rest = SEED.read_text(encoding="utf-8").partition("\n")
    return RawDocument(
        path=str(SEED),
        position=None,
        format="text",
        body=rest.removeprefix("\n"),
        title=None,
        date=first.removeprefix("Published ").strip(),
    )


def test_seed_article() -> None:
    article = build_article(seed_document())
    assert article.date == "2019-03-28T19:42"
    assert article.dateline == "Moscow, Russia"
    assert article.source == "Rappler"
    assert {
        "Donald Trump",
        "Juan Guaido",
        "Nicolas Maduro",
        "Maria Zakharova",
        "Mike Pompeo",
        "Sergei Lavrov",
        "Jose Rafael Torrealba Perez",
    } <= set(article.people)
    assert {"Russia", "Venezuela", "United States", "China", "Cuba", "Caracas", "Moscow"} <= set(
        article.places
    )
    # RIA Novosti is named as the source of a report: a news agency, not a facet value.
    assert "RIA Novosti" not in article.organizations
    assert article.title.startswith("The presence of Russian troops in Venezuela")
    assert len(article.title) <= 120


def test_seed_has_no_junk() -> None:
    article = build_article(seed_document())
    values = {*article.people, *article.organizations, *article.places}
    junk = {"Thursday", "Wednesday", "Published", "She", "He", "March", "Russian", "Trump"}
    assert not values & junk
    assert len(article.people) == len(set(article.people))
