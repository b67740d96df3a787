"""The indexing run: sources -> normalize/extract -> index, incrementally.

This is the one module that wires the stages together; the stages do not
import each other. A run:

1. takes the writer lock (bounded wait);
2. walks the given paths and compares each file's ``stat`` with the
   fingerprints the index already holds, so unchanged files are never read;
3. parses, extracts and writes new and changed files in worker processes,
   one segment per worker, in batches that end on file boundaries;
4. commits each batch atomically, replacing the documents of changed files
   in the same commit that adds their new versions;
5. with ``prune``, deletes documents whose files no longer exist under the
   paths given (files elsewhere are never pruned);
6. with ``rebuild``, does all of this into a fresh directory and switches to
   it only when complete.

Per-file work (read, fingerprint, parse, extract, add) is a plain function,
so the in-process path (one worker) and the parallel path share every line.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import json
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from whoosh.reading import SegmentReader

from indexer import dedup
from indexer import schema as F
from indexer.errors import NewsearchError, NotAnArticleError, SourceError
from indexer.extract import build_article
from indexer.fingerprint import Fingerprint, content_digest
from indexer.model import SkippedDocument
from indexer.sources import FoundFile, SkippedFile, discover, read_documents, warm_up_readers
from indexer.writer import (
    SegmentBuilder,
    article_fields,
    index_lock,
    new_index_directory,
    open_writable,
    parent_writer,
    pause_point,
    remove_stale_directories,
    switch_current,
    write_missing_arrays,
)

log = logging.getLogger(__name__)

#: Largest file read at all. Bigger files are skipped with a reason rather
#: than loaded into memory (a multi-document file of this size is fine).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Input bytes per commit: bounds what a crash can lose and the memory a
#: batch needs, while keeping commits (each costs a merge) few. The
#: environment variable overrides it (tests use small batches to get
#: several commits out of a small corpus).
BATCH_BYTES = 64 * 1024 * 1024
BATCH_BYTES_ENV = "NEWSEARCH_BATCH_BYTES"
#: How long a second writer waits for the lock before giving up.
DEFAULT_LOCK_TIMEOUT = 10.0
SKIPPED_FILE = "skipped.json"

ProgressCallback = Callable[[int], None]


@dataclass(slots=True)
class Skip:
    """One thing that was not indexed, and why."""

    origin: str
    reason: str
    #: A readable file that is simply not an article (a README, a code
    #: list, a JSON document): reported, but no failure of the run.
    not_article: bool = False


@dataclass(slots=True)
class Report:
    """What a run did; printed by the CLI, as JSON with ``--json``."""

    #: Documents added from files the index did not know.
    indexed: int = 0
    #: Documents written for files whose content changed (their old
    #: documents were replaced in the same commit).
    updated: int = 0
    #: Documents removed: old versions of changed files, and pruned files.
    deleted: int = 0
    #: Files whose fingerprint matched, and the documents they hold.
    unchanged_files: int = 0
    unchanged_documents: int = 0
    new_files: int = 0
    changed_files: int = 0
    pruned_files: int = 0
    #: Indexed files that no longer exist but lie outside the paths given
    #: (another folder, an unmounted disk): kept, even with ``prune``.
    missing_elsewhere: int = 0
    #: Documents whose id another document also had; the later one was kept.
    duplicates: int = 0
    skipped: list[Skip] = field(default_factory=list)
    documents_total: int = 0
    commits: int = 0
    elapsed_s: float = 0.0
    index_dir: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def failures(self) -> list[Skip]:
        """Skips that are failures: files or documents that looked like articles."""
        return [skip for skip in self.skipped if not skip.not_article]


@dataclass(slots=True)
class FileResult:
    """What one worker did with one file (sent back to the parent)."""

    path: str
    key: str | None
    ids: list[str]
    skipped: list[Skip]


@dataclass(frozen=True, slots=True)
class Plan:
    """Which discovered files need work, decided from ``stat`` alone."""

    todo: list[FoundFile]
    changed_paths: set[str]
    unchanged_keys: list[str]
    missing_paths: list[str]
    skipped: list[Skip]
    #: Memo entries of unchanged files that earlier runs skipped whole.
    remembered: list[dict[str, Any]]
    #: Indexed files gone from disk outside the run's paths (never pruned).
    missing_elsewhere: int = 0


def _read_bytes(found: FoundFile) -> bytes:
    if found.size > MAX_FILE_BYTES:
        raise SourceError(
            f"file too large ({found.size // 2**20} MB; the limit is {MAX_FILE_BYTES // 2**20} MB)"
        )
    with open(found.path, "rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


def process_file(found: FoundFile, builder: SegmentBuilder) -> FileResult:
    """Read, fingerprint, parse, extract and add one file's documents.

    Never raises for a bad file: every problem becomes a :class:`Skip`. A
    file's articles are all built before the first is added, so a file that
    fails half-way adds nothing.
    """
    path = found.path
    try:
        _check_file_name(path)
        data = _read_bytes(found)
        key = Fingerprint(path, found.size, found.mtime_ns, content_digest(data)).key()
        records: list[tuple[str, dict[str, Any]]] = []
        skipped: list[Skip] = []
        articles = []
        for item in read_documents(path, data):
            if isinstance(item, SkippedDocument):
                skipped.append(Skip(item.origin, item.reason))
                continue
            articles.append(build_article(item))
        # Near-duplicate signatures for the whole file at once (far cheaper
        # than one story at a time).
        signatures = dedup.signatures([(a.title, a.body) for a in articles])
        for article, signature in zip(articles, signatures, strict=True):
            fields = article_fields(article, key, signature)
            problem = _unencodable_field(fields)
            if problem is None:
                records.append((article.id, fields))
            else:
                skipped.append(Skip(article.origin, f"{problem} is not valid Unicode text"))
    except NotAnArticleError as exc:
        return FileResult(path, None, [], [Skip(path, str(exc), not_article=True)])
    except SourceError as exc:
        return FileResult(path, None, [], [Skip(path, str(exc))])
    except OSError as exc:
        return FileResult(path, None, [], [Skip(path, f"cannot read: {exc.strerror or exc}")])
    except RecursionError:
        return FileResult(path, None, [], [Skip(path, "structure nested too deeply")])
    except Exception as exc:  # one bad file must never stop a run (logged)
        log.exception("unexpected error reading %s", path)
        return FileResult(path, None, [], [Skip(path, f"internal error: {type(exc).__name__}")])
    pause_point("parse")
    for _, fields in records:
        builder.add_fields(fields)
    pause_point("write")
    builder.end_of_file()
    if not records and not skipped:
        skipped.append(Skip(path, "no documents in file"))
    return FileResult(path, key if records else None, [doc_id for doc_id, _ in records], skipped)


def _check_file_name(path: str) -> None:
    """Whoosh stores paths as UTF-8: a name with undecodable bytes cannot be indexed."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise SourceError(
            "the file name is not valid UTF-8 (rename the file to index it)"
        ) from None


