"""Every use of Whoosh's private parts, in one place, for one Whoosh version.

newsearch keeps Whoosh's on-disk format and its public API, but replaces two
of its slow paths (see docs/architecture.md):

* **writing** a worker's segment: Whoosh's external-sort pool and
  per-posting loop give way to :mod:`indexer.fastwrite`, which writes the
  same posting blocks and term table itself (:mod:`.segments`);
* **reading** postings, columns and field lengths: Whoosh's matchers yield
  one posting per Python call; the search engine reads whole blocks and
  columns into numpy arrays instead (:mod:`.reading`).

Both depend on Whoosh internals (``whoosh.codec.whoosh3``,
``whoosh.filedb``, ``whoosh.util``, matcher and writer private methods)
that no release promises to keep. They live here, behind small typed
functions and two writer base classes named for what they do, and nowhere
else: ``tests/unit/test_layering.py`` fails if another module of
``indexer/`` or ``webapp/`` imports those modules or touches a private
attribute, and ``tests/unit/test_whoosh_internals.py`` checks each function
against the installed Whoosh (both ways: stock Whoosh writes and we read; we
write and stock Whoosh reads, searches and merges). Upgrading Whoosh is
then: bump the pin and :data:`WRITTEN_FOR`, run those tests, fix this package.
"""

from __future__ import annotations

import whoosh

#: The Whoosh release this package was written and tested against (the
#: exact version pinned in pyproject.toml).
WRITTEN_FOR: tuple[int, int, int] = (3, 54, 0)


class WhooshVersionError(ImportError):
    """The installed Whoosh is not the one these internals were written for."""


def check_version(installed: tuple[int, ...], expected: tuple[int, ...] = WRITTEN_FOR) -> None:
    """Fail with a message naming both versions unless they are the same."""
    if tuple(installed[:3]) != tuple(expected):
        found = ".".join(map(str, installed))
        wanted = ".".join(map(str, expected))
        raise WhooshVersionError(
            f"newsearch's Whoosh internals (indexer/whoosh_internals) were written for "
            f"whoosh3 {wanted}, but whoosh {found} is installed: install whoosh3=={wanted} "
            "(the version pinned in pyproject.toml), or port indexer/whoosh_internals to "
            f"{found} and run tests/unit/test_whoosh_internals.py"
        )


check_version(tuple(whoosh.__version__))

# Imported after the version check on purpose: on another version these
# modules may not even import.
from indexer.whoosh_internals import compound  # noqa: E402
from indexer.whoosh_internals.reading import (  # noqa: E402
    FileStorage,
    field_lengths,
    fixed_column_bytes,
    has_term,
    latest_generation,
    length_table,
    numeric_column,
    posting_blocks,
    term_matcher,
    terms_checksum,
)
from indexer.whoosh_internals.segments import (  # noqa: E402
    LockHeldWriter,
    PostingsOutput,
    WorkerSegmentWriter,
    length_code,
)

# Compound (merged) segments are read in place, not copied (see compound.py).
compound.install()

__all__ = [
    "WRITTEN_FOR",
    "FileStorage",
    "LockHeldWriter",
    "PostingsOutput",
    "WhooshVersionError",
    "WorkerSegmentWriter",
    "check_version",
    "field_lengths",
    "fixed_column_bytes",
    "has_term",
    "latest_generation",
    "length_code",
    "length_table",
    "numeric_column",
    "posting_blocks",
    "term_matcher",
    "terms_checksum",
]
