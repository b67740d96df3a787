"""Turn the current Flask request into the typed :class:`SearchRequest`.

All validation lives in :mod:`indexer.search.request`, shared with the CLI;
this module only adapts Flask's ``MultiDict`` to it and adds the one check
that only exists on the web: query strings that are not valid UTF-8 (werkzeug
keeps them as literal ``%FF`` text or U+FFFD characters, which would otherwise
run as a real-looking search for garbage).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import unquote_to_bytes

from flask import abort, request

from indexer.errors import SearchRequestError
from indexer.search.request import MAX_QUERY_CHARS, parse_search_params
from indexer.search.types import SearchRequest

REPLACEMENT_CHAR = "\ufffd"

#: What an article id can look like (see ``indexer.ids``), with room to spare.
#: Anything else cannot be in the index, so it is a 404 without a lookup.
ARTICLE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
NOT_FOUND_MESSAGE = "There is no article with this id."


def check_article_id(article_id: str) -> None:
    """404 for ids that cannot exist; ids are only ever looked up in the index."""
    if not ARTICLE_ID_RE.fullmatch(article_id):
        abort(404, description=NOT_FOUND_MESSAGE)


def check_query_string(raw: bytes) -> None:
    """Reject a query string whose percent-decoded bytes are not UTF-8.

    Werkzeug keeps undecodable escapes such as ``%ff`` as literal text, which
    would turn garbage into a real-looking search for "%FF"; say so instead.
    """
    for part in raw.split(b"&"):
        try:
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            name = part.split(b"=", 1)[0].decode("ascii", "replace")[:40]
            raise SearchRequestError(
                f"parameter {name!r} is not valid UTF-8", code="bad_encoding", param=name
            ) from None


def check_utf8(params: Mapping[str, Sequence[str]]) -> None:
    """Reject any parameter name or value holding U+FFFD, the mark of a decoding loss."""
    for name, values in params.items():
        if REPLACEMENT_CHAR in name or any(REPLACEMENT_CHAR in value for value in values):
            shown = name.replace(REPLACEMENT_CHAR, "?")[:40]
            raise SearchRequestError(
                f"parameter {shown!r} is not valid UTF-8", code="bad_encoding", param=shown
            )


def raw_params() -> dict[str, list[str]]:
    """All query-string values of the current request, by name."""
    return request.args.to_dict(flat=False)


def search_request() -> SearchRequest:
    """The validated search request of the current URL; raises SearchRequestError."""
    check_query_string(request.query_string)
    params = raw_params()
    check_utf8(params)
    return parse_search_params(params)


def article_query() -> str:
    """The ``q`` an article page highlights; a bad one is dropped, not an error.

    A reader following a link from a search should always get the article;
    highlighting is a nicety, so an unusable ``q`` simply highlights nothing.
    """
    values = request.args.getlist("q")
    if len(values) != 1:
        return ""
    q = " ".join(values[0].split())
    if len(q) > MAX_QUERY_CHARS or REPLACEMENT_CHAR in q:
        return ""
    return q
