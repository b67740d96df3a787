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
   Reuters codes, known organizations and people), a preceding job title or
   lower-case role word (an occupation or a kinship noun counts only before
   two or three plain capitalized words: "author Truman Capote"), its
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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from indexer.extract.gazetteer import (
    all_names,
    common_words,
    countries,
    first_names,
    known_names,
    lookup_key,
    solo_surnames,
)
from indexer.extract.tagger import Context, span_tagger
from indexer.extract.teams import teams
from indexer.extract.variants import GIVEN_NAME_ABBREVIATIONS, is_demonym
from indexer.normalize import fold_punctuation

__all__ = ["Entities", "extract_entities"]


def _words(text: str) -> frozenset[str]:
    """A word list written as one string, for readable tables of words."""
    return frozenset(text.split())


_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0410-\u042f"
_LETTER = r"[^\W\d_]"
_ABBREVIATIONS = _words(
    "St Mt Ft Jr Sr Co Corp Inc Ltd Bros Cos Mr Mrs Ms Dr Gen Sen Rep Gov Lt Col Capt Prof Rev"
)
# One capitalized word: initials (U.S., E.), a short word with a period before
# another capitalized word (St. Louis; a sentence end such as "Iran. The" is
# told apart later, in _subspans), or a word with inner apostrophes and hyphens.
# Every branch starts with a capital, which lets the regex engine skip ahead.
_TOKEN = (
    rf"[{_UPPER}](?:\.(?:[{_UPPER}]\.){{1,3}}|{_LETTER}{{0,3}}\.(?= [{_UPPER}])"
    rf"|(?:{_LETTER}|[0-9])*(?:['-]\w+)*(?:(?<=s)'(?= [{_UPPER}]))?)"
)
_CONNECTOR = (
    r"(?:of|for|and|de|da|do|dos|del|della|di|du|van|von|der|den|la|le|al|bin|ibn|el|y|the|upon)"
)
# Arabic names join a lower-case article to the next name: "Ayman al-Zawahiri".
_ARTICLE_PREFIX = r"(?:al-|el-|ad-|as-|ash-|ar-|an-|at-|az-)?"
# "on" joins a name only after a body that deliberates on something: "Council on Foreign
# Relations", "Conference on Disarmament" (not "Smith on Monday").
_ON_HEADS = _words(
    "Council Committee Subcommittee Commission Conference Panel Institute Center Centre Force"
    " Coalition Forum Caucus"
)
_ON = "(?:" + "|".join(f"(?<={head} )" for head in sorted(_ON_HEADS)) + ")on"
_SPAN = re.compile(
    rf"{_TOKEN}(?:(?: (?:{_CONNECTOR}|{_ON}))* {_ARTICLE_PREFIX}{_TOKEN}| ?& ?{_TOKEN})*"
)
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
# A university named with its campus: "University of North Carolina at Chapel Hill"
# (the campus one or two words, and no name going on after them).
_UNIVERSITY_END = re.compile(rf"(?:University|College) of {_TOKEN}(?: {_TOKEN}){{0,2}}$")
_CAMPUS = re.compile(rf" at {_TOKEN}(?: {_TOKEN})?(?![\w-]| [{_UPPER}])")
_WHOLE = re.compile(r".+", re.DOTALL)
#: People's names hold no digits; aircraft and weapon models do ("Il-62").
_DIGIT = re.compile(r"[0-9]")
_POSSESSIVE = re.compile(r"(?:'s|')$")
# Lower-case role words right before a name make it a person's name.
_ROLE_WORDS = frozenset(
    str.split(
        """spokesman spokeswoman spokesperson analyst economist chairman chairwoman president
        director minister secretary governor official leader chief head envoy ambassador senator
        trader dealer executive manager counsel adviser advisor attorney judge lawyer professor
        general commissioner deputy premier treasurer negotiator"""
    )
)
# Nouns for people (occupations, kin) that are weaker evidence: only a name of two or
# three capitalized words right after one is a person's ("author Truman Capote",
# "his wife Suha Arafat"; not "member Former members", "cleric Grand Ayatollah ...").
_PERSON_NOUNS = frozenset(
    str.split(
        """actor actress singer songwriter musician rapper composer conductor pianist guitarist
        drummer comedian author writer novelist poet playwright screenwriter filmmaker
        photographer painter sculptor artist designer architect journalist reporter columnist
        correspondent editor publisher broadcaster presenter blogger historian scientist
        researcher physicist chemist biologist astronomer mathematician philosopher
        sociologist psychologist anthropologist archaeologist scholar lecturer teacher
        politician lawmaker legislator congressman congresswoman candidate nominee activist
        campaigner businessman businesswoman entrepreneur billionaire investor banker financier
        tycoon founder co-founder cofounder doctor physician surgeon nurse priest pastor
        bishop imam rabbi cleric monk soldier sergeant corporal pilot astronaut explorer
        athlete sprinter runner swimmer cyclist boxer wrestler golfer skier jockey striker
        midfielder defender goalkeeper forward quarterback pitcher batsman bowler coach
        teammate captain champion seed prosecutor detective inspector veteran member wife
        husband widow son
        daughter brother sister mother father girlfriend boyfriend"""
    )
)
_BRACKETED = re.compile(r"(\S*)(\s*)<([^<>]{1,60})>")
_PARTNERSHIP_HINTS = ("and Co", "& Co", "and Sons", "and Smith", "and Company")
_PARTNERSHIP = re.compile(
    # Not from a legal form on: "E.F. Hutton and Co Inc, Kidder Peabody and Co" is two firms.
    r"\b(?!(?:Co|Inc|Corp|Ltd|Plc)\b)[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)?"
    r"(?:, [A-Z][\w'.-]*(?: [A-Z][\w'.-]*)?){1,3},?"
    # Not "Merrill Lynch and Smith Barney co-managed": Smith is Smith Barney's.
    r" (?:and|&) (?:Co|Company|Sons|Smith(?! (?!Inc\b|Ltd\b|Co\b)[A-Z][a-z]))\b\.?"
    r"(?: Inc\b\.?| Ltd\b\.?)?"
)
_LOWER_RUN = re.compile(r"[a-z]{3}")
_UPPER_RE = re.compile(f"[{_UPPER}]")
_LOWER_RE = re.compile(r"[a-z\u00df-\u00f6\u00f8-\u00ff\u03b1-\u03c9\u0430-\u044f]")
_CAPS_TOKEN = re.compile(r"[A-Z][A-Z0-9.&'-]*")

_CONNECTORS = frozenset(_CONNECTOR[3:-1].split("|")) | {"on"}
_STOP = _words(
    """A An The In On At By For From To Of With Without Into Onto Over Under About After Before
    During Since Until Till While When Whenever Where Why How What Which Who Whom Whose If Unless
    But And Or Nor So Yet Also Although Though Because As Than Then There Here This That These
    Those It Its It's He She They We I You Me Him Her Us Them His Hers Our Their Your My Mine
    Some Many Much Most More Less All Both Each Every Any Other Others Another Such No Not None
    Neither Either One Two Three Four Five Six Seven Eight Nine Ten Earlier Later Meanwhile
    However Moreover Furthermore Still Even Only Just Last Next Today
    Yesterday Tomorrow Tonight Outside Inside Published Updated Posted Said Says Asked According
    Despite Among
    Against Between Through Including Following Like Unlike Please Thanks Yes Oh Now Already
    Again Instead Perhaps Maybe Indeed Overall Currently Recently Finally Further Total Net
    Shr Revs Qtr Avg Shrs Mths Oper Note PM AM GMT EST EDT BST CET Inc's Reuter Reuters's
    Let Do Does Did Is Are Was Were Be Been Has Have Had Will Would Can Could May Might Must
    Should Shall"""
)
# Capitalized only at the start of a sentence; inside a name they belong to it
# ("National Association of Securities Dealers").
_LEADING_STOP = _words(
    "Sources Source Analysts Officials Traders Dealers Others Economists Bankers Total Net Note"
    " Recent"
)
#: ...of which these open no name even before a head word ("Recent International ...").
_ALWAYS_LEADING_STOP = _words("Sources Source Others Recent Note")
_MONTHS = _words(
    """January February March April May June July August September October November
    December"""
)
#: Months written short, in tables ("Pay Jan 19", "Record Aug Three").
_MONTH_ABBREVIATIONS = _words("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec")
_WEEKDAYS_MONTHS = (
    _MONTHS
    | _MONTH_ABBREVIATIONS
    | _words(
        """Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur
        Thurs Fri Sat Sun"""
    )
)
# Job titles and honorifics: never an entity alone, and evidence that the
# name right after them is a person's.
_TITLES = _words(
    """President Presidents Vice Prime Minister Ministers Secretary Secretary-General Chancellor
    Premier Governor Senator Sen Sen. Rep Rep. Representative Congressman Congresswoman Chairman
    Chairwoman Chair Chairperson Director Director-General Commissioner Ambassador Mayor King
    Queen Prince Princess Pope Sheikh Ayatollah Mufti Gen Gen. General Colonel Col Col. Lt Lt.
    Captain Capt Capt. Admiral Judge Justice Mr Mr. Mrs Mrs. Ms Ms. Miss Dr Dr. Prof Prof.
    Professor Sir Dame Rev Rev. Fr Fr. Father Cardinal Bishop Archbishop Chief Executive Officer CEO
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
    Deputy Assistant Under Chief Executive Managing Senior Lord Lady General Grand Major
    Lieutenant Brigadier Inspector Prosecutor Solicitor Auditor Surgeon"""
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
    Cooperative Coalition Movement Front Alliance Brotherhood Church Hospital Reserve House
    Brothers Bros Bros. Mutual Realty Properties International Inc's Co's Corp's Agencies
    Embassy Consulate Survey Command Forces Guard Brigade Brigades Battalion Regiment Corps
    Tribunal Directorate Secretariat Legislature Caucus Centers Centres Orchestra Band Ensemble
    Choir Museum Library Records Studios Entertainment Publishing FC Scouts News Municipality
    Mission Initiative Consortium Cartel Observatory Force Community Monitor Staff Mirror Express
    Treasury Marines Cooperation Daily TV Chamber Voice Lines Markets Chronicle Sentinel Courier
    Inquirer Examiner Dispatch Bulletin Enquirer Observer Courant Ledger Telegram Advertiser
    Gleaner Statesman Media Panel Forum Laboratory Transport Logistics Software Solutions
    Ventures Pictures Films Telecom Telecommunications Therapeutics Pharma Brewery Brewing
    Shipping Legion Subcommittee Team"""
)
# Plurals after a city that name events or agreements, not teams: "Beijing Olympics".
_NOT_TEAMS = _words(
    "Olympics Games Talks Accords Conventions Protocols Riots Elections Awards Reps Sens"
    # Plural landforms: "Carrizo Plains", "Niagara Falls", "Golan Heights".
    " Plains Falls Heights Springs Lakes Keys Highlands Lowlands Flats Rapids Woods Isles"
)
# Heads whose "of" names keep a place written before them: "Massachusetts Institute of
# Technology", "Tokyo University of the Arts" (but "U.S. Department of Justice").
_PLACE_NAMED = _words("Institute University College School Academy Conservatory")
# Head words of a country's own bodies, which a nationality before them does not name:
# "Iranian Foreign Ministry", "Israeli Supreme Court", "Japanese Embassy".
_STATE_BODIES = _words(
    """Ministry Embassy Consulate Court Army Navy Police Parliament Government Cabinet
    Military Legislature"""
)
# Group words that open the names of bodies above or across nations: "European Court of
# Human Rights", "African Union", "Islamic Court".
_NOT_NATIONS = _words(
    """European African Asian Arab Arabian Latino Hispanic Sunni Shiite Shia Muslim Christian
    Jewish Catholic Protestant Hindu Buddhist Sikh Western Eastern"""
)
_COMPASS = _words("North South East West Northern Southern Eastern Western")
# Words before a name that say what it names: "oil company Yukos", "the band Korn".
_ORG_CUES = _words(
    """company firm group party band club newspaper daily agency bank airline carrier network
    broadcaster maker giant retailer insurer automaker conglomerate team label organization
    organisation movement charity manufacturer publisher channel magazine militia faction
    station"""
)
# Words right after a name that say it is an organization's: "Yukos shares
# fell", "a Gazprom spokesman".
_ORG_AFTER = _words(
    """shares stock stake subsidiary subsidiaries headquarters spokesman spokeswoman
    shareholders stockholders employees executives"""
)
# What follows a person's whole name: "Martin Luther King Jr", "John Pope III".
_NAME_SUFFIXES = _words("Jr Jr. Sr Sr. II III IV")
_LEGAL_SUFFIXES = _words(
    "Corp Corp. Corporation Inc Inc. Co Co. Ltd Ltd. Plc PLC LLC LP Pty AG SA NV Cos Limited"
)
# Words that begin a company's name in other languages: "Banque Paribas Capital Markets".
_ORG_FIRST = _words(
    "Banque Banco Banca Compagnie Societe Société Caisse Grupo Groupe Radio Daily Petroleos"
    " Petróleos Credit Crédit Credito Cie Cia Compania Compañía Companhia Usines Norsk Norske"
    " Svenska Svenske Dansk Danske Suomen Deutsche Nederlandsche Nippon Koninklijke Regie Régie"
)
_PRESS = _words(
    """Herald Times Post Journal Tribune Mirror Express Gazette Telegraph News Press Chronicle
    Sentinel Courier Inquirer Examiner Dispatch Bulletin Enquirer Observer Courant Ledger
    Telegram Advertiser Gleaner Statesman"""
)
# Words joined by "and" inside organization names.
_AND_WORDS = _words(
    """Justice Equality Peace Security Solidarity Freedom Democracy Progress Reform Unity Law
    Liberty Reconciliation Stability Relief Savings Loan Food Drug Securities Exchange Research
    Development Trade Industry Commerce
    Science Technology Health Human Services Education Welfare Labor Labour Social Economic Trust
    Fish Wildlife Land Light Power Gas Electric Water Telegraph Telephone Marine Aviation Space
    Housing Urban Agriculture Fisheries Forestry Energy Mines Finance Planning Budget Customs
    Ways Arts Culture Tourism Sport Sports Environment Youth Rules Oversight Trades"""
)
_LEGAL_KEYS = frozenset(suffix.lower().rstrip(".") for suffix in _LEGAL_SUFFIXES)
_NOT_PERSON_LAST = _words(
    "Democratic Democrat Democrats Republican Republicans Socialist Socialists Communist"
    " Communists Conservative Conservatives Liberal Liberals Science Sciences"
    # Plans, laws and prizes named after someone: "Marshall Plan", "Stanley Cup".
    " Plan Doctrine Act Award Awards Prize Cup Trophy Treaty Accord Accords Agreement"
)
_PLACE_HEADS = _words(
    """County Province Prefecture Island Islands Oblast Canton Region Valley River Dock Docks
    Highway Empire Mountains Hills Peninsula Desert Ocean Sea Strait Territory Prison"""
)
# Lower-case words after a name that say it names a place: "Sangin district",
# "Abu Ghraib prison", "Jaffna peninsula".
_PLACE_NOUNS = _words(
    """province district region valley river peninsula island islands airport prison county
    village town city suburb neighborhood neighbourhood border mountains desert refugee"""
)
# First words of places: "Mount Kenya", "Lake Chad", "Gulf of Aden", "Port of Liverpool".
_PLACE_FIRST = _words("Mount Mt. Lake Gulf Bay Strait Cape Port Isle Fort")
# Last words of the name of a building or a site, a place where news happens ("Volgograd
# Arena", "Shandao Temple"); some are surnames too ("Shirley Temple"): see _facility.
_FACILITY_HEADS = _words(
    """Stadium Arena Temple Mosque Cathedral Basilica Shrine Airport Square Bridge Palace
    Street Avenue Boulevard Plaza Canal Dam Memorial Monument Station"""
)
# Capitalized words the tagger must not type: compass points and blocs used
# as adjectives ("West German", "the West"), table headings.
_NOT_NAMES = (
    _words(
        """West East North South Western Eastern Northern Southern Central Western-style
    West German East German East Bloc Eastern Bloc NOTE Note FOB CIF"""
    )
    | frozenset(("West German", "East German", "East Bloc", "Eastern Bloc"))
    # Groups of countries by wealth or era, not bodies: "Third World debt".
    | frozenset(("Third World", "First World", "Free World", "Old World", "New World"))
    # Currencies named as two words.
    | frozenset(("Deutsche Mark", "Swiss Franc", "French Franc", "Pound Sterling"))
    # Grades of crude oil, the benchmarks prices are quoted for.
    | frozenset(
        (
            "West Texas Intermediate",
            "Brent Blend",
            "Forties Blend",
            "Urals Blend",
            "Saharan Blend",
            "Kuwait Blend",
            "Arab Light",
            "Arab Medium",
            "Arab Heavy",
            "Iranian Light",
            "Iranian Heavy",
            "Bonny Light",
            "Dubai Fateh",
        )
    )
    | _words(
        # Everyday abbreviations of things, not names: measures, diseases, media, devices,
        # instruments of finance and trade.
        """GDP GNP CPI HIV DNA RNA SARS TV CEO CFO IPO GMT UTC IQ PC DVD CD USB GPS SMS VIP
        AIDS SDR SDRs ADR ADRs PSBR FCOJ ZIP OTC NAV EPS LIBOR VAT ATM ICU MRI WMD IED RPG
        UAV SUV LNG LPG NGO NGOs"""
    )
    # Holidays and feasts, which are days, not people ("before Easter", "over Christmas").
    | _words("Easter Christmas Thanksgiving Ramadan Passover Hanukkah Diwali Eid Lent Advent")
)
# Flu strains and similar designations: "H5N1", "H1N1".
_STRAIN = re.compile(r"[A-Z]\d+[A-Z]\d+")
# Short all-capitals aliases that are also English words, ignored in headlines.
_CAPS_WORDS = _words(
    "WHO SET FOX AID US IT IS AM PM AN AS AT BE BY DO GO IF IN NO OF ON OR SO TO UP WE"
)
# Words that open the name of a storm or other event: "Hurricane Katrina",
# "Tropical Storm Gustav" name neither a person nor a place.
_EVENT_WORDS = _words(
    "Hurricane Hurricanes Typhoon Typhoons Cyclone Cyclones Tropical Storm Storms Tornado Operation"
    " Eid"
)
# Possessives of a group noun sit inside a name, never at its end: "People's Republic of
# China", "Sudan People's Liberation Army", "Women's Tennis Association".
_GROUP_POSSESSIVES = _words(
    """People's Peoples' Workers' Women's Men's Children's Farmers' Veterans' Citizens'
    Writers' Teachers' Nurses' Journalists' Employers' Lawyers' Doctors' Students' Worker's
    Martyrs'"""
)
# First words of groups' names in Arabic, Urdu and Pashto: army, supporters, soldiers,
# movement, party, front, brigades, group, society, battalion.
_GROUP_OPENERS = _words(
    """Jaish Jaysh Ansar Jund Harakat Hizb Hezb Jabhat Jebhe Kataib Kata'ib Liwa Saraya Asaib
    Asa'ib Tanzim Jamaat Jamaa Jemaah Jamaah Lashkar Tehrik Tehreek Sipah Majlis Harkat"""
)
_GROUP_PARTICLES = frozenset("al el ul ut ud us ur e i".split())
# Words after a lower-case article that name a faith, a cause or a holy place, not a
# family: "Fatah al-Islam", "Jund al-Sham", "Kataib al-Quds".
_GROUP_ARTICLE_WORDS = _words(
    """Islam Islamiya Islamiyah Islamiyya Sunna Sunnah Sharia Mahdi Haq Haqq Jihad Aqsa Quds
    Sham Qaida Qaeda Nusra Shabaab Shabab Mujahideen Mujahidin Umma Ummah Dawa Dawaa Tahrir
    Islah Wefaq Furqan Fath Ahrar Tawhid"""
)
# Lower-case particles inside people's names (the name goes on after them).
_NAME_PARTICLES = frozenset("bin ibn da de dos del della di du van von der den la le".split())
_MAX_NAME_WORDS = 6


