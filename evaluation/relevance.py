"""Relevance on Reuters-21578: topic queries judged by the corpus's own labels.

The judgments, query sets, rankers and measures of ``bench/relevance.py``
(which documents them in full and prints the figures), shared with
``tests/integration/test_ranking.py``, which holds the targets, so the test
and the report measure the same way.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from whoosh import qparser, scoring

from indexer.analysis import analyze
from indexer.search.evaluate import Ranking
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.store import current_version, open_readonly

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "reuters21578"
DEFAULT_INDEX = "/tmp/relevance-index"
DESCRIPTIONS = "cat-descriptions_120396.txt"
#: A topic needs this many labelled documents to become a query.
MIN_DOCS = 10
#: Ranking depth for MAP.
DEPTH = 1000
SEMANTICS = ("and", "or")

#: Hand-written queries, each with the reason the mechanical one is wrong.
#: Everything else is derived from the category list by rule.
OVERRIDES: dict[str, tuple[str, str]] = {
    "alum": (
        "aluminium",
        "ALUM abbreviates aluminium; 'alum' occurs in no article. Reuters spells it "
        "'aluminium' (83 bodies) more often than 'aluminum' (61).",
    ),
    "veg-oil": (
        "vegetable oil",
        "VEG abbreviates vegetable ('veg' is in one body).",
    ),
    "sunseed": (
        "sunflower seed",
        "SUNSEED is a trade code (3 bodies); the plain name of the commodity is sunflower seed.",
    ),
    "pet-chem": (
        "petrochemicals",
        "The description 'Petro-Chemicals' splits at the hyphen into 'petro chemicals', "
        "which articles do not write; the plain word is petrochemicals.",
    ),
}

_TOPIC_LINE = re.compile(r"^(?P<description>.+?)\s*\((?P<code>[A-Z][A-Z0-9-]*)\)\s*$")
_CODE_LINE = re.compile(r"^(?P<code>[A-Z][A-Z0-9-]*)\s*$")
_REUTERS = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
_D = re.compile(r"<D>(.*?)</D>", re.S)


# -- judgments -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    """One benchmark query: a TOPICS code, its description and the query text."""

    code: str
    description: str | None
    query: str
    relevant: frozenset[str]
    #: Why the query is hand-written, when it is.
    override: str | None = None

    @property
    def words(self) -> int:
        return len(self.query.split())


def read_labels(corpus: Path, tag: str = "TOPICS") -> dict[str, tuple[str, ...]]:
    """Index id (``reuters-<NEWID>``) -> codes of ``tag`` (TOPICS, PEOPLE, ORGS)
    for every story of the corpus."""
    pattern = _TOPICS if tag == "TOPICS" else re.compile(f"<{tag}>(.*?)</{tag}>", re.S)
    labels: dict[str, tuple[str, ...]] = {}
    for path in sorted(corpus.glob("reut2-*.sgm")):
        text = path.read_text(encoding="latin-1")
        for match in _REUTERS.finditer(text):
            newid = _NEWID.search(match.group(1))
            if newid is None:
                continue
            found = pattern.search(match.group(2))
            codes = tuple(_D.findall(found.group(1))) if found else ()
            labels[f"reuters-{newid.group(1)}"] = codes
    return labels


def read_descriptions(corpus: Path) -> dict[str, str | None]:
    """TOPICS code -> plain-language description (None for a bare commodity code).

    Reads the 135 subject codes: the section of the category list before the
    organization codes.
    """
    text = (corpus / DESCRIPTIONS).read_text(encoding="latin-1")
    start = text.index("****Subject Codes")
    section = text[start : text.index("@heading[Organization Codes")]
    found: dict[str, str | None] = {}
    for raw in section.splitlines():
        line = raw.strip()
        if not line or line.startswith(("*", "_")):
            continue
        described = _TOPIC_LINE.match(line)
        if described:
            found[described.group("code").lower()] = described.group("description")
            continue
        bare = _CODE_LINE.match(line)
        if bare:
            found[bare.group("code").lower()] = None
    return found


def mechanical_query(code: str, description: str | None) -> str:
    """The query a rule writes from a category: its description, else its code.

    ``/`` and ``-`` separate words; the index analyzer lower-cases and drops
    stop words ("Balance of Payments" -> ``balance payments``); a repeated
    word is kept once ("Heating Oil/Gas Oil" -> ``heating oil gas``).
    """
    source = description if description is not None else code
    words = analyze(re.sub(r"[/-]", " ", source))
    return " ".join(dict.fromkeys(words))


def build_topics(
    corpus: Path, indexed: set[str] | None = None, min_docs: int = MIN_DOCS
) -> list[Topic]:
    """The benchmark queries, most labelled documents first.

    ``indexed``, when given, restricts the relevant sets to documents the
    index holds (Reuters has one story with neither text nor title).
    """
    labels = read_labels(corpus)
    descriptions = read_descriptions(corpus)
    by_code: dict[str, set[str]] = {}
    for doc_id, codes in labels.items():
        if indexed is not None and doc_id not in indexed:
            continue
        for code in codes:
            by_code.setdefault(code, set()).add(doc_id)
    topics = []
    for code, docs in by_code.items():
        if len(docs) < min_docs:
            continue
        if code not in descriptions:
            raise ValueError(f"topic {code!r} is not in {DESCRIPTIONS}")
        description = descriptions[code]
        query, reason = OVERRIDES.get(code, (mechanical_query(code, description), None))
        topics.append(Topic(code, description, query, frozenset(docs), reason))
    return sorted(topics, key=lambda t: (-len(t.relevant), t.code))


def build_journalist(corpus: Path, indexed: set[str] | None = None) -> list[Topic]:
    """The journalist queries (:mod:`evaluation.journalist_queries`), judged by assigned codes.

    ``Topic.code`` is ``j<nnn> <judge>`` (unique per query); ``description``
    holds the query's note (``typo``, ``name``).
    """
    from evaluation.journalist_queries import QUERIES

    kinds = {"topic": "TOPICS", "people": "PEOPLE", "orgs": "ORGS"}
    labels = {kind: read_labels(corpus, tag) for kind, tag in kinds.items()}
    queries = []
    for number, (query, judge, note) in enumerate(QUERIES, start=1):
        kind, _, code = judge.partition(":")
        relevant = {
            doc
            for doc, codes in labels[kind].items()
            if code in codes and (indexed is None or doc in indexed)
        }
        if not relevant:
            raise ValueError(f"{judge!r} judges no story")
        queries.append(Topic(f"j{number:03d} {judge}", note or None, query, frozenset(relevant)))
    return queries


# -- measures --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scores:
    """The measures of one ranking (or their means over queries)."""

    ndcg10: float
    p10: float
    ap: float
    r100: float

    @staticmethod
    def mean(items: Sequence[Scores]) -> Scores:
        n = max(len(items), 1)
        return Scores(
            sum(s.ndcg10 for s in items) / n,
            sum(s.p10 for s in items) / n,
            sum(s.ap for s in items) / n,
            sum(s.r100 for s in items) / n,
        )


def ndcg_at(ranked: Sequence[str], relevant: frozenset[str] | set[str], k: int = 10) -> float:
    """Binary-gain nDCG at ``k``: DCG over the DCG of a perfect top ``k``."""
    dcg = sum(1.0 / math.log2(i + 2) for i, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def average_precision(ranked: Sequence[str], relevant: frozenset[str] | set[str]) -> float:
    """Mean of the precision at each relevant document's rank, over *all* relevant ones."""
    hits = 0
    total = 0.0
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def score_ranking(ranked: Sequence[str], relevant: frozenset[str]) -> Scores:
    """nDCG@10, P@10, AP (over ``ranked``, at most ``DEPTH`` long) and recall@100."""
    top = ranked[:DEPTH]
    return Scores(
        ndcg10=ndcg_at(top, relevant, 10),
        p10=sum(doc in relevant for doc in top[:10]) / 10,
        ap=average_precision(top, relevant),
        r100=sum(doc in relevant for doc in top[:100]) / len(relevant),
    )


