"""Writing to the Whoosh index: the lock, segments from worker processes,
atomic commits and atomic rebuilds.

Only one writer may touch an index at a time, across processes. Whoosh's own
lock fails immediately; ours (``flock`` on ``DIR/.lock``) waits a bounded
time and then says who to wait for, and the kernel releases it if the holder
dies, so a killed indexer never leaves a stale lock behind.

Parallelism: each worker process writes its own segment with a lock-free
Whoosh ``SegmentWriter``; the parent, which holds the lock, adds those
segments to the index in one commit. Whoosh writes the new table of contents
to a temporary file and renames it into place, so a commit is all or nothing
and a crash at any point leaves the previous commit readable.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from whoosh.index import Index
from whoosh.reading import SegmentReader

from indexer import dedup, generation_arrays, segment_arrays
from indexer import schema as F
from indexer.analysis import FACET_SEPARATOR
from indexer.errors import IndexBusyError
from indexer.fastwrite import FastSegmentWriter, MergingSegmentWriter
from indexer.merge_policy import default_policy
from indexer.model import Article
from indexer.store import CURRENT_LINK, INDEX_NAME, corrupt_index_error, current_directory
from indexer.whoosh_internals import FileStorage, LockHeldWriter, terms_checksum

LOCK_FILE = ".lock"
#: Memory Whoosh may use for its posting pool before spilling to disk (the
#: lock-holding parent writer, which only deletes and merges).
LIMIT_MB = 192
#: Postings a worker holds in memory before it closes its segment and starts
#: another: about 60 bytes each, so ~150 MB per worker.
MAX_POSTINGS = 2_500_000
#: Named checkpoints of an indexing run, for crash tests: ``parse`` (a file
#: parsed, nothing of it written), ``write`` (a file's documents added to an
#: unfinished segment), ``segment`` (a worker's segments finished, not
#: committed), ``before_toc`` (a commit's merged segment written, its table of
#: contents not) and ``after_toc`` (the table of contents renamed into place,
#: old files not yet cleaned).
CHECKPOINTS = ("parse", "write", "segment", "before_toc", "after_toc")
#: What runs at each checkpoint: nothing, unless a test installs a hook with
#: :func:`set_checkpoint_hook` (tests/reliability/paused_indexer.py stops the
#: process there so that it can be SIGKILLed at a known place). Worker
#: processes are forked, so they inherit it.
_checkpoint_hook: Callable[[str], None] | None = None


def set_checkpoint_hook(hook: Callable[[str], None] | None) -> None:
    """Install ``hook`` to be called with each checkpoint's name (None: none)."""
    global _checkpoint_hook
    _checkpoint_hook = hook


def pause_point(name: str) -> None:
    """Checkpoint ``name`` (one of :data:`CHECKPOINTS`): runs the installed hook, if any."""
    if _checkpoint_hook is not None:
        _checkpoint_hook(name)


