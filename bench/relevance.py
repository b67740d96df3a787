"""Relevance benchmark: newsearch's ranking against plain Whoosh BM25F on Reuters-21578.

Judgments come from the corpus itself. For every TOPICS category with at
least ``MIN_DOCS`` labelled documents, a query is written from the
category's plain-language description in ``cat-descriptions_120396.txt``
("Money/Foreign Exchange (MONEY-FX)" -> ``money foreign exchange``); a
commodity code without a description is read as the plain word ("COCOA" ->
``cocoa``). The relevant documents are those labelled with the topic, read
from the SGML files here (by NEWID; the index id is ``reuters-<NEWID>``),
not from the index. Neither system searches the topics field: newsearch's
default fields are title and body, and the queries use no ``topic:``.

Queries are derived mechanically (see :func:`mechanical_query`): the
description (or the code) with ``/`` and ``-`` read as spaces, analyzed by
the index's own analyzer (lower case, stop words dropped), duplicates
dropped. :data:`OVERRIDES` lists the few hand-written queries and why.

Two systems are run in the same process over the same index:

* **newsearch**: :class:`SearchService` with a :class:`Ranking` (the
  defaults, or ``--set name=value``), through its public ``export`` call,
  which returns the same order as ``search`` pages;
* **baseline**: Whoosh's own searcher with ``BM25F()`` at its default
  parameters (K1=1.2, B=0.75) over the ``body`` field only, via
  ``QueryParser("body", schema, group=...)``.

Both use the same query semantics, ``--semantics``:

* ``and`` (default, newsearch's product default): all words required
  (``AndGroup``); when no document has them all, any word (``OrGroup``),
  which is exactly what the search service does with a notice;
* ``or``: any word (``OrGroup``; for newsearch the words joined by ``OR``).

Measures, with binary relevance: nDCG@10, P@10, MAP over the top
``DEPTH`` (average precision divided by *all* relevant documents, so a
document missing from the top 1000 counts as a miss) and recall@100; the
mean over queries and per query.

A second query set, ``--journalist`` (issue 11): the 121 short queries of
``bench/journalist_queries.py``, written the way reporters type (2-4 words,
no operators, their own words, some names, some misspellings), judged by
the corpus's hand-assigned TOPICS, PEOPLE and ORGS codes. It compares
newsearch (the query as typed, as the results page runs it) against plain
Whoosh BM25F over title and body (``MultifieldParser``) with ``AndGroup``
and with ``OrGroup``, with no fallback, and prints the gain over the better
of the two and, with ``--markdown``, the per-query table of RESULTS.md.

Usage::

    .venv/bin/python bench/relevance.py --index /tmp/relevance-index
    .venv/bin/python bench/relevance.py --index DIR --set title_weight=3 --set b=0.5
    .venv/bin/python bench/relevance.py --index DIR --semantics or
    .venv/bin/python bench/relevance.py --index DIR --semantics both   # AND against OR
    .venv/bin/python bench/relevance.py --index DIR --sweep      # the RESULTS.md experiments
    .venv/bin/python bench/relevance.py --index DIR --journalist --markdown

The index is built from the corpus when ``--index`` holds none yet. The
functions are imported by ``tests/integration/test_ranking.py``, so the test
and this report measure the same way.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from whoosh import qparser, scoring  # noqa: E402

from indexer.analysis import analyze  # noqa: E402
from indexer.search.evaluate import Ranking  # noqa: E402
from indexer.search.request import parse_search_params  # noqa: E402
from indexer.search.service import SearchService  # noqa: E402
from indexer.store import current_version, open_readonly  # noqa: E402

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
    """The journalist query set (``bench/journalist_queries.py``), judged by hand-assigned codes.

    ``Topic.code`` is ``j<nnn> <judge>`` (unique per query); ``description``
    holds the query's note (``typo``, ``name``).
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from journalist_queries import QUERIES

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


def _row(label: str, s: Scores, width: int = 40) -> str:
    return f"{label:<{width}} {s.ndcg10:7.3f} {s.p10:7.3f} {s.ap:7.3f} {s.r100:7.3f}"


