"""Bytes to text: binary detection first, then a fixed chain of decoders.

Why a fixed chain and not one detector: charset detection on short texts is a
guess (charset-normalizer happily calls a French article in Windows-1252
"cp1250"), while a byte order mark or a clean strict UTF-8 decode is proof.
So the proofs come first and the guess only when they fail:

1. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. UTF-16/32 without a BOM, recognised by its pattern of NUL bytes;
3. strict UTF-8 (also covers ASCII);
4. for HTML, the ``<meta charset>`` / ``http-equiv`` declaration;
5. UTF-8 with a few stray bytes (valid multi-byte sequences outnumber broken ones 10:1);
6. charset-normalizer's best guess, overruled by Windows-1252 when the guess
   identified no language and Windows-1252 reads as plausible Western text;
7. Windows-1252 with replacement characters, which never fails.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from indexer.errors import SourceError

#: How much of a file the binary checks and the charset guesser look at.
SAMPLE_BYTES = 64 * 1024

#: (magic bytes, offset, human-readable name), checked before anything else.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"%PDF-", 0, "PDF document"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"PK\x03\x04", 0, "zip archive"),
    (b"PK\x05\x06", 0, "zip archive"),
    (b"BZh", 0, "bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-zip archive"),
    (b"\x28\xb5\x2f\xfd", 0, "zstd archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"ustar", 257, "tar archive"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"MZ", 0, "Windows executable"),
    (b"\xca\xfe\xba\xbe", 0, "Java class or Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", 0, "Mach-O binary"),
    (b"\x00asm", 0, "WebAssembly module"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"OggS", 0, "Ogg media"),
    (b"ID3", 0, "MP3 audio"),
    (b"fLaC", 0, "FLAC audio"),
    (b"\x1aE\xdf\xa3", 0, "Matroska/WebM video"),
    (b"wOFF", 0, "WOFF font"),
    (b"wOF2", 0, "WOFF2 font"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "MS Office document"),
)

# (BOM, codec) longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_WIDE_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
# Bytes that never occur in text: C0 controls other than \t \n \v \f \r and ESC
# (which some old newswire files carry), plus DEL.
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])

_META_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE
)

# Codecs that Windows-1252 reads the same way (or better) for Western text.
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15"})

# Code page families that lose to plausible Windows-1252 (see _guess_single_byte).
_DOS_AND_MAC = ("cp4", "cp7", "cp8", "cp9", "mac_")
# WHATWG: these labels mean Windows-1252 on the web.
_WEB_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the codec that produced it (for logs and tests)."""

    text: str
    encoding: str