@contextlib.contextmanager
def index_lock(root: str, timeout: float) -> Iterator[None]:
    """Hold the exclusive writer lock of index ``root`` for the block.

    Waits up to ``timeout`` seconds for another writer to finish, then raises
    :class:`IndexBusyError` with the holder's pid when the lock file says it.
    """
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, LOCK_FILE)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
                    who = f" (process {holder})" if holder.isdigit() else ""
                    raise IndexBusyError(
                        f"another `newsearch index` is writing to {root!r}{who}; "
                        f"waited {timeout:g} s. Try again when it has finished."
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def new_index_directory(root: str) -> str:
    """Create an empty Whoosh index in a fresh ``ix-*`` directory under ``root``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    directory = os.path.join(root, f"ix-{stamp}-{uuid.uuid4().hex[:6]}")
    os.makedirs(directory)
    FileStorage(directory).create_index(F.build_schema(), indexname=INDEX_NAME)
    return directory


def switch_current(root: str, directory: str) -> str | None:
    """Atomically point ``root/current`` at ``directory``; return the old target."""
    old = current_directory(root)
    link = os.path.join(root, CURRENT_LINK)
    tmp = os.path.join(root, f".{CURRENT_LINK}.{uuid.uuid4().hex[:8]}")
    os.symlink(os.path.basename(directory), tmp)
    os.replace(tmp, link)
    return old if old != os.path.realpath(directory) else None


def remove_stale_directories(root: str, keep: str) -> None:
    """Delete ``ix-*`` directories other than ``keep`` (old or half-built ones).

    Safe while readers still have files of an old directory open: on POSIX
    the files live until closed.
    """
    keep = os.path.realpath(keep)
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if name.startswith("ix-") and os.path.realpath(path) != keep:
            shutil.rmtree(path, ignore_errors=True)


def open_writable(root: str) -> tuple[Index, str]:
    """The current index of ``root`` for writing, creating a first one if needed.

    Raises :class:`IndexCorruptError`, which says how to rebuild, when the
    current index cannot be read: writing to it would only add to the damage.
    """
    directory = current_directory(root)
    if directory is None:
        directory = new_index_directory(root)
        switch_current(root, directory)
    try:
        ix = FileStorage(directory).open_index(indexname=INDEX_NAME)
        ix.reader().close()  # touches every segment file
    except Exception as exc:  # whatever Whoosh raises on damaged files
        raise corrupt_index_error(root, f"{type(exc).__name__}: {exc}") from exc
    return ix, directory


#: Stored fields added after the first release: left out of documents
#: written into an index created before them (``--rebuild`` adds them).
_NEWER_FIELDS = frozenset((F.PUBLISHED_AT, F.DATE_SOURCE, F.NAME_VARIANTS))


def date_timestamp(iso: str | None) -> int:
    """Seconds since the epoch of an ISO date/datetime's wall-clock time.

    The offset is dropped on purpose: ``2019-11-19T21:59:46-05:00`` counts as
    21:59:46 on the 19th, the day the publisher printed, so date filters and
    the timeline put the story on that day (the exact instant is stored in
    ``published_at``).
    """
    if not iso:
        return F.UNDATED
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return F.UNDATED
    moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def article_fields(
    article: Article, filekey: str, signature: bytes | None = None
) -> dict[str, Any]:
    """The Whoosh fields of one article (facet values tab-joined, stored as tuples).

    ``signature`` is the article's near-duplicate signature when the caller
    computed it already (:func:`indexer.dedup.signatures` does a whole file
    at once); otherwise it is computed here.
    """
    fields: dict[str, Any] = {
        F.ID: article.id,
        F.TITLE: article.title,
        F.BODY: article.body,
        F.DATE: article.date,
        F.DATE_TS: date_timestamp(article.date),
        F.PUBLISHED_AT: article.published_at,
        F.DATE_SOURCE: article.date_source,
        F.NAME_VARIANTS: FACET_SEPARATOR.join(
            F.VARIANT_SEPARATOR.join(v).replace(FACET_SEPARATOR, " ") for v in article.name_variants
        )
        or None,
        F.URL: article.url,
        F.AUTHOR: article.author,
        F.ORIGIN: article.origin,
        F.PATH: article.path,
        F.FILEKEY: filekey,
        F.SIGNATURE: (
            signature if signature is not None else dedup.signature(article.title, article.body)
        ),
    }
    for facet in F.FACETS:
        value = getattr(article, facet.field)
        values: tuple[str, ...] = tuple(value) if facet.multi else ((value,) if value else ())
        values = tuple(v.replace(FACET_SEPARATOR, " ") for v in values if v)
        if values:
            fields[facet.field] = FACET_SEPARATOR.join(values)
            fields[f"_stored_{facet.field}"] = values if facet.multi else values[0]
    return {name: value for name, value in fields.items() if value is not None}


class SegmentBuilder:
    """Writes new segments of an index without taking the index lock.

    Used inside worker processes while the parent holds the lock; the parent
    adds the finished segments with :meth:`ParentWriter.commit_with`. A
    segment is closed and a new one started whenever the in-memory postings
    reach ``max_postings``, which bounds a worker's memory.
    """

    def __init__(self, directory: str, max_postings: int = MAX_POSTINGS) -> None:
        self._ix = FileStorage(directory).open_index(indexname=INDEX_NAME)
        self._max_postings = max_postings
        self._writer = self._new_writer()
        self._segments: list[Any] = []
        # Asked once: ``Index.schema`` reads the table of contents from disk.
        #: False for an index created before near-duplicate signatures existed.
        schema = self._ix.schema
        self._signatures = F.SIGNATURE in schema
        #: False for an index created before ``published_at`` and its siblings.
        self._newer_fields = F.PUBLISHED_AT in schema
        self._pending = 0

    def _new_writer(self) -> FastSegmentWriter:
        writer = FastSegmentWriter(self._ix)
        # The segment's array file is built from what the writer keeps as it
        # writes, not decoded back from the finished segment (see _close_writer).
        segment_arrays.keep_while_writing(writer)
        return writer

    def add(self, article: Article, filekey: str) -> None:
        self.add_fields(article_fields(article, filekey))

    def add_fields(self, fields: dict[str, Any]) -> None:
        """Add one document given as :func:`article_fields` returns it."""
        if not self._signatures:
            # An index created before near-duplicate signatures existed:
            # its schema has no column for them (``--rebuild`` adds it).
            fields = {name: value for name, value in fields.items() if name != F.SIGNATURE}
        if not self._newer_fields:  # an index built before the field existed
            fields = {k: v for k, v in fields.items() if k not in _NEWER_FIELDS}
        self._writer.add_document(**fields)
        self._pending += 1

    def end_of_file(self) -> None:
        """Called between files: rotate the segment if it has grown too big.

        Rotating only at file boundaries keeps each file's documents in one
        segment, which makes no difference to correctness (commits are what
        is atomic) but keeps the segment count low.
        """
        if self._writer.pending_postings >= self._max_postings:
            self._rotate()

    def _close_writer(self) -> None:
        """Finish the current segment without Whoosh's ``_finish()``.

        Every writer of an index shares its ``MAIN.tmp`` folder, and
        ``_finish()`` deletes that folder, which would pull temporary files
        from under a sibling worker still writing. The lock-holding parent
        commits after all workers are done, and its own ``_finish()`` clears
        the folder then.
        """
        kept = self._writer.kept
        segment = self._writer.finish_unlocked(keep=bool(self._pending))
        self._writer.kept = None
        if segment is not None:
            if kept is not None:
                folder = self._ix.storage.folder
                arrays = segment_arrays.from_kept(
                    segment.segment_id(), int(segment.doc_count_all()), kept
                )
                segment_arrays.save(folder, arrays, terms_checksum(folder, segment))
            self._segments.append(segment)

    def _rotate(self) -> None:
        self._close_writer()
        self._writer = self._new_writer()
        self._pending = 0

    def finish(self) -> list[Any]:
        """Close the last segment; return all segments written (picklable).

        Each segment's array file was written as it closed; any still
        missing (a writer without the fast path) is decoded from its segment.
        """
        self._close_writer()
        write_arrays(self._ix.storage, self._ix.schema, self._segments)
        pause_point("segment")
        return self._segments


class ParentWriter(LockHeldWriter):
    """The lock-holding writer: deletions, plus segments built elsewhere."""

    def commit_with(self, segments: list[Any], merge: bool = True, shared: bool = False) -> None:
        """Commit deletions and ``segments`` as one new generation.

        Existing segments are merged by :mod:`indexer.merge_policy` (tiers
        by size, a ceiling on one merge), so a small run on a big index
        never rewrites its big segments. ``shared``: workers are writing
        the next batch's segments into the index meanwhile (see
        :meth:`LockHeldWriter.commit_segments`).
        """
        self.commit_segments(
            segments,
            merge,
            before_toc=lambda: pause_point("before_toc"),
            after_toc=lambda: pause_point("after_toc"),
            # Merges are held to a budget proportional to what this commit adds.
            policy=default_policy(
                added=sum(int(s.doc_count_all()) for s in segments), merger=merger_from_env()
            ),
            segments_ready=self._write_arrays,
            shared=shared,
        )

    def _write_arrays(self, final: list[Any]) -> None:
        write_arrays(self.storage, self.schema, final)
        # The generation's clusters, before its table of contents (see generation_arrays).
        generation_arrays.write(self.storage.folder, self.generation, final)


#: ``NEWSEARCH_MERGE=whoosh`` merges with Whoosh's ``add_reader`` (which
#: re-sorts every posting) instead of by concatenation: for comparisons.
MERGE_ENV = "NEWSEARCH_MERGE"


def merger_from_env() -> Callable[[Any, list[Any]], Any] | None:
    """:func:`concat_merge`, unless :data:`MERGE_ENV` asks for Whoosh's merge."""
    return None if os.environ.get(MERGE_ENV, "").strip() == "whoosh" else concat_merge


