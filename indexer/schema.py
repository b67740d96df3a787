"""The one Whoosh schema, and the field names shared by writer and search.

Field names here are the names the JSON API uses for the same values, so an
``Article`` field, an index field and a JSON key never drift apart.

Facets are stored twice over in the index, on purpose:

* an exact field (``people``, ``places``...) holding each display value as
  one untokenized term: the search service reads its postings once per
  segment into numpy arrays for facet counts and filters;
* the stored value (a tuple of display names) for showing a hit.

Searching *inside* entity names (``person:trump``) is answered from the
facet value lists, so no extra tokenized copy of each entity field is indexed.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import columns, fields

from indexer.analysis import PackedPositions, facet_analyzer, text_analyzer
from indexer.dedup import SIGNATURE_BYTES

# Stored and/or indexed article fields (also JSON keys).
ID = "id"
TITLE = "title"
BODY = "body"
DATE = "date"
DATELINE = "dateline"
SOURCE = "source"
URL = "url"
AUTHOR = "author"
#: The exact instant of publication (ISO 8601 with offset) and where the
#: day in ``date`` came from (see ``indexer.extract.dates.publication_date``).
PUBLISHED_AT = "published_at"
DATE_SOURCE = "date_source"
#: Spellings merged into facet values, one term each:
#: ``facet \x1f value \x1f spelling`` (see ``indexer.extract.variants``);
#: the search service lists them as the value's aliases.
NAME_VARIANTS = "name_variants"
VARIANT_SEPARATOR = "\x1f"
ORIGIN = "origin"
PEOPLE = "people"
ORGANIZATIONS = "organizations"
PLACES = "places"
TOPICS = "topics"

# Internal fields.
#: Publication time as signed seconds since the epoch of the publisher's
#: wall clock (the local time read as if it were UTC, so that the UTC day of
#: the value is the day the publisher printed); a sortable column read into
#: numpy for date filters, sorting and the histogram. Undated articles hold
#: ``UNDATED``.
DATE_TS = "date_ts"
#: The source file's path: changed and removed files delete by this term.
PATH = "path"
#: One term per source file fingerprint (see ``indexer.fingerprint``): the
#: set of these terms *is* the manifest of what the index holds, committed
#: atomically with the documents themselves.
FILEKEY = "filekey"

#: Near-duplicate signature (``indexer.dedup``): fixed bytes in a column,
#: read into numpy per segment to group wire copies into clusters.
SIGNATURE = "dupsig"

#: Sentinel date for undated articles: sorts before every real date.
UNDATED = -(2**62)

#: Fields searched by a query word without a ``field:`` prefix.
TEXT_FIELDS = (TITLE, BODY)


@dataclass(frozen=True, slots=True)
class FacetField:
    """How one facet is named in URLs/JSON and on pages, and where its values live."""

    #: Facet (and URL parameter) name, e.g. "person".
    name: str
    #: Index field holding exact values; also the stored field and hit key.
    field: str
    #: True when an article can have several values.
    multi: bool
    #: Heading of the facet's list on the page ("People").
    label: str
    #: One value's kind, on the chip of a selected value ("Person").
    singular: str


#: The facets, in display order: the one definition of their names (the
#: search types, the URL parameters, the JSON keys and the page labels all
#: come from here).
FACETS: tuple[FacetField, ...] = (
    FacetField("dateline", DATELINE, False, "Dateline", "Dateline"),
    FacetField("person", PEOPLE, True, "People", "Person"),
    FacetField("organization", ORGANIZATIONS, True, "Organizations", "Organization"),
    FacetField("place", PLACES, True, "Places", "Place"),
    FacetField("topic", TOPICS, True, "Topics", "Topic"),
    FacetField("source", SOURCE, False, "Sources", "Source"),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}

#: Query-syntax field names users may type (``person:trump``) and what they
#: search: a text field, or a facet's values.
QUERY_FIELDS: dict[str, str] = {
    "title": TITLE,
    "body": BODY,
    "text": BODY,
    **{facet.name: facet.field for facet in FACETS},
    **{facet.field: facet.field for facet in FACETS},
    "org": ORGANIZATIONS,
}


def build_schema() -> fields.Schema:
    """The schema every newsearch index is created with."""
    text = text_analyzer()
    facet = facet_analyzer()

    def text_field() -> fields.FieldType:
        field = fields.TEXT(stored=True, analyzer=text, phrase=True)
        field.format = PackedPositions(field_boost=1.0)
        return field

    def facet_field() -> fields.FieldType:
        # Exact values, stored as a tuple via ``_stored_<name>``; not scored.
        field = fields.KEYWORD(stored=True, analyzer=facet, scorable=False)
        return field

    return fields.Schema(
        **{
            ID: fields.ID(stored=True, unique=True),
            TITLE: text_field(),
            BODY: text_field(),
            DATE: fields.STORED(),
            PUBLISHED_AT: fields.STORED(),
            DATE_SOURCE: fields.STORED(),
            NAME_VARIANTS: fields.KEYWORD(stored=False, analyzer=facet, scorable=False),
            # A column only: no range terms are indexed (a NUMERIC field would
            # add 16 postings per document); filters run on the numpy copy.
            DATE_TS: fields.COLUMN(columns.NumericColumn("q", default=UNDATED)),
            SIGNATURE: fields.COLUMN(columns.FixedBytesColumn(SIGNATURE_BYTES)),
            URL: fields.STORED(),
            AUTHOR: fields.STORED(),
            ORIGIN: fields.STORED(),
            PATH: fields.ID(stored=True),
            FILEKEY: fields.ID(stored=False),
            **{facet.field: facet_field() for facet in FACETS},
        }
    )
