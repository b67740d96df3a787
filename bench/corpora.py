"""Corpora and indexes shared by the benchmarks (kept under ``bench/out/``).

* ``reuters_files()``: the 22 SGML files of Reuters-21578, read in place from
  ``../shared/corpora/reuters21578`` (never copied into the repository).
* ``tenfold_files()``: the 10x corpus: every Reuters story ten times, with new
  ids and its date shifted by whole years (copy k shifts 1987 to 1987 + k),
  written once to ``bench/out/reuters-10x/`` (git-ignored).
* ``hundredfold_files()``: the 100x corpus (2,157,800 stories, ~2.7 GB), made
  the same way (copy k: ids + k * 1,000,000, 1987 -> 1987 + k up to 2026,
  then back from 1986 to 1927, so every date is one the extractor accepts;
  indexes built before stop 20 used 1987 + k for every copy and left the
  copies past 2027 undated) but written OUTSIDE the repository, to
  ``$NEWSEARCH_BENCH_DATA`` (default ``/work/bench-data``), after checking
  that the disk has room for it and its index (``python bench/corpora.py
  100x`` builds it and prints the space it needs first).
* ``newsearch_index(name, files)``: an index built by the real pipeline,
  reused when it exists.
* ``baseline_index(name, source)``: the same articles in a plain Whoosh index
  as its documentation would have you build it (stemming analyzer, DATETIME,
  KEYWORD facets), for the naive baseline.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OUT = REPO / "bench" / "out"
REUTERS = Path(
    os.environ.get("NEWSEARCH_REUTERS_DIR", REPO.parent / "shared" / "corpora" / "reuters21578")
)
TENFOLD = 10
HUNDREDFOLD = 100
#: Where corpora and indexes too big for ``bench/out/`` live: outside the
#: repository, never in git (the 100x corpus and index take ~10 GB).
BENCH_DATA = Path(os.environ.get("NEWSEARCH_BENCH_DATA", "/work/bench-data"))
#: Bytes of index per byte of Reuters SGML, measured at 1x (70 MB of index
#: for 27 MB of SGML), with room for a merge writing a copy of its inputs.
INDEX_BYTES_PER_INPUT_BYTE = 2.6 * 2


def reuters_files() -> list[Path]:
    files = sorted(REUTERS.glob("reut2-*.sgm"))
    if len(files) != 22:
        sys.exit(f"Reuters-21578 not found in {REUTERS} (set NEWSEARCH_REUTERS_DIR)")
    return files


_NEWID = re.compile(rb'NEWID="(\d+)"')
_YEAR = re.compile(rb"(<DATE>\s*\d{1,2}-[A-Za-z]{3}-)1987")


def tenfold_files() -> list[Path]:
    """The 10x corpus (215,780 stories), generated on first use."""
    return _copies(OUT / "reuters-10x", TENFOLD)


def hundredfold_files() -> list[Path]:
    """The 100x corpus (2,157,800 stories) under ``BENCH_DATA``, generated on first use."""
    target = BENCH_DATA / "reuters-100x"
    check_space(target, HUNDREDFOLD)
    return _copies(target, HUNDREDFOLD)


def space_needed(copies: int, with_index: bool = True) -> int:
    """Bytes the corpus of ``copies`` copies (and, by default, its index) will take."""
    source = sum(path.stat().st_size for path in reuters_files())
    corpus = source * copies
    return corpus + (int(corpus * INDEX_BYTES_PER_INPUT_BYTE) if with_index else 0)


def check_space(target: Path, copies: int) -> None:
    """Refuse (exit with a message) when the disk lacks room for corpus and index.

    Files already written count as done, so a half-built corpus resumes.
    """
    needed = space_needed(copies)
    if target.exists():
        needed -= sum(path.stat().st_size for path in target.glob("*.sgm"))
    probe = target if target.exists() else target.parent
    while not probe.exists():
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    print(
        f"{target}: {copies}x Reuters needs ~{needed / 1e9:.1f} GB more "
        f"(corpus and index); {free / 1e9:.1f} GB free",
        flush=True,
    )
    if needed > free:
        sys.exit(
            f"not enough disk for the {copies}x corpus in {target}: needs ~{needed / 1e9:.1f} GB, "
            f"{free / 1e9:.1f} GB free (set NEWSEARCH_BENCH_DATA to another disk)"
        )


#: Copies whose shifted year stays in the past. The date extractor refuses
#: years after next year (a future date is an extraction error), so copy 40
#: of 1987 (2027) would be indexed undated: later copies go back in time.
FORWARD_COPIES = 40


def copy_year(copy: int) -> int:
    """The year copy ``copy`` moves 1987 to: 1987-2026 forward, then 1986 back to 1927."""
    return 1987 + copy if copy < FORWARD_COPIES else 1987 + FORWARD_COPIES - 1 - copy


def _copies(target: Path, copies: int) -> list[Path]:
    """Every Reuters file ``copies`` times: copy k has ids + k * 1,000,000, 1987 -> copy_year(k).

    Copies past :data:`FORWARD_COPIES` carry their year in the file name, so a
    corpus written by the old scheme (1987 + k for every k, which left 56% of
    the 100x stories undated) is not mistaken for the new one.
    """
    files = []
    for copy in range(copies):
        year = copy_year(copy)
        suffix = "" if copy < FORWARD_COPIES else f"-y{year}"
        for source in reuters_files():
            path = target / f"{source.stem}-x{copy}{suffix}.sgm"
            files.append(path)
            if path.exists():
                continue
            target.mkdir(parents=True, exist_ok=True)
            data = source.read_bytes()
            offset = copy * 1_000_000
            data = _NEWID.sub(lambda m, o=offset: b'NEWID="%d"' % (int(m.group(1)) + o), data)
            data = _YEAR.sub(lambda m, y=year: m.group(1) + b"%d" % y, data)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.rename(path)
    return files


def newsearch_index(name: str, files: list[Path], workers: int | None = None) -> str:
    """Path of a newsearch index of ``files`` (built by the pipeline if missing)."""
    from indexer.pipeline import index_paths
    from indexer.store import current_version

    directory = OUT / f"{name}-index"
    if current_version(str(directory)) is None:
        print(f"building {directory} from {len(files)} files ...", flush=True)
        started = time.perf_counter()
        report = index_paths([str(f) for f in files], str(directory), workers=workers)
        print(
            f"  {report.documents_total:,} documents in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return str(directory)


def baseline_schema():  # type: ignore[no-untyped-def]
    """Plain Whoosh, as its documentation suggests."""
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    keyword = {"stored": True, "commas": True, "scorable": True, "sortable": True}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True, analyzer=StemmingAnalyzer()),
        body=fields.TEXT(stored=True, analyzer=StemmingAnalyzer()),
        date=fields.DATETIME(stored=True, sortable=True),
        dateline=fields.KEYWORD(**keyword),
        people=fields.KEYWORD(**keyword),
        organizations=fields.KEYWORD(**keyword),
        places=fields.KEYWORD(**keyword),
        topics=fields.KEYWORD(**keyword),
        source=fields.KEYWORD(**keyword),
    )


def baseline_index(name: str, source_index: str) -> str:
    """A plain-Whoosh index holding the articles of ``source_index``."""
    from datetime import datetime

    from whoosh import index

    directory = OUT / f"{name}-baseline"
    if index.exists_in(str(directory)):
        return str(directory)
    from indexer.store import open_readonly

    print(f"building the plain-Whoosh baseline {directory} ...", flush=True)
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(directory), baseline_schema())
    source, _ = open_readonly(source_index)
    writer = ix.writer(procs=2, limitmb=256, multisegment=True)

    def joined(value: object) -> str:
        values = value if isinstance(value, tuple | list) else ([value] if value else [])
        return ",".join(str(v).replace(",", " ") for v in values)

    with source.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            date = fields.get("date")
            try:
                moment = datetime.fromisoformat(date[:19]) if date else None
            except ValueError:
                moment = None
            doc = {
                "id": fields["id"],
                "title": fields.get("title") or "",
                "body": fields.get("body") or "",
                "dateline": joined(fields.get("dateline")),
                "people": joined(fields.get("people")),
                "organizations": joined(fields.get("organizations")),
                "places": joined(fields.get("places")),
                "topics": joined(fields.get("topics")),
                "source": joined(fields.get("source")),
            }
            if moment is not None:
                doc["date"] = moment
            writer.add_document(**doc)
    writer.commit()
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return str(directory)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build the 10x or 100x Reuters corpus.")
    parser.add_argument("scale", choices=["10x", "100x"])
    args = parser.parse_args()
    built = tenfold_files() if args.scale == "10x" else hundredfold_files()
    print(f"{len(built)} files in {built[0].parent}")
