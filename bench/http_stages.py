"""Where one ``/api/search`` request's CPU goes, stage by stage, in one process.

Usage::

    .venv/bin/python bench/http_stages.py                  # the standard mix
    .venv/bin/python bench/http_stages.py --mix heavy      # prefix and fuzzy heavy
    .venv/bin/python bench/http_stages.py --profile 25     # also cProfile's top 25

Opens the Reuters index of ``bench/search.py`` the way ``newsearch serve``
does (the app of :func:`webapp.serve.open_app`, warmed), runs the mix of
``bench/throughput.py`` once to warm, then ``--passes`` passes timing, for
every request, each stage the server goes through:

- ``parse``: the query string to a :class:`SearchRequest` (``webapp.params``);
- ``search``: the search service (evaluation, facets, timeline, snippets);
- ``present``: :func:`presenter.search_json` (typed page to plain dict);
- ``encode``: the app's JSON provider turning that dict into the body;
- ``wsgi``: the whole Flask WSGI call for the same URL, which includes all of
  the above plus routing, the request and response objects and the hooks
  (security headers, the URL limit); ``wsgi - (parse + search + present +
  encode)`` is what Flask itself costs.

Thread CPU time (``time.thread_time``) is reported beside wall time: the
machine is shared, so wall time includes other processes' turns. What the
WSGI server (waitress) adds on top is measured by ``bench/throughput.py``
against these figures (HTTP latency at one connection minus ``wsgi``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from corpora import newsearch_index, reuters_files
from throughput import MIXES, mix_paths

STAGES = ("parse", "search", "present", "encode", "wsgi")


def environ_for(path: str) -> dict[str, Any]:
    """A minimal WSGI environ for a GET of ``path`` (as waitress would build it)."""
    parts = urlsplit(path)
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, its wall milliseconds and its thread-CPU milliseconds."""
    wall, cpu = time.perf_counter(), time.thread_time()
    value = fn()
    return value, (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mix", choices=sorted(MIXES), default="standard")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--index", default=None, help="index directory (default: the bench's)")
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N")
    args = parser.parse_args()

    from indexer.search import presenter
    from webapp import params
    from webapp.backend import get_service
    from webapp.serve import open_app

    index_dir = args.index or newsearch_index("reuters", reuters_files())
    app = open_app(index_dir, warmed=True)
    service = app.extensions["newsearch"].get()
    paths = mix_paths(args.mix)

    def wsgi(path: str) -> bytes:
        status: list[str] = []
        body = app(environ_for(path), lambda s, h, e=None: status.append(s))
        data = b"".join(body)
        getattr(body, "close", lambda: None)()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")
        return data

    for path in paths:  # warm
        wsgi(path)
    wall: dict[str, list[float]] = {stage: [] for stage in STAGES}
    cpu: dict[str, list[float]] = {stage: [] for stage in STAGES}
    sizes: list[int] = []
    profiler = cProfile.Profile() if args.profile else None
    for _ in range(args.passes):
        for path in paths:
            with app.test_request_context(path):
                request, w, c = timed(params.search_request)
                wall["parse"].append(w)
                cpu["parse"].append(c)
                page, w, c = timed(lambda r=request: get_service().search(r))
                wall["search"].append(w)
                cpu["search"].append(c)
                data, w, c = timed(lambda p=page: presenter.search_json(p))
                wall["present"].append(w)
                cpu["present"].append(c)
                _, w, c = timed(lambda d=data: app.json.response(d).get_data())
                wall["encode"].append(w)
                cpu["encode"].append(c)
            if profiler is not None:
                profiler.enable()
            body, w, c = timed(lambda p=path: wsgi(p))
            if profiler is not None:
                profiler.disable()
            wall["wsgi"].append(w)
            cpu["wsgi"].append(c)
            sizes.append(len(body))
    del service
    n = len(wall["wsgi"])
    print(f"{args.mix} mix: {len(paths)} requests x {args.passes} passes, index {index_dir}")
    print(f"mean response {statistics.mean(sizes) / 1024:.1f} kB")
    print(f"{'stage':<10}{'cpu mean':>10}{'wall mean':>11}{'wall p50':>10}{'wall p95':>10}")
    for stage in STAGES:
        ordered = sorted(wall[stage])
        print(
            f"{stage:<10}{statistics.mean(cpu[stage]):>9.2f} {statistics.mean(wall[stage]):>10.2f}"
            f"{ordered[n // 2]:>10.2f}{ordered[int(n * 0.95)]:>10.2f}"
        )
    parts = sum(statistics.mean(cpu[s]) for s in STAGES[:-1])
    print(f"flask overhead (wsgi cpu - stages): {statistics.mean(cpu['wsgi']) - parts:.2f} ms")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
