"""Reading a compound segment's files without copying them into memory.

Whoosh packs a merged segment's files into one compound ``.seg`` file and
maps it with ``mmap``; but each file opened inside it becomes a
``BufferFile`` whose ``io.BytesIO`` *copies* the mapped bytes (``BytesIO``
shares only a ``bytes`` object, not a memoryview). At 100x Reuters the
merged segments are ~4.3 GB of compound files: opening the index copied
their term tables, postings and stored fields, ~8 GB and ~25 s per process
(a CLI call, each server worker: private memory, never shared).

:class:`ViewFile` reads the memoryview in place (a small Python object
with ``read``/``seek``/``tell``), so the pages stay the shared, clean
pages of the mapping; :func:`install` makes ``CompoundStorage.open_file``
use it.
"""

from __future__ import annotations

import mmap
import os
from typing import Any

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile


class ViewFile:
    """A read-only file over a memoryview (no copy)."""

    __slots__ = ("_pos", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        if end <= start:
            return b""
        self._pos = end
        return self._view[start:end].tobytes()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            position = offset
        elif whence == os.SEEK_CUR:
            position = self._pos + offset
        else:
            position = len(self._view) + offset
        if position < 0:
            raise ValueError("negative seek position")
        self._pos = position
        return position

    def tell(self) -> int:
        return self._pos

    def readline(self, size: int | None = -1) -> bytes:
        view = self._view
        start = self._pos
        end = len(view) if size is None or size < 0 else min(start + size, len(view))
        if end <= start:
            return b""
        found = bytes(view[start:end]).find(b"\n")
        stop = end if found < 0 else start + found + 1
        self._pos = stop
        return view[start:stop].tobytes()

    def close(self) -> None:
        self._view = memoryview(b"")


def _open_file(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    source = getattr(self, "_source", None)
    if self.is_closed or not source:
        return _whoosh_open_file(self, name, *args, **kwargs)
    offset, length = self.range(name)
    view = memoryview(source)[offset : offset + length]
    found = BufferFile(b"", name=name)
    found._buf = view  # BufferFile.get/close use the view; reads go through ViewFile
    found.file = ViewFile(view)  # type: ignore[assignment]
    return found


_whoosh_open_file = CompoundStorage.open_file


def release_pages(segreader: Any) -> bool:
    """Drop this process's mapping of a compound segment's pages (they stay in the page cache).

    Reading every stored document (the background check) or warming the
    postings touches most of a segment's mapped pages, which then count in
    the process's resident and proportional set size for as long as the
    mapping lives: at 100x Reuters ~4 GB of compound files, ~0.7 GB of PSS
    per server after its start. The data is already decoded into arrays or
    not needed again; ``MADV_DONTNEED`` on a read-only shared file mapping
    only removes the page table entries, so a later read faults the page
    back in from the page cache, unchanged. Returns whether a mapping was
    released (a segment that is not compound, or not mapped, has none).
    """
    storage = getattr(segreader, "_storage", None)
    compound = getattr(storage, "a", storage)  # Whoosh wraps it in an OverlayStorage
    source = getattr(compound, "_source", None)
    if not isinstance(source, mmap.mmap) or source.closed:
        return False
    source.madvise(mmap.MADV_DONTNEED)
    return True


def install() -> None:
    """Make compound segments' files zero-copy (idempotent)."""
    CompoundStorage.open_file = _open_file  # type: ignore[method-assign]
