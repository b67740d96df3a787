"""The entity page lists first the stories most about the entity, as an entity search ranks.

A real index built by the real pipeline from text files written here: one
story is about Margit Halvorsen (named in its title, its lead, often); three
others name her once, late, beside the partners she shares with them. The
stories that merely mention her used to come first because they mention her
top partners.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer.pipeline import index_paths
from indexer.search.service import SearchService

FILLERS = (
    "Traders said the harbour was busy on Tuesday and freight rates were steady. "
    "Two new ferries are due in the spring, and the yard hired forty welders.",
    "Fuel costs fell for a third month, and the container terminal stayed open "
    "through the storm that closed the coastal road for two days.",
    "Salmon exports reached a record in the quarter while timber shipments "
    "slowed, and port fees will rise by four percent next year.",
)
STORIES = {
    "about.txt": "Halvorsen resigns from the Northfjord Fisheries Board\n\n"
    "The chair of the Northfjord Fisheries Board, Margit Halvorsen, resigned on Monday. "
    "Halvorsen said she had done what she came to do. Halvorsen, 61, led the board "
    "for nine years.\n",
    **{
        f"mention{i}.txt": f"Shipping news {i}\n\n"
        f"Bergen Line Shipping said cargo volumes in Stavanger rose. {filler} "
        "Analysts at Bergen Line Shipping expect more growth in Stavanger, "
        "Margit Halvorsen said in a note.\n"
        for i, filler in enumerate(FILLERS)
    },
    # Stories without her, so that her partners are unusually frequent with her.
    "other1.txt": "Ferry timetable\n\nThe winter ferry timetable starts in November, "
    "the operator said, with fewer crossings on Sundays.\n",
    "other2.txt": "Road works\n\nThe coastal road will close at night for repairs "
    "until the end of the month, the county said.\n",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    root = tmp_path_factory.mktemp("central")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in STORIES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index_paths([str(corpus)], str(root / "index"), workers=1)
    svc = SearchService(str(root / "index"))
    yield svc
    svc.close()


def test_the_story_about_the_entity_comes_first(service: SearchService) -> None:
    view = service.entity("person", "Margit Halvorsen")
    assert view is not None and view.total == 4
    titles = [article.title for article in view.articles]
    assert titles[0] == "Halvorsen resigns from the Northfjord Fisheries Board", titles
    assert sorted(titles[1:]) == ["Shipping news 0", "Shipping news 1", "Shipping news 2"]