def _subset(
    scores: dict[str, Scores], topics: Sequence[Topic], keep: Callable[[Topic], bool]
) -> tuple[Scores, int]:
    """Mean scores over the topics ``keep`` selects, and how many there were."""
    chosen = [scores[t.code] for t in topics if keep(t)]
    return Scores.mean(chosen), len(chosen)


#: Query-length groups of the summary (a product default must not make
#: one-word or two-word queries worse to help long ones).
GROUPS: list[tuple[str, Callable[[Topic], bool]]] = [
    ("all", lambda t: True),
    ("one word", lambda t: t.words == 1),
    ("two words", lambda t: t.words == 2),
    ("3+ words", lambda t: t.words > 2),
]


def print_summary(
    topics: Sequence[Topic],
    systems: dict[str, dict[str, Scores]],
    comparisons: Sequence[tuple[str, str]] = (),
) -> None:
    """Means per system and query-length group, then each compared pair's differences."""
    print(f"{'':<40} {'nDCG@10':>7} {'P@10':>7} {'MAP':>7} {'R@100':>7}")
    for group, keep in GROUPS:
        for name, scores in systems.items():
            mean, n = _subset(scores, topics, keep)
            print(_row(f"{name} ({group}, {n})", mean))
    for first, second in comparisons:
        a, b = (Scores.mean(list(systems[n].values())) for n in (first, second))
        diff = Scores(a.ndcg10 - b.ndcg10, a.p10 - b.p10, a.ap - b.ap, a.r100 - b.r100)
        print(f"\n{first} - {second}:")
        print(_row("  difference (all)", diff).replace(" -0.000", "  0.000"))
        if b.ndcg10:
            print(f"  nDCG@10 ratio: {a.ndcg10 / b.ndcg10:.3f}")
        pairs = [(systems[first][t.code].ndcg10, systems[second][t.code].ndcg10) for t in topics]
        wins = sum(x > y + 1e-9 for x, y in pairs)
        losses = sum(y > x + 1e-9 for x, y in pairs)
        print(
            f"  nDCG@10 per query: better on {wins}, worse on {losses}, "
            f"equal on {len(pairs) - wins - losses}"
        )


def print_per_query(topics: Sequence[Topic], systems: dict[str, dict[str, Scores]]) -> None:
    """One line per query: its size and every system's four measures."""
    names = list(systems)
    head = "  ".join(f"{n[:31]:^31}" for n in names)
    print(f"\n{'topic':<24} {'query':<32} {'rel':>5}  {head}")
    sub = "  ".join(f"{'nDCG':>7} {'P@10':>7} {'AP':>7} {'R@100':>7}" for _ in names)
    print(f"{'':<24} {'':<32} {'':>5}  {sub}")
    for t in topics:
        cells = "  ".join(
            "{:>7.3f} {:>7.3f} {:>7.3f} {:>7.3f}".format(*_values(systems[n][t.code]))
            for n in names
        )
        mark = "*" if t.override else " "
        print(f"{t.code:<24} {mark}{t.query[:31]:<31} {len(t.relevant):>5}  {cells}")
    print("\n* hand-written query (see OVERRIDES in bench/relevance.py)")


def print_markdown(topics: Sequence[Topic], systems: dict[str, dict[str, Scores]]) -> None:
    """Per-query nDCG@10 and P@10 of every system as a Markdown table (RESULTS.md)."""
    names = list(systems)
    head = " | ".join(f"{n} nDCG@10 | {n} P@10" for n in names)
    print(f"\n| query | judged by | note | rel | {head} |")
    print("|---|---|---|---:|" + "---:|" * (2 * len(names)))
    for t in topics:
        cells = " | ".join(
            f"{systems[n][t.code].ndcg10:.3f} | {systems[n][t.code].p10:.1f}" for n in names
        )
        judge = t.code.split(" ", 1)[-1]
        print(f"| {t.query} | {judge} | {t.description or ''} | {len(t.relevant)} | {cells} |")


