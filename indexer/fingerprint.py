"""File fingerprints: how a re-run knows what it has already indexed.

A fingerprint is one string per source file, ``path<TAB>size<TAB>mtime_ns<TAB>digest``,
written as a term of the ``filekey`` field on every document of that file.
The index's own lexicon of that field is therefore the manifest, committed
atomically with the documents: after a crash it can never claim a file whose
documents did not land.

A re-run compares ``(path, size, mtime_ns)`` from ``stat`` with the manifest
before reading anything, which is what makes an unchanged run cost a
directory walk and a lexicon read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

SEP = "\t"


def content_digest(data: bytes) -> str:
    """A short, fast content hash (BLAKE2b, 128 bits)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What identifies one version of one source file."""

    path: str
    size: int
    mtime_ns: int
    digest: str

    def key(self) -> str:
        """The ``filekey`` term for this version of the file."""
        return SEP.join((self.path, str(self.size), str(self.mtime_ns), self.digest))

    @classmethod
    def parse(cls, key: str) -> Fingerprint | None:
        """Inverse of :meth:`key`; None for a malformed term (never raises)."""
        parts = key.rsplit(SEP, 3)
        if len(parts) != 4:
            return None
        path, size, mtime, digest = parts
        try:
            return cls(path, int(size), int(mtime), digest)
        except ValueError:
            return None

    def same_stat(self, size: int, mtime_ns: int) -> bool:
        """True when ``stat`` says the file has not changed since."""
        return self.size == size and self.mtime_ns == mtime_ns
