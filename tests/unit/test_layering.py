"""The shape of the code, read from its syntax trees (``ast``): who may use Whoosh's internals.

Only ``indexer/whoosh_internals/`` may import Whoosh's storage, codec,
utility and matcher modules, subclass Whoosh's writers and readers, or touch
a private attribute of a Whoosh object; everything else uses Whoosh's public
API or the typed functions of that package. A Whoosh upgrade is then a
one-package job, and this test says where a shortcut crept in.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INTERNALS = REPO / "indexer" / "whoosh_internals"
#: Whoosh modules whose contents are implementation, not API.
INTERNAL_MODULES = (
    "whoosh.codec",
    "whoosh.filedb",
    "whoosh.util",
    "whoosh.matching",
    "whoosh.system",
)
#: Whoosh modules whose classes are not meant to be extended: writers, readers,
#: searchers, matchers, storage and codecs (analysis filters, formats, query
#: classes and parser plugins are extension points, documented as such).
SEALED_MODULES = (
    "whoosh.writing",
    "whoosh.reading",
    "whoosh.searching",
    "whoosh.index",
    "whoosh.collectors",
    *INTERNAL_MODULES,
)


def checked_modules() -> list[Path]:
    files = sorted((REPO / "indexer").rglob("*.py")) + sorted((REPO / "webapp").rglob("*.py"))
    return [path for path in files if INTERNALS not in path.parents]


@functools.cache
def tree(path: Path) -> ast.Module:
    """The module's syntax tree, parsed once per run (each module meets five checks; none
    changes the tree)."""
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def rel(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"


def imported_modules(module: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module
            for alias in node.names:  # ``from whoosh import codec``
                yield node, f"{node.module}.{alias.name}"


def is_internal(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in INTERNAL_MODULES)


def whoosh_origins(module: ast.Module) -> dict[str, str]:
    """Local names bound to something imported from Whoosh -> its dotted origin."""
    origins: dict[str, str] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            for alias in node.names:
                origins[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "whoosh":
                    local = alias.asname or alias.name.split(".")[0]
                    origins[local] = alias.name if alias.asname else local
    return origins


def base_origin(base: ast.expr, origins: dict[str, str]) -> str | None:
    """Where a class's base comes from (``whoosh.writing.SegmentWriter``), if from Whoosh."""
    root, _, rest = ast.unparse(base).partition(".")
    if root not in origins:
        return None
    return origins[root] + ("." + rest if rest else "")


#: Documented standard-library functions whose names start with an underscore
#: (``os._exit``: leave a forked worker without running the parent's handlers).
PUBLIC_UNDERSCORED = {"os._exit"}


