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
import time
from dataclasses import dataclass

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.errors import IndexCorruptError, IndexMissingError
from indexer.whoosh_internals import FileStorage, latest_generation

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


#: A directory whose timestamp is younger than this (ns) may change again within
#: the timestamp's granularity without showing it: it is never trusted unread.
SETTLED_NS = 3_000_000_000
#: root -> (file-system signature, the version read under it); see current_version.
_SEEN: dict[str, tuple[tuple[int, ...], IndexVersion]] = {}


def _signature(root: str, directory: str) -> tuple[int, ...]:
    """Inode and modification time of ``root``, its ``current`` link and ``directory``.

    A commit adds a table of contents to ``directory`` (its mtime moves); a
    rebuild replaces the link (a new inode, and ``root``'s mtime moves).
    """
    link = os.path.join(root, CURRENT_LINK)
    try:
        link_stat = os.lstat(link)
        link_key = (link_stat.st_ino, link_stat.st_mtime_ns)
    except FileNotFoundError:
        link_key = (0, 0)
    root_stat, dir_stat = os.stat(root), os.stat(directory)
    return (
        *link_key,
        root_stat.st_ino,
        root_stat.st_mtime_ns,
        dir_stat.st_ino,
        dir_stat.st_mtime_ns,
    )


def current_version(root: str) -> IndexVersion | None:
    """The committed state readers should see now.

    Every request asks, so the answer is remembered with the inodes and
    modification times of the root, its link and the served directory (three
    ``stat`` calls, ~5 us) and read again (a ``realpath`` and a listing,
    ~0.2 ms) only when one of them moved, or when one changed so recently
    (:data:`SETTLED_NS`) that a second change could share its timestamp.
    """
    seen = _SEEN.get(root)
    if seen is not None:
        try:
            if _signature(root, seen[1].directory) == seen[0]:
                return seen[1]
        except OSError:
            pass
        _SEEN.pop(root, None)
    directory = current_directory(root)
    if directory is None:
        return None
    try:
        # Taken before the listing: a commit after it moves the signature.
        signature = _signature(root, directory)
    except OSError:
        signature = None
    generation = latest_generation(directory, INDEX_NAME)
    if generation < 0:
        return None
    version = IndexVersion(directory, generation)
    if (
        signature is not None
        and time.time_ns() - max(signature[1], signature[3], signature[5]) > SETTLED_NS
        and current_directory(root) == directory  # no switch between the two reads
    ):
        _SEEN[root] = (signature, version)
    return version


def corrupt_index_error(root: str, what: str) -> IndexCorruptError:
    """The error for an index that cannot be read, saying how to recover."""
    return IndexCorruptError(
        f"the index at {root!r} cannot be read ({what}); rebuild it from your files with "
        f"`newsearch index PATH... --rebuild --index {root}`"
    )


#: Attempts at opening an index whose files concurrent commits keep replacing.
OPEN_ATTEMPTS = 5


class PinnedIndex:
    """One committed generation of an index, already open for reading.

    ``FileIndex.searcher()`` reads the newest table of contents again, and a
    commit landing in between may have replaced it and deleted the segment
    files it names; a reader that is already open keeps its files. So the
    search service opens one reader (:func:`open_generation`) and searches
    exactly that generation. ``searcher()`` is meant to be called once: the
    searcher owns the reader and closes it.
    """

    def __init__(self, reader: IndexReader) -> None:
        self._reader = reader

    def searcher(self) -> Searcher:
        return Searcher(self._reader)


def _open_current(root: str) -> tuple[Index, IndexReader, IndexVersion]:
    """The current generation of ``root`` and an open reader on it.

    A commit (or an atomic rebuild) that lands while the files are being
    opened can delete them under us: when the current version has moved on
    since, the newer one is opened instead. Only a failure with nothing
    moving is a corrupt index.
    """
    failure: Exception | None = None
    for _ in range(OPEN_ATTEMPTS):
        version = current_version(root)
        if version is None:
            directory = current_directory(root)
            if directory is not None:  # `current` names a directory without any commit
                raise corrupt_index_error(
                    root, f"no table of contents (_{INDEX_NAME}_*.toc) in {directory}"
                )
            raise IndexMissingError(
                f"no index at {root!r}: run `newsearch index PATH --index {root}` first"
            )
        try:
            ix = FileStorage(version.directory, readonly=True).open_index(indexname=INDEX_NAME)
            # Opening a reader touches every segment file: a missing or truncated
            # one fails here rather than in the middle of a search.
            reader = ix.reader()
        except Exception as exc:  # noqa: BLE001  whatever Whoosh raises on missing files
            failure = exc
            if current_version(root) == version:
                break
            continue
        generation = reader.generation()
        if generation is None:  # an index without segments has an empty reader
            generation = ix.latest_generation()
        return ix, reader, IndexVersion(version.directory, generation)
    raise corrupt_index_error(root, f"{type(failure).__name__}: {failure}") from failure


def open_readonly(root: str) -> tuple[Index, IndexVersion]:
    """Open the current index of ``root`` for reading.

    Raises :class:`IndexMissingError` when nothing has been indexed there and
    :class:`IndexCorruptError` (with the recovery command) when it cannot be read.
    """
    ix, reader, version = _open_current(root)
    reader.close()
    return ix, version


def open_generation(root: str) -> tuple[PinnedIndex, IndexVersion]:
    """Like :func:`open_readonly`, but pinned to the generation it opened (see PinnedIndex)."""
    _, reader, version = _open_current(root)
    return PinnedIndex(reader), version
