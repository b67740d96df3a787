"""Source readers: files on disk to :class:`~indexer.model.RawDocument` values.

The pipeline uses exactly this API::

    for item in discover(paths):            # FoundFile | SkippedFile
        data = read the bytes of item.path
        for doc in read_documents(item.path, data):   # RawDocument | SkippedDocument
            ...

Readers know nothing of Whoosh, of entity extraction or of date parsing:
they decode, strip markup and carry the raw metadata strings the format
supplies. See ``docs/sources.md`` for the formats and the libraries used.
"""

from __future__ import annotations

from indexer.sources.detect import FORMATS, detect_format
from indexer.sources.discover import FoundFile, SkippedFile, discover
from indexer.sources.read import read_documents, warm_up_readers

__all__ = [
    "FORMATS",
    "FoundFile",
    "SkippedFile",
    "detect_format",
    "discover",
    "read_documents",
    "warm_up_readers",
]
