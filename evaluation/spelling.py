"""Spelling quality: does "Did you mean" fix misspelled queries, and leave good ones alone?

Two query sets, both run through :class:`SearchService` exactly as the search
page runs them (the suggestion is the page's ``suggestion``):

* **misspelled** (target: the intended word suggested for >= 80%):

  - generated: ``GENERATED`` body words of the index with df >= ``MIN_DF``
    and at least ``MIN_LENGTH`` letters, drawn with a fixed seed from three
    frequency bands (so rare, middling and common words all appear), each
    given one edit in turn: deletion, insertion, substitution, transposition
    of two neighbouring letters. Inserted and substituted letters are
    keyboard neighbours of the letter they follow or replace, as real typos
    are. An edit that makes another word of the corpus (df >= ``REAL_WORD_DF``,
    ``coffee`` -> ``toffee``) is skipped: "correcting" it would be a guess,
    not a fix;
  - ``COMMON_TYPOS``: common English misspellings (``goverment``,
    ``recieve``...) whose correct form the corpus holds (others are
    dropped and listed);

* **correct** (target: a suggestion for <= 5%): ``CORRECT`` words drawn with
  the same seed from body words with df >= ``MIN_DF``, across frequency
  bands and lengths (3 letters and up); and, reported without a target,
  ``CORRECT`` uncommon words (df 3 to 19), where a rule that corrects the
  corpus's own repeated typos starts to cost false alarms.

``bench/spelling.py`` prints these figures and ``tests/integration/test_spelling.py``
holds the targets, both through this module, so they measure the same way.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from indexer import schema as F
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.snapshot import Snapshot, Vocabulary
from indexer.search.suggest import MIN_COMMON_DF, NEIGHBOURS
from indexer.store import open_readonly

SEED = 20261126
GENERATED = 200
CORRECT = 200
MIN_DF = 20
MIN_LENGTH = 5
#: A typo found in this many documents is a word of the corpus, not a typo.
REAL_WORD_DF = 3
TARGET_CORRECTED = 0.80
TARGET_FALSE_ALARMS = 0.05
EDITS = ("deletion", "insertion", "substitution", "transposition")

#: Common English misspellings -> the intended word.
COMMON_TYPOS: dict[str, str] = {
    "goverment": "government",
    "recieve": "receive",
    "recieved": "received",
    "beleive": "believe",
    "untill": "until",
    "occured": "occurred",
    "seperate": "separate",
    "definately": "definitely",
    "accomodate": "accommodate",
    "wich": "which",
    "tommorow": "tomorrow",
    "acheive": "achieve",
    "adress": "address",
    "agressive": "aggressive",
    "apparantly": "apparently",
    "begining": "beginning",
    "buisness": "business",
    "bussiness": "business",
    "calender": "calendar",
    "comming": "coming",
    "commitee": "committee",
    "completly": "completely",
    "enviroment": "environment",
    "existance": "existence",
    "finaly": "finally",
    "foriegn": "foreign",
    "goverments": "governments",
    "independant": "independent",
    "immediatly": "immediately",
    "knowlege": "knowledge",
    "maintainance": "maintenance",
    "neccessary": "necessary",
    "occassion": "occasion",
    "occurence": "occurrence",
    "posession": "possession",
    "prefered": "preferred",
    "publically": "publicly",
    "realy": "really",
    "reccomend": "recommend",
    "refered": "referred",
    "relevent": "relevant",
    "resistence": "resistance",
    "succesful": "successful",
    "suprise": "surprise",
    "tendancy": "tendency",
    "truely": "truly",
    "arguement": "argument",
    "commision": "commission",
    "excercise": "exercise",
    "futher": "further",
    "happend": "happened",
    "strenght": "strength",
    "thier": "their",
    "writting": "writing",
    "yeild": "yield",
    "agreemnet": "agreement",
    "exchnage": "exchange",
    "compnay": "company",
    "forcast": "forecast",
    "intrest": "interest",
    "barrells": "barrels",
    "petrolium": "petroleum",
    "inflaton": "inflation",
    "economc": "economic",
    "secretery": "secretary",
    "minstry": "ministry",
    "treasurey": "treasury",
    "parliment": "parliament",
    "cofee": "coffee",
    "suger": "sugar",
    "wheet": "wheat",
    "dolar": "dollar",
    "curency": "currency",
    "acquisiton": "acquisition",
    "dividned": "dividend",
    "shareholdres": "shareholders",
    "negociations": "negotiations",
    "responsable": "responsible",
    "similiar": "similar",
    "sucess": "success",
    "threshhold": "threshold",
    "embarass": "embarrass",
    "concensus": "consensus",
    "millenium": "millennium",
    "noticable": "noticeable",
    "persistant": "persistent",
}


@dataclass(frozen=True, slots=True)
class Case:
    """One query and the suggestion expected for it (None: no suggestion)."""

    query: str
    expected: str | None
    kind: str


def misspell(word: str, edit: str, rng: random.Random) -> str:
    """``word`` with one typing error of kind ``edit`` (never the first letter)."""
    i = rng.randrange(1, len(word))
    if edit == "deletion":
        return word[:i] + word[i + 1 :]
    if edit == "insertion":
        extra = rng.choice(sorted(NEIGHBOURS.get(word[i - 1], "e")))
        return word[:i] + extra + word[i:]
    if edit == "substitution":
        options = sorted(c for c in NEIGHBOURS.get(word[i], "e") if c != word[i]) or ["e"]
        return word[:i] + rng.choice(options) + word[i + 1 :]
    i = min(i, len(word) - 2)
    if word[i] == word[i + 1]:
        i = max(1, i - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _banded_sample(
    words: list[str], vocab: Vocabulary, count: int, rng: random.Random
) -> list[str]:
    """``count`` words drawn evenly from three document-frequency bands."""
    ranked = sorted(words, key=lambda w: (vocab.frequency(w), w))
    third = len(ranked) // 3
    bands = [ranked[:third], ranked[third : 2 * third], ranked[2 * third :]]
    picked: list[str] = []
    for n, band in enumerate(bands):
        share = count // 3 + (1 if n < count % 3 else 0)
        picked += rng.sample(band, min(share, len(band)))
    return picked


def generated_cases(vocab: Vocabulary, count: int = GENERATED, seed: int = SEED) -> list[Case]:
    """Misspellings of real body words, one edit each (see the module docstring)."""
    rng = random.Random(seed)
    pool = [
        t
        for t in vocab.common(MIN_DF)
        if len(t) >= MIN_LENGTH and t.isascii() and t.isalpha() and t.islower()
    ]
    cases: list[Case] = []
    for n, word in enumerate(_banded_sample(pool, vocab, count * 2, rng)):
        edit = EDITS[n % len(EDITS)]
        typo = misspell(word, edit, rng)
        if typo == word or vocab.frequency(typo) >= REAL_WORD_DF:
            continue
        cases.append(Case(typo, word, f"generated {edit}"))
        if len(cases) == count:
            break
    return cases


def typo_cases(vocab: Vocabulary) -> tuple[list[Case], list[str]]:
    """The common typos whose correct word the corpus holds, and those dropped.

    A typo the corpus itself repeats (Reuters has "goverment" 8 times) is
    kept: users type it too, and it still deserves the correction.
    """
    kept, dropped = [], []
    for typo, word in COMMON_TYPOS.items():
        if vocab.frequency(word) >= MIN_COMMON_DF:
            kept.append(Case(typo, word, "common typo"))
        else:
            dropped.append(f"{typo}->{word} (df {vocab.frequency(word)})")
    return kept, dropped


def correct_cases(vocab: Vocabulary, count: int = CORRECT, seed: int = SEED) -> list[Case]:
    """Correctly spelled body words (df >= ``MIN_DF``), across frequencies and lengths."""
    rng = random.Random(seed + 1)
    pool = [t for t in vocab.common(MIN_DF) if len(t) >= 3 and t.isascii() and t.islower()]
    return [Case(w, None, "common") for w in _banded_sample(pool, vocab, count, rng)]


def uncommon_cases(vocab: Vocabulary, count: int = CORRECT, seed: int = SEED) -> list[Case]:
    """Body words found in 3 to 19 documents: the band where a suggestion is a judgment call.

    Not a target, a price tag: mostly real words ("lager"), some of them the
    corpus's own repeated typos ("goverment"), so a suggestion here is
    sometimes right. Reported so that a looser rule shows what it costs.
    """
    rng = random.Random(seed + 2)
    pool = [
        t
        for t in vocab.common(REAL_WORD_DF)
        if vocab.frequency(t) < MIN_DF and len(t) >= 3 and t.isascii() and t.islower()
    ]
    return [Case(w, None, "uncommon") for w in _banded_sample(pool, vocab, count, rng)]


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    suggestion: str | None

    @property
    def ok(self) -> bool:
        return self.suggestion == self.case.expected


def suggester(service: SearchService) -> Callable[[str], str | None]:
    """The search page's suggestion for a query, through the service."""

    def suggest(query: str) -> str | None:
        return service.search(parse_search_params({"q": [query]})).suggestion

    return suggest