def concat_merge(writer: Any, segments: list[Any]) -> Any:
    """Write one new segment holding the live documents of ``segments``, in order.

    The merge a commit's policy chose, by concatenation
    (:class:`~indexer.fastwrite.MergingSegmentWriter`): a term's postings
    are the sources' lists one after another, so nothing is sorted, where
    Whoosh's ``add_reader`` pushed every posting through its external sort.
    The segment's array file is written from what the merge kept, as a
    worker's is. Returns the new segment (not yet in any table of contents).
    """
    ix = writer.storage.open_index(writer.indexname, schema=writer.schema)
    merger = MergingSegmentWriter(ix)
    kept = segment_arrays.keep_while_writing(merger)
    readers = [SegmentReader(writer.storage, writer.schema, segment) for segment in segments]
    try:
        for reader in readers:
            merger.add_segment(reader)
        segment = merger.finish_unlocked(keep=True)
        if segment is None:
            raise RuntimeError("a merge by concatenation wrote no segment")
    finally:
        for reader in readers:
            reader.close()
    if kept is not None:
        folder = writer.storage.folder
        arrays = segment_arrays.from_kept(segment.segment_id(), int(segment.doc_count_all()), kept)
        segment_arrays.save(folder, arrays, terms_checksum(folder, segment))
    return segment


