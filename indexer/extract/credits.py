"""The publisher of a story: credit line, source metadata, or the URL's site.

Order of trust, as the issue sets it: a credit line at the end of the body
(``– Rappler.com``, Reuters' closing ``Reuter``), then the ``source`` the
format supplied (Reuters, a page's publisher metadata), then a readable form
of the URL's registrable domain (``www.bbc.co.uk`` -> ``BBC``).

A contributor line such as ``(Reporting by Jane Doe; Editing by John Roe)``
names people, not a publisher, and is never taken as a source.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from indexer.normalize import clean_text

__all__ = ["extract_source", "source_from_credit", "source_from_url", "tidy_source"]

_TAIL_CHARS = 160
# "... last sentence. – Rappler.com" / "— Reuters" / "- AFP" at the very end.
_CREDIT = re.compile(
    r"(?:^|\s)[-–—]+\s*(?P<name>[A-Z][\w&'’]*(?:[ .][A-Z][\w&'’]*){0,3})"
    r"(?P<domain>\.(?:com|net|org|co|ph|in|uk|au|ca|news)(?:\.[a-z]{2})?)?\s*\.?\s*$"
)
_CLOSING_WORD = re.compile(r"(?:^|\n|(?<=[.!?\"”)]) )\s*(?P<name>Reuters?|REUTERS?|AP|AFP)\s*$")
_CONTRIBUTORS = re.compile(
    r"\b(?:reporting|writing|editing|additional reporting|compiled|contributed)\s+by\b",
    re.IGNORECASE,
)
# Second-level labels under which registrable domains sit (``bbc.co.uk``).
_SECOND_LEVEL = frozenset(str.split("co com net org gov ac edu ne or go gob nic ltd plc"))
_KNOWN_SOURCES = {
    "reuter": "Reuters",
    "reuters": "Reuters",
    "ap": "Associated Press",
    "apnews": "Associated Press",
    "afp": "AFP",
    "bbc": "BBC",
    "cnn": "CNN",
    "nytimes": "The New York Times",
    "washingtonpost": "The Washington Post",
    "theguardian": "The Guardian",
    "guardian": "The Guardian",
    "wsj": "The Wall Street Journal",
    "ft": "Financial Times",
    "bloomberg": "Bloomberg",
    "aljazeera": "Al Jazeera",
    "rappler": "Rappler",
    "xinhua": "Xinhua",
    "tass": "TASS",
    "kyodo": "Kyodo",
    "upi": "UPI",
}


def tidy_source(name: str | None) -> str | None:
    """A display form of a publisher name: known spellings unified, blanks dropped."""
    if not name:
        return None
    text = clean_text(name).replace("\n\n", " ").strip(" -–—.,;:")
    if not text or len(text) > 80:
        return None
    text = re.sub(r"\.(?:com|net|org)$", "", text, flags=re.IGNORECASE)
    return _KNOWN_SOURCES.get(text.lower(), text)


def source_from_credit(body: str | None) -> str | None:
    """The publisher named by a credit line at the end of ``body``, or ``None``."""
    if not body:
        return None
    tail = body[-_TAIL_CHARS:].rstrip()
    last_paragraph = tail.rsplit("\n", 1)[-1]
    if _CONTRIBUTORS.search(last_paragraph):
        return None
    closing = _CLOSING_WORD.search(tail)
    if closing:
        return tidy_source(closing.group("name"))
    match = _CREDIT.search(last_paragraph)
    if not match:
        return None
    name = match.group("name")
    # A bare word after a dash ends many sentences ("... 11.1 PCT - OFFICIAL");
    # it is a credit only with a domain, as a known publisher, or on its own line.
    own_line = match.start() == 0
    if match.group("domain") or name.lower() in _KNOWN_SOURCES or (own_line and not name.isupper()):
        return tidy_source(name)
    return None


def source_from_url(url: str | None) -> str | None:
    """A readable form of the URL's registrable domain (``www.bbc.co.uk`` -> ``BBC``)."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2 or all(label.isdigit() for label in labels):
        return None
    registrable = labels[-2]
    if registrable in _SECOND_LEVEL and len(labels) >= 3 and len(labels[-1]) == 2:
        registrable = labels[-3]
    if registrable in _KNOWN_SOURCES:
        return _KNOWN_SOURCES[registrable]
    if len(registrable) <= 4:
        return registrable.upper()
    return registrable.capitalize()


def extract_source(body: str | None, raw_source: str | None, url: str | None) -> str | None:
    """The story's publisher by the order of trust in the module docstring."""
    return source_from_credit(body) or tidy_source(raw_source) or source_from_url(url)
