"""Entity rules, each on a tiny inline text."""

from __future__ import annotations

import pytest

from indexer.extract.entities import Entities, extract_entities
from indexer.extract.gazetteer import first_names, hand_first_names


def ents(text: str, title: str = "", tag_people: tuple[str, ...] = ()) -> Entities:
    return extract_entities([title, text], tag_people=tag_people)


def test_aliases_are_merged_into_display_names() -> None:
    found = ents(
        "The U.S. and the United States, the USA and US officials met. Britain and the U.K."
    )
    assert found.places == ("United States", "United Kingdom")


def test_soviet_union_aliases() -> None:
    assert ents("USSR exports rose. The Soviet Union said.").places == ("Soviet Union",)


def test_demonyms_are_not_places() -> None:
    assert ents("Russian troops and Venezuelan leaders met American officials.").places == ()


def test_person_by_given_name_and_partial_mentions() -> None:
    found = ents("US President Donald Trump spoke. Trump's comments angered Moscow. Trump left.")
    assert found.people == ("Donald Trump",)
    assert found.places == ("United States", "Moscow")


def test_person_after_title_or_role_word() -> None:
    found = ents(
        "White House spokesman Marlin Fitzwater said so. Chancellor Kohl agreed with "
        "Secretary of State Mike Pompeo and Minister of Finance Zbignew Qwerty."
    )
    assert "Marlin Fitzwater" in found.people
    assert "Helmut Kohl" in found.people  # a distinctive Reuters surname
    assert "Mike Pompeo" in found.people
    assert "Zbignew Qwerty" in found.people
    assert found.organizations == ("White House",)


def test_known_surname_alone() -> None:
    assert ents("Volcker said rates would fall.").people == ("Paul Volcker",)


def test_common_surname_alone_is_not_a_person_without_context() -> None:
    assert ents("Baker said rates would fall.").people == ()


def test_tag_people_resolve_surnames() -> None:
    assert ents("Baker said rates would fall.", tag_people=("James Baker",)).people == (
        "James Baker",
    )


def test_organizations_by_form() -> None:
    found = ents(
        "Standard Oil Co and BP North America Inc formed a venture. The Ministry of "
        "Finance and the Brazilian Cocoa Trade Commission agreed. The U.S. Department of "
        "Justice and the National Association of Securities Dealers objected."
    )
    assert found.organizations == (
        "Standard Oil Co",
        "BP North America Inc",
        "Ministry of Finance",
        "Brazilian Cocoa Trade Commission",
        "Department of Justice",
        "National Association of Securities Dealers",
    )
    assert found.places == ("United States",)  # not North America: part of a company name


def test_known_acronyms_and_full_names() -> None:
    found = ents("OPEC met. The Organization of Petroleum Exporting Countries, the IMF and GATT.")
    assert found.organizations == ("OPEC", "IMF", "GATT")


def test_possessives_end_names() -> None:
    found = ents("Texas Air Corp's Eastern Airlines Inc said. Fireman's Fund Corp said.")
    assert found.organizations == ("Texas Air Corp", "Eastern Airlines Inc", "Fireman's Fund Corp")


def test_marked_companies_and_tickers() -> None:
    found = ents("Rover's <Leyland Trucks> merged with <DAF>. Standard Oil <SRD> rose.")
    assert "Leyland Trucks" in found.organizations
    assert "DAF" in found.organizations
    assert "SRD" not in found.organizations


def test_partnership_names_with_commas() -> None:
    found = ents("Shares of Sears, Roebuck and Co fell, said Birr, Wilson and Co.")
    assert found.organizations == ("Sears, Roebuck and Co", "Birr, Wilson and Co.")


def test_sentence_initial_adjective_is_not_part_of_a_name() -> None:
    found = ents("Recent International Coffee Organization meetings failed.")
    assert found.organizations == ("International Coffee Organisation",)  # display name


def test_company_variants_are_one_organization() -> None:
    found = ents("Standard Oil Co said. Later Standard Oil added.")
    assert found.organizations == ("Standard Oil Co",)


@pytest.mark.parametrize(
    "text",
    [
        "Published Thursday, March 28. She said He would. They met on Monday in May.",
        "President said the Minister and the Secretary agreed. Chairman resigned.",
        "Showers continued throughout the week. Arrivals rose. Buyers were few.",
        '"Prices fall," official Administration policy states. A senior Board member said.',
    ],
)
def test_no_junk(text: str) -> None:
    found = ents(text)
    assert found == Entities()


def test_headlines_in_capitals_use_known_names_only() -> None:
    found = ents("", title="SAUDI ARABIA REITERATES COMMITMENT TO OPEC ACCORD")
    assert found.places == ("Saudi Arabia",)
    assert found.organizations == ("OPEC",)
    assert found.people == ()
    assert ents("", title="WHO SET THE FOX FREE").organizations == ()


def test_capitalized_company_is_not_a_person() -> None:
    assert ents("Comissaria Smith said in its weekly review.").people == ()


def test_reuters_style_dateline_in_capitals_inside_mixed_text() -> None:
    assert ents("MOSCOW, Russia – The ministry said.").places == ("Moscow", "Russia")


def test_mixed_scripts_and_odd_input() -> None:
    assert ents("Москва и 東京 — مرحبا").places == ()
    assert ents("\x00\x01 \ud7ff") == Entities()
    assert ents("") == Entities()


def test_huge_input_is_handled() -> None:
    text = "Donald Trump met Juan Guaido in Caracas. " * 20_000
    found = ents(text)
    assert found.people == ("Donald Trump", "Juan Guaido")
    assert found.places == ("Caracas",)


def test_titles_inside_organization_names() -> None:
    found = ents(
        "Attorney General Edwin Meese spoke. The General Accounting Office and Bt General "
        "Corp agreed. The First Federal Savings and Loan Association of Arizona said. The "
        "U.S. Securities and Exchange Commission and the Food and Drug Administration met."
    )
    assert found.people == ("Edwin Meese",)
    assert found.organizations == (
        "General Accounting Office",
        "Bt General Corp",
        "First Federal Savings and Loan Association of Arizona",
        "Securities and Exchange Commission",
        "Food and Drug Administration",
    )
    assert found.places == ("United States",)


def test_contributor_names_in_a_title_phrase_are_people() -> None:
    found = ents("Minister of Finance Zbignew Qwerty and President of Nicaragua Daniel Ortega.")
    assert found.people == ("Zbignew Qwerty", "Daniel Ortega")
    assert found.places == ("Nicaragua",)


def test_name_particles_stay_inside_a_persons_name() -> None:
    found = ents(
        "Officials said Osama bin Laden is hiding. President Luiz Inacio Lula da Silva "
        "spoke to Heinz Hofer of Switzerland."
    )
    assert "Osama bin Laden" in found.people
    assert "Luiz Inacio Lula da Silva" in found.people
    assert "Heinz Hofer" in found.people
    assert found.places == ("Switzerland",)


def test_arabic_names_by_their_form_are_people() -> None:
    found = ents("Abu Musab al-Zarqawi claimed it. Mayor Qasim al-Tamimi denied it.")
    assert found.people == ("Abu Musab al-Zarqawi", "Qasim al-Tamimi")
    assert found.places == ()


def test_storms_and_operations_are_no_one() -> None:
    found = ents("Hurricane Katrina hit New Orleans. Tropical Storm Gustav and Operation Zelkova.")
    assert found.people == ()
    assert found.organizations == ()
    assert found.places == ("New Orleans",)


def test_well_known_organizations_without_a_telling_word() -> None:
    found = ents("The Taleban and al-Qaeda were blamed by Human Rights Watch and Hizbollah.")
    assert found.organizations == ("Taliban", "al-Qaida", "Human Rights Watch", "Hezbollah")
    assert found.people == ()


def test_a_name_defined_by_its_initials_is_an_organization() -> None:
    found = ents(
        "The Zorvath Watchers Trust? No: the Qelmari Relief Front (QRF) and Narvo Kettle "
        "Fellowship (NKF) met. Later the NKF said. John Smith (JS) spoke."
    )
    assert "Narvo Kettle Fellowship" in found.organizations
    assert "NKF" not in found.organizations
    assert "John Smith" in found.people
    assert "John Smith" not in found.organizations


def test_known_names_written_with_a_lower_case_article() -> None:
    found = ents("al-Qaida's leaders spoke to al-Jazeera. Al Gore listened.")
    assert found.organizations == ("al-Qaida", "Al-Jazeera")
    assert found.people == ("Al Gore",)


def test_a_word_saying_what_a_name_is_types_it_as_an_organization() -> None:
    found = ents("Zevrian oil company Qortex said. He later joined the band Vlorn in 1995.")
    assert "Qortex" in found.organizations
    assert "Vlorn" in found.organizations
    assert found.people == ()


def test_embassies_surveys_and_bands_are_organizations() -> None:
    found = ents("Officials at the U.S. Embassy said. The Jimmy Manopo Band played for Parliament.")
    assert "U.S. Embassy" in found.organizations
    assert "Jimmy Manopo Band" in found.organizations
    assert "Parliament" in found.organizations


