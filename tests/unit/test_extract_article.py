"""build_article: every field filled, and no input makes it raise."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.extract import build_article
from indexer.ids import article_id
from indexer.model import Article, RawDocument


def raw(body: str = "", **fields: object) -> RawDocument:
    values: dict[str, object] = {"path": "/data/a.txt", "position": None, "format": "text"}
    values.update(fields)
    return RawDocument(body=body, **values)  # type: ignore[arg-type]


def test_reuters_story() -> None:
    doc = raw(
        "Showers continued in the Bahia cocoa zone, Comissaria Smith said in its review.\n\n"
        "Destinations were the U.S. and Uruguay.\n\nReuter",
        path="reut2-000.sgm",
        position=1,
        format="reuters",
        title="BAHIA COCOA REVIEW",
        date="26-FEB-1987 15:01:01.79",
        dateline="    SALVADOR, Feb 26 - ",
        source="Reuters",
        native_id="1",
        author="    by Janie Gabbett, Reuters",
        tags={"topics": ("cocoa",), "places": ("el-salvador", "usa", "uruguay"), "people": ()},
    )
    article = build_article(doc)
    assert article == Article(
        id="reuters-1",
        title="BAHIA COCOA REVIEW",
        body=(
            "Showers continued in the Bahia cocoa zone, Comissaria Smith said in its review.\n\n"
            "Destinations were the U.S. and Uruguay.\n\nReuter"
        ),
        origin="reut2-000.sgm#1",
        path="reut2-000.sgm",
        date="1987-02-26T15:01:01",
        date_source="metadata",
        dateline="Salvador",
        source="Reuters",
        url=None,
        author="Janie Gabbett",
        people=(),
        # "Reuter" is the signature, not a mention; "its" makes Comissaria Smith a company.
        organizations=("Comissaria Smith",),
        places=("Salvador", "Bahia", "United States", "Uruguay", "El Salvador"),
        topics=("Cocoa",),
        name_variants=(("place", "United States", "U.S."),),
    )


def test_html_like_document_uses_url_and_metadata() -> None:
    doc = raw(
        "LONDON (Reuters) - Prime Minister Margaret Thatcher said on Tuesday. "
        "(Reporting by Jane Doe; Editing by John Roe)",
        format="html",
        url="https://www.bbc.co.uk/news/2019/03/28/story",
        date="2024-05-01T10:00:00+02:00",
    )
    article = build_article(doc)
    assert article.date == "2024-05-01T10:00:00+02:00"
    assert article.dateline == "London"
    assert article.source == "BBC"
    assert article.url == "https://www.bbc.co.uk/news/2019/03/28/story"
    assert article.people == ("Margaret Thatcher",)
    assert article.title.startswith("Prime Minister Margaret Thatcher said")


def test_dateline_city_is_spelled_as_the_gazetteer_spells_it() -> None:
    doc = raw("China said.", format="reuters", dateline="    PEKING, March 3 - ")
    assert build_article(doc).dateline == "Beijing"


def test_date_falls_back_to_url_then_text() -> None:
    assert build_article(raw("x", url="https://e.com/2019/03/28/a")).date == "2019-03-28"
    assert build_article(raw("Filed March 3, 2001. More.")).date == "2001-03-03"
    assert build_article(raw("x", date="Feb 30, 2019")).date is None


def test_id_and_origin_come_from_the_raw_document() -> None:
    doc = raw("text", path="/x/y.jsonl", position=7, format="jsonl", native_id="abc-1")
    article = build_article(doc)
    assert article.id == article_id(doc) == "abc-1"
    assert article.origin == "/x/y.jsonl#7"


def test_empty_document() -> None:
    article = build_article(raw("", path="/data/empty.txt"))
    assert article.title == "empty.txt"
    assert article.body == ""
    assert (article.date, article.dateline, article.source) == (None, None, None)


def test_garbage_everywhere() -> None:
    doc = raw(
        "\x00\x01\ud800 " * 1000 + "Москва 東京 " * 100,
        title="\x00",
        date="year 3000",
        dateline="\x07\x07",
        url="http://[bad",
        author="\x00",
        tags={"places": ("\x00",), "topics": ("",)},
    )
    article = build_article(doc)
    assert article.title
    assert article.date is None
    assert article.url == "http://[bad"


def test_huge_document() -> None:
    body = "Donald Trump met Juan Guaido in Caracas on March 3, 2019. " * 50_000
    article = build_article(raw(body))
    assert len(article.body) > 2_000_000
    assert article.people == ("Donald Trump", "Juan Guaido")
    assert article.date == "2019-03-03"


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\x00\ud800&<>–—’\n "),
    max_size=300,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=_text,
    title=st.none() | _text,
    date=st.none() | _text,
    dateline=st.none() | _text,
    url=st.none() | _text,
    source=st.none() | _text,
    tag=_text,
)
def test_never_raises(
    body: str,
    title: str | None,
    date: str | None,
    dateline: str | None,
    url: str | None,
    source: str | None,
    tag: str,
) -> None:
    doc = raw(
        body,
        title=title,
        date=date,
        dateline=dateline,
        url=url,
        source=source,
        tags={"places": (tag,), "people": (tag,), "topics": (tag,)},
    )
    article = build_article(doc)
    assert article.title
    if article.date:
        year = int(article.date[:4])
        assert 1800 <= year <= dt.date.today().year + 1


def test_no_field_keeps_a_lone_surrogate() -> None:
    bad = "X\ud800Y"
    doc = raw(
        f"Donald Trump{bad} met Juan Guaido.",
        title=bad,
        date=bad,
        dateline=f"MOSCOW{bad}, March 3 -",
        source=f"Daily{bad}",
        url=f"https://e.com/{bad}",
        author=bad,
        tags={"places": (bad,), "people": (bad,), "orgs": (bad,), "topics": (bad,)},
    )
    article = build_article(doc)
    for value in (getattr(article, name) for name in Article.__slots__):
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str):
                text.encode("utf-8")  # raises on a lone surrogate
