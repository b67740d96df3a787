"""The indexing pipeline end to end, on real files and a real Whoosh index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from indexer.errors import IndexBusyError
from indexer.pipeline import index_paths
from indexer.store import current_directory
from indexer.writer import index_lock

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_016a2371f453d592.txt"
NEWSEARCH = [sys.executable, "-m", "indexer.cli"]


def stored_docs(index_dir: Path) -> list[dict]:
    directory = current_directory(str(index_dir))
    assert directory is not None
    ix = FileStorage(directory).open_index("MAIN")
    with ix.searcher() as searcher:
        return [dict(fields) for fields in searcher.all_stored_fields()]


def write_jsonl(path: Path, *articles: dict) -> None:
    path.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")


def article(n: int, **extra: str) -> dict:
    return {
        "id": f"story-{n}",
        "title": f"Harvest report number {n}",
        "body": f"Farmers in the valley reported harvest figures for week {n}. "
        "Prices were steady, traders said.",
        "date": f"2021-05-{n:02d}",
        **extra,
    }


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(SEED, root / SEED.name)
    write_jsonl(root / "a.jsonl", article(1), article(2), article(3))
    write_jsonl(root / "b.jsonl", article(4), article(5))
    return root


def test_seed_values_in_the_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    report = index_paths([str(REPO / "seeds")], str(index_dir))
    assert (report.indexed, report.skipped, report.documents_total) == (1, [], 1)
    (doc,) = stored_docs(index_dir)
    assert doc["date"].startswith("2019-03-28T19:42")
    assert doc["dateline"] == "Moscow, Russia"
    assert doc["source"] == "Rappler"
    assert {
        "Donald Trump",
        "Juan Guaido",
        "Nicolas Maduro",
        "Maria Zakharova",
        "Mike Pompeo",
        "Sergei Lavrov",
        "Jose Rafael Torrealba Perez",
    } <= set(doc["people"])
    assert {"Russia", "Venezuela", "United States", "China", "Cuba", "Caracas", "Moscow"} <= set(
        doc["places"]
    )
    # RIA Novosti is named as the source of a report: a news agency, not a facet value.
    assert "RIA Novosti" not in doc.get("organizations", ())
    junk = {"Thursday", "Published", "She", "March", "Wednesday"}
    for field in ("people", "organizations", "places"):
        assert not junk & set(doc.get(field, ())), field
    assert doc["origin"].endswith("seeds/000_016a2371f453d592.txt")
    assert doc["body"].startswith("MOSCOW, Russia – The presence of Russian troops")


def test_second_run_indexes_nothing(corpus: Path, tmp_path: Path) -> None:
    index_dir = str(tmp_path / "index")
    first = index_paths([str(corpus)], index_dir)
    assert (first.indexed, first.new_files, first.documents_total) == (6, 3, 6)
    second = index_paths([str(corpus)], index_dir)
    assert (second.indexed, second.updated, second.deleted, second.commits) == (0, 0, 0, 0)
    assert (second.unchanged_files, second.unchanged_documents) == (3, 6)
    assert second.documents_total == 6


def test_edited_file_replaces_exactly_its_documents(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([str(corpus)], str(index_dir))
    before = {d["id"]: d for d in stored_docs(index_dir)}
    write_jsonl(corpus / "a.jsonl", article(1, title="Harvest report revised"), article(3))
    report = index_paths([str(corpus)], str(index_dir))
    assert (report.updated, report.deleted, report.indexed, report.changed_files) == (2, 3, 0, 1)
    after = {d["id"]: d for d in stored_docs(index_dir)}
    assert set(after) == set(before) - {"story-2"}
    assert after["story-1"]["title"] == "Harvest report revised"
    for unchanged in ("story-4", "story-5", SEED.stem):
        if unchanged in before:
            assert after[unchanged] == before[unchanged]


def test_prune_removes_documents_of_deleted_files(corpus: Path, tmp_path: Path) -> None:
    index_dir = str(tmp_path / "index")
    index_paths([str(corpus)], index_dir)
    (corpus / "b.jsonl").unlink()
    kept = index_paths([str(corpus)], index_dir)
    assert kept.documents_total == 6, "without --prune nothing is removed"
    pruned = index_paths([str(corpus)], index_dir, prune=True)
    assert (pruned.pruned_files, pruned.deleted, pruned.documents_total) == (1, 2, 4)


def test_prune_touches_only_the_paths_given(tmp_path: Path) -> None:
    """A folder that moved or whose disk is unmounted is not pruned by another folder's run."""
    index_dir = str(tmp_path / "index")
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    write_jsonl(here / "a.jsonl", article(1), article(2))
    write_jsonl(here / "b.jsonl", article(3))
    write_jsonl(there / "c.jsonl", article(4), article(5))
    index_paths([str(here)], index_dir)
    index_paths([str(there / "c.jsonl")], index_dir)
    (here / "b.jsonl").unlink()
    there.rename(tmp_path / "moved")
    run = index_paths([str(here)], index_dir, prune=True)
    assert (run.pruned_files, run.deleted, run.missing_elsewhere) == (1, 1, 1)
    assert {d["id"] for d in stored_docs(index_dir)} == {"story-1", "story-2", "story-4", "story-5"}
    gone = index_paths([str(there / "c.jsonl")], index_dir, prune=True)
    assert (gone.pruned_files, gone.deleted, gone.missing_elsewhere) == (1, 2, 0)
    assert {d["id"] for d in stored_docs(index_dir)} == {"story-1", "story-2"}