def strip_stray_nuls(data: bytes) -> bytes:
    """Drop NUL bytes a text file should not hold but often does.

    A file cut short by a crash is often padded with zeros to its allocated
    size, and editors occasionally leave a stray NUL in an article: neither
    makes the file binary. The zero tail is always dropped; NULs elsewhere
    are removed when they are a handful (at most one per 4 kB) in text that
    is not UTF-16/32, whose NULs are part of every character.
    """
    if data.startswith(_WIDE_BOMS) or _utf16_or_32(data) is not None:
        return data
    trimmed = data.rstrip(b"\x00")
    if b"\x00" not in trimmed:
        return trimmed
    if trimmed.count(b"\x00") <= max(1, len(trimmed) // 4096):
        return trimmed.replace(b"\x00", b"")
    return trimmed


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not text (``'binary content (PNG image)'``), or ``None``.

    Checks magic numbers, NUL bytes (unless the data is UTF-16/32, which is
    full of them) and the share of control bytes in the first 64 kB.
    """
    for magic, offset, name in _MAGIC:
        if data.startswith(magic, offset):
            if name == "Windows executable" and b"\x00" not in data[:SAMPLE_BYTES]:
                continue  # "MZ" is also how a text may begin; real executables hold NULs
            return f"binary content ({name})"
    if _utf16_or_32(data) is not None:
        return None
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in data:
        return "binary content (NUL bytes)"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls / len(sample) > 0.1:
        return "binary content (control bytes)"
    return None


def decode_bytes(data: bytes, *, html: bool = False) -> Decoded:
    """Decode ``data`` with the chain described in the module docstring.

    Never raises for "wrong" bytes (the last resort replaces them); raises
    :class:`SourceError` only when the result is mostly replacement characters.
    """
    found = _decode_chain(data, html)
    text = found.text
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = text.count("\ufffd", 0, SAMPLE_BYTES)
    if bad and bad > 0.3 * min(len(text), SAMPLE_BYTES):
        raise SourceError(f"undecodable text (tried {found.encoding})")
    return Decoded(text, found.encoding)


def _decode_chain(data: bytes, html: bool) -> Decoded:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(codec, errors="replace"), codec)
    wide = _utf16_or_32(data)
    if wide is not None:
        return Decoded(data.decode(wide, errors="replace"), wide)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if html:
        declared = declared_charset(data[:SAMPLE_BYTES])
        if declared is not None and declared != "utf-8":
            return Decoded(data.decode(declared, errors="replace"), declared)
    if _mostly_utf8(data):
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8")
    guess = _guess_single_byte(data, first_bad)
    return Decoded(data.decode(guess, errors="replace"), guess)


def declared_charset(head: bytes) -> str | None:
    """The codec an HTML ``<meta>`` declares, normalised; ``None`` if absent or unknown.

    UTF-16/32 declarations are ignored (an ASCII-compatible page cannot be
    UTF-16; WHATWG reads them as UTF-8), and Latin-1/ASCII mean Windows-1252.
    """
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", errors="replace").strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return _WEB_ALIASES.get(name, name)


def _utf16_or_32(data: bytes) -> str | None:
    """The codec of BOM-less UTF-16/32 text, judged from where its NUL bytes fall."""
    sample = data[:4096]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    n = len(sample) - len(sample) % 4
    nuls = [sample[i:n:4].count(0) / (n / 4) for i in range(4)]  # NUL share per byte lane
    if nuls[0] == 0 and min(nuls[1:]) > 0.9:
        return "utf-32-le"
    if nuls[3] == 0 and min(nuls[:3]) > 0.9:
        return "utf-32-be"
    half = n // 2
    even, odd = sample[0:n:2].count(0), sample[1:n:2].count(0)
    if odd > 0.6 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.6 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few stray bytes: valid multi-byte characters outnumber bad ones 10:1."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if not bad:
        return False
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - bad >= 10 * bad


def _guess_single_byte(data: bytes, first_bad: int) -> str:
    """charset-normalizer's guess on the region around the first non-UTF-8 byte.

    Sampling there (not at the start) matters for files whose first
    megabyte is plain ASCII. Western text wins ties: Windows-1252 is used
    when it scores as well as the best guess, or when no language was
    recognised and it decodes the bytes into plausible text.
    """
    start = max(0, first_bad - 16 * 1024)
    sample = data[start : first_bad + 4 * SAMPLE_BYTES]
    results = [r for r in from_bytes(sample) if r.encoding not in ("utf_8", "ascii")]
    if not results:
        return "cp1252"
    best = results[0]
    western = next((r for r in results if r.encoding in _WESTERN), None)
    if western is not None and (
        western.chaos <= best.chaos + 0.01 and western.coherence >= best.coherence - 0.01
    ):
        return "cp1252"  # a tie (cp1250 and cp1252 often score the same)
    plausible = _plausible_cp1252(sample)
    if plausible and str(best.encoding).startswith(_DOS_AND_MAC):
        # DOS and old Mac code pages are rarely what a news file is in, and
        # charset-normalizer picks them for short Latin-1 text ("Zürich" as
        # cp775 "Z³rich"): plausible Windows-1252 wins over them.
        return "cp1252"
    if best.coherence >= 0.2 or not plausible:
        return str(best.encoding)
    return "cp1252"


def _plausible_cp1252(sample: bytes) -> bool:
    """Whether ``sample`` reads as Western text in Windows-1252.

    Mis-decoded Greek or Cyrillic turns whole words into accented Latin
    letters; real Western text has mostly ASCII letters.
    """
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    accented = sum(1 for ch in letters if ord(ch) > 127)
    return accented <= 0.25 * len(letters)