def test_provinces_and_cities_written_with_accents_in_the_sources_are_places() -> None:
    found = ents("Fighting spread from Helmand to Kandahar and Uruzgan.")
    assert found.places == ("Helmand", "Kandahar", "Uruzgan")
    assert found.people == ()


def test_one_word_after_a_title_is_a_person_even_when_a_given_name() -> None:
    assert ents("Pope Benedict said it.").people == ("Benedict",)
    assert ents("Mr. Kim spoke.").people == ("Kim",)
    # ... where a given name alone, without a title, that begins a full name of the
    # story is a fragment of it, not someone else.
    found = ents("Foreign Minister Ali Akbar Velayati arrived. Ali said so.")
    assert found.people == ("Ali Akbar Velayati",)


def test_a_given_name_alone_that_no_full_name_starts_with_is_a_person() -> None:
    assert ents("Toby played drums on the album.").people == ("Toby",)


def test_family_name_first_resolves_after_a_title() -> None:
    found = ents("Chinese President Hu Jintao arrived. Mr. Hu said.")
    assert found.people == ("Hu Jintao",)


def test_places_by_their_first_or_last_word() -> None:
    found = ents("Ships left the Zorvell Dock, passed Mount Velsk, Lake Qarn and the Tarbo River.")
    assert found.places == ("Zorvell Dock", "Mount Velsk", "Lake Qarn", "Tarbo River")
    assert found.people == ()
    assert found.organizations == ()
    assert ents("The tanker left the Gulf of Qarn.").places == ("Gulf of Qarn",)


def test_an_organization_of_a_place_keeps_the_place_apart() -> None:
    found = ents("Researchers from the University of Qarnstad of the United Kingdom said.")
    assert found.organizations == ("University of Qarnstad",)
    assert found.places == ("United Kingdom",)
    assert ents("The Bank of England said.").organizations == ("Bank of England",)


def test_a_city_and_a_plural_name_is_a_team() -> None:
    found = ents(
        "The Buffalo Bisons beat the Boston Zorvets. Kansas Democrats and Texas Muslims met."
    )
    assert found.organizations == ("Buffalo Bisons", "Boston Zorvets")
    assert found.places == ("Kansas", "Texas")
    assert ents("U.S. Attacks Rise, Officials Say").organizations == ()


def test_a_name_defined_by_initials_keeps_its_and_part() -> None:
    found = ents(
        "The Bureau for Tarn Control and Prevention (BTC) warned. The BTC said more cases came."
    )
    assert found.organizations == ("Bureau for Tarn Control and Prevention",)
    assert found.people == ()


def test_words_after_a_name_that_say_it_is_a_company() -> None:
    assert ents("Traders sold Zorvex shares after the report.").organizations == ("Zorvex",)
    assert ents("Analysts met a Qarnell spokesman on Friday.").organizations == ("Qarnell",)


def test_two_people_joined_by_an_ampersand_are_not_a_firm() -> None:
    found = ents("The show was hosted by David Marsh & Mary Tarbo.")
    assert found.people == ("David Marsh", "Mary Tarbo")
    assert found.organizations == ()
    assert ents("Zorvell & Qarn Ltd fell.").organizations == ("Zorvell & Qarn Ltd",)


def test_gazetteer_has_no_dateline_junk_and_keeps_capitals() -> None:
    assert ents("The delegates flew to Athens on Monday.").places == ("Athens",)
    assert ents("The United Nations met in New York.").places == ("New York",)
    from indexer.extract.gazetteer import known_names

    places = known_names()["place"]
    assert places.get("****london") is None
    assert places.get("United Nations") is None


def test_washington_dc_is_one_place() -> None:
    found = ents("The delegates flew to Washington, D.C., on Monday.")
    assert found.places == ("Washington",)
    assert ("place", "Washington", "Washington D.C.") in found.spellings


def test_an_organization_in_the_of_part_of_a_title() -> None:
    found = ents("Said Vorn, Chairman of the Qarnish Centre for Tarn Studies, spoke.")
    assert found.organizations == ("Qarnish Centre for Tarn Studies",)
    assert ents("Secretary of State Velma Qarn said.").organizations == ()
    # A short "for ..." part of a title is a department, not an organization.
    assert ents("Vice President for Financial Communications John Zorn said.").organizations == ()


def test_an_aircraft_model_is_not_a_person() -> None:
    assert ents("A smaller Ilyushin Il-62, landed at the airport.").people == ()
    found = ents("A smaller Ilyushin Il-62 landed, said Velma Qarn.")
    assert found.people == ("Velma Qarn",)


def test_a_name_of_everyday_words_is_not_a_person() -> None:
    # A band or a firm named with everyday words: the tagger alone took these for people.
    found = ents("They toured with Copper Lantern and others.")
    assert found.people == ()
    assert found.organizations == ("Copper Lantern",)
    assert ents("The guitarist of Paper Lantern died.").people == ()
    # A name with a word that is not an everyday word stays a person's.
    assert ents("They toured with Tarvo Minoski and others.").people == ("Tarvo Minoski",)


def test_the_everyday_word_list_leaves_out_words_that_are_also_names() -> None:
    from indexer.extract.gazetteer import common_words

    words = common_words()
    assert {"lantern", "revolver", "weather"} <= words
    assert not {"king", "brown", "bush", "rice"} & words


def test_a_group_possessive_stays_inside_a_name() -> None:
    assert ents("Officials of the People's Republic of China met.").places == ("China",)
    found = ents("The Qarnia People's Liberation Army and the Women's Tarn League met.")
    assert found.organizations == ("Qarnia People's Liberation Army", "Women's Tarn League")
    # An ordinary possessive still ends the name.
    assert ents("Velma Qarn's Tarnwood Bank grew.").organizations == ("Tarnwood Bank",)


def test_a_name_before_a_comma_and_a_known_region_is_a_place() -> None:
    found = ents("The plant is in Zarnville, Ohio, and employs 300 people.")
    assert found.places == ("Zarnville", "Ohio")
    assert ("place", "Zarnville", "Zarnville, Ohio") in found.spellings
    # A known city keeps its name and gains the spelling with its region.
    found = ents("She moved to Tampa, Florida, last year.")
    assert found.places == ("Tampa", "Florida")
    assert ("place", "Tampa", "Tampa, Florida") in found.spellings
    # Not a person, an organization or an event before the comma.
    assert ents("Maria Qarn, Ohio, said so.").people == ("Maria Qarn",)
    assert "World War II" not in ents("After World War II, Poland was rebuilt.").places
    assert ents("Qarn Tarnworks Corp, Texas, said.").places == ("Texas",)


def test_a_name_ending_in_news_is_an_organization() -> None:
    assert ents("The report was aired by Tarnvale News on Friday.").organizations == (
        "Tarnvale News",
    )


def test_a_name_before_a_place_noun_is_a_place() -> None:
    assert ents("Troops entered Qarnabad district on Monday.").places == ("Qarnabad",)
    found = ents("He was held in Abu Tarnib prison for a year.")
    assert (found.people, found.places) == ((), ("Abu Tarnib",))
    # An Arabic name by its form is still a person's elsewhere.
    assert ents("Abu Tarnib al-Qarni was arrested.").people == ("Abu Tarnib al-Qarni",)


def test_and_joins_the_fields_an_organization_is_of() -> None:
    found = ents("She taught at the Department of Qarnology and Tarnistics in Leeds.")
    assert found.organizations == ("Department of Qarnology and Tarnistics",)
    assert ents("The Ministry of Science and Technology said.").organizations == (
        "Ministry of Science and Technology",
    )
    # A known name, a given name or a second organization after "and" is a name apart.
    found = ents("The University of Qarnland and Oklahoma signed.")
    assert (found.organizations, found.places) == (("University of Qarnland",), ("Oklahoma",))
    found = ents("The Department of Qarnology and Stephen Tarnby agreed.")
    assert (found.organizations, found.people) == (
        ("Department of Qarnology",),
        ("Stephen Tarnby",),
    )
    assert ents("The Ministry of Qarnology and Tarn Ministry met.").organizations == (
        "Ministry of Qarnology",
        "Tarn Ministry",
    )


def test_a_nationality_before_a_state_body_is_not_part_of_its_name() -> None:
    # As with a possessive: "Iran's Foreign Ministry".
    assert ents("The Iranian Foreign Ministry said so.").organizations == ("Foreign Ministry",)
    assert ents("The North Korean Supreme Court ruled.").organizations == ("Supreme Court",)
    assert ents("The Greek Ministry of Tarnology said.").organizations == ("Ministry of Tarnology",)
    # Names the nationality belongs to keep it; a one-word body keeps it too.
    for name in ("American Tarnology Association", "European Court of Qarn Rights",
                 "Japanese Embassy", "Korean People's Army"):  # fmt: skip
        assert ents(f"The {name} said so.").organizations == (name,)