def test_a_pruned_file_is_not_missing_again_before_its_segment_is_merged(
    tmp_path: Path,
) -> None:
    """A deletion not yet merged away must not make a pruned file "missing" again.

    Whoosh's document frequency still counts deleted stories, so after a
    prune whose commit merged nothing the file still looked indexed, and
    the next run counted it missing once more (CI saw this).
    """
    from indexer.store import open_readonly
    from indexer.writer import open_writable, parent_writer

    index_dir = str(tmp_path / "index")
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    write_jsonl(here / "a.jsonl", article(1))
    write_jsonl(here / "b.jsonl", article(2))
    write_jsonl(there / "c.jsonl", article(3))
    index_paths([str(here), str(there)], index_dir)
    # What a prune whose commit merged nothing leaves: b's story deleted, its terms kept.
    with index_lock(index_dir, 5.0):
        writer = parent_writer(open_writable(index_dir)[0])
        assert writer.delete_by_term("path", str(here / "b.jsonl")) == 1
        writer.commit_with([], merge=False)
    ix, _ = open_readonly(index_dir)
    with ix.reader() as reader:
        assert reader.has_deletions()
        key = next(t for t in _terms(reader, "filekey") if "b.jsonl" in t)
        assert reader.doc_frequency("filekey", key) == 1
    (here / "b.jsonl").unlink()
    again = index_paths([str(here)], index_dir, prune=True)
    assert (again.pruned_files, again.deleted, again.missing_elsewhere) == (0, 0, 0)
    (there / "c.jsonl").unlink()
    elsewhere = index_paths([str(here)], index_dir, prune=True)
    assert (elsewhere.pruned_files, elsewhere.missing_elsewhere) == (0, 1)
    assert {d["id"] for d in stored_docs(index_dir)} == {"story-1", "story-3"}


def _terms(reader, fieldname: str) -> list[str]:
    return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(fieldname)]


def test_rebuild_switches_atomically_to_a_new_directory(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([str(corpus)], str(index_dir))
    old = current_directory(str(index_dir))
    report = index_paths([str(corpus)], str(index_dir), rebuild=True)
    new = current_directory(str(index_dir))
    assert new != old and old is not None and not os.path.exists(old)
    assert (report.indexed, report.documents_total) == (6, 6)
    assert os.path.islink(index_dir / "current")


def test_duplicate_ids_keep_the_last_file(corpus: Path, tmp_path: Path) -> None:
    write_jsonl(corpus / "c.jsonl", article(4, title="Harvest report four, corrected"))
    index_dir = tmp_path / "index"
    report = index_paths([str(corpus)], str(index_dir))
    docs = stored_docs(index_dir)
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids)) == 6
    assert report.duplicates == 1
    (four,) = [d for d in docs if d["id"] == "story-4"]
    assert four["title"] == "Harvest report four, corrected"