# -- systems ---------------------------------------------------------------------------

Ranker = Callable[[str], list[str]]


def newsearch_ranker(service: SearchService, semantics: str = "and") -> Ranker:
    """Ids of the top ``DEPTH`` results of ``service`` for a query, in order.

    ``and`` passes the words as typed (the service's soft AND: every word
    first, then most of them); ``or`` joins them with ``OR``. The ranking is
    the one the results page shows, correction included.
    """

    def rank(query: str) -> list[str]:
        text = " OR ".join(query.split()) if semantics == "or" else query
        request = parse_search_params({"q": [text]})
        # The query the results page runs: a misspelled query may be replaced
        # by its correction ("showing results for"), which the export of the
        # typed text would not show.
        shown = getattr(service.search(request), "query_run", "") or text
        if shown != text:
            request = parse_search_params({"q": [shown]})
        return [hit.id for hit in service.export(request, DEPTH)]

    return rank


class WhooshBaseline:
    """Whoosh's own BM25F (default parameters) over the body field only."""

    def __init__(self, index_dir: str, semantics: str = "and") -> None:
        self.ix, _ = open_readonly(index_dir)
        self.searcher = self.ix.searcher(weighting=scoring.BM25F())
        schema = self.searcher.schema
        self.and_parser = qparser.QueryParser("body", schema, group=qparser.AndGroup)
        self.or_parser = qparser.QueryParser("body", schema, group=qparser.OrGroup)
        self.semantics = semantics

    def _ids(self, parser: qparser.QueryParser, query: str) -> list[str]:
        results = self.searcher.search(parser.parse(query), limit=DEPTH)
        return [hit["id"] for hit in results]

    def __call__(self, query: str) -> list[str]:
        if self.semantics == "or":
            return self._ids(self.or_parser, query)
        # The same fallback as newsearch: OR when no document has every word.
        return self._ids(self.and_parser, query) or self._ids(self.or_parser, query)

    def close(self) -> None:
        self.searcher.close()