@dataclass(frozen=True, slots=True)
class Entities:
    """Display names found in a document, de-duplicated, in first-seen order."""

    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    #: ``(kind, display, spelling)``: a spelling in the text that a table
    #: mapped to a display name ("place", "United Kingdom", "Britain").
    spellings: tuple[tuple[str, str, str], ...] = ()


@dataclass(slots=True)
class _Mention:
    # "person", "organization", "place"; "word" (a single word to resolve) or
    # "place?" (a place that may be the start of a company's name).
    kind: str
    name: str
    #: For a name the rules could not classify ("word", "cand"): the
    #: context the statistical tagger reads (see ``indexer.extract.tagger``).
    context: Context | None = None
    #: Referred to as "its" right after ("X said in its review"): not a person.
    neuter: bool = False
    #: Named after a title ("Pope Benedict", "Mr. Kim"): a person even when
    #: the one word is also a given name.
    titled: bool = False
    #: Described right after as a firm or another body ("Secunia, a Danish security
    #: firm,"; "Qarnco, a unit of ..."), or named as someone's employer or a firm right
    #: before ("chief executive of Qarnco", "shares of Qarnco"): an organization,
    #: whatever its words look like.
    described_as_body: bool = False
    #: The type of a name listed with this one ("JAXA and Roscosmos", "Exxon, Qarnoil and
    #: Chevron"), when the story typed that name.
    coordinated: str | None = None


@dataclass(slots=True)
class _Collector:
    mentions: list[_Mention] = field(default_factory=list)
    #: The paragraph being read and the bounds of the current span, so that
    #: the tagger's context is computed only for the few names it sees.
    text: str = ""
    span: tuple[int, int] = (0, 0)
    #: Whether the current subspan is the span's first (its context applies).
    opening: bool = True

    #: (kind, display name) -> spellings in the text the tables mapped to it
    #: ("Britain" -> "United Kingdom").
    spellings: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: Organizations the document defines with their initials, and the
    #: initials: "Movement for Democratic Change (MDC)"; name -> display.
    defined: dict[str, str] = field(default_factory=dict)
    #: Names written before a known region, "Evanston, Illinois": name -> that spelling.
    located: dict[str, str] = field(default_factory=dict)
    #: Regions written abbreviated after a comma, "Troy, Mich.", without their period.
    abbreviated: set[str] = field(default_factory=set)
    #: Spans of the paragraph that list a deal's banks ("Co-managers are Daiwa, Dillon
    #: Read and Drexel Burnham"), where a name is a firm's.
    firm_lists: list[tuple[int, int]] = field(default_factory=list)

    def add(self, kind: str, name: str) -> None:
        self.mentions.append(_Mention(kind, name))

    def add_known(self, known: tuple[str, str], tokens: Sequence[str]) -> None:
        """A name the tables know, remembering the spelling when it differs from the display."""
        self.mentions.append(_Mention(*known))
        spelling = " ".join(tokens)
        if spelling.casefold() != known[1].casefold():
            self.spellings.setdefault(known, []).append(spelling)

    def _employer_named(self, name: str, start: int, end: int) -> bool:
        """Whether words right before ``name`` in the span name it as an employer or a
        firm ("the chief executive of Qarnco", "Shares of Qarnco")."""
        if not _employer_form(name):
            return False
        at = self.text.find(name, start, end)
        return (
            at != -1
            and _LETTER_AFTER.match(self.text, at + len(name)) is None  # "Class A"
            and _EMPLOYER_BEFORE.search(self.text, max(0, at - 40), at) is not None
        )

    def add_unclassified(self, kind: str, name: str, inside: str | None) -> None:
        """A name the rules could not type: the tagger decides once the document is read."""
        start, end = self.span
        before, after, initial = _context(self.text, start, end)
        if not self.opening:
            before, initial = "", False
        if inside is not None:  # the segment follows other words of its span
            before, initial = inside.rstrip(".,"), False
        elif initial and " " not in name:
            following = self.text[start + len(name) : start + len(name) + 20].split()
            if following and following[0] in _WEEKDAYS_MONTHS:
                # "Record April One", "Pay May 25": a table's label before a date
                after = following[1].lower() if len(following) > 1 else ""
        context = (before, after, initial)
        self.mentions.append(
            _Mention(
                kind,
                name,
                context,
                _neuter_after(self.text, end),
                described_as_body=(
                    self.text.endswith(name, start, end)  # the span's last part
                    and len(name) > 2
                    and _BODY_APPOSITIVE.match(self.text, end) is not None
                )
                or self._employer_named(name, start, end),
            )
        )


def _strip_possessive(token: str) -> str:
    return _POSSESSIVE.sub("", token) if "'" in token else token


def _known(tokens: Sequence[str]) -> tuple[str, str] | None:
    """``(kind, display)`` when ``tokens`` spell a known name exactly."""
    if len(tokens) > 1 and tokens[0].lower() not in all_names().openers:
        return None
    return _lookup(" ".join(tokens))


@functools.lru_cache(maxsize=65_536)
def _lookup(text: str) -> tuple[str, str] | None:
    """:meth:`AllNames.get`, remembered: the same spans recur across stories."""
    return all_names().get(text)


#: Members a society is named after, before its "of" or "for" part: "Knights of
#: Columbus", "Friends of the Earth", "Veterans of Foreign Wars".
_MEMBERS = _words("Daughters Sons Knights Friends Veterans Citizens Physicians Mothers")


def _org_start(tokens: Sequence[str]) -> int | None:
    """Where an organization name starts in ``tokens``, by its form, or ``None``.

    ``... Co``/``Bank``/``Ministry`` at the end: the whole segment;
    ``Department of Justice`` anywhere: from ``Department`` on, so that
    ``U.S. Department of Justice`` keeps ``U.S.`` as a place.
    """
    if len(tokens) < 2 or _venue(tokens):
        return None  # "Metro Toronto Convention Centre": a building, a place by its form
    if tokens[0] in _MEMBERS and tokens[1] in ("of", "for") and tokens[-1] not in _FACILITY_HEADS:
        return 0  # "Daughters of the American Revolution", "Physicians for Human Rights"
    for index in range(len(tokens) - 1):
        following = tokens[index + 1]
        if tokens[index] in _ORG_HEADS and (
            following in ("of", "for") or (following == "on" and tokens[index] in _ON_HEADS)
        ):
            return _qualified_start(tokens, index)
    last = tokens[-1]
    if last in _ORG_HEADS or last.split("-")[0] in _ORG_HEADS or "&" in tokens:
        return 0
    if "-" in last and last.rsplit("-", 1)[1] in _PRESS:  # "Fort Worth Star-Telegram"
        return 0
    if tokens[0] in _ORG_FIRST or _is_team(tokens) or _party_by_members(tokens):
        return 0
    if "and" in tokens and _joined_to_itself(tokens, tokens.index("and")):
        return 0  # "Johnson and Johnson": a firm (no one is named twice)
    return None


def _joined_to_itself(tokens: Sequence[str], index: int) -> bool:
    """Whether "and" at ``index`` joins a name to itself, then at most a legal form:
    "Johnson and Johnson", "Smith and Smith Inc" (a firm; no one is named twice)."""
    return (
        0 < index < len(tokens) - 1
        and tokens[index - 1] == tokens[index + 1]
        and all(word in _LEGAL_SUFFIXES for word in tokens[index + 2 :])
    )


_PARTY_MEMBERS = _words(
    "Democrats Republicans Socialists Liberals Conservatives Communists Nationalists Greens"
)
_CHAMBERS = _words("Senate House Congressional Parliamentary Assembly State")


def _party_by_members(tokens: Sequence[str]) -> bool:
    """A party named by its members: "Christian Democrats", "Neo Democrats"; not a
    place's or a chamber's members ("Kansas Democrats", "Senate Republicans")."""
    if tokens[-1] not in _PARTY_MEMBERS or len(tokens) > 4:
        return False
    qualifier = tokens[:-1]
    if qualifier[0] in _CHAMBERS:
        return False
    known = _known(qualifier)
    return known is None or known[0] != "place"


def _is_team(tokens: Sequence[str]) -> bool:
    """A city or region and a plural name: a sports team ("Buffalo Bisons", "New York
    Yankees"); not after a country ("U.S. Attacks" in a headline)."""
    last = tokens[-1]
    if not (
        len(tokens) <= 5
        and len(last) > 3
        and last.endswith("s")
        and last[1:-1].islower()
        and last not in _NOT_PERSON_LAST
        and last not in _NOT_TEAMS
        and last not in _PLACE_HEADS
        and not is_demonym(last)
    ):
        return False
    # The city or region, then one or two words of the team's own name: "Oakland
    # Athletics", "Toronto Blue Jays", "Sacramento River Cats".
    for cut in range(len(tokens) - 1, max(0, len(tokens) - 3), -1):
        known = _known(tokens[:cut])
        if known is not None:
            return (
                known[0] == "place"
                and known[1] not in countries()
                # Title-case words of the team's own name: not "Constantine S. Nicandros".
                and all(word[:1].isupper() and word[1:].isalpha() for word in tokens[cut:])
            )
    return False


def _qualified_start(tokens: Sequence[str], index: int) -> int:
    """Back over words that qualify an organization's head: ``National Association
    of``, ``First Federal Savings and Loan Association of``; not over a place that
    precedes it (``U.S. Department of Justice``) nor past "the"."""
    start = index
    while start and tokens[start - 1] not in ("the", "of", "for"):
        word = tokens[start - 1]
        if word not in ("and", "&") and not word[:1].isupper():
            break
        known = _known([word])
        if (
            known is not None
            and known[0] != "organization"  # "Ericsson Telephone Co of Sweden" is one name
            and (tokens[index] not in _PLACE_NAMED or known[1] in countries())
        ):
            break  # "U.S. National Institute of Mental Health"
        start -= 1
    while start < index and tokens[start] in ("and", "&"):
        start += 1
    return start


def _trim_connectors(tokens: list[str]) -> list[str]:
    start, end = 0, len(tokens)
    while start < end and (tokens[start] in _CONNECTORS or tokens[start] == "&"):
        start += 1
    while end > start and (tokens[end - 1] in _CONNECTORS or tokens[end - 1] == "&"):
        end -= 1
    return tokens[start:end]


def _split_person(tokens: list[str], out: _Collector, titled: bool = False) -> None:
    """A person's name ends at a connector or a known name: ``Heinz Hofer of Switzerland``."""
    end = len(tokens)
    for index, token in enumerate(tokens):
        if token in _CONNECTORS and not _particle(tokens, index):
            end = index
            break
    while end > 2 and _known(tokens[end - 1 : end]) is not None:
        end -= 1
    out.mentions.append(_Mention("person", " ".join(tokens[:end]), titled=titled))
    if end < len(tokens) and _employer_of(tokens[:end], tokens[end:]):
        out.add("organization", " ".join(tokens[end + 1 :]))  # "Joseph Doyle of Smith Barney"
    elif end < len(tokens):
        _classify(tokens[end:], False, out)


def _employer_of(person: Sequence[str], rest: Sequence[str]) -> bool:
    """Whether ``rest`` is "of" and an unknown name of two or three words that reads as a
    firm's: a person "of" such a name is its staff ("William Sullivan of Dean Witter
    Reynolds"). A place's name says so ("of Nether Wallop Village"); a lone word may be
    a village and stays with the tagger."""
    if rest[0] != "of" or not 3 <= len(rest) <= 4 or not _plain_name(person):
        return False
    name = rest[1:]
    return (
        all(word[:1].isupper() and word not in _CONNECTORS for word in name)
        and _known(name) is None
        and _known(name[:1]) is None  # "of Texas Arlington", "of Paris Nord"
        and name[-1] not in _PLACE_HEADS
        and name[0] not in _PLACE_FIRST
        and not any(is_demonym(word) or word in _COMPASS for word in name)
    )


def _add_organization(tokens: list[str], out: _Collector) -> None:
    """An organization, without a trailing place it is "of" ("University of Sheffield
    of the UK" is the University of Sheffield, in the United Kingdom) or dangling
    connectors."""
    for index in range(len(tokens) - 2, 1, -1):
        if tokens[index] == "of" and (
            "of" in tokens[:index]
            # "Exxon Corp of the U.S."; not "Development Bank of the Philippines", a name
            or (tokens[index + 1] == "the" and tokens[index - 1] in _LEGAL_SUFFIXES)
        ):
            rest = tokens[index + 1 :]
            if rest and rest[0] == "the":
                rest = rest[1:]
            known = _known(rest) if rest else None
            if known is not None and known[0] == "place":
                out.add_known(known, rest)
                tokens = tokens[:index]
                break
    tokens = _trim_connectors(tokens)
    tokens = tokens[_nationality_before_state_body(tokens) :]
    if tokens:
        out.add("organization", " ".join(tokens))
        if tokens[-1] in _PUBLIC_HEADS and any(word in _LOCAL_BODY_WORDS for word in tokens[1:]):
            _town_of_body(tokens, out)


#: Words of a town's or a county's own public body: "Irving Police Department", "Qarnton
#: City Council", "Cook County Sheriff's Office"; the body's last word is a public
#: one, not a firm's ("National City Corp", "Kansas City Southern Industries").
_LOCAL_BODY_WORDS = _words("Police Fire Sheriff Municipal City County")
_PUBLIC_HEADS = _words(
    """Police Department Council Court Commission Board Office Authority Service District
    Government Administration Agency"""
)


