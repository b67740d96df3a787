"""People, organizations and places named in a story, without an NLP model.

The budget is a few microseconds per token on one core (the pipeline must
index 1,000 documents a second on two cores together with parsing and
Whoosh), so the method is a cascade of cheap steps:

1. One compiled regex finds runs of capitalized words ("spans"), allowing
   the lower-case particles that occur inside names (``Bank of England``,
   ``Willy de Clercq``). Only spans are looked at; ordinary words cost
   nothing beyond the regex scan.
2. Each span is cut at words that cannot be part of a name: sentence-initial
   function words and pronouns, weekdays, months, and job titles
   (``US President Donald Trump`` -> ``US`` | ``Donald Trump``). A job title
   is kept as evidence that the following segment is a person.
3. Each segment is classified by, in order: the static tables (gazetteer,
   Reuters codes, known organizations and people), a preceding job title, its
   form (a last word such as ``Corp``, ``Bank``, ``Ministry``; a first word
   such as ``Bank of``), and a leading given name. Segments that match none
   are searched for known names inside them, and otherwise dropped: a missed
   entity costs less than junk in a facet.
4. Single words left over are resolved against the surnames of the people
   found in the same document (``Trump``, ``Trump's`` -> ``Donald Trump``) and
   against a short list of unambiguous well-known surnames (``Volcker``).

Text written in capitals (Reuters headlines) has no case signal, so there
only whole known names are looked up.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from indexer.extract.gazetteer import (
    first_names,
    known_names,
    lookup_key,
    solo_surnames,
)
from indexer.normalize import fold_punctuation

__all__ = ["Entities", "extract_entities"]


def _words(text: str) -> frozenset[str]:
    """A word list written as one string, for readable tables of words."""
    return frozenset(text.split())


_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0410-\u042f"
_LETTER = r"[^\W\d_]"
_ABBREVIATIONS = (
    "St|Mt|Ft|Jr|Sr|Co|Corp|Inc|Ltd|Bros|Cos|Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Prof|Rev"
)
_TOKEN = (
    rf"(?:(?:[{_UPPER}]\.){{2,4}}"  # U.S., U.K., D.C.
    rf"|(?:{_ABBREVIATIONS})\.(?= [{_UPPER}])"  # St. Louis, Mr. Smith (not a sentence end)
    rf"|(?:al|el|ul|bin|ibn|d|O)['-][{_UPPER}][\w'-]*"  # al-Sayyari, d'Estaing
    rf"|[{_UPPER}](?:{_LETTER}|[0-9])*(?:['-][\w]+)*"  # Guaido, Torrealba, Leigh-Pemberton
    rf"|[{_UPPER}]\.(?= [{_UPPER}]))"  # initials: E. Gerald Corrigan
)
_CONNECTOR = (
    r"(?:of|for|and|de|da|do|dos|del|della|di|du|van|von|der|den|la|le|al|bin|ibn|el|y|the|upon)"
)
_SPAN = re.compile(rf"{_TOKEN}(?:(?: {_CONNECTOR})* {_TOKEN}| ?& ?{_TOKEN})*")
_POSSESSIVE = re.compile(r"(?:'s|')$")
_CAPS_TOKEN = re.compile(r"[A-Z][A-Z0-9.&'-]*")

_CONNECTORS = frozenset(_CONNECTOR[3:-1].split("|"))
_STOP = _words(
    """A An The In On At By For From To Of With Without Into Onto Over Under About After Before
    During Since Until Till While When Whenever Where Why How What Which Who Whom Whose If Unless
    But And Or Nor So Yet Also Although Though Because As Than Then There Here This That These
    Those It Its It's He She They We I You Me Him Her Us Them His Hers Our Their Your My Mine
    Some Many Much Most More Less All Both Each Every Any Other Others Another Such No Not None
    Neither Either One Two Three Four Five Six Seven Eight Nine Ten Earlier Later Meanwhile
    However Moreover Furthermore Still Even Only Just Last Next First Second Third Final Today
    Yesterday Tomorrow Tonight Published Updated Posted Said Says Asked According Despite Among
    Against Between Through Including Following Like Unlike Please Thanks Yes Oh Now Already
    Again Instead Perhaps Maybe Indeed Overall Currently Recently Finally Further Total Net
    Shr Revs Qtr Avg Shrs Mths Oper Note PM AM GMT EST EDT BST CET Inc's Reuter Reuters's
    Let Do Does Did Is Are Was Were Be Been Has Have Had Will Would Can Could May Might Must
    Should Shall Sources Source Analysts Officials Traders Dealers Others Economists Bankers"""
)
_WEEKDAYS_MONTHS = _words(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs
    Fri Sat Sun January February March April May June July August September October November
    December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"""
)
# Job titles and honorifics: never an entity alone, and evidence that the
# name right after them is a person's.
_TITLES = _words(
    """President Presidents Vice Prime Minister Ministers Secretary Secretary-General Chancellor
    Premier Governor Senator Sen Sen. Rep Rep. Representative Congressman Congresswoman Chairman
    Chairwoman Chair Chairperson Director Director-General Commissioner Ambassador Mayor King
    Queen Prince Princess Pope Sheikh Ayatollah Gen Gen. General Colonel Col Col. Lt Lt.
    Captain Capt Capt. Admiral Judge Justice Mr Mr. Mrs Mrs. Ms Ms. Miss Dr Dr. Prof Prof.
    Professor Sir Dame Rev Rev. Father Cardinal Bishop Archbishop Chief Executive Officer CEO
    CFO COO Spokesman Spokeswoman Spokesperson Speaker Leader Treasurer Deputy Assistant Under
    Attorney Comptroller Analyst Economist Managing Head Emir Sultan Shah Counsel Envoy Delegate
    Undersecretary Under-Secretary Governor-General Lord Lady Baroness Baron Count Duke Mrs
    Senior Junior Foreign Finance Trade Defence Defense Interior Agriculture Energy Economy
    Economics Justice Labour Labor Commerce Industry Oil Health Education Transport Treasury
    Budget Planning Petroleum Mines Mining State Federal Acting Former Outgoing Incoming"""
)
# Words that are titles only when followed by a name: ``Treasury`` in
# ``Treasury Secretary James Baker`` is part of the title, but such words do not
# make the next segment a person on their own.
_WEAK_TITLES = _words(
    """Senior Junior Foreign Finance Trade Defence Defense Interior Agriculture Energy Economy
    Economics Justice Labour Labor Commerce Industry Oil Health Education Transport Treasury
    Budget Planning Petroleum Mines Mining State Federal Acting Former Outgoing Incoming Vice
    Deputy Assistant Under Chief Executive Managing Senior Lord Lady"""
)
_ORG_HEADS = _words(
    """Corp Corp. Corporation Inc Inc. Incorporated Co Co. Company Cos Cos. Ltd Ltd. Limited Plc
    PLC LLC LP LLP AG GmbH SA S.A. NV N.V. BV SpA AB ASA Oyj KK Bhd Berhad Group Holdings
    Holding Bank Bancorp Bancshares Bankshares Banco Banque Bancorporation Trust Securities
    Partners Associates Capital Financial Fund Funds Investments Industries Enterprises Systems
    Technologies Technology Electronics Communications Airlines Airways Motors Petroleum Oil Gas
    Energy Resources Mining Mines Steel Chemical Chemicals Pharmaceuticals Laboratories Labs
    Foods Products Stores Insurance Assurance Railroad Railway Railways Agency Ministry
    Department Commission Committee Council Board Bureau Office Authority Administration Service
    Services Institute Institution University College School Academy Foundation Association
    Federation Union League Party Organization Organisation Exchange Court Parliament Assembly
    Congress Senate Army Navy Police Club Society Conference Centre Center Times Post Journal
    Herald Tribune Gazette Telegraph Television Broadcasting Radio Network Newspaper Magazine
    Cooperative Coalition Movement Front Alliance Brotherhood Church Hospital Reserve Treasury
    Brothers Bros Bros. Mutual Realty Properties International Inc's Co's Corp's Agencies"""
)
_PLACE_HEADS = _words("County Province Prefecture Island Islands Oblast Canton")
# Short all-capitals aliases that are also English words, ignored in headlines.
_CAPS_WORDS = _words(
    "WHO SET FOX AID US IT IS AM PM AN AS AT BE BY DO GO IF IN NO OF ON OR SO TO UP WE"
)
_MAX_NAME_WORDS = 6