def _unencodable_field(fields: dict[str, Any]) -> str | None:
    """The first field holding text UTF-8 cannot encode (a lone surrogate), if any.

    Whoosh fails on such text half-way through adding a document, which
    would leave a partial document in the segment; refusing it beforehand
    keeps the segment clean.
    """
    for name, value in fields.items():
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return name.removeprefix("_stored_")
    return None


# -- worker processes ---------------------------------------------------------

_progress_queue: Any = None
#: Index of the next file of the current batch that a worker may take
#: (a shared counter, reset by the parent before each batch).
_next_file: Any = None


#: Allocations between young collections while building segments (Python's
#: default is 700). A segment's postings pool is millions of acyclic objects,
#: and with the default the cycle collector took 6% of a worker's time
#: re-scanning them; with this, about 1.5% (measured with ``gc.callbacks`` on
#: half of Reuters-21578). Cyclic garbage (parse trees) is still collected.
GC_THRESHOLD = (10_000, 10, 10)


@contextlib.contextmanager
def _collector_for_indexing() -> Iterator[None]:
    """Fewer cycle collections while this process builds segments."""
    saved = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def _init_worker(queue: Any, next_file: Any = None) -> None:
    global _progress_queue, _next_file
    _progress_queue = queue
    _next_file = next_file
    # Ctrl-C reaches every process of the terminal's group. Only the parent
    # acts on it (it stops the pool and keeps the last commit); a worker
    # taking it too would print its own traceback for each file it was on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the worker inherited (modules, name tables) is never garbage:
    # keep the collector from walking it again and again. (The raised
    # threshold is inherited: the pool is forked inside
    # :func:`_collector_for_indexing`.)
    gc.freeze()


