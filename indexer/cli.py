"""The ``newsearch`` command: index, search, stats, serve.

A thin layer: each command validates its options, calls the library
(:func:`indexer.pipeline.index_paths`, :class:`indexer.search.service.SearchService`,
:func:`webapp.serve.serve`) and turns :class:`~indexer.errors.NewsearchError`
into a one-line message and an exit status. This is the only place that
configures logging or prints.

Exit status: 0 success (files that are not articles, such as a README or a
code list, may have been ignored); 1 the run finished but skipped some files
or documents that looked like articles (the report lists them); 2 bad usage
or a bad query; 3 the index is busy, missing or unreadable; 4 an unexpected
error (a bug; ``-v`` prints its traceback); 5 the disk (or quota) is full;
130 interrupted; 141 the output pipe closed early.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from indexer.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexMissingError,
    NewsearchError,
    SearchRequestError,
)
from indexer.store import DEFAULT_INDEX_DIR, INDEX_ENV, default_index_dir

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_INDEX, EXIT_INTERNAL, EXIT_DISK_FULL = 0, 1, 2, 3, 4, 5
#: errno values that mean "no room to write": the disk, or the user's quota.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
#: What a shell reports for a process killed by SIGPIPE (128 + 13).
EXIT_BROKEN_PIPE = 141

index_option = click.option(
    "--index",
    "index_dir",
    default=default_index_dir,
    show_default=f"${INDEX_ENV} or ./{DEFAULT_INDEX_DIR}",
    type=click.Path(file_okay=False),
    help="Index directory.",
)


def _fail(error: NewsearchError) -> None:
    click.echo(f"newsearch: {error}", err=True)
    if isinstance(error, SearchRequestError):
        sys.exit(EXIT_USAGE)
    if isinstance(error, IndexBusyError | IndexMissingError | IndexCorruptError):
        sys.exit(EXIT_INDEX)
    sys.exit(EXIT_USAGE)


def disk_full_error(error: BaseException) -> OSError | None:
    """The ENOSPC/EDQUOT error behind ``error`` (itself, a cause or a context), if any.

    Worker processes report their failures wrapped in other exceptions; the
    chain still holds the original ``OSError``.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in DISK_FULL_ERRNOS:
            return current
        current = current.__cause__ or current.__context__
    return None


def _verbose() -> bool:
    context = click.get_current_context(silent=True)
    root = context.find_root() if context is not None else None
    return bool(root is not None and root.params.get("verbose"))