@dataclass(frozen=True, slots=True)
class Entities:
    """Display names found in a document, de-duplicated, in first-seen order."""

    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


@dataclass(slots=True)
class _Mention:
    kind: str  # "person", "organization", "place", or "word" (unresolved single word)
    name: str


@dataclass(slots=True)
class _Collector:
    mentions: list[_Mention] = field(default_factory=list)

    def add(self, kind: str, name: str) -> None:
        self.mentions.append(_Mention(kind, name))


def _strip_possessive(token: str) -> str:
    return _POSSESSIVE.sub("", token) if "'" in token else token


def _known(tokens: Sequence[str]) -> tuple[str, str] | None:
    """``(kind, display)`` when ``tokens`` spell a known name exactly."""
    text = " ".join(tokens)
    tables = known_names()
    for kind in ("organization", "place", "person"):
        found = tables[kind].get(text)
        if found is not None:
            return kind, found
    return None


def _is_person_form(tokens: Sequence[str]) -> bool:
    return len(tokens) >= 2 and tokens[0] in first_names() and tokens[-1] not in _CONNECTORS


def _is_org_form(tokens: Sequence[str]) -> bool:
    if len(tokens) < 2:
        return False
    if tokens[-1] in _ORG_HEADS:
        return True
    return "&" in tokens or (tokens[0] in _ORG_HEADS and tokens[1] in ("of", "for"))