def private_accesses(module: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """``x._name`` on anything but ``self``/``cls``, ``getattr(x, "_name")``, and a
    Whoosh call with a private keyword (``SegmentWriter(ix, _lk=False)``)."""
    origins = whoosh_origins(module)
    for node in ast.walk(module):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if ast.unparse(node) in PUBLIC_UNDERSCORED:
                continue
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                yield node, ast.unparse(node)
        elif isinstance(node, ast.Call):
            func = node.func
            name = node.args[1] if len(node.args) > 1 else None
            if (
                isinstance(func, ast.Name)
                and func.id in ("getattr", "hasattr", "setattr")
                and isinstance(name, ast.Constant)
                and isinstance(name.value, str)
                and _private(name.value)
            ):
                yield node, ast.unparse(node)
            if base_origin(func, origins) is not None:
                for keyword in node.keywords:
                    if keyword.arg and _private(keyword.arg):
                        yield node, ast.unparse(node)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_check_covers_the_code() -> None:
    names = {path.relative_to(REPO).as_posix() for path in checked_modules()}
    assert {"indexer/fastwrite.py", "indexer/writer.py", "indexer/store.py"} <= names
    assert {"indexer/search/postings.py", "indexer/search/snapshot.py", "webapp/views.py"} <= names
    assert not any(name.startswith("indexer/whoosh_internals/") for name in names)


@pytest.mark.parametrize("path", checked_modules(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_whoosh_internal_module_is_imported(path: Path) -> None:
    found = [
        f"{rel(path, node)} {name}"
        for node, name in imported_modules(tree(path))
        if is_internal(name)
    ]
    assert found == [], "import these through indexer.whoosh_internals"


@pytest.mark.parametrize("path", checked_modules(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_private_attribute_of_another_object_is_touched(path: Path) -> None:
    found = [f"{rel(path, node)} {text}" for node, text in private_accesses(tree(path))]
    assert found == [], "private attributes of Whoosh objects belong in indexer.whoosh_internals"


@pytest.mark.parametrize("path", checked_modules(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_only_whoosh_extension_points_are_subclassed(path: Path) -> None:
    module = tree(path)
    origins = whoosh_origins(module)
    found = []
    for node in ast.walk(module):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                origin = base_origin(base, origins)
                if origin and any(origin.startswith(m + ".") for m in SEALED_MODULES):
                    found.append(f"{rel(path, node)} {node.name}({origin})")
    assert found == [], "subclass Whoosh's writers and readers in indexer.whoosh_internals"


def test_subclasses_of_the_internals_only_use_their_own_private_names() -> None:
    """A class built on a writer of ``whoosh_internals`` sees Whoosh's own private
    attributes through ``self``; it may only use private names it defines itself."""
    internal_classes = {"WorkerSegmentWriter", "LockHeldWriter"}
    checked = 0
    for path in checked_modules():
        module = tree(path)
        for node in ast.walk(module):
            if not isinstance(node, ast.ClassDef):
                continue
            if not {ast.unparse(b).split(".")[-1] for b in node.bases} & internal_classes:
                continue
            checked += 1
            own = {
                target.attr
                for sub in ast.walk(node)
                if isinstance(sub, ast.Assign | ast.AnnAssign)
                for target in (sub.targets if isinstance(sub, ast.Assign) else [sub.target])
                if isinstance(target, ast.Attribute)
            } | {sub.name for sub in node.body if isinstance(sub, ast.FunctionDef)}
            used = {
                sub.attr
                for sub in ast.walk(node)
                if isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == "self"
                and _private(sub.attr)
            }
            assert used <= own, f"{rel(path, node)} {node.name} uses {sorted(used - own)}"
    assert checked >= 2  # FastSegmentWriter and ParentWriter


def test_the_checks_catch_what_they_look_for() -> None:
    """The three checks, on a module that breaks each rule once."""
    bad = ast.parse(
        "from whoosh.codec.whoosh3 import W3Codec\n"
        "import whoosh.filedb.structfile\n"
        "from whoosh.writing import SegmentWriter\n"
        "class W(SegmentWriter):\n"
        "    pass\n"
        "reader._terms.matcher(1)\n"
        "getattr(codec, '_compression', 0)\n"
        "SegmentWriter(ix, _lk=False)\n"
    )
    assert [name for _, name in imported_modules(bad) if is_internal(name)] == [
        "whoosh.codec.whoosh3",
        "whoosh.codec.whoosh3.W3Codec",
        "whoosh.filedb.structfile",
    ]
    assert len(list(private_accesses(bad))) == 3
    (cls,) = [node for node in bad.body if isinstance(node, ast.ClassDef)]
    assert base_origin(cls.bases[0], whoosh_origins(bad)) == "whoosh.writing.SegmentWriter"
    extension = ast.parse("from whoosh import query as wq\nclass T(wq.Term):\n    pass\n")
    (term,) = [node for node in extension.body if isinstance(node, ast.ClassDef)]
    assert base_origin(term.bases[0], whoosh_origins(extension)) == "whoosh.query.Term"


def test_the_indexer_imports_the_web_app_only_to_serve_it() -> None:
    """Data flows webapp -> search service -> index; the CLI may start the web app."""
    found = []
    for path in sorted((REPO / "indexer").rglob("*.py")):
        module = tree(path)
        allowed: set[ast.AST] = set()
        if path.name == "cli.py":
            for node in ast.walk(module):
                if isinstance(node, ast.FunctionDef) and node.name == "serve_command":
                    allowed.update(ast.walk(node))
        for node, name in imported_modules(module):
            if name.split(".")[0] == "webapp" and node not in allowed:
                found.append(f"{rel(path, node)} imports {name}")
    assert found == []


def test_tests_do_not_load_bench_scripts() -> None:
    """Benchmarks are scripts; what a test shares with one lives in ``evaluation/``."""
    paths = sorted((REPO / "tests").rglob("*.py")) + sorted((REPO / "evaluation").rglob("*.py"))
    paths.remove(Path(__file__).resolve())
    found = []
    for path in paths:
        module = tree(path)
        for node, name in imported_modules(module):
            if name == "bench" or name.startswith("bench."):
                found.append(f"{rel(path, node)} imports {name}")
        for node in ast.walk(module):
            if isinstance(node, ast.Constant) and _names_a_bench_script(node.value):
                found.append(f"{rel(path, node)} names {node.value!r}")
    assert found == []


def _names_a_bench_script(value: object) -> bool:
    """``"bench"`` (a path part) or ``"bench/x.py"``: how a test would load a script."""
    return isinstance(value, str) and (
        value == "bench" or (value.startswith("bench/") and value.endswith(".py"))
    )
