"""One ``newsearch search`` call imports only what a search needs (issue 16).

A CLI call pays every import before its first output: the web app, the
ingest side (sources, extraction, HTML and date libraries) and the analyses
a plain search never runs (comparisons, significant terms, entity pages,
fuzzy matching) would each add tens of milliseconds to every call. This
test runs a real search through the CLI in a fresh interpreter, over a real
index, and lists the modules it loaded: a module-level import that drags one
of them back in fails here, without timing anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tiny_index import article, build_index

REPO = Path(__file__).resolve().parents[2]

#: Modules (and their submodules) a plain search must not import.
HEAVY = (
    # the web app and its server
    "webapp",
    "flask",
    "werkzeug",
    "jinja2",
    "waitress",
    # the ingest side: readers, extraction, HTML and date libraries, progress bars
    "indexer.sources",
    "indexer.pipeline",
    "indexer.writer",
    "indexer.fastwrite",
    "indexer.extract.entities",
    "indexer.extract.tagger",
    "indexer.extract.article",
    "indexer.extract.dates",
    "trafilatura",
    "htmldate",
    "bs4",
    "lxml",
    "dateutil",
    "dateparser",
    "charset_normalizer",
    "tqdm",
    "spacy",
    # analyses a plain search never runs
    "indexer.search.compare",
    "indexer.search.significant",
    "indexer.search.entities_page",
    "rapidfuzz",
)

#: Runs the CLI as ``newsearch`` does, then prints the loaded modules to stderr.
PROBE = """
import json, sys
from indexer.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    code = done.code
else:
    code = 0
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def heavy_modules(loaded: list[str]) -> list[str]:
    return [name for name in loaded if any(name == h or name.startswith(h + ".") for h in HEAVY)]


def test_heavy_modules_list_matches_real_names() -> None:
    loaded = ["webapp.serve", "flask", "rapidfuzz.process", "indexer.search.facets", "flasks"]
    assert heavy_modules(loaded) == ["webapp.serve", "flask", "rapidfuzz.process"]


def test_a_cli_search_imports_no_web_ingest_or_analysis_module(tmp_path: Path) -> None:
    # Twelve stories with both words: common enough that the spelling check
    # has nothing to correct (a rare word would rightly load the fuzzy matcher).
    stories = [
        article(n, f"Oil prices move {n}", f"Oil prices moved on day {n} in Vienna.", "1987-03-02")
        for n in range(12)
    ]
    index_dir = build_index(tmp_path / "index", stories)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "search", "oil prices", "--index", index_dir, "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["exit"] == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["total"] == 12  # the search really ran: hits, facets, snippets
    assert result["hits"][0]["snippet"]
    assert heavy_modules(report["modules"]) == []
