"""The fast segment writer must write exactly what Whoosh's own writer writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from index_compare import assert_same_term_info
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import QueryParser
from whoosh.writing import SegmentWriter

from indexer.fastwrite import FastSegmentWriter
from indexer.model import Article
from indexer.schema import build_schema
from indexer.writer import article_fields

WORDS = (
    "oil prices rose sharply after opec ministers met in vienna while the dollar "
    "fell against the yen and coffee cocoa sugar futures were mixed said traders "
    # Non-ASCII terms: the fast path sorts str terms, Whoosh sorts their UTF-8 bytes.
    "αθήνα 東京 zoë ﬁnance ølje"
).split()


def make_articles(count: int) -> list[Article]:
    articles = []
    for n in range(count):
        # Varied lengths and term frequencies, some terms in many documents
        # (several posting blocks), some in one.
        body = " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(5 + n % 60))
        body += f" unique{n} " + ("oil " * (n % 5))
        articles.append(
            Article(
                id=f"doc-{n}",
                title=f"Story {n} about {WORDS[n % len(WORDS)]}",
                body=body if n % 17 else "",
                origin=f"/x/file.jsonl#{n}",
                path="/x/file.jsonl",
                date=f"1987-03-{1 + n % 28:02d}T10:00:00",
                dateline=("London", "Tokyo", None)[n % 3],
                people=("Paul Volcker",) if n % 4 == 0 else (),
                places=("United States", "Japan")[: n % 3],
                topics=("crude",) if n % 2 else ("coffee", "cocoa"),
                source="Reuters",
            )
        )
    return articles


def build(directory: Path, writer_class: type, articles: list[Article]) -> FileStorage:
    directory.mkdir()
    storage = FileStorage(str(directory))
    ix = storage.create_index(build_schema(), indexname="MAIN")
    writer = writer_class(ix) if writer_class is FastSegmentWriter else SegmentWriter(ix)
    for article in articles:
        writer.add_document(**article_fields(article, "key"))
    writer.commit()
    return storage


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    articles = make_articles(700)
    root = tmp_path_factory.mktemp("fastwrite")
    stock = build(root / "stock", SegmentWriter, articles).open_index("MAIN")
    fast = build(root / "fast", FastSegmentWriter, articles).open_index("MAIN")
    return stock, fast


def test_same_postings_for_every_term(pair) -> None:  # type: ignore[no-untyped-def]
    stock, fast = pair
    with stock.reader() as a, fast.reader() as b:
        for fieldname in ("title", "body", "places", "topics", "people", "id", "path"):
            terms_a = list(a.lexicon(fieldname))
            assert terms_a == list(b.lexicon(fieldname)), fieldname
            assert terms_a, fieldname
            for term in terms_a:
                assert_same_term_info(a, b, fieldname, term)
                ma, mb = a.postings(fieldname, term), b.postings(fieldname, term)
                assert ma.block_max_weight() == mb.block_max_weight()
                assert ma.block_min_length() == mb.block_min_length()
                assert ma.block_max_length() == mb.block_max_length()


def test_same_positions_and_search_results(pair) -> None:  # type: ignore[no-untyped-def]
    stock, fast = pair
    with stock.searcher() as a, fast.searcher() as b:
        ma, mb = a.reader().postings("body", "oil"), b.reader().postings("body", "oil")
        assert list(ma.items_as("positions")) == list(mb.items_as("positions"))
        parser = QueryParser("body", stock.schema)
        for text in ["oil", "oil prices", '"coffee cocoa"', "yen OR vienna", "unique5"]:
            query = parser.parse(text)
            hits_a = [(h["id"], round(h.score, 5)) for h in a.search(query, limit=50)]
            hits_b = [(h["id"], round(h.score, 5)) for h in b.search(query, limit=50)]
            assert hits_a == hits_b, text
            assert hits_a, text


def test_compressed_blocks_read_back_the_same(tmp_path: Path) -> None:
    """With Whoosh's default compression (used if a codec asks for it)."""
    from whoosh.codec.whoosh3 import W3Codec

    articles = make_articles(300)
    stock = build(tmp_path / "stock", SegmentWriter, articles).open_index("MAIN")
    (tmp_path / "fast").mkdir()
    ix = FileStorage(str(tmp_path / "fast")).create_index(build_schema(), indexname="MAIN")
    writer = FastSegmentWriter(ix, codec=W3Codec(compression=3))
    for article in articles:
        writer.add_document(**article_fields(article, "key"))
    writer.commit()
    with stock.reader() as a, ix.reader() as b:
        for term in list(a.lexicon("body"))[:200]:
            assert list(a.postings("body", term).items_as("positions")) == list(
                b.postings("body", term).items_as("positions")
            )


def test_text_field_fed_both_strings_and_token_lists(tmp_path: Path) -> None:
    """Pre-tokenized values take Whoosh's own path; the two are merged per term."""
    articles = make_articles(260)
    storages = {}
    for name, writer_class in (("stock", SegmentWriter), ("fast", FastSegmentWriter)):
        (tmp_path / name).mkdir()
        ix = FileStorage(str(tmp_path / name)).create_index(build_schema(), indexname="MAIN")
        writer = writer_class(ix) if writer_class is FastSegmentWriter else SegmentWriter(ix)
        for n, article in enumerate(articles):
            fields = article_fields(article, "key")
            if n % 3 == 0:
                fields["title"] = fields["title"].lower().split()
            writer.add_document(**fields)
        writer.commit()
        storages[name] = ix
    with storages["stock"].reader() as a, storages["fast"].reader() as b:
        terms = list(a.lexicon("title"))
        assert terms == list(b.lexicon("title"))
        assert len(terms) > 20
        for term in terms:
            assert list(a.postings("title", term).items_as("positions")) == list(
                b.postings("title", term).items_as("positions")
            ), term
            assert list(a.postings("title", term).items_as("weight")) == list(
                b.postings("title", term).items_as("weight")
            ), term
