"""Titles: the source's own, else the lead sentence, never empty.

A result list needs a line to show for every hit, so :func:`make_title`
always returns something: the raw title cleaned; else the body's first
sentence after the dateline, cut at a word boundary near 120 characters;
else the body's first words; else the file name.
"""

from __future__ import annotations

import os
import re

from indexer.normalize import clean_text

__all__ = ["TITLE_LENGTH", "lead_sentence", "make_title", "shorten"]

TITLE_LENGTH = 120
# A sentence ends at . ! ? (plus closing quotes) followed by a space and a
# capital or an opening quote, unless the word before the period is an
# abbreviation or an initial.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Mt|Ft|Jr|Sr|Co|Corp|Inc|Ltd|Gen|Sen|Rep|Gov|Lt|Col|Capt|Prof"
    r"|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|No|vs|etc|[A-Z])\.|(?:\b[A-Z]\.){2,})$"
)
_LEAD_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][\w.' -]{1,30}){0,2}\s*(?:\([A-Za-z .&]{1,30}\))?"
    r"\s*[-–—]+\s+"
)


def shorten(text: str, limit: int = TITLE_LENGTH) -> str:
    """``text`` cut at the last word boundary before ``limit``, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def lead_sentence(body: str) -> str:
    """The first sentence of ``body``, without a leading dateline."""
    paragraph = body.strip().split("\n", 1)[0]
    paragraph = _LEAD_DATELINE.sub("", paragraph, count=1)
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[: match.start()]
        if not _ABBREVIATION.search(before):
            return before.strip()
    return paragraph.strip()


def make_title(raw_title: str | None, body: str, path: str) -> str:
    """The title to show; see the module docstring for the fallbacks."""
    title = clean_text(raw_title or "").replace("\n\n", " ")
    if title:
        return shorten(title, 2 * TITLE_LENGTH)
    lead = lead_sentence(body) if body else ""
    if lead:
        return shorten(lead)
    name = os.path.basename(path.rstrip("/\\")) or path
    return name or "Untitled"
