"""Run the web app on a production WSGI server (``newsearch serve``).

One process per core: searching is CPU work in Python, so threads alone
would share one core under the GIL. With ``workers > 1`` the app runs on
gunicorn (threaded workers, each with its own read-only search service and
caches); with one worker it runs on waitress, which also works where
gunicorn does not (no ``fork``).

Binds 127.0.0.1 unless told otherwise: exposing the archive is a decision
the operator makes with ``--host``.
"""

from __future__ import annotations

import logging

from flask import Flask
from waitress import serve as waitress_serve

from indexer.errors import NewsearchError
from webapp import create_app, csrf
from webapp.backend import close_service, get_service

log = logging.getLogger(__name__)


def _open_app(index_dir: str) -> Flask:
    """The app with its search service opened (so problems show at start-up).

    A missing index does not stop the server: it answers 503 until the index
    appears.
    """
    app = create_app({"INDEX_DIR": index_dir})
    with app.app_context():
        try:
            get_service()
        except NewsearchError as error:
            log.warning("index not available yet (%s); serving 503 until it is", error)
    return app


def serve(
    index_dir: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    workers: int = 1,
) -> None:
    """Serve the index at ``index_dir`` until interrupted; prints the URL first."""
    # One form-signing key, inherited by every worker process (see webapp.csrf).
    csrf.ensure_secret()
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    if workers > 1:
        _serve_gunicorn(index_dir, host, port, threads, workers, url)
        return
    app = _open_app(index_dir)
    print(f"newsearch: serving {index_dir} at {url}", flush=True)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="newsearch")
    finally:
        close_service(app)


def _serve_gunicorn(
    index_dir: str, host: str, port: int, threads: int, workers: int, url: str
) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": max(1, threads // workers),
                "timeout": 60,
                "graceful_timeout": 10,
                # No keep-alive: a kept-alive connection stays with the worker
                # that accepted it, and one busy worker ended up holding all
                # of them while the other sat idle. A new loopback connection
                # per request costs far less than that imbalance.
                "keepalive": 0,
                # The app itself bounds what it accepts (a 1,000-character
                # query is 9 kB once percent-encoded) and answers too-long
                # URLs in its own error envelope.
                "limit_request_line": 0,
                "loglevel": "warning",
                "accesslog": None,
                "proc_name": "newsearch",
                "when_ready": lambda server: print(
                    f"newsearch: serving {index_dir} at {url} ({workers} workers)", flush=True
                ),
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            # Runs in each worker after the fork: every worker opens the index
            # read-only for itself and keeps its own caches.
            return _open_app(index_dir)

    Server().run()