def _town_of_body(tokens: Sequence[str], out: _Collector) -> None:
    """The place a local public body is named after is a place of the story: a reader
    filtering on Volgograd wants the story the "Volgograd Police Department" is in. The
    place is a known one, or a county by its form ("Cook County")."""
    cut = next(index for index, word in enumerate(tokens) if index and word in _LOCAL_BODY_WORDS)
    town = tokens[: cut + 1] if tokens[cut] in ("City", "County") else tokens[:cut]
    if len(town) > 4 or not all(word[:1].isupper() for word in town):
        return
    known = _known(town)
    if known is not None and known[0] == "place":
        out.add_known(known, town)
    elif known is None and town[-1] == "County" and len(town) > 1:
        out.add("place", " ".join(town))


def _nationality_before_state_body(tokens: Sequence[str]) -> int:
    """How many leading words are a nationality before a state body: "Iranian Foreign
    Ministry" is the Foreign Ministry (as "Iran's Foreign Ministry" is), "North Korean
    Supreme Court" the Supreme Court; the nationality is not an entity. A name the
    nationality is part of keeps it ("American Medical Association", "British Airways",
    "European Court of Human Rights"), and so does a one-word body ("Japanese Embassy")."""
    count = 2 if len(tokens) > 2 and tokens[0] in _COMPASS else 1
    nationality = tokens[count - 1]
    if nationality in _NOT_NATIONS or not is_demonym(nationality):
        return 0
    rest = tokens[count:]
    if len(rest) < 2 or any("'" in word for word in rest):
        return 0  # "Japanese Embassy" (not "Embassy"), "Korean People's Army"
    head = rest[rest.index("of") - 1] if "of" in rest[1:] else rest[-1]
    return count if head in _STATE_BODIES else 0


def _particle(tokens: Sequence[str], index: int) -> bool:
    """Whether ``tokens[index]`` is a particle inside a person's name, followed by the
    rest of it: "Osama bin Laden", "Lula da Silva", "Ludwig van Beethoven"."""
    return (
        tokens[index] in _NAME_PARTICLES
        and 0 < index < len(tokens) - 1
        and tokens[index + 1][:1].isupper()
        and _known(tokens[index + 1 :]) is None
    )


def _arabic_person(tokens: Sequence[str]) -> bool:
    """Arabic personal names by their form: "Abu Musab al-Zarqawi", "Osama bin Laden"."""
    return len(tokens) >= 2 and (
        tokens[0] == "Abu"
        or any(t in ("bin", "ibn") for t in tokens[1:-1])
        or any(t.startswith(("al-", "el-")) and t[3:4].isupper() for t in tokens[1:])
    )


def _arabic_form(tokens: list[str], out: _Collector) -> bool:
    """A group's or a person's name told by its Arabic form; ``False`` if neither."""
    if _arabic_group(tokens):
        out.add("organization", " ".join(tokens))
    elif _arabic_person(tokens) and not _before_place_noun(tokens, out):
        _split_person(tokens, out)
    else:
        return False
    return True


def _arabic_group(tokens: Sequence[str]) -> bool:
    """Groups named in Arabic, Urdu or Pashto by their form: a first word that means army,
    supporters, party, front or movement ("Jaish al-Mahdi", "Ansar al-Islam", "Lashkar-e-
    Qarn"), or an article before a word of faith ("Fatah al-Islam", "Jund al-Sham"); the
    same form as "Abu Musab al-Zarqawi", but no one's name."""
    opener, _, joined = tokens[0].partition("-")
    if opener in _GROUP_OPENERS and (
        joined.split("-")[0] in _GROUP_PARTICLES  # "Lashkar-e-Taiba", "Jamaat-ud-Dawa"
        or (len(tokens) > 1 and tokens[1].split("-")[0] in _GROUP_PARTICLES)  # "Jaish al-Mahdi"
        or (len(tokens) > 1 and tokens[1] in _GROUP_ARTICLE_WORDS)  # "Jemaah Islamiyah"
    ):
        return True
    return any(
        token[:3] in ("al-", "el-") and _strip_possessive(token[3:]) in _GROUP_ARTICLE_WORDS
        for token in tokens[1:]
    )


def _is_place(token: str) -> bool:
    return known_names()["place"].get(token) is not None


def _is_acronym(token: str) -> bool:
    return 2 <= len(token) <= 5 and token.isupper() and token.isalpha()


def _index_from(tokens: list[str], token: str, start: int) -> int:
    """Where ``token`` occurs in ``tokens`` at or after ``start`` (``start`` if nowhere)."""
    try:
        return tokens.index(token, start)
    except ValueError:
        return start


def _classify(
    tokens: list[str], after_title: bool, out: _Collector, before: str | None = None
) -> None:
    """Classify one segment of a span (see the module docstring, step 3).

    ``before``: the span's word before the segment ("in" of "In Qarvenstad"),
    ``None`` when the segment opens the span (the span's context applies).
    """
    before = _word_before(tokens, before)
    tokens = _trim_connectors(tokens)
    tokens = _without_trailing_initials(tokens, out)
    if not tokens or _pretyped(tokens, out) or _split_pair(tokens, out, after_title):
        return
    if len(tokens) > 1 and " ".join(tokens) in _NOT_NAMES:
        return  # "Brent Blend", "Third World": no given name makes them people
    known = _known(tokens)
    org_start = _org_start(tokens)
    if known is not None:
        out.add_known(known, tokens)
    elif (
        len(tokens) > 2
        and tokens[1] in ("of", "in")
        and _is_place(tokens[0])
        and tokens[0] not in _PLACE_FIRST  # "Gulf of Aden" is one place
    ):
        out.add("place", known_names()["place"].get(tokens[0]) or tokens[0])
        _classify(tokens[2:], False, out)  # "Geneva of the United Nations Conference"
    elif org_start is not None:
        if org_start:
            _classify(tokens[:org_start], after_title, out)
        _add_organization(tokens[org_start:], out)
    elif (
        after_title
        and tokens[0] not in _CONNECTORS
        and tokens[0] not in _ORG_HEADS
        and not (len(tokens) == 1 and tokens[0].lower() in common_words())  # "King World"
    ):
        # "official Administration policy": a role word before a lone
        # organization word is not a person's name.
        _split_person(tokens, out, titled=True)
    elif len(tokens) >= 2 and (
        tokens[-1] in _PLACE_HEADS
        or (tokens[0] in _PLACE_FIRST and tokens[-1] not in _EVENTS)  # not "Gulf War"
        or _facility(tokens)
    ):
        _add_place_by_form(tokens, out)
    elif (
        len(tokens) >= 2
        and tokens[0] in first_names()
        and tokens[1] not in _CONNECTORS
        and not _ends_in_everyday_word(tokens)
    ):
        if _name_part(tokens)[-1] not in _NOT_PERSON_LAST:
            _split_person(tokens, out)  # "Gary Qarn of the Neo Democrats" (not "Gary Plan")
    elif not _national_person(tokens, out) and not _arabic_form(tokens, out):
        _by_form_or_leftover(tokens, out, before)


def _by_form_or_leftover(tokens: list[str], out: _Collector, before: str | None) -> None:
    """A name no table knows: a person by the form of an East Asian name, else a
    leftover for the tagger."""
    if _east_asian_name(tokens):
        _split_person(tokens, out)
    else:
        _leftover(tokens, out, before)


#: "Lam Cheuk-ting", "Moon Jae-in", "Wong Yeung-tat": a short surname, then a given
#: name of two syllables joined by a hyphen, the second in lower case.
_EAST_ASIAN_SURNAME = re.compile(r"[A-Z][a-z]{1,4}")
_EAST_ASIAN_GIVEN = re.compile(r"[A-Z][a-z]{1,5}-[a-z]{2,5}")
#: Words after a hyphen that make a qualifier, not a syllable: "Coca Cola-owned".
_NOT_SYLLABLES = _words(
    "style type like made born wide free long sized size era run area base bound class level"
)


def _qualifier(word: str) -> bool:
    """Whether a hyphen makes ``word`` an adjective: "Cola-owned", "York-style"."""
    head, _, tail = word.rpartition("-")
    return bool(head) and tail.islower() and (tail.endswith("ed") or tail in _NOT_SYLLABLES)


def _east_asian_name(tokens: Sequence[str]) -> bool:
    """A Chinese or Korean name by its form, which the given-name tables cannot know."""
    if len(tokens) != 2 or _known(tokens[:1]) is not None:
        return False
    if _known([tokens[0], tokens[1].partition("-")[0]]) is not None:
        return False  # "New York-area"
    return (
        _EAST_ASIAN_SURNAME.fullmatch(tokens[0]) is not None
        and _EAST_ASIAN_GIVEN.fullmatch(tokens[1]) is not None
        and not _qualifier(tokens[1])
    )


#: Last words of an event named after a place: "Gulf War", "Fort Qarn Crisis".
_EVENTS = _words("War Wars Crisis Conflict Campaign Offensive Summit Talks Accord")


def _facility(tokens: Sequence[str]) -> bool:
    """A building or a site by its last word ("Fisht Olympic Stadium"), not a person
    whose surname is that word ("Shirley Temple")."""
    return (tokens[-1] in _FACILITY_HEADS and tokens[0] not in first_names()) or _venue(tokens)


#: What a centre is for when it is a building people go to, not a body: "Convention
#: Centre", "Shopping Center", "World Trade Center", "Arts Centre".
_VENUE_KINDS = _words("Convention Exhibition Shopping Trade Sports Civic Leisure Art Arts")


def _venue(tokens: Sequence[str]) -> bool:
    """A centre named for what people go to it for: a building, a place."""
    return len(tokens) >= 2 and tokens[-1] in ("Centre", "Center") and tokens[-2] in _VENUE_KINDS


def _add_place_by_form(tokens: Sequence[str], out: _Collector) -> None:
    """A place by its first or last word ("Mount Qarn", "Qarn Valley", "Volgograd
    Arena"); a building's town is a place of the story too: a reader filtering on
    Volgograd wants the match at the "Volgograd Arena"."""
    out.add("place", " ".join(tokens))
    if not _facility(tokens):
        return
    for end in range(len(tokens) - 1, 0, -1):
        known = _known(tokens[:end])
        if known is not None:
            if known[0] == "place" and not (end == 1 and tokens[0].lower() in common_words()):
                # (not "Metro" of "Metro Toronto Convention Centre": a word, no town)
                out.add_known(known, tokens[:end])
            return


def _national_person(tokens: list[str], out: _Collector) -> bool:
    """A nationality, a given name and a surname: the person ("American Sam Querrey";
    not "British Red Cross", which has no given name)."""
    if (
        len(tokens) >= 3
        and is_demonym(tokens[0])
        and tokens[0] not in first_names()
        and tokens[1] in first_names()
        and _plain_name(tokens[1:])
    ):
        _split_person(tokens[1:], out)
        return True
    return False


def _without_trailing_initials(tokens: list[str], out: _Collector) -> list[str]:
    """An organization's name without the initials after it: its own ("Saudi Press
    Agency SPA"), or a country's, which is a place ("Beneficial National Bank USA",
    "University of Sheffield of the UK")."""
    if (
        len(tokens) <= 2
        or not _is_acronym(tokens[-1])
        # "University of NSW": the initials are a place the body is named after
        or (tokens[-2] == "of" and tokens[-3] in _ORG_HEADS)
        or _org_start(tokens[:-1]) != 0
    ):
        return tokens
    place = _known(tokens[-1:])
    if place is not None and place[0] == "place" and not _initials_match(tokens[:-1], tokens[-1]):
        out.add_known(place, tokens[-1:])
    return tokens[:-1]


def _name_part(tokens: Sequence[str]) -> Sequence[str]:
    """A person's segment up to its first connector that is not a name's particle."""
    for index, token in enumerate(tokens):
        if token in _CONNECTORS and not _particle(tokens, index):
            return tokens[:index]
    return tokens


def _word_before(tokens: Sequence[str], before: str | None) -> str | None:
    """The word before a segment once its leading connectors go: "the" in "Later the
    Army" (``before`` is "later"); ``None`` stays ``None`` (the span's context applies)."""
    if before is None or not tokens or tokens[0] not in _CONNECTORS:
        return before
    lead = 0
    while lead < len(tokens) - 1 and tokens[lead] in _CONNECTORS:
        lead += 1
    return tokens[lead - 1].lower()


def _ends_in_everyday_word(tokens: Sequence[str]) -> bool:
    """A name of three words or more ending in an everyday word is a thing's, not a
    person's, even after a given name: "Alvin Vogtle Nuclear Plant", "Charles Lefranc
    Cellars" (surnames that are also words, "Young", "Shaw", are not in the list; a
    given name before the last word keeps it a surname: "Edward George Honey")."""
    for index, token in enumerate(tokens):
        if token in _CONNECTORS:
            tokens = tokens[:index]  # "Gary Qarn of DAB": the name ends at "of"
            break
    if len(tokens) < 3 or tokens[-2] in first_names() or _INITIALS.fullmatch(tokens[-2]):
        return False  # "Edward George Honey", "Ian M. Cumming"
    last = tokens[-1]
    if not last[1:].islower() or _ROMAN.fullmatch(last) or last.rstrip(".") in ("Jr", "Sr"):
        return False  # "Henry Heinz II", "... DAB"
    words = common_words()
    lower = last.lower()
    # "Beatrice Consumer Durables": a plural of an everyday word counts too.
    return lower in words or (lower.endswith("s") and lower[:-1] in words)


def _before_place_noun(tokens: Sequence[str], out: _Collector) -> bool:
    """Whether the segment ends its span and a place noun follows: "Abu Ghraib prison"."""
    start, end = out.span
    if not out.text[start:end].endswith(tokens[-1]):
        return False
    return _context(out.text, start, end)[1] in _PLACE_NOUNS


def _leftover(tokens: list[str], out: _Collector, before: str | None) -> None:
    """A segment no rule typed: known names inside it, else it goes to the tagger."""
    if len(tokens) == 1:
        out.add_unclassified("word", tokens[0], before)
        return
    count = len(out.mentions)
    _search_inside(tokens, out)
    if len(out.mentions) == count:
        out.add_unclassified("segment", " ".join(tokens), before)


def _split_people_pair(tokens: list[str], out: _Collector) -> bool:
    """``David Marsh & Lena Tate``: two people, not a firm, when each side is a given name
    and a surname (a firm's "&" joins surnames: "Procter & Gamble", "Marks & Spencer")."""
    amp = tokens.index("&")
    sides = (tokens[:amp], tokens[amp + 1 :])
    if not all(
        2 <= len(side) <= 3
        and side[0] in first_names()
        and not any(word in _ORG_HEADS or word in _CONNECTORS for word in side)
        for side in sides
    ):
        return False
    for side in sides:
        _split_person(side, out)
    return True


def _split_pair(tokens: list[str], out: _Collector, titled: bool = False) -> bool:
    """A person "of" an organization, or two people joined by "&": typed apart."""
    if "&" in tokens and _split_people_pair(tokens, out):
        return True
    return _split_team_of(tokens, out) or _split_person_of(tokens, out, titled)


def _split_team_of(tokens: list[str], out: _Collector) -> bool:
    """``Oakland Athletics of Major League Baseball``: a team, then its league;
    ``National Hockey League for the St. Louis Eagles``: a league, then a team."""
    of = tokens.index("of") if "of" in tokens[2:-1] else 0
    league = _known(tokens[of + 1 :]) if of else None
    if (
        of
        and _is_team(tokens[:of])
        and (league is None or league[0] != "place")
        and tokens[-1] not in _LEGAL_SUFFIXES  # "Florida National Banks of Florida Inc"
    ):
        out.add("organization", " ".join(tokens[:of]))
        _classify(tokens[of + 1 :], False, out)
        return True
    cut = tokens.index("for") if "for" in tokens[1:-1] else 0
    team = tokens[cut + 2 :] if tokens[cut + 1 : cut + 2] == ["the"] else tokens[cut + 1 :]
    if cut and tokens[cut - 1] in _ORG_HEADS and len(team) >= 2 and _is_team(team):
        out.add("organization", " ".join(tokens[:cut]))
        out.add("organization", " ".join(team))
        return True
    return False


def _split_person_of(tokens: list[str], out: _Collector, titled: bool = False) -> bool:
    """``Dillard Spriggs of Petroleum Analysis Ltd``: a person, then an organization;
    after a title the surname alone will do ("Professor Smith of Harvard University")."""
    of = _person_of_org(tokens, titled) if _known(tokens) is None else None
    if of is None:
        return False
    out.add("person", " ".join(tokens[:of]))
    _classify(tokens[of + 1 :], False, out)
    return True


