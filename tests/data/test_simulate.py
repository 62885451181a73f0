"""The synthetic edition's data: deterministic, in METR's schema, and true to the planted curves."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from horizonlib.data import simulate
from horizonlib.data.simulate import PLANTED, simulate_runs, simulate_tasks, synthetic_release_dates, write_synthetic_runs

REPO = Path(__file__).resolve().parents[2]
FIELDS = ["task_id", "task_family", "run_id", "alias", "model", "score_cont", "score_binarized",
          "human_minutes", "human_source", "task_source"]


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    return simulate_runs(np.random.default_rng(simulate.DEFAULT_SEED))


def test_same_seed_gives_byte_identical_file(tmp_path):
    a = write_synthetic_runs(tmp_path / "a" / "runs.jsonl", seed=7)
    b = write_synthetic_runs(tmp_path / "b.jsonl", seed=7)
    c = write_synthetic_runs(tmp_path / "c.jsonl", seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_file_is_jsonl_in_th11_schema(tmp_path):
    path = write_synthetic_runs(tmp_path / "runs.jsonl")
    lines = path.read_text().splitlines()
    first = json.loads(lines[0])
    assert list(first) == FIELDS
    assert all(list(json.loads(ln)) == FIELDS for ln in lines)
    assert isinstance(first["score_binarized"], int)


def test_planted_curves_are_consistent():
    for row in PLANTED.itertuples():
        assert row.slope < 0
        assert 2 ** (-row.intercept / row.slope) == pytest.approx(row.p50_min, rel=1e-12)
        logit80 = np.log(0.8 / 0.2)
        assert 2 ** ((logit80 - row.intercept) / row.slope) == pytest.approx(row.p80_min, rel=1e-12)
    # the planted trend: log2(p50) rises by exactly 1 every 210 days from 2 min on 2021-06-01
    days = (PLANTED["release_date"] - pd.Timestamp("2021-06-01")).dt.days.to_numpy()
    np.testing.assert_allclose(np.log2(PLANTED["p50_min"]), 1 + days / 210.0, rtol=1e-12)
    assert simulate.DOUBLING_TIME_DAYS == 210.0
    assert len(PLANTED) == 6 and PLANTED["alias"].is_unique
    assert PLANTED["release_date"].is_monotonic_increasing


def test_docstring_table_matches_planted():
    """The module docstring's table is what PLANTED holds (rounded to 2 decimals)."""
    rows = re.findall(r"^(Sim-\w+)\s+(\d{4}-\d\d-\d\d)\s+(-[\d.]+)\s+([\d.]+)\s+([\d.]+)$", simulate.__doc__, re.M)
    assert len(rows) == len(PLANTED)
    for (alias, date, slope, p50, p80), row in zip(rows, PLANTED.itertuples()):
        assert alias == row.alias and pd.Timestamp(date) == row.release_date
        assert float(slope) == row.slope
        assert float(p50) == round(row.p50_min, 2) and float(p80) == round(row.p80_min, 2)


def test_task_suite():
    tasks = simulate_tasks(np.random.default_rng(3))
    assert len(tasks) == 60 and tasks["task_id"].is_unique
    assert tasks["task_family"].nunique() == 20
    assert tasks.groupby("task_family")["task_source"].nunique().max() == 1
    counts = tasks.groupby("task_source")["task_id"].count().to_dict()
    assert counts == {"SWAA": 12, "HCAST": 43, "RE-Bench": 5}
    assert tasks["human_minutes"].between(1.0, 960.0).all()
    rb = tasks[tasks["task_source"] == "RE-Bench"]
    assert rb["task_family"].str.startswith("ai_rd_").all()
    assert rb["task_id"].str.endswith("/main").all()
    assert rb["human_minutes"].between(240, 960).all()
    assert not tasks.loc[tasks["task_source"] != "RE-Bench", "task_family"].str.startswith("ai_rd_").any()


