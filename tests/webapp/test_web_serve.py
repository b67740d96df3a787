"""``serve()`` runs the app on waitress, bound to loopback, and prints its URL."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_over_http(index_dir: str) -> None:
    port = free_port()
    code = f"from webapp.serve import serve; serve({index_dir!r}, port={port}, threads=2)"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        body = None
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                    body = json.loads(resp.read())
                    headers = resp.headers
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None and body["status"] == "ok"
        assert headers["X-Content-Type-Options"] == "nosniff"
    finally:
        process.terminate()
        process.communicate(timeout=10)
