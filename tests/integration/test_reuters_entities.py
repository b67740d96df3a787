"""Entity quality on the hand-annotated Reuters stories, and the code tables' coverage.

The scoring is bench/entities.py's, loaded from there so that the benchmark
report and this regression test can never disagree.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from indexer.extract.gazetteer import reuters_codes

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.reuters


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_entities", ROOT / "bench" / "entities.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _bench()


@pytest.mark.parametrize("with_tags", [True, False], ids=["with-tags", "text-only"])
def test_annotated_set_meets_targets(bench: ModuleType, reuters_dir: Path, with_tags: bool) -> None:
    scores = bench.score(reuters_dir, with_tags=with_tags)
    for kind, result in scores.items():
        assert result.precision >= bench.TARGET_PRECISION, (kind, result.precision, result.junk)
        assert result.recall >= bench.TARGET_RECALL, (kind, result.recall, result.misses)


def test_annotations_are_well_formed(bench: ModuleType, reuters_dir: Path) -> None:
    pairs = bench.annotated_documents(reuters_dir)
    assert len(pairs) == 30
    assert len({raw.native_id for _entry, raw in pairs}) == 30
    assert len({entry["file"] for entry, _raw in pairs}) >= 5


@pytest.mark.parametrize("kind", ["places", "people", "orgs", "exchanges", "topics"])
def test_every_reuters_code_has_a_display_name(reuters_dir: Path, kind: str) -> None:
    listed = (reuters_dir / f"all-{kind}-strings.lc.txt").read_text(encoding="latin-1").split()
    table = reuters_codes(kind)
    assert set(listed) <= set(table)
    assert all(table[code].strip() for code in listed)


def test_extraction_is_fast_enough(bench: ModuleType, reuters_dir: Path) -> None:
    """The issue's floor, on one file; the full figure comes from bench/entities.py."""
    _docs, tokens, entity_seconds, _article_seconds = bench.speed(reuters_dir, files=1)
    assert tokens / entity_seconds >= bench.TARGET_TOKENS_PER_SECOND
