"""A small statistical tagger for the names the rules cannot type.

The rules in :mod:`indexer.extract.entities` type a capitalized name by the
tables (gazetteer, known organizations), a title before it, a given name or
an organization's head word. A name none of them knows ("Udvar-Hazy
Center", "Kleinwort Benson", "Gosport") used to be dropped; this tagger
types it instead, or leaves it out.

It is a linear classifier (multinomial logistic regression with an L2
penalty; four classes: person, organization, place, none) over a few sparse
features of the name and its context: its words, their shapes and endings,
the word before and after it, whether it opens a sentence, whether its first
word is a known given name or a known place. It only sees names the rules
left over (a few per story); on Reuters it costs about a third of the 0.24 ms
CPU per story that issue 12's extraction added (``bench/RESULTS.md``).

The weights live in ``data/span_tagger.tsv`` (trained by
``bench/train_tagger.py`` on the train splits of GUM's news documents and
wikigold; tuned on their dev splits; see the file's header for the data's
licences). They load from the package, never from the network.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources

from indexer.extract.gazetteer import hand_first_names, known_names

__all__ = ["CLASSES", "Context", "SpanTagger", "features", "span_tagger"]

#: (the word before the name, lower-cased; the word after it; whether the
#: name opens a sentence).
Context = tuple[str, str, bool]

#: The classifier's classes, in weight-column order; index 0 is "no entity".
CLASSES = ("none", "person", "organization", "place")
_DATA = "span_tagger.tsv"


@functools.lru_cache(maxsize=65_536)  # words recur across a story's names and across stories
def _shape(token: str) -> str:
    if token.isupper() and len(token) > 1:
        return "AA"
    if any(ch.isdigit() for ch in token):
        return "9"
    if "-" in token:
        return "Aa-"
    if "." in token:
        return "A."
    return "Aa" if token[:1].isupper() else "a"


def features(tokens: Sequence[str], before: str, after: str, initial: bool) -> list[str]:
    """The sparse features of one name in its context (strings, hashed by the dict)."""
    count = min(len(tokens), 4)
    first, last = tokens[0], tokens[-1]
    given = first in hand_first_names()
    place = known_names()["place"].get(last) is not None
    found = [
        "bias",
        f"n={count}",
        f"init={initial}",
        f"init_n={initial}{count}",
        f"first={first.lower()}",
        f"last={last.lower()}",
        f"suf={last[-3:].lower()}",
        f"suf1={first[-3:].lower()}",
        f"shape={'_'.join(_shape(t) for t in tokens[:3])}",
        f"before={before}",
        f"after={after}",
        f"before_n={before}_{count}",
        f"given={given}_{count}",
        f"place_last={place}",
        f"of={'of' in tokens}",
    ]
    found.extend(f"w={token.lower()}" for token in tokens[:6])
    return found


class SpanTagger:
    """Linear scores per class; a name is typed when its best class beats "none" by a margin."""

    def __init__(
        self, weights: dict[str, tuple[float, ...]], margin: float, initial_bias: float = 0.0
    ) -> None:
        self.weights = weights
        self.margin = margin
        #: Taken off the "none" score of a name of two or more words that opens a
        #: sentence. The training text (Wikipedia lists and headings) teaches that
        #: such names are rarely entities; in news they mostly are ("Margit
        #: Halvorsen resigned"). Chosen on held-out news (see bench/train_tagger.py).
        self.initial_bias = initial_bias
        # The same names recur in the same contexts across stories ("Shares"),
        # so decisions are remembered (per tagger, bounded).
        self._decide = functools.lru_cache(maxsize=32_768)(self._classify)

    def scores(self, tokens: Sequence[str], before: str, after: str, initial: bool) -> list[float]:
        """One linear score per class of :data:`CLASSES`."""
        # Plain float sums over the ~20 rows a name has, in feature order: the
        # same values as numpy's row-by-row sum over axis 0 (bit for bit), at a
        # fraction of the cost of a fancy-indexed array per call (issue 16: an
        # HTML page asks ~100 of these).
        none = person = organization = place = 0.0
        row_of = self.weights.get
        for name in features(tokens, before, after, initial):
            row = row_of(name)
            if row is not None:
                none += row[0]
                person += row[1]
                organization += row[2]
                place += row[3]
        totals = [none, person, organization, place]
        if initial and len(tokens) > 1:
            totals[0] -= self.initial_bias
        return totals

    def classify(self, tokens: Sequence[str], before: str, after: str, initial: bool) -> str | None:
        """``"person"``, ``"organization"``, ``"place"`` or ``None`` (not a name, or unsure)."""
        return self._decide(tuple(tokens), before, after, initial)

    def _classify(
        self, tokens: tuple[str, ...], before: str, after: str, initial: bool
    ) -> str | None:
        if not self.weights or not tokens:
            return None
        totals = self.scores(tokens, before, after, initial)
        best = max(range(1, len(CLASSES)), key=totals.__getitem__)
        return CLASSES[best] if totals[best] - totals[0] > self.margin else None


def parse_weights(text: str) -> SpanTagger:
    """A tagger from the data file's text: ``# margin: m``, ``# initial-bias: b`` and
    ``feature<TAB>w0..w3`` lines."""
    weights: dict[str, tuple[float, ...]] = {}
    margin = initial_bias = 0.0
    for line in text.splitlines():
        if line.startswith("# margin:"):
            margin = float(line.split(":", 1)[1])
        if line.startswith("# initial-bias:"):
            initial_bias = float(line.split(":", 1)[1])
        if not line or line.startswith("#"):
            continue
        name, *values = line.split("\t")
        if len(values) == len(CLASSES):
            weights[name] = tuple(float(v) for v in values)
    return SpanTagger(weights, margin, initial_bias)


@functools.cache
def span_tagger() -> SpanTagger:
    """The shipped tagger (an empty one, which types nothing, if the file is missing)."""
    try:
        text = resources.files("indexer.extract").joinpath("data", _DATA).read_text("utf-8")
    except FileNotFoundError:
        return SpanTagger({}, 0.0)
    return parse_weights(text)
