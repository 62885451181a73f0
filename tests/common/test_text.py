"""Tests of horizonlib.common.text: counts, verbs and ratios in words."""

import numpy as np

from horizonlib.common import text


def test_count_words_for_any_count():
    assert text.count_of(0, 18, "model") == "none of the 18 models"
    assert text.count_of(1, 18, "model") == "1 of the 18 models"
    assert text.count_of(6, 6, "model") == "all 6 models"
    assert text.count_of(2, 2, "model") == "both models"
    assert text.count_of(1, 1, "model") == "the one model"
    assert text.count_of(0, 1, "model") == "no model"
    assert text.count_of(0, 0, "model") == "no models"
    assert text.count_of(3, 11, "single change") == "3 of the 11 single changes"
    assert text.count_of(2, 5, "model with RE-Bench runs",
                         "models with RE-Bench runs") == "2 of the 5 models with RE-Bench runs"
    assert text.verb_for(0, 11, "moves", "move") == "moves"
    assert text.verb_for(1, 11, "moves", "move") == "moves"
    assert text.verb_for(3, 11, "moves", "move") == "move"
    assert text.verb_for(6, 6, "is", "are") == "are"
    assert text.verb_for(1, 1, "is", "are") == "is"
    assert text.verb_for(0, 0, "is", "are") == "are"


def test_ratio_text_is_readable():
    assert text.ratio_text(1.0712) == "×1.07"
    assert text.ratio_text(2e-7) == "× < 0.01"
    assert text.ratio_text(5e3) == "× > 100"
    assert text.ratio_text(np.nan) == "no finite horizon without it"
    assert text.ratio_text(0.0) == "no finite horizon without it"


def test_format_signed_uses_a_true_minus_and_an_explicit_plus():
    from horizonlib.common.text import format_signed

    assert format_signed(-4.63, 1) == "−4.6"
    assert format_signed(1.25, 1) == "+1.2"
    assert format_signed(0.01, 1) == "0.0"