def write_arrays(storage: Any, schema: Any, segments: list[Any]) -> int:
    """Write the search arrays of every segment that lacks them (see :mod:`indexer.segment_arrays`).

    Called for a worker's segments as it finishes them (in parallel), for a
    commit's segments before its table of contents (merged ones), and for
    the whole index at the end of a run, which upgrades an index written
    before array files existed without re-indexing it.
    """
    return segment_arrays.ensure(
        storage.folder, segments, lambda segment: SegmentReader(storage, schema, segment)
    )


def write_missing_arrays(ix: Any) -> int:
    """Array files for every segment of the current generation of ``ix`` that lacks one.

    The caller holds the index lock (temporary files of a killed run are removed).
    """
    segment_arrays.remove_stale_temporaries(ix.storage.folder)
    with ix.reader() as reader:
        # An empty index has one leaf, Whoosh's EmptyReader, with no segment.
        segments = [
            segment
            for segreader, _ in reader.leaf_readers()
            if (segment := getattr(segreader, "segment", lambda: None)()) is not None
        ]
        generation = ix.latest_generation()
    written = write_arrays(ix.storage, ix.schema, segments)
    if segments and generation is not None:
        generation_arrays.write_missing(ix.storage.folder, generation, segments)
    return written


def parent_writer(ix: Index, limitmb: int = LIMIT_MB) -> ParentWriter:
    """A :class:`ParentWriter` on ``ix`` (our flock is already held)."""
    return ParentWriter(ix, limitmb=limitmb)