def test_a_place_before_an_institute_belongs_to_its_name() -> None:
    found = ents(
        "She studied at the Massachusetts Institute of Qarnology and Ohio State University."
    )
    assert (found.organizations, found.places) == (
        ("Massachusetts Institute of Qarnology", "Ohio State University"),
        (),
    )
    # Not before a government body: "U.S. Department of Justice".
    found = ents("The U.S. Department of Qarnology said.")
    assert (found.organizations, found.places) == (("Department of Qarnology",), ("United States",))
    assert ents("The Municipality of Tarnavo voted.").organizations == ("Municipality of Tarnavo",)


def test_a_title_of_an_organization_then_its_holder() -> None:
    found = ents("The CEO of the Qarn Tarn Council Enver Tarnby told reporters.")
    assert (found.organizations, found.people) == (("Qarn Tarn Council",), ("Enver Tarnby",))
    found = ents("Chairman of the Federal Reserve Velma Qarnby spoke.")
    assert (found.organizations, found.people) == (("Federal Reserve",), ("Velma Qarnby",))
    # A part that ends with its head word is the organization alone.
    found = ents("Chairman of the Board of Qarn Trustees said so.")
    assert (found.organizations, found.people) == (("Board of Qarn Trustees",), ())


def test_a_city_and_a_plural_name_of_up_to_two_words_is_a_team() -> None:
    found = ents("He played for the Toronto Blue Tarns and the Oakland Qarnlets.")
    assert (found.organizations, found.places) == (("Toronto Blue Tarns", "Oakland Qarnlets"), ())
    # Events, agreements and landforms named after a city are not teams, nor is a
    # partnership's legal form after a state.
    found = ents(
        "Wells in the California Qarnizo Plains belong to a California Limited Partnership."
    )
    assert found.organizations == ()
    # Events and agreements named after a city are not teams.
    found = ents("The Beijing Olympics and the Geneva Conventions were cited.")
    assert (found.organizations, found.places) == ((), ("Beijing", "Geneva"))


def test_missions_and_observatories_are_organizations_programs_are_not() -> None:
    found = ents("The Qarn Stabilization Mission and the Tarn Observatory for Human Rights said.")
    assert found.organizations == (
        "Qarn Stabilization Mission",
        "Tarn Observatory for Human Rights",
    )
    # A government program is not a body ("Export Enhancement Program"); the United
    # Nations' programmes are known by name.
    assert ents("Sales under the Qarn Enhancement Program rose.").organizations == ()
    found = ents("The U.N. Development Program and Freddie Mac said so.")
    assert found.organizations == ("United Nations Development Program", "Freddie Mac")
    assert found.people == ()


def test_a_given_name_before_a_thing_is_not_a_person() -> None:
    found = ents("The Alvin Qarnby Nuclear Plant closed; Charles Tarnfield Cellars sold wine.")
    assert found.people == ()
    assert found.organizations == ("Charles Tarnfield Cellars",)  # the tagger's name, retyped
    # Surnames that are words stay surnames after a second given name, and suffixes.
    found = ents("Edward George Honey met Henry Qarnby II, Ian M. Honey and Gary Tarn of QDAB.")
    assert found.people == ("Edward George Honey", "Henry Qarnby II", "Ian M. Honey", "Gary Tarn")
    # A state's representatives are not a team.
    assert ents("Nebraska Republican Reps met.").organizations == ()


def test_everyday_abbreviations_and_strains_are_not_names() -> None:
    found = ents("The H5N1 and H7N9 strains spread; GDP fell and HIV cases rose, the CEO said.")
    assert (found.people, found.organizations, found.places) == ((), (), ())
    # An acronym the story defines is still an organization.
    found = ents("The Qarn Tarn Agency (QTA) said so. QTA added more.")
    assert found.organizations == ("Qarn Tarn Agency",)


def test_an_opening_everyday_plural_and_of_are_not_part_of_the_name() -> None:
    found = ents("Rebels of the Qarn Liberation Movement (QLM) said so. The QLM denied it.")
    assert found.organizations == ("Qarn Liberation Movement",)
    found = ents("He met them. Commanders of the Tarnian Army agreed.")
    assert found.organizations == ("Tarnian Army",)
    # Inside a sentence the capitals are the name's own.
    found = ents("He joined the Friends of the Qarn Society.")
    assert found.organizations == ("Friends of the Qarn Society",)


def test_common_us_given_names_mark_people() -> None:
    # "Lydia" is in the census list, not in the hand-made one.
    found = ents("Lydia Tarnmann for Qarn Standards Tarnland says they are looking.")
    assert found.people == ("Lydia Tarnmann",)
    # The tagger's "given name" feature still reads the hand-made list it was trained with.
    assert "Lydia" in first_names() and "Lydia" not in hand_first_names()
    assert hand_first_names() < first_names()
    # Everyday words, places and months are not taken from the census list.
    assert not {"April", "June", "Georgia", "Chad", "Will"} & (first_names() - hand_first_names())


def test_plans_and_prizes_named_after_someone_are_not_people() -> None:
    found = ents("Aid under the Marshall Plan helped. Grace Qarnby won the Stanley Cup.")
    assert found.people == ("Grace Qarnby",)
    # A given name that is also a city does not make a team of a person's name.
    found = ents("Later, Constantine S. Qarnandros said so.")
    assert (found.people, found.organizations) == (("Constantine S. Qarnandros",), ())
    # A country before an institute is a place apart.
    found = ents("The U.S. National Institute of Qarn Health said.")
    assert (found.organizations, found.places) == (
        ("National Institute of Qarn Health",),
        ("United States",),
    )


def test_storms_named_together_are_not_entities() -> None:
    found = ents("Cuba recovers from Hurricanes Gustav and Ike. Next, the WFP will help.")
    assert (found.people, found.organizations, found.places) == (
        (),
        ("World Food Program",),
        ("Cuba",),
    )


def test_unknown_initials_are_an_organization() -> None:
    # Initials no table knows, used alone: an organization (a party, a militia, an agency).
    assert ents("QRPF officials arrived late.").organizations == ("QRPF",)
    # Not two letters, Roman numerals or short words written in capitals.
    found = ents("Part III of the report said so. QZ said it was over. WHO knows.")
    assert found.organizations == ()


def test_a_country_before_a_body_is_a_spelling_of_its_value() -> None:
    # "Norway's Foreign Ministry" is read as Norway and the Foreign Ministry; the
    # value shows that it stands for the whole name.
    found = ents("Norway's Foreign Ministry said. The Iranian Foreign Ministry denied it.")
    assert found.organizations == ("Foreign Ministry",)
    assert found.places == ("Norway",)
    assert ("organization", "Foreign Ministry", "Norway's Foreign Ministry") in found.spellings
    assert ("organization", "Foreign Ministry", "Iranian Foreign Ministry") in found.spellings
    found = ents("The U.S. House of Representatives voted on Friday.")
    assert "House of Representatives" in found.organizations
    assert found.places == ("United States",)
    assert (
        "organization",
        "House of Representatives",
        "U.S. House of Representatives",
    ) in found.spellings
    # A person's name before a body is not a qualifier of it.
    found = ents("Qarn Foreign Ministry officials met.")
    assert not [s for s in found.spellings if s[0] == "organization"]


def test_more_organization_forms() -> None:
    for text, name in (
        ("The group Reporters Without Borders protested.", "Reporters Without Borders"),
        ("It said the Daily Qarnmirror printed it.", "Daily Qarnmirror"),
        ("It was Radio Tarnfa that said so.", "Radio Tarnfa"),
        ("Then the Tarnland Worker's Party agreed.", "Tarnland Worker's Party"),
        ("He told the Qarn Science Monitor so.", "Qarn Science Monitor"),
        ("The U.S. Treasury said so.", "U.S. Treasury"),
        (
            "Leaders of the Qarn-Tarn Economic Cooperation forum met.",
            "Qarn-Tarn Economic Cooperation",
        ),
    ):
        assert ents(text).organizations == (name,), text
    # Still a title before a person's name.
    assert ents("Treasury Secretary James Baker said.").people == ("James Baker",)


def test_and_between_the_ideals_a_body_is_named_for() -> None:
    for text, name in (
        (
            "Rebels of the Qarn Justice and Equality Movement attacked.",
            "Qarn Justice and Equality Movement",
        ),
        (
            "The Tarnland Solidarity and Development Party won.",
            "Tarnland Solidarity and Development Party",
        ),
        ("The Qarn Peace and Security Council met.", "Qarn Peace and Security Council"),
    ):
        assert ents(text).organizations == (name,), text
    # Two bodies joined by "and" stay two.
    found = ents("The Tarn Council and Qarn Commission met.")
    assert found.organizations == ("Tarn Council", "Qarn Commission")


def test_a_lower_case_article_opens_an_organization_name() -> None:
    found = ents("The militant al-Qarna Martyrs Brigades claimed it.")
    assert found.organizations == ("al-Qarna Martyrs Brigades",)
    # A person's name keeps its article inside ("Abu Musab al-Zarqawi").
    assert ents("Abu Musab al-Qarnawi said.").people == ("Abu Musab al-Qarnawi",)


def test_news_titles_and_chambers() -> None:
    assert ents("He told Qarnland Daily so.").organizations == ("Qarnland Daily",)
    assert ents("Tarnland TV said.").organizations == ("Tarnland TV",)
    assert ents("Daily life is hard. The TV show aired.").organizations == ()


