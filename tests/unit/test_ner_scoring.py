"""How the entity benchmark reads gold names (``evaluation.entities``): news agencies among
the organizations, and the names a GUM entity's Wikipedia title gives it."""

from __future__ import annotations

from evaluation.entities import (
    agency_entities,
    group_conjuncts,
    name_after_premodifier,
    name_before_modifier,
    name_spellings,
    normalize_name,
    wikipedia_spellings,
)


def test_news_agencies_are_found_among_gold_organizations() -> None:
    mentions = [
        ("organizations", "Xinhua", "xinhua"),
        ("organizations", "Qarn Tarn Council", "qarn tarn council"),
        ("organizations", "The Associated Press", "associated press"),
        ("organizations", "Xinhua", "xinhua"),
        ("people", "Reuters", "paul reuters"),  # only organizations count
    ]
    assert agency_entities(mentions) == {"xinhua", "associated press"}
    assert agency_entities([("organizations", "Qarn News Agency", "q")]) == set()


def test_a_wikipedia_title_spells_the_entity_without_its_qualifier() -> None:
    assert wikipedia_spellings("Duke_University") == {"Duke University"}
    assert wikipedia_spellings("Immortals_(esports)") == {"Immortals"}
    assert wikipedia_spellings("Irving,_Texas") == {"Irving, Texas", "Irving"}
    assert wikipedia_spellings("Helena_Wong_(politician)") == {"Helena Wong"}
    assert wikipedia_spellings("(disambiguation)") == set()


def test_a_gold_name_is_also_spelled_without_the_role_noun_before_it() -> None:
    assert name_spellings("barrister Colin Yeo") == {"Colin Yeo"}
    assert name_spellings("localist group Youngspiration") == {"Youngspiration"}
    assert name_spellings("Colin Yeo") == set()
    assert name_spellings("navy") == set()  # nothing capitalized after it
    # Particles and articles open names themselves.
    assert name_spellings("bin Laden") == set()
    assert name_spellings("al-Aqsa Martyrs Brigades") == set()
    assert name_spellings("southern al-Anbar") == {"al-Anbar"}


def test_a_legal_form_after_and_folds_with_the_and() -> None:
    """The module docstring's promise: "Sears, Roebuck and Co" equals "Sears Roebuck"."""
    assert normalize_name("Sears, Roebuck and Co") == normalize_name("Sears Roebuck")
    assert normalize_name("Merrill Lynch and Co Inc") == "merrill lynch"
    assert normalize_name("Johnson and Johnson") == "johnson and johnson"


def test_a_group_mention_is_named_by_its_members_no_other_mention_holds() -> None:
    text = "Elected were Gary Qarn of DAB and Eunice Tarn, and Ben Qwan and Leung Che-tarn."
    spans = {
        name: (text.index(name), text.index(name) + len(name))
        for name in (
            "Gary Qarn of DAB and Eunice Tarn",
            "Gary Qarn of DAB",
            "Ben Qwan and Leung Che-tarn",
            "Ben Qwan",
            "Leung Che-tarn",
        )
    }
    nested = list(spans.values())
    assert group_conjuncts(text, *spans["Gary Qarn of DAB and Eunice Tarn"], nested) == [
        "Eunice Tarn"
    ]
    # Every member annotated on its own: the group adds no name.
    assert group_conjuncts(text, *spans["Ben Qwan and Leung Che-tarn"], nested) == []
    # A name with nothing nested in it is no group, "and" or not.
    assert group_conjuncts(text, *spans["Gary Qarn of DAB"], nested) is None
    whole = "Qarn Teaching Museum and Art Gallery"
    assert group_conjuncts(whole, 0, len(whole), [(0, len(whole))]) is None


def test_a_person_span_over_a_modifier_naming_another_entity_is_named_before_it() -> None:
    text = "Elected were Raymond Qarn of People Tarn and Alvin Yeung from the Civic Qarty."
    person = text.index("Raymond"), text.index(" and")
    party = text.index("People"), text.index(" and")
    assert name_before_modifier(text, *person, [party]) == "Raymond Qarn"
    person = text.index("Alvin"), len(text) - 1
    party = text.index("Civic"), len(text) - 1
    assert name_before_modifier(text, *person, [party]) == "Alvin Yeung"
    # Nothing nested at its end ("Bank of Qarnland" holds no mention), or the nested
    # mention opens it: no other name.
    bank = "Bank of Qarnland"
    assert name_before_modifier(bank, 0, len(bank), []) is None
    assert name_before_modifier(bank, 0, len(bank), [(0, len(bank))]) is None


def test_a_person_span_after_a_premodifier_naming_another_entity_is_named_after_it() -> None:
    text = "Qarn Council for Tarn campaigner Caitlin Qarnwell and CEO of the Tarn Council Enver Ulm"
    council = text.index("Qarn Council"), text.index(" campaigner")
    person = 0, text.index(" and CEO")
    assert name_after_premodifier(text, *person, [council]) == "Caitlin Qarnwell"
    tarn = text.index("Tarn Council"), text.index(" Enver")
    person = text.index("CEO"), len(text)
    assert name_after_premodifier(text, *person, [tarn]) == "Enver Ulm"
    # A role after the body is no name; nothing nested, no other name.
    role = "Qarn Department Spokesperson"
    assert name_after_premodifier(role, 0, len(role), [(0, len(role) - 13)]) is None
    assert name_after_premodifier(role, 0, len(role), []) is None
    # "of The ..." is a modifier too; a lone word before it is a role ("Chairman of").
    text = "Matthew Qarnam of The Tarn and Mail"
    paper = text.index("The Tarn") + 4, len(text)
    assert name_before_modifier(text, 0, len(text), [paper]) == "Matthew Qarnam"
    text = "Chairman of the Qarn Centre"
    assert name_before_modifier(text, 0, len(text), [(16, len(text))]) is None
