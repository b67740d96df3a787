"""Near-duplicate signatures of stories (wire copies), computed at index time.

Wire services re-send a story with a new slug, a correction line or one
changed paragraph, and regional papers reprint it: exact hashes miss these.
Each story gets a MinHash signature over its word shingles:

* the text (title and body) is case-folded and cut into words; every run of
  :data:`SHINGLE` consecutive words is one shingle, hashed to 64 bits (a
  polynomial hash of each word's bytes, computed for all words at once with
  numpy prefix sums, combined with fixed odd multipliers: stable across
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

Cost: measured by ``bench/dedup.py`` (CPU µs per Reuters story) against the
indexing rate; no Python loop runs per word.
"""

from __future__ import annotations

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

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _constants() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed multipliers: the same in every process and on every run."""
    rng = np.random.default_rng(20261206)
    position = rng.integers(1, 2**63, size=SHINGLE, dtype=np.uint64) | np.uint64(1)
    mult = rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
    add = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
    return position, mult, add


_POSITION, _MULT, _ADD = _constants()
_SHIFT31 = np.uint64(31)
_SHIFT32 = np.uint64(32)


#: Bytes that belong to a word: ASCII letters, digits, ``_``, and every byte
#: of a multi-byte UTF-8 character (accented and non-Latin letters).
_WORD_BYTE = np.zeros(256, dtype=bool)
for _byte in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _WORD_BYTE[_byte] = True
_WORD_BYTE[0x80:] = True
#: Odd base of the per-word polynomial hash, and its inverse modulo 2**64.
_BASE = np.uint64(0x100000001B3)
_BASE_INVERSE = np.uint64(pow(int(_BASE), -1, 2**64))
_powers: list[np.ndarray] = []


def _power_tables(length: int) -> tuple[np.ndarray, np.ndarray]:
    """``BASE**i`` and ``BASE**-i`` (mod 2**64) for i < length, grown on demand."""
    if not _powers or len(_powers[0]) < length:
        size = max(length, 1 << 14, 2 * len(_powers[0]) if _powers else 0)
        with np.errstate(over="ignore"):
            up = np.cumprod(np.full(size, _BASE, dtype=np.uint64), dtype=np.uint64)
            down = np.cumprod(np.full(size, _BASE_INVERSE, dtype=np.uint64), dtype=np.uint64)
        one = np.ones(1, dtype=np.uint64)
        _powers[:] = [np.concatenate([one, up[:-1]]), np.concatenate([one, down[:-1]])]
    return _powers[0], _powers[1]


def word_hashes(text: str) -> np.ndarray:
    """A 64-bit hash of each case-folded word of ``text``, in order, without a Python loop.

    Each word's hash is a polynomial over its UTF-8 bytes, taken from prefix
    sums: ``(P[end] - P[start]) * BASE**-start``. The same word gives the same
    hash wherever it stands, in every process and on every run.

    >>> a, b, c = word_hashes("Oil, oil; OIL").tolist()
    >>> a == b == c
    True
    """
    # A lone surrogate (broken input) is hashed as its bytes, not an error.
    data = np.frombuffer(text.casefold().encode("utf-8", "surrogatepass"), dtype=np.uint8)
    if not len(data):
        return np.zeros(0, dtype=np.uint64)
    return _hash_words(data)[1]


def _hash_words(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Byte offsets where the words of UTF-8 ``data`` start, and their hashes."""
    inside = np.concatenate(([False], _WORD_BYTE[data], [False]))
    edges = np.flatnonzero(inside[1:] != inside[:-1])
    starts, ends = edges[::2], edges[1::2]
    up, down = _power_tables(len(data) + 1)
    # Unsigned array arithmetic wraps modulo 2**64 silently, as wanted.
    prefix = np.zeros(len(data) + 1, dtype=np.uint64)
    np.cumsum(data.astype(np.uint64) * up[: len(data)], out=prefix[1:])
    return starts, (prefix[ends] - prefix[starts]) * down[starts]


def shingle_hashes(word_hash: np.ndarray) -> np.ndarray:
    """64-bit hashes of the runs of :data:`SHINGLE` words (repeats included).

    A text shorter than a shingle is one shingle of all its words.

    >>> len(shingle_hashes(word_hashes("a b c d e f")))
    2
    """
    if not len(word_hash):
        return np.zeros(0, dtype=np.uint64)
    width = min(SHINGLE, len(word_hash))
    count = len(word_hash) - width + 1
    combined = word_hash[:count] * _POSITION[0]
    for offset in range(1, width):
        combined += word_hash[offset : offset + count] * _POSITION[offset]
    combined ^= combined >> _SHIFT31
    # Repeated shingles are left in: they cannot change a minimum, and
    # removing them (a sort) cost more than hashing them twice.
    return combined


