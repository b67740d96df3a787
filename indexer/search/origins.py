"""Origins shown relative to the indexed folder, never as absolute server paths.

The index stores each document's origin as the absolute path of its file
(``/srv/archive/reuters/reut2-000.sgm#12``): the indexer needs it to notice
changed and removed files. Readers of the site, the API and the exports need
only where the story sits *in the archive* (``reuters/reut2-000.sgm#12``),
and an absolute path tells strangers how the server is laid out.

The indexed folder is taken to be the deepest directory holding every file
the index knows (from the ``path`` lexicon, one term per file), computed
once per snapshot. It needs no record written at index time, so it works on
every existing index, and it is the folder a user handed to ``newsearch
index`` whenever that folder's files are spread over more than one of its
subdirectories. Adding files from elsewhere widens it (origins then gain a
leading directory), which keeps every origin unambiguous.
"""

from __future__ import annotations

import os
import posixpath
from functools import lru_cache

from indexer import schema as F
from indexer.search.snapshot import Snapshot

_CACHE_KEY = ("origins", "root")


def indexed_root(snap: Snapshot) -> str:
    """The deepest directory containing every indexed file ("" for an empty index)."""
    cached: str | None = snap.cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    with snap.io_lock:
        paths = [
            term.decode("utf-8") if isinstance(term, bytes) else str(term)
            for term in snap.searcher.reader().lexicon(F.PATH)
        ]
    root = _common_directory(paths)
    snap.cache[_CACHE_KEY] = root
    return root


def _common_directory(paths: list[str]) -> str:
    absolute = [path for path in paths if os.path.isabs(path)]
    if not absolute:
        return ""
    try:
        common = os.path.commonpath(absolute)
    except ValueError:  # paths on different drives (Windows)
        return ""
    # One file, or every file in one directory: commonpath is a file itself.
    return os.path.dirname(common) if common in absolute else common


@lru_cache(maxsize=4096)
def relative_origin(origin: str, root: str) -> str:
    """``origin`` (``path`` or ``path#position``) relative to ``root``.

    Anything that does not lie under ``root`` still never shows a directory:
    only its file name is kept. Cached: every hit of every page asks, and
    ``os.path.relpath`` costs more than the rest of a hit's fields.
    """
    if not origin:
        return origin
    path, hash_sign, position = origin.partition("#")
    if not os.path.isabs(path):
        return origin
    if root and (path == root or path.startswith(root.rstrip(os.sep) + os.sep)):
        shown = os.path.relpath(path, root)
    else:
        shown = os.path.basename(path)
    shown = shown.replace(os.sep, posixpath.sep)
    return f"{shown}{hash_sign}{position}"