def test_groups_named_in_arabic_or_urdu_are_organizations() -> None:
    for text, name in (
        ("Militants of Fatah al-Qarn fought the army.", None),
        ("Militants of Tarna al-Islam fought the army.", "Tarna al-Islam"),
        ("Jaish al-Qarna fighters clashed.", "Jaish al-Qarna"),
        ("Lashkar-e-Qarna denied it.", "Lashkar-e-Qarna"),
        ("Jemaah Islamiyah bombed it.", "Jemaah Islamiyah"),
        ("Fighters of Kataib al-Quds fired.", "Kataib al-Quds"),
        ("Fighters of Tarna al-Quds fired.", "Tarna al-Quds"),
    ):
        found = ents(text)
        if name is None:  # a family name after the article: a person, as before
            assert found.organizations == (), text
        else:
            assert (found.organizations, found.people) == ((name,), ()), text
    # People keep their names: a given name first, or no group word.
    assert ents("Ansar Qarney said.").organizations == ()
    assert ents("Saad al-Qarni said.").people == ("Saad al-Qarni",)


def test_a_refugee_camp_is_a_place() -> None:
    found = ents("Troops entered Nahr el-Qarn refugee camp.")
    assert (found.places, found.people) == (("Nahr el-Qarn",), ())


def test_a_plural_possessive_inside_a_name() -> None:
    assert ents("Rebels of the Kurdistan Workers' Party attacked.").organizations == (
        "Kurdistan Workers' Party",
    )
    assert ents("The Qarn Farmers' Union said.").organizations == ("Qarn Farmers' Union",)


def test_well_known_outlets_firms_and_parties_are_known() -> None:
    found = ents("Officials at Yukos told Le Monde and the Asahi that Likud had won.")
    assert found.organizations == ("Yukos", "Le Monde", "Asahi Shimbun", "Likud")
    # A firm's country before it is not a spelling of it (only bodies keep one).
    found = ents("Norway's Statoil said.")
    assert (found.organizations, found.places) == (("Statoil",), ("Norway",))
    assert not [s for s in found.spellings if s[0] == "organization"]


def test_initials_and_short_forms_are_spellings_of_the_value() -> None:
    found = ents("The Movement for Qarn Change (MQC) won. Later the MQC said so.")
    assert found.organizations == ("Movement for Qarn Change",)
    assert ("organization", "Movement for Qarn Change", "MQC") in found.spellings
    found = ents("The Department of Qarnation said. DOQ officials agreed.")
    assert found.organizations == ("Department of Qarnation",)
    assert ("organization", "Department of Qarnation", "DOQ") in found.spellings
    found = ents("Tarnby, Qarnbuck and Co said. Tarnby shares rose.")
    assert ("organization", "Tarnby, Qarnbuck and Co", "Tarnby") in found.spellings
    # An everyday word or a nationality that opens a name says nothing of it, nor
    # does a legal suffix alone.
    found = ents("The Federal Qarn Board said. Federal officials agreed.")
    assert not [s for s in found.spellings if s[2] == "Federal"]
    found = ents("The African Qarn Bank said. African leaders met. Tarn Corp said, the Corp too.")
    assert not [s for s in found.spellings if s[2] in ("African", "Corp")]
    # Initials defined for a disease name no organization.
    found = ents("Acquired Immune Deficiency Syndrome (AIDS) spread.")
    assert found.organizations == ()


def test_a_lone_head_word_refers_to_the_one_body_with_it() -> None:
    found = ents("The Qarnland Army said. Later the Army denied it.")
    assert found.organizations == ("Qarnland Army",)
    assert ("organization", "Qarnland Army", "Army") in found.spellings
    # Only "the Army" refers back: not a sentence's first word nor "Army officers".
    found = ents("The Qarnland Army said. Army officers agreed.")
    assert not found.spellings
    found = ents("The Qarnland Oil Co said. Oil prices rose.")
    assert not found.spellings
    # "The House" is the House of Representatives, never the White House; words that
    # are all everyday ones do not stand for the name they open.
    found = ents("The White House said. Later the House voted.")
    assert not found.spellings
    found = ents("The National Qarn Council met; National Qarn officials agreed.")
    assert found.spellings == (("organization", "National Qarn Council", "National Qarn"),)
    found = ents("The National Security Council met; National Security officials agreed.")
    assert not found.spellings
    # Nor a country or a compass word opening a name.
    found = ents("The Soviet Qarn Ministry said. Soviet officials agreed.")
    assert not [s for s in found.spellings if s[2] == "Soviet"]
    found = ents("Texas Qarn Corp said. Texas officials agreed.")
    assert not [s for s in found.spellings if s[2] == "Texas"]
    found = ents("Western Qarn Lines said. Western shares rose.")
    assert not [s for s in found.spellings if s[2] == "Western"]
    # Two bodies with the head word: "the Commission" could be either.
    found = ents("The Qarn Commission and the Tarn Commission met. The Commission said.")
    assert not [s for s in found.spellings if s[2] == "Commission"]


def test_a_nationality_before_a_name() -> None:
    assert ents("Briton Jonathan Qarnsby said.").people == ("Jonathan Qarnsby",)
    # A given name that is also a faith is the person's own.
    assert ents("Christian de Qarnsieu said.").people == ("Christian de Qarnsieu",)
    found = ents("Police said Tamil Qarn rebels attacked.")
    assert found.people == ()
    # A region named by its people is not someone either.
    assert ents("Oil flows from Iraqi Qarnistan to the coast.").people == ()


def test_stations_and_state_firms_named_of_a_country() -> None:
    found = ents("He told the Voice of Qarnland on Monday.")
    assert (found.organizations, found.places) == (("Voice of Qarnland",), ())
    assert ents("Officials at Petroleos de Qarnland said.").organizations == (
        "Petroleos de Qarnland",
    )
    assert ents("His voice of reason won.").organizations == ()


def test_capitals_common_words_and_instruments_are_not_organizations() -> None:
    # A headline in capitals: "ECONOMIST" is a word there, not the magazine.
    found = ents("A Soviet economist said so.", title="SOVIET ECONOMIST SEES MORE TRADE")
    assert found.organizations == ()
    # Initials in capitals still are: "GM".
    assert ents("It said so.", title="GM TO CLOSE PLANTS").organizations == ("General Motors",)
    # Instruments of finance and diseases written in initials are not organizations.
    found = ents("Rates rose above LIBOR. SDR rates fell. AIDS spread, and PSBR grew.")
    assert found.organizations == ()


def test_a_known_firm_inside_a_longer_firm_name() -> None:
    found = ents("L.M. Ericsson Telephone Co of Sweden said.")
    assert found.organizations == ("L.M. Ericsson Telephone Co of Sweden",)


def test_a_backer_before_an_organization_is_a_spelling_of_it() -> None:
    found = ents(
        "Fighters of the Iranian-backed Qarn Brigade clashed. U.S.-based Tarnco Lines said."
    )
    assert found.organizations == ("Qarn Brigade", "Tarnco Lines")
    assert ("organization", "Qarn Brigade", "Iranian-backed Qarn Brigade") in found.spellings


def test_prisons_are_places_and_feasts_are_nobody() -> None:
    found = ents("He was held in Qarnkh Prison. Then they marked Eid al-Qarn on Monday.")
    assert (found.places, found.people) == (("Qarnkh Prison",), ())


def test_a_given_name_before_plural_everyday_words_is_a_firm() -> None:
    found = ents("It sold its Beatrice Qarnco Consumer Durables unit.")
    assert found.people == ()


def test_a_known_name_with_a_possessive_inside_is_taken_whole() -> None:
    found = ents(
        "The issue is rated B-2 by Moody's Investors Service Inc and B by Standard and Poor's Corp."
    )
    assert found.organizations == ("Moody's Investors Service", "Standard and Poor's")
    # A possessive first word that begins a firm's name still stays in it.
    assert ents("Qarnman's Fund Corp said.").organizations == ("Qarnman's Fund Corp",)


def test_bank_and_a_word_of_its_own_is_a_bank_not_a_person() -> None:
    found = ents("Sanctions hit Bank Qarnadat, and Bank Tarnalim reported earnings.")
    assert found.people == ()
    assert "Bank Qarnadat" in found.organizations


def test_an_attribute_opening_a_sentence_is_not_part_of_the_name() -> None:
    assert ents("Pan-democrat Qarn Tarnley of the Civic Party lost.").people == ("Qarn Tarnley",)
    assert ents("The Pro-Beijing QTU won nine seats.").organizations == ("QTU",)
    assert ents("Ex-Beatle Paul McCartney sang.").people == ("Paul McCartney",)
    # A firm's name by its form keeps its first word; so does a name the tables know.
    assert ents("Pan-Alberta Gas Ltd said.").organizations == ("Pan-Alberta Gas Ltd",)
    assert ents("The Anti-Defamation League said.").organizations == ("Anti-Defamation League",)


def test_initials_before_a_number_are_a_version_not_a_body() -> None:
    assert ents("Pages written in QTML 5 load faster.").organizations == ()
    assert ents("QTML officials said so.").organizations == ("QTML",)
    assert ents("He took a QTV test and failed it.").organizations == ()  # a thing's initials


