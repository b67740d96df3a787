"""``read_documents``: one file's bytes to documents, whatever the format."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from indexer.errors import NotAnArticleError, SourceError
from indexer.model import RawDocument, SkippedDocument
from indexer.sources.decode import binary_reason, strip_stray_nuls
from indexer.sources.detect import (
    FORMATS,
    HEAD_BYTES,
    classify,
    has_article_suffix,
    is_not_article,
    suffix_format,
)
from indexer.sources.html import read_html, warm_up
from indexer.sources.jsonl import read_jsonl
from indexer.sources.reuters import read_reuters
from indexer.sources.text import read_text

log = logging.getLogger(__name__)

Item = RawDocument | SkippedDocument

_READERS: dict[str, Callable[[str, bytes], Iterable[Item]]] = {
    "text": read_text,
    "html": read_html,
    "reuters": read_reuters,
    "jsonl": read_jsonl,
}


#: HTML pages from which a run warms the HTML readers up before forking.
WARM_UP_MIN_PAGES = 100


def warm_up_readers(paths: Iterable[str]) -> None:
    """Load the heavy readers these files will need (HTML's libraries), here and now.

    Called before worker processes fork, so that they share what was loaded
    instead of each loading it again (see :func:`indexer.sources.html.warm_up`).
    Only for a run of many pages: the warm-up costs ~2 CPU-s, which a run of
    a few pages, that may never need all of it, would pay for nothing.
    """
    if sum(suffix_format(path) == "html" for path in paths) < WARM_UP_MIN_PAGES:
        return
    try:
        warm_up()
    # Only a head start: a library that fails here fails (and is handled) per
    # page in the workers too; the run must not stop for it.
    except Exception:
        log.warning("warming up the HTML readers failed", exc_info=True)


def read_documents(path: str, data: bytes, fmt: str | None = None) -> Iterator[Item]:
    """Decode and parse one file's bytes into documents, in file order.

    ``fmt`` forces a reader (one of :data:`FORMATS`); by default the format
    is detected from ``path`` and the first bytes. The whole file is parsed
    before this returns, so :class:`SourceError` (the file as a whole is
    unusable: empty, binary, not an article format, no document in it...)
    is raised by the call itself, never halfway through the iteration; its
    subclass :class:`NotAnArticleError` when the file is readable but simply
    not an article (a README, a word list, a JSON document, an image).
    Multi-document files report unusable documents as
    :class:`SkippedDocument` items among the others.

    Bodies are capped at 2,000,000 characters (see ``cleanup.cap_body``).
    """
    if fmt is not None and fmt not in FORMATS:
        raise SourceError(f"unknown format {fmt!r}")
    unreadable = SourceError if has_article_suffix(path) else NotAnArticleError
    if not data:
        raise unreadable("empty file")
    data = strip_stray_nuls(data)
    if not data:
        raise unreadable("empty file (only NUL bytes)")
    reason = binary_reason(data)
    if reason is not None:
        raise unreadable(reason)
    if fmt is None:
        fmt, why = classify(path, data[:HEAD_BYTES])
        if fmt is None:
            if is_not_article(path, data[:HEAD_BYTES]):
                raise NotAnArticleError(why)
            raise SourceError(why)
    try:
        items = list(_READERS[fmt](path, data))
    except RecursionError:
        raise SourceError(f"{fmt}: structure nested too deeply") from None
    if not any(isinstance(item, RawDocument) for item in items):
        if items and isinstance(items[0], SkippedDocument):
            raise SourceError(
                f"no usable document ({len(items)} skipped; first: {items[0].reason})"
            )
        raise SourceError("no document in file")
    return iter(items)
