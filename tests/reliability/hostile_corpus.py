"""A hostile corpus, generated on the fly: nothing large is committed.

:func:`build` writes every file into a directory and returns what the indexer
must make of each: a number of documents (a good or a recoverable file) or a
skip whose reason contains a given word. Files for which either outcome is
defensible (a 50 MB article: index it truncated, or refuse it as too big)
say so with :data:`EITHER`, but must still end up in one of the two.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Expect:
    """What a run must report for one file (by its name under the corpus root)."""

    #: Documents the file must contribute; None when it must be skipped whole.
    docs: int | None
    #: A word the skip reason must contain ("" for any non-empty reason).
    reason: str = ""
    #: Either outcome is acceptable, but the file must be indexed or reported.
    either: bool = False
    #: Text the indexed documents' stored bodies or titles must contain.
    contains: str = ""


def skip(reason: str = "") -> Expect:
    return Expect(None, reason)


def docs(count: int, contains: str = "") -> Expect:
    return Expect(count, contains=contains)


EITHER = Expect(None, either=True)

#: A plain-text article in the seed's shape, with a unique word per use.
ARTICLE = (
    "Published 2:15 PM, March 3, 2021\n\n"
    "GENEVA, Switzerland – Negotiators from {n} countries met on Wednesday to discuss "
    "grain export quotas, officials said. The talks, the {word} round this year, "
    "ended without agreement.\n\nDelegates will meet again next month. – Rappler.com\n"
)


def article(word: str, n: int = 12) -> str:
    return ARTICLE.format(n=n, word=word)


def png_bytes() -> bytes:
    """A real 1x1 PNG followed by noise (a valid signature, IHDR and IDAT)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
        + random.Random(1).randbytes(2048)
    )


def reuters(newid: int, title: str, body: str | None, *, date: str = "26-FEB-1987") -> str:
    text = f"<TITLE>{title}</TITLE>"
    if body is not None:
        text += f"<DATELINE>    NEW YORK, Feb 26 - </DATELINE><BODY>{body}\n&#3;</BODY>"
    return (
        f'<REUTERS TOPICS="YES" NEWID="{newid}">\n<DATE>{date} 15:01:01.79</DATE>\n'
        f"<TOPICS><D>grain</D></TOPICS>\n<PLACES><D>usa</D></PLACES>\n"
        f"<TEXT>&#2;\n{text}</TEXT>\n</REUTERS>\n"
    )


def jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def story(doc_id: str, **extra: object) -> dict[str, object]:
    return {
        "id": doc_id,
        "title": f"Harvest report {doc_id}",
        "body": f"Farmers reported harvest figures ({doc_id}). Prices were steady, traders said.",
        "date": "2021-05-04",
        **extra,
    }


