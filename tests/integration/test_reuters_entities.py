"""Entity quality on the hand-annotated Reuters stories, and the code tables' coverage.

The scoring is :mod:`evaluation.entities`, which bench/entities.py prints, so
the benchmark report and this regression test can never disagree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import entities as quality
from indexer.extract.gazetteer import reuters_codes

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.reuters


@pytest.mark.parametrize("with_tags", [True, False], ids=["with-tags", "text-only"])
def test_annotated_set_meets_targets(reuters_dir: Path, with_tags: bool) -> None:
    scores = quality.score(reuters_dir, with_tags=with_tags)
    for kind, result in scores.items():
        assert result.precision >= quality.TARGET_PRECISION, (kind, result.precision, result.junk)
        assert result.recall >= quality.TARGET_RECALL, (kind, result.recall, result.misses)


def test_annotations_are_well_formed(reuters_dir: Path) -> None:
    pairs = quality.annotated_documents(reuters_dir)
    assert len(pairs) == 30
    assert len({raw.native_id for _entry, raw in pairs}) == 30
    assert len({entry["file"] for entry, _raw in pairs}) >= 5


@pytest.mark.parametrize("kind", ["places", "people", "orgs", "exchanges", "topics"])
def test_every_reuters_code_has_a_display_name(reuters_dir: Path, kind: str) -> None:
    listed = (reuters_dir / f"all-{kind}-strings.lc.txt").read_text(encoding="latin-1").split()
    table = reuters_codes(kind)
    assert set(listed) <= set(table)
    assert all(table[code].strip() for code in listed)


def test_extraction_is_fast_enough(reuters_dir: Path) -> None:
    """The issue's floor, on one file; the full figure comes from bench/entities.py."""
    _docs, tokens, entity_seconds, _article_seconds = quality.speed(reuters_dir, files=1)
    assert tokens / entity_seconds >= quality.TARGET_TOKENS_PER_SECOND