def _trim_connectors(tokens: list[str]) -> list[str]:
    start, end = 0, len(tokens)
    while start < end and (tokens[start] in _CONNECTORS or tokens[start] == "&"):
        start += 1
    while end > start and (tokens[end - 1] in _CONNECTORS or tokens[end - 1] == "&"):
        end -= 1
    return tokens[start:end]


def _classify(tokens: list[str], after_title: bool, out: _Collector) -> None:
    """Classify one segment of a span (see the module docstring, step 3)."""
    tokens = _trim_connectors(tokens)
    if not tokens:
        return
    known = _known(tokens)
    if known is not None:
        out.add(*known)
    elif after_title and tokens[0][:1].isupper() and not _is_org_form(tokens):
        out.add("person", " ".join(tokens))
    elif _is_org_form(tokens):
        out.add("organization", " ".join(tokens))
    elif _is_person_form(tokens):
        out.add("person", " ".join(tokens))
    elif len(tokens) >= 2 and tokens[-1] in _PLACE_HEADS:
        out.add("place", " ".join(tokens))
    elif len(tokens) == 1:
        out.add("word", tokens[0])
    else:
        _search_inside(tokens, out)


def _search_inside(tokens: list[str], out: _Collector) -> None:
    """Known names inside an unclassified segment, longest first.

    A place found after unknown words is skipped: ``BP North America`` is a
    company, not a continent.
    """
    index, unknown_before = 0, False
    while index < len(tokens):
        for end in range(min(len(tokens), index + _MAX_NAME_WORDS), index, -1):
            known = _known(tokens[index:end])
            if known is not None and not (known[0] == "place" and unknown_before):
                out.add(*known)
                index = end
                break
        else:
            if tokens[index] not in _CONNECTORS:
                unknown_before = True
                if index == len(tokens) - 1 and tokens[index] in solo_surnames():
                    out.add("word", tokens[index])
            index += 1


def _without_weak_tail(segment: list[str]) -> list[str]:
    """Drop title words at the end of a segment: ``U.S. Treasury`` + ``Secretary``."""
    end = len(segment)
    while end and segment[end - 1] in _WEAK_TITLES:
        end -= 1
    return segment[:end]


def _segments(tokens: list[str]) -> Iterator[tuple[list[str], bool]]:
    """Cut a span at stop words, dates, titles and "and"; flag title-led segments.

    After a job title (``Secretary``), an ``of ...`` part belongs to the title
    and is classified on its own (``of State``, ``of the Bank of England``)
    until a given name starts the person's name.
    """
    segment: list[str] = []
    after_title = False  # the current segment follows a job title
    pending = False  # a job title was just seen; the next segment is its holder
    title_of = False  # inside the "of ..." part of a title
    for token in tokens:
        if token in _STOP or token in _WEEKDAYS_MONTHS or token == "and":
            if segment:
                yield segment, after_title
            segment, after_title, pending, title_of = [], False, False, False
        elif token in _TITLES and token not in _WEAK_TITLES and not title_of:
            segment = _without_weak_tail(segment)
            if segment:
                yield segment, after_title
            segment, after_title, pending = [], False, True
        elif pending and not segment and token in ("of", "for", "the"):
            title_of = True
        elif title_of and token not in first_names():
            segment.append(token)
        else:
            if title_of:
                if segment:
                    yield segment, False
                segment, title_of = [], False
            if pending and not segment:
                after_title, pending = True, False
            segment.append(token)
    if segment:
        yield segment, after_title


def _starts_with_title_org(tokens: list[str]) -> bool:
    """``General Motors Corp``: a title word that begins a company name."""
    return tokens[0] in _TITLES and "and" not in tokens and _is_org_form(tokens)


def _scan_mixed(text: str, out: _Collector) -> None:
    for match in _SPAN.finditer(text):
        tokens = [_strip_possessive(token) for token in match.group().split(" ")]
        tokens = [token for token in tokens if token]
        if not tokens:
            continue
        whole = _known(tokens) if len(tokens) <= _MAX_NAME_WORDS else None
        if whole is not None:
            out.add(*whole)
            continue
        if _starts_with_title_org(tokens):
            out.add("organization", " ".join(tokens))
            continue
        for segment, after_title in _segments(tokens):
            _classify(segment, after_title, out)