def test_a_caption_credit_label_is_not_part_of_the_name_before_it() -> None:
    found = ents("The mayor greets student Qarn Tarnley Image: Lisa Smith.")
    assert found.people == ("Qarn Tarnley", "Lisa Smith")


def test_a_state_abbreviated_before_a_comma_is_the_state() -> None:
    found = ents("The plant in Tarnburg, Mich., will close, a company of Qarnford, Conn., said.")
    assert found.people == ()
    assert set(found.places) >= {"Michigan", "Connecticut"}
    assert ents("Workers struck plants at Tarnburg, Mich, on Monday.").places == (
        "Michigan",
        "Tarnburg",
    )
    assert ents("Mass protests erupted in the capital.").places == ()
    assert ents("Rep. Qarn Tarnley, D-La., and Sen. Lisa Smith (R-Mich.) voted.").places == (
        "Louisiana",
        "Michigan",
    )
    assert ents("Mr. Tarnley, Ill, stayed home.").places == ()  # no period: a word


def test_table_labels_and_numbered_parts_are_not_names() -> None:
    found = ents("Qtly div 10 cts vs 10 cts prior\nPay May 25\nRecord April 20")
    assert (found.people, found.organizations, found.places) == ((), (), ())
    found = ents("Qtly div three cts\n\nPay April 15\n\nRecord April One")
    assert (found.people, found.organizations) == ((), ())
    assert ents("Qarnco, which is in Chapter 11, said it would sell assets.").places == ()
    assert ents("QRK 1986 pretax profit rose.").organizations == ("QRK",)  # initials stay


def test_the_story_s_lower_case_words_are_read_once_and_match_as_written() -> None:
    from indexer.extract.entities import _LowerWords

    words = _LowerWords("Shares rose. The shares, and u.s. bonds, fell. Bonds")
    assert "shares" in words and "bonds" in words and "u.s." in words
    assert "rose" in words and "fell" in words and "qarn" not in words
    assert "Bonds" not in words  # the text's last word: no space, comma or period after it
    # A sentence-opening word the story also writes in lower case is no name.
    assert ents("Shares fell sharply. Investors sold shares on Monday.").organizations == ()


def test_two_firms_in_a_row_with_their_legal_forms_stay_two() -> None:
    found = ents("It is underwritten by Q.R. Tarnley and Co Inc, Qarn Peabody and Co Inc.")
    assert found.people == ()
    assert found.organizations == ("Q.R. Tarnley and Co Inc", "Qarn Peabody and Co Inc")


def test_credit_opens_a_banks_name() -> None:
    found = ents("Credit Qarnais and Credit Tarnois de France led the issue.")
    assert found.people == ()
    assert found.organizations == ("Credit Qarnais", "Credit Tarnois de France")


def test_an_occupation_or_kin_word_before_an_unknown_name_makes_a_person() -> None:
    found = ents(
        "The show had Polaroids of author Qarvin Tolliday and singer-songwriter Zelda Marnow. "
        "Photographers Tarq Ulvenson, Quill Barrowe and Orla Venn came, with his wife Yrsa "
        "Qellund and the science fiction writer L. Qorn Habbard."
    )
    assert found.people == (
        "Qarvin Tolliday",
        "Zelda Marnow",
        "Tarq Ulvenson",
        "Quill Barrowe",
        "Orla Venn",
        "Yrsa Qellund",
        "L. Qorn Habbard",
    )
    # Weaker than a job title: one word, a title, everyday words or a size are not names.
    found = ents(
        "His brother Qarnel came. A council member General Assembly vote. The 60-member "
        "Qarnish-led force and the 21-member Tarn Union met. Current members Former members."
    )
    assert found.people == ()
    found = ents("Pro-Qarn veteran politician Wong Kwok-qing of QFTU lost.")
    assert (found.people, found.organizations) == (("Wong Kwok-qing",), ("QFTU",))


def test_general_before_a_plain_name_is_a_rank_not_a_firm() -> None:
    found = ents(
        "Army General Tharn Qwe Mahn and Major General Qarib Tolan spoke; Lieutenant General "
        "Qorin Vasko agreed. General Motors Corp and General Electric did not."
    )
    assert found.people == ("Tharn Qwe Mahn", "Qarib Tolan", "Qorin Vasko")
    assert found.organizations == ("General Motors Corp", "General Electric")


def test_grand_before_a_religious_title_is_part_of_the_title() -> None:
    found = ents("Shi'ite cleric Grand Ayatollah Qarim al-Tusti warned the Grand Mufti.")
    assert found.people == ("Qarim al-Tusti",)
    assert found.places == () and found.organizations == ()


def test_a_name_of_unknown_initials_is_a_person_of_an_organization() -> None:
    found = ents("Elected were Leung Yiu-qung of NWQC and Tarn Kwok-hing of LQD.")
    assert found.people == ("Leung Yiu-qung", "Tarn Kwok-hing")
    assert found.organizations == ("NWQC", "LQD")
    assert ents("Friends of QRST met.").people == ()  # "friends": an everyday word


def test_a_party_named_by_its_members_is_an_organization() -> None:
    found = ents("Pan-democrat Gary Qarn of the Neo Democrats lost. The Christian Democrats won.")
    assert found.people == ("Gary Qarn",)
    assert found.organizations == ("Neo Democrats", "Christian Democrats")
    assert ents("Gary Plan was adopted.").people == ()  # a plan named after someone


def test_a_plain_name_of_a_country_is_a_person_from_there() -> None:
    found = ents(
        "Qarn next plays defending champion Dinqra Safqna of Russia and Tsvetqa Pironqova of "
        "Bulgaria."
    )
    assert found.people == ("Dinqra Safqna", "Tsvetqa Pironqova")
    assert found.places == ("Russia", "Bulgaria")
    # Everyday words before "of" keep their old reading: a bank, a state.
    found = ents("The Bank of Russia and the Republic of Korea said.")
    assert found.people == () and "Bank of Russia" in found.organizations


def test_a_nationality_before_a_given_name_and_a_surname_is_dropped() -> None:
    found = ents("Moodie beat American Sam Qwerrey. The British Red Cross helped.")
    assert found.people == ("Sam Qwerrey",)


def test_a_weak_title_before_a_given_name_holds_a_title_and_the_word_before_is_the_employer() -> (
    None
):
    found = ents("Qarnco Chief Executive Alan Tarnally said the results were good.")
    assert found.people == ("Alan Tarnally",)
    assert found.organizations == ("Qarnco",)
    # Not a chamber, an adjective, or a word before a title that ends the span.
    found = ents("House Speaker Jim Qwright and Qarnish President Tom Tarn met Damian King.")
    assert found.organizations == ()
    assert ents("The Energy Bill passed.").people == ()


def test_a_given_name_cut_short_opens_a_firms_name() -> None:
    found = ents("It is managed by Alex. Qarn and Sons Inc and was formed by Wm. Tarnley Jr Co.")
    assert found.people == ()
    assert found.organizations == ("Alex. Qarn and Sons Inc", "Wm. Tarnley Jr Co")


def test_a_country_after_an_organizations_name_is_a_place_not_its_initials() -> None:
    found = ents(
        "Teams from Qarn Oil Co of the US and the University of Tarnfield of the UK met. It "
        "rated Qarnley National Bank USA and the Qarn Press Agency QPA."
    )
    assert found.organizations == (
        "Qarn Oil Co",
        "University of Tarnfield",
        "Qarnley National Bank",
        "Qarn Press Agency",
    )
    assert found.places == ("United States", "United Kingdom")
    assert ents("The Qarn Development Bank of the Philippines lent.").organizations == (
        "Qarn Development Bank of the Philippines",
    )


def test_a_persons_name_that_opens_a_firms_name_in_the_story_is_the_firm() -> None:
    found = ents("Dean Qarnley Reynolds Inc raised its rating. Dean Qarnley analysts said so.")
    assert found.people == ()
    assert found.organizations == ("Dean Qarnley Reynolds Inc",)
    # The founder the story describes stays a person beside the firm.
    found = ents("Mario Qarnelli, head of investment firm Mario Qarnelli and Co, said he sold.")
    assert found.people == ("Mario Qarnelli",)
    # A band or a show named after someone leaves the person be.
    found = ents("Dave Tarnley of the Dave Tarnley Band sang. Dave Tarnley wrote it.")
    assert "Dave Tarnley" in found.people


def test_holidays_are_days_not_names() -> None:
    found = ents("Markets closed for Easter and reopened after Ramadan. Qarn Island lies far.")
    assert (found.people, found.organizations) == ((), ())
    assert ents("They sailed to Easter Island.").places == ("Easter Island",)


def test_a_name_joined_to_itself_is_a_firm_and_plans_are_no_people() -> None:
    found = ents("Qarnson and Qarnson said the drug was safe. The Tarnado Plan freeze failed.")
    assert found.people == ()
    assert found.organizations == ("Qarnson and Qarnson",)
    found = ents("Qarnco and Qarnco Financial merged.")
    assert "Qarnco and Qarnco Financial" not in found.organizations


