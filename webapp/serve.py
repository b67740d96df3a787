"""Run the web app on waitress, a production WSGI server (``newsearch serve``).

Binds 127.0.0.1 unless told otherwise: exposing the archive is a decision
the operator makes with ``--host``.
"""

from __future__ import annotations

import logging

from waitress import serve as waitress_serve

from indexer.errors import NewsearchError
from webapp import create_app
from webapp.backend import close_service, get_service

log = logging.getLogger(__name__)


def serve(index_dir: str, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve the index at ``index_dir`` until interrupted; prints the URL first.

    The index is opened up front so a problem shows at start-up, but a missing
    index does not stop the server: it answers 503 until the index appears.
    """
    app = create_app({"INDEX_DIR": index_dir})
    with app.app_context():
        try:
            get_service()
        except NewsearchError as error:
            log.warning("index not available yet (%s); serving 503 until it is", error)
    shown_host = f"[{host}]" if ":" in host else host
    print(f"newsearch: serving {index_dir} at http://{shown_host}:{port}/", flush=True)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="newsearch")
    finally:
        close_service(app)