def test_parallel_workers_give_the_same_index(corpus: Path, tmp_path: Path) -> None:
    one = index_paths([str(corpus)], str(tmp_path / "one"), workers=1)
    two = index_paths([str(corpus)], str(tmp_path / "two"), workers=2)
    assert one.documents_total == two.documents_total == 6
    key = lambda d: d["id"]  # noqa: E731
    strip = lambda d: {k: v for k, v in d.items()}  # noqa: E731
    assert sorted(map(strip, stored_docs(tmp_path / "one")), key=key) == sorted(
        map(strip, stored_docs(tmp_path / "two")), key=key
    )


def test_parallel_workers_share_every_batch_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers take a batch's files one at a time: each file indexed once, in several commits."""
    corpus = tmp_path / "many"
    corpus.mkdir()
    for n in range(14):
        write_jsonl(corpus / f"f{n:02}.jsonl", article(n), article(100 + n))
    monkeypatch.setenv("NEWSEARCH_BATCH_BYTES", str(4 * (corpus / "f00.jsonl").stat().st_size))
    one = index_paths([str(corpus)], str(tmp_path / "one"), workers=1)
    two = index_paths([str(corpus)], str(tmp_path / "two"), workers=2)
    assert one.documents_total == two.documents_total == two.indexed == 28
    assert two.commits >= 4
    key = lambda d: d["id"]  # noqa: E731
    assert sorted(stored_docs(tmp_path / "one"), key=key) == sorted(
        stored_docs(tmp_path / "two"), key=key
    )


def test_overlapping_batches_leave_only_the_last_commits_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers build batch N+1 while batch N commits (and merges): nothing of theirs is lost,
    and once the run ends the directory holds only the files of the last commit's segments."""
    corpus = tmp_path / "many"
    corpus.mkdir()
    for n in range(40):
        write_jsonl(corpus / f"f{n:02}.jsonl", article(n), article(100 + n))
    monkeypatch.setenv("NEWSEARCH_BATCH_BYTES", str(2 * (corpus / "f00.jsonl").stat().st_size))
    report = index_paths([str(corpus)], str(tmp_path / "index"), workers=2)
    assert report.indexed == report.documents_total == 80
    assert report.commits >= 15
    directory = current_directory(str(tmp_path / "index"))
    assert directory is not None
    ix = FileStorage(directory).open_index("MAIN")
    segments = {segment.segment_id() for segment in ix._segments()}
    assert len(segments) < report.commits, "no merge happened"
    names = os.listdir(directory)
    assert "MAIN.tmp" not in names
    for name in names:
        if name.startswith("MAIN_") and not name.startswith("MAIN_WRITELOCK"):
            assert name.split(".")[0] in segments, name
    assert len(stored_docs(tmp_path / "index")) == 80


def test_second_writer_waits_then_stops_with_a_clear_message(corpus: Path, tmp_path: Path) -> None:
    index_dir = str(tmp_path / "index")
    index_paths([str(corpus)], index_dir)
    with index_lock(index_dir, timeout=1), pytest.raises(IndexBusyError, match="another"):
        index_paths([str(corpus)], index_dir, lock_timeout=0.3)
    # The lock is released with its holder: the next run proceeds.
    assert index_paths([str(corpus)], index_dir).documents_total == 6


def test_second_writer_gets_the_lock_when_the_first_finishes(corpus: Path, tmp_path: Path) -> None:
    index_dir = str(tmp_path / "index")
    release = threading.Event()

    def hold() -> None:
        with index_lock(index_dir, timeout=1):
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        threading.Timer(0.5, release.set).start()
        report = index_paths([str(corpus)], index_dir, lock_timeout=10)
    finally:
        holder.join()
    assert report.documents_total == 6