def test_an_everyday_word_after_a_title_is_no_person() -> None:
    assert ents("King World said it would buy back shares.").people == ()
    assert ents("King Qarnsein said so.").people == ("Qarnsein",)


def test_a_name_in_the_possessive_that_owns_nothing_is_a_firm() -> None:
    found = ents("The issue is rated A by Qoody's. Wendy's, a chain, rose. Qarnbury's said so.")
    assert found.people == ()
    assert found.organizations == ("Qoody's", "Wendy's", "Qarnbury's")
    # It owns something, it is a day, or it is someone the story names.
    found = ents("John Tarnley spoke on Tuesday's show. The plan was Tarnley's. Qarn's plan won.")
    assert found.people == ("John Tarnley",)
    assert found.organizations == ()


def test_three_partners_and_a_legal_form_are_one_firm() -> None:
    found = ents("It was managed by Qarnson, Lufqin and Tarnette Securities Corp, with others.")
    assert found.people == ()
    assert found.organizations == ("Qarnson, Lufqin and Tarnette Securities Corp",)


def test_a_letter_after_a_label_word_is_no_name() -> None:
    found = ents("It sold Series C preferred stock and Class B shares.")
    assert (found.people, found.organizations) == ((), ())


def test_jan_before_a_name_is_a_given_name_and_short_months_label_tables() -> None:
    found = ents("Jan Qarnowski agreed. Jan Peter Tarnende spoke on Jan 12.")
    assert found.people == ("Jan Qarnowski", "Jan Peter Tarnende")
    found = ents("Qtly div 30 cts vs 25 cts\n\nPay Jan 19\n\nRecord Aug Three")
    assert (found.people, found.organizations, found.places) == ((), (), ())


def test_soviet_is_an_adjective_and_capital_markets_a_firm() -> None:
    found = ents("Soviet operators chartered ships. Qarnill Lynch Capital Markets underwrote it.")
    assert found.people == () and found.places == ()
    assert found.organizations == ("Qarnill Lynch Capital Markets",)
    assert ents("He flew to the Philippines.").places == ("Philippines",)


def test_a_bracketed_word_before_a_legal_form_is_part_of_the_firms_name() -> None:
    found = ents("It bought a stake in Qarn Kong (Holdings) Ltd and Tarnison Whampa Ltd yesterday.")
    assert found.people == ()
    assert found.organizations == ("Qarn Kong (Holdings) Ltd", "Tarnison Whampa Ltd")
    # A bracketed place is the unit's region; "of" before it: the tail of a longer name.
    found = ents("Qarnichi International (Europe) Ltd and Union Bank of Qarnland (Securities) Ltd.")
    assert "Europe" in found.places
    assert "Qarnichi International (Europe) Ltd" not in found.organizations


def test_a_name_before_an_analyst_and_a_name_is_the_analysts_firm() -> None:
    found = ents(
        '"Prices will fall," said Dean Qarvitt analyst Orla Venn. Tarnby Holm economist '
        "Quill Barrowe agreed."
    )
    assert found.people == ("Orla Venn", "Quill Barrowe")
    assert found.organizations == ("Dean Qarvitt", "Tarnby Holm")
    # A place, a nationality or a lone everyday word before the job is not a firm.
    found = ents("Tokyo analyst Orla Venn and British economist Quill Barrowe agreed.")
    assert found.organizations == () and found.places == ("Tokyo",)
    assert ents("Oil analyst Orla Venn said so.").organizations == ()


def test_a_firm_noun_before_a_name_makes_a_firm_but_not_a_broker() -> None:
    found = ents(
        "A spokesman for brokers James Qarvel said so, said sole underwriter Drexel Tarnham. "
        "The notes were priced by lead manager Orla Qarnsby."
    )
    assert found.people == ()
    assert found.organizations == ("James Qarvel", "Drexel Tarnham", "Orla Qarnsby")
    # One broker is a person: "money broker Joachim Qarnitz".
    found = ents("He wanted to question Frankfurt-based money broker Joachim Qarnitz.")
    assert found.people == ("Joachim Qarnitz",)


def test_a_persons_employer_after_of_is_a_firm() -> None:
    found = ents(
        '"It is not worth more," said Joseph Qarvel of Smith Tarnley. William Ulven of '
        "Dean Qarvitt Reynolds agreed."
    )
    assert found.people == ("Joseph Qarvel", "William Ulven")
    assert found.organizations == ("Smith Tarnley", "Dean Qarvitt Reynolds")
    # A place's word or a known place after "of" is a place, not a firm.
    found = ents("Mary Qarvel of Tarnby County and John Ulven of Texas spoke.")
    assert found.organizations == ()


def test_the_banks_listed_for_a_deal_are_firms() -> None:
    found = ents(
        "It is rated B by Qarn and Poor's. Kidder Tarnbody, Merrill Qarnch and Smith Barnley "
        "co-managed the issue. Co-managers are Qarnwa, Dillon Tarn, Drexel Qarnham and "
        "Wertheim Tarnder. Underwriters were Copenhagen Qarnelsbank A/S and Mitsubishi "
        "Qarnance (Hong Kong) Ltd."
    )
    assert found.people == ()
    assert set(found.organizations) >= {
        "Kidder Tarnbody",
        "Merrill Qarnch",
        "Smith Barnley",
        "Qarnwa",
        "Dillon Tarn",
        "Drexel Qarnham",
        "Wertheim Tarnder",
        "Copenhagen Qarnelsbank",
        "Mitsubishi Qarnance",
    }
    assert "Ltd" not in found.organizations
    # Outside such a list, people stay people; "J.C." ends no sentence.
    found = ents(
        "J.C. Qarnford and Legg Tarnson co-managed the deal. Peter Qarvel and Mary Tarnby met. "
        '"Fund managers are selling some stocks," said Prudential Qarnwell\'s Hank Tarnsawa. '
        "It is co-managed by Qarnhouse and two investors, Jay Tarnsmith and Harry Qarnund."
    )
    assert {"Jay Tarnsmith", "Harry Qarnund"} <= set(found.people)
    assert found.organizations == ("J.C. Qarnford", "Legg Tarnson", "Qarnhouse")
    assert found.people[:2] == ("Peter Qarvel", "Mary Tarnby")
    assert "Hank Tarnsawa" in found.people  # "Fund managers are ...": no deal's list


def test_far_eastern_is_an_adjective() -> None:
    found = ents(
        "It touched the level at the end of Far Eastern trading, and Middle Eastern demand."
    )
    assert found.people == () and found.places == () and found.organizations == ()


def test_a_firm_named_by_its_staff_or_its_ticker() -> None:
    found = ents(
        '"It will be lower," Gail Qarvel, chief meteorologist for E.F. Tarnton said. Chuck '
        "Ulven, analyst with Shearson Qarnman, agreed, and Shearson Qarnman livestock analyst "
        "Chuck Ulven said so, said Lynne Tarn, E.F. Tarnton cosmetics analyst."
    )
    assert found.people == ("Gail Qarvel", "Chuck Ulven", "Lynne Tarn")
    assert found.organizations == ("E.F. Tarnton", "Shearson Qarnman")
    found = ents(
        "Brokerages were down. E.F. Tarnton <EFT> fell one, said Fred Qarnke, analyst at "
        "Qarn Tarnton Co. He said so."
    )
    assert found.organizations == ("E.F. Tarnton", "Qarn Tarnton Co")
    # A person's name after "with", a verb before a job, a name's tail before a ticker.
    found = ents(
        "She is a trader with Peter Qarnby. Anibal Tarnxeira replaces economist Joao Qarnad. "
        "Cie Francaise des Qarnoles <TQP.PA> rose."
    )
    assert found.organizations == ("Cie Francaise",)  # its name's head; "Qarnoles" no firm
    assert {"Peter Qarnby", "Anibal Tarnxeira", "Joao Qarnad"} <= set(found.people)
    # Three words after "with" are a firm's, given name or not; so after "broker with".
    found = ents(
        "Gary Qarmen, an analyst with Dean Qarnitt Reynolds, said so, and Bob Tarte, an "
        "FCOJ broker with Dean Qarnitt Reynolds, agreed."
    )
    assert found.organizations == ("Dean Qarnitt Reynolds",)
    assert found.people == ("Gary Qarmen", "Bob Tarte")
    # "the" before a name and a staff job after it: a firm, whatever follows.
    found = ents("However, the Dean Qarnitt economist noted it. But a Western economist said so.")
    assert found.organizations == ("Dean Qarnitt",) and found.people == ()
    # "of brokers", "at brokers": the person's employer is the next name, not the person.
    found = ents(
        "Richard Qarnfrey of brokers Hoare Tarnett said so, and Peter Ulvner, U.K. Economist "
        "at brokers Qarn Capel, agreed."
    )
    assert found.people == ("Richard Qarnfrey", "Peter Ulvner")
    assert found.organizations == ("Hoare Tarnett", "Qarn Capel")


def test_partners_with_mc_names_and_a_legal_form_are_one_firm() -> None:
    found = ents("said Denis Qarnosky, analyst at Carroll, McQarntee and McTarnley Inc, today.")
    assert found.organizations == ("Carroll, McQarntee and McTarnley Inc",)