def measure(suggest: Callable[[str], str | None], cases: Sequence[Case]) -> list[Outcome]:
    return [Outcome(case, suggest(case.query)) for case in cases]


@dataclass(frozen=True, slots=True)
class Report:
    misspelled: list[Outcome]
    correct: list[Outcome]
    uncommon: list[Outcome]
    dropped: list[str]

    @property
    def corrected(self) -> float:
        return sum(o.ok for o in self.misspelled) / max(len(self.misspelled), 1)

    @property
    def false_alarms(self) -> float:
        return sum(o.suggestion is not None for o in self.correct) / max(len(self.correct), 1)


def run(index_dir: str) -> Report:
    """Build the query sets from the index's vocabulary and measure the suggestions."""
    ix, version = open_readonly(index_dir)
    snap = Snapshot(ix, version)
    try:
        vocab = snap.vocabulary(F.BODY)
    finally:
        snap.close()
    service = SearchService(index_dir)
    try:
        typos, dropped = typo_cases(vocab)
        misspelled = generated_cases(vocab) + typos
        suggest = suggester(service)
        return Report(
            measure(suggest, misspelled),
            measure(suggest, correct_cases(vocab)),
            measure(suggest, uncommon_cases(vocab)),
            dropped,
        )
    finally:
        service.close()
