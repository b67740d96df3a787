"""The held-out scorer's agency-free view (``bench/ner_sets.py``), on a document written here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from indexer.extract.variants import is_agency


def _ner_sets() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "ner_sets.py"
    spec = importlib.util.spec_from_file_location("ner_sets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("ner_sets", module)
    spec.loader.exec_module(module)
    return module


def test_news_agencies_leave_the_gold_and_the_rest_stays() -> None:
    ner = _ner_sets()
    text = "Xinhua said the Qarn Tarn Council met. The Associated Press quoted Xinhua."
    spans = [
        ("organizations", "Xinhua"),
        ("organizations", "Qarn Tarn Council"),
        ("organizations", "Associated Press"),
        ("organizations", "Xinhua"),
    ]
    doc = ner.Document("d", text)
    cursor = 0
    for kind, name in spans:
        start = text.index(name, cursor)
        cursor = start + len(name)
        doc.mentions.append(ner.Mention(kind, start, cursor, ner.normalize(name)))
    bare, dropped = ner.without_agencies(doc, is_agency)
    assert dropped == 2  # two agencies, Xinhua counted once
    assert list(bare.gold("organizations")) == ["qarn tarn council"]
    names = {"organizations": ["Qarn Tarn Council"]}
    assert ner.score_document(doc, names)[0]["organizations"].recall == 1 / 3
    assert ner.score_document(bare, names)[0]["organizations"].recall == 1.0
