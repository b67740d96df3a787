"""SIGKILL the real indexer at several points of a Reuters-21578 run; nothing is lost.

What it proves: an indexer killed while parsing, while writing segments,
during a commit (before and after its table of contents lands) or at a
random moment leaves an index that opens, holds exactly what it held at the
last completed commit (compared with a census taken while the indexer was
stopped at the kill point), and only whole files: every file the index
holds has all of its stories (per-file counts against the SGML). Runs are
chained on one index, each killed somewhere new, then a last run completes:
it converges to all 21,578 stories with no duplicates and no lost lock.

The kill points are reached with a checkpoint hook (paused_indexer.py, installed on
``indexer.writer.pause_point``); small batches (``NEWSEARCH_BATCH_BYTES``)
give several commits per run.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from reliability_support import (
    REPO,
    Census,
    Indexer,
    Server,
    census,
    run_cli,
    stored_documents,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

#: About three Reuters files per commit.
BATCH_BYTES = "3000000"
#: (pause point, what is happening there). Counts are per process: workers
#: count parse/write/segment, the parent counts its commits.
KILL_POINTS = (
    ("parse:3", "parsing: a worker has parsed its third file, written nothing of it"),
    ("write:4", "writing: a worker has added a file's documents to an open segment"),
    ("segment:2", "writing: a worker's segments are complete, not yet committed"),
    ("before_toc:2", "committing: merged segment written, table of contents not"),
    ("after_toc:2", "committing: table of contents renamed into place, old files still there"),
)
TOTAL = 21_578


def sgml_truth(files: list[Path]) -> dict[str, Counter[str]]:
    """Story ids per file, read from the SGML itself."""
    truth = {}
    for path in files:
        text = path.read_bytes().decode("latin-1")
        truth[str(path)] = Counter(f"reuters-{n}" for n in re.findall(r'NEWID="(\d+)"', text))
    return truth


def check_whole_files(state: Census, truth: dict[str, Counter[str]]) -> None:
    """Every file in the index is there with all its stories, and only once."""
    assert state.duplicates == 0, [i for i, n in state.ids.items() if n > 1][:5]
    assert set(state.per_path) == state.manifest, "documents and manifest disagree"
    expected: Counter[str] = Counter()
    for path in state.per_path:
        assert state.per_path[path] == sum(truth[path].values()), (path, state.per_path[path])
        expected.update(truth[path])
    assert state.ids == expected
    assert state.documents == sum(state.per_path.values())


def run_until_killed(files: list[str], index_dir: Path, pause: str | None) -> tuple[Census, str]:
    """Start an indexer, stop it at ``pause`` (or at a random moment), census, SIGKILL."""
    indexer = Indexer(
        [*files, "--index", str(index_dir), "--workers", "2"],
        pause=pause,
        NEWSEARCH_BATCH_BYTES=BATCH_BYTES,
    )
    try:
        if pause is None:
            indexer.wait_for_progress(timeout=300)
            time.sleep(random.uniform(0.2, 3.0))
            assert indexer.process.poll() is None, "the run ended before the kill"
            indexer.kill()
            return census(index_dir), "random moment after progress"
        reached = indexer.wait_for_pause(timeout=600)
        assert reached, f"run ended without reaching {pause}: {''.join(indexer.stderr_lines)}"
        # Readers can open the index while a writer is stopped anywhere.
        at_pause = census(index_dir)
        indexer.kill()
        return at_pause, indexer.pause_match.group(0) if indexer.pause_match else pause
    finally:
        indexer.kill()


@pytest.mark.reuters
@pytest.mark.slow
def test_sigkill_anywhere_loses_nothing_and_a_rerun_converges(
    reuters_dir: Path, tmp_path: Path
) -> None:
    sgm = sorted(reuters_dir.glob("reut2-*.sgm"))
    files = [str(p.resolve()) for p in sgm]
    truth = sgml_truth([p.resolve() for p in sgm])
    assert sum(sum(c.values()) for c in truth.values()) == TOTAL
    index_dir = tmp_path / "index"
    before: Census | None = None
    kills = []
    for pause, what in (*KILL_POINTS, (None, "random")):
        at_kill, where = run_until_killed(files, index_dir, pause)
        after = census(index_dir)
        # Exactly the last completed commit: what a reader saw at the kill point.
        assert after.ids == at_kill.ids, (where, after.documents, at_kill.documents)
        check_whole_files(after, truth)
        if before is not None:
            lost = set(before.ids) - set(after.ids)
            assert not lost, f"{len(lost)} documents of earlier commits lost at {where}"
        kills.append((where, what, len(after.per_path), after.documents))
        before = after
    print("\nkill point | files | documents after the kill")
    for where, what, nfiles, ndocs in kills:
        print(f"  {where} ({what}): {nfiles} files, {ndocs} documents")

    final = run_cli(
        "index",
        *files,
        "--index",
        str(index_dir),
        "--json",
        "--no-progress",
        "--wait",
        "0",
        timeout=900,
    )
    assert final.returncode == 0, final.stdout[-2000:] + final.stderr[-3000:]
    report = json.loads(final.stdout)
    state = census(index_dir)
    check_whole_files(state, truth)
    assert state.documents == TOTAL and len(state.ids) == TOTAL
    assert report["indexed"] == TOTAL - (before.documents if before else 0)
    assert report["duplicates"] == 0 and report["skipped"] == []
    print(f"converged: {state.documents} documents, 0 duplicates, {report['commits']} commits")


def test_a_kill_right_after_a_commit_leaves_no_duplicate_ids(tmp_path: Path) -> None:
    """Duplicate ids are resolved inside the commit that adds them, not in a later one.

    Files carrying the same ids are written in parallel; were the older copies
    deleted by a second commit, a kill between the two would leave both
    copies for good (a re-run sees unchanged files and does nothing).
    """
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b", "c"):
        lines = [
            json.dumps({"id": f"dup-{n}", "title": f"Copy from {name}", "body": f"Story {n}."})
            for n in range(50)
        ]
        (corpus / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    at_kill, where = run_until_killed([str(corpus)], index_dir, "after_toc:1")
    after = census(index_dir)
    assert at_kill.duplicates == 0 and after.duplicates == 0, where
    assert after.ids == at_kill.ids and len(after.ids) == 50
    rerun = run_cli("index", str(corpus), "--index", str(index_dir), "--json", "--no-progress")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    final = census(index_dir)
    assert final.duplicates == 0 and len(final.ids) == 50
    titles = {d["title"] for d in stored_documents(index_dir)}
    assert titles == {"Copy from c"}


def _story_files(corpus: Path, names: str, stories: int = 40) -> None:
    corpus.mkdir(exist_ok=True)
    for name in names:
        lines = [
            json.dumps({"id": f"{name}-{n}", "title": f"Story {n} of {name}", "body": f"Text {n}."})
            for n in range(stories)
        ]
        (corpus / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_ctrl_c_stops_the_workers_quietly_and_keeps_the_last_commit(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) mid-run.

    The run stops at once with exit status 130 and one line saying the index
    keeps its last commit: no worker's traceback, no process left behind, the
    stories committed before are all there, and a re-run finishes the job.
    """
    corpus = tmp_path / "corpus"
    index_dir = tmp_path / "index"
    _story_files(corpus, "ab")
    first = run_cli("index", str(corpus), "--index", str(index_dir), "--no-progress")
    assert first.returncode == 0, first.stderr
    committed = census(index_dir)
    assert len(committed.ids) == 80
    _story_files(corpus, "cdef")
    indexer = Indexer([str(corpus), "--index", str(index_dir), "--workers", "2"], pause="parse:1")
    try:
        assert indexer.wait_for_pause(timeout=120), "".join(indexer.stderr_lines)
        os.killpg(indexer.process.pid, signal.SIGINT)
        returncode, _, stderr = indexer.finish(timeout=60)
    finally:
        indexer.kill()
    assert returncode == 130, stderr
    assert "interrupted; the index keeps its last commit" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    with pytest.raises(ProcessLookupError):
        os.killpg(indexer.process.pid, 0)
    assert census(index_dir).ids == committed.ids
    rerun = run_cli("index", str(corpus), "--index", str(index_dir), "--json", "--no-progress")
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["indexed"] == 160
    assert len(census(index_dir).ids) == 240


