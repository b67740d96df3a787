"""The one exception hierarchy of newsearch.

Everything newsearch raises on purpose derives from :class:`NewsearchError`,
so the CLI entry point and the web app's error handlers can turn any of them
into a clean message without a catch-all that would also hide bugs.
"""

from __future__ import annotations


class NewsearchError(Exception):
    """Base class: an expected failure with a message meant for the user."""

    #: Machine-readable code, used as ``error.code`` in the JSON envelope.
    code = "error"


class SourceError(NewsearchError):
    """A file could not be read as any supported article format.

    The pipeline catches it per file, records the reason and moves on: one
    bad file never stops a run.
    """

    code = "unreadable_source"


class NotAnArticleError(SourceError):
    """A readable file that is not an article: documentation, a word or code list, data.

    Skipped with its reason like any unusable file, but it is not a failure:
    a run whose only skips are such files exits 0.
    """

    code = "not_an_article"


class IndexBusyError(NewsearchError):
    """Another process holds the index's write lock beyond the wait budget."""

    code = "index_busy"


class IndexMissingError(NewsearchError):
    """There is no index at the given directory (nothing indexed yet)."""

    code = "index_missing"


class IndexCorruptError(NewsearchError):
    """The index on disk cannot be opened; the message says how to recover."""

    code = "index_corrupt"


class IndexEmptyError(NewsearchError):
    """The index holds no document: searches answer nothing, the health check says so."""

    code = "index_empty"


class IndexLoadingError(NewsearchError):
    """The server is still opening its first generation of the index."""

    code = "index_loading"


class TooManyRunningError(NewsearchError):
    """Too many requests of one expensive kind are running; retry later (a 429)."""

    code = "too_many_running"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ExportBusyError(TooManyRunningError):
    """Too many exports are running at once; the client should retry later."""

    code = "too_many_exports"


class BatchBusyError(TooManyRunningError):
    """Too many batch searches are running at once; the client should retry later."""

    code = "too_many_batches"


class SearchRequestError(NewsearchError):
    """A search request is invalid (bad query syntax, bad parameter).

    Becomes HTTP 400 in the web app and exit status 2 in the CLI.
    """

    code = "bad_request"

    def __init__(self, message: str, code: str = "bad_request", param: str | None = None):
        super().__init__(message)
        self.code = code
        self.param = param


class SearchBudgetError(NewsearchError):
    """A query would cost more than the per-request budget allows.

    Becomes HTTP 503 with a message suggesting a narrower query, so an
    expensive request answers quickly instead of stalling a worker.
    """

    code = "query_too_expensive"