def _guard(action: Callable[[], int | None]) -> None:
    try:
        status = action()
    except NewsearchError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("newsearch: interrupted; the index keeps its last commit", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader of our output went away (``newsearch stats | head -1``):
        # nothing is wrong, so say nothing. Point stdout at /dev/null so the
        # interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
    except Exception as error:  # the one catch-all, at the entry point
        full = disk_full_error(error)
        if full is not None:
            where = f" writing {full.filename}" if full.filename else ""
            click.echo(
                f"newsearch: the disk is full ({full.strerror or 'no space left'}{where}). "
                "Free some space and run the same command again; the index keeps its "
                "last commit.",
                err=True,
            )
            sys.exit(EXIT_DISK_FULL)
        verbose = _verbose()
        if verbose:
            logging.getLogger("newsearch").error("unexpected error", exc_info=True)
        click.echo(
            f"newsearch: unexpected error ({type(error).__name__}: {error}). If the index "
            "was damaged, rebuild it with `newsearch index PATH --rebuild`; "
            + ("the traceback is above." if verbose else "run with -v for details."),
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(status or EXIT_OK)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
def main(verbose: bool) -> None:
    """newsearch: full-text search for news archives."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        # trafilatura warns about pages it finds no text in ("discarding
        # data: None"); the run's report already lists them with a reason.
        logging.getLogger("trafilatura").setLevel(logging.ERROR)


# -- index --------------------------------------------------------------------------


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Build a fresh index and switch to it atomically.")
@click.option(
    "--prune",
    is_flag=True,
    help="Remove documents whose files no longer exist under the PATHS given.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: cores)."
)
@click.option(
    "--wait",
    "lock_timeout",
    type=click.FloatRange(0, 3600),
    default=10.0,
    show_default=True,
    help="Seconds to wait for another indexer to finish.",
)
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
def index_command(
    paths: Sequence[str],
    index_dir: str,
    rebuild: bool,
    prune: bool,
    as_json: bool,
    workers: int | None,
    lock_timeout: float,
    no_progress: bool,
) -> None:
    """Index articles from files and folders (text, HTML, Reuters SGML, JSON Lines).

    Incremental: unchanged files are not read again; changed files replace
    their documents. Files that are not articles (a README, a code list, a
    JSON document) are ignored with a reason; exit status 1 means some files
    or documents that looked like articles could not be read (listed in the
    report).
    """
    from tqdm import tqdm

    from indexer.pipeline import index_paths

    def run() -> int:
        bar: Any = None

        def on_plan(files: int) -> None:
            nonlocal bar
            if not no_progress and files:
                bar = tqdm(unit=" docs", desc="indexing", file=sys.stderr, smoothing=0.1)

        def progress(docs: int) -> None:
            if bar is not None:
                bar.update(docs)

        try:
            report = index_paths(
                paths,
                index_dir,
                rebuild=rebuild,
                prune=prune,
                workers=workers,
                lock_timeout=lock_timeout,
                progress=progress,
                on_plan=on_plan,
            )
        finally:
            if bar is not None:
                bar.close()
        if as_json:
            click.echo(json.dumps(report.to_json(), indent=2))
        else:
            _print_report(report)
        return EXIT_SKIPPED if report.failures else EXIT_OK

    _guard(run)


def _not_articles(report: Any) -> str:
    count = len(report.skipped) - len(report.failures)
    return f" ({count} not articles)" if count else ""


def _print_report(report: Any) -> None:
    rate = (report.indexed + report.updated) / report.elapsed_s if report.elapsed_s else 0.0
    click.echo(
        f"indexed {report.indexed}, updated {report.updated}, deleted {report.deleted}, "
        f"unchanged {report.unchanged_documents} (in {report.unchanged_files} files), "
        f"skipped {len(report.skipped)}{_not_articles(report)}, duplicates {report.duplicates}; "
        f"{report.documents_total} documents in {report.index_dir}; "
        f"{report.elapsed_s:.2f} s ({rate:,.0f} docs/s)"
    )
    for skip in report.skipped[:50]:
        kind = "ignored" if skip.not_article else "skipped"
        click.echo(f"  {kind} {skip.origin}: {skip.reason}")
    if len(report.skipped) > 50:
        click.echo(f"  ... and {len(report.skipped) - 50} more (use --json for all)")
    if report.missing_elsewhere:
        click.echo(
            f"  note: {report.missing_elsewhere} indexed files outside the paths given no "
            "longer exist; they were kept (index their folder with --prune to remove them)"
        )


# -- search -------------------------------------------------------------------------


@main.command("search")
@click.argument("query", nargs=-1)
@index_option
@click.option("--from", "date_from", help="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", help="Latest date (inclusive).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default=None)
@click.option("--page", default=None, help="Page number.")
@click.option("--per-page", default=None, help="Results per page (1-100).")
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FACET=VALUE",
    help="Facet selection, e.g. place=usa (repeatable).",
)
@click.option(
    "--spell/--no-spell",
    default=True,
    help="Run the correction of a misspelled query that matches far better (the default), "
    "or search exactly as typed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/search.")
def search_command(
    query: Sequence[str],
    index_dir: str,
    date_from: str | None,
    date_to: str | None,
    sort: str | None,
    page: str | None,
    per_page: str | None,
    filters: Sequence[str],
    spell: bool,
    as_json: bool,
) -> None:
    """Search the index, like the web page does."""
    from indexer.search.request import parse_search_params
    from indexer.search.service import SearchService

    def run() -> int:
        params: dict[str, list[str]] = {"q": [" ".join(query)]}
        for name, value in (
            ("from", date_from),
            ("to", date_to),
            ("sort", sort),
            ("page", page),
            ("per_page", per_page),
            ("spell", None if spell else "0"),
        ):
            if value is not None:
                params[name] = [value]
        for item in filters:
            name, sep, value = item.partition("=")
            if not sep:
                raise SearchRequestError(f"--filter needs FACET=VALUE, got {item!r}")
            params.setdefault(name.strip(), []).append(value.strip())
        request = parse_search_params(params)
        service = SearchService(index_dir)
        try:
            result = service.search(request)
        finally:
            service.close()
        if as_json:
            from indexer.search.presenter import search_json

            click.echo(json.dumps(search_json(result), indent=2, ensure_ascii=False))
        else:
            _print_results(result)
        return EXIT_OK

    _guard(run)


def _print_results(result: Any) -> None:
    click.echo(
        f"{result.total:,} results ({result.took_ms:.1f} ms), page {result.request.page} "
        f"of {result.last_page}"
    )
    if result.corrected:
        click.echo(
            f"Showing results for {result.suggestion}. Search instead for "
            f"{result.request.q} with --no-spell."
        )
    elif result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    for notice in result.notices:
        click.echo(f"note: {notice}")
    _print_soft_and(result)
    if getattr(result, "clusters", result.total) != result.total:
        click.echo(f"{result.clusters:,} distinct stories (wire copies collapsed)")
    for hit in result.hits:
        meta = " · ".join(x for x in (hit.date, hit.dateline, hit.source) if x)
        copies = getattr(hit, "duplicates", 0)
        more = f" (+{copies} similar: cluster {hit.cluster})" if copies else ""
        click.echo(f"\n{hit.title}\n  {meta}  [{hit.id}]{more}")
        for passage in hit.snippet[:2]:
            text = "".join(f"[{f.text}]" if f.matched else f.text for f in passage).replace(
                "\n", " "
            )
            click.echo(f"  {text}")


def _print_soft_and(result: Any) -> None:
    """How many results have every word, and the wire spellings also searched."""
    if result.total_all_words is not None and result.total_all_words != result.total:
        click.echo(f"{result.total_all_words:,} with every word, first")
    for word, forms in result.also_searched:
        click.echo(f"also searched: {', '.join(forms)} (for {word})")


# -- stats --------------------------------------------------------------------------


@main.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats_command(index_dir: str, as_json: bool) -> None:
    """Document count, date range, and the top datelines, sources and entities."""
    from indexer.search.service import SearchService

    def run() -> int:
        service = SearchService(index_dir)
        try:
            stats = service.stats()
        finally:
            service.close()
        if as_json:
            from indexer.search.presenter import stats_json

            click.echo(json.dumps(stats_json(stats), indent=2, ensure_ascii=False))
            return EXIT_OK
        dated = f"dated {stats.date_min} .. {stats.date_max}" if stats.date_min else "no dates"
        click.echo(
            f"{stats.documents:,} documents, {dated} "
            f"({stats.undated:,} undated), generation {stats.generation}"
        )
        for name, values in stats.top.items():
            listed = ", ".join(f"{v.value} ({v.count:,})" for v in values)
            click.echo(f"  {name}: {listed or '-'}")
        return EXIT_OK

    _guard(run)


# -- serve --------------------------------------------------------------------------


@main.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Request threads in all, shared out among the processes.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=lambda: min(os.cpu_count() or 1, 4),
    show_default="cores, at most 4",
    help="Server processes sharing the port (1 = everything in this process).",
)
@click.option(
    "--max-exports",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Exports one process runs at once (more are answered 429 with Retry-After).",
)
def serve_command(
    index_dir: str, host: str, port: int, threads: int, workers: int, max_exports: int
) -> None:
    """Serve the web app and JSON API (binds 127.0.0.1 by default).

    Safe to expose (see the README's "Deploying publicly"): slow or idle
    clients cost no request thread, oversized requests are refused at once,
    and a missing, damaged or rebuilt index never stops the server.
    """
    from webapp.serve import serve

    def run() -> int:
        serve(
            index_dir,
            host=host,
            port=port,
            threads=threads,
            workers=workers,
            max_exports=max_exports,
        )
        return EXIT_OK

    _guard(run)


if __name__ == "__main__":  # pragma: no cover
    main()
