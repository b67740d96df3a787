"""Stored fields of recently shown documents, remembered per snapshot.

Every hit on a results page reads its document's stored fields (title, body,
metadata) from the segment, which means locating and zlib-decompressing the
record under the snapshot's I/O lock: about 50 us a hit, a tenth of a whole
search. Readers ask for the same documents again and again (the top stories
of popular queries, page 1 before page 2), so a small LRU per snapshot skips
that work; a snapshot is immutable, so its entries never go stale, and a new
generation starts with an empty cache.
"""

from __future__ import annotations

import threading
from typing import Any

from cachetools import LRUCache

from indexer.search.snapshot import Snapshot

#: Documents remembered per snapshot (a Reuters story is ~1 kB, a long web
#: article ~10 kB: at most a few tens of MB).
STORED_CACHE_DOCS = 2048
_KEY = "stored-fields"
_LOCK = threading.Lock()


def stored(snap: Snapshot, docnum: int) -> dict[str, Any]:
    """``snap.stored(docnum)``, from the snapshot's cache when it was read lately.

    The dict is shared with other callers: read it, never change it.
    """
    cache: LRUCache[int, dict[str, Any]] | None = snap.cache.get(_KEY)
    if cache is None:
        with _LOCK:
            cache = snap.cache.setdefault(_KEY, LRUCache(maxsize=STORED_CACHE_DOCS))
    with _LOCK:
        fields = cache.get(docnum)
    if fields is None:
        fields = snap.stored(docnum)
        with _LOCK:
            cache[docnum] = fields
    return fields
