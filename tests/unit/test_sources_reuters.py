"""Reuters-21578 SGML: the scanner on snippets (whole corpus: tests/integration/)."""

from __future__ import annotations

import pytest

from indexer.errors import SourceError
from indexer.model import RawDocument, SkippedDocument
from indexer.sources.reuters import parse_reuters, read_reuters, reflow


def story(text: str, newid: str = "7", head: str = "") -> str:
    date = "<DATE>1-MAR-1987 10:00:00.00</DATE>"
    return f'<REUTERS TOPICS="YES" NEWID="{newid}">\n{date}\n{head}{text}\n</REUTERS>\n'


def one(sgml: str) -> RawDocument:
    (doc,) = parse_reuters("r.sgm", sgml)
    assert isinstance(doc, RawDocument)
    return doc


def test_fields_of_a_normal_story() -> None:
    doc = one(
        story(
            "<TEXT>&#2;\n<TITLE>A &amp; B &lt;AB.N> MERGE</TITLE>\n"
            "<DATELINE>    NEW YORK, March 1 - </DATELINE><BODY>A and B agreed\nto merge.\n"
            " Reuter\n&#3;</BODY></TEXT>",
            head="<TOPICS><D>acq</D></TOPICS><PLACES><D>usa</D><D>uk</D></PLACES>\n",
        )
    )
    assert doc.format == "reuters"
    assert (doc.position, doc.native_id, doc.source) == (1, "7", "Reuters")
    assert doc.date == "1-MAR-1987 10:00:00.00"
    assert doc.title == "A & B <AB.N> MERGE"
    assert doc.dateline == "    NEW YORK, March 1 - "
    assert doc.body == "A and B agreed to merge.\n\nReuter"
    assert dict(doc.tags) == {
        "topics": ("acq",),
        "places": ("usa", "uk"),
        "people": (),
        "orgs": (),
        "exchanges": (),
    }


def test_control_entities_and_raw_controls_are_removed() -> None:
    doc = one(story("<TEXT><TITLE>T&#5;&#22;X&#127;</TITLE><BODY>a\x03b&#31;c\x1f</BODY></TEXT>"))
    assert (doc.title, doc.body) == ("TX", "abc")


def test_latin1_bytes() -> None:
    data = story("<TEXT><TITLE>T</TITLE><BODY>growth.\xfc side</BODY></TEXT>").encode("latin-1")
    (doc,) = read_reuters("r.sgm", data)
    assert isinstance(doc, RawDocument)
    assert doc.body == "growth.\u00fc side"


def test_brief_story_is_title_only() -> None:
    brief = '<TEXT TYPE="BRIEF">&#2;\n******<TITLE>SHORT NEWS\n</TITLE>Blah blah blah.\n&#3;\n'
    doc = one(story(brief + "</TEXT>"))
    assert (doc.title, doc.body, doc.dateline) == ("SHORT NEWS", "", None)


def test_unproc_story_keeps_its_table_rows() -> None:
    doc = one(
        story(
            '<TEXT TYPE="UNPROC">&#2;\nREPORT - MARCH 1\n A.....1 vs 2\n B.....3 vs 4\n&#3;</TEXT>'
        )
    )
    assert doc.title is None
    assert doc.body == "REPORT - MARCH 1\n\nA.....1 vs 2\n\nB.....3 vs 4"


def test_empty_story_with_id_and_date_is_kept() -> None:
    # NEWID 12793 of the corpus: an empty UNPROC story. It is still one of the
    # 21,578 stories (it has an id and a date), so it is indexed, title-less.
    (item,) = parse_reuters("r.sgm", story("<TEXT>&#2;\n&#3;\n</TEXT>", newid="12793"))
    assert isinstance(item, RawDocument)
    assert (item.native_id, item.title, item.body) == ("12793", None, "")


def test_element_without_anything_is_skipped() -> None:
    sgml = (
        '<REUTERS><TEXT>&#2;\n&#3;\n</TEXT></REUTERS>\n<REUTERS NEWID="2"><TEXT>x</TEXT></REUTERS>'
    )
    item = next(iter(parse_reuters("r.sgm", sgml)))
    assert item == SkippedDocument("r.sgm#1", "no text and no title in <REUTERS element>")


def test_dateline_holding_the_lead_gives_it_back_to_the_body() -> None:
    doc = one(
        story(
            "<TEXT><TITLE>BRAZIL PLAN</TITLE><DATELINE>    RIO DE JANEIRO, Feb 26 - Brazil's "
            '"Cruzado" anti- </DATELINE><BODY>inflation\nplan limps on.</BODY></TEXT>'
        )
    )
    assert doc.dateline == "    RIO DE JANEIRO, Feb 26 - "
    assert doc.body == 'Brazil\'s "Cruzado" anti-inflation plan limps on.'


def test_malformed_sgml_yields_what_is_recoverable() -> None:
    sgml = (
        "junk <<< before\n"
        + '<REUTERS NEWID="1">\n<DATE>1-MAR-1987\n<TOPICS><D>gold</D><D>silver</TOPICS>\n'
        + "<TEXT><TITLE>NO CLOSE TAGS\n<BODY>Body runs to the end of the text.\n</TEXT>\n"
        + "junk between </UNKNOWN> elements\n"
        + '<REUTERS NEWID="2"><TEXT><TITLE>NO BODY</TITLE>Text without a body element.</TEXT>'
        + '<REUTERS NEWID="3"><TEXT><BODY>Truncated at the end of the fi'
    )
    docs = list(parse_reuters("r.sgm", sgml))
    assert [
        (d.position, d.native_id, d.title, d.body) for d in docs if isinstance(d, RawDocument)
    ] == [
        (1, "1", "NO CLOSE TAGS", "Body runs to the end of the text."),
        (2, "2", "NO BODY", "Text without a body element."),
    ]
    assert docs[-1] == SkippedDocument(
        "r.sgm#3", "truncated: the file ends inside this <REUTERS> element"
    )
    assert docs[0].date == "1-MAR-1987"
    assert docs[0].tags["topics"] == ("gold", "silver")


def test_lower_case_tags() -> None:
    text = "<text><title>Low</title><body>Case.</body></text>"
    doc = one(f'<reuters newid="5"><date>x</date>{text}</reuters>')
    assert (doc.native_id, doc.date, doc.title, doc.body) == ("5", "x", "Low", "Case.")


def test_no_element_is_a_source_error() -> None:
    with pytest.raises(SourceError, match=r"^no <REUTERS> element in sgml$"):
        parse_reuters("r.sgm", '<!DOCTYPE lewis SYSTEM "lewis.dtd">\nnothing here\n')


def test_reflow_joins_wrapped_lines_and_splits_on_indentation() -> None:
    text = "First line\nwrapped here.\n    New paragraph\nwrapped.\n\n  Shr 1 vs 2\n  Net 3 vs 4\n"
    assert (
        reflow(text)
        == "First line wrapped here.\n\nNew paragraph wrapped.\n\nShr 1 vs 2\n\nNet 3 vs 4"
    )
