"""One facet value per entity across stories, and names that are not entities.

Stories spell one name several ways ("Ivan Boesky", "Ivan F. Boesky";
"General Motors Corp", "General Motors Corporation"), and a facet that
lists each spelling apart splits the entity's stories between them. The
rules here are deterministic, so every worker process maps a spelling to
the same value without sharing state:

* people: middle initials are dropped ("Ivan F. Boesky" -> "Ivan Boesky",
  "George H. W. Bush" -> "George Bush"); a leading initial stays ("J. Paul
  Getty" keeps its form);
* organizations: a leading "The" goes, and so does the legal form
  ("General Motors Corp", "General Motors Corporation" -> "General Motors";
  "Merrill Lynch and Co Inc" -> "Merrill Lynch"), so that the stories that
  name the firm with and without it share one value; a name that needs its
  form to read as a name keeps it, spelled one way ("Corporation", "Corp."
  -> "Corp"; "Incorporated" -> "Inc"; "Company" -> "Co"; "Limited" ->
  "Ltd"): one everyday word ("Acme Corp"), an activity ("Calderwood Mining
  Corp", "Federal Deposit Insurance Corp");
* places: the gazetteer already maps "U.S." and "USA" to "United States".

The spellings a value stands for are kept (:func:`canonical_entities`
returns them) so the index can show them next to the value.

Not entities, whatever the extractor says: demonyms ("Iraqi", "Iranians"),
news agencies (in news copy they are named as sources: "Reuters", "(AP)",
"according to Agence France-Presse"), and the publisher's own name, which
stays in the ``source`` field.
"""

from __future__ import annotations

import re

from indexer.extract.gazetteer import common_words

__all__ = [
    "GIVEN_NAME_ABBREVIATIONS",
    "canonical_entities",
    "canonical_name",
    "is_agency",
    "is_demonym",
]