def _values(s: Scores) -> tuple[float, float, float, float]:
    return (s.ndcg10, s.p10, s.ap, s.r100)


# -- experiments -----------------------------------------------------------------------

#: The ranking before any tuning (commit 9700144), spelled out in full so
#: that the sweep reproduces the recorded figures whatever the defaults are.
ORIGINAL: dict[str, Any] = {
    "k1": 1.2,
    "b": 0.75,
    "title_weight": 2.0,
    "variant_weight": 0.9,
    "min_variant_length": 4,
    "proximity_boost": 0.0,
    "coordination": 0.0,
}
#: What was kept: see bench/RESULTS.md.
CHOSEN: dict[str, Any] = {
    **ORIGINAL,
    "b": 0.3,
    "title_weight": 1.0,
    "variant_weight": 0.5,
    "min_variant_length": 3,
    "proximity_boost": 0.5,
    "proximity_window": 8,
    "coordination": 1.0,
}
_TUNED = {**ORIGINAL, "title_weight": 1.0, "b": 0.3}

#: The experiments recorded in bench/RESULTS.md: (label, semantics, Ranking).
EXPERIMENTS: list[tuple[str, str, dict[str, Any]]] = [
    ("original defaults", "and", ORIGINAL),
    *[(f"title_weight={w}", "and", {**ORIGINAL, "title_weight": w}) for w in (0.0, 0.5, 1.0, 3.0)],
    *[(f"title_weight=1 b={b}", "and", {**_TUNED, "b": b}) for b in (0.0, 0.3, 0.5)],
    *[(f"title_weight=1 b=0.3 k1={k}", "and", {**_TUNED, "k1": k}) for k in (0.8, 1.6, 2.0)],
    *[(f"+ variant_weight={v}", "and", {**_TUNED, "variant_weight": v}) for v in (0.2, 0.5, 1.0)],
    ("+ min_variant_length=3", "and", {**_TUNED, "min_variant_length": 3}),
    *[
        (f"+ proximity_boost={p} window={w}", "and", {**_TUNED, "proximity_boost": p, **win})
        for p, w, win in (
            (0.25, 8, {}),
            (0.5, 8, {}),
            (1.0, 8, {}),
            (0.5, 4, {"proximity_window": 4}),
            (0.5, 16, {"proximity_window": 16}),
        )
    ],
    *[
        (f"+ recency_weight={r} half-life={h}d", "and", {**_TUNED, "recency_weight": r, **hl})
        for r, h, hl in (
            (0.1, 30, {}),
            (0.3, 30, {}),
            (0.3, 90, {"recency_half_life": 90}),
        )
    ],
    ("OR", "or", _TUNED),
    *[(f"OR + coordination={c}", "or", {**_TUNED, "coordination": c}) for c in (1.0, 2.0)],
    (
        "OR + coordination=1 + proximity 0.5",
        "or",
        {**_TUNED, "coordination": 1.0, "proximity_boost": 0.5},
    ),
    ("chosen (AND with fallback)", "and", CHOSEN),
    ("chosen, OR semantics", "or", CHOSEN),
]


def sweep(index_dir: str, topics: Sequence[Topic]) -> None:
    """Run every entry of :data:`EXPERIMENTS` and print its overall figures."""
    print(f"{'experiment':<44} {'nDCG@10':>7} {'P@10':>7} {'MAP':>7} {'R@100':>7}")
    for label, semantics, settings in EXPERIMENTS:
        ranking = replace(Ranking(), **settings)
        service = SearchService(index_dir, ranking=ranking)
        try:
            scores = run(newsearch_ranker(service, semantics), topics)
        finally:
            service.close()
        print(_row(label, Scores.mean(list(scores.values())), 44), flush=True)