def _person_of_org(tokens: list[str], titled: bool = False) -> int | None:
    """Where "of" splits ``Person Name of Some Organization Ltd``, or ``None``.

    The part before "of" must read as a person's name (two or three
    capitalized words, or one after a title; none of them an organization's
    head word, a title or a known name: ``Bank of England``, ``National
    Association of ...`` and ``Secretary of State`` stay whole); the part
    after must be an organization by its form or a known one.
    """
    if "of" not in tokens:
        return None
    of = tokens.index("of")
    if not (1 if titled else 2) <= of <= 3 or of + 1 >= len(tokens):
        return None
    head, rest = tokens[:of], tokens[of + 1 :]
    for word in head:
        if not word[:1].isupper() or word in _ORG_HEADS or word in _TITLES or word in _STOP:
            return None
        if word in _CONNECTORS or _known([word]) is not None or _is_acronym(word):
            return None
    if rest[0] == "the":
        rest = rest[1:]
    if not rest:
        return None
    known = _known(rest)
    if known is not None and known[0] == "place":
        return of if _plain_name(head) else None  # "Dinara Safqna of Russia"
    if known is not None:
        return of if known[0] == "organization" else None
    if len(rest) == 1 and _unknown_initials(rest[0]):
        # "Leung Yiu-qung of NWSC": initials after a name are its party or employer
        return of if not any(word.lower() in common_words() for word in head) else None
    return of if _org_start(rest) == 0 else None


def _search_inside(tokens: list[str], out: _Collector) -> None:
    """Known names inside an unclassified segment, longest first.

    A place found right after unknown words is skipped: ``BP North America``
    is a company, not a continent. After a connector it counts again
    (``Mette Mogstad of Norway``).
    """
    index, unknown_before = 0, False
    while index < len(tokens):
        for end in range(_longest(tokens, index), index, -1):
            known = _known(tokens[index:end])
            if known is not None and not (known[0] == "place" and unknown_before):
                if known[0] == "place" and index == 0 and end < len(tokens):
                    # "Columbia Gas": maybe a place, maybe the start of a company's
                    # name; _resolve decides once the whole document is read.
                    out.add("place?", f"{known[1]}\t{' '.join(tokens)}")
                elif _national_branch(tokens, index, end, known):
                    out.add("organization", " ".join(tokens))
                else:
                    out.add_known(known, tokens[index:end])
                index = end
                break
        else:
            token = tokens[index]
            unknown_before = token not in _CONNECTORS
            if index == len(tokens) - 1 and token in solo_surnames():
                out.add("word", token)
            index += 1


def _national_branch(tokens: Sequence[str], index: int, end: int, known: tuple[str, str]) -> bool:
    """A nationality before the short name of a body known by a longer one: a national
    branch with a name of its own ("British Red Cross", "American Red Cross"), not the
    international body ("Red Cross": International Committee of the Red Cross)."""
    short = tokens[index:end]
    return (
        known[0] == "organization"
        and index == 1
        and end == len(tokens)
        and len(short) > 1
        and not any(_is_acronym(word) for word in short)
        and " ".join(short) != known[1]
        and tokens[0] not in known[1].split()  # "European Common Market" is the EC
        and is_demonym(tokens[0])
    )


def _longest(tokens: Sequence[str], index: int) -> int:
    """Where the longest name that can start at ``tokens[index]`` would end.

    Only a word that opens a known multi-word name can start one (what
    :func:`_known` checks first); for any other word, only the word itself
    is worth looking up, which spares five slices and lookups per word.
    """
    if tokens[index].lower() in all_names().openers:
        return min(len(tokens), index + _MAX_NAME_WORDS)
    return index + 1


def _without_weak_tail(segment: list[str]) -> list[str]:
    """Drop title words at the end of a segment: ``U.S. Treasury`` + ``Secretary``."""
    end = len(segment)
    while end and segment[end - 1] in _WEAK_TITLES:
        end -= 1
    return segment[:end]


def _is_break(tokens: list[str], index: int) -> bool:
    token = tokens[index]
    if token == "and":
        return not _joins(tokens, index)
    if token == "on":
        return not _on_joins(tokens, index)
    if index == 0 and token in _LEADING_STOP:
        # "Bankers said"; but "Bankers Trust Co": a head word after it opens a name
        return token in _ALWAYS_LEADING_STOP or not (len(tokens) > 1 and tokens[1] in _ORG_HEADS)
    if token == "Without" and 0 < index < len(tokens) - 1 and tokens[index + 1] == "Borders":
        return False  # "Reporters Without Borders", "Doctors Without Borders"
    if token == "Jan" and index < len(tokens) - 1 and _given_jan(tokens[index + 1]):
        return False  # "Jan Kowalski", "Jan Peter Balkenende": a given name, not January
    if index == 0 and _numbered_place(tokens):
        return False  # "Three Mile Island", "Three Gorges Dam"
    if token == "Sunday" and index == len(tokens) - 2 and tokens[index + 1] in _PRESS:
        return False  # "The Sunday Times", "Sunday Telegraph": a newspaper's name
    return token in _STOP or token in _WEEKDAYS_MONTHS


def _on_joins(tokens: list[str], index: int) -> bool:
    """Whether "on" at ``index`` is inside a body's name ("Council on Foreign Relations")
    rather than between a body and its subject: a known body before it ("Security Council
    on the Darfur crisis") or a known place or person after it ("Committee on U.S.-China
    trade") ends the name, and so does a second body's head word at the end."""
    after = index + 1
    if after < len(tokens) and tokens[after] == "the":
        after += 1
    if after >= len(tokens) or _known(tokens[after : after + 1]) is not None:
        return False
    if tokens[-1] in _ORG_HEADS:
        return False  # "Joint Economic Committee on the Justice Department": a second body
    start = index - 1
    while start > 0 and tokens[start - 1][:1].isupper():
        start -= 1
    return all(_known(tokens[first:index]) is None for first in range(start, index - 1))


def _numbered_place(tokens: Sequence[str]) -> bool:
    """A number word that opens a place's name: "Three Mile Island" (not "Three Iraqi
    units": a place's or a building's word ends it, and no known name follows the number)."""
    return (
        len(tokens) > 2
        and tokens[0].lower() in _NUMBER_WORDS
        and (tokens[-1] in _PLACE_HEADS or tokens[-1] in _FACILITY_HEADS)
        and _known(tokens[1:2]) is None
        and not is_demonym(tokens[1])
    )


def _given_jan(following: str) -> bool:
    """Whether the word after "Jan" makes it a given name: a name, not a number word
    ("Record Jan Four") or another date word."""
    return (
        following[1:].islower()
        and following.lower() not in _NUMBER_WORDS
        and following not in _WEEKDAYS_MONTHS
        and following not in _STOP
    )


def _segments(tokens: list[str], after_role: bool) -> Iterator[tuple[list[str], bool, bool]]:
    """Cut a span at stop words, dates, titles and "and".

    Yields ``(segment, after_title, title_part)``: ``after_title`` when a job
    title (or, for the first segment, a lower-case role word before the span:
    ``spokesman Marlin Fitzwater``) precedes it; ``title_part`` for the ``of
    ...`` part of a title (``Secretary of State``, ``Vice President for
    Financial Communications``), in which only known names count.
    """
    segment: list[str] = []
    after_title = after_role
    pending = False  # a job title was just seen; the next segment is its holder
    title_of = False  # inside the "of ..." part of a title
    for index, token in enumerate(tokens):
        if _is_break(tokens, index):
            if segment:
                yield segment, after_title, title_of
            segment, after_title, pending, title_of = [], False, False, False
        elif _is_title(tokens, index) and not title_of:
            segment = _without_weak_tail(segment)
            if segment:
                yield segment, after_title, False
            segment, after_title, pending = [], False, True
        elif pending and not segment and _continues_title(token, title_of):
            # "Secretary of ...", "Attorney General Edwin Meese": still the title.
            title_of = title_of or token in ("of", "for", "the")
        elif title_of and not _starts_holder(segment, token):
            segment.append(token)
        else:
            if title_of:
                if segment:
                    yield segment, False, True
                segment, title_of = [], False
            if pending and not segment:
                after_title, pending = True, False
            segment.append(token)
    if segment:
        yield segment, after_title, title_of


def _continues_title(token: str, title_of: bool) -> bool:
    return token in ("of", "for", "the") or (token in _WEAK_TITLES and not title_of)


def _starts_holder(title_part: list[str], token: str) -> bool:
    """Whether ``token`` begins the name after a title's "of" part.

    A given name always does; otherwise an unknown word does once the part
    holds only title words and known names (``Minister of Finance Zbigniew
    Messner``, ``President of Nicaragua Daniel Ortega``).
    """
    if token in first_names():
        return True
    if not title_part or token in _CONNECTORS or token in _WEAK_TITLES or token in _ORG_HEADS:
        return False
    if _known([token]) is not None or title_part[-1] in _CONNECTORS:
        return False  # "Secretary of State for Economic Affairs": "for" goes on
    return all(
        word in _WEAK_TITLES or word in _CONNECTORS or _known([word]) is not None
        for word in title_part
    )


def _is_title(tokens: list[str], index: int) -> bool:
    """A job title that cuts the span; not after "of" (``Council of Ministers``)."""
    token = tokens[index]
    if token not in _TITLES:
        return False
    rest = tokens[index + 1 :]
    if token in _WEAK_TITLES and not (
        (token == "General" and _plain_name(rest))  # "General Thura Shwe Mahn"
        or (
            len(rest) > 1
            and rest[0] in first_names()
            and rest[0].lower() not in common_words()
            and rest[1] not in _CONNECTORS
        )
    ):
        return False  # "General Motors"; but "Chief Executive Alan Mulally" holds a title
    if index and tokens[index - 1] in ("of", "for"):
        return False
    if (
        index
        and (not rest or rest[0] in _NAME_SUFFIXES)
        and tokens[0] in first_names()
        and not any(word in _CONNECTORS or word in _TITLES for word in tokens[:index])
    ):
        return False  # "Larry King said", "Martin Luther King Jr": a surname
    # "General Accounting Office", "Bt General Corp": a title word inside an
    # organization's name (no given name or other title follows it).
    if not rest or rest[0] in _CONNECTORS or rest[-1] not in _ORG_HEADS:
        return True
    names = first_names()
    return any(word in names or word in _TITLES for word in rest) or _holder_of_body(rest)


def _holder_of_body(rest: Sequence[str]) -> bool:
    """Whether the words after a title are its holder's name, then "of" and the body:
    "Professor Amos Frumkin of the Hebrew University" (the holder need not have a
    given name we know); not "King Fahd University of Petroleum", whose words before
    "of" already end in an organization's head."""
    if "of" not in rest[1:]:
        return False
    holder = rest[: rest.index("of")]
    return len(holder) <= 4 and all(
        word[:1].isupper() and word not in _ORG_HEADS and word not in _CONNECTORS for word in holder
    )


def _joins(tokens: list[str], index: int) -> bool:
    """Whether ``and`` at ``index`` is inside a company name: ``Kahn and Kahn Pty Ltd``.

    True when the span ends with a legal suffix and the word before ``and``
    does not already end a name (``Standard Oil Co and BP Inc`` are two).
    """
    if index == 0:
        return False
    before, after = tokens[index - 1], tokens[index + 1 :]
    if _joined_to_itself(tokens, index) and (index == 1 or tokens[index - 2] in _CONNECTORS):
        return True  # "Johnson and Johnson": one firm, not one person twice
    if (
        before in _AND_WORDS
        and after[:1] != ["the"]
        and any(w in _ORG_HEADS for w in after)
        and _known(after[:1]) is None  # "... of Technology and Colorado State University"
    ):
        return True  # "Savings and Loan Association", "Health and Human Services"
    if _and_in_field(tokens, index):
        return True  # "Department of Physics and Astronomy"
    # "Kahn and Kahn Pty Ltd", "Herald and Weekly Times Ltd"; but a word that ends
    # an organization's name ends it: "General Accounting Office and Bt Corp".
    ends_name = before in _LEGAL_SUFFIXES or (before in _ORG_HEADS and before not in _PRESS)
    return tokens[-1] in _LEGAL_SUFFIXES and not ends_name


def _and_in_field(tokens: list[str], index: int) -> bool:
    """Whether ``and`` at ``index`` joins the two fields an organization is "of" or
    "for": "Department of Physics and Astronomy", "Ministry of Culture and Tourism",
    "American College of Obstetricians and Gynecologists".

    The span must name an organization's head word right before its "of"/"for"
    part, with only unknown capitalized words between it and "and", and the
    words after "and" (one to three, to the end of the span or to the next
    connector) must be unknown too: a known name, a given name, a title or
    words ending in a head word start a second name ("University of Texas and Oklahoma",
    "Department of Defense and Stephen Hadley", "Ministry of Defence and Interior
    Ministry").
    """
    head = index - 1
    while head > 0 and tokens[head] not in ("of", "for", "on"):
        word = tokens[head]
        if not word[:1].isupper() or _not_field_word(word):
            return False
        head -= 1
    if head < 1 or head == index - 1 or tokens[head - 1] not in _ORG_HEADS:
        return False
    rest: list[str] = []
    for word in tokens[index + 1 :]:
        if word in _CONNECTORS or word == "&":
            break
        rest.append(word)
    if not 1 <= len(rest) <= 3 or (len(rest) > 1 and rest[-1] in _ORG_HEADS):
        return False
    return all(word[:1].isupper() and not _not_field_word(word) for word in rest)


def _not_field_word(word: str) -> bool:
    """A word that cannot be part of the field an organization is "of": a known name,
    a given name, a title, a stop word."""
    return (
        (word in _TITLES and word not in _WEAK_TITLES)  # "Trade and Industry" are fields
        or word in _STOP
        or word in first_names()
        or _known([word]) is not None
    )


def _starts_with_title_org(tokens: list[str]) -> bool:
    """``General Motors Corp``: a title word that begins a company name."""
    if tokens[0] not in _TITLES or len(tokens) < 2 or tokens[1] in _CONNECTORS:
        return False
    if "and" in tokens or any(token in _TITLES for token in tokens[1:]):
        return False
    return _org_start(tokens) == 0 and not _holder_of_body(tokens[1:])


def _subspans(tokens: list[str]) -> Iterator[list[str]]:
    """Cut a span after possessives: ``Texas Air Corp's Eastern Airlines Inc``.

    A possessive first word that begins a company name stays:
    ``Fireman's Fund Corp``, ``McDonald's Corp``.
    """
    current: list[str] = []
    for index, raw in enumerate(tokens):
        if (
            raw.endswith(".") and not _is_abbreviation(raw) and not _firm_founder(tokens, index)
        ) or _initial_ends_sentence(tokens, index):
            # "Iran. The": a sentence ends here.
            current.append(raw[:-1])
            yield current
            current = []
            continue
        token = _strip_possessive(raw)
        if token[:2] in ("D-", "R-", "I-") and len(token) > 3:
            token = token[2:]  # "(D-Ohio)": party and state
        lead = 1 if current[:1] == ["and"] else 0  # "... and Standard and Poor's"
        if token != raw and "'" in raw and _known([*current[lead:], raw]) is not None:
            # "by Moody's and Standard and Poor's": names written in the possessive
            current.append(raw)
            if index + 1 < len(tokens) and tokens[index + 1] == "and":
                yield current
                current = []
            continue
        if token != raw and "'" in raw and index + 1 < len(tokens):
            if _possessive_in_name(tokens, token) or raw in _GROUP_POSSESSIVES:
                current.append(raw)
                continue
            current.append(token)
            yield current
            current = []
        elif token:
            current.append(token)
    if current:
        yield current


def _initial_ends_sentence(tokens: list[str], index: int) -> bool:
    """``S and P. Underwriters said``: a lone capital and a period before a plural
    everyday word ends a sentence; no one's given name is cut short before "Underwriters"."""
    token = tokens[index]
    if len(token) != 2 or token[1] != "." or index + 1 >= len(tokens):
        return False
    previous = tokens[index - 1] if index else ""
    if previous in first_names() or previous.endswith("."):
        return False  # "Ray J. Groves", "A. H. Robins Co": a middle initial, a firm's
    following = tokens[index + 1]
    return following.endswith("s") and following.lower() in common_words()


def _firm_founder(tokens: list[str], index: int) -> bool:
    """``Alex. Brown and Sons Inc``: a given name cut short opens a firm's name (the
    firm's form follows), it does not end a sentence."""
    return (
        index == 0
        and len(tokens) > 2
        and tokens[0][:-1] in GIVEN_NAME_ABBREVIATIONS
        and any(token.rstrip(".").lower() in _LEGAL_KEYS for token in tokens[2:])
    )


def _possessive_in_name(tokens: list[str], token: str) -> bool:
    """``Fireman's Fund Corp``: a first-word possessive that is part of a company name."""
    return (
        tokens[0].startswith(token)
        and len(tokens) <= 4
        and _org_start(tokens) == 0
        and _known([token]) is None
        and not any(word in _TITLES for word in tokens)
    )


def _is_abbreviation(token: str) -> bool:
    return token[:-1] in _ABBREVIATIONS or _INITIALS.fullmatch(token) is not None


