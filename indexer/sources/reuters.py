"""Reuters-21578 SGML (``reut2-*.sgm``): one document per ``<REUTERS>`` element.

Why not beautifulsoup4: a full bs4 parse of the 22 files takes ~15 s, and
with lxml it treats ``<BODY>`` as the HTML body and drops almost every story
text. The format is regular enough for a string/regex scanner that runs in a
fraction of a second and degrades gracefully on damage:

* elements are cut at ``<REUTERS ...>`` open tags, so a missing
  ``</REUTERS>`` only merges nothing (the next open tag ends the element);
* a missing close tag for a field ends the field at the next structural tag;
* anything between elements is ignored;
* every regex is linear (bounded attribute runs, no nested quantifiers).

Fields are extracted from the raw markup first and entity-decoded after, so
an ``&lt;`` in a story never looks like a tag. Control-character entities
(``&#3;``, ``&#5;``, ``&#22;``, ``&#31;``...) and raw control characters are
dropped. Stories without ``<BODY>`` (``TYPE="BRIEF"`` / ``"UNPROC"``) use the
``<TEXT>`` content minus title, dateline and author as body; the corpus'
placeholder for a brief's missing text (``******Blah blah blah.``) is
dropped, leaving a title-only story with an empty body.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from types import MappingProxyType
from typing import overload

from indexer.errors import SourceError
from indexer.model import TAG_KINDS, RawDocument, SkippedDocument
from indexer.sources.cleanup import (
    MAX_FIELD_CHARS,
    cap_body,
    clean_field,
    collapse_ws,
    strip_controls,
)
from indexer.sources.decode import binary_reason

_OPEN = re.compile(r"<REUTERS\b([^<>]{0,2000})>?")
_NEWID = re.compile(r"\bNEWID\s*=\s*[\"']?\s*([0-9]{1,12})", re.IGNORECASE)
_ANY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,20}\b[^<>]{0,500}>")
_BLAH = re.compile(r"\**\s*Blah blah blah\.?", re.IGNORECASE)
_LEADING_STARS = re.compile(r"\s*\*+")
_PARAGRAPH_BREAK = re.compile(r"\n(?=[ \t\n])")
# Numeric references to C0 controls and DEL, removed by C code (no callback);
# the hexadecimal forms never occur in the corpus and go through html.unescape.
_CONTROL_ENTITY = re.compile(r"&#0*(?:[0-9]|[12][0-9]|3[01]|127);")

_NAMES = (
    "REUTERS",
    "DATE",
    "MKNOTE",
    "TOPICS",
    "PLACES",
    "PEOPLE",
    "ORGS",
    "EXCHANGES",
    "COMPANIES",
    "UNKNOWN",
    "TEXT",
    "TITLE",
    "AUTHOR",
    "DATELINE",
    "BODY",
    "D",
)
_ANYCASE_TAG = re.compile(r"</?(?:" + "|".join(_NAMES) + r")(?=[\s>/])", re.IGNORECASE)
#: Parts of <TEXT> that are not story text when there is no <BODY>.
_LABELLED = ("TITLE", "DATELINE", "AUTHOR", "UNKNOWN")
_HEAD_FIELDS = ("DATE", "MKNOTE", "TOPICS", "PLACES", "PEOPLE", "ORGS", "EXCHANGES", "COMPANIES")
_TAG_NAME_END = frozenset("> \t\r\n")
# A tag name with a lower-case letter (one case-sensitive scan of the file).
_NOT_UPPER_TAG = re.compile(r"</?([A-Z]*[a-z][A-Za-z]*)")
# Raw control bytes (C0 but tab/LF/VT/FF/CR, DEL, and C1 when read as Latin-1).
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), *range(127, 160)])
_CONTROL_BYTES_UTF8 = bytes([*range(0, 9), *range(14, 32), 127])


def read_reuters(path: str, data: bytes) -> Iterator[RawDocument | SkippedDocument]:
    """Decode an SGML file and parse it (see :func:`parse_reuters`).

    The bytes are read as Latin-1 (reut2-017.sgm holds a raw 0xFC byte),
    unless they are valid UTF-8, which is then the better reading.
    """
    reason = binary_reason(data)
    if reason is not None:
        raise SourceError(reason)
    # Raw control characters go here, once per file, at C speed; the few that
    # entities produce are dropped where fields are decoded.
    try:
        text = data.translate(None, _CONTROL_BYTES_UTF8).decode("utf-8")
        text = strip_controls(text) if not text.isascii() else text
    except UnicodeDecodeError:
        text = data.translate(None, _CONTROL_BYTES).decode("latin-1")
    return _parse(path, text)


_DATELINE_WITH_LEAD = re.compile(
    r"(\s*[^,\n]{2,60},\s*[A-Za-z]{3,9}\.?\s+\d{1,2}\s+-+\s*)(\S.*)", re.S
)


def parse_reuters(path: str, text: str) -> Iterator[RawDocument | SkippedDocument]:
    """One :class:`RawDocument` per ``<REUTERS>`` element, in file order.

    ``position`` is the 1-based ordinal of the element in the file. An
    element with neither text nor title becomes a :class:`SkippedDocument`.
    Raises :class:`SourceError` (eagerly) when the file has no element.
    """
    return _parse(path, strip_controls(text))


def _parse(path: str, text: str) -> Iterator[RawDocument | SkippedDocument]:
    """:func:`parse_reuters` on text already free of raw control characters."""
    text = _uppercase_tags(text)
    opens = list(_OPEN.finditer(text))
    if not opens:
        raise SourceError("no <REUTERS> element in sgml")
    return _elements(path, text, opens)


def _uppercase_tags(text: str) -> str:
    """Upper-case structural tag names if any are not, so the scanner can use ``str.find``."""
    for match in _NOT_UPPER_TAG.finditer(text):
        if match.group(1).upper() in _NAMES:
            return _ANYCASE_TAG.sub(lambda m: m.group(0).upper(), text)
    return text


def _elements(
    path: str, text: str, opens: list[re.Match[str]]
) -> Iterator[RawDocument | SkippedDocument]:
    for index, match in enumerate(opens):
        start = match.end()
        last = index + 1 == len(opens)
        limit = len(text) if last else opens[index + 1].start()
        close = text.find("</REUTERS", start, limit)
        element = text[start : close if close != -1 else limit]
        if last and close == -1 and "</TEXT" not in element:
            # The file ends inside this story: whatever it holds is partial.
            yield SkippedDocument(
                f"{path}#{index + 1}", "truncated: the file ends inside this <REUTERS> element"
            )
            continue
        yield parse_element(path, index + 1, match.group(1), element)


def parse_element(
    path: str, position: int, attributes: str, element: str
) -> RawDocument | SkippedDocument:
    """Parse the inside of one ``<REUTERS>`` element (``attributes`` from its open tag).

    A field runs from its open tag to the next ``<`` (its close tag when the
    file is well formed, the next field's open tag when it is not); ``<TEXT>``
    runs to ``</TEXT>`` and ``<BODY>`` to ``</BODY>``, else to the end of the
    text. Tag names must be upper-case (:func:`parse_reuters` sees to it).
    """
    newid = _NEWID.search(attributes)
    lo, hi = _text_span(element)
    title = _clean(_decode(_leaf(element, "TITLE", lo, hi)))
    dateline, lead = split_dateline(_decode(_leaf(element, "DATELINE", lo, hi)))
    body = cap_body(reflow(_join_lead(lead, _body(element, lo, hi))))
    date = _clean(_decode(_leaf(element, "DATE", 0, lo)))
    if not body and not title and not (newid and date):
        what = f"NEWID={newid.group(1)}" if newid else "element"
        return SkippedDocument(f"{path}#{position}", f"no text and no title in <REUTERS {what}>")
    end = len(element)
    return RawDocument(
        path=path,
        position=position,
        format="reuters",
        body=body,
        title=title,
        date=date,
        dateline=dateline if dateline and dateline.strip() else None,
        source="Reuters",
        author=_clean(_decode(_leaf(element, "AUTHOR", lo, hi))),
        native_id=newid.group(1) if newid else None,
        tags=MappingProxyType({k: _codes(element, k.upper(), 0, end) for k in TAG_KINDS}),
    )


def split_dateline(raw: str | None) -> tuple[str | None, str]:
    """Split a DATELINE element that swallowed the story's first words.

    Some stories carry their lead inside the element, as in
    ``RIO DE JANEIRO, Feb 26 - Brazil's "Cruzado" anti-``: the place and date
    stay the dateline, the words after the dash go back to the body.

    >>> split_dateline('    RIO DE JANEIRO, Feb 26 - Brazil\'s "Cruzado" anti- ')
    ('    RIO DE JANEIRO, Feb 26 - ', 'Brazil\'s "Cruzado" anti- ')
    """
    if not raw:
        return raw, ""
    match = _DATELINE_WITH_LEAD.match(raw)
    if match is None:
        return raw, ""
    return match.group(1), match.group(2)


def _join_lead(lead: str, body: str) -> str:
    """Put a dateline's swallowed words back in front of the body."""
    if not lead.strip():
        return body
    lead = lead.rstrip()
    if lead.endswith("-"):  # a word hyphenated across the line break
        return lead + body.lstrip()
    return lead + " " + body.lstrip()


def _clean(value: str | None) -> str | None:
    """A short field, whitespace collapsed (``clean_field`` without the control pass)."""
    if value is None:
        return None
    if len(value) > MAX_FIELD_CHARS:
        return clean_field(value)
    return " ".join(value.split()) or None


def _open_tag(element: str, name: str, lo: int, hi: int) -> tuple[int, int] | None:
    """``(tag start, content start)`` of the first ``<NAME...>`` in ``element[lo:hi]``."""
    needle = "<" + name
    at = element.find(needle, lo, hi)
    while at != -1:
        after = at + len(needle)
        if after < hi and element[after] == ">":
            return at, after + 1  # the common, bare tag
        if after >= hi or element[after] in _TAG_NAME_END:
            gt = element.find(">", after, min(after + 200, hi))
            if gt == -1 or "<" in element[after:gt]:
                return at, after  # open tag without its ">"
            return at, gt + 1
        at = element.find(needle, after, hi)  # a longer name (<DATELINE> for <DATE)
    return None


def _leaf(element: str, name: str, lo: int, hi: int) -> str | None:
    """Raw content of a field without markup inside: up to the next ``<``."""
    found = _open_tag(element, name, lo, hi)
    if found is None:
        return None
    start = found[1]
    end = element.find("<", start, hi)
    return element[start : end if end != -1 else hi]


def _text_span(element: str) -> tuple[int, int]:
    """Where the story text is: inside ``<TEXT>``, else after the header fields."""
    found = _open_tag(element, "TEXT", 0, len(element))
    if found is not None:
        end = element.find("</TEXT", found[1])
        return found[1], end if end != -1 else len(element)
    lo = 0
    for name in _HEAD_FIELDS:
        at = element.rfind("</" + name)
        if at != -1:
            gt = element.find(">", at)
            lo = max(lo, gt + 1 if gt != -1 else at)
    return lo, len(element)


def _body(element: str, lo: int, hi: int) -> str:
    """``<BODY>``, else the text of ``element[lo:hi]`` outside its labelled parts (decoded)."""
    found = _open_tag(element, "BODY", lo, hi)
    if found is not None:
        end = element.find("</BODY", found[1], hi)
        raw = element[found[1] : end if end != -1 else hi]
        return _decode(_ANY_TAG.sub(" ", raw) if "<" in raw else raw)
    spans = []
    for name in _LABELLED:
        part = _open_tag(element, name, lo, hi)
        if part is not None:
            end = element.find("<", part[1], hi)
            end = hi if end == -1 else end
            close = "</" + name + ">"
            spans.append((part[0], end + len(close) if element.startswith(close, end) else end))
    pieces, cursor = [], lo
    for start, end in sorted(spans):
        pieces.append(element[cursor:start])
        cursor = max(cursor, end)
    pieces.append(element[cursor:hi])
    rest = _decode(_ANY_TAG.sub(" ", " ".join(pieces)))
    rest = _LEADING_STARS.sub("", rest, count=1)
    return "" if _BLAH.fullmatch(rest.strip()) else rest


def _codes(element: str, name: str, lo: int, hi: int) -> tuple[str, ...]:
    """The ``<D>`` codes of a category field, raw (lower-case in the corpus)."""
    found = _open_tag(element, name, lo, hi)
    if found is None:
        return ()
    start = found[1]
    close = "</" + name + ">"
    if element.startswith(close, start):
        return ()  # the common empty field
    end = element.find(close, start, hi)
    region = element[start:end] if end != -1 else _unclosed_codes(element, start, hi)
    codes = (piece.split("<", 1)[0].strip() for piece in region.split("<D>")[1:])
    return tuple(code for code in (_decode(c).strip() if "&" in c else c for c in codes) if code)


def _unclosed_codes(element: str, start: int, hi: int) -> str:
    """The run of ``<D>...</D>`` after ``start`` when the field's close tag is missing."""
    cursor = start
    while True:
        at = element.find("<", cursor, hi)
        if at == -1:
            return element[start:hi]
        if element.startswith("<D>", at):
            cursor = at + 3
        elif element.startswith("</D>", at):
            cursor = at + 4
        else:
            return element[start:at]


@overload
def _decode(raw: str) -> str: ...
@overload
def _decode(raw: None) -> None: ...
def _decode(raw: str | None) -> str | None:
    """Entity-decode, dropping control characters (``&#3;`` decodes to nothing).

    Raw control characters are already gone (:func:`read_reuters`).
    """
    if raw is None:
        return None
    if "&" not in raw:
        return raw
    raw = _CONTROL_ENTITY.sub("", raw)
    return strip_controls(html.unescape(raw)) if "&" in raw else raw


def reflow(text: str) -> str:
    """Rebuild paragraphs from the corpus' fixed-width layout.

    Stories are hard-wrapped at ~70 columns and a new paragraph starts with an
    indented line; table rows are indented too, so each stays on its own.
    Returns paragraphs joined by ``"\\n\\n"``, whitespace collapsed inside.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (collapse_ws(p) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)
