"""Golden tests: every reader on its fixtures, every output field compared exactly.

The expected values live in ``tests/fixtures/sources/expected/<fixture>.json``.
After a deliberate change in a reader, regenerate them with
``NEWSEARCH_UPDATE_GOLDEN=1 pytest tests/unit/test_sources_golden.py`` and
review the diff like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from indexer.model import RawDocument, SkippedDocument
from indexer.sources import read_documents

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
EXPECTED = FIXTURES / "expected"

CASES = {
    "news_jsonld.html": "html",
    "news_opengraph.html": "html",
    "headline_byline.txt": "text",
    "cp1252_crlf.txt": "text",
    "stories.sgm": "reuters",
    "broken.sgm": "reuters",
    "articles.jsonl": "jsonl",
}


def as_dict(item: RawDocument | SkippedDocument) -> dict[str, Any]:
    """A document as plain JSON-able data (the path made relative to the fixtures)."""
    if isinstance(item, SkippedDocument):
        return {"skipped": item.origin.rsplit("/", 1)[-1], "reason": item.reason}
    return {
        "path": Path(item.path).name,
        "position": item.position,
        "format": item.format,
        "title": item.title,
        "date": item.date,
        "dateline": item.dateline,
        "source": item.source,
        "url": item.url,
        "author": item.author,
        "native_id": item.native_id,
        "tags": {kind: list(codes) for kind, codes in item.tags.items()},
        "body": item.body,
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_reader_output_matches_golden_file(name: str) -> None:
    path = FIXTURES / name
    items = [as_dict(item) for item in read_documents(str(path), path.read_bytes())]
    assert {item.get("format") for item in items} - {None} == {CASES[name]}
    golden = EXPECTED / f"{name}.json"
    if os.environ.get("NEWSEARCH_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert items == json.loads(golden.read_text(encoding="utf-8"))