# -- command line ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default=DEFAULT_INDEX, help="index directory (built if empty)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="Ranking parameter"
    )
    parser.add_argument(
        "--semantics",
        choices=(*SEMANTICS, "both"),
        default="and",
        help="and: AND with OR fallback (the product default); or; both: compare them",
    )
    parser.add_argument("--sweep", action="store_true", help="run the recorded experiments")
    parser.add_argument(
        "--journalist",
        action="store_true",
        help="the journalist query set (bench/journalist_queries.py) against plain Whoosh "
        "BM25F over title+body with AND and with OR grouping",
    )
    parser.add_argument("--markdown", action="store_true", help="per-query table in Markdown")
    parser.add_argument("--quiet", action="store_true", help="no per-query table")
    args = parser.parse_args(argv)

    ensure_index(args.index, args.corpus)
    if args.journalist:
        return journalist(args)
    topics = build_topics(args.corpus, indexed_ids(args.index))
    print(f"Reuters-21578: {len(topics)} topics with >= {MIN_DOCS} documents")
    if args.sweep:
        sweep(args.index, topics)
        return 0
    ranking = parse_ranking(args.set)
    print(f"newsearch: {ranking}")
    print("baseline: Whoosh BM25F(B=0.75, K1=1.2) over body")
    started = time.perf_counter()
    semantics = SEMANTICS if args.semantics == "both" else (args.semantics,)
    systems = compare(args.index, ranking, topics, semantics)
    if len(semantics) == 1:
        print(f"semantics: {semantics[0]}")
        comparisons = [("newsearch", "baseline")]
    else:
        comparisons = [
            ("newsearch AND", "baseline AND"),
            ("newsearch OR", "baseline OR"),
            ("newsearch OR", "newsearch AND"),
        ]
    print_summary(topics, systems, comparisons)
    if not args.quiet:
        print_per_query(topics, systems)
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


def journalist(args: argparse.Namespace) -> int:
    """The issue-11 report: the journalist set, newsearch against plain Whoosh AND and OR."""
    queries = build_journalist(args.corpus, indexed_ids(args.index))
    print(f"journalist set: {len(queries)} queries")
    ranking = parse_ranking(args.set)
    print(f"newsearch: {ranking} (queries as typed)")
    print("baselines: Whoosh BM25F(B=0.75, K1=1.2), MultifieldParser title+body, And/OrGroup")
    started = time.perf_counter()
    service = SearchService(args.index, ranking=ranking)
    systems: dict[str, dict[str, Scores]] = {}
    try:
        systems["newsearch"] = run(newsearch_ranker(service, "and"), queries)
    finally:
        service.close()
    for name in SEMANTICS:
        baseline = TitleBodyBaseline(args.index, name)
        try:
            systems[f"whoosh {name.upper()}"] = run(baseline, queries)
        finally:
            baseline.close()
    groups = [
        ("all", lambda t: True),
        ("topics", lambda t: t.code.split()[1].startswith("topic:")),
        ("names", lambda t: "name" in (t.description or "")),
        ("typos", lambda t: "typo" in (t.description or "")),
    ]
    print(f"{'':<40} {'nDCG@10':>7} {'P@10':>7} {'MAP':>7} {'R@100':>7}")
    for group, keep in groups:
        for name, scores in systems.items():
            mean, n = _subset(scores, queries, keep)
            print(_row(f"{name} ({group}, {n})", mean))
    means = {name: Scores.mean(list(scores.values())) for name, scores in systems.items()}
    best = max(("whoosh AND", "whoosh OR"), key=lambda n: means[n].ndcg10)
    gain = means["newsearch"].ndcg10 / means[best].ndcg10 - 1 if means[best].ndcg10 else 0.0
    print(f"\nnewsearch vs the better baseline ({best}): nDCG@10 {gain:+.1%}")
    for other in ("whoosh AND", "whoosh OR"):
        pairs = [
            (systems["newsearch"][t.code].ndcg10, systems[other][t.code].ndcg10) for t in queries
        ]
        wins = sum(x > y + 1e-9 for x, y in pairs)
        losses = sum(y > x + 1e-9 for x, y in pairs)
        print(f"  per query against {other}: better on {wins}, worse on {losses}")
    if args.markdown:
        print_markdown(queries, systems)
    elif not args.quiet:
        print_per_query(queries, systems)
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


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


if __name__ == "__main__":
    raise SystemExit(main())
