"""Plain-text articles, in the shape of the seed files.

A file is the article text with paragraphs separated by blank lines, and
optionally a small header on top::

    Some Headline Without A Full Stop        <- title (optional)

    Published 7:42 PM, March 28, 2019        <- date (optional; also "Updated ...")
    By Jane Doe                              <- author (optional)

    MOSCOW, Russia – The presence of ...     <- body starts here

Only what the layout itself marks is taken out of the text: the date line,
a byline, and a headline (a single short line without sentence-final
punctuation, followed by a blank line and more text). The dateline lead
(``MOSCOW, Russia –``) and a trailing credit (``– Rappler.com``) stay in the
body; ``indexer.extract`` interprets them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.errors import NotAnArticleError, SourceError
from indexer.model import RawDocument
from indexer.sources.cleanup import (
    MAX_WORK_CHARS,
    cap_body,
    clean_field,
    join_paragraphs,
    line_paragraphs,
    normalize_newlines,
    strip_controls,
)
from indexer.sources.decode import decode_bytes

_DATE_LINE = re.compile(
    r"(?P<keyword>published|posted|last updated|updated)\s*(?::\s*|\s)(?P<value>\S.*)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"By\s+(?P<name>[A-Z\u00c0-\u024f].*)")
_SENTENCE_END = tuple(".!?…:;,")
_CLOSERS = "\"'”’»)]"
_MAX_META_LINE = 120
_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 25
#: Prose has a line of this many words, or a sentence of at least _MIN_SENTENCE_WORDS.
_PROSE_LINE_WORDS = 6
_MIN_SENTENCE_WORDS = 4
_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*(?:\s|$)")
#: The end of a sentence after a word ("said."), not an initial ("T. Boone").
_WORD_SENTENCE_END = re.compile(r"(?:\w\w|[%)\"'’”])[.!?…][\"'”’)\]]*(?:\s|$)")
#: A text of at least this many lines, without a date line or byline, in
#: which sentences hold less than this share of the words, is a list with
#: notes (a code table, a category list), not an article.
_LIST_MIN_LINES = 30
_LIST_MAX_PROSE_SHARE = 0.25


@dataclass(slots=True)
class _Header:
    """What the layout at the top of a file says, and the paragraphs after it."""

    rest: list[list[str]]
    title: str | None = None
    author: str | None = None
    dates: dict[str, str] = field(default_factory=dict)

    @property
    def date(self) -> str | None:
        """The publication date if given, else the update date (raw text)."""
        return self.dates.get("published") or self.dates.get("updated")


def read_text(path: str, data: bytes) -> list[RawDocument]:
    """Decode a plain-text file and parse it (see :func:`parse_text`)."""
    return [parse_text(path, decode_bytes(data).text)]


def parse_text(path: str, text: str) -> RawDocument:
    """One :class:`RawDocument` from a plain-text article.

    Paragraphs are joined with ``"\\n\\n"`` and other whitespace runs are
    collapsed (hard-wrapped lines become one paragraph). The body is capped
    at :data:`~indexer.sources.cleanup.MAX_BODY_CHARS` characters.
    Raises :class:`SourceError` when nothing usable remains.
    """
    text = strip_controls(normalize_newlines(text[:MAX_WORK_CHARS]))
    paragraphs = line_paragraphs(text)
    if not paragraphs:
        raise SourceError("whitespace only")
    if not any(_is_prose(lines) for lines in paragraphs):
        raise NotAnArticleError("no prose in text file (a list or table?)")
    header = _read_header(paragraphs)
    if header.date is None and header.author is None:
        share = _prose_share(paragraphs)
        if share is not None and share < _LIST_MAX_PROSE_SHARE:
            raise NotAnArticleError(
                f"a list with notes, not an article (no date line or byline; only "
                f"{share:.0%} of its words are in sentences)"
            )
    body = cap_body(join_paragraphs([" ".join(lines) for lines in header.rest]))
    title = header.title
    if not body:
        if title is None:
            raise SourceError("no article text")
        body, title = title, None  # a lone "headline" is the whole text
    return RawDocument(
        path=path,
        position=None,
        format="text",
        body=body,
        title=clean_field(title),
        date=clean_field(header.date),
        author=clean_field(header.author),
    )


def _is_prose(lines: list[str]) -> bool:
    """Whether a paragraph reads as prose, not as a word list or a table of codes.

    Word lists (like the category lists shipped with Reuters-21578) have one
    token per line and no sentences; hard-wrapped prose has either long lines
    or sentences across short ones.
    """
    if any(len(line.split(None, _PROSE_LINE_WORDS)) >= _PROSE_LINE_WORDS for line in lines):
        return True
    joined = " ".join(lines)
    words = len(joined.split(None, _MIN_SENTENCE_WORDS))
    return words >= _MIN_SENTENCE_WORDS and _SENTENCE.search(joined) is not None


def _prose_share(paragraphs: list[list[str]]) -> float | None:
    """The share of words in paragraphs holding a sentence; None for a short text.

    An article is written in sentences, even when hard-wrapped; a list of
    codes or names with a few notes on top (the category descriptions
    shipped with Reuters-21578) has most of its words in entries such as
    ``Money Supply (MONEY-SUPPLY)``, which end no sentence.
    """
    if sum(len(lines) for lines in paragraphs) < _LIST_MIN_LINES:
        return None
    total = prose = 0
    for lines in paragraphs:
        joined = " ".join(lines)
        words = len(joined.split())
        total += words
        if _WORD_SENTENCE_END.search(joined):
            prose += words
    return prose / total if total else None


def _read_header(paragraphs: list[list[str]]) -> _Header:
    """Take the headline, date and byline lines off the top of the text."""
    header = _Header(rest=list(paragraphs))
    rest = header.rest
    for _ in range(4):  # a header is a few paragraphs at most
        if not rest:
            break
        lines = rest[0]
        found = _leading_metadata(lines)
        if found:
            _record(header, found)
            if len(found) < len(lines):
                rest[0] = lines[len(found) :]  # the body follows without a blank line
                break
            rest.pop(0)
            continue
        if header.title is None and len(rest) > 1 and _is_headline(lines[0]):
            tail = _leading_metadata(lines[1:])
            if len(tail) == len(lines) - 1:
                header.title = lines[0]
                _record(header, tail)
                rest.pop(0)
                continue
        break
    return header


def _leading_metadata(lines: list[str]) -> list[tuple[str, str]]:
    """``(kind, value)`` for each leading line that is a date line or a byline."""
    found: list[tuple[str, str]] = []
    for line in lines:
        item = _metadata(line)
        if item is None:
            break
        found.append(item)
    return found


def _metadata(line: str) -> tuple[str, str] | None:
    """``("published"|"updated", raw date)`` or ``("author", name)`` for a header line."""
    if len(line) > _MAX_META_LINE:
        return None
    match = _DATE_LINE.fullmatch(line)
    if match and any(ch.isdigit() for ch in match["value"]):
        keyword = match["keyword"].lower()
        kind = "published" if keyword in ("published", "posted") else "updated"
        return kind, match["value"].strip()
    match = _BYLINE.fullmatch(line)
    if match and len(line.split()) <= 10 and not line.rstrip(_CLOSERS).endswith(_SENTENCE_END):
        return "author", match["name"].strip()
    return None


def _record(header: _Header, items: list[tuple[str, str]]) -> None:
    for kind, value in items:
        if kind == "author":
            header.author = header.author or value
        else:
            header.dates.setdefault(kind, value)


def _is_headline(line: str) -> bool:
    """A single short line that does not end a sentence."""
    if len(line) > _MAX_TITLE_CHARS or len(line.split()) > _MAX_TITLE_WORDS:
        return False
    if not any(ch.isalpha() for ch in line):
        return False
    return not line.rstrip(_CLOSERS).endswith(_SENTENCE_END)