def _work_shared(directory: str, files: list[FoundFile]) -> tuple[list[Any], list[FileResult]]:
    """Worker entry point: take the batch's next untaken file until none is left.

    Why not fixed shares: a file's cost is not its size (an HTML page of
    150 KB takes 20-200 ms, mostly in trafilatura, whatever its markup
    weighs), so shares of equal bytes left one worker idle while the other
    finished. Taking files one at a time from a shared counter, biggest
    first, keeps both busy to the end of the batch.
    """
    builder = SegmentBuilder(directory)
    results = []
    while True:
        with _next_file.get_lock():
            index = _next_file.value
            _next_file.value = index + 1
        if index >= len(files):
            break
        result = process_file(files[index], builder)
        results.append(result)
        if _progress_queue is not None:
            _progress_queue.put(len(result.ids))
    return builder.finish(), results


def batch_bytes() -> int:
    """:data:`BATCH_BYTES`, or the positive number of bytes :data:`BATCH_BYTES_ENV` gives."""
    text = os.environ.get(BATCH_BYTES_ENV, "").strip()
    try:
        value = int(text) if text else BATCH_BYTES
    except ValueError:
        log.warning("ignoring %s=%r: not a whole number of bytes", BATCH_BYTES_ENV, text)
        return BATCH_BYTES
    return value if value > 0 else BATCH_BYTES


def _batches(files: list[FoundFile]) -> Iterable[list[FoundFile]]:
    limit = batch_bytes()
    batch: list[FoundFile] = []
    size = 0
    for found in files:
        if batch and size + found.size > limit:
            yield batch
            batch, size = [], 0
        batch.append(found)
        size += found.size
    if batch:
        yield batch


# -- planning -----------------------------------------------------------------


def read_manifest(reader: Any) -> dict[str, Fingerprint]:
    """The fingerprints the index holds, by path (from the ``filekey`` lexicon).

    A file stays in the manifest while its term does, even when every story
    it gave was later replaced by a file carrying the same ids: it was read,
    and reading it again would undo the newer copies. Deleted stories still
    count in a term's frequency until their segment is merged, so whether a
    file that is gone still has stories to prune is asked separately
    (:func:`_has_live_stories`).
    """
    manifest: dict[str, Fingerprint] = {}
    for term in reader.lexicon(F.FILEKEY):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        fingerprint = Fingerprint.parse(text)
        if fingerprint is not None and reader.doc_frequency(F.FILEKEY, text):
            manifest[fingerprint.path] = fingerprint
    return manifest


def _has_live_stories(reader: Any) -> Callable[[str], bool]:
    """Whether an indexed file still has a story not deleted (a pruned file
    keeps its terms until its segment is merged away)."""
    if not reader.has_deletions():
        return lambda path: True
    leaves = [leaf for leaf, _ in reader.leaf_readers()]

    def live(path: str) -> bool:
        return any(
            leaf.doc_frequency(F.PATH, path) and leaf.postings(F.PATH, path).is_active()
            for leaf in leaves
        )

    return live


