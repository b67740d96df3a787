"""Near-duplicate signatures of stories (wire copies), computed at index time.

Wire services re-send a story with a new slug, a correction line or one
changed paragraph, and regional papers reprint it: exact hashes miss these.
Each story gets a MinHash signature over its word shingles:

* the text (title and body) is case-folded and cut into words; every run of
  :data:`SHINGLE` consecutive words is one shingle, hashed to 64 bits
  (CRC-32 of each word, combined with fixed odd multipliers: stable across
  processes and runs, unlike Python's ``hash``);
* for each of :data:`PERMUTATIONS` fixed random hash functions, the smallest
  hash over the shingles is kept. Two stories agree on one of these minima
  with probability equal to the Jaccard similarity of their shingle sets,
  so the share of agreeing positions estimates it.

The signature is stored per document as fixed bytes (a Whoosh column, read
into numpy per segment); :mod:`indexer.search.clusters` groups the stories
from it (LSH banding, then a similarity check). Grouping happens per
committed generation, not here, so a copy that arrives later joins its
original's cluster and deleting a story never leaves a stale cluster id.

Cost: about 30-60 µs per Reuters story (numpy over a few hundred shingles),
measured by ``bench/dedup.py`` against the indexing rate.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

#: Words per shingle. Five is the usual choice for news text: long enough
#: that two different stories rarely share one by chance, short enough
#: that a changed sentence only touches a few.
SHINGLE = 5
#: Hash functions (signature length). 64 estimate a Jaccard similarity
#: within about ±0.06, enough to tell copies (>= 0.6) from related stories.
PERMUTATIONS = 64
#: Bytes per stored signature (uint32 each).
SIGNATURE_BYTES = PERMUTATIONS * 4
#: The stored value of a story without words: never matches anything.
EMPTY_SIGNATURE = b"\x00" * SIGNATURE_BYTES

_WORD_RE = re.compile(r"\w+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _constants() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed multipliers: the same in every process and on every run."""
    rng = np.random.default_rng(20261206)
    position = rng.integers(1, 2**63, size=SHINGLE, dtype=np.uint64) | np.uint64(1)
    mult = rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
    add = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
    return position, mult, add


_POSITION, _MULT, _ADD = _constants()


def words(text: str) -> list[str]:
    """Case-folded words of ``text`` (letters and digits; punctuation dropped)."""
    return _WORD_RE.findall(text.casefold())


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """Distinct 64-bit hashes of the runs of :data:`SHINGLE` words.

    A text shorter than a shingle is one shingle of all its words.

    >>> len(shingle_hashes("a b c d e f".split()))
    2
    """
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    word_hash = np.fromiter(
        (zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=len(tokens)
    )
    width = min(SHINGLE, len(tokens))
    count = len(tokens) - width + 1
    with np.errstate(over="ignore"):
        combined = np.zeros(count, dtype=np.uint64)
        for offset in range(width):
            combined += word_hash[offset : offset + count] * _POSITION[offset]
        combined ^= combined >> np.uint64(31)
    return np.unique(combined)


def signature(title: str, body: str) -> bytes:
    """The MinHash signature of a story: :data:`SIGNATURE_BYTES` bytes.

    Stories without any word get :data:`EMPTY_SIGNATURE` (never clustered).
    """
    hashes = shingle_hashes(words(f"{title}\n{body}"))
    if not len(hashes):
        return EMPTY_SIGNATURE
    with np.errstate(over="ignore"):
        mixed = hashes[:, None] * _MULT[None, :] + _ADD[None, :]
    minima = (mixed >> np.uint64(32)).min(axis=0).astype("<u4")
    # 0 marks "no signature"; a real minimum of 0 becomes 1 (harmless).
    minima[minima == 0] = 1
    return minima.tobytes()


def decode(raw: bytes, count: int) -> np.ndarray:
    """``count`` stored signatures (concatenated bytes) as a (count, PERMUTATIONS) array."""
    return np.frombuffer(raw, dtype="<u4").reshape(count, PERMUTATIONS)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stories' shingle sets (0 for empty ones)."""
    if a == EMPTY_SIGNATURE or b == EMPTY_SIGNATURE:
        return 0.0
    return float(np.mean(decode(a, 1)[0] == decode(b, 1)[0]))