_INITIAL = re.compile(r"^[A-Z]\.?$")
_LEGAL = {
    "corporation": "Corp",
    "corp": "Corp",
    "incorporated": "Inc",
    "inc": "Inc",
    "company": "Co",
    "co": "Co",
    "limited": "Ltd",
    "ltd": "Ltd",
    "plc": "Plc",
    "p.l.c": "Plc",
    "cos": "Cos",
    "llc": "LLC",
    "ag": "AG",
    "sa": "SA",
    "s.a": "SA",
    "nv": "NV",
    "n.v": "NV",
    "bv": "BV",
    "gmbh": "GmbH",
    "spa": "SpA",
}
#: News agencies and wire services: named in copy as the source of a report.
_AGENCIES = frozenset(
    name.casefold()
    for name in (
        "Reuters",
        "Reuter",
        "Thomson Reuters",
        "AP",
        "Associated Press",
        "The Associated Press",
        "AFP",
        "Agence France-Presse",
        "Agence France Presse",
        "UPI",
        "United Press International",
        "Xinhua",
        "Xinhua News Agency",
        "New China News Agency",
        "Kyodo",
        "Kyodo News",
        "Tass",
        "TASS",
        "Itar-Tass",
        "ITAR-TASS",
        "Interfax",
        "RIA Novosti",
        "dpa",
        "DPA",
        "ANSA",
        "EFE",
        "Yonhap",
        "Bernama",
        "Antara",
        "PTI",
        "Press Trust of India",
        "IRNA",
        "Islamic Republic News Agency",
        "Anadolu Agency",
        "MENA",
        "Saudi Press Agency",
        "SPA",
        "WAFA",
        "KCNA",
        "Jiji",
        "Jiji Press",
        "Canadian Press",
        "Australian Associated Press",
        "AAP",
        "Press Association",
        "PA",
        "Tanjug",
        "Sapa",
        "South African Press Association",
        "Prensa Latina",
        "Notimex",
        "CTK",
        "Agerpres",
        "Belga",
        "Lusa",
        "Europa Press",
        "Ukrinform",
        "Central News Agency",
        "Kuwait News Agency",
        "KUNA",
        "Qatar News Agency",
        "QNA",
        "Sudan News Agency",
        "SUNA",
        "Emirates News Agency",
        "Anatolia News Agency",
        "Anadolu",
        "Middle East News Agency",
        "Philippine News Agency",
        "Korean Central News Agency",
        "Vietnam News Agency",
        "Syrian Arab News Agency",
        "SANA",
    )
)
#: Nationality and group adjectives and nouns (checked after folding a
#: plural "s"): never a person, organization or place on their own.
_DEMONYMS = frozenset(
    """afghan albanian algerian american andorran angolan argentine argentinian armenian
    australian austrian azerbaijani azeri bahraini bangladeshi belarusian belgian bolivian
    bosnian brazilian british briton bulgarian burmese cambodian cameroonian canadian chadian
    chilean chinese colombian congolese croat croatian cuban cypriot czech danish dane dutch
    dutchman ecuadorean ecuadorian egyptian emirati english eritrean estonian ethiopian european
    filipino finnish french frenchman georgian german ghanaian greek guatemalan guinean
    haitian honduran hungarian icelandic indian indonesian iranian iraqi irish israeli italian
    ivorian jamaican japanese jordanian kazakh kenyan korean kosovar kurdish kurd kuwaiti kyrgyz
    lao laotian latvian lebanese liberian libyan lithuanian luxembourgish macedonian malagasy
    malawian malaysian malian maltese mauritanian mexican moldovan mongolian montenegrin
    moroccan mozambican namibian nepalese nepali nicaraguan nigerian nigerien norwegian omani
    pakistani palestinian panamanian paraguayan persian peruvian polish pole portuguese qatari
    romanian russian rwandan salvadoran saudi scottish scot senegalese serb serbian
    singaporean slovak slovenian somali spanish spaniard sudanese swede swedish swiss
    syrian taiwanese tajik tanzanian thai tibetan togolese tunisian turk turkish turkmen ugandan
    ukrainian uruguayan uzbek venezuelan vietnamese welsh yemeni yugoslav zambian zimbabwean
    arab arabian asian african latino hispanic sunni shiite shia muslim christian jewish
    jew catholic protestant hindu buddhist sikh westerner easterner shi'ite shi'a
    tamil sinhalese pashtun baluch hutu tutsi uighur uyghur chechen ossetian
    soviet mauritian zairean zairian bruneian fijian samoan tongan papuan gabonese
    beninese burkinabe gambian botswanan swazi comorian djiboutian czechoslovak bahamian
    barbadian trinidadian guyanese surinamese belizean grenadian bermudian faroese""".split()
)


def is_agency(name: str) -> bool:
    """Whether ``name`` is a news agency (named in copy as a report's source)."""
    return name.casefold().strip() in _AGENCIES


def is_demonym(name: str) -> bool:
    """Whether ``name`` is a nationality or group word ("Iraqi", "Iranians").

    A phrase ending in a group noun in the plural is a group of people, not
    a name: "Sunni Arabs", "Iraqi Kurds", "North Korean Catholics"; a compass
    word before a nationality is one too: "North Korean", "South Africans".
    """
    key = name.casefold().strip().replace("’", "'")
    if key in _REGION_ADJECTIVES:
        return True
    if " " in key:
        *first, last = key.split()
        if all(word in _COMPASS for word in first):
            return _is_demonym_word(last)  # "North Korean", "South Africans"
        return last.endswith("s") and last[:-1] in _DEMONYMS
    return _is_demonym_word(key)


def _is_demonym_word(key: str) -> bool:
    return (
        key in _DEMONYMS or key in _ADJECTIVES_ONLY or (key.endswith("s") and key[:-1] in _DEMONYMS)
    )


#: Adjectives of a world region written as two words: "Far Eastern demand".
_REGION_ADJECTIVES = frozenset(("far eastern", "middle eastern", "near eastern"))

#: Nationality adjectives whose plural is a country: "Philippine", not "Philippines".
_ADJECTIVES_ONLY = frozenset(("philippine",))