def _caps_lookup(tokens: Sequence[str]) -> tuple[str, str] | None:
    if len(tokens) == 1 and tokens[0] in _CAPS_WORDS:
        return None
    known = _known(tokens)
    if known is None and len(tokens) == 1:
        surname = _caps_surnames().get(tokens[0])
        if surname:
            return "person", surname
    return known


@functools.cache
def _caps_surnames() -> Mapping[str, str]:
    """:func:`solo_surnames` keyed as headlines write them (``VOLCKER``)."""
    return MappingProxyType({name.upper(): full for name, full in solo_surnames().items()})


def _scan_caps(text: str, out: _Collector) -> None:
    """Whole known names only: capitals carry no signal about what is a name."""
    for chunk in re.split(r"[,;:()\"<>/]| - | -- ", text):
        tokens = [_strip_possessive(token) for token in _CAPS_TOKEN.findall(chunk)]
        tokens = [token.rstrip(".") if token.count(".") == 1 else token for token in tokens]
        index = 0
        while index < len(tokens):
            for end in range(min(len(tokens), index + _MAX_NAME_WORDS), index, -1):
                found = _caps_lookup(tokens[index:end])
                if found is not None:
                    out.add(*found)
                    index = end
                    break
            else:
                index += 1


def _is_caps(text: str) -> bool:
    upper = sum(1 for ch in text if ch.isupper())
    lower = sum(1 for ch in text if ch.islower())
    return upper > 3 * lower


def _surname_keys(name: str) -> list[str]:
    words = [word for word in name.split() if word not in ("Jr.", "Jr", "Sr.", "III", "II")]
    keys = [words[-1]] if len(words) >= 2 else []
    # Spanish double surnames: "Torrealba Perez" may be cited as "Torrealba".
    if len(words) >= 4:
        keys.append(words[-2])
    return keys


def _resolve(mentions: list[_Mention], tag_people: Sequence[str]) -> list[_Mention]:
    """Map single words and partial person names to the document's people."""
    surnames: dict[str, str] = {}
    for mention in mentions:
        if mention.kind == "person":
            for key in _surname_keys(mention.name):
                surnames.setdefault(key, mention.name)
    for name in tag_people:
        for key in _surname_keys(name):
            surnames.setdefault(key, name)
    solo = solo_surnames()
    resolved = []
    for mention in mentions:
        full = surnames.get(mention.name) if mention.kind in ("word", "person") else None
        if full is None and mention.kind == "word":
            full = solo.get(mention.name)
        if full is not None:
            resolved.append(_Mention("person", full))
        elif mention.kind != "word":
            resolved.append(mention)
    return resolved


def _scan(text: str, out: _Collector) -> None:
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        if _is_caps(paragraph):
            _scan_caps(paragraph, out)
        else:
            _scan_mixed(paragraph, out)


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        key = lookup_key(name)
        if key and key not in seen:
            seen[key] = name
    return tuple(seen.values())


def extract_entities(
    texts: Sequence[str],
    tag_people: Sequence[str] = (),
) -> Entities:
    """People, organizations and places named in ``texts`` (title first, then body).

    ``tag_people`` are full names a source supplied (Reuters PEOPLE codes
    already mapped to display names); they let ``Baker`` resolve to ``James
    Baker``. They are not added to the result here: merging tags is the
    caller's choice.
    """
    out = _Collector()
    for text in texts:
        if text:
            _scan(fold_punctuation(text), out)
    mentions = _resolve(out.mentions, tag_people)
    mentions = _merge_short_people(mentions)
    by_kind: dict[str, list[str]] = {"person": [], "organization": [], "place": []}
    for mention in mentions:
        by_kind[mention.kind].append(mention.name)
    return Entities(
        people=_unique(by_kind["person"]),
        organizations=_unique(by_kind["organization"]),
        places=_unique(by_kind["place"]),
    )


def _merge_short_people(mentions: list[_Mention]) -> list[_Mention]:
    """``Mr Smith`` (a one-word person) becomes ``John Smith`` when both occur."""
    full_by_surname: dict[str, str] = {}
    for mention in mentions:
        if mention.kind == "person" and " " in mention.name:
            for key in _surname_keys(mention.name):
                full_by_surname.setdefault(key, mention.name)
    merged = []
    for mention in mentions:
        if mention.kind == "person" and " " not in mention.name:
            mention = _Mention("person", full_by_surname.get(mention.name, mention.name))
        merged.append(mention)
    return merged
