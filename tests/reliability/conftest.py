"""Fixtures of the reliability tests (issue 5): hostile files, crashes, concurrency, web abuse.

These tests run newsearch as a user does, in subprocesses (``python -m
indexer.cli index|serve``), and check what survives. Tests over the whole
Reuters corpus are marked ``reuters``; those that take more than a few
seconds are also marked ``slow`` (``-m "not slow"`` leaves them out).
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: Reuters stories whose DATELINE carries markup, so a real index holds a
#: dateline (and a place) with "<" in it: the web fixtures have none.
DATELINE_PAYLOADS = """\
<REUTERS TOPICS="YES" NEWID="990001">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS>
<TEXT>&#2;
<TITLE>DATELINE PAYLOAD ONE</TITLE>
<DATELINE>    <script>alert(1)</script>, Feb 26 - </DATELINE><BODY>Cocoa dateline payload story.
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="YES" NEWID="990002">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS>
<TEXT>&#2;
<TITLE>DATELINE PAYLOAD TWO</TITLE>
<DATELINE>    &lt;img src=x onerror=alert(1)&gt;, Feb 26 - </DATELINE><BODY>Second payload story.
&#3;</BODY></TEXT>
</REUTERS>
"""


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of seeds/, tests/fixtures/webapp and dateline payloads, built by the CLI."""
    from reliability_support import REPO, run_cli

    base = tmp_path_factory.mktemp("web-index")
    (base / "payloads").mkdir()
    (base / "payloads" / "datelines.sgm").write_text(DATELINE_PAYLOADS, encoding="latin-1")
    index_dir = base / "index"
    built = run_cli(
        "index",
        str(REPO / "seeds"),
        str(REPO / "tests" / "fixtures" / "webapp"),
        str(base / "payloads"),
        "--index",
        str(index_dir),
        "--no-progress",
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return index_dir
