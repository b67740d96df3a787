"""Issue 13 through the service: wire-copy clusters, facet paging and exclusions,
significant terms, entity pages; on small fixtures and on Reuters-21578."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.errors import SearchRequestError
from indexer.pipeline import index_paths
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "issue13"


@contextlib.contextmanager
def opened(index: Path | str) -> Iterator[SearchService]:
    service = SearchService(str(index))
    try:
        yield service
    finally:
        service.close()


def req(**params: str | list[str]):
    return parse_search_params({k: v if isinstance(v, list) else [v] for k, v in params.items()})


@pytest.fixture
def wire(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "wire.jsonl", corpus / "wire.jsonl")
    index = tmp_path / "index"
    index_paths([str(corpus)], str(index), workers=1)
    return corpus, index


def test_copies_share_a_cluster_and_collapse(wire: tuple[Path, Path]) -> None:
    _, index = wire
    with opened(index) as service:
        page = service.search(req(q="coffee quota talks"))
        assert page.total == 2 and page.clusters == 1
        assert [h.id for h in page.hits] in (["wire-1"], ["wire-1b"])
        assert page.hits[0].cluster == "wire-1" and page.hits[0].duplicates == 1
        every = service.search(req(q="coffee quota talks", collapse="0"))
        assert sorted(h.id for h in every.hits) == ["wire-1", "wire-1b"]
        members = service.search(req(cluster="wire-1b"))
        assert sorted(h.id for h in members.hits) == ["wire-1", "wire-1b"]
        # Unrelated coffee stories stay singletons.
        coffee = service.search(req(q="coffee"))
        assert {h.cluster for h in coffee.hits} >= {"wire-3", "wire-5"}
        with pytest.raises(SearchRequestError):
            service.search(req(cluster="no-such-story"))


def test_more_like_this_never_shows_a_copy(wire: tuple[Path, Path]) -> None:
    _, index = wire
    with opened(index) as service:
        similar = service.similar("wire-1", limit=5)
    assert "wire-1b" not in [s.id for s in similar]


def test_clusters_follow_incremental_runs(wire: tuple[Path, Path]) -> None:
    corpus, index = wire
    shutil.copy(FIXTURES / "later" / "late-copy.jsonl", corpus / "late.jsonl")
    index_paths([str(corpus)], str(index), workers=1)
    with opened(index) as service:
        page = service.search(req(cluster="wire-1"))
        assert sorted(h.id for h in page.hits) == ["wire-1", "wire-1b", "wire-1c"]
        # Deleting the representative promotes the next earliest member.
        (corpus / "wire.jsonl").write_text(
            "\n".join(
                line
                for line in (FIXTURES / "wire.jsonl").read_text().splitlines()
                if '"id": "wire-1"' not in line
            )
            + "\n"
        )
        index_paths([str(corpus)], str(index), workers=1, prune=True)
    with opened(index) as service:
        page = service.search(req(q="coffee quota talks", collapse="0"))
        assert sorted(h.id for h in page.hits) == ["wire-1b", "wire-1c"]
        assert {h.cluster for h in page.hits} == {"wire-1b"}


def test_facet_paging_and_exclusion(wire: tuple[Path, Path]) -> None:
    _, index = wire
    with opened(index) as service:
        whole = service.search(req(facet_size="1000", collapse="0"))
        places = [v.value for v in whole.facets["place"]]
        assert whole.facet_totals["place"] == len(places) >= 7
        second = service.search(req(facet_size="2", facet_offset="2"))
        assert [v.value for v in second.facets["place"]] == places[2:4]
        excluded = service.search(req(not_place="iran", collapse="0"))
        assert excluded.total == whole.total - 2
        iran = [v for v in excluded.facets["place"] if v.value == "Iran"]
        assert iran and iran[0].excluded and iran[0].count == 0
        unknown = service.search(req(not_place="atlantis", collapse="0"))
        assert unknown.total == whole.total and unknown.notices


def test_significant_terms_and_entity_page(wire: tuple[Path, Path]) -> None:
    _, index = wire
    with opened(index) as service:
        found = service.significant(req(q="coffee"))
        assert found.foreground == 3  # four stories, two of them copies
        assert "coffee" not in [t.value for t in found.terms]
        empty = service.significant(req(q="zzzznothing"))
        assert empty.terms == () and empty.places == () and empty.foreground == 0
        view = service.entity("place", "brazil")
        assert view is not None and view.name == "Brazil" and view.total == 4
        assert sum(b.count for b in view.histogram) == 4
        assert len({a.id for a in view.articles} & {"wire-1", "wire-1b"}) == 1
        assert service.entity("place", "atlantis") is None
        assert service.entity("nonsense", "brazil") is None


@pytest.mark.reuters
def test_reuters_clusters_and_collapsing(reuters_index: str) -> None:
    with opened(reuters_index) as service:
        page = service.search(req(q="bank of spain drains funds"))
        ids = [h.id for h in page.hits]
        clusters = [h.cluster for h in page.hits]
        assert len(clusters) == len(set(clusters))
        assert page.clusters < page.total
        assert any(h.duplicates for h in page.hits), ids
        copies = next(h for h in page.hits if h.duplicates)
        listed = service.search(req(q="bank of spain drains funds", cluster=copies.cluster))
        assert listed.total == copies.duplicates + 1
        similar = service.similar("reuters-7587", limit=5)
        assert "reuters-7614" not in [s.id for s in similar]


@pytest.mark.reuters
def test_reuters_significant_and_entities(reuters_index: str) -> None:
    with opened(reuters_index) as service:
        found = service.significant(req(q="coffee"))
        assert "Brazil" in [p.value for p in found.places]
        assert any(t.value in ("quotas", "export quotas", "ico", "bags") for t in found.terms)
        iran = service.entity("place", "iran")
        assert iran is not None and iran.total > 100
        places = [p.value for p in iran.cooccurring["places"]]
        assert "Iraq" in places[:5] and "United States" not in places[:5]
        page = service.search(req(place="iran", not_place="usa"))
        assert all("United States" not in h.places for h in page.hits)


def test_an_index_from_before_signatures_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer import schema as F

    full = F.build_schema

    def schema_without_signatures():  # what earlier versions created
        schema = full()
        schema.remove(F.SIGNATURE)
        return schema

    monkeypatch.setattr(F, "build_schema", schema_without_signatures)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "wire.jsonl", corpus / "wire.jsonl")
    index_paths([str(corpus)], str(tmp_path / "index"), workers=1)
    monkeypatch.undo()
    shutil.copy(FIXTURES / "later" / "late-copy.jsonl", corpus / "late.jsonl")
    report = index_paths([str(corpus)], str(tmp_path / "index"), workers=1)
    assert report.indexed == 1 and not report.skipped
    with opened(tmp_path / "index") as service:
        page = service.search(req(q="coffee quota talks"))
        assert page.total == page.clusters == 3  # no signatures: every story alone
        assert service.similar("wire-1") and service.entity("place", "brazil") is not None