def _first(directory: Path, pattern: str) -> Path:
    return sorted(directory.glob(pattern))[0]


CORRUPTIONS = {
    "segment file missing": lambda d: _first(d, "*.pst").unlink(),
    "term file truncated": lambda d: os.truncate(_first(d, "*.trm"), 10),
    "table of contents garbage": lambda d: _first(d, "_MAIN_*.toc").write_bytes(os.urandom(300)),
    "table of contents empty": lambda d: _first(d, "_MAIN_*.toc").write_bytes(b""),
    "table of contents missing": lambda d: _first(d, "_MAIN_*.toc").unlink(),
}


@pytest.mark.parametrize("damage", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_a_damaged_index_says_how_to_recover_and_rebuild_recovers(
    tmp_path: Path, damage: str
) -> None:
    sources = [str(REPO / "seeds"), str(REPO / "tests/fixtures/webapp")]
    index_dir = tmp_path / "index"
    built = run_cli("index", *sources, "--index", str(index_dir), "--no-progress")
    assert built.returncode == 0, built.stderr
    documents = census(index_dir).documents
    CORRUPTIONS[damage]((index_dir / "current").resolve())
    for command in (["search", "cocoa"], ["stats"], ["index", *sources, "--no-progress"]):
        result = run_cli(*command, "--index", str(index_dir))
        assert result.returncode == 3, (command, result.stdout, result.stderr)
        assert "cannot be read" in result.stderr and "--rebuild" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    with Server(index_dir, threads=2, wait_healthy=False) as server:
        health = server.get("/healthz")
        assert health.status == 503 and health.json()["error"]["code"] == "index_corrupt"
        assert server.get("/").status == 503
    rebuilt = run_cli("index", *sources, "--rebuild", "--index", str(index_dir), "--no-progress")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert census(index_dir).documents == documents
    assert run_cli("search", "cocoa", "--index", str(index_dir)).returncode == 0
    assert [p.name for p in index_dir.glob("ix-*")] == [(index_dir / "current").resolve().name]


def test_a_killed_rebuild_leaves_the_old_index_serving_and_no_debris(tmp_path: Path) -> None:
    """--rebuild writes a new directory; killed mid-way, the old index is untouched."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in range(6):
        lines = [
            json.dumps({"id": f"rb-{f}-{n}", "title": f"Rebuild {f}", "body": f"Story {f} {n}."})
            for n in range(40)
        ]
        (corpus / f"f{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    first = run_cli("index", str(corpus / "f0.jsonl"), "--index", str(index_dir), "--no-progress")
    assert first.returncode == 0, first.stderr
    before = census(index_dir)
    serving = (index_dir / "current").resolve()
    indexer = Indexer(
        [str(corpus), "--index", str(index_dir), "--rebuild", "--workers", "1"],
        pause="before_toc:3",
        NEWSEARCH_BATCH_BYTES="1",
    )
    try:
        assert indexer.wait_for_pause(timeout=300)
        assert census(index_dir).ids == before.ids
    finally:
        indexer.kill()
    assert (index_dir / "current").resolve() == serving
    assert census(index_dir).ids == before.ids
    assert len(list(index_dir.glob("ix-*"))) == 2  # the half-built one is left behind
    # The next run, rebuild or not, clears the debris under the lock.
    again = run_cli("index", str(corpus), "--index", str(index_dir), "--no-progress")
    assert again.returncode == 0, again.stderr
    assert [p.name for p in index_dir.glob("ix-*")] == [serving.name]
    assert len(census(index_dir).ids) == 6 * 40
