"""Tests of horizonlib.analyses.hacking: flag files, policies, tipping point (known answers)."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.hacking import flags as flag_policies
from horizonlib.analyses.hacking import models as hacking_models
from horizonlib.analyses.hacking import tipping
from horizonlib.model.horizons import fit_horizons


def _toy(rebench_scores_a=(0.5, 0.5, 0.2, 0.2), rebench_scores_b=(0.45, 0.45, 0.45, 0.45)):
    """Two models; 4 HCAST tasks of 1-64 min and one RE-Bench task of 480 min."""
    rows = []
    for alias, rb in (("A", rebench_scores_a), ("B", rebench_scores_b)):
        for t, minutes in enumerate([1, 4, 16, 64]):
            for r in range(4):
                s = int(r < 4 - t)  # success falls with length
                rows.append((alias, f"hc{t}/main", f"hc{t}", "HCAST", minutes, float(s), s))
        for r, sc in enumerate(rb):
            rows.append((alias, "ai_rd_k/main", "ai_rd_k", "RE-Bench", 480.0, sc, int(sc > 0.9)))
    df = pd.DataFrame(rows, columns=["alias", "task_id", "task_family", "task_source",
                                     "human_minutes", "score", "success"])
    df["dataset"] = "toy"
    df["display_name"] = df["alias"]
    df["run_id"] = [f"r{i}" for i in range(len(df))]
    return df


def test_rebench_means_known():
    m = hacking_models.rebench_means(_toy()).set_index("alias")["rebench_mean"]
    assert m["A"] == pytest.approx(0.35) and m["B"] == pytest.approx(0.45)


def test_tipping_point_known_answer():
    """A's RE-Bench mean 0.35 < B's 0.45; re-scoring the best failure (0.5 -> 1) gives 0.475."""
    df = _toy()
    a = df[df["alias"] == "A"].reset_index(drop=True)
    cand = tipping.tipping_candidates(a, "hacking_tasks", ["ai_rd_k/main"])
    assert list(a.loc[cand, "score"]) == [0.5, 0.5, 0.2, 0.2]
    tab = tipping.tipping_point(a, cand)
    np.testing.assert_allclose(tab["rebench_mean"], [0.35, 0.475, 0.6, 0.8, 1.0])
    assert tipping.overtake_k(tab, 0.45) == 1
    assert tipping.overtake_k(tab, 0.3) == 0
    assert np.isnan(tipping.overtake_k(tab, 2.0))


def test_tipping_point_matches_direct_refits():
    df = _toy()
    a = df[df["alias"] == "A"].reset_index(drop=True)
    cand = tipping.tipping_candidates(a, "highest_scoring")
    tab = tipping.tipping_point(a, cand, k_max=3)
    for k in range(4):
        b = a.copy()
        b.loc[cand[:k], "success"] = 1
        direct = fit_horizons(b)["p50_min"].iloc[0]
        assert tab["p50_min"].iloc[k] == pytest.approx(direct, rel=1e-8)
    # re-scoring failures as successes can only lengthen the horizon
    assert np.all(np.diff(tab["p50_min"]) > 0)


def test_hacking_analysis_missing_model():
    assert tipping.hacking_analysis(_toy(), "Z", ["B"], [])["found"] is False


def test_hacking_analysis_rows():
    res = tipping.hacking_analysis(_toy(), "A", ["B"], ["ai_rd_k/main"], k_max=2)
    assert res["found"] and res["comparisons"]["k_hacking_tasks"].iloc[0] == 1
    assert set(res["ablation_rows"]["question"]) == {"reward_hacking"}


def test_flags_and_policies(tmp_path):
    df = _toy()
    p = tmp_path / "flags.csv"
    p.write_text("run_id,score\nr16,1.0\nr17,\n")
    flags = flag_policies.load_hack_flags(p, df)
    scored = flag_policies.apply_hack_policy(df, flags, "as_scored")
    assert scored.loc[16, "success"] == 1 and scored.loc[17, "success"] == 1
    failed = flag_policies.apply_hack_policy(df, flags, "as_failure")
    assert failed.loc[[16, 17], "success"].tolist() == [0, 0]
    assert len(flag_policies.apply_hack_policy(df, flags, "exclude")) == len(df) - 2
    tab = flag_policies.policy_table(df, flags)
    assert set(tab["policy"]) == set(flag_policies.POLICIES)


@pytest.mark.parametrize("text, line, column", [
    ("id\nr1\n", 1, "run_id"),
    ("run_id\nr1\n\n", None, None),
    ("run_id\nr1\nr1\n", 3, "run_id"),
    ("run_id,score\nr1,1.5\n", 2, "score"),
    ("run_id,success\nr1,2\n", 2, "success"),
    ("run_id\nnope\n", 2, "run_id"),
])
def test_flag_errors(tmp_path, text, line, column):
    p = tmp_path / "flags.csv"
    p.write_text(text)
    if line is None:  # a blank line is skipped by the CSV reader: valid file
        assert len(flag_policies.load_hack_flags(p, _toy())) == 1
        return
    with pytest.raises(flag_policies.HackFlagError) as err:
        flag_policies.load_hack_flags(p, _toy())
    assert err.value.line == line and err.value.column == column
    assert "flags.csv" in str(err.value)


def test_flag_file_missing(tmp_path):
    with pytest.raises(flag_policies.HackFlagError, match="not found"):
        flag_policies.load_hack_flags(tmp_path / "x.csv")


# ----------------------------------------------------------------------------- presentation