def plan_run(
    paths: Sequence[str],
    manifest: dict[str, Fingerprint],
    memo: dict[str, dict[str, Any]] | None = None,
    live: Callable[[str], bool] | None = None,
) -> Plan:
    """Classify discovered files against the manifest by ``stat`` alone.

    ``memo`` holds files earlier runs skipped as a whole (by path); those
    that have not changed since are reported again without being re-read.
    ``live`` says whether a file that is gone still has stories to prune
    (one already pruned is neither pruned again nor counted as missing).
    """
    memo = memo or {}
    todo: list[FoundFile] = []
    changed: set[str] = set()
    unchanged: list[str] = []
    skipped: list[Skip] = []
    seen: set[str] = set()
    remembered: list[dict[str, Any]] = []
    for item in discover(paths):
        if isinstance(item, SkippedFile):
            skipped.append(Skip(item.path, item.reason))
            continue
        found = FoundFile(os.path.abspath(item.path), item.size, item.mtime_ns)
        seen.add(found.path)
        known = manifest.get(found.path)
        if known is not None and known.same_stat(found.size, found.mtime_ns):
            unchanged.append(known.key())
            continue
        entry = memo.get(found.path)
        if entry and (entry.get("size"), entry.get("mtime_ns")) == (found.size, found.mtime_ns):
            remembered.append(entry)
            skipped.append(
                Skip(
                    str(entry.get("origin")),
                    str(entry.get("reason")),
                    not_article=entry.get("not_article") is True,
                )
            )
            continue
        if known is not None:
            changed.add(found.path)
        todo.append(found)
    gone = [
        path
        for path in manifest
        if path not in seen and not os.path.exists(path) and (live is None or live(path))
    ]
    inside = _within(paths)
    missing = [path for path in gone if inside(path)]
    return Plan(todo, changed, unchanged, missing, skipped, remembered, len(gone) - len(missing))


def _within(paths: Sequence[str]) -> Callable[[str], bool]:
    """Whether an indexed file lies in the run's scope: one of ``paths`` or under one.

    Pruning is limited to that scope so that ``newsearch index seeds/ --prune``
    cannot remove another folder's stories because its disk is unmounted or
    the folder was moved: only the user's own deletions in the folder they
    named are pruned.
    """
    roots = [os.path.abspath(path) for path in paths]
    prefixes = tuple(root.rstrip(os.sep) + os.sep for root in roots)
    exact = set(roots)
    return lambda path: path in exact or path.startswith(prefixes)


# -- the run ------------------------------------------------------------------


