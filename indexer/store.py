"""Where an index lives on disk, and how readers open it (read-only).

Layout of an index directory ``DIR``::

    DIR/
      current -> ix-20261126T174500-1a2b    (symlink, switched atomically)
      ix-20261126T174500-1a2b/              (a Whoosh index: _MAIN_<gen>.toc, segments)
      .lock                                 (writers' lock, see indexer.writer)
      skipped.json                          (files that yielded nothing, see pipeline)

Readers resolve ``current`` each time they check for changes, so a rebuild
(which builds a fresh ``ix-*`` directory and then swaps the link) is seen as
one atomic switch: searches never see a half-built index. Incremental runs
write into the current directory through Whoosh commits, whose table of
contents is itself written to a temporary file and renamed into place.

This module has no writing code: the web app imports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from indexer.errors import IndexCorruptError, IndexMissingError

#: Environment variable naming the default index directory.
INDEX_ENV = "NEWSEARCH_INDEX"
#: Default index directory when neither ``--index`` nor the env var is given.
DEFAULT_INDEX_DIR = "newsearch-index"
CURRENT_LINK = "current"
INDEX_NAME = "MAIN"


def default_index_dir() -> str:
    """``$NEWSEARCH_INDEX``, else ``./newsearch-index``."""
    return os.environ.get(INDEX_ENV) or DEFAULT_INDEX_DIR


@dataclass(frozen=True, slots=True)
class IndexVersion:
    """Identifies one committed state of an index: directory and generation."""

    directory: str
    generation: int


def current_directory(root: str) -> str | None:
    """The Whoosh directory ``root`` currently serves, or None if none yet.

    A plain Whoosh directory given directly as ``root`` is accepted too.
    """
    link = os.path.join(root, CURRENT_LINK)
    if os.path.islink(link) or os.path.isdir(link):
        target = os.path.realpath(link)
        return target if os.path.isdir(target) else None
    if os.path.isdir(root) and whoosh_index.exists_in(root, indexname=INDEX_NAME):
        return os.path.realpath(root)
    return None


def current_version(root: str) -> IndexVersion | None:
    """The committed state readers should see now (cheap: one readlink, one listdir)."""
    directory = current_directory(root)
    if directory is None:
        return None
    storage = FileStorage(directory, readonly=True)
    generation = whoosh_index.TOC._latest_generation(storage, INDEX_NAME)
    if generation < 0:
        return None
    return IndexVersion(directory, generation)


def open_readonly(root: str) -> tuple[Index, IndexVersion]:
    """Open the current index of ``root`` for reading.

    Raises :class:`IndexMissingError` when nothing has been indexed there and
    :class:`IndexCorruptError` (with the recovery command) when it cannot be read.
    """
    version = current_version(root)
    if version is None:
        raise IndexMissingError(
            f"no index at {root!r}: run `newsearch index PATH --index {root}` first"
        )
    try:
        storage = FileStorage(version.directory, readonly=True)
        ix = storage.open_index(indexname=INDEX_NAME)
        # Opening a reader touches every segment file: a missing or truncated
        # one fails here rather than in the middle of a search.
        ix.reader().close()
    except Exception as exc:
        raise IndexCorruptError(
            f"the index at {root!r} cannot be read ({type(exc).__name__}: {exc}); "
            f"rebuild it with `newsearch index PATH --rebuild --index {root}`"
        ) from exc
    return ix, IndexVersion(version.directory, ix.latest_generation())