def test_runs_shape_and_scores(runs):
    assert list(runs.columns) == FIELDS
    assert runs["run_id"].is_unique
    assert set(runs["alias"]) == set(PLANTED["alias"])
    per = runs.groupby(["alias", "task_id"]).size()
    assert per.min() >= 4 and per.max() <= 8
    assert len(per) == 6 * 60
    assert ((runs["score_cont"] > 0.9).astype(int) == runs["score_binarized"]).all()
    assert runs["score_cont"].between(0, 1).all()
    not_rb = runs["task_source"] != "RE-Bench"
    assert (runs.loc[not_rb, "score_cont"] == runs.loc[not_rb, "score_binarized"]).all()
    rb_scores = runs.loc[~not_rb, "score_cont"]
    assert rb_scores.nunique() > 50  # continuous, not 0/1


def test_later_models_succeed_more(runs):
    rates = runs.groupby("alias")["score_binarized"].mean().reindex(PLANTED["alias"])
    assert rates.iloc[-1] > rates.iloc[0] + 0.3


def test_unregularized_fit_recovers_planted_curves():
    """With many runs per task, a plain weighted logistic fit lands on the planted curves."""
    from horizonlib.model.logistic import fit_logistic

    rng = np.random.default_rng(11)
    runs = simulate_runs(rng, runs_per_task=(60, 60))
    for row in PLANTED.itertuples():
        r = runs[runs["alias"] == row.alias]
        x = np.log2(r["human_minutes"].to_numpy())
        w = np.full(len(r), 1.0 / len(r))
        fit = fit_logistic(x, r["score_binarized"].to_numpy(), w, regularization=0.0)
        assert fit.status == "ok"
        assert fit.slope == pytest.approx(row.slope, abs=0.12)
        p50 = 2 ** (-fit.intercept / fit.slope)
        assert np.log2(p50) == pytest.approx(np.log2(row.p50_min), abs=0.35), row.alias


def test_release_dates(tmp_path):
    dates = synthetic_release_dates()
    assert list(dates.index) == list(PLANTED["alias"])
    assert (dates.to_numpy() == PLANTED["release_date"].to_numpy()).all()
    path = simulate.write_synthetic_release_dates(tmp_path / "rd.yaml")
    loaded = yaml.safe_load(path.read_text())["date"]
    assert {k: pd.Timestamp(v) for k, v in loaded.items()} == dates.to_dict()


def test_committed_release_dates_file_is_current(tmp_path):
    """params/synthetic-release-dates.yaml (used by the synthetic edition) equals a fresh write."""
    committed = yaml.safe_load((REPO / "params" / "synthetic-release-dates.yaml").read_text())
    fresh = yaml.safe_load(simulate.write_synthetic_release_dates(tmp_path / "rd.yaml").read_text())
    assert committed == fresh


def test_loads_through_the_data_layer(tmp_path):
    from horizonlib.data.runs import load_runs

    path = write_synthetic_runs(tmp_path / "runs.jsonl")
    table = load_runs([str(path)])
    assert table.groupby(["dataset", "alias"]).ngroups == 6
    assert set(table["task_source"]) == {"HCAST", "SWAA", "RE-Bench"}


def test_planted_task_effects_are_fixed_and_leave_the_run_draws_alone():
    tasks = simulate_tasks(np.random.default_rng(simulate.DEFAULT_SEED))
    effects = simulate.planted_task_effects(tasks)
    assert list(effects.index) == list(tasks["task_id"])
    assert effects.std() == pytest.approx(simulate.TASK_EFFECT_SD, rel=0.3)
    assert effects.equals(simulate.synthetic_task_effects())
    # a zero effect changes nothing: the effects use their own Generator
    zero = effects * 0.0
    a = simulate_runs(np.random.default_rng(5), tasks=tasks, task_effects=zero)
    b = simulate_runs(np.random.default_rng(5), tasks=tasks)
    assert a.equals(b)


def test_the_editions_file_carries_the_planted_effects(tmp_path):
    from horizonlib.data.runs import load_runs

    runs = load_runs([str(write_synthetic_runs(tmp_path / "runs.jsonl"))])
    effects = simulate.synthetic_task_effects()
    rate = runs.groupby("task_id")["success"].mean()
    easy, hard = effects.nlargest(10).index, effects.nsmallest(10).index
    # the effects are drawn independently of the lengths, so they show in the raw success rates
    assert rate[easy].mean() > rate[hard].mean()
