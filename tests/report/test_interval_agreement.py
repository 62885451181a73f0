"""Tests of horizonlib.report.interval_agreement: our intervals beside METR's, table and text."""

import numpy as np
import pandas as pd

from horizonlib.report.interval_agreement import (
    bound_with_error,
    interval_agreement_display,
    interval_agreement_sentence,
)


def _agreement(low_z, high_z, n=1000):
    k = len(low_z)
    low_z, high_z = np.asarray(low_z, float), np.asarray(high_z, float)
    return pd.DataFrame({
        "dataset": "d", "model": [f"m{i}" for i in range(k)], "p": 0.8, "published": "x",
        "ci_low_min": 1.0, "ci_high_min": 10.0, "ci_low_mc_se_min": 0.1,
        "ci_high_mc_se_min": 0.5, "n_replicates": n, "metr_ci_low_min": 1.0,
        "metr_ci_high_min": 10.0, "metr_ci_low_mc_se_min": 0.1, "metr_ci_high_mc_se_min": 0.5,
        "low_z": low_z, "high_z": high_z, "low_differs": np.abs(low_z) > 2,
        "high_differs": np.abs(high_z) > 2,
        "differs": (np.abs(low_z) > 2) | (np.abs(high_z) > 2)})


def test_bound_and_error_at_matching_precision():
    assert bound_with_error(9.2345, 0.4123) == "9.23 ± 0.41"
    assert bound_with_error(460.2, 18.3) == "460 ± 18"
    assert bound_with_error(115.43, 3.0) == "115.4 ± 3.0"
    assert bound_with_error(1234.0, 151.0) == "1,230 ± 150"
    assert bound_with_error(0.68312, 0.0996) == "0.68 ± 0.10"  # the error rounds up a digit
    assert bound_with_error(5.0, np.nan) == "5.0"


def test_one_far_bound_is_called_unexplained_and_singular():
    z_low = np.zeros(16)
    z_high = np.zeros(16)
    z_high[3] = 3.6
    text = interval_agreement_sentence(_agreement(z_low, z_high))
    assert "Of the 32 interval bounds compared (16 models, 1 success level), 1 differs" in text
    assert "The exception is the high bound of m3 p80 (z = +3.6)" in text
    assert "not explained by Monte Carlo error" in text
    assert "but not so large a z. It is not explained by Monte Carlo error" in text
    assert "one of 32 bounds at |z| ≥ 3.60 with probability about 1.0%" in text
    assert "the other bound of that interval agrees (z = +0.0)" in text
    assert "the 97.5th of 1,000 replicates rests on only about 25" in text
    assert "near two" not in text
    z_low[0] = -3.1  # two far bounds: named, plural
    text = interval_agreement_sentence(_agreement(z_low, z_high))
    assert ("The high bound of m3 p80 (z = +3.6) and the low bound of m0 p80 (z = −3.1) are not "
            "explained") in text and "2 differ" in text


def test_bounds_near_two_are_noise_and_agreement_says_so():
    z_low = np.zeros(16)
    z_low[[1, 5]] = [2.1, -2.3]
    agreement = _agreement(z_low, np.zeros(16)).assign(model=lambda a: "GPT-" + a["model"])
    text = interval_agreement_sentence(agreement)
    assert "GPT-m5 p80 (z = −2.3)" in text  # the minus of z, not the hyphen of a name
    assert "2 differ from METR's" in text and "The exceptions are" in text
    assert "−2.3" in text and "none differs by more than 3" in text
    assert "what noise gives among 32" in text and "not explained" not in text
    clean = interval_agreement_sentence(_agreement(np.zeros(4), np.zeros(4)))
    assert "none differs" in clean and "within Monte Carlo error" in clean


def test_many_beyond_two_is_more_than_noise():
    z = np.full(10, 2.5)
    text = interval_agreement_sentence(_agreement(z, np.zeros(10)))
    assert "10 differ" in text and "more than noise gives" in text
    assert "probability below 0.1%" in text


def test_display_marks_the_flagged_bound_with_a_true_minus():
    table = interval_agreement_display(_agreement([0.0, -2.5], [0.0, 0.0]))
    assert list(table.iloc[:, 2]) == ["no", "yes: low z = −2.5"]
    assert table.iloc[0, 0] == "[1.00 ± 0.10, 10.00 ± 0.50]"
