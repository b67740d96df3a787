"""RawDocument -> Article: normalize, then extract every field.

Each field comes from a small pure function in a sibling module; this one
only decides the order of trust between them and guarantees the contract
the pipeline relies on: :func:`build_article` returns an Article for any
RawDocument, however odd (empty body, garbage dates, binary debris), and
never raises. A field that cannot be extracted is ``None`` or empty, never
a guess.
"""

from __future__ import annotations

import logging
import re

from indexer.extract.credits import extract_source
from indexer.extract.datelines import dateline_from_lead, normalize_dateline
from indexer.extract.dates import publication_date
from indexer.extract.entities import Entities, extract_entities
from indexer.extract.gazetteer import known_names
from indexer.extract.reuters_codes import TagNames, tag_names
from indexer.extract.titles import make_title
from indexer.extract.variants import canonical_entities
from indexer.ids import article_id
from indexer.model import Article, RawDocument
from indexer.normalize import clean_text

__all__ = ["build_article"]

logger = logging.getLogger(__name__)

# Extraction looks at the start of very long bodies only: names and dates
# are in the first pages, and a pathological megabyte of text must not
# stall the pipeline. The stored body is never cut.
_EXTRACT_CHARS = 100_000
_CONTRIBUTORS = re.compile(
    r"\((?:[^()]{0,40}\b)?(?:Reporting|Writing|Editing|Additional reporting) by [^()]{0,300}\)"
    r"|^(?:Reporting|Writing|Editing) by .{0,300}$",
    re.MULTILINE,
)
_CREDIT_PARAGRAPH = re.compile(r"\s*(?:Reuters?|REUTERS?|[-–—]+\s*[\w.]{2,40})\s*")


def _is_known_place(name: str) -> bool:
    return known_names()["place"].get(name) is not None


def _merge(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for group in groups:
        for name in group:
            seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def _dateline(raw: RawDocument, body: str) -> str | None:
    """The dateline, its city spelled as the gazetteer spells it (``Peking`` -> ``Beijing``)."""
    if raw.dateline:
        dateline = normalize_dateline(clean_text(raw.dateline))
    else:
        dateline = dateline_from_lead(body[:300], _is_known_place)
    if not dateline:
        return None
    city, comma, region = dateline.partition(",")
    known = known_names()["place"].get(city)
    return f"{known}{comma}{region}" if known else dateline


def _dateline_places(dateline: str | None) -> list[str]:
    """The dateline's city (always a place) and its region when that is a known place."""
    if not dateline:
        return []
    city, _, region = (part.strip() for part in dateline.partition(","))
    places = known_names()["place"]
    names = [places.get(city) or city]
    if region and places.get(region):
        names.append(places.get(region) or region)
    return names


def _extraction_text(body: str) -> str:
    """The part of the body that entities are taken from.

    At most :data:`_EXTRACT_CHARS`, cut at a space; without a closing credit
    paragraph (Reuters' ``Reuter``: the publisher's signature, not a mention)
    or a contributors' line (``(Reporting by ...; Editing by ...)``: staff
    credits, not people in the story).
    """
    if len(body) > _EXTRACT_CHARS:
        body = body[:_EXTRACT_CHARS].rsplit(" ", 1)[0]
    head, _, last = body.rpartition("\n\n")
    if head and _CREDIT_PARAGRAPH.fullmatch(last):
        body = head
    return _CONTRIBUTORS.sub("", body)


def _entities(
    title: str, body: str, tags: TagNames, dateline: str | None, source: str | None
) -> tuple[Entities, tuple[tuple[str, str, str], ...]]:
    """The story's entities as facet values, and the spellings each value stands for.

    Values are canonical (:mod:`indexer.extract.variants`): one spelling per
    entity across stories, without demonyms, news agencies and the
    publisher's own name (``source``). The second item lists ``(facet,
    value, spelling)`` for every spelling merged into a different value.
    """
    found = extract_entities([title, _extraction_text(body)], tag_people=tags.people)
    excluded = (source,) if source else ()
    kinds = (
        ("person", _merge(found.people, tags.people)),
        ("organization", _merge(found.organizations, tags.organizations)),
        ("place", _merge(_dateline_places(dateline), found.places, tags.places)),
    )
    values: dict[str, tuple[str, ...]] = {}
    variants: list[tuple[str, str, str]] = list(found.spellings)
    for kind, names in kinds:
        values[kind], merged = canonical_entities(kind, names, excluded)
        variants.extend((kind, value, spelling) for value, spelling in merged)
    entities = Entities(
        people=values["person"], organizations=values["organization"], places=values["place"]
    )
    kept = {"person": values["person"], "organization": values["organization"]}
    kept["place"] = values["place"]
    variants = [v for v in variants if v[1] in kept[v[0]]]
    return entities, tuple(dict.fromkeys(variants))


def _clean_optional(text: str | None) -> str | None:
    cleaned = clean_text(text or "").replace("\n\n", " ")
    return cleaned or None


def _build(raw: RawDocument) -> Article:
    body = clean_text(raw.body or "")
    title = make_title(raw.title, body, raw.path)
    dateline = _dateline(raw, body)
    tags = tag_names(raw.tags)
    source = extract_source(body, raw.source, raw.url)
    entities, variants = _entities(_clean_optional(raw.title) or "", body, tags, dateline, source)
    published = publication_date(raw.date, raw.url, body[:1000], raw.page_date)
    return Article(
        id=article_id(raw),
        title=title,
        body=body,
        origin=raw.origin,
        path=raw.path,
        date=published.date,
        published_at=published.instant,
        date_source=published.source,
        dateline=dateline,
        source=source,
        url=_clean_optional(raw.url),
        author=_author(raw.author),
        people=entities.people,
        organizations=entities.organizations,
        places=entities.places,
        topics=tags.topics,
        name_variants=variants,
    )


def _author(raw_author: str | None) -> str | None:
    """``by Janie Gabbett, Reuters`` -> ``Janie Gabbett``."""
    author = _clean_optional(raw_author)
    if not author:
        return None
    if author.lower().startswith("by "):
        author = author[3:]
    author = author.split(",")[0].strip()
    return author or None


def build_article(raw: RawDocument) -> Article:
    """Normalize and extract everything from ``raw``; never raises on odd input.

    If an extractor fails on some input nobody foresaw, the article is still
    built from the cleaned text alone and the failure is logged with the
    document's origin, so one bad document never stops an indexing run.
    """
    try:
        return _build(raw)
    except Exception:  # pragma: no cover - the fallback for the unforeseen
        logger.exception("extraction failed for %s; indexing its text only", raw.origin)
        return _fallback(raw)


def _fallback(raw: RawDocument) -> Article:
    body = clean_text(raw.body or "") if isinstance(raw.body, str) else ""
    return Article(
        id=article_id(raw),
        title=make_title(None, body, raw.path or "untitled"),
        body=body,
        origin=raw.origin,
        path=raw.path,
    )