def index_paths(
    paths: Sequence[str],
    index_dir: str,
    *,
    rebuild: bool = False,
    prune: bool = False,
    workers: int | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    progress: ProgressCallback | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> Report:
    """Index ``paths`` (files and directories) into the index at ``index_dir``.

    Incremental and idempotent: a second run over unchanged files writes
    nothing. Raises :class:`~indexer.errors.IndexBusyError` when another
    writer holds the index beyond ``lock_timeout``. ``on_plan`` receives the
    number of files to read before work starts (for a progress bar).
    """
    started = time.perf_counter()
    workers = workers or min(os.cpu_count() or 1, 4)
    report = Report(index_dir=os.path.abspath(index_dir))
    with index_lock(index_dir, lock_timeout):
        if rebuild:
            directory = new_index_directory(index_dir)
            from indexer.whoosh_internals import FileStorage

            ix = FileStorage(directory).open_index(indexname="MAIN")
        else:
            ix, directory = open_writable(index_dir)
            # What a killed --rebuild left half-built (we hold the lock).
            remove_stale_directories(index_dir, directory)
        with ix.reader() as reader:
            manifest = {} if rebuild else read_manifest(reader)
            known_ids = KnownIds(empty=rebuild or reader.doc_count_all() == 0)
            plan = plan_run(
                paths,
                manifest,
                {} if rebuild else _load_memo(index_dir),
                None if rebuild else _has_live_stories(reader),
            )
            report.unchanged_files = len(plan.unchanged_keys)
            report.unchanged_documents = sum(
                reader.doc_frequency(F.FILEKEY, key) for key in plan.unchanged_keys
            )
        report.skipped.extend(plan.skipped)
        report.missing_elsewhere = plan.missing_elsewhere
        if on_plan is not None:
            on_plan(len(plan.todo))
        with _collector_for_indexing():
            _write_batches(ix, directory, plan, report, workers, progress, known_ids)
        if prune and plan.missing_paths:
            _prune(ix, plan.missing_paths, report)
        # Commits wrote their segments' arrays; this fills in those of an
        # index written before array files existed (or a killed run's).
        write_missing_arrays(ix)
        if rebuild:
            switch_current(index_dir, directory)
            remove_stale_directories(index_dir, directory)
        _save_skips(index_dir, plan, report)
        with ix.reader() as reader:
            report.documents_total = reader.doc_count()
    report.elapsed_s = round(time.perf_counter() - started, 3)
    return report


def _write_batches(
    ix: Any,
    directory: str,
    plan: Plan,
    report: Report,
    workers: int,
    progress: ProgressCallback | None,
    known_ids: KnownIds,
) -> None:
    """Build and commit the run's batches.

    With worker processes, batches overlap: the workers build batch N+1
    while the parent commits batch N (its deletions, duplicate check, merge,
    array and cluster files), so both cores stay busy; before, the workers
    waited for every commit, and at 100x the commit's merges kept them idle
    most of the time (``bench/RESULTS.md``, "Stop 20"). Commits stay one per
    batch, in order, each atomic; only the last one, with no worker
    running, cleans the index directory the way Whoosh does.
    """
    if workers <= 1 or len(plan.todo) <= 1:
        for batch in _batches(plan.todo):
            segments, results = _build_here(directory, batch, progress)
            _commit_batch(ix, segments, results, plan, report, known_ids)
        return
    # Loaded once here, shared by the forked workers (HTML's libraries).
    warm_up_readers(found.path for found in plan.todo)
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()
    next_file = context.Value("q", 0)
    pool = context.Pool(workers, initializer=_init_worker, initargs=(queue, next_file))
    try:
        built: tuple[list[Any], list[FileResult]] | None = None
        for batch in _batches(plan.todo):
            next_file.value = 0  # no worker runs between batches
            pending = _start_batch(pool, directory, batch, workers)
            if built is not None:
                _commit_batch(ix, *built, plan, report, known_ids, shared=True)
            built = _collect_batch(pending, queue, batch, progress)
        if built is not None:
            _commit_batch(ix, *built, plan, report, known_ids)
    finally:
        pool.terminate()
        pool.join()


def _build_here(
    directory: str, batch: list[FoundFile], progress: ProgressCallback | None
) -> tuple[list[Any], list[FileResult]]:
    """Parse and write one batch in this process."""
    builder = SegmentBuilder(directory)
    results = []
    for found in batch:
        result = process_file(found, builder)
        results.append(result)
        if progress:
            progress(len(result.ids))
    return builder.finish(), results


def _start_batch(pool: Any, directory: str, batch: list[FoundFile], workers: int) -> Any:
    """Hand one batch to the workers (biggest files first); returns the pending result."""
    biggest_first = sorted(batch, key=lambda found: found.size, reverse=True)
    tasks = [(directory, biggest_first)] * min(workers, len(batch))
    return pool.starmap_async(_work_shared, tasks, chunksize=1)


def _collect_batch(
    pending: Any, queue: Any, batch: list[FoundFile], progress: ProgressCallback | None
) -> tuple[list[Any], list[FileResult]]:
    """Wait for the workers' segments and results of one batch (results in batch order)."""
    while not pending.ready():
        pending.wait(0.1)
        _drain(queue, progress)
    outputs = pending.get()
    _drain(queue, progress)
    segments = [segment for worker_segments, _ in outputs for segment in worker_segments]
    results = [result for _, share in outputs for result in share]
    order = {found.path: i for i, found in enumerate(batch)}
    results.sort(key=lambda r: order[r.path])
    return segments, results


def _drain(queue: Any, progress: ProgressCallback | None) -> None:
    while not queue.empty():
        count = queue.get()
        if progress:
            progress(count)


def _commit_batch(
    ix: Any,
    segments: list[Any],
    results: list[FileResult],
    plan: Plan,
    report: Report,
    known_ids: KnownIds,
    shared: bool = False,
) -> None:
    """Commit one built batch: its deletions, duplicates dropped, its segments.

    ``shared``: the workers are building the next batch meanwhile.
    """
    writer = parent_writer(ix)
    try:
        for result in results:
            report.skipped.extend(result.skipped)
            if result.path in plan.changed_paths:
                report.deleted += writer.delete_by_term(F.PATH, result.path) or 0
                report.changed_files += 1
                report.updated += len(result.ids)
            elif result.ids:
                report.new_files += 1
                report.indexed += len(result.ids)
        report.duplicates += _drop_duplicates(ix, writer, segments, results, known_ids)
        writer.commit_with(segments, shared=shared)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    report.commits += 1
    return_free_memory()


def _load_malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


_malloc_trim = _load_malloc_trim()


def return_free_memory() -> bool:
    """Give the memory a commit freed back to the system (glibc's ``malloc_trim``).

    A commit allocates and frees hundreds of megabytes at 100x (the merge's
    copied columns, the generation's facet and cluster arrays). glibc keeps
    freed blocks under its mmap threshold (which it raises up to 32 MB as
    large blocks come and go) in its heaps for reuse, so the parent's
    resident size could keep what its biggest commit needed; trimming
    returns the free pages (a few milliseconds). Returns whether anything
    was released; False where the C library has no ``malloc_trim``.
    """
    if _malloc_trim is None:
        return False
    return bool(_malloc_trim(0))


#: A term lookup in one segment costs about 3.5 times what reading one id
#: of the lexicon costs (measured on the 100x corpus: ~9.5 and ~2.7 µs).
LOOKUP_COST = 3.5


class KnownIds:
    """The ids the index already holds, for each batch's duplicate check.

    A small run on a big index (1,000 stories on 2.16 million) looks its
    ids up in the index, one term lookup per id and segment: reading the
    whole id lexicon instead costs ~6 CPU-seconds at 100x Reuters on every
    run. A big run (a first build, a re-index) reads the lexicon once, when
    that is the cheaper of the two, and keeps what it knows up to date with
    what each batch adds.

    What it keeps is a sorted array of the ids' 64-bit hashes (8 bytes an
    id), not a set of the id strings (~110 bytes an id with the set's
    table: ~240 MB of the indexing parent at 2.16 M stories, growing with
    the index). A hash that matches is confirmed by a term lookup in the
    index, so a collision never drops a story: the answer is exactly the
    set's. Python's string hash is only stable within one process, which
    is all this array lives for.
    """

    def __init__(self, empty: bool) -> None:
        self._hashes: np.ndarray | None = np.zeros(0, dtype=np.int64) if empty else None
        #: Which way the last batch was checked (for tests and profiles).
        self.mode = "set" if empty else "none"

    def already_held(self, reader: Any, batch_ids: set[str]) -> set[str]:
        """The ids of ``batch_ids`` the index (``reader``: its last commit) holds."""
        if self._hashes is None:
            segments = max(1, len(reader.leaf_readers()))
            if len(batch_ids) * segments * LOOKUP_COST < reader.doc_count_all():
                self.mode = "lookup"
                return {doc_id for doc_id in batch_ids if (F.ID, doc_id) in reader}
            self._hashes = _sorted_hashes(_lexicon_texts(reader, F.ID))
        self.mode = "set"
        ids = list(batch_ids)
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
        known = self._hashes
        maybe = _contained(known, hashes)
        held = {ids[i] for i in np.flatnonzero(maybe).tolist() if (F.ID, ids[i]) in reader}
        fresh = np.unique(hashes[~maybe])
        # One insertion, O(known + fresh), where sorting everything again costs a sort.
        self._hashes = np.insert(known, np.searchsorted(known, fresh), fresh)
        return held

    def __len__(self) -> int:
        """Distinct id hashes known (0 before the lexicon is read)."""
        return 0 if self._hashes is None else len(self._hashes)


def _sorted_hashes(texts: Iterable[str]) -> np.ndarray:
    """The distinct 64-bit hashes of ``texts``, sorted."""
    return np.unique(np.fromiter(map(hash, texts), dtype=np.int64))


def _contained(known: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Which of ``hashes`` the sorted array ``known`` holds (binary search each)."""
    if not len(known):
        return np.zeros(len(hashes), dtype=bool)
    at = np.minimum(np.searchsorted(known, hashes), len(known) - 1)
    return known[at] == hashes  # type: ignore[no-any-return]


def _duplicate_candidates(results: list[FileResult], known_ids: KnownIds, reader: Any) -> set[str]:
    """Ids this batch writes twice, or that the index already held."""
    batch_ids: set[str] = set()
    candidates: set[str] = set()
    for result in results:
        for doc_id in result.ids:
            if doc_id in batch_ids:
                candidates.add(doc_id)
            batch_ids.add(doc_id)
    return candidates | known_ids.already_held(reader, batch_ids)


def _drop_duplicates(
    ix: Any, writer: Any, segments: list[Any], results: list[FileResult], known_ids: KnownIds
) -> int:
    """Keep one document per id, in the very commit that adds the batch.

    Files are written in parallel, so copies of one id only meet here. The
    copy written last wins: any new copy over those already in the index, a
    later file of the batch over an earlier one, a later document of a file
    over an earlier one. Old copies are deleted through ``writer``; copies in
    the batch's new ``segments`` are marked deleted in the segments
    themselves. (A second commit for this would leave both copies for good
    if the run died between the two: re-runs skip unchanged files.)
    """
    with writer.reader() as reader:
        candidates = _duplicate_candidates(results, known_ids, reader)
    if not candidates:
        return 0
    dropped = 0
    searcher = writer.searcher()
    for doc_id in candidates:
        for docnum in list(searcher.document_numbers(id=doc_id)):
            if not writer.is_deleted(docnum):
                writer.delete_document(docnum)
                dropped += 1
    rank = {result.path: i for i, result in enumerate(results)}
    copies: dict[str, list[tuple[tuple[int, int], Any, int]]] = {}
    for segment in segments:
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            for doc_id in candidates:
                if (F.ID, doc_id) not in reader:  # type: ignore[operator]  # readers support `in`
                    continue
                for docnum in reader.postings(F.ID, doc_id).all_ids():
                    order = (rank[reader.stored_fields(docnum)[F.PATH]], docnum)
                    copies.setdefault(doc_id, []).append((order, segment, docnum))
        finally:
            reader.close()
    for found in copies.values():
        found.sort(key=lambda copy: copy[0])
        for _, segment, docnum in found[:-1]:
            segment.delete_document(docnum)
            dropped += 1
    return dropped


def _prune(ix: Any, missing: list[str], report: Report) -> None:
    writer = parent_writer(ix)
    try:
        for path in missing:
            report.deleted += writer.delete_by_term(F.PATH, path) or 0
            report.pruned_files += 1
        writer.commit_with([])
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    report.commits += 1


def _lexicon_texts(reader: Any, fieldname: str) -> Iterator[str]:
    for term in reader.lexicon(fieldname):
        yield term.decode("utf-8") if isinstance(term, bytes) else term


def _load_memo(index_dir: str) -> dict[str, dict[str, Any]]:
    """Files earlier runs skipped whole, by path (empty when unreadable)."""
    try:
        with open(os.path.join(index_dir, SKIPPED_FILE), encoding="utf-8") as handle:
            saved = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(saved, list):
        return {}
    return {e["path"]: e for e in saved if isinstance(e, dict) and isinstance(e.get("path"), str)}


def _save_skips(index_dir: str, plan: Plan, report: Report) -> None:
    """Remember whole-file skips so an unchanged bad file is not re-read next run."""
    sizes = {found.path: found for found in plan.todo}
    entries = list(plan.remembered)
    for skip in report.skipped:
        path = skip.origin.split("#", 1)[0]
        found = sizes.get(os.path.abspath(path))
        if found is not None and skip.origin == path:
            entries.append(
                {
                    "path": found.path,
                    "origin": skip.origin,
                    "reason": skip.reason,
                    "not_article": skip.not_article,
                    "size": found.size,
                    "mtime_ns": found.mtime_ns,
                }
            )
    tmp = os.path.join(index_dir, f".{SKIPPED_FILE}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(entries, handle)
        os.replace(tmp, os.path.join(index_dir, SKIPPED_FILE))
    except OSError as exc:  # the index is fine; only the memo is lost
        log.warning("could not save the list of skipped files: %s", exc)


__all__ = ["NewsearchError", "Report", "Skip", "index_paths"]