def _take_and_names(tokens: list[str], out: _Collector) -> list[str]:
    """Emit known names that contain "and" (``Securities and Exchange Commission``)
    before the span is cut at "and"; returns the tokens left around them."""
    names = all_names()
    for start in range(len(tokens) - 2):
        if tokens[start].lower() not in names.openers:
            continue
        for end in range(min(len(tokens), start + _MAX_NAME_WORDS + 2), start + 2, -1):
            if "and" in tokens[start:end]:
                known = _known(tokens[start:end])
                if known is not None:
                    out.add_known(known, tokens[start:end])
                    return [*tokens[:start], "and", *tokens[end:]]
    return tokens


def _process_span(tokens: list[str], after_role: bool, out: _Collector) -> None:
    whole = _known(tokens) if len(tokens) <= _MAX_NAME_WORDS else None
    lead = 0  # "The" before a name the document defined
    while lead < len(tokens) - 1 and tokens[lead] in _STOP:
        lead += 1
    if out.defined and _add_defined(tokens[lead:], out):
        return
    if whole is None and "and" in tokens:
        tokens = _take_and_names(tokens, out)
    if whole is not None:
        out.add_known(whole, tokens)
    elif _starts_with_title_org(tokens):
        out.add("organization", " ".join(tokens))
    else:
        cursor = 0
        for segment, after_title, title_part in _segments(tokens, after_role):
            start = _index_from(tokens, segment[0], cursor)
            cursor = start + len(segment)
            if title_part:
                _title_part(_trim_connectors(segment), out)
            elif cursor + 1 < len(tokens) and tokens[cursor] in _TITLES and _employer(segment):
                out.add("organization", segment[0])  # "Qarnco Chief Executive Alan Tarn"
            else:
                _classify(segment, after_title, out, tokens[start - 1].lower() if start else None)


def _employer(segment: Sequence[str]) -> bool:
    """One unknown capitalized word right before a job title is the title's employer
    ("Ford Chief Executive Alan Mulally"): not a person, a place or a nationality."""
    if len(segment) != 1:
        return False
    word = segment[0]
    return (
        word[1:].islower()
        and word not in _STOP
        and word not in first_names()
        and word.lower() not in common_words()
        and _known(segment) is None
        and not is_demonym(word)
        and not word.endswith(_ADJECTIVE_ENDINGS)  # "Philippine President", "Democratic Leader"
        and word not in _CHAMBERS  # "House Speaker Jim Wright": which house, the text says
    )


_ADJECTIVE_ENDINGS = ("an", "ese", "ish", "ic", "ine", "et", "i")


def _title_part(tokens: list[str], out: _Collector) -> None:
    """The "of ..." part of a title: an organization by its form ("Chairman of the
    Qarn Centre for Tarn Studies"), else only the known names inside it ("Secretary of
    State", "Minister of Finance")."""
    start = _org_start(tokens) if len(tokens) > 2 else None
    if start is not None and len(tokens) - start > 2:  # not "for Financial Communications"
        if start:  # "of the New Jersey Department of Public Safety": a place, then a body
            _search_inside(tokens[:start], out)
        _add_organization(tokens[start:], out)
    elif (holder := _holder_after_organization(tokens)) is not None:
        # "CEO of the Qarn Council Enver Solomon": the organization, then its officer.
        if _org_start(tokens[:holder]) == 0:
            _add_organization(tokens[:holder], out)
        else:
            _search_inside(tokens[:holder], out)
        _split_person(tokens[holder:], out, titled=True)
    else:
        _search_inside(tokens, out)


def _holder_after_organization(tokens: Sequence[str]) -> int | None:
    """Where the title holder's name starts after an organization in a title's "of"
    part ("of the Refugee Council Enver Solomon"): two or three unknown capitalized
    words after the organization's head word, which the part does not end with."""
    for index in range(len(tokens) - 3, 0, -1):
        if tokens[index] in _ORG_HEADS:
            rest = tokens[index + 1 :]
            if 2 <= len(rest) <= 3 and all(
                word[:1].isupper()
                and word not in _ORG_HEADS
                and word not in _CONNECTORS
                and word not in _TITLES
                and _known([word]) is None
                for word in rest
            ):
                return index + 1
            return None
    return None


def _scan_mixed(text: str, out: _Collector) -> None:
    text = _scan_marked_companies(text, out)
    if ", D.C." in text:
        # One place, not Washington and the District of Columbia apart.
        text = text.replace("Washington, D.C.", "Washington D.C.")
    if " (" in text:
        _scan_acronym_definitions(text, out)
    if ", " in text or "-" in text:
        _scan_abbreviated_places(text, out)
    if ", " in text:
        _scan_located(text, out)
    out.firm_lists = _firm_lists(text) if "anag" in text or "nderwr" in text else []
    # Names with a lower-case article first ("al-Qaida") are taken in text order.
    pending = list(_ARTICLE_NAME.finditer(text)) if "l-" in text else []
    done, campuses = 0, " at " in text
    for match in _SPAN.finditer(text):
        if match.start() < done:
            continue  # the campus of a university scanned with it
        while pending and pending[0].start() < match.start():
            _article_name(pending.pop(0).group(), out)
        campus = _CAMPUS.match(text, match.end()) if campuses else None
        if campus is not None and _UNIVERSITY_END.search(match.group()):
            done = campus.end()
            match = _WHOLE.match(text, match.start(), done) or match
            place = campus.group()[4:].split(" ")
            known = _known(place)
            if known is None or known[0] == "place":  # the campus is a place
                out.add_known(known or ("place", " ".join(place)), place)
        if not _a_grade(text, match):
            _scan_span(text, match, out)
    for rest in pending:
        _article_name(rest.group(), out)


def _span_words(text: str, match: re.Match[str]) -> list[str]:
    """A span's words, with the article written before it and without a caption's
    credit label or a grade before "of"."""
    words = match.group().split(" ")
    if (
        len(words) > 1
        and _ARTICLE_BEFORE.fullmatch(text, max(0, match.start() - 4), match.start())
        and _known(words[:1]) is None
    ):
        # "militant al-Aqsa Martyrs Brigades": the article opens the name.
        words[0] = text[match.start() - 3 : match.start()] + words[0]
    if (
        len(words) > 1
        and words[-1] in _CREDIT_LABELS
        and text[match.end() : match.end() + 1] == ":"
    ):
        words = words[:-1]  # "... student Ahmed Mohamed Image: Twitter": a caption's credit
    if len(words) > 2 and words[1] == "of" and _RATING.fullmatch(words[0]):
        words = words[2:]  # "bonds rated A-1/A-plus of Virginia Electric and Power Co"
    return words


def _scan_span(text: str, match: re.Match[str], out: _Collector) -> None:
    """One run of capitalized words, cut after possessives and processed part by part."""
    role = _role_before(text, match.start(), match.group().split(" "))
    out.text, out.span, out.opening = text, match.span(), True
    count = len(out.mentions)
    words = _span_words(text, match)
    if len(words) > 2 and _person_noun(words[0].lower()) and _plain_name(words[1:]):
        words, role = words[1:], True  # "Author Qarvin Tolliday said": a sentence opens so
    lead = 1 if words[0] == "The" else 0
    if (
        len(words) > lead + 1
        and _attribute_word(words[lead])
        and (_org_start(words) != 0 or _person_of_org(words[lead + 1 :]) is not None)
    ):
        # "Pan-democrat Gary Fan of the Neo Democrats", "The Pro-Beijing DAB"
        words = words[lead + 1 :]
    if "'" in match.group():
        words = _known_with_possessive(words, out)
        if _firm_in_possessive(words, text, match.end()):
            # "rated A by Moody's.", "Wendy's, a chain" ("was Reagan's.": _resolve)
            known = _known(words)
            out.mentions.append(_Mention(*known) if known else _Mention("organization?", words[0]))
            words = []
    subspans = list(_subspans(words)) if words else []
    for number, tokens in enumerate(subspans):
        if _add_firms(text, match, tokens, out, (number, len(subspans))):
            out.opening = False
            continue
        if number == 0 and len(tokens) > 2 and tokens[1] == "of":
            tokens = _without_opening_plural(tokens, text, match.start())
        if tokens:
            _process_span(tokens, number == 0 and role, out)
            out.opening = False
    if len(out.mentions) > count:
        _qualified_spelling(match.group(), out.mentions[count:], out)


#: Lower-case nouns for a firm right before its name: "brokers James Capel", "said sole
#: underwriter Drexel Burnham", "lead manager L.F. Rothschild" (a person's employer is
#: named after "of" or before a role instead). Not "broker": "money broker Joachim Schmidt".
_FIRM_NOUNS = _words(
    """brokers brokerage brokerages stockbrokers underwriter underwriters co-manager
    co-managers"""
)
_FIRM_MANAGER = re.compile(r"(?:[Ll]ead|[Ss]ole|[Cc]o-lead|[Jj]oint) managers? $")
#: A lower-case job of a firm's staff, then a capitalized name, right after a name: "Dean
#: Witter analyst Karen Gibbs", "Drexel Burnham economist ..." (aides and spokesmen also
#: serve people: "Reagan spokesman Marlin Fitzwater").
_STAFF_AFTER = re.compile(
    r" (?:(?!(?:of|at|for|with|from|by|to|in|on|and|or|the|a|an|as|is|was|said|says|told"
    r"|tells|met|meets|replaces?|succeeds?|joins?|hires?|names?|appoints?|quotes?|cites?"
    r"|blames?|backs?) )(?![a-z]+ed )[a-z]+ )?"  # a field ("food analyst"), not a verb
    r"(?:analysts?|economists?|strategists?|chartists?|traders?|dealers?|brokers?)"
    r"(?: [A-Z]|[.,])"  # "E.F. Hutton food analyst June Page", "..., E.F. Hutton analyst."
    r"| ;; "  # a ticker ("E.F. Hutton <EFH> fell"), as ``_bracket`` leaves it
    r"| \((?:NYSE|NASDAQ|Nasdaq|LSE|AMEX|TSX|ASX): ?[A-Z0-9.]{1,6}\)"  # "(NYSE: ABC)"
)
#: A staff job and "for", "with" or "at" right before a name: "an analyst with E.F.
#: Hutton", "chief meteorologist for E.F. Hutton" (not "spokesman for": a person's too).
_STAFF_OF = re.compile(
    r"\b(?:analysts?|economists?|strategists?|meteorologists?|chartists?|traders?|dealers?|brokers?"
    r"|executives?|officials?|researchers?|consultants?|vice president) (?:for|with|at) $"
)


def _add_firms(
    text: str, match: re.Match[str], words: list[str], out: _Collector, place: tuple[int, int]
) -> bool:
    """Add the firms that ``words`` names by the words around its span, if any (see
    ``_firm_parts``); ``place``: which subspan of ``match`` it is, and of how many."""
    firms = _firm_parts(text, match, words, out.firm_lists, *place)
    for part in firms:
        # "brokers James Capel", "Dean Witter analyst Karen Gibbs": a firm, not a person
        known = _known(part)
        out.mentions.append(_Mention(*known) if known else _Mention("organization", " ".join(part)))
    return bool(firms)


def _firm_parts(
    text: str,
    match: re.Match[str],
    words: list[str],
    lists: Sequence[tuple[int, int]],
    number: int = 0,
    count: int = 1,
) -> list[list[str]]:
    """The firms that ``words``, subspan ``number`` of ``count`` of ``match``, names by
    the words around the span (see ``_named_firm``), or none; in a deal's list,
    "Drexel Burnham and Tucker Anthony" names two. The words before the span speak of
    its first subspan only, the words after it of its last ("said Dean Witter analyst
    Orla Venn. Tarnby Holm economist ..." is one span of two sentences)."""
    start, end = match.span()
    first, last = number == 0, number == count - 1
    listed = bool(lists) and any(low <= start and end <= high for low, high in lists)
    if not listed and not _firm_cue(text, start if first else -1, end if last else -1):
        return []  # most spans: nothing around them speaks of a firm
    words, cut = _firm_words(text, match, words, first, last)
    if not words:
        return []
    last = last and not cut
    head = text[max(0, start - 24) : start] if first and start > 0 else ""
    if listed:
        word = text[max(0, start - 24) : start].rstrip(" ,:")
        word = word[word.rfind(" ") + 1 :]
        listed = not (_person_noun(word) or word in _ROLE_WORDS)  # "two investors, Jay Gould"
        if not listed and not _firm_cue(text, start if first else -1, end if last else -1):
            return []  # listed no more: only the words around it can tell
    elif cut and not _firm_cue(text, start if first else -1, -1):
        return []  # the span's end went with the cut: only the words before it count
    if _named_firm(words, head):
        return [words]
    if "and" not in words or not listed:
        return []
    at = words.index("and")
    parts = [words[:at], words[at + 1 :]]
    if all(_named_firm(part, "") for part in parts):
        return parts
    return []


def _firm_words(
    text: str, match: re.Match[str], words: list[str], first: bool, last: bool
) -> tuple[list[str], bool]:
    """The words of a firm's name in a subspan, and whether a sentence cut them short:
    "E.F. Hutton Co. He thinks", "Copenhagen Handelsbank A/S", "A/S and Tarn Bank"."""
    start, end = match.span()
    cut = False
    for index in range(1, len(words)):
        if words[index] in _STOP:  # "analyst at E.F. Hutton Co. He thinks": a sentence ends
            words, cut = words[:index], True
            words[-1] = words[-1].rstrip(".")
            break
    if len(words) > 1 and len(words[-1]) == 1 and text[end : end + 1] == "/" and last and not cut:
        words = words[:-1]  # "Copenhagen Handelsbank A/S": the legal form's first letter
    if first and text[start - 1 : start] == "/" and len(words[0]) == 1:
        words = words[2:] if words[1:2] == ["and"] else words[1:]  # "A/S and Tarn Bank"
    return words, cut


#: Lower-case words that join the words of one name: a span right after one is the
#: tail of a longer name ("Cie Francaise des Petroles <TOTP.PA>", "Brown Boveri und Cie");
#: not "and" or "of" ("Chase Manhattan and Citicorp <CCI>", "a unit of Citicorp <CCI>").
_NAME_JOINS = _words("de des du di del della et und van von la le")


def _named_firm(words: Sequence[str], head: str) -> bool:
    """Whether ``words``, which the words around it call a firm (``_firm_cue``, or a
    deal's list), can be one; ``head``: the text right before it. Not a place, a
    nationality, a title or a lone everyday word ("Oil analyst Jim Rowe")."""
    if not 1 <= len(words) <= 4 or words[0] in _TITLES or words[0] in _STOP:
        return False
    known = _known(words)
    if known is not None:
        return known[0] == "organization"
    if len(words) == 2 and words[0] in first_names() and _STAFF_OF.search(head) is not None:
        return False  # "a trader with Peter Smith": a person's name ("with Dean Witter Reynolds")
    if any(is_demonym(word) or word in _COMPASS or not word[:1].isupper() for word in words):
        return False  # "a Western economist said"
    if len(words) == 1:
        # not "Non-callable", "London-based", the "Ltd" of "Mitsubishi Finance (Hong Kong) Ltd"
        return _employer(words) and "-" not in words[0] and words[0] not in _LEGAL_SUFFIXES
    return not all(word.lower() in common_words() for word in words)


def _firm_cue(text: str, start: int, end: int) -> bool:
    """Whether the words before ``start`` or after ``end`` (-1: not looked at) speak of
    a firm: "brokers", "lead manager", "analyst with" before; "analyst Karen Gibbs", a
    ticker after (not after a word that joins a longer name: "des Petroles <TOTP.PA>")."""
    before = ""
    if start > 0:
        head = text[max(0, start - 24) : start]
        before = head[head.rfind(" ", 0, len(head) - 1) + 1 :].strip()
        if before in _FIRM_NOUNS:
            return True
        if before in _CUE_ENDS and (
            _FIRM_MANAGER.search(head) is not None or _STAFF_OF.search(head) is not None
        ):
            return True
    if end < 0 or before in _NAME_JOINS:
        return False
    if before in ("the", "a", "an") and _STAFF_NEXT.match(text, end) is not None:
        return True  # "the Dean Witter economist noted": no one is "the" before a name
    return _STAFF_AFTER.match(text, end) is not None


#: A staff job right after a name, whatever follows it.
_STAFF_NEXT = re.compile(
    r" (?:[a-z]+ )?(?:analysts?|economists?|strategists?|chartists?|traders?|dealers?)\b"
)
#: The last words of the cues before a firm's name that need a longer look.
_CUE_ENDS = _words("manager managers for with at")

#: A deal's banks listed after these words ("Co-managers are ...", "underwritten by
#: ...") or before them ("... co-managed the deal").
_LIST_AFTER = re.compile(
    r"\b(?:(?:[Cc]o-?managers?|[Uu]nderwriters?|[Ll]ead managers?)"
    r" (?:are|were|is|was|include|included)"
    r"|(?:underwritten|co-managed|co-led|lead-managed) by)[: ](?=[A-Z])"
)
_LIST_BEFORE = re.compile(r" (?:co-managed|co-manage|co-led|lead-managed|underwrote) ")
_SENTENCE_END = re.compile(r"[.;](?:\s|$)|\n")
_SENTENCE_BREAK = re.compile(r"(?:[a-z0-9)'][a-z0-9)][.!?;]|\n)\s*")