def test_credit_ratings_crude_grades_and_the_third_world_are_no_names() -> None:
    found = ents(
        "The notes are rated AA by Standard and Poor's and Aa-2 by Moody's, cut to BBB from "
        "AA-minus. West Texas Intermediate crude and Brent Blend rose on Third World demand."
    )
    assert found.organizations == ("Standard and Poor's", "Moody's Investors Service")
    assert found.places == () and found.people == ()
    # The same letters outside a rating are a body's initials.
    assert ents("AAA said fuel prices rose.").organizations == ("AAA",)


def test_a_plural_that_opens_a_firms_name_and_a_committee_joined_by_and() -> None:
    found = ents(
        "Bankers said rates rose. Bankers Trust Co followed. Recent International Tarn "
        "Organization figures show it. The House Ways and Means Committee approved the bill."
    )
    assert found.organizations == (
        "Bankers Trust Co",
        "International Tarn Organization",
        "House Ways and Means Committee",
    )


def test_names_written_in_the_possessive_in_a_list_stay_whole() -> None:
    found = ents("The issue is rated AAA by Moody's and Standard and Poor's, analysts said.")
    assert found.organizations == ("Moody's Investors Service", "Standard and Poor's")
    assert found.people == ()
    # A possessive that is no name still ends the name: "Reagan's plan".
    found = ents("It was Reagan's plan, and Qarnald's Corp bought the shares.")
    assert found.people == ("Ronald Reagan",)
    assert found.organizations == ("Qarnald's Corp",)


def test_a_lone_given_name_after_the_or_a_slash_is_a_thing() -> None:
    found = ents("The bank set a Lira/Mark rate of 417.20 to the Mark. Nikki Qarn / Pearl opened.")
    assert "Mark" not in found.people
    assert ents("Mark said so, and the Bill passed.").people == ("Mark",)


def test_words_that_open_firms_in_other_languages() -> None:
    found = ents(
        "Norsk Qarno said it would cut output. Cie Tarnale and Regie Nationale des Usines "
        "Qarnault agreed, and Nippon Tarnkan fell against the Deutsche Mark."
    )
    assert found.people == ()
    assert {"Norsk Qarno", "Cie Tarnale", "Nippon Tarnkan"} <= set(found.organizations)
    assert "Deutsche Mark" not in found.organizations


def test_agencies_that_read_as_peoples_names() -> None:
    found = ents("Sallie Mae sold notes, and Fannie Mae and Freddie Mac bought them.")
    assert found.people == ()
    assert found.organizations == ("Sallie Mae", "Fannie Mae", "Freddie Mac")


def test_a_title_goes_on_after_for() -> None:
    found = ents("Under Secretary of State for Economic Affairs Allen Qarnis said so.")
    assert found.people == ("Allen Qarnis",)


def test_a_firm_named_after_a_person_by_initials_goes_by_the_surname() -> None:
    found = ents("W.R. Qarnace and Co said Qarnace would sell the unit.")
    assert found.people == () and found.places == ()
    assert found.organizations == ("W.R. Qarnace and Co",)


def test_a_title_a_holder_and_of_split_into_a_person_and_a_body() -> None:
    found = ents("Professor Amos Qarnkin of the Hebrew University said the cave is old.")
    assert found.people == ("Amos Qarnkin",)
    assert found.organizations == ("Hebrew University",)
    found = ents("Analyst Edward Qarnson of Qarnbook Associates said sales rose.")
    assert found.people == ("Edward Qarnson",)
    assert found.organizations == ("Qarnbook Associates",)
    # after a title, the surname alone is the holder
    found = ents("Judge Qarnhaus of the Qarnton County Court ruled on Monday.")
    assert found.people == ("Qarnhaus",)
    assert found.organizations == ("Qarnton County Court",)
    # a title word that opens a body's own name keeps it whole
    found = ents("He studied at King Qarnad University of Petroleum and Minerals.")
    assert found.people == ()


def test_a_newspaper_is_named_by_its_masthead_word() -> None:
    found = ents("The Qarnville Sentinel reported it, and the Qarnton Chronicle did too.")
    assert found.people == () and found.places == ()
    assert found.organizations == ("Qarnville Sentinel", "Qarnton Chronicle")
    found = ents("It ranked second on the Houston Chronicle list.")
    assert found.organizations == ("Houston Chronicle",) and found.places == ()


def test_a_team_and_its_league_are_two_organizations() -> None:
    found = ents("He pitched for the Oakland Athletics of Major League Baseball.")
    assert found.organizations == ("Oakland Athletics", "Major League Baseball")
    found = ents("He played in the National Hockey League for the St. Louis Eagles.")
    assert found.organizations == ("National Hockey League", "St. Louis Eagles")
    # a firm's full name is no team: "of" and a legal form keep it whole
    found = ents("Florida National Banks of Florida Inc agreed to be acquired.")
    assert found.organizations == ("Florida National Banks of Florida Inc",)


def test_a_university_named_with_its_campus_is_one_organization() -> None:
    found = ents("She studied at the University of Qarnolina at Chapel Hill last year.")
    assert found.organizations == ("University of Qarnolina at Chapel Hill",)
    assert found.places == ("Chapel Hill",)  # the campus is a place too
    # a name going on after the campus is not the campus
    found = ents("Officials of the University of Qarnolina at Dallas Cowboys Stadium met.")
    assert found.organizations[0] == "University of Qarnolina"


def test_a_nationality_before_a_short_name_of_a_body_is_its_national_branch() -> None:
    found = ents("A scheme backed by the British Red Cross was rejected.")
    assert found.organizations == ("British Red Cross",)
    found = ents("The Red Cross said on Monday.")
    assert found.organizations == ("International Committee of the Red Cross",)
    # the nationality that is part of the body's own name is that body
    found = ents("The European Common Market said on Monday.")
    assert found.organizations == ("European Community",)


def test_a_building_or_a_site_is_a_place_and_so_is_its_town() -> None:
    found = ents("The match was played at the Volgograd Arena, then at Qarnsk Olympic Stadium.")
    assert found.places == ("Volgograd Arena", "Volgograd", "Qarnsk Olympic Stadium")
    assert found.people == () and found.organizations == ()
    found = ents("Flights left Gatwick Airport late.")
    assert found.places == ("Gatwick Airport",) and found.people == ()
    # a person whose surname is a building's word is still a person
    found = ents("Shirley Temple sang on Monday.")
    assert found.people == ("Shirley Temple",) and found.places == ()


def test_the_town_of_a_local_public_body_is_a_place() -> None:
    found = ents("The Volgograd Police Department arrested him.")
    assert found.organizations == ("Volgograd Police Department",)
    assert found.places == ("Volgograd",)
    found = ents("The Qarnepin County District Court ruled.")
    assert found.places == ("Qarnepin County",)
    # a firm named after a town is no sign the story is there
    found = ents("National City Corp and Kansas City Southern Industries Inc said.")
    assert found.places == ()


def test_a_body_after_a_title_keeps_its_place_apart() -> None:
    found = ents("James Qarnoyt, Secretary of the New Jersey Department of Public Safety, said.")
    assert found.people == ("James Qarnoyt",)
    assert found.organizations == ("Department of Public Safety",)
    assert found.places == ("New Jersey",)


def test_sunday_opens_a_newspapers_name_and_media_ends_a_firms() -> None:
    found = ents("Watson spoke to The Sunday Times; Qarnfax Media owns the station.")
    assert found.organizations == ("Sunday Times", "Qarnfax Media")
    # a date before a square named after a paper is still a date
    found = ents("On Sunday Times Square was empty.")
    assert found.places == ("Times Square",) and found.organizations == ()


def test_an_east_asian_name_is_a_person_by_its_form() -> None:
    found = ents("Lam Qarn-ting won the seat, and Wong Yeung-qat lost.")
    assert found.people == ("Lam Qarn-ting", "Wong Yeung-qat")
    # a place and a qualifier after a hyphen are no given name
    found = ents("New York-area stores closed.")
    assert found.people == ()
    found = ents("Qarn Cola-style drinks sold well.")
    assert found.people == ()


def test_a_word_made_an_adjective_by_a_hyphen_is_no_name() -> None:
    found = ents(
        "The Qarnsby-based group said that Chinese-made cars and Soviet-supplied arms sold."
    )
    assert found == ents("The group said that cars and arms sold.")


def test_a_firm_is_not_merged_into_the_one_it_became_years_later() -> None:
    # a 1987 story's Exxon is Exxon, not the Exxon Mobil of 1999
    found = ents("Exxon said, and later Exxon Corp added, that J.P. Morgan agreed.")
    assert found.organizations == ("Exxon", "J.P. Morgan")
    found = ents("ExxonMobil and JPMorgan said so.")
    assert found.organizations == ("Exxon Mobil", "JPMorgan Chase")


def test_a_name_the_story_typed_as_a_firm_stays_one() -> None:
    found = ents(
        "Sole manager Qarnder Peabody said the notes would sell. The rate is reset "
        "quarterly, according to Qarnder Peabody."
    )
    assert found.organizations == ("Qarnder Peabody",)
    assert found.people == ()


