"""Annotated English sets other than Reuters, read in place from ``../shared/corpora/ner/``.

Each set is turned into documents ``(text, mentions)`` where a mention is
``(type, start, end)`` over ``text`` with type ``people``, ``organizations``
or ``places`` (the facets' names). Splits follow each set's SOURCE.md:

* ``gum-news``: the official split (test: 2 Wikinews stories). A mention's
  entity is its Wikipedia identity when it has one (all mentions of "Charles
  Bolden" are one entity), else its minimal text. A linked entity is also
  spelled by its Wikipedia title, as the entity's own name: GUM's minimal
  span sometimes runs over an apposition ("Duke University, located in
  Durham, North Carolina"; ``evaluation.entities.wikipedia_spellings``). Its
  minimal span of an unlinked name can open with the role noun before it
  ("barrister Colin Yeo"): the name without it is a spelling too
  (``evaluation.entities.name_spellings``, applied to every set). An unlinked
  mention of a group ("Ben Chan and Leung Che-cheung", besides a mention of
  each) is named by its members no other mention holds, or dropped
  (``evaluation.entities.group_conjuncts``). A person's minimal span can run
  over a modifier that is a mention of its own ("Raymond Chan of People
  Power"): the name before "of"/"from" is a spelling too
  (``evaluation.entities.name_before_modifier``); so is the name after a
  premodifier that holds one ("CEO of the Refugee Council Enver Solomon":
  ``evaluation.entities.name_after_premodifier``).
* ``gmb``: blocks of 100 sentences hashed into train/dev/test; a block is a
  document. ``per`` -> people, ``org`` -> organizations, ``geo`` -> places;
  ``gpe`` (mostly demonyms) is dropped, as SOURCE.md suggests.
* ``wikigold``: 145 Wikipedia articles hashed into parts; IO tags, a run of
  one tag is one mention; ``MISC`` is dropped.

Scoring (the same for every system, from the distinct names it returns per
document, which is what a facet shows):

* document level: distinct names per document and type. A predicted name is
  right when it matches a gold entity of the type (any of its spellings);
  a gold entity is found when a predicted name matches it. Names match after
  folding case, "the", possessives, punctuation, leading titles and legal
  suffixes; a one-word person name matches a full name with that surname.
* mention level: every occurrence in the text of a predicted name (and, for
  people, of its surname alone) is a predicted mention; it is right when it
  overlaps a gold mention of the same type, and a gold mention is found when
  a right predicted mention overlaps it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha1
from pathlib import Path

NER = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "ner"
TYPES = ("people", "organizations", "places")
SETS = ("gum-news", "gmb", "wikigold")
_GUM_TYPES = {"person": "people", "organization": "organizations", "place": "places"}
_GMB_TYPES = {"per": "people", "org": "organizations", "geo": "places"}
_WIKI_TYPES = {"PER": "people", "ORG": "organizations", "LOC": "places"}
_LEGAL = frozenset("inc co corp corporation ltd plc pty llc lp sa ag nv cos".split())
_TITLES = frozenset(
    """mr mrs ms dr president prime minister secretary general gen senator sen rep governor
    gov chairman chancellor king queen prince princess pope sheikh judge justice professor prof
    sir lord lady ambassador mayor leader chief spokesman spokeswoman vice foreign defense
    defence finance interior deputy former colonel col captain capt lieutenant lt admiral
    commander director administrator pastor reverend rev cardinal bishop archbishop ayatollah
    sergeant sgt officer premier emir sultan""".split()
)


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str
    start: int
    end: int
    #: The entity the mention refers to (a Wikipedia identity or its text).
    entity: str
    #: The entity's Wikipedia title when it has one (gum-news), a spelling of it too.
    title: str = ""


@dataclass(slots=True)
class Document:
    doc_id: str
    text: str
    mentions: list[Mention] = field(default_factory=list)

    def gold(self, kind: str) -> dict[str, set[str]]:
        """entity -> its spellings in this document, for one type."""
        from evaluation.entities import (
            group_conjuncts,
            name_after_premodifier,
            name_before_modifier,
            name_spellings,
            wikipedia_spellings,
        )

        found: dict[str, set[str]] = {}
        spans = [(m.start, m.end) for m in self.mentions if m.kind == kind and m.end > m.start]
        others = [(m.start, m.end) for m in self.mentions if m.kind != kind and m.end > m.start]
        for m in self.mentions:
            if m.kind == kind:
                spelling = self.text[m.start : m.end] or m.entity  # names-only sets
                members = (  # a linked mention names one entity, "and" or not
                    group_conjuncts(self.text, m.start, m.end, spans)
                    if m.end and not m.title
                    else None
                )
                if members is not None:
                    for member in members:  # a group: its names no other mention holds
                        found.setdefault(m.entity, set()).add(member)
                        found[m.entity] |= name_spellings(member)
                    continue
                found.setdefault(m.entity, set()).add(spelling)
                head = (  # a person's only: "Bank of England" is no "Bank"
                    name_before_modifier(self.text, m.start, m.end, others)
                    if m.end and kind == "people"
                    else None
                )
                if head is not None:  # "Raymond Chan of People Power": Raymond Chan
                    found[m.entity] |= {head} | name_spellings(head)
                tail = (  # "CEO of the Refugee Council Enver Solomon": Enver Solomon
                    name_after_premodifier(self.text, m.start, m.end, others)
                    if m.end and kind == "people"
                    else None
                )
                if tail is not None:
                    found[m.entity].add(tail)
                if m.title:
                    found[m.entity] |= wikipedia_spellings(m.title)
                found[m.entity] |= name_spellings(spelling)
        return found


def normalize(name: str) -> str:
    text = re.sub(r"['’]s\b", "", name.casefold())
    text = re.sub(r"[.,'’()\"]", " ", text.replace("&", " and "))
    words = text.split()
    while words and (words[0] == "the" or words[0] in _TITLES) and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL:
        words = words[:-1]
        if len(words) > 1 and words[-1] == "and":
            words = words[:-1]  # "Sears, Roebuck and Co"
    return " ".join(words)


def same(kind: str, predicted: str, gold: str) -> bool:
    a, b = normalize(predicted), normalize(gold)
    if not a or not b:
        return False
    if a == b:
        return True
    if kind == "people" and (" " not in a or " " not in b):
        return a.split()[-1] == b.split()[-1]
    return False


def _part(key: str) -> str:
    h = int(sha1(key.encode("ascii")).hexdigest(), 16) % 10
    return "test" if h == 0 else "dev" if h == 1 else "train"


def _detokenize(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text from CoNLL tokens (no space before punctuation) and each token's offsets."""
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    no_space_after = False
    for token in tokens:
        glue = (
            not pieces
            or no_space_after
            or token in {",", ".", ";", ":", "!", "?", ")", "]", "%", "'s", "n't", "'", "'re"}
            or (token.startswith("'") and len(token) <= 3)
        )
        if not glue:
            pieces.append(" ")
            position += 1
        spans.append((position, position + len(token)))
        pieces.append(token)
        position += len(token)
        no_space_after = token in {"(", "[", "$"}
    return "".join(pieces), spans