def _firm_lists(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that list the banks of a deal: from the words that
    announce them to the sentence's end, or from the sentence's start to the verb."""
    found = []
    for match in _LIST_AFTER.finditer(text):
        stop = _SENTENCE_END.search(text, match.end())
        found.append((match.end(), stop.start() if stop else len(text)))
    for match in _LIST_BEFORE.finditer(text):
        opening = 0  # after the last sentence's end; "J.C. Bradford" has no end in it
        for end in _SENTENCE_BREAK.finditer(text, 0, match.start()):
            opening = end.end()
        found.append((opening, match.start()))
    return found


#: Labels of a caption's credit line ("Image: Nick Moreau", "Photo: AP").
_CREDIT_LABELS = _words("Image Photo Photograph Picture Video Audio Credit Source Graphic")
_ATTRIBUTE_PREFIX = re.compile(r"(Pan|Pro|Anti|Ex|Non|Post|Pre|Then|Once)-(\w[\w'-]*)")


def _attribute_word(word: str) -> bool:
    """A word that opens a sentence and says what a name stands for or was, not part of
    the name: "Pan-democrat", "Pro-Beijing", "Anti-American", "Ex-Beatle" (but the
    "Anti-Defamation League" keeps its first word, and so does a name that is a firm's
    by its form, "Pan-Alberta Gas Ltd", "Ex-Im Bank")."""
    match = _ATTRIBUTE_PREFIX.fullmatch(word)
    if match is None or _known([word]) is not None:
        return False
    prefix, rest = match.groups()
    return (
        rest[:1].islower()
        or prefix in ("Ex", "Then", "Once")
        or _is_place(rest)
        or is_demonym(rest)
    )


def _known_with_possessive(words: list[str], out: _Collector) -> list[str]:
    """A known name with a possessive inside, "Standard and Poor's Corp", "Moody's
    Investors Service", taken whole before the span is cut after its possessives;
    returns the words left after it."""
    if words[0].lower() not in all_names().openers:
        return words
    for end in range(min(len(words), _MAX_NAME_WORDS), 1, -1):
        if any("'" in word for word in words[:end]):
            known = _known(words[:end])
            if known is not None:
                out.add_known(known, words[:end])
                return words[end:]
    return words


_POSSESSIVE_FIRM_AFTER = re.compile(r"(?:[.,;:)]|$| (?:is|was|said|says)\b)")


def _possessive_name(
    mention: _Mention, surnames: Mapping[str, str], short_forms: Mapping[str, tuple[str, str]]
) -> _Mention:
    """A name in the possessive that owns nothing is a firm's ("Wendy's,"), unless it is
    the surname of someone the story names ("the plan was Reagan's.")."""
    if mention.kind != "organization?":
        return mention
    base = mention.name[:-2]
    if base in surnames:
        return _Mention("person", surnames[base])
    for form in (mention.name, base):  # "Vernell's," of "Vernell's Fine Candies Inc"
        if form in short_forms:
            return _Mention(*short_forms[form])
    return _Mention("organization", mention.name)


def _firm_in_possessive(words: Sequence[str], text: str, end: int) -> bool:
    """One unknown word written with "'s" that owns nothing (punctuation or a verb
    follows) is a name that ends so: "rated A by Moody's.", "Wendy's, another chain",
    "Sotheby's said"; "Reagan's policy" owns a noun."""
    if len(words) != 1 or not words[0].endswith("'s") or len(words[0]) < 4:
        return False
    base = words[0][:-2]
    if (
        not base[1:].islower()
        or base.lower() in common_words()
        or base in _ORG_HEADS
        or base in _WEEKDAYS_MONTHS
    ):
        return False  # "REMIC's", "the Commission's.", "Tuesday's."
    if _known([base]) is not None or base in _TITLES or base in solo_surnames():
        return False  # "Iran's.", "the President's."
    return _POSSESSIVE_FIRM_AFTER.match(text, end) is not None


def _qualified_spelling(span: str, found: Sequence[_Mention], out: _Collector) -> None:
    """A body the span qualifies with its country keeps that spelling: "U.S. House of
    Representatives" is read as the place and the House of Representatives, "Pakistan's
    Foreign Ministry" and "Iranian Foreign Ministry" as the Foreign Ministry; the
    organization's value then shows (and a facet filter accepts) the whole name."""
    for mention in found:
        if mention.kind != "organization" or not span.endswith(mention.name):
            continue
        if _org_start(mention.name.split(" ")) is None:
            continue  # a firm or a paper, not a body: "Norway's Statoil"
        qualifier = span[: -len(mention.name)].rstrip()
        if not qualifier or qualifier == span:
            continue
        words = qualifier.split(" ")
        while words and words[0] in _STOP:
            words = words[1:]  # "The U.S. House of Representatives"
        qualifier = " ".join(words)
        bare = _strip_possessive(qualifier)
        if not bare or len(words) > 2:
            continue
        known = _known(bare.split(" "))
        if (known is not None and known[0] in ("place", "organization")) or is_demonym(bare):
            spelling = f"{qualifier} {mention.name}"
            out.spellings.setdefault(("organization", mention.name), []).append(spelling)


def _without_opening_plural(tokens: list[str], text: str, start: int) -> list[str]:
    """A sentence's first word, an everyday plural, and "of" are not part of the name
    after them: "Rebels of the Sudan People's Liberation Movement", "Thousands of
    Qarnians", "Supporters of Tarn Party"; capitals there say nothing."""
    first = tokens[0]
    if (
        not first.endswith("s")
        or first in _ORG_HEADS
        or first.lower() not in common_words()
        or not _context(text, start, start)[2]
    ):
        return tokens
    rest = tokens[2:]
    return rest[1:] if rest[:1] == ["the"] else rest


# "Evanston, Illinois", "Kourou, French Guiana": up to three capitalized words, a comma
# and a region, then the end of the clause or a lower-case word.
_ROMAN = re.compile(r"[IVX]+")
# A qualifier that opens an organization's name: "Iranian-backed Badr Brigade",
# "London-based Qarn Institute", "U.S.-led coalition".
_BACKER = re.compile(
    r"[A-Z][\w.'-]*-(?:based|backed|led|controlled|owned|run|funded|sponsored|allied|linked"
    r"|affiliated|supported|dominated|registered|listed) [A-Z]"
)
_LOCATED = re.compile(
    r"([A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,2}), ([A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,2})"
    r"(?=[,.;:)\"]|$| [a-z(])"
)


#: A short capitalized word after a comma or a party's initial, with or without its
#: period: "Troy, Mich., said", "Pontiac, Mich, said", "Jerry Huckaby, D-La., warned".
_ABBREVIATED_PLACE = re.compile(r"(?:, |\b[DRI]-)([A-Z][a-z]{1,4})(?=\.|,|\))")


#: State abbreviations that are English words too; without their period they are words.
_WORD_STATES = _words("Wash Mass Miss")


def _scan_abbreviated_places(text: str, out: _Collector) -> None:
    """A place the gazetteer knows abbreviated with a period ("Mich.", "La."), written
    after a comma or as a lawmaker's party and state ("D-La."): the place, and the
    word is no name of its own (the period went with the comma, or never came)."""
    for match in _ABBREVIATED_PLACE.finditer(text):
        word = match.group(1)
        if not text.startswith(".", match.end()) and (len(word) < 4 or word in _WORD_STATES):
            continue  # "Lee, Ill, stayed home": without its period, a word
        known = _lookup(word + ".")
        if known is not None and known[0] == "place":
            out.add(*known)
            out.abbreviated.add(word)


def _scan_located(text: str, out: _Collector) -> None:
    """A name followed by a comma and a known country or region ("Evanston, Illinois")
    is a place in it: an unknown name is typed so for the document, and the whole
    spelling is kept as one the place stands for."""
    for match in _LOCATED.finditer(text):
        region = match.group(2).removesuffix(".")
        known_region = _known(region.split(" "))
        if known_region is None and region in out.abbreviated:
            known_region = _lookup(region + ".")  # "Troy, Mich.": _scan_abbreviated_places
        if known_region is None or known_region[0] != "place":
            continue
        words = match.group(1).split(" ")
        while words and (words[0] in _STOP or words[0] in _WEEKDAYS_MONTHS):
            words = words[1:]
        if not words or any(w in _TITLES or w in _ORG_HEADS for w in words):
            continue
        if words[-1] == "War" or _ROMAN.fullmatch(words[-1]):
            continue  # "World War II, Poland": an event
        name = " ".join(words)
        spelling = f"{name}, {region}"
        known = _known(words)
        if known is not None:
            if known[0] == "place" and known[1] != known_region[1]:
                out.spellings.setdefault(known, []).append(spelling)
        elif words[0] not in first_names():
            out.located[name] = spelling


_INITIALS_IN_BRACKETS = re.compile(r" \([A-Z][A-Za-z&]{1,7}\)")
_ARTICLE_BEFORE = re.compile(r"(?:^|[^\w-])(?:al|el)-")
_ARTICLE_NAME = re.compile(r"(?<![\w-])(?:al|el)-[A-Z][\w'-]*")


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper() and w not in _CONNECTORS)


def _scan_acronym_definitions(text: str, out: _Collector) -> None:
    """A name followed by its initials in parentheses names an organization:
    "Centers for Disease Control and Prevention (CDC)", "Movement for Democratic Change
    (MDC)". The name (and the acronym, later alone) are typed so for the document."""
    for match in _INITIALS_IN_BRACKETS.finditer(text):
        acronym = match.group()[2:-1]
        if acronym in _NOT_NAMES:
            continue  # "Acquired Immune Deficiency Syndrome (AIDS)"
        letters = "".join(ch for ch in acronym if ch.isupper())
        words = text[max(0, match.start() - 160) : match.start()].split()[-10:]
        first = len(words)
        while first and (words[first - 1][:1].isupper() or words[first - 1] in _CONNECTORS):
            first -= 1
        words = words[first:]
        for start in range(len(words) - 1):
            name = words[start:]
            if name[0] in _CONNECTORS or not _initials_match(name, letters):
                continue
            if name[0] in first_names():
                break  # "John Smith (JS)": a person's initials
            display = " ".join(name)
            # A name with "and" inside would be cut there: defined whole.
            joined = "and" in name or "&" in name
            if _known(name) is None and (joined or _org_start(name) != 0):
                out.defined[display] = display
                out.defined[acronym] = display
            break


def _initials_match(name: Sequence[str], letters: str) -> bool:
    """Whether ``letters`` are the initials of ``name``, or of its part before a final
    "and ...": "Centers for Disease Control and Prevention (CDC)"."""
    if _initials(name) == letters:
        return True
    for index, word in enumerate(name):
        if word in ("and", "&") and index and _initials(name[:index]) == letters:
            return True
    return False


def _pretyped(tokens: Sequence[str], out: _Collector) -> bool:
    """Storms and operations (no one's name), or a name the document defined."""
    return tokens[0] in _EVENT_WORDS or _add_defined(tokens, out)


def _add_defined(tokens: Sequence[str], out: _Collector) -> bool:
    """Adds the organization when ``tokens`` are a name or initials the document defined."""
    spelling = " ".join(tokens)
    defined = out.defined.get(spelling) if out.defined else None
    if defined is not None:
        out.add("organization", defined)
        if spelling != defined:  # the initials, alone
            out.spellings.setdefault(("organization", defined), []).append(spelling)
    return defined is not None


def _article_name(word: str, out: _Collector) -> None:
    """A known name written with a lower-case Arabic article ("al-Qaida", "al-Jazeera");
    the span pattern needs a capital first, so it does not see them."""
    token = _strip_possessive(word)
    known = _known([token])
    if known is not None:
        out.add_known(known, [token])


_PRONOUN = re.compile(r"\b(its|he|she|his|her|him)\b|[.!?]")


#: An appositive that says what a name is: a body ("Secunia, a Danish security firm,",
#: "Qarnco, a unit of ...", "Qarnbridge, the charity that ..."), up to three words before
#: the noun and no preposition among them ("X, a spokesman for the group," is a person).
_BODY_APPOSITIVE = re.compile(
    r", (?:an?|the) (?:(?!(?:of|for|with|to|by|from)\b)[\w'-]+ ){0,3}"
    r"(?:company|firm|group|organi[sz]ation|agency|charity|bank|maker|manufacturer|retailer|publisher|newspaper|broadcaster|network|airline"
    r"|carrier|party|band|club|team|union|association|foundation|institute|university"
    r"|startup|start-up|consultancy|insurer|brokerage|developer|distributor|supplier"
    r"|operator|conglomerate|subsidiary|unit|producer|website|militia)"
    # the appositive ends there: "Separately, the company said" is a clause, no appositive
    r"(?:,| (?:of|in|at|based|that|which|with|owned|controlled|headed|founded)\b| \()"
)


def _either_case(words: str) -> str:
    """An alternation of ``words`` that also matches each with a capital first letter."""
    return "|".join(f"[{word[0].upper()}{word[0]}]{word[1:]}" for word in words.split())


#: Words right before a name that make it someone's employer or a company's: "the chief
#: executive of Qarnco", "shares of Qarnco", "works for Qarnco".
_EMPLOYER_BEFORE = re.compile(
    rf"\b(?:(?:{_either_case('chief senior')}) executive|executive officer"
    rf"|{_either_case('chairman chairwoman founder co-founder owner shares stock subsidiary')}"
    rf"|{_either_case('unit division employees employee staff spokesman spokeswoman')}"
    rf"|{_either_case('spokesperson')}|[Mm]anaging director) (?:of|at|for) (?:the )?$"
    rf"|\b(?:{_either_case('stake')}) in (?:the )?$"
    rf"|\b(?:{_either_case('works work worked working employed')}) (?:at|for|by) (?:the )?$"
)


# A lone capital after a name: a share class ("Class A"), not a firm.
_LETTER_AFTER = re.compile(r" [A-Z]\b")
# A sentence's end inside a span: "Kaneb Services Inc. Kaneb now owns".
_SENTENCE_INSIDE = re.compile(r"[a-z]{2}\. ")


def _employer_form(name: str) -> bool:
    """Whether ``name`` can be an employer or a firm named after such words: a short name
    within one sentence ("Kaneb Services Inc. Kaneb now owns" spans two), not a share
    class ("Berkey Series B") nor a place-based description ("Los Angeles-based ...")."""
    words = name.split(" ")
    return (
        len(words) <= 4
        and _SENTENCE_INSIDE.search(name) is None
        and "-based" not in name
        and not (len(words[-1]) == 1 and words[-1].isupper())
    )


def _neuter_after(text: str, end: int) -> bool:
    """Whether the first pronoun after ``end`` in the sentence is "its"."""
    found = _PRONOUN.search(text, end, end + 80)
    return found is not None and found.group(1) == "its"


def _context(text: str, start: int, end: int) -> Context:
    """The word before a span (lower-cased), the word after it, whether it opens a sentence."""
    head = text[max(0, start - 30) : start].rstrip()
    before = head[head.rfind(" ") + 1 :].lower() if head else ""
    initial = not head or head[-1] in ".!?:;\"'“‘(-–—"
    tail = text[end : end + 30].lstrip()
    space = tail.find(" ")
    after = (tail[:space] if space != -1 else tail).lower()
    return before.strip(",.;:\"'“”()"), after.strip(",.;:\"'“”()"), initial


def _role_before(text: str, start: int, words: Sequence[str]) -> bool:
    """Whether a lower-case role word precedes the span ``words`` at ``start``:
    ``spokesman Marlin Fitzwater``, ``singer-songwriter Carly Simon``, ``photographers
    Nat Finkelstein, ...`` (a plural opens a list)."""
    if start < 2 or text[start - 1] != " ":
        return False
    head = text[max(0, start - 24) : start - 1]
    word = head[head.rfind(" ") + 1 :]
    if word in _ROLE_WORDS:
        return True
    if not _person_noun(word[word.rfind("-") + 1 :]):
        return False
    if "-" in word and _DIGIT.search(word):
        return False  # "the 60-member Malaysian-led contingent": a size, not a person
    return _plain_name(words)


def _person_noun(word: str) -> bool:
    """An occupation or kin noun, or its plural: "author", "photographers"."""
    return word in _PERSON_NOUNS or (word[-1:] == "s" and word[:-1] in _PERSON_NOUNS)