def _write(root: Path, name: str, data: bytes | str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _big_text(target: int) -> bytes:
    paragraph = (
        "Shipping rates on the Baltic exchange rose again as grain exporters booked "
        "vessels ahead of the harvest, brokers said. " * 6
    ).encode()
    lead = b"ROTTERDAM, Netherlands - A very long market report follows.\n\n"
    count = (target - len(lead)) // (len(paragraph) + 2) + 1
    return (lead + (paragraph + b"\n\n") * count)[:target]


def _good_files(root: Path) -> dict[str, Expect]:
    _write(root, "good/geneva.txt", article("zyxwvgood"))
    (root / "good/latin1.txt").write_bytes(
        "ZÜRICH - Zürich bankers met on Monday. Prices fell, dealers said.\n".encode("latin-1")
    )
    _write(
        root,
        "good/cp1252.txt",
        "PARIS – The “euro” fell to €1.05 – its lowest since 2002, dealers said.\n".encode(
            "cp1252"
        ),
    )
    _write(
        root,
        "good/utf16-bom.txt",
        "\ufeffTOKYO – Exporters welcomed the weaker yen on Friday, officials said.\n".encode(
            "utf-16-le"
        ),
    )
    _write(root, "good/utf8-bom.txt", "\ufeffLIMA – Copper output rose 4% in May, data showed.\n")
    _write(
        root,
        "good/invalid-utf8.txt",
        b"Traders in Caf\xc3\xa9 markets \xff\xfe said prices rose on Tuesday, dealers said.\n",
    )
    _write(
        root,
        "good/control-chars.txt",
        "OSLO – Oil\x01 output\x07 rose\x1b[31m in June\x0c, the ministry said.\x7f\n",
    )
    _write(
        root,
        "good/stories.sgm",
        reuters(910001, "GRAIN SHIPMENTS RISE", "Grain shipments rose 5 pct, officials said.")
        + reuters(910002, "WHEAT PRICES FALL", "Wheat prices fell sharply on Thursday.")
        + reuters(910003, "TITLE ONLY STORY", None),
    )
    _write(
        root,
        "good/article.html",
        "<!doctype html><html><head><title>Port strike ends</title>"
        '<meta property="article:published_time" content="2021-06-01T08:00:00Z"></head>'
        "<body><nav>Home | World</nav><article><h1>Port strike ends</h1>"
        "<p>Dock workers in Antwerp returned to work on Tuesday after a two-week strike "
        "that halted container traffic, the union said.</p>"
        "<p>Shipping lines expect delays to clear within days.</p></article></body></html>",
    )
    _write(
        root,
        "good/unicode.jsonl",
        jsonl(
            story("uni-1", title="Ünïcödé ☃ ‮RTL‬ zero​width", body="Emoji 🌾 harvest 🚜 data."),
            story("uni-2", body="Ten thousand ideograms: " + "漢字" * 5000),
        ),
    )
    return {
        "good/geneva.txt": docs(1, "zyxwvgood"),
        "good/latin1.txt": docs(1, "Zürich bankers"),
        "good/cp1252.txt": docs(1, "€1.05"),
        "good/utf16-bom.txt": docs(1, "weaker yen"),
        "good/utf8-bom.txt": docs(1, "Copper output"),
        "good/invalid-utf8.txt": docs(1, "prices rose"),
        "good/control-chars.txt": docs(1, "the ministry said"),
        "good/stories.sgm": docs(3, "Wheat prices fell"),
        "good/article.html": docs(1, "Dock workers in Antwerp"),
        "good/unicode.jsonl": docs(2, "harvest"),
    }


def _binary_files(root: Path) -> dict[str, Expect]:
    _write(root, "bad/empty.txt", b"")
    _write(root, "bad/whitespace.txt", " \t\n\r\n   \n\u3000\n\u00a0\n")
    _write(root, "bad/image.png", png_bytes())
    _write(root, "bad/archive.txt.gz", gzip.compress(article("gzipped").encode() * 50))
    _write(root, "bad/gzip-named.sgm", gzip.compress(reuters(1, "T", "B").encode()))
    _write(root, "bad/stray-nul.txt", article("straynul").replace("Wednesday", "Wed\x00nesday"))
    _write(root, "bad/random.bin", random.Random(5).randbytes(64 * 1024))
    _write(root, "bad/random.txt", random.Random(6).randbytes(64 * 1024))
    return {
        "bad/empty.txt": skip("empty"),
        "bad/whitespace.txt": skip(),
        "bad/image.png": skip("png"),
        "bad/archive.txt.gz": skip(),
        "bad/gzip-named.sgm": skip("gzip"),
        "bad/stray-nul.txt": EITHER,
        "bad/random.bin": skip(),
        "bad/random.txt": skip(),
    }


def _huge_files(root: Path) -> dict[str, Expect]:
    _write(root, "huge/fifty-mb.txt", _big_text(50 * 1024 * 1024))
    _write(
        root,
        "huge/one-line-5mb.txt",
        b"SANTIAGO - " + b"copper prices rose and fell " * (5 * 1024 * 1024 // 28) + b"\n",
    )
    # Sparse: 600 MB on paper, no disk used; must be refused without reading it.
    with open(root / "huge/sparse-600mb.txt", "wb") as handle:
        handle.truncate(600 * 1024 * 1024)
    _write(
        root,
        "huge/nested-divs.html",
        "<html><head><title>Deep page</title></head><body>"
        + "<div>" * 10_000
        + "<p>Buried deep, the harvest story says farmers sold early, traders said.</p>"
        + "</div>" * 10_000
        + "</body></html>",
    )
    _write(
        root,
        "huge/unclosed-divs.html",
        "<html><body>" + "<div><span><b>" * 10_000 + "Unclosed nesting text here.",
    )
    _write(
        root,
        "huge/all-script.html",
        "<html><head><script>var a = 1;</script></head><body>"
        + "<script>document.write('x');</script>" * 2000
        + "</body></html>",
    )
    lol = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    ]
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n' + "\n".join(lol) + "\n]>\n"
        "<html><head><title>&lol9;</title></head><body><p>&lol9;</p></body></html>"
    )
    _write(root, "huge/entity-bomb.html", bomb)
    _write(root, "huge/entity-bomb.xml", bomb)
    _write(
        root,
        "huge/entity-bomb.sgm",
        reuters(920001, "&lol9;" * 100, "&#3;" * 100_000 + "&amp;" * 100_000 + " Body text."),
    )
    _write(root, "huge/deep-json.jsonl", jsonl(story("deep-ok"), "[" * 100_000 + "]" * 100_000))
    return {
        "huge/fifty-mb.txt": EITHER,
        "huge/one-line-5mb.txt": EITHER,
        "huge/sparse-600mb.txt": skip("large"),
        "huge/nested-divs.html": EITHER,
        "huge/unclosed-divs.html": EITHER,
        "huge/all-script.html": skip(),
        "huge/entity-bomb.html": EITHER,
        "huge/entity-bomb.xml": skip(),
        "huge/entity-bomb.sgm": docs(1, "Body text"),
        "huge/deep-json.jsonl": docs(1, "deep-ok"),
    }


