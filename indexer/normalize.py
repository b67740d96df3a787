"""Text normalization: one form of the text to store and show, one to match on.

Two functions with different jobs:

* :func:`clean_text` produces the text the index stores and the web app
  shows. It repairs encoding debris (HTML entities, control characters,
  compatibility characters, ragged whitespace) but keeps everything an author
  chose, such as curly quotes and dashes.
* :func:`fold_punctuation` produces a matching form only: typographic quotes
  and dashes become their ASCII look-alikes so that patterns written with
  ``'`` and ``-`` also match ``’`` and ``–``. Its output is never shown.

Paragraphs are the unit of layout: a blank line separates them, and so does a
line break followed by indentation (the convention of wire copy such as
Reuters, whose paragraphs start with four spaces and whose lines are hard
wrapped at 70 columns). In a text that is not hard wrapped (a quarter of its
lines or more run past 100 characters) every line is a paragraph: exports
that write one paragraph a line would otherwise run a headline, a photo
credit ("Matthew Ingram") and the next paragraph ("Writing in a blog
post...") into one sentence, and the names in them into one name. Every
other line break is just a space.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["clean_text", "collapse_ws", "fold_punctuation"]

# Characters to delete outright. C0/C1 controls (except the whitespace ones,
# which the whitespace pass handles), DEL, and the invisible format characters
# that only ever get in the way of matching: soft hyphen, zero-width space,
# word joiner, BOM, and bidirectional embedding/override controls. ZWJ and
# ZWNJ are kept because Persian, Indic scripts and emoji need them.
_DELETE = {
    cp: None
    for cp in [
        *range(0x00, 0x09),
        0x0B,
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
        0x00AD,
        0x200B,
        0x2060,
        0xFEFF,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
}
# Line and paragraph separators, vertical tab, form feed, NEL become line breaks.
_TO_NEWLINE = {0x0C: "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n\n", 0x0D: "\n"}
_TRANSLATE = {**_DELETE, **_TO_NEWLINE}

_CRLF = re.compile(r"\r\n?")
_NEEDS_TRANSLATE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _TRANSLATE) + "]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# A paragraph break: a blank line, or a line break followed by indentation.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*|\n(?:[^\S\n]{2,}|\t)\s*")
# Whitespace runs other than a lone space: re.sub keeps one piece per match,
# so leaving single spaces alone keeps its memory near one copy of the text.
_WS = re.compile(r"[^\S ]\s*| \s+")
_LINE_BREAK = re.compile(r"\n\s*")
#: Past this many characters a line is not hard wrapped (wire copy wraps at 70-80).
_WRAP_WIDTH = 100
_TEXT_LINE = re.compile(r"^[^\S\n]*\S", re.MULTILINE)
_LONG_LINE = re.compile(rf"^[^\n]{{{_WRAP_WIDTH + 1}}}", re.MULTILINE)
_SPLIT_LIMIT = 100_000

_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′‵ʼ`´", "'"),
        **dict.fromkeys("“”„‟″‶«»", '"'),
        **dict.fromkeys("‐‑‒–—―−﹘﹣－⁃", "-"),
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def clean_text(text: str) -> str:
    """Return ``text`` as the index stores and shows it.

    Unicode NFKC, HTML entities decoded, control and invisible format
    characters removed, whitespace runs collapsed to one space within a
    paragraph, paragraphs joined by exactly ``"\\n\\n"``, stripped.
    """
    if not text:
        return ""
    # Decode entities first: an entity may encode a control character
    # (Reuters has ``&#3;``) that the next step must still remove.
    # Each step runs only when the text needs it (most text needs none of
    # them, and this is on every document's path).
    text = html.unescape(text) if "&" in text else text
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("", text)
    if "\r" in text:
        text = _CRLF.sub("\n", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _NEEDS_TRANSLATE.search(text):
        text = text.translate(_TRANSLATE)
    breaks = _LINE_BREAK if _lines_are_paragraphs(text) else _PARAGRAPH_BREAK
    paragraphs = (collapse_ws(part) for part in breaks.split(text))
    return "\n\n".join(part for part in paragraphs if part)


def _lines_are_paragraphs(text: str) -> bool:
    """Whether ``text`` writes one paragraph a line: a quarter of its lines or more are
    longer than any wrap width (see the module docstring)."""
    if "\n" not in text:
        return False
    # Counted match by match: no list of lines (a document can be tens of megabytes).
    lines = sum(1 for _ in _TEXT_LINE.finditer(text))
    long = sum(1 for _ in _LONG_LINE.finditer(text))
    return lines > 1 and 4 * long >= lines


def collapse_ws(text: str) -> str:
    """Collapse every whitespace run (any Unicode space, newlines included) to one space.

    ``split``/``join`` is the fastest way for ordinary paragraphs (``str.split``
    splits on exactly what ``\\s`` matches), but builds a list of every word:
    past :data:`_SPLIT_LIMIT` characters a regex keeps memory at a couple of
    copies of the text instead.
    """
    if len(text) < _SPLIT_LIMIT:
        return " ".join(text.split())
    return _WS.sub(" ", text).strip()


def fold_punctuation(text: str) -> str:
    """Return a matching form of ``text``: curly quotes straight, dashes ``-``.

    Also maps the ellipsis to three dots and the no-break spaces to a space,
    so the result is not always the same length as the input; never show it.
    """
    return text.translate(_FOLD)