def _plain_name(words: Sequence[str]) -> bool:
    """Two or three capitalized words that read as a person's name: no title, no
    everyday word, no initials in capitals (a middle initial is fine)."""
    for index, word in enumerate(words):
        if word in _CONNECTORS:
            words = words[:index]  # "Wong Kwok-hing of FTU"
            break
    names = [word for word in words if not _INITIALS.fullmatch(word)]
    return 2 <= len(names) <= 3 and all(
        word[1:].islower()
        and word not in _TITLES
        and word.lower() not in common_words()
        and not is_demonym(word)
        for word in names
    )


def _scan_marked_companies(text: str, out: _Collector) -> str:
    """Company names the text marks itself; returns the text without them.

    Reuters wraps unlisted companies in angle brackets (``<Leyland Trucks>``)
    and writes partnerships with commas (``Sears, Roebuck and Co``). A
    bracketed code right after a name is a ticker (``Standard Oil <SRD>``).
    """
    if "<" in text:
        text = _BRACKETED.sub(lambda match: _bracket(match, out), text)
    if any(hint in text for hint in _PARTNERSHIP_HINTS):
        text = _PARTNERSHIP.sub(lambda match: _partnership(match, out), text)
    if ", " in text and " and " in text:
        text = _NAMED_PARTNERS.sub(lambda match: _partnership(match, out), text)
    if ") " in text:
        text = _BRACKETED_WORD_FIRM.sub(lambda match: _bracketed_word_firm(match, out), text)
    return text


def _bracketed_word_firm(match: re.Match[str], out: _Collector) -> str:
    """ "Cheung Kong (Holdings) Ltd" is one firm; not a regional unit, whose bracket is a
    place ("Yamaichi International (Europe) Ltd": the firm, and Europe), nor the tail of
    a longer name ("Union Bank of Switzerland (Securities) Ltd")."""
    inner = match.group(1)
    if _known([inner]) is not None or match.string.endswith(("of ", "and "), 0, match.start()):
        return match.group()
    return _partnership(match, out)


# A firm's name with a bracketed word before its legal form: "Cheung Kong (Holdings) Ltd",
# "Swire Pacific (Holdings) Ltd", "Qarn (Bermuda) Ltd".
_BRACKETED_WORD_FIRM = re.compile(
    r"\b(?!(?:The|A|An|In|On|At|By|Of|Co|Inc|Corp|Ltd|Plc)\b)[A-Z][\w&'-]*"
    r"(?: (?!(?:Ltd|Inc|Corp|Co|Plc)\b)[A-Z][\w&'-]*){0,3}"
    r" \(([A-Z][a-z]+)\) (?:Ltd|Limited|Inc|Corp|Co|Plc|PLC|Bhd|Berhad|Pte|Pty|AG|SA|NV)\b\.?"
)


# Three partners' names and the firm's legal form: "Donaldson, Lufkin and Jenrette
# Securities Corp" (a list of firms names each with more words: "Chase Manhattan,
# Citicorp and Qarn Corp"; one word a partner, no everyday word: not "Sales, Profits and
# Revenue Inc").
_NAMED_PARTNERS = re.compile(
    r"(?<!, )\b(?!(?:Co|Inc|Corp|Ltd|Plc|The|And)\b)(?:Mc|Mac|O')?[A-Z][a-z]+, "
    r"(?!(?:Co|Inc|Corp|Ltd|Plc)\b)(?:Mc|Mac|O')?[A-Z][a-z]+,? (?:and|&) "
    r"(?:Mc|Mac|O')?[A-Z][a-z]+(?: Securities| Brothers| Bros)? (?:Inc|Corp|Co|Ltd|Plc)\b\.?"
)


def _bracket(match: re.Match[str], out: _Collector) -> str:
    before, inner = match.group(1), " ".join(match.group(3).split())
    is_code = " " not in inner and not any(ch.islower() for ch in inner)
    if not (is_code and before[:1].isupper()) and len(inner) > 1 and inner[:1].isupper():
        out.add("organization", inner)
    return before + (" ;; " if is_code and before[:1].isupper() else " ; ")  # ";;": a ticker


def _partnership(match: re.Match[str], out: _Collector) -> str:
    out.add("organization", match.group())
    return " ; "


def _caps_lookup(tokens: Sequence[str]) -> tuple[str, str] | None:
    if len(tokens) == 1 and tokens[0] in _CAPS_WORDS:
        return None
    known = _known(tokens)
    if (
        known is not None
        and len(tokens) == 1
        and known[0] == "organization"
        and tokens[0].title() not in _ORG_HEADS
        and tokens[0].lower() in common_words()
        and all_names().exact.get(tokens[0]) is None  # not initials: "GM"
    ):
        return None  # "SOVIET ECONOMIST SAYS": a word, not the magazine
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
            for end in range(_longest(tokens, index), index, -1):
                found = _caps_lookup(tokens[index:end])
                if found is not None:
                    out.add(*found)
                    index = end
                    break
            else:
                index += 1


def _is_caps(text: str) -> bool:
    """Whether a paragraph is written in capitals (judged on its first 200 characters)."""
    if _LOWER_RUN.search(text, 0, 120):
        return False  # the common case, decided at the first lower-case word
    sample = text[:200]
    return len(_UPPER_RE.findall(sample)) > 3 * len(_LOWER_RE.findall(sample))


def _surname_keys(name: str) -> list[str]:
    words = [word for word in name.split() if word not in ("Jr.", "Jr", "Sr.", "III", "II")]
    keys = [words[-1]] if len(words) >= 2 else []
    # Spanish double surnames: "Torrealba Perez" may be cited as "Torrealba".
    if len(words) >= 4:
        keys.append(words[-2])
    return keys


def _surname_index(mentions: list[_Mention], tag_people: Sequence[str]) -> dict[str, str]:
    """Surname -> full name for the people of this document (text first, then tags).

    A one-word person (``Chancellor Kohl``) with a distinctive well-known
    surname maps to the full name (``Helmut Kohl``).
    """
    surnames: dict[str, str] = {}
    people = [m.name for m in mentions if m.kind == "person"]
    for name in (*people, *tag_people):
        for key in _surname_keys(name):
            surnames.setdefault(key, name)
    solo = solo_surnames()
    for name in people:
        if " " not in name and name in solo:
            surnames.setdefault(name, solo[name])
    return surnames


def _common_word(mention: _Mention, lower_words: _LowerWords) -> bool:
    """A sentence's first word that the same story also writes in lower case ("Shares")."""
    if mention.kind != "word" or not (mention.context and mention.context[2]):
        return False
    return mention.name.lower() in lower_words


_LOWER_WORD = re.compile(r"(?<= )[^\s,.]+(?=[ ,.])")


class _LowerWords:
    """The words a story writes after a space and before a space, comma or period, read
    once when first asked: a search of the whole text per sentence-opening word made
    a long story with many names quadratic."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: frozenset[str] | None = None

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if "," in word or "." in word or " " in word:
            text = self.text  # not one token of the set: look for it as written
            return f" {word} " in text or f" {word}," in text or f" {word}." in text
        if self.words is None:
            self.words = frozenset(_LOWER_WORD.findall(self.text))
        return word in self.words


def _resolve(
    mentions: list[_Mention],
    tag_people: Sequence[str],
    decide: Callable[[_Mention], str | None] | None = None,
    text: str = "",
    located: Mapping[str, str] | None = None,
    spellings: dict[tuple[str, str], list[str]] | None = None,
    abbreviated: set[str] | None = None,
) -> list[_Mention]:
    """Map single words and partial person names to the document's people.

    What is left (a word that is nobody's surname, a segment the rules could
    not type) goes to ``decide``, the statistical tagger by default. Initials
    and short forms of names found are recorded in ``spellings``.
    """
    decide = decide or _tagger_decision
    org_names = [m.name for m in mentions if m.kind == "organization"]
    firms = frozenset(org_names)
    short_forms = _short_forms(org_names)
    mentions = _without_firms_of_people(mentions, short_forms, spellings, text)
    surnames = _surname_index(mentions, tag_people)
    mentions = [_possessive_name(mention, surnames, short_forms) for mention in mentions]
    solo = solo_surnames()
    acronyms = _acronyms((m.kind, m.name) for m in mentions if m.kind in ("organization", "place"))
    lower_words = _LowerWords(text)
    resolved: list[_Mention | None] = []
    leftovers: list[tuple[int, _Mention]] = []  # names the tagger decides, and their places
    for mention in mentions:
        if mention.kind == "place?":
            place, _, span = mention.name.partition("\t")
            if not any(name.startswith(span) for name in org_names):
                resolved.append(_Mention("place", place))
            continue
        full = surnames.get(mention.name) if mention.kind in ("word", "person") else None
        if full is None and mention.kind == "word":
            full = solo.get(mention.name)
        if full is not None:
            resolved.append(_Mention("person", full))
        elif mention.kind in ("word", "segment"):
            whole = acronyms.get(mention.name) or short_forms.get(mention.name)
            if whole is None and _not_a_name(mention.name) and _after_the(mention):
                whole = _head_reference(mention.name, org_names)
            if whole is not None and spellings is not None and _refers_to(mention.name, whole):
                # "DOT", "Sears", "the Army": short forms of names listed already,
                # which the names' values stand for.
                spellings.setdefault(whole, []).append(mention.name)
            if (
                whole is not None
                or _not_a_name(mention.name)
                or _common_word(mention, lower_words)
                or mention.name in (abbreviated or ())  # "Troy, Mich.": the state, added
            ):
                continue
            if located and mention.name in located:
                resolved.append(_Mention("place", mention.name))
                continue
            leftovers.append((len(resolved), mention))
            resolved.append(mention)  # a placeholder, decided below
        else:
            resolved.append(mention)
    listed = [mention for _, mention in leftovers]
    decided = _decide_leftovers(
        listed, mentions, lambda m: _decided(m, decide, firms), text, spellings
    )
    for (slot, mention), kind in zip(leftovers, decided, strict=True):
        resolved[slot] = _Mention(kind, mention.name) if kind is not None else None
    return [mention for mention in resolved if mention is not None]


def _decide_leftovers(
    leftovers: Sequence[_Mention],
    mentions: Sequence[_Mention],
    decide: Callable[[_Mention], str | None],
    text: str,
    spellings: Mapping[tuple[str, str], list[str]] | None,
) -> list[str | None]:
    """The tagger's types for the leftovers; names listed together are of one kind ("Smith
    Barney and Drexel Burnham"), so a leftover listed with a typed name is decided again
    knowing that name's type (the other leftovers' first decisions count too)."""
    decided = [decide(mention) for mention in leftovers]
    if not leftovers or not text:
        return decided
    typed = _typed_spellings(mentions, spellings)
    for mention, kind in zip(leftovers, decided, strict=True):
        if kind is not None:
            typed.setdefault(mention.name, kind)
    for number, mention in enumerate(leftovers):
        if decided[number] is None:
            continue  # the tagger, or the words around it, saw no name: a list changes nothing
        mention.coordinated = _coordinated_kind(mention.name, text, typed)
        if mention.coordinated == "organization" and _surname_used_alone(mention.name, text):
            mention.coordinated = None  # "... and Yutaka Toda. Toda said": a person
        if mention.coordinated is not None:
            decided[number] = decide(mention)
    return decided


def _typed_spellings(
    mentions: Sequence[_Mention], spellings: Mapping[tuple[str, str], list[str]] | None
) -> dict[str, str]:
    """Every typed name of the story and every spelling of one in its text -> its type."""
    typed = {m.name: m.kind for m in mentions if m.kind in ("person", "organization", "place")}
    for (kind, _display), spelled in (spellings or {}).items():
        for spelling in spelled:
            typed.setdefault(spelling, kind)
    return typed


# Not a bare comma: "the Ministry of Finance, Makoto Kuroda," is an apposition.
_LIST_SEPARATOR = re.compile(r"(?: and| or|, and|, or) ")

_LIST_SEPARATOR_BEFORE = re.compile(r"(?: and| or|, and|, or) $")
_WORD_CHAR = re.compile(r"[\w-]")
_CAPITALIZED_RUN = re.compile(rf"{_TOKEN}(?: {_TOKEN})*")
_CAPITALIZED_RUN_END = re.compile(rf"(?<![\w.'-]){_TOKEN}(?: {_TOKEN})*$")


def _word_starts(word: str, text: str) -> Iterator[int]:
    """Where ``word`` stands in ``text`` as a whole word (no letter, digit or hyphen
    touching it), with ``str.find``: no pattern compiled per word."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if (at == 0 or not _WORD_CHAR.match(text, at - 1)) and not _WORD_CHAR.match(text, end):
            yield at
            at = text.find(word, end)
        else:
            at = text.find(word, at + 1)


def _surname_used_alone(name: str, text: str) -> bool:
    """Whether the last word of a two-word ``name`` stands alone elsewhere in ``text``, as
    a person's surname does ("Toda said") and a firm's second founder seldom does."""
    words = name.split(" ")
    if len(words) != 2:
        return False
    return sum(1 for _ in _word_starts(words[1], text)) > text.count(name)


def _coordinated_kind(name: str, text: str, typed: Mapping[str, str]) -> str | None:
    """The type of a typed name listed right before or after ``name`` in ``text`` ("JAXA
    and Roscosmos", "Exxon, Qarnoil and Chevron"): names listed together are of one kind.
    ``None`` when no neighbour is typed or neighbours disagree."""
    kinds = set()
    for at in _word_starts(name, text):
        end = at + len(name)
        if text.endswith(", ", 0, at):
            continue  # "Japan's delegate, Minoru Endo, and ...": an apposition, not a list
        after = _LIST_SEPARATOR.match(text, end)
        run = _CAPITALIZED_RUN.match(text, after.end()) if after is not None else None
        if run is not None and run.group() in typed:
            kinds.add(typed[run.group()])
        separator = _LIST_SEPARATOR_BEFORE.search(text, max(0, at - 6), at)
        if separator is not None:
            before = _CAPITALIZED_RUN_END.search(text, max(0, at - 80), separator.start())
            if before is not None and before.group() in typed:
                kinds.add(typed[before.group()])
    return kinds.pop() if len(kinds) == 1 else None


def _decided(
    mention: _Mention, decide: Callable[[_Mention], str | None], firms: frozenset[str]
) -> str | None:
    """The tagger's type for a leftover; a name the story typed as an organization
    elsewhere stays one ("Sole manager Kidder Peabody said ... according to Kidder
    Peabody")."""
    if mention.name in firms:
        return "organization"
    return decide(mention)


def _without_firms_of_people(
    mentions: list[_Mention],
    short_forms: Mapping[str, tuple[str, str]],
    spellings: dict[tuple[str, str], list[str]] | None,
    text: str,
) -> list[_Mention]:
    """The mentions without the people that are a firm's short form (recorded as the
    firm's spellings instead), unless the story describes the person ("Mario Gabelli,
    head of ... Mario Gabelli and Co")."""
    kept = []
    for mention in mentions:
        if (
            mention.kind == "person"
            and _firm_of_a_person(mention, short_forms)
            and not _described_as_person(mention.name, text)
        ):
            if spellings is not None:
                spellings.setdefault(short_forms[mention.name], []).append(mention.name)
        else:
            kept.append(mention)
    return kept


def _firm_of_a_person(mention: _Mention, short_forms: Mapping[str, tuple[str, str]]) -> bool:
    """A person's name that opens an organization's name found in the same story is that
    firm's short form: "Dean Witter" of "Dean Witter Reynolds Inc", "Shearson Lehman"
    of "Shearson Lehman Brothers Inc" (not after a title: "President Ford"; nor a band's,
    a show's: "Dave Matthews" of "Dave Matthews Band")."""
    if mention.titled or " " not in mention.name or mention.name not in short_forms:
        return False
    last = short_forms[mention.name][1].rsplit(" ", 1)[-1]
    return last in _LEGAL_SUFFIXES or last in _FIRM_LAST


def _described_as_person(name: str, text: str) -> bool:
    """Whether the story writes "<name>, [a|the] <role or occupation>" or "<name> said he"."""
    for match in re.finditer(re.escape(name) + r"(?:, (?:an? |the )?| said )(\w+)", text):
        word = match.group(1).lower()
        if word in _ROLE_WORDS or _person_noun(word) or word in ("he", "she", "who", "head"):
            return True
    return False


_FIRM_LAST = _words("Industries Brothers Bros Bros. Group Holdings Securities Partners Associates")


def _after_the(mention: _Mention) -> bool:
    """Whether "the" comes right before the word: "the Army said" refers back, "Army
    officers" or a sentence's first "Bank lending" does not."""
    return mention.context is not None and mention.context[0] == "the"


def _refers_to(short: str, whole: tuple[str, str]) -> bool:
    """Whether a short form stands for the whole name: not an everyday word that only
    opens it ("Federal" of "Federal Reserve", "World" of "World Bank" say nothing of it)."""
    if short.isupper() or not whole[1].startswith(short):
        return True  # initials, or a head word ("the Bank" of "Bank of England")
    words = common_words()
    return (
        not all(word.lower() in words for word in short.split(" "))  # "National Security"
        and not is_demonym(short)
        and short not in _COMPASS  # "Western" of "Western Air Lines"
        and _known([short]) is None  # "Texas" of "Texas Air Corp" is the state
        and short not in ("Soviet", "Philippine")  # adjectives of nations ("Soviet" officials)
    )


