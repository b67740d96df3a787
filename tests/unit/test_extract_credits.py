"""Source: credit line, then the format's source, then the URL's site."""

from __future__ import annotations

import pytest

from indexer.extract.credits import extract_source, source_from_credit, source_from_url, tidy_source


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("In 2011, Russia gave Venezuela a loan. – Rappler.com", "Rappler"),
        ("The deal was signed.\n\n— Reuters", "Reuters"),
        ("Final figures are due.\n\nReuter", "Reuters"),
        ("Final figures are due. REUTER", "Reuters"),
        ("The deal was signed - Xinhua", "Xinhua"),
        ("The story.\n\n(Reporting by Jane Doe; Editing by John Roe)", None),
        ("The story - Reporting by Jane Doe", None),
        ("He said - and left.", None),
        ("UNEMPLOYMENT FELL 44,100 TOTAL 3.07 MLN OR 11.1 PCT - OFFICIAL", None),
        ("Text.\n\n– Daily Planet", "Daily Planet"),
        ("An ordinary last sentence.", None),
        ("", None),
        (None, None),
    ],
)
def test_source_from_credit(body: str | None, expected: str | None) -> None:
    assert source_from_credit(body) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.bbc.co.uk/news/world-123", "BBC"),
        ("https://www.rappler.com/world/x", "Rappler"),
        ("https://edition.cnn.com/2019/03/28/x", "CNN"),
        ("https://www.nytimes.com/2019/03/28/x.html", "The New York Times"),
        ("https://www.abc.net.au/news", "ABC"),
        ("https://news.example.org/x", "Example"),
        ("http://127.0.0.1/x", None),
        ("not a url", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_source_from_url(url: str | None, expected: str | None) -> None:
    assert source_from_url(url) == expected


def test_order_of_trust() -> None:
    body = "Text. – Rappler.com"
    assert extract_source(body, "Reuters", "https://bbc.co.uk/x") == "Rappler"
    assert extract_source("Text.", "Reuters", "https://bbc.co.uk/x") == "Reuters"
    assert extract_source("Text.", None, "https://www.bbc.co.uk/x") == "BBC"
    assert extract_source("Text.", "  ", None) is None


def test_tidy_source() -> None:
    assert tidy_source(" reuter ") == "Reuters"
    assert tidy_source("Rappler.com") == "Rappler"
    assert tidy_source("x" * 500) is None
    assert tidy_source("") is None
