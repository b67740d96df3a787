"""Finding candidate files: a deterministic walk over files and directories.

The walk is iterative (no recursion limit on deep trees), visits each
directory's entries in sorted name order, follows symbolic links but never
enters a directory twice (which is what makes link loops harmless), and
yields each file once however many paths lead to it. Everything it cannot
use becomes a :class:`SkippedFile` with a reason for the build report.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A candidate file found by :func:`discover`."""

    #: As given, or joined from the given directory (not resolved).
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A path that cannot be read at all, with a reason for the report."""

    path: str
    reason: str


_Key = tuple[int, int]  # (st_dev, st_ino): the identity of a file or directory


def discover(paths: Sequence[str]) -> Iterator[FoundFile | SkippedFile]:
    """Walk ``paths`` (files and directories) and yield what they contain.

    Directories are walked recursively in sorted order; names starting with
    ``.`` inside them are skipped (a path given explicitly is always used).
    Symbolic links are followed, but a directory already entered is not
    entered again: a link to an ancestor is reported as a loop, and a file
    reached twice (through links or hard links) is yielded once, at its first
    path. Unreadable files and directories, broken links, link loops and
    anything that is not a regular file or directory come out as
    :class:`SkippedFile`.
    """
    seen_files: set[_Key] = set()
    seen_dirs: set[_Key] = set()
    for path in paths:
        yield from _walk(path, seen_files, seen_dirs)


def _walk(
    root: str, seen_files: set[_Key], seen_dirs: set[_Key]
) -> Iterator[FoundFile | SkippedFile]:
    info = _stat(root)
    if isinstance(info, SkippedFile):
        yield info
        return
    if not stat.S_ISDIR(info.st_mode):
        yield from _file(root, info, seen_files)
        return
    # Depth-first over a stack of (directory path, its remaining entries, its key).
    stack: list[tuple[str, Iterator[str], _Key]] = []
    opened = _open_dir(root, info, seen_dirs, ancestors=set())
    if isinstance(opened, SkippedFile):
        yield opened
    elif opened is not None:
        stack.append((root, iter(opened), (info.st_dev, info.st_ino)))
    while stack:
        directory, names, _ = stack[-1]
        name = next(names, None)
        if name is None:
            stack.pop()
            continue
        path = os.path.join(directory, name)
        entry = _stat(path)
        if isinstance(entry, SkippedFile):
            yield entry
        elif stat.S_ISDIR(entry.st_mode):
            ancestors = {key for _, _, key in stack}
            opened = _open_dir(path, entry, seen_dirs, ancestors)
            if isinstance(opened, SkippedFile):
                yield opened
            elif opened is not None:
                stack.append((path, iter(opened), (entry.st_dev, entry.st_ino)))
        else:
            yield from _file(path, entry, seen_files)


def _stat(path: str) -> os.stat_result | SkippedFile:
    """``stat`` following links, or the reason it failed."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return SkippedFile(path, "broken symbolic link")
        return SkippedFile(path, "no such file or directory")
    except PermissionError:
        return SkippedFile(path, "permission denied")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return SkippedFile(path, "symbolic link loop")
        return SkippedFile(path, f"cannot stat: {exc.strerror or exc}".lower())


def _open_dir(
    path: str, info: os.stat_result, seen_dirs: set[_Key], ancestors: set[_Key]
) -> list[str] | SkippedFile | None:
    """The visible entry names of a directory in sorted order; ``None`` if already walked."""
    key = (info.st_dev, info.st_ino)
    if key in ancestors:
        return SkippedFile(path, "symbolic link loop (points to an ancestor directory)")
    if key in seen_dirs:
        log.debug("skipping %s: directory already walked", path)
        return None
    seen_dirs.add(key)
    try:
        with os.scandir(path) as entries:
            names = [entry.name for entry in entries]
    except PermissionError:
        return SkippedFile(path, "permission denied")
    except OSError as exc:
        return SkippedFile(path, f"cannot list directory: {exc.strerror or exc}".lower())
    return sorted(name for name in names if not name.startswith("."))


def _file(
    path: str, info: os.stat_result, seen_files: set[_Key]
) -> Iterator[FoundFile | SkippedFile]:
    if not stat.S_ISREG(info.st_mode):
        yield SkippedFile(path, f"not a regular file ({_kind(info.st_mode)})")
        return
    key = (info.st_dev, info.st_ino)
    if key in seen_files:
        log.debug("skipping %s: same file already found", path)
        return
    seen_files.add(key)
    if not os.access(path, os.R_OK):
        yield SkippedFile(path, "permission denied")
        return
    yield FoundFile(path, info.st_size, info.st_mtime_ns)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"
