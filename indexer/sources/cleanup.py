"""Small text helpers shared by the readers: whitespace, control characters, caps.

Every reader hands the pipeline the same body shape: paragraphs separated by
one blank line (``"\\n\\n"``), whitespace runs inside a paragraph collapsed to
one space, no control characters, at most :data:`MAX_BODY_CHARS` characters.
All helpers here are linear in the input (no backtracking regexes), because
they run on untrusted files of any size.
"""

from __future__ import annotations

import re

from indexer.normalize import collapse_ws

#: A single document's body is cut at this many characters (at a paragraph or
#: word boundary when there is one reasonably close): no real article comes
#: near it, and it bounds the memory and time every later stage spends.
MAX_BODY_CHARS = 2_000_000

#: Metadata strings (title, author, date, url...) are cut at this length; a
#: longer "title" is junk and would only bloat the index's stored fields.
MAX_FIELD_CHARS = 2_000

#: Readers look at no more decoded text than this before collapsing
#: whitespace, so a 50 MB file costs a bounded amount of work. It is a
#: generous multiple of the body cap so that whitespace-heavy text still fills it.
MAX_WORK_CHARS = 4 * MAX_BODY_CHARS

# C0 controls except tab, line feed, vertical tab, form feed and carriage
# return (those are whitespace and handled as such), DEL and the C1 range;
# also U+FEFF (a BOM in the middle of text is noise) and U+FFFE/FFFF.
# A regex, not str.translate: it runs in C and costs nothing when there is no match.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]+")


_WORD = re.compile(r"\S+")


# The same characters as UTF-8: C0 controls and DEL are single bytes that
# never occur inside a multi-byte sequence; the C1 controls are \xc2\x80-\x9f;
# U+FEFF, U+FFFE and U+FFFF are three bytes each.
_C0_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])


def strip_controls(text: str) -> str:
    """Remove control characters (keeping tab, newline, CR, VT and FF).

    Most texts have none, and proving it is most of the cost: the regex
    walks ~10 ns per character (1.4 ms for a 150 KB HTML page), while
    deleting the single-byte controls from the UTF-8 bytes and looking for
    the multi-byte ones by their lead byte runs in C: 0.4 ms on the
    html-news pages (0.7 ms with the lead bytes looked for in a Python
    loop and with ``bytes in``, which is slower than a regex with a literal
    first byte). Any hit takes the regex.
    """
    if len(text) < 4096:
        return _CONTROLS.sub("", text)
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0_BYTES)) != len(data) or _has_multibyte_control(data):
        return _CONTROLS.sub("", text)
    return text


# C1 controls (U+0080-U+009F) and U+FEFF, U+FFFE, U+FFFF in UTF-8. One pattern
# each, so that each starts with a literal byte the regex engine jumps to.
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
_NONCHARACTER_UTF8 = re.compile(b"\xef(?:\xbb\xbf|\xbf[\xbe\xbf])")


def _has_multibyte_control(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds a C1 control, U+FEFF, U+FFFE or U+FFFF."""
    return bool(_C1_UTF8.search(data) or _NONCHARACTER_UTF8.search(data))


def normalize_newlines(text: str) -> str:
    """Turn CRLF, CR, FF, VT and the Unicode line/paragraph separators into LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for sep in ("\f", "\v", "\u2028", "\u2029", "\x85"):
        if sep in text:
            text = text.replace(sep, "\n")
    return text


def line_paragraphs(text: str) -> list[list[str]]:
    """Group stripped non-blank lines into paragraphs separated by blank lines.

    ``text`` must already use ``"\\n"`` line ends. Returns each paragraph as
    its list of lines, so callers can still look at line structure (a
    headline is a one-line paragraph).
    """
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def join_paragraphs(paragraphs: list[str]) -> str:
    """Collapse whitespace in each paragraph and join them with a blank line."""
    return "\n\n".join(p for p in (collapse_ws(p) for p in paragraphs) if p)


def text_to_body(text: str) -> str:
    """Turn free text (blank-line separated paragraphs) into the body shape, capped."""
    text = strip_controls(normalize_newlines(text[:MAX_WORK_CHARS]))
    body = join_paragraphs([" ".join(lines) for lines in line_paragraphs(text)])
    return cap_body(body)


def cap_body(body: str, limit: int = MAX_BODY_CHARS) -> str:
    """Cut ``body`` to at most ``limit`` characters, preferring a clean boundary.

    The cut falls at the last paragraph break, else the last space, in the
    second half of the allowed length; failing both, at ``limit`` exactly.
    Truncation is silent: the pipeline indexes what fits.
    """
    if len(body) <= limit:
        return body
    floor = limit // 2
    for boundary in ("\n\n", " "):
        cut = body.rfind(boundary, floor, limit)
        if cut != -1:
            return body[:cut].rstrip()
    return body[:limit]


def clean_field(value: str | None, limit: int = MAX_FIELD_CHARS) -> str | None:
    """A metadata string with controls removed and whitespace collapsed; ``None`` if empty."""
    if value is None:
        return None
    text = collapse_ws(strip_controls(value[: limit * 4]))
    if not text:
        return None
    return cap_body(text, limit)


def has_words(text: str, minimum: int = 1) -> bool:
    """Whether ``text`` holds at least ``minimum`` words of two or more letters."""
    count = 0
    for match in _WORD.finditer(text):
        token = match.group()
        letters = sum(1 for ch in token if ch.isalpha())
        if letters >= 2:
            count += 1
            if count >= minimum:
                return True
    return False
