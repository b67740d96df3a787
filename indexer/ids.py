"""Stable article identifiers.

An id must survive re-indexing (it appears in shared URLs) and must not
depend on the machine, so it is built from what the source says about the
document rather than from index internals:

* Reuters stories: ``reuters-<NEWID>``, readable and stable.
* Any other document that carries its own id (a JSON ``id``): that id, made
  URL-safe; when it is not URL-safe or too long, a hash of it.
* Everything else: a hash of the file's absolute path and the position in it.
"""

from __future__ import annotations

import hashlib
import os
import re

from indexer.model import RawDocument

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def article_id(raw: RawDocument) -> str:
    """The stable id of ``raw``; see the module docstring for the rules."""
    native = (raw.native_id or "").strip()
    if native:
        if raw.format == "reuters":
            return f"reuters-{_digest(native) if not native.isdigit() else native}"
        if _SAFE_ID.fullmatch(native):
            return native
        return f"id-{_digest(native)}"
    location = os.path.abspath(raw.path)
    if raw.position is not None:
        location = f"{location}#{raw.position}"
    return _digest(location)