_COMPASS = frozenset("north south east west northern southern eastern western central".split())


#: Last words of a name that need their legal form to read as a name: "Federal Deposit
#: Insurance Corp", "Commodity Credit Corp" keep it.
_NEEDS_FORM = frozenset(
    """insurance credit investment investments development finance guaranty deposit export
    import savings loan""".split()
)


#: Given names written short, with a period, in old firms' names ("Wm. Wrigley Jr Co").
GIVEN_NAME_ABBREVIATIONS = frozenset(
    "Alex Chas Wm Jas Geo Thos Jos Benj Robt Edw Saml Danl".split()
)


def _organization_words(words: list[str]) -> list[str]:
    """A firm's name without its legal form ("General Motors Corp", "Merrill Lynch and Co
    Inc", "Dome Petroleum Ltd" -> "General Motors", "Merrill Lynch", "Dome Petroleum"), so
    that every story's spelling of it is one facet value; a name that needs its form to
    read as one keeps it, spelled one way ("Federal Deposit Insurance Corporation" ->
    "... Corp").
    """
    # "Goldman, Sachs and Co" and "Goldman Sachs": a comma inside a firm's name is
    # optional punctuation, so the value goes without it.
    stem = [w[:-1] if w.endswith(",") and i < len(words) - 1 else w for i, w in enumerate(words)]
    forms: list[str] = []
    while len(stem) >= 2 and stem[-1].rstrip(".,").casefold() in _LEGAL:
        forms.insert(0, _LEGAL[stem.pop().rstrip(".,").casefold()])
        stem[-1] = stem[-1].rstrip(",")
        if len(stem) >= 2 and stem[-1] in ("and", "&") and forms[0] == "Co":
            stem.pop()  # "Merrill Lynch and Co"
            stem[-1] = stem[-1].rstrip(",")
    if not forms:
        return stem
    last = stem[-1].casefold()
    everyday = last in common_words()
    if (len(stem) == 1 and everyday) or (everyday and last.endswith("ing")) or last in _NEEDS_FORM:
        # "Acme Corp", "Calderwood Mining Corp", "Trust Co"
        return [*stem, forms[0]]
    return stem


def canonical_name(kind: str, name: str) -> str:
    """The one spelling of ``name`` that its variants share (see the module docstring)."""
    words = name.split()
    if kind == "person" and len(words) >= 3:
        middle = [w for w in words[1:-1] if not _INITIAL.match(w)]
        if not _INITIAL.match(words[0]):
            return " ".join([words[0], *middle, words[-1]])
    elif kind == "organization" and len(words) >= 2:
        if words[0] in ("The", "the"):
            words = words[1:]
        if words[0].endswith(".") and words[0][:-1] in GIVEN_NAME_ABBREVIATIONS:
            # "Alex. Brown and Sons" and "Alex Brown and Sons": the period is optional
            words = [words[0][:-1], *words[1:]]
        return " ".join(_organization_words(words))
    return name


def canonical_entities(
    kind: str, names: tuple[str, ...], excluded: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """``(values, variants)`` for one story's names of one kind.

    ``values`` are the canonical names, de-duplicated in first-seen order,
    without demonyms, news agencies and the ``excluded`` names (the
    publisher's); ``variants`` pairs each value with a spelling it stands
    for when the two differ.
    """
    banned = {
        form.casefold()
        for name in excluded
        if name
        for form in (name, canonical_name("organization", name))
    }
    values: dict[str, str] = {}
    variants: dict[tuple[str, str], None] = {}
    for name in names:
        if is_demonym(name) or name.casefold() in banned:
            continue
        if kind in ("organization", "person") and is_agency(name):
            continue  # "Tanjug said": an agency the tagger took for a person is a source too
        value = canonical_name(kind, name)
        if value.casefold() in banned:
            continue
        value = values.setdefault(value.casefold(), value)
        if value != name:
            variants[(value, name)] = None
    return tuple(values.values()), tuple(variants)