def _head_reference(word: str, organizations: Sequence[str]) -> tuple[str, str] | None:
    """The one organization of the story whose name has ``word`` as a head word ("Army"
    for "U.S. Army"), or ``None`` (no such name, or more than one)."""
    if word not in _ORG_HEADS or word in _LEGAL_SUFFIXES or word == "House":
        return None  # "Corp" alone refers to no one firm; "the House" is not the White House
    found = {name for name in organizations if word in name.split(" ")[1:]}
    return ("organization", found.pop()) if len(found) == 1 else None


def _not_a_name(name: str) -> bool:
    """A leftover that names nothing: a compass word, an everyday abbreviation ("GDP"),
    a lone head word ("the Commission": a reference back) or a strain ("H5N1")."""
    return name in _NOT_NAMES or name in _ORG_HEADS or _STRAIN.fullmatch(name) is not None


def _acronyms(names: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The initials of multi-word names: ``Department of Transportation`` -> ``DOT``, ``DT``,
    each mapped to its ``(kind, name)`` (the first name with those initials).

    A legal suffix does not count (``Trans World Airlines Inc`` -> ``TWA``).
    """
    found: dict[str, tuple[str, str]] = {}
    for kind, name in names:
        words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
        while len(words) > 2 and words[-1] in _LEGAL_SUFFIXES:
            words.pop()
        if len(words) < 2:
            continue
        found.setdefault("".join(w[0] for w in words).upper(), (kind, name))
        found.setdefault("".join(w[0] for w in words if w[0].isupper()), (kind, name))
    return found


def _short_forms(organizations: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Leading words of the organizations found: ``Sears`` for ``Sears, Roebuck and Co``."""
    found: dict[str, tuple[str, str]] = {}
    for name in organizations:
        words = name.replace(",", "").split()
        for end in range(1, len(words)):
            if words[end - 1] not in _CONNECTORS:
                found.setdefault(" ".join(words[:end]), ("organization", name))
        founder = _founders_surname(words)
        if founder is not None:
            found.setdefault(founder, ("organization", name))
    return found


def _founders_surname(words: Sequence[str]) -> str | None:
    """The surname a firm named after a person by initials goes by: "Grace" of "W.R.
    Grace and Co", "Hutton" of "E.F. Hutton" ("said Grace would sell")."""
    if len(words) < 2 or not _INITIALS.fullmatch(words[0]) or "." not in words[0]:
        return None
    surname = words[1]
    if not surname[:1].isupper() or not surname[1:].islower() or surname in _ORG_HEADS:
        return None
    return surname


#: Words that label a thing by a letter: "Series C", "Class A", "Phase B", "Form D".
_LABEL_WORDS = _words(
    "Series Class Tranche Tier Plan Type Model Phase Stage Option Section Article Chapter"
    " Schedule Form Exhibit Appendix Annex Grade Category Level Block Lot Unit"
)


def _a_label(tokens: Sequence[str], after: str, initial: bool) -> bool:
    """A label, not a name: a table's before a date ("Record April 20", "Pay May 25";
    "GKN 1986 profit" is a firm's initials), a numbered part of a text ("in Chapter
    11"), a thing's letter ("Series C preferred", "Class A shares")."""
    if len(tokens) == 2:
        return len(tokens[1]) == 1 and tokens[0] in _LABEL_WORDS
    return (
        len(tokens) == 1
        and (after[:1].isdigit() or after in _NUMBER_WORDS)
        and ((initial and tokens[0][1:].islower()) or tokens[0].lower() in common_words())
    )


def _tagger_decision(mention: _Mention) -> str | None:
    """The statistical tagger's type for a name the rules left unclassified."""
    tokens = tuple(mention.name.split(" "))
    before, after, initial = mention.context or ("", "", False)
    if after in _PLACE_NOUNS:
        return "place"  # "Sangin district", "Jaffna peninsula", "Lagos airport"
    if _no_name_here(tokens, before, after, initial):
        return None
    if mention.described_as_body:
        return "organization"  # "Secunia, a Danish security firm, found the flaw"
    kind = span_tagger().classify(tokens, before, after, initial)
    if kind != "place" and len(tokens) == 1 and _CAMEL_CASE.fullmatch(tokens[0]):
        return "organization"  # "WikiLeaks", "SpaceX", "BlackRock": a brand's spelling
    if _takes_listed_kind(mention, kind, tokens):
        return mention.coordinated  # "NASA and Qarnos", "Kenya and Qarnistan"
    if (
        kind is None
        and len(tokens) == 1
        and _unknown_initials(tokens[0])
        and not _VERSION.fullmatch(after)  # "HTML 5": a format's version ("GKN 1986 profit" is not)
        and before not in ("a", "an")  # "a DNA test", "an SUV": a thing's initials
    ):
        return "organization"  # "FEMA officials", "The LRA attacked": unknown initials
    if kind == "person":
        kind = _person_checked(mention, tokens)
        if kind in (None, "organization"):
            return kind
        if kind == "organization?":
            kind = "organization"
    if kind != "place" and before in _ORG_CUES:
        return "organization"  # "oil company Yukos", "the band Korn"
    if kind != "place" and after in _ORG_AFTER and not _opening_word(tokens, initial):
        return "organization"  # "Yukos shares fell", "a Gazprom spokesman said"
    return kind


def _opening_word(tokens: Sequence[str], initial: bool) -> bool:
    """An everyday word capitalized only because it opens a sentence ("Remaining
    shares will be sold"): no firm's name before "shares"."""
    return initial and len(tokens) == 1 and tokens[0].lower() in common_words()


#: One word with a capital inside after lower-case letters, as brands are spelled
#: ("WikiLeaks", "SpaceX", "GenCorp"); not a surname's prefix ("McDonald", "DeLay",
#: "MacArthur", "LaGuardia", "FitzGerald").
_CAMEL_CASE = re.compile(
    r"(?!(?:Mc|Mac|De|Di|Da|Du|La|Le|Lo|Van|Von|Fitz|St|Al|El)[A-Z])[A-Z][a-z]{2,}[A-Z][A-Za-z]*"
)


def _person_checked(mention: _Mention, tokens: Sequence[str]) -> str | None:
    """What a name the tagger calls a person's is: "person", ``None`` (no name),
    "organization", or "organization?" (an organization unless the words around it say
    otherwise)."""
    if len(tokens) == 2 and is_demonym(tokens[0]) and tokens[0] not in first_names():
        return None  # "Tamil Tiger rebels", "Iraqi Kurdistan": a group or a region
    if tokens[-1] in _PARTY_MEMBERS or tokens[-1] in _NOT_PERSON_LAST:
        return None  # "House Republicans", "Cruzado Plan"
    if mention.neuter:
        return "organization"  # "Comissaria Smith said in its weekly review"
    if len(tokens) > 1 and tokens[0] == "Bank":
        return "organization"  # "Bank Saderat", "Bank Hapoalim": no one's given name is Bank
    if _everyday_words(tokens) or _ends_in_everyday_word(tokens):
        # "Velvet Revolver toured", "Weather Report recorded", "Charles Lefranc Cellars"
        return "organization?"
    return "person"


def _takes_listed_kind(mention: _Mention, kind: str | None, tokens: Sequence[str]) -> bool:
    """Whether a name the tagger typed as ``kind`` takes the type of a name listed with it:
    an organization's or a place's, not at a sentence's start; a person's name stays one
    unless it reads as a firm's ("Smith Barney and Drexel Burnham": two words, the first
    no given name)."""
    initial = mention.context[2] if mention.context else False
    return (
        kind is not None
        and mention.coordinated in ("organization", "place")
        and not initial
        and not (kind == "person" and (tokens[0] in first_names() or len(tokens) != 2))
    )


def _no_name_here(tokens: Sequence[str], before: str, after: str, initial: bool) -> bool:
    """Whether the words around a leftover say it names nothing the facets hold."""
    name = " ".join(tokens)
    return (
        _a_label(tokens, after, initial)  # "Series C"
        or (len(tokens) == 2 and is_demonym(name))  # "Far Eastern trading"
        or _qualifier(tokens[-1])  # "Coca Cola-owned plants"
        or (len(tokens) > 1 and tokens[-1] in _DOCUMENTS)  # "Export Enhancement Program"
        or (len(tokens) > 1 and tokens[-1] in _MACHINES)  # "Hubble Space Telescope"
        # "rated AA by Standard and Poor's": a grade, not the AA
        or (
            _RATING.fullmatch(name) is not None
            and (before in _RATING_BEFORE or after in _RATING_AFTER)
        )
        or (len(tokens) == 1 and _a_word_of_things(tokens[0], before))  # "to the Mark"
    )


#: Last words of the name of a programme, a law or a treaty: no person, body or place.
_DOCUMENTS = _words(
    "Program Programme Plan Act Treaty Agreement Accord Accords Pact Doctrine Amendment"
)


#: Last words of the name of a craft or an instrument: a thing, no body.
_MACHINES = _words("Telescope Rover Spacecraft Orbiter Lander Probe Shuttle Missile Rocket")


def _a_word_of_things(word: str, before: str) -> bool:
    """Whether a lone given name is a thing's by the word before it: "the" ("to the
    Mark") or another word it is slashed to ("Lira/Mark"; not "Nikki Beach / Pearl")."""
    slashed = before.endswith("/") and len(before) > 1
    return (before == "the" or slashed) and word in first_names()


#: A credit rating ("rated AA", "cut to BBB from A"), and the words around one.
_RATING = re.compile(
    r"(?:AAA|AA|BBB|BB|CCC|CC|Aaa|Aa|Baa|Ba|Caa)(?:[+-]|-?[1-3]|-minus|-plus)?"
    r"|[ABC](?:-minus|-plus|[+-]|-?[1-3])"  # "B-minus", "A-plus", "B1"
)


def _a_grade(text: str, match: re.Match[str]) -> bool:
    """A credit grade, not a name: "cut to CCC from B-minus" (not the Commodity Credit
    Corp)."""
    return _RATING.fullmatch(match.group()) is not None and _rated(text, *match.span())


def _rated(text: str, start: int, end: int) -> bool:
    """Whether a grade-like span is a credit rating: a rating word right before or after
    it ("to CCC from B-minus") and a rating agency's verb in the words around it ("sell
    wheat to CCC" is the Commodity Credit Corp)."""
    before = text[max(0, start - 12) : start].split()
    after = text[end : end + 12].split()
    return bool(
        (
            (before and before[-1].lower() in _RATING_BEFORE)
            or (after and after[0].lower().strip(".,;") in _RATING_AFTER)
        )
        and _RATING_TALK.search(text, max(0, start - 100), end + 40)
    )


_RATING_TALK = re.compile(
    r"\b(?:rat(?:ed|es|ing|ings)|grade|lower|rais|upgrad|downgrad|affirm|assign|Moody|Poor's"
    r"|S/P|Duff)",
    re.IGNORECASE,
)


_RATING_BEFORE = frozenset("rated rating ratings to from at its an a and or of".split())
_RATING_AFTER = frozenset("rating ratings by from to minus plus -minus -plus category".split())

_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty""".split()
)
_VERSION = re.compile(r"[0-9][0-9.]{0,2}")


def _unknown_initials(word: str) -> bool:
    """Three to five capitals no table knows, read as a name: in news such initials are
    mostly parties, agencies and armed groups ("MQM", "FEMA", "LRA"); two letters are
    too often something else, Roman numerals are numbers."""
    return (
        3 <= len(word) <= 5
        and word.isupper()
        and word.isalpha()
        and word not in _CAPS_WORDS
        and not _ROMAN.fullmatch(word)
    )


def _everyday_words(tokens: Sequence[str]) -> bool:
    """Whether a name of two words or more is made of everyday words only ("Velvet
    Revolver", "Weather Report"): a band's or a firm's, not a person's (people's
    names the rules miss have at least one word that is a name: "Kojima Minoru")."""
    if len(tokens) < 2:
        return False
    words = common_words()
    return all(token.lower() in words for token in tokens)


def unclassified_names(texts: Sequence[str]) -> list[tuple[str, Context]]:
    """The names the rules leave to the tagger, with their context (to train it)."""
    out = _Collector()
    for text in texts:
        if text:
            _scan(fold_punctuation(text), out)
    left: list[tuple[str, Context]] = []

    def keep(mention: _Mention) -> str | None:
        left.append((mention.name, mention.context or ("", "", False)))
        return None

    _resolve(out.mentions, (), keep, "\n".join(texts))
    return left


def _scan(text: str, out: _Collector) -> None:
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        if _is_caps(paragraph):
            _scan_caps(paragraph, out)
        else:
            _scan_mixed(paragraph, out)


def _unique(names: Iterable[str], organizations: bool = False) -> tuple[str, ...]:
    """First-seen names, one per key; companies compare without ``Inc``/``Co``...

    ``Standard Oil Co`` and a later ``Standard Oil`` are one organization,
    shown as first written.
    """
    seen: dict[str, str] = {}
    for name in names:
        key = lookup_key(name)
        if organizations:
            words = key.replace(",", "").replace(".", "").split(" ")
            while len(words) > 1 and words[-1] in _LEGAL_KEYS:
                words.pop()
            key = " ".join(words)
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
    mentions = _resolve(
        out.mentions,
        tag_people,
        text="\n".join(texts),
        located=out.located,
        spellings=out.spellings,
        abbreviated=out.abbreviated,
    )
    for name, spelling in out.located.items():
        out.spellings.setdefault(("place", name), []).append(spelling)
    mentions = _merge_short_people(mentions)
    by_kind: dict[str, list[str]] = {"person": [], "organization": [], "place": []}
    for mention in mentions:
        name = mention.name
        if mention.kind == "person":
            if _DIGIT.search(name):
                continue  # a model, not a person: "Ilyushin Il-62", "Lockheed F-16"
            first, _, rest = name.partition(" ")
            if " " in rest and is_demonym(first) and first not in first_names():
                name = rest  # "Briton John Smith"; not "Christian de Boissieu"
        elif mention.kind == "organization" and _BACKER.match(name):
            # "Iranian-backed Badr Brigade" is the Badr Brigade, written so.
            name = name.split(" ", 1)[1]
            out.spellings.setdefault(("organization", name), []).append(mention.name)
        by_kind[mention.kind].append(name)
    _teams_of_places(by_kind, out.spellings, "\n".join(texts))
    people = _unique(by_kind["person"])
    organizations = _unique(by_kind["organization"], organizations=True)
    places = _unique(by_kind["place"])
    kept = {"person": set(people), "organization": set(organizations), "place": set(places)}
    spellings = tuple(
        dict.fromkeys(
            (kind, display, spelling)
            for (kind, display), found in out.spellings.items()
            if display in kept.get(kind, ())
            for spelling in found
        )
    )
    return Entities(people, organizations, places, spellings)


def _teams_of_places(
    by_kind: dict[str, list[str]], spellings: Mapping[tuple[str, str], list[str]], text: str
) -> None:
    """Move the places a match report names as teams to the organizations (``teams``);
    one the story also writes as a location stays a place too."""
    if not by_kind["place"]:
        return
    places = [
        (name, spellings.get(("place", name), ())) for name in dict.fromkeys(by_kind["place"])
    ]
    found, located = teams(text, places)
    if found:
        by_kind["organization"].extend(name for name in by_kind["place"] if name in found)
        by_kind["place"] = [
            name for name in by_kind["place"] if name not in found or name in located
        ]


def _merge_short_people(mentions: list[_Mention]) -> list[_Mention]:
    """``Mr Smith`` (a one-word person) becomes ``John Smith`` when both occur."""
    full_by_surname: dict[str, str] = {}
    # Family name first ("Hu Jintao" ... "Mr. Hu"): the first word, after a title only.
    full_by_first: dict[str, str] = {}
    for mention in mentions:
        if mention.kind == "person" and " " in mention.name:
            for key in _surname_keys(mention.name):
                full_by_surname.setdefault(key, mention.name)
            full_by_first.setdefault(mention.name.split(" ", 1)[0], mention.name)
    merged = []
    given = first_names()
    for mention in mentions:
        if mention.kind == "person" and " " not in mention.name:
            full = full_by_surname.get(mention.name)
            if full is None and mention.titled:
                full = full_by_first.get(mention.name)
            if (
                full is None
                and not mention.titled
                and mention.name in given
                and mention.name in full_by_first
            ):
                # "Ali" alone where "Ali Akbar Velayati" is named: a fragment, not
                # someone else; a given name no full name starts with is kept
                # ("Toby played drums").
                continue
            mention = _Mention("person", full or mention.name, titled=mention.titled)
        merged.append(mention)
    return merged