def signature(title: str, body: str) -> bytes:
    """The MinHash signature of a story: :data:`SIGNATURE_BYTES` bytes.

    Stories without any word get :data:`EMPTY_SIGNATURE` (never clustered).
    """
    hashes = shingle_hashes(word_hashes(f"{title}\n{body}"))
    if not len(hashes):
        return EMPTY_SIGNATURE
    mixed = hashes[:, None] * _MULT[None, :]
    mixed += _ADD[None, :]
    minima = (mixed >> _SHIFT32).min(axis=0).astype("<u4")
    # 0 marks "no signature"; a real minimum of 0 becomes 1 (harmless).
    minima[minima == 0] = 1
    return minima.tobytes()


#: Shingles whose hash matrix (shingles x PERMUTATIONS) is built at once: small
#: enough to stay in the CPU cache (16,384 at once was slower than one story
#: at a time).
_CHUNK = 2048


#: Characters of text whose signatures are computed in one pass: bounds the
#: temporary arrays (and the cached power tables) to a few megabytes.
BATCH_CHARS = 1 << 18


def signatures(stories: list[tuple[str, str]]) -> list[bytes]:
    """:func:`signature` of many (title, body) stories, equal to it story by story.

    One pass of numpy over a batch of stories' words and shingles (a file of
    wire copy holds hundreds of stories): the per-call overhead of a dozen
    small numpy operations per story was most of the cost.
    """
    result: list[bytes] = []
    batch: list[tuple[str, str]] = []
    size = 0
    for story in stories:
        batch.append(story)
        size += len(story[0]) + len(story[1])
        if size >= BATCH_CHARS:
            result.extend(_signatures(batch))
            batch, size = [], 0
    result.extend(_signatures(batch))
    return result


def _signatures(stories: list[tuple[str, str]]) -> list[bytes]:
    """:func:`signatures` of one batch, in one numpy pass."""
    if not stories:
        return []
    texts = [f"{title}\n{body}".casefold() for title, body in stories]
    joined = "\n".join(texts)
    data = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    sizes = np.fromiter(
        (len(t.encode("utf-8", "surrogatepass")) + 1 for t in texts), np.int64, len(texts)
    )
    starts_of_text = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    starts, words = _hash_words(data)
    story = np.searchsorted(starts_of_text, starts, side="right") - 1
    word_counts = np.bincount(story, minlength=len(texts))
    result = [EMPTY_SIGNATURE] * len(texts)
    # Stories shorter than a shingle take the single-story path.
    for i in np.flatnonzero((word_counts > 0) & (word_counts < SHINGLE)).tolist():
        result[i] = signature(*stories[i])
    count = len(words) - SHINGLE + 1
    if count <= 0:
        return result
    combined = words[:count] * _POSITION[0]
    for offset in range(1, SHINGLE):
        combined += words[offset : offset + count] * _POSITION[offset]
    combined ^= combined >> _SHIFT31
    whole = story[:count] == story[SHINGLE - 1 :]  # all five words in one story
    hashes, owners = combined[whole], story[:count][whole]
    minima = np.full((len(texts), PERMUTATIONS), np.iinfo(np.uint64).max, dtype=np.uint64)
    for begin in range(0, len(hashes), _CHUNK):
        part = hashes[begin : begin + _CHUNK]
        mixed = part[:, None] * _MULT[None, :]
        mixed += _ADD[None, :]
        mixed >>= _SHIFT32
        # Shingles come story by story: one minimum per run of a story.
        who = owners[begin : begin + _CHUNK]
        runs = np.flatnonzero(np.concatenate(([True], who[1:] != who[:-1])))
        ids = who[runs]
        minima[ids] = np.minimum(minima[ids], np.minimum.reduceat(mixed, runs, axis=0))
    for i in np.flatnonzero(word_counts >= SHINGLE).tolist():
        row = minima[i].astype("<u4")
        row[row == 0] = 1
        result[i] = row.tobytes()
    return result


def decode(raw: bytes, count: int) -> np.ndarray:
    """``count`` stored signatures (concatenated bytes) as a (count, PERMUTATIONS) array."""
    return np.frombuffer(raw, dtype="<u4").reshape(count, PERMUTATIONS)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stories' shingle sets (0 for empty ones)."""
    if a == EMPTY_SIGNATURE or b == EMPTY_SIGNATURE:
        return 0.0
    return float(np.mean(decode(a, 1)[0] == decode(b, 1)[0]))
