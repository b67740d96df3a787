"""Fixtures shared by integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.pipeline import index_paths


@pytest.fixture
def index(corpus: Path, tmp_path: Path) -> str:
    """The requesting module's ``corpus`` indexed by two workers, so that its files
    land in more than one segment (the segment and generation array tests need that)."""
    directory = str(tmp_path / "index")
    index_paths([str(corpus)], directory, workers=2)
    return directory
