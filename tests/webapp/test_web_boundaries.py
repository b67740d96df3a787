"""The web app stays on the read side: no parsing or writing code, no bs4, no index writes."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"

FORBIDDEN = ("indexer.sources", "indexer.pipeline", "indexer.writer", "indexer.extract", "bs4")
#: The alias tables (and the gazetteer data they read) are lookups, not parsing.
ALLOWED = ("indexer.extract.aliases", "indexer.extract.gazetteer")


def forbidden(module: str) -> bool:
    if module in ALLOWED or module == "indexer.extract":  # the bare package is empty
        return False
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def test_webapp_source_imports_nothing_forbidden() -> None:
    for path in WEBAPP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not forbidden(name), f"{path.name} imports {name}"


def test_serving_requests_loads_nothing_forbidden(index_dir: str) -> None:
    """In a fresh interpreter: the whole read path (service included) stays clean."""
    code = f"""
import json, sys, time
from webapp import create_app
client = create_app({{"INDEX_DIR": {index_dir!r}}}).test_client()
for url in ("/?q=cocoa", "/articles/reuters-900001?q=cocoa", "/api/export.csv?q=grain",
            "/api/stats"):
    assert client.get(url).status_code == 200, url
deadline = time.monotonic() + 60  # /healthz says 200 once the index is warmed and checked
while client.get("/healthz").status_code != 200:
    assert time.monotonic() < deadline, "/healthz"
    time.sleep(0.05)
print(json.dumps(sorted(sys.modules)))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=WEBAPP.parent,
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert [m for m in loaded if forbidden(m)] == []


def test_requests_never_write_to_the_index(index_dir: str, client) -> None:  # type: ignore[no-untyped-def]
    def snapshot() -> dict[str, tuple[int, int]]:
        found = {}
        for root, _dirs, files in os.walk(index_dir):
            for name in files:
                stat = os.stat(os.path.join(root, name))
                found[os.path.join(root, name)] = (stat.st_size, stat.st_mtime_ns)
        return found

    before = snapshot()
    for url in (
        "/?q=cocoa",
        "/api/search?q=grain&place=Canada",
        "/articles/reuters-900001",
        "/api/export.jsonl",
        "/healthz",
        "/api/stats",
    ):
        client.get(url).close()
    assert snapshot() == before