def test_a_title_word_after_a_given_name_is_a_surname() -> None:
    found = ents("Larry King said so, and Martin Luther Qarn King Jr agreed with Gary Judge.")
    assert found.people == ("Larry King", "Martin Luther Qarn King Jr", "Gary Judge")
    found = ents("Western Union said John Pope Jr has been elected president.")
    assert found.people == ("John Pope Jr",)
    # a title before a name is still a title
    found = ents("Queen Elizabeth spoke, and Chancellor Helmut Kohl listened.")
    assert found.people == ("Elizabeth", "Helmut Kohl")


def test_credit_grades_with_their_signs_and_wars_named_after_places_are_no_names() -> None:
    found = ents("Standard and Poor's cut the debt to CCC from B-minus and the notes to A-2.")
    assert found.organizations == ("Standard and Poor's",) and found.places == ()
    # where no rating is spoken of, the initials are the body's
    found = ents("Exporters sold wheat to CCC on Monday.")
    assert found.organizations == ("Commodity Credit Corporation",)
    found = ents("Fighting went on along the Gulf War front.")
    assert "Gulf War" not in found.places


def test_programmes_laws_and_accords_are_no_names() -> None:
    found = ents("Wheat sold under the Qarn Enhancement Program after the Louvre Accord.")
    assert found.organizations == () and found.places == () and found.people == ()


def test_a_number_word_that_opens_a_places_name_stays() -> None:
    found = ents("Service was restored to Three Mile Island and to Three Qarn Dam.")
    assert found.places == ("Three Mile Island", "Three Qarn Dam")


def test_a_name_described_as_a_body_is_an_organization() -> None:
    found = ents("Qarnunia, a Danish security firm, found the flaw.")
    assert found.organizations == ("Qarnunia",)
    found = ents("Qarnplex, a unit of General Motors, said sales rose.")
    assert found.organizations == ("Qarnplex", "General Motors")
    # a person described by a role in a body, and a clause after a comma, are not
    found = ents("Farid Qarnman, a spokesman for the group, made the comment.")
    assert found.people == ("Farid Qarnman",) and found.organizations == ()
    found = ents("Separately, the company said it would sell the unit.")
    assert found.organizations == ()


def test_on_joins_the_name_of_a_body_that_deliberates() -> None:
    found = ents("The Council on Qarnish Relations and the Panel on Climate Qarnage met.")
    assert found.organizations == ("Council on Qarnish Relations", "Panel on Climate Qarnage")
    found = ents("The Conference on Trade and Qarnment opened.")
    assert found.organizations == ("Conference on Trade and Qarnment",)
    # a date, a known body before "on", a known place or a second body after it end the name
    found = ents("The Qarn Commission on Monday heard the Security Council on the Darfur crisis.")
    assert "Qarn Commission" in found.organizations
    assert "United Nations Security Council" in found.organizations
    assert not any(" on " in name for name in found.organizations)
    found = ents("The Joint Qarn Committee on the Justice Department reported.")
    assert found.organizations == ("Joint Qarn Committee", "Justice Department")
    # "on" after any other word never joins
    found = ents("Robert Qarnley on Friday met Qarnco Inc on Wall Street.")
    assert not any(" on " in name for name in found.organizations + found.people)


def test_a_name_after_an_employer_cue_is_an_organization() -> None:
    found = ents("Kelso, the chief executive of Qarnterra, said prices would fall.")
    assert found.organizations == ("Qarnterra",) and found.places == ()
    found = ents("Shares of Qarnsilver rose after the news.")
    assert found.organizations == ("Qarnsilver",)
    found = ents("He later worked for Qarnzilla and holds a stake in Qarnpak.")
    assert found.organizations == ("Qarnzilla", "Qarnpak")
    # a share class, or a name running into the next sentence, is not an employer
    found = ents("It bought 100 shares of Class B stock.")
    assert found.organizations == ()
    found = ents("He sold the stock of Qarneb Services Inc. Qarneb now owns 30 pct.")
    assert "Qarneb Services Inc. Qarneb" not in found.organizations


def test_company_words_end_an_organizations_name() -> None:
    found = ents("Qarnolia Transport and Qarnbridge Telecom won the contract from Qarn Pictures.")
    assert found.organizations == ("Qarnolia Transport", "Qarnbridge Telecom", "Qarn Pictures")
    assert found.people == ()
    found = ents("The Qarnfield Robotics Team won a medal.")
    assert found.organizations == ("Qarnfield Robotics Team",)


def test_names_listed_together_are_of_one_kind() -> None:
    # two words that read as a person's, listed with firms, are a firm's
    found = ents("The shares were placed by Qarnley Brothers Inc and Qarnman Eichler.")
    assert found.organizations == ("Qarnley Brothers Inc", "Qarnman Eichler")
    assert found.people == ()
    # a given name keeps a person, and so does an apposition before "and"
    found = ents("The loans were signed by Exxon Corp and John Qarnovez.")
    assert found.people == ("John Qarnovez",)
    # and so does a surname used alone elsewhere in the story
    found = ents("The loans were signed by Exxon Corp and Yutaka Qarnoda. Qarnoda said so.")
    assert found.people == ("Yutaka Qarnoda",)
    found = ents("Japan's delegate, Qarnoru Endo, and Exxon Corp replied.")
    assert found.people == ("Qarnoru Endo",)


def test_crafts_and_instruments_are_no_bodies_and_stations_are_places() -> None:
    found = ents("Images from the Qarnble Space Telescope and the Qarn Mars Orbiter arrived.")
    assert found.organizations == () and found.places == () and found.people == ()
    found = ents("Workers left the Qarnbrook Nuclear Power Station on Monday.")
    assert found.places == ("Qarnbrook Nuclear Power Station",)
    assert found.organizations == ()


def test_a_hyphenated_newspaper_name_is_an_organization() -> None:
    found = ents("The Fort Qarn Star-Telegram reported the sale.")
    assert found.organizations == ("Fort Qarn Star-Telegram",) and found.places == ()


def test_a_brand_spelled_with_an_inner_capital_is_an_organization() -> None:
    found = ents("Files published by QarniLeaks were shared on QarnTube, and SpaceQarn agreed.")
    assert found.organizations == ("QarniLeaks", "QarnTube", "SpaceQarn")
    # a surname's prefix, or initials of a degree, are not a brand's
    found = ents("He has a PhD. McQarnald said so.")
    assert found.organizations == ()


def test_a_body_named_after_initials_keeps_them() -> None:
    # "of" and the initials of the place it is named after are the body's own words
    found = ents("Mu Qarn, of the University of NSW's school of public health, spoke.")
    assert found.organizations == ("University of NSW",)
    # initials after a body's full name are still cut off ("Saudi Press Agency SPA")
    found = ents("He studied at the University of Qarnfield of the UK.")
    assert found.organizations == ("University of Qarnfield",)
    assert found.places == ("United Kingdom",)


def test_australian_and_canadian_abbreviations_are_their_regions() -> None:
    found = ents("Wheat planting in NSW fell. Qarnco Ltd of Qarnville, Ont., said.")
    assert "New South Wales" in found.places and "Ontario" in found.places
    found = ents("The week of action called by the NSW Trades and Labour Council went on.")
    assert found.organizations == ("NSW Trades and Labour Council",)


def test_a_society_named_after_its_members_is_an_organization() -> None:
    found = ents("The Daughters of the Qarn Revolution and Friends of the Qarnth met.")
    assert found.organizations == ("Daughters of the Qarn Revolution", "Friends of the Qarnth")
    found = ents("The Veterans of Qarnish Wars and the Knights of Qarnbus protested.")
    assert found.organizations == ("Veterans of Qarnish Wars", "Knights of Qarnbus")


def test_a_centre_people_go_to_is_a_place() -> None:
    found = ents("The expo filled the Metro Qarnto Convention Centre and the Qarn Shopping Center.")
    assert found.places == ("Metro Qarnto Convention Centre", "Qarn Shopping Center")
    assert found.organizations == ()
    # a centre that is a body stays one
    found = ents("The Qarn Space Center said the launch would wait.")
    assert found.organizations == ("Qarn Space Center",)


def test_a_grade_before_of_and_an_initial_before_a_plural_word_are_no_names() -> None:
    found = ents("Bonds rated A-1/A-plus of Qarnia Electric and Power Co were sold.")
    assert found.organizations == ("Qarnia Electric and Power Co",)
    found = ents("It was rated AA-minus by S and P. Underwriters said the bonds sold well.")
    assert found.people == ()
    # a middle initial before a surname that is also a plural word stays
    found = ents("Ray J. Qarngroves and Dean R. Fellows spoke.")
    assert found.people == ("Ray J. Qarngroves", "Dean R. Fellows")


def test_an_everyday_word_opening_a_sentence_before_shares_is_no_firm() -> None:
    found = ents("Remaining shares will be sold abroad. Existing shareholders agreed.")
    assert found.organizations == ()
    found = ents("Qarnukos shares fell after the ruling.")
    assert found.organizations == ("Qarnukos",)