class TitleBodyBaseline(WhooshBaseline):
    """Plain Whoosh: BM25F (default parameters) over title and body, no fallback.

    The issue-11 yardstick: ``MultifieldParser(["title", "body"])`` with
    ``AndGroup`` (every word required, nothing when no story has them all)
    or ``OrGroup`` (any word).
    """

    def __init__(self, index_dir: str, semantics: str = "and") -> None:
        super().__init__(index_dir, semantics)
        schema = self.searcher.schema
        group = qparser.AndGroup if semantics == "and" else qparser.OrGroup
        self.parser = qparser.MultifieldParser(["title", "body"], schema, group=group)

    def __call__(self, query: str) -> list[str]:
        return self._ids(self.parser, query)


def run(ranker: Ranker, topics: Iterable[Topic]) -> dict[str, Scores]:
    """Per-topic scores of one system."""
    return {topic.code: score_ranking(ranker(topic.query), topic.relevant) for topic in topics}


def ensure_index(index_dir: str, corpus: Path) -> None:
    """Build the Reuters index into ``index_dir`` unless one is there (about a minute)."""
    if current_version(index_dir) is not None:
        return
    from indexer.pipeline import index_paths

    files = sorted(str(p) for p in corpus.glob("reut2-*.sgm"))
    print(f"building the Reuters index in {index_dir} ...", file=sys.stderr)
    index_paths(files, index_dir)


def indexed_ids(index_dir: str) -> set[str]:
    """Ids of the live documents of the index."""
    ix, _ = open_readonly(index_dir)
    with ix.searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


def parse_ranking(settings: Sequence[str], base: Ranking | None = None) -> Ranking:
    """A Ranking from ``name=value`` strings over ``base`` (the defaults)."""
    known = {f.name: f.type for f in fields(Ranking)}
    changes: dict[str, Any] = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        if name not in known:
            raise SystemExit(f"unknown Ranking parameter {name!r}; known: {', '.join(known)}")
        changes[name] = type(getattr(Ranking(), name))(float(value))
    return replace(base or Ranking(), **changes)


# -- report ----------------------------------------------------------------------------


def compare(
    index_dir: str, ranking: Ranking, topics: Sequence[Topic], semantics: Sequence[str]
) -> dict[str, dict[str, Scores]]:
    """Per-topic scores of newsearch and the baseline under each of ``semantics``."""
    service = SearchService(index_dir, ranking=ranking)
    systems: dict[str, dict[str, Scores]] = {}
    try:
        for name in semantics:
            suffix = f" {name.upper()}" if len(semantics) > 1 else ""
            systems[f"newsearch{suffix}"] = run(newsearch_ranker(service, name), topics)
            baseline = WhooshBaseline(index_dir, name)
            try:
                systems[f"baseline{suffix}"] = run(baseline, topics)
            finally:
                baseline.close()
    finally:
        service.close()
    return systems
