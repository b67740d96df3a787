"""Fixtures shared by every test directory.

Keep this file small and additive: several areas of the project add to it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: Where the Reuters-21578 corpus lives: next to the repository, outside it
#: (its licence allows research use, not redistribution in our tree).
REUTERS_DIR = Path(
    os.environ.get("NEWSEARCH_REUTERS_DIR", REPO.parent / "shared/corpora/reuters21578")
)


def require_reuters() -> Path:
    """The corpus directory; skip the test without it, or fail under ``CI=true``.

    On CI a missing corpus is a broken set-up, not a reason to go green with
    the corpus tests silently skipped.
    """
    if not any(REUTERS_DIR.glob("reut2-*.sgm")):
        message = f"Reuters-21578 corpus not found in {REUTERS_DIR} (set NEWSEARCH_REUTERS_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true requires it", pytrace=False)
        pytest.skip(message)
    return REUTERS_DIR


@pytest.fixture(scope="session")
def reuters_dir() -> Path:
    """The Reuters-21578 directory (see :func:`require_reuters`); mark tests ``reuters``."""
    return require_reuters()


@pytest.fixture(scope="session")
def reuters_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real index of all 22 Reuters-21578 SGML files, built once per session.

    Only the ``reut2-*.sgm`` files are indexed (the corpus folder also holds
    its README and category lists, which are not news).
    """
    from indexer.pipeline import index_paths

    corpus = require_reuters()
    directory = tmp_path_factory.mktemp("reuters") / "index"
    files = sorted(str(path) for path in corpus.glob("reut2-*.sgm"))
    report = index_paths(files, str(directory))
    assert report.documents_total > 0, report
    return str(directory)
