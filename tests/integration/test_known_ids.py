"""The duplicate-id check of an incremental run: term lookups and the id set agree.

A small run on a big index looks its ids up in the index instead of reading
the whole id lexicon (:class:`indexer.pipeline.KnownIds`); both ways must
keep exactly one document per id, the last one written.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage

from indexer import pipeline
from indexer.pipeline import KnownIds, index_paths
from indexer.store import current_directory


def _write(path: Path, *stories: tuple[int, str]) -> None:
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"story-{n}",
                    "title": title,
                    "body": f"Farmers reported harvest figures for week {n}. Prices were steady.",
                    "date": f"2021-05-{n:02d}",
                }
            )
            for n, title in stories
        )
        + "\n",
        encoding="utf-8",
    )


def _titles(index_dir: Path) -> list[tuple[str, str]]:
    directory = current_directory(str(index_dir))
    assert directory is not None
    with FileStorage(directory).open_index("MAIN").searcher() as searcher:
        return sorted((d["id"], d["title"]) for d in searcher.all_stored_fields())


@pytest.mark.parametrize(("cost", "mode"), [(0.0, "lookup"), (1e12, "set")])
def test_a_second_run_replaces_an_id_it_repeats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cost: float, mode: str
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    index_dir = tmp_path / "index"
    _write(corpus / "a.jsonl", (1, "Harvest one"), (2, "Harvest two"), (3, "Harvest three"))
    index_paths([str(corpus)], str(index_dir), workers=1)

    modes: list[str] = []
    held = KnownIds.already_held

    def spy(self: KnownIds, reader: object, batch_ids: set[str]) -> set[str]:
        found = held(self, reader, batch_ids)
        modes.append(self.mode)
        return found

    monkeypatch.setattr(pipeline, "LOOKUP_COST", cost)
    monkeypatch.setattr(KnownIds, "already_held", spy)
    _write(corpus / "b.jsonl", (2, "Harvest two, corrected"), (4, "Harvest four"))
    report = index_paths([str(corpus)], str(index_dir), workers=1)

    assert modes == [mode]
    assert report.duplicates == 1
    assert _titles(index_dir) == [
        ("story-1", "Harvest one"),
        ("story-2", "Harvest two, corrected"),
        ("story-3", "Harvest three"),
        ("story-4", "Harvest four"),
    ]


def _reader(index_dir: Path) -> object:
    directory = current_directory(str(index_dir))
    assert directory is not None
    return FileStorage(directory).open_index("MAIN").reader()


def test_known_ids_answer_as_the_set_of_ids_did(tmp_path: Path) -> None:
    """Ids read from the lexicon and ids added by a batch are held; others are not;
    what is kept is one 64-bit hash per distinct id."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus / "a.jsonl", (1, "Harvest one"), (2, "Harvest two"))
    index_paths([str(corpus)], str(tmp_path / "index"), workers=1)
    reader = _reader(tmp_path / "index")
    try:
        known = KnownIds(empty=False)
        # The lexicon is read (the lookup would cost more than reading it).
        assert known.already_held(reader, {"story-2", "story-3", "story-4"}) == {"story-2"}
        assert known.mode == "set"
        assert len(known) == 4  # story-1 and story-2 from the lexicon, 3 and 4 added
        # story-3 was added by that batch: its next copy is held only once the index has it.
        assert known.already_held(reader, {"story-1", "story-3"}) == {"story-1"}
        assert len(known) == 4
    finally:
        reader.close()  # type: ignore[attr-defined]


def test_a_hash_that_matches_is_confirmed_in_the_index(tmp_path: Path) -> None:
    """A hash collision (simulated: a hash known for an id the index lacks) never
    counts an id as held, so no story is dropped as a duplicate of nothing."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus / "a.jsonl", (1, "Harvest one"))
    index_paths([str(corpus)], str(tmp_path / "index"), workers=1)
    reader = _reader(tmp_path / "index")
    try:
        known = KnownIds(empty=True)
        known._hashes = np.sort(np.array([hash("story-1"), hash("story-9")], dtype=np.int64))
        assert known.already_held(reader, {"story-1", "story-9"}) == {"story-1"}
    finally:
        reader.close()  # type: ignore[attr-defined]
