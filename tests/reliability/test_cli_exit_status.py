"""The CLI's expected failures get their own message and exit status (issue 17).

* a full disk (a real tmpfs of 1 MB, mounted in a private mount namespace
  with ``unshare``) exits 5 with a message saying so, and the index keeps its
  last commit (here: none, an empty index that ``stats`` reads calmly);
* an unexpected error (a file size limit, ``RLIMIT_FSIZE``: EFBIG) exits 4;
  ``-v`` shows its traceback, without ``-v`` there is none;
* ``serve`` on a port already taken says so and exits 2.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from reliability_support import NEWSEARCH, REPO, cli_env, run_cli


def write_corpus(root: Path, files: int = 4, per_file: int = 500) -> Path:
    """About 5 MB of JSON Lines stories: an index of several MB."""
    root.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        with (root / f"f{f}.jsonl").open("w", encoding="utf-8") as handle:
            for n in range(per_file):
                body = " ".join(f"word{(n * 7 + k) % 997} cargo{k % 13} port" for k in range(120))
                story = {"id": f"d{f}-{n}", "title": f"Report {f} {n}", "body": body}
                handle.write(json.dumps(story) + "\n")
    return root


def can_mount_tmpfs() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def require_tmpfs() -> None:
    if not can_mount_tmpfs():
        message = "mounting a small tmpfs needs unshare -m (root or user namespaces)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true requires it", pytrace=False)
        pytest.skip(message)


@pytest.mark.slow  # indexes 5 MB in a subprocess
def test_a_full_disk_has_its_own_message_and_exit_status(tmp_path: Path) -> None:
    require_tmpfs()
    corpus = write_corpus(tmp_path / "corpus")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    index_dir = mount / "index"
    args = " ".join([*NEWSEARCH, "index", str(corpus), "--index", str(index_dir), "--no-progress"])
    stats = " ".join([*NEWSEARCH, "stats", "--index", str(index_dir)])
    script = (
        f'mount -t tmpfs -o size=1m tmpfs {mount} && {{ {args}; echo "index-exit=$?"; '
        f'{stats}; echo "stats-exit=$?"; }}'
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        cwd=REPO,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(f"\n{run.stdout}{run.stderr}")
    assert "index-exit=5" in run.stdout, run.stdout + run.stderr
    assert "the disk is full" in run.stderr and "Traceback" not in run.stderr
    assert "unexpected error" not in run.stderr
    # The first run committed nothing but the empty index it began with.
    assert "stats-exit=0" in run.stdout and "0 documents" in run.stdout


def _small_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


@pytest.mark.slow  # indexes 5 MB in a subprocess
@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_an_unexpected_error_shows_its_traceback_with_v_only(tmp_path: Path, verbose: bool) -> None:
    corpus = write_corpus(tmp_path / "corpus", files=2)
    args = [*NEWSEARCH, *(["-v"] if verbose else []), "index", str(corpus)]
    run = subprocess.run(
        [*args, "--index", str(tmp_path / "index"), "--no-progress", "--workers", "1"],
        cwd=REPO,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=_small_file_limit,
    )
    assert run.returncode == 4, run.stderr[-2000:]
    assert "unexpected error (OSError" in run.stderr and "File too large" in run.stderr
    if verbose:
        assert "Traceback (most recent call last)" in run.stderr, run.stderr[-2000:]
    else:
        assert "Traceback" not in run.stderr and "run with -v" in run.stderr


def test_serve_on_a_taken_port_says_so(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_cli("serve", "--index", str(tmp_path / "index"), "--port", str(port), timeout=60)
    assert run.returncode == 2, run.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr and "Traceback" not in run.stderr
