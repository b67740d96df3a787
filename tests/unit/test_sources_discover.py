"""discover(): a deterministic, loop-proof walk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.sources import FoundFile, SkippedFile, discover


def _paths(items: list[FoundFile | SkippedFile], root: Path) -> list[str]:
    return [os.path.relpath(item.path, root) for item in items if isinstance(item, FoundFile)]


def _skipped(items: list[FoundFile | SkippedFile], root: Path) -> dict[str, str]:
    return {
        os.path.relpath(item.path, root): item.reason
        for item in items
        if isinstance(item, SkippedFile)
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.txt").write_text("z")
    (tmp_path / "a" / "y.html").write_text("y")
    (tmp_path / "b" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "b" / "deep" / "er" / "x.sgm").write_text("x")
    (tmp_path / "c.jsonl").write_text("{}")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "secret.txt").write_text("s")
    (tmp_path / "a" / ".dotfile.txt").write_text("d")
    return tmp_path


def test_walk_is_recursive_sorted_and_skips_hidden_names(tree: Path) -> None:
    items = list(discover([str(tree)]))
    assert _paths(items, tree) == ["a/y.html", "a/z.txt", "b/deep/er/x.sgm", "c.jsonl"]
    assert _skipped(items, tree) == {}
    assert list(discover([str(tree)])) == items  # deterministic


def test_found_files_carry_stat_values_and_unresolved_paths(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    found = list(discover(["a"]))
    assert [item.path for item in found] == [
        os.path.join("a", "y.html"),
        os.path.join("a", "z.txt"),
    ]
    st = os.stat(tree / "a" / "y.html")
    assert found[0] == FoundFile(os.path.join("a", "y.html"), st.st_size, st.st_mtime_ns)


def test_explicit_paths_in_the_given_order_even_hidden(tree: Path) -> None:
    items = list(discover([str(tree / "c.jsonl"), str(tree / ".hidden" / "secret.txt")]))
    assert _paths(items, tree) == ["c.jsonl", ".hidden/secret.txt"]


def test_a_file_reached_twice_is_yielded_once(tree: Path) -> None:
    os.symlink(tree / "a" / "z.txt", tree / "link-to-z.txt")
    os.link(tree / "c.jsonl", tree / "hardlink.jsonl")
    items = list(discover([str(tree), str(tree / "a")]))
    assert _paths(items, tree) == ["a/y.html", "a/z.txt", "b/deep/er/x.sgm", "c.jsonl"]


def test_symlinks_to_files_are_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "doc.txt").write_text("doc")
    (tmp_path / "walk").mkdir()
    os.symlink(tmp_path / "real" / "doc.txt", tmp_path / "walk" / "alias.txt")
    items = list(discover([str(tmp_path / "walk")]))
    assert _paths(items, tmp_path) == ["walk/alias.txt"]
    assert items[0].size == 3


def test_link_loops_and_broken_links_are_reported(tree: Path) -> None:
    os.symlink(tree, tree / "b" / "up")  # a directory link to an ancestor
    os.symlink(tree / "loop", tree / "loop")  # a link to itself
    os.symlink(tree / "missing.txt", tree / "broken.txt")
    items = list(discover([str(tree)]))
    assert _paths(items, tree) == ["a/y.html", "a/z.txt", "b/deep/er/x.sgm", "c.jsonl"]
    assert _skipped(items, tree) == {
        "b/up": "symbolic link loop (points to an ancestor directory)",
        "loop": "symbolic link loop",
        "broken.txt": "broken symbolic link",
    }


def test_a_directory_reached_twice_is_walked_once(tree: Path) -> None:
    os.symlink(tree / "b", tree / "a" / "b-again")
    items = list(discover([str(tree)]))
    assert _paths(items, tree) == ["a/b-again/deep/er/x.sgm", "a/y.html", "a/z.txt", "c.jsonl"]


def test_special_files_and_missing_paths(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    items = list(discover([str(tmp_path), str(tmp_path / "nope.txt")]))
    assert _skipped(items, tmp_path) == {
        "pipe": "not a regular file (named pipe)",
        "nope.txt": "no such file or directory",
    }


def test_unreadable_directories_and_files(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_scandir, real_access = os.scandir, os.access

    def scandir(path: str) -> object:
        if str(path).endswith("deep"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def access(path: str, mode: int) -> bool:
        return not str(path).endswith("z.txt") and real_access(path, mode)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "access", access)
    items = list(discover([str(tree)]))
    assert _paths(items, tree) == ["a/y.html", "c.jsonl"]
    assert _skipped(items, tree) == {"a/z.txt": "permission denied", "b/deep": "permission denied"}


def test_deep_trees_do_not_hit_the_recursion_limit(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(400):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "leaf.txt").write_text("leaf")
    items = list(discover([str(tmp_path)]))
    assert len(items) == 1
    assert items[0].path.endswith("leaf.txt")
