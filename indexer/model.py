"""The data that flows through the indexing pipeline.

Two shapes, both frozen and standard-library only so that every stage can be
tested on plain values:

* :class:`RawDocument` is what a source reader yields: the text and whatever
  metadata the file format itself carries, untouched by interpretation.
* :class:`Article` is what the index stores: normalized text and the
  extracted, trustworthy metadata.

Readers never build Articles and the writer never sees RawDocuments; the
pipeline (``indexer.pipeline``) is the only place that turns one into the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Keys a reader may use in :attr:`RawDocument.tags` for tags the source
#: supplies itself (Reuters' TOPICS, PLACES, PEOPLE, ORGS and EXCHANGES codes).
TAG_KINDS = ("topics", "places", "people", "orgs", "exchanges")

_EMPTY_TAGS: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as a source file holds it, before any interpretation.

    ``body`` keeps the author's text (after decoding and markup removal) and
    may still contain a dateline lead or a credit line; extracting those is
    the job of ``indexer.extract``. Metadata fields hold the raw strings the
    format supplied (for instance Reuters' ``26-FEB-1987 15:01:01.79``), or
    ``None`` when the format has no such slot.
    """

    #: Path of the file the document came from, as given to the reader.
    path: str
    #: 1-based position inside a multi-document file (the ordinal of the
    #: ``<REUTERS>`` element in SGML, the line number in JSON Lines); ``None``
    #: for single-document files.
    position: int | None
    #: Which reader produced it: "text", "html", "reuters" or "jsonl".
    format: str
    body: str
    title: str | None = None
    #: Raw publication date text, e.g. "7:42 PM, March 28, 2019".
    date: str | None = None
    #: The publication day the page itself prints (``YYYY-MM-DD``), when a
    #: reader can tell it apart from declared metadata (the HTML reader, with
    #: htmldate); weighed against ``date`` by ``indexer.extract.dates``.
    page_date: str | None = None
    #: Raw dateline text when the format marks it (Reuters' DATELINE).
    dateline: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    #: An identifier the source itself assigns (Reuters NEWID, a JSON "id").
    native_id: str | None = None
    #: Source-supplied tags by kind (see :data:`TAG_KINDS`), as raw codes.
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY_TAGS)

    @property
    def origin(self) -> str:
        """Where the document came from: ``path`` or ``path#position``."""
        return self.path if self.position is None else f"{self.path}#{self.position}"


@dataclass(frozen=True, slots=True)
class Article:
    """One article as the index stores it.

    ``date`` is an ISO 8601 string at the precision the source gave:
    ``2019-03-28T19:42``, ``1987-02-26T15:01:01`` or ``2019-03-28``, with a
    UTC offset when the zone is known; its day is the publisher's local day
    (see :func:`indexer.extract.dates.publication_date`). Entity tuples hold display names
    (``United States``, not ``usa``), de-duplicated, in first-seen order.
    """

    id: str
    title: str
    body: str
    origin: str
    path: str
    date: str | None = None
    dateline: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    #: The exact moment of publication with its UTC offset, when the source
    #: gave a time with a zone; ``date`` holds the publisher's local day.
    published_at: str | None = None
    #: Where ``date``'s day came from: "metadata", "url", "page" or "text".
    date_source: str | None = None
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    #: ``(facet, value, spelling)``: a spelling found in the text that the
    #: facet value stands for ("person", "Ivan Boesky", "Ivan F. Boesky").
    name_variants: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SkippedDocument:
    """A document inside a readable file that could not be used.

    Multi-document readers yield it (a broken JSON line, a ``<REUTERS>``
    element without any text) instead of failing the whole file, so the
    build report can name every loss with its reason.
    """

    origin: str
    reason: str
