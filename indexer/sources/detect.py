"""Which reader a file needs: its suffix, confirmed or overridden by its first bytes.

Suffixes lie both ways (a ``.txt`` that is an HTML page saved from a browser,
a ``.sgm`` that holds no ``<REUTERS>`` element), so the head of the file
decides whenever it carries a clear signature; the suffix only settles the
ambiguous cases. Files that are not articles (binary data, JSON documents,
XML feeds, stylesheets, READMEs) get ``None`` and a reason.
"""

from __future__ import annotations

import codecs
import json
import os
import re

from indexer.sources.decode import binary_reason

#: The formats :func:`indexer.sources.read_documents` understands.
FORMATS: tuple[str, ...] = ("text", "html", "reuters", "jsonl")

#: How many leading bytes sniffing needs (the pipeline may pass more).
HEAD_BYTES = 8192

_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".sgm": "reuters",
    ".sgml": "reuters",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

# Text files that are code, data or configuration, never articles: they are
# only read when their content says otherwise (e.g. JSON Lines in a ``.json``).
_NOT_ARTICLE_SUFFIXES = frozenset(
    [
        ".json",
        ".csv",
        ".tsv",
        ".xml",
        ".rss",
        ".atom",
        ".svg",
        ".css",
        ".scss",
        ".js",
        ".mjs",
        ".ts",
        ".map",
        ".py",
        ".dtd",
        ".xsd",
        ".xsl",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".sh",
        ".bat",
        ".ps1",
        ".sql",
        ".lock",
        ".log",
        ".diff",
        ".patch",
    ]
)

# Project documentation that sits next to corpora (the Reuters distribution
# ships a README.txt): prose, but not an article.
_DOC_STEMS = frozenset(
    [
        "readme",
        "license",
        "licence",
        "copying",
        "changelog",
        "changes",
        "notice",
        "authors",
        "install",
        "contributing",
    ]
)

# A Reuters file starts with its DOCTYPE, or has an element at the start of a
# line (documentation quoting the format indents its examples).
_REUTERS = re.compile(r"\A<!doctype\s+lewis\b|^<reuters\b", re.IGNORECASE | re.MULTILINE)
_MARKUP_START = re.compile(r"<[A-Za-z!?/]")
_HTML_DOC = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"<(?:p|div|span|a|br|hr|h[1-6]|article|section|main|header|footer|nav|aside|ul|ol|li|"
    r"table|tr|td|img|em|strong|b|i|blockquote|figure|script|style|meta|link|title)\b[^<>]{0,500}>",
    re.IGNORECASE,
)


def detect_format(path: str, head: bytes) -> str | None:
    """Format of a file from its path and its first bytes (about 8 kB suffice).

    ``.txt/.text`` -> text, ``.html/.htm/.xhtml`` -> html, ``.sgm/.sgml`` ->
    reuters, ``.jsonl/.ndjson`` -> jsonl, each overridden when the head
    clearly says otherwise; other suffixes are sniffed. ``None`` when the
    file is not an article format (binary, empty, JSON, XML, code...):
    :func:`classify` says why.
    """
    return classify(path, head)[0]


def classify(path: str, head: bytes) -> tuple[str | None, str]:
    """``(format, reason)``: the format (or ``None``) and a short lower-case reason."""
    head = head[:HEAD_BYTES]
    if not head:
        return None, "empty file"
    binary = binary_reason(head)
    if binary is not None:
        return None, binary
    text = _sniffable_text(head).lstrip()
    if not text.strip():
        return None, "whitespace only"
    sniffed = _sniff(text)
    stem, suffix = os.path.splitext(os.path.basename(path))
    by_suffix = _SUFFIXES.get(suffix.lower())
    return _decide(sniffed, by_suffix, suffix.lower(), stem.lower())


def suffix_format(path: str) -> str | None:
    """The format the file's name claims (``"html"`` for ``.htm``...), or ``None``."""
    return _SUFFIXES.get(os.path.splitext(path)[1].lower())


def has_article_suffix(path: str) -> bool:
    """Whether the file's name claims an article format (``.txt``, ``.html``, ``.sgm``...)."""
    return os.path.splitext(path)[1].lower() in _SUFFIXES


def is_not_article(path: str, head: bytes) -> bool:
    """For a file :func:`classify` turned down: is it simply not an article?

    True for what a news folder legitimately holds besides articles (its
    README, a JSON or XML document, code, data, an image): skipping those is
    no failure. False for a file whose name or content claims an article
    format but that could not be read (an empty ``.txt``, a binary ``.html``,
    a ``.sgm`` without ``<REUTERS>``): those are reported as failures.
    """
    head = head[:HEAD_BYTES]
    if not head or binary_reason(head) is not None or not _sniffable_text(head).strip():
        return not has_article_suffix(path)
    suffix = os.path.splitext(path)[1].lower()
    return _SUFFIXES.get(suffix) != "reuters"


def _decide(sniffed: str, by_suffix: str | None, suffix: str, stem: str) -> tuple[str | None, str]:
    if sniffed in ("reuters", "html", "jsonl"):
        return sniffed, f"content looks like {sniffed}"
    if suffix in _NOT_ARTICLE_SUFFIXES:
        return None, f"not an article format ({suffix} file)"
    if sniffed == "json":
        if by_suffix == "jsonl":
            return "jsonl", "jsonl suffix"
        return None, "json document, not json lines"
    if sniffed == "xml":
        if by_suffix == "html":
            return "html", "html suffix"
        return None, "xml document, not an article format"
    if by_suffix == "reuters":
        return None, "no <REUTERS> element in sgml"
    if sniffed == "markup" and by_suffix != "text":
        return "html", "content has html tags"
    if stem in _DOC_STEMS and by_suffix in (None, "text"):
        return None, f"documentation file ({stem}), not an article"
    return "text", "plain text"


def _sniffable_text(head: bytes) -> str:
    """The head as text good enough for ASCII signatures (no charset guessing)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    if b"\x00" in head:  # BOM-less UTF-16/32 (binary_reason let it through)
        return head.replace(b"\x00", b"").decode("latin-1")
    return head.decode("latin-1")


def _sniff(text: str) -> str:
    """One of reuters, html, xml, jsonl, json, markup (tags inside text) or text."""
    if _REUTERS.search(text):
        return "reuters"
    if _MARKUP_START.match(text):
        if _HTML_DOC.search(text) or _HTML_TAG.match(_skip_comments(text)):
            return "html"
        return "xml"
    if text.startswith(("{", "[")):
        return _sniff_json(text)
    if _HTML_TAG.search(text):
        return "markup"
    return "text"


def _skip_comments(text: str) -> str:
    """``text`` after leading ``<!-- -->`` comments (linear, bounded by the head size)."""
    while text.startswith("<!--"):
        end = text.find("-->")
        if end == -1:
            return ""
        text = text[end + 3 :].lstrip()
    return text


def _sniff_json(text: str) -> str:
    if text.startswith("["):
        return "json"
    line, newline, _ = text.partition("\n")
    if not newline:
        return "jsonl"  # one object longer than the head: JSON Lines with a long line
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return "json"
    return "jsonl" if isinstance(value, dict) else "json"
