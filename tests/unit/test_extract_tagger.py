"""The span tagger: shipped weights load from the package and type names no table knows."""

from __future__ import annotations

from indexer.extract.entities import extract_entities, unclassified_names
from indexer.extract.tagger import CLASSES, features, parse_weights, span_tagger


def test_shipped_weights_load_without_network() -> None:
    tagger = span_tagger()
    assert len(tagger.weights) > 1000
    assert all(len(row) == len(CLASSES) for row in list(tagger.weights.values())[:50])


def test_names_no_table_knows_are_typed_by_the_tagger() -> None:
    """Invented names: the rules leave them over, the tagger types them."""
    text = (
        "Officials said the storm hit Qarvenstad overnight. In Qarvenstad, the Velmoria "
        "Research Institute counted damage, and Dralvik Osterhuin said repairs would take weeks."
    )
    found = extract_entities([text])
    assert "Velmoria Research Institute" in found.organizations  # by its form (rules)
    assert "Dralvik Osterhuin" in found.people  # unknown given name: the tagger
    assert "Qarvenstad" in found.places  # "in X": the tagger


def test_sentence_openers_stay_out() -> None:
    assert extract_entities(["Shares fell. Analysts said prices would recover."]).people == ()
    left = [name for name, _ in unclassified_names(["Shares fell sharply on Monday."])]
    assert left == ["Shares"]


def test_weights_file_format() -> None:
    tagger = parse_weights("# header\n# margin: 0.5\nbias\t1\t0\t0\t0\nw=acme\t0\t0\t3\t0\n")
    assert tagger.margin == 0.5
    assert tagger.classify(["Acme"], "", "", False) == "organization"
    assert tagger.classify(["Other"], "", "", False) is None
    assert "w=acme" in features(["Acme"], "", "", False)


def test_initial_bias_lowers_none_for_names_that_open_a_sentence() -> None:
    text = "# margin: 0.0\n# initial-bias: 1.0\nbias\t0.5\t0\t0\t0\nn=2\t0\t0.2\t0\t0\n"
    tagger = parse_weights(text)
    assert tagger.initial_bias == 1.0
    # Two words at a sentence's start: "none" loses the bias, the person class wins.
    assert tagger.classify(["Margit", "Halvorsen"], "", "resigned", True) == "person"
    assert tagger.classify(["Margit", "Halvorsen"], "", "resigned", False) is None
    assert tagger.classify(["Halvorsen"], "", "resigned", True) is None  # one word: no bias


def test_a_sentence_opening_name_before_a_verb_is_a_person() -> None:
    found = extract_entities(["The vote was close. Margit Halvorsen resigned on Tuesday."])
    assert found.people == ("Margit Halvorsen",)


def test_scores_are_the_weights_summed_in_feature_order() -> None:
    """The scores are plain float sums (issue 16): the same bits as numpy's sum of the rows."""
    import numpy as np

    tagger = span_tagger()
    cases = [
        (["Dralvik", "Osterhuin"], "said", "who", False),
        (["Velmoria", "Research", "Institute"], "the", "counted", True),
        (["Qarvenstad"], "in", "the", False),
        (["Bank", "of", "Port", "Ellis"], "", "said", True),
        (["Shares"], "", "fell", True),
    ]
    for tokens, before, after, initial in cases:
        names = features(tokens, before, after, initial)
        rows = [tagger.weights[name] for name in names if name in tagger.weights]
        assert len(rows) > 3  # the shipped weights know most of these features
        expected = [float(v) for v in np.asarray(rows).sum(axis=0)]
        if initial and len(tokens) > 1:
            expected[0] -= tagger.initial_bias
        assert tagger.scores(tokens, before, after, initial) == expected
    assert parse_weights("bias\t1\t2\t3\t4\n").scores(["X"], "", "", False) == [1, 2, 3, 4]
    assert parse_weights("").scores(["X"], "", "", False) == [0.0, 0.0, 0.0, 0.0]