def _structure_files(root: Path) -> dict[str, Expect]:
    _write(
        root,
        "structure/unclosed.sgm",
        reuters(930001, "COMPLETE STORY", "A complete story about cocoa.")
        + '<REUTERS NEWID="930002">\n<DATE>27-FEB-1987</DATE><TEXT><TITLE>UNCLOSED TITLE'
        + "<BODY>Sugar output rose, the ministry said.\n"
        + reuters(930003, "NO BODY HERE", None),
    )
    _write(root, "structure/truncated.sgm", '<REUTERS NEWID="9"><DATE>26-FEB-1987')
    _write(root, "structure/no-body.html", "<html><head><title>x</title></head></html>")
    _write(
        root,
        "structure/broken.jsonl",
        jsonl(
            story("jl-1"),
            '{"id": "jl-broken", "title": "Cut off',
            story("jl-2"),
            "[1, 2, 3]",
            '"just a string"',
            {"title": 5, "body": ["not", "text"]},
            "",
            "   ",
            {"id": "jl-empty"},
            story("jl-3", body="Ünïcödé line " * 3),
            "\x01\x02garbage\x7f",
        ),
    )
    # A crash while appending leaves a file padded with NUL bytes after its last
    # good line (filesystems zero-fill the blocks they had allocated).
    _write(
        root,
        "structure/nul-tail.jsonl",
        jsonl(story("tail-1"), story("tail-2")) + "\x00" * 4096,
    )
    _write(
        root,
        "structure/surrogates.jsonl",
        jsonl(
            story("sur-ok"),
            '{"id": "sur-\\ud800", "title": "Lone \\ud800 surrogate", "body": "Text \\udfff.",'
            ' "url": "http://x.test/\\ud800", "author": "A \\udc80", "source": "S \\ud800",'
            ' "people": ["P \\ud800"], "topics": ["\\udfff"], "date": "2021-01-0\\ud800"}',
        ),
    )
    _write(
        root,
        "structure/dup-a.jsonl",
        jsonl(
            story("dup-1", title="First copy"), story("dup-2"), story("dup-1", title="Same file")
        ),
    )
    _write(root, "structure/dup-b.jsonl", jsonl(story("dup-1", title="Second file copy")))
    _write(
        root,
        "structure/dates.jsonl",
        jsonl(
            story("date-past", date="0001-01-01"),
            story("date-1066", date="1066-10-14T09:00:00"),
            story("date-future", date="9999-12-31T23:59:59Z"),
            story("date-2999", date="2999-01-01"),
            story("date-feb30", date="Feb 30, 2021"),
            story("date-iso-feb30", date="2021-02-30"),
            story("date-month13", date="2021-13-01"),
            story("date-garbage", date="yesterday-ish"),
            story("date-negative", date="-5000-01-01"),
            story("date-huge-epoch", date=10**20),
            story("date-list", date=["2021", "05"]),
        ),
    )
    _write(
        root,
        "structure/dates.txt",
        "Published 11:00 PM, February 30, 2021\n\nMADRID, Spain – Impossible date story, "
        "the ministry said.\n",
    )
    _write(
        root,
        "structure/future.sgm",
        reuters(940001, "FAR FUTURE", "Dated in the far future.", date="31-DEC-9999")
        + reuters(940002, "FAR PAST", "Dated in the far past.", date="1-JAN-0001")
        + reuters(940003, "IMPOSSIBLE", "Dated February 30th.", date="30-FEB-1987"),
    )
    return {
        "structure/unclosed.sgm": EITHER,
        "structure/truncated.sgm": skip(),
        "structure/no-body.html": skip(),
        # jl-1, jl-2, jl-3 and {"title": 5, ...}, whose number reads as a title.
        "structure/broken.jsonl": docs(4, "Ünïcödé line"),
        # Should be docs(2): see test_hostile_corpus.test_a_nul_padded_tail_loses_no_line.
        "structure/nul-tail.jsonl": EITHER,
        # Line 2 has lone surrogates everywhere: indexed clean, or skipped with a
        # reason (see test_hostile_corpus.test_lone_surrogates_cost_one_line_at_most).
        "structure/surrogates.jsonl": EITHER,
        "structure/dup-a.jsonl": EITHER,
        "structure/dup-b.jsonl": docs(1, "Second file copy"),
        "structure/dates.jsonl": docs(11),
        "structure/dates.txt": docs(1, "Impossible date story"),
        "structure/future.sgm": docs(3, "far future"),
    }