def hostile_files(root: Path) -> dict[str, str]:
    """Bad files, by name, with a word their skip reason must contain."""
    root.mkdir(exist_ok=True)
    (root / "empty.txt").write_bytes(b"")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / "random.bin").write_bytes(os.urandom(4096))
    (root / "truncated.sgm").write_bytes(b'<REUTERS NEWID="9"><DATE>26-FEB-1987')
    (root / "nobody.html").write_bytes(b"<html><head><title>x</title></head></html>")
    return {
        "empty.txt": "empty",
        "image.png": "binary",
        "random.bin": "",
        "truncated.sgm": "",
        "nobody.html": "",
    }


def test_hostile_files_are_skipped_one_by_one(corpus: Path, tmp_path: Path) -> None:
    expected = hostile_files(corpus / "bad")
    (corpus / "bad" / "latin1.txt").write_bytes(
        "Z\xfcrich bankers met on Monday. Prices fell, dealers said.".encode("latin-1")
    )
    (corpus / "bad" / "invalid-utf8.txt").write_bytes(
        b"Traders in Caf\xe9 markets \xff\xfe said prices rose on Tuesday."
    )
    index_dir = str(tmp_path / "index")
    report = index_paths([str(corpus)], index_dir)
    skipped = {Path(s.origin).name: s.reason for s in report.skipped}
    assert set(skipped) == set(expected), skipped
    for name, word in expected.items():
        assert word in skipped[name].lower() and skipped[name], (name, skipped[name])
    # Every good document made it: 6 from the corpus and the two odd encodings.
    assert report.documents_total == 8
    titles = " ".join(d["body"] for d in stored_docs(Path(index_dir)))
    assert "Zürich bankers" in titles
    # Unchanged bad files are reported again without being read again.
    again = index_paths([str(corpus)], index_dir)
    assert {Path(s.origin).name for s in again.skipped} == set(expected)
    assert again.indexed == 0


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NEWSEARCH, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_exit_status_and_json_report(corpus: Path, tmp_path: Path) -> None:
    index_dir = str(tmp_path / "index")
    clean = run_cli("index", str(corpus), "--index", index_dir, "--json", "--no-progress")
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout)["indexed"] == 6
    hostile_files(corpus / "bad")
    partial = run_cli("index", str(corpus), "--index", index_dir, "--no-progress")
    assert partial.returncode == 1, partial.stdout + partial.stderr
    assert "skipped" in partial.stdout and "image.png" in partial.stdout
    missing = run_cli("search", "harvest", "--index", str(tmp_path / "nowhere"))
    assert missing.returncode == 3 and "no index" in missing.stderr
    bad_query = run_cli("search", '"unbalanced', "--index", index_dir)
    assert bad_query.returncode == 2 and "quote" in bad_query.stderr
    found = run_cli("search", "harvest", "--index", index_dir, "--json")
    assert found.returncode == 0 and json.loads(found.stdout)["total"] == 5


def test_cli_waits_for_a_running_indexer(corpus: Path, tmp_path: Path) -> None:
    index_dir = str(tmp_path / "index")
    with index_lock(index_dir, timeout=1):
        busy = run_cli("index", str(corpus), "--index", index_dir, "--wait", "0.5")
    assert busy.returncode == 3
    assert "another `newsearch index` is writing" in busy.stderr
    assert "Traceback" not in busy.stderr


def test_a_closed_output_pipe_is_not_an_error(corpus: Path, tmp_path: Path) -> None:
    """``newsearch stats | head -1``: the reader leaves early; no error message."""
    index_dir = str(tmp_path / "index")
    assert run_cli("index", str(corpus), "--index", index_dir, "--no-progress").returncode == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: the first write fails with EPIPE
    try:
        stats = subprocess.run(
            [*NEWSEARCH, "stats", "--index", index_dir],
            cwd=REPO,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert stats.returncode == 141, stats.stderr
    assert stats.stderr == ""


def test_every_command_has_help() -> None:
    for command in ("index", "search", "stats", "serve"):
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "--index" in result.stdout, command