def _from_tagged(
    doc_id: str, sentences: list[list[tuple[str, str]]], types: dict[str, str]
) -> Document:
    """One document from tagged sentences (IOB2 or IO tags), sentences joined by spaces."""
    texts: list[str] = []
    mentions: list[Mention] = []
    offset = 0
    for sentence in sentences:
        text, spans = _detokenize([token for token, _ in sentence])
        current: tuple[str, int, int] | None = None
        for (_, tag), (start, end) in zip(sentence, spans, strict=True):
            prefix, _, label = tag.partition("-")
            kind = types.get(label) if tag != "O" else None
            if current and (kind != current[0] or prefix == "B"):
                mentions.append(_mention(current, offset, text))
                current = None
            if kind:
                current = (kind, current[1] if current else start, end)
        if current:
            mentions.append(_mention(current, offset, text))
        texts.append(text)
        offset += len(text) + 1
    return Document(doc_id, " ".join(texts), mentions)


def _mention(current: tuple[str, int, int], offset: int, text: str) -> Mention:
    kind, start, end = current
    return Mention(kind, start + offset, end + offset, normalize(text[start:end]))


def gum_news(part: str) -> list[Document]:
    docs = []
    with (NER / "gum-news" / "gum_news_entities.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            if item["split"] != part:
                continue
            doc = Document(item["doc_id"], item["text"])
            for entity in item["entities"]:
                kind = _GUM_TYPES.get(entity["type"])
                if kind:
                    identity = entity.get("identity") or normalize(entity["min_text"])
                    doc.mentions.append(
                        Mention(
                            kind,
                            entity["min_start"],
                            entity["min_end"],
                            identity,
                            entity.get("identity") or "",
                        )
                    )
            docs.append(doc)
    return docs


def gmb(part: str) -> list[Document]:
    blocks: dict[int, list[list[tuple[str, str]]]] = {}
    number = 0
    with (NER / "gmb" / "ner_dataset.csv").open(encoding="cp1252", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for row in rows:
            if row[0].startswith("Sentence:"):
                number = int(row[0].split(":")[1])
                blocks.setdefault((number - 1) // 100, []).append([])
            if number == 47959:
                continue  # truncated by the spreadsheet's row limit
            blocks[(number - 1) // 100][-1].append((row[1], row[3]))
    return [
        _from_tagged(f"gmb-{block}", [s for s in sentences if s], _GMB_TYPES)
        for block, sentences in sorted(blocks.items())
        if _part(f"gmb-block-{block}") == part
    ]


def wikigold(part: str) -> list[Document]:
    docs: list[list[list[tuple[str, str]]]] = [[[]]]
    with (NER / "wikigold" / "wikigold.conll.txt").open(encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                docs.append([[]])
            elif not line.strip():
                if docs[-1][-1]:
                    docs[-1].append([])
            else:
                token, _, tag = line.rpartition(" ")
                docs[-1][-1].append((token, tag))
    found = []
    for number, sentences in enumerate(docs[:-1], 1):
        if _part(f"wikigold-{number:03d}") == part:
            found.append(
                _from_tagged(f"wikigold-{number}", [s for s in sentences if s], _WIKI_TYPES)
            )
    return found


LOADERS: dict[str, Callable[[str], list[Document]]] = {
    "gum-news": gum_news,
    "gmb": gmb,
    "wikigold": wikigold,
}


@dataclass(slots=True)
class Counts:
    predicted: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0

    def add(self, other: Counts) -> None:
        self.predicted += other.predicted
        self.correct += other.correct
        self.gold += other.gold
        self.found += other.found

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


#: Per type, the predicted names; a name may come with the other spellings
#: it stands for (``"United Kingdom|Britain"``, separated by ``|``): it counts
#: once, and is right when any spelling matches.
Names = dict[str, Sequence[str]]


def score_document(doc: Document, names: Names) -> tuple[dict[str, Counts], dict[str, Counts]]:
    """(document-level, mention-level) counts per type for one document's predicted names."""
    doc_level: dict[str, Counts] = {}
    mention_level: dict[str, Counts] = {}
    for kind in TYPES:
        predicted = [name.split("|") for name in dict.fromkeys(names.get(kind, ()))]
        gold = doc.gold(kind)
        counts = Counts(predicted=len(predicted), gold=len(gold))
        counts.correct = sum(
            any(same(kind, p, g) for p in forms for spellings in gold.values() for g in spellings)
            for forms in predicted
        )
        counts.found = sum(
            any(same(kind, p, g) for forms in predicted for p in forms for g in spellings)
            for spellings in gold.values()
        )
        doc_level[kind] = counts
        mention_level[kind] = _mentions(doc, kind, [p for forms in predicted for p in forms])
    return doc_level, mention_level


def without_agencies(doc: Document) -> tuple[Document, int]:
    """The document without its organization mentions that name a news agency (see
    :func:`evaluation.entities.agency_entities`), and how many agencies it drops."""
    from evaluation.entities import agency_entities

    agencies = agency_entities(
        (m.kind, doc.text[m.start : m.end] or m.entity, m.entity) for m in doc.mentions
    )
    kept = [m for m in doc.mentions if not (m.kind == "organizations" and m.entity in agencies)]
    return Document(doc.doc_id, doc.text, kept), len(agencies)


def _mentions(doc: Document, kind: str, predicted: Iterable[str]) -> Counts:
    spans: set[tuple[int, int]] = set()
    for name in predicted:
        forms = {name}
        if kind == "people" and " " in name:
            forms.add(name.split()[-1])
        for form in forms:
            for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", doc.text):
                spans.add(match.span())
    gold = [(m.start, m.end) for m in doc.mentions if m.kind == kind]
    counts = Counts(predicted=len(spans), gold=len(gold))
    counts.correct = sum(any(s < ge and gs < e for gs, ge in gold) for s, e in spans)
    counts.found = sum(any(s < ge and gs < e for s, e in spans) for gs, ge in gold)
    return counts
