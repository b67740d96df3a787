"""Compound segment files read in place from their memory map, not copied.

Whoosh maps a compound segment file (a merged segment's postings, terms,
stored fields and columns in one file) and opens each part as a
``BufferFile`` over a slice of the map. ``BufferFile`` wraps that slice in
``io.BytesIO``, which copies a ``memoryview`` it is given: opening a reader
therefore copied every part of every compound segment into private memory,
touching each page of the map on the way. On the 100x index (2.16 M stories,
18 compound segments) that was 2.1 GB of copies plus 2.1 GB of mapped pages
(4.3 GB RSS) and 1.4 CPU-s for every reader opened, by the indexer (its peak
RSS) as by every search process.

:class:`InPlaceBufferFile` is the same file over the same slice, with a
read position kept in Python instead of a copy: ``get`` (how Whoosh 3 reads
postings, terms and columns) slices the map as before, and the sequential
``read``/``readline`` calls (headers, pickled directories) copy only what
they return. :func:`install` makes Whoosh's compound storage use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


class _ViewReader:
    """A read-only, seekable file over a memoryview that never copies the whole view."""

    __slots__ = ("_pos", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view: memoryview | None = view
        self._pos = 0

    def _open(self) -> memoryview:
        if self._view is None:
            raise ValueError("I/O operation on closed file")
        return self._view

    def read(self, size: int | None = -1) -> bytes:
        view = self._open()
        start = min(self._pos, len(view))
        end = len(view) if size is None or size < 0 else min(start + size, len(view))
        self._pos = end
        return bytes(view[start:end])

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(memoryview(buffer).cast("B")))
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        view = self._open()
        start = min(self._pos, len(view))
        limit = len(view) if size is None or size < 0 else min(start + size, len(view))
        end = start
        while end < limit:
            chunk = bytes(view[end : min(end + 4096, limit)])
            found = chunk.find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end += len(chunk)
        self._pos = end
        return bytes(view[start:end])

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        view = self._open()
        if whence == 1:
            offset += self._pos
        elif whence == 2:
            offset += len(view)
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        self._pos = offset
        return offset

    def tell(self) -> int:
        self._open()
        return self._pos

    def close(self) -> None:
        self._view = None


class InPlaceBufferFile(BufferFile):
    """Whoosh's ``BufferFile`` without the copy of its buffer (see the module doc)."""

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        # The same view, not a new one: closing releases it, which lets the
        # map close (a second export would keep it open).
        self.file = _ViewReader(buf if isinstance(buf, memoryview) else memoryview(buf))  # type: ignore[assignment]


def install() -> None:
    """Make Whoosh's compound storage open its parts with :class:`InPlaceBufferFile`."""
    compound.BufferFile = InPlaceBufferFile  # type: ignore[misc]