def _filesystem_files(root: Path) -> dict[str, Expect]:
    loops = root / "fs"
    loops.mkdir(parents=True, exist_ok=True)
    os.symlink(".", loops / "self-loop")
    os.symlink("loop-b.txt", loops / "loop-a.txt")
    os.symlink("loop-a.txt", loops / "loop-b.txt")
    os.symlink("does-not-exist.txt", loops / "dangling.txt")
    os.mkfifo(loops / "pipe.txt")
    _write(root, "fs/unreadable.txt", article("unreadable"))
    os.chmod(loops / "unreadable.txt", 0)
    # A name that is not UTF-8 (Latin-1 é) and one with a newline in it.
    with open(os.fsencode(loops) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(article("latin1name").encode())
    _write(root, "fs/new\nline.txt", article("newlinename"))
    return {
        "fs/self-loop": skip("loop"),
        "fs/loop-a.txt": skip("loop"),
        "fs/loop-b.txt": skip("loop"),
        "fs/dangling.txt": skip("broken"),
        "fs/pipe.txt": skip("regular"),
        "fs/unreadable.txt": skip("permission"),
        # Whoosh stores paths as UTF-8: such a name is reported, never a crash.
        os.fsdecode(b"fs/caf\xe9.txt"): skip("utf-8"),
        "fs/new\nline.txt": docs(1, "newlinename"),
    }


def build(root: Path) -> dict[str, Expect]:
    """Write the corpus under ``root``; return the expectation for each file."""
    root.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Expect] = {}
    for part in (_good_files, _binary_files, _huge_files, _structure_files, _filesystem_files):
        expected.update(part(root))
    return expected
