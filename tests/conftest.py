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
