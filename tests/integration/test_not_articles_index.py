"""Indexing a folder that holds notes and code lists besides articles.

Such files are ignored with a reason and are no failure (exit 0, also on a
re-run that remembers them); a file that claims an article format but
cannot be read still exits 1. On Reuters-21578, the category notes
(``cat-descriptions_120396.txt``, dated "3-Dec-96", mentioning 1990) never
become a story dated 1990.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTES = (REPO / "tests" / "fixtures" / "notes" / "cat-notes_120396.txt").read_text("utf-8")
NEWSEARCH = [sys.executable, "-m", "indexer.cli"]

STORY = (
    "Coffee talks end\n\nLONDON – Coffee producers ended their talks on Friday "
    "without an agreement on export quotas, delegates said.\n"
)


def index(*paths: str, index_dir: Path) -> tuple[int, dict, str]:
    run = subprocess.run(
        [*NEWSEARCH, "index", *paths, "--index", str(index_dir), "--json", "--no-progress"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.stdout, run.stderr
    return run.returncode, json.loads(run.stdout), run.stderr


def stored_dates(index_dir: Path) -> list[str | None]:
    from whoosh.filedb.filestore import FileStorage

    from indexer import schema as F
    from indexer.store import current_directory

    directory = current_directory(str(index_dir))
    assert directory is not None
    with FileStorage(directory).open_index("MAIN").searcher() as searcher:
        return [fields.get(F.DATE) for fields in searcher.all_stored_fields()]


def test_a_folder_of_articles_and_notes_exits_0(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "story.txt").write_text(STORY, encoding="utf-8")
    (corpus / "README.txt").write_text("How to use this corpus. Read the notes.\n")
    (corpus / "cat-notes_120396.txt").write_text(NOTES, encoding="utf-8")
    (corpus / "codes.txt").write_text("\n".join(f"code-{n}" for n in range(50)) + "\n")
    (corpus / "schema.dtd").write_text("<!ELEMENT LEWIS (REUTERS*)>\n")
    index_dir = tmp_path / "index"

    status, report, stderr = index(str(corpus), index_dir=index_dir)
    assert status == 0, (report, stderr)
    assert report["documents_total"] == 1
    ignored = {Path(s["origin"]).name: s for s in report["skipped"]}
    assert set(ignored) == {"README.txt", "cat-notes_120396.txt", "codes.txt", "schema.dtd"}
    assert all(skip["not_article"] for skip in ignored.values())
    assert "list with notes" in ignored["cat-notes_120396.txt"]["reason"]
    assert stored_dates(index_dir) == [None]

    # A re-run reads nothing again and remembers why: still exit 0.
    again, report, stderr = index(str(corpus), index_dir=index_dir)
    assert again == 0, (report, stderr)
    assert len(report["skipped"]) == 4 and report["indexed"] == 0

    # A file that claims to be an article but cannot be read is a failure.
    (corpus / "empty.txt").write_bytes(b"")
    failed, report, _ = index(str(corpus), index_dir=index_dir)
    assert failed == 1
    (empty,) = [s for s in report["skipped"] if not s["not_article"]]
    assert Path(empty["origin"]).name == "empty.txt"


@pytest.mark.reuters
def test_reuters_folder_notes_are_not_a_1990_story(reuters_dir: Path, tmp_path: Path) -> None:
    """Every file of the Reuters folder but 21 of its 22 SGML files (for time)."""
    paths = sorted(
        str(path)
        for path in reuters_dir.iterdir()
        if not path.name.startswith("reut2-") or path.name == "reut2-000.sgm"
    )
    assert any(p.endswith("cat-descriptions_120396.txt") for p in paths)
    index_dir = tmp_path / "index"
    status, report, stderr = index(*paths, index_dir=index_dir)
    assert status == 0, (report["skipped"], stderr)
    ignored = {Path(s["origin"]).name for s in report["skipped"] if s["not_article"]}
    assert "cat-descriptions_120396.txt" in ignored and "README.txt" in ignored
    assert report["documents_total"] == 1000
    years = {date[:4] for date in stored_dates(index_dir) if date}
    assert years == {"1987"}
    again, _, _ = index(*paths, index_dir=index_dir)
    assert again == 0
