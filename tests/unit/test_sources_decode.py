"""Binary detection and the decoder chain."""

from __future__ import annotations

import codecs

import pytest

from indexer.sources.decode import binary_reason, declared_charset, decode_bytes

FRENCH = "Le café est très animé — « à Paris », dit-elle. Où est l'hôtel ?\n" * 3
CYRILLIC = "Москва сегодня объявила о новых мерах поддержки экономики страны.\n" * 3


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a\x01\x00", "GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip archive"),
        (b"PK\x03\x04\x14\x00", "zip archive"),
        (b"\x7fELF\x02\x01\x01", "ELF executable"),
    ],
)
def test_magic_numbers(data: bytes, name: str) -> None:
    assert binary_reason(data) == f"binary content ({name})"


def test_nul_bytes_and_control_bytes_are_binary() -> None:
    assert binary_reason(b"text with a \x00 inside") == "binary content (NUL bytes)"
    assert binary_reason(bytes(range(1, 9)) * 20) == "binary content (control bytes)"


def test_text_is_not_binary() -> None:
    assert binary_reason(b"Plain text.\r\n\tIndented\x0c") is None
    assert binary_reason(b"MZ is how this text begins") is None
    assert binary_reason(FRENCH.encode("utf-16")) is None
    assert binary_reason(FRENCH.encode("utf-16-le")) is None  # no BOM: NUL pattern


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_byte_order_marks(codec: str) -> None:
    data = FRENCH.encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):
        data = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + data
    assert decode_bytes(data).text == FRENCH


def test_utf16_without_bom() -> None:
    decoded = decode_bytes(FRENCH.encode("utf-16-be"))
    assert (decoded.text, decoded.encoding) == (FRENCH, "utf-16-be")


def test_strict_utf8_first() -> None:
    assert decode_bytes(FRENCH.encode("utf-8")).encoding == "utf-8"


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_western_single_byte_text_reads_as_windows_1252(codec: str) -> None:
    text = FRENCH.replace("—", "-") if codec == "latin-1" else FRENCH
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == "cp1252"


def test_cp1252_smart_quotes_in_english() -> None:
    text = "The company’s profits rose 5% – a record, said “the board”.\n"
    assert decode_bytes(text.encode("cp1252")).text == text


def test_other_scripts_use_the_guess() -> None:
    assert decode_bytes(CYRILLIC.encode("cp1251")).text == CYRILLIC


def test_mostly_utf8_with_a_stray_byte_stays_utf8() -> None:
    data = FRENCH.encode("utf-8") * 3 + b" caf\xe9 " + FRENCH.encode("utf-8")
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text.count("\ufffd") == 1


def test_html_meta_charset_is_respected() -> None:
    page = f'<html><head><meta charset="windows-1251"></head><body><p>{CYRILLIC}</p>'
    decoded = decode_bytes(page.encode("cp1251"), html=True)
    assert CYRILLIC in decoded.text
    assert decoded.encoding == "cp1251"


def test_declared_charset_normalisation() -> None:
    http_equiv = b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    assert declared_charset(http_equiv) == "cp1252"
    assert declared_charset(b"<meta charset=utf-16>") == "utf-8"
    assert declared_charset(b'<meta charset="no-such-codec">') is None
    assert declared_charset(b"<p>no declaration</p>") is None


def test_a_valid_utf8_page_wins_over_a_wrong_declaration() -> None:
    page = f'<meta charset="iso-8859-1"><p>{FRENCH}</p>'.encode()
    assert FRENCH in decode_bytes(page, html=True).text


def test_short_latin1_text_is_not_read_as_a_dos_code_page() -> None:
    data = "Zürich bankers met on Monday. Prices fell, dealers said.".encode("latin-1")
    assert decode_bytes(data).text.startswith("Zürich bankers")


def test_stray_and_trailing_nuls_do_not_make_text_binary() -> None:
    from indexer.sources.decode import strip_stray_nuls

    padded = b'{"title":"a","body":"b"}\n' + b"\x00" * 4096
    assert strip_stray_nuls(padded) == b'{"title":"a","body":"b"}\n'
    assert strip_stray_nuls(b"Oil prices\x00 rose.") == b"Oil prices rose."
    dense = b"\x00\x01\x02\x00" * 100
    assert binary_reason(strip_stray_nuls(dense)) is not None
    utf16 = "Oil prices rose.".encode("utf-16")
    assert strip_stray_nuls(utf16) == utf16
