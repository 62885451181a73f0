"""METR's bootstrap replayed draw for draw: ``bootstrap_rng="metr"``, ``solver="metr"``.

The reference is the output of METR's own code on the pre-paper run file (its 1,000 bootstrap
samples and headline intervals, ``../shared/reference/metr-code-prepaper``; not in the repo).
METR's code fits with the weights stored in the run file (10 significant digits); the book
recomputes them (a ~2e-7 relative difference), so the replay is held to the reference twice:
with the stored weights (equal to METR's to ~1e-11) and with the book's own weights (to ~1e-6
on the scale of the fitted parameters, i.e. of ``log2`` horizons).
"""

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from horizonlib.model.bootstrap import bootstrap_horizons, draw_dataset_replicates
from horizonlib.model.mc_error import interval_bounds
from horizonlib.model.metr_draws import draw_metr_replicates

N_METR = 1000
RUN_FILE = "eval-analysis-public/pre-paper-2025-01/all_runs.jsonl"
#: gpt-3.5-turbo-instruct (3 successes in 485 runs) has a nearly flat likelihood: the exact
#: optimum and METR's early-stopped solver differ by up to ~10% on the log2 scale there.
FLAT = "gpt-3.5-turbo-instruct"


@pytest.fixture(scope="module")
def reference_dir(mirror_dir) -> Path:
    env = os.environ.get("HORIZON_METR_REFERENCE")
    path = Path(env) if env else mirror_dir.parent.parent / "reference" / "metr-code-prepaper"
    if not path.is_dir():
        if env:
            pytest.fail(f"HORIZON_METR_REFERENCE={path} is not a folder")
        pytest.skip("no reference output of METR's code here (set HORIZON_METR_REFERENCE)")
    return path


@pytest.fixture(scope="module")
def replay(mirror_dir, reference_dir, tmp_path_factory):
    """One set of METR draws; fits with stored weights (metr solver), book weights (metr
    solver) and stored weights (exact solver), each one batched call."""
    from horizonlib.data.runs import load_runs

    runs = load_runs(["pre-paper-2025-01"], mirror=mirror_dir, include_humans=True,
                     cache_dir=tmp_path_factory.mktemp("cache"))
    lines = (mirror_dir / RUN_FILE).read_text().splitlines()
    stored = np.array([json.loads(line)["invsqrt_task_weight"] for line in lines if line.strip()])
    assert len(stored) == len(runs)
    draws = draw_dataset_replicates(runs, N_METR, bootstrap_rng="metr")
    out = {}
    for name, solver, weights in (("stored", "metr", stored), ("book", "metr", None),
                                  ("exact", "exact", stored)):
        s = bootstrap_horizons(runs, N_METR, None, draws=draws, solver=solver, weights=weights)
        out[name] = s.pivot_table(index="replicate", columns=["alias", "p"],
                                  values="horizon_min", dropna=False)
    ref = pd.read_csv(reference_dir / "bootstrap_samples.csv")
    fits = pd.read_csv(reference_dir / "fits_headline.csv").set_index("agent")
    return out, ref, fits


def _columns(ref):
    for col in ref.columns:
        alias, pct = col.rsplit("_p", 1)
        yield col, alias, int(pct) / 100


def _log2_gap(ours, theirs):
    """|log2 ours - log2 theirs| relative to max(1, |log2 theirs|): the fitted parameters' scale."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.abs(np.log2(ours) - np.log2(theirs))
                / np.maximum(1.0, np.abs(np.log2(theirs))))


def test_every_sample_equals_metrs(replay):
    out, ref, _ = replay
    wide = out["stored"]
    n_cells = n_blank = n_inf = 0
    for col, alias, p in _columns(ref):
        ours, theirs = wide[(alias, p)].to_numpy(), ref[col].to_numpy()
        assert len(ours) == len(theirs) == N_METR
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=f"blanks {col}")
        np.testing.assert_array_equal(np.isposinf(ours), np.isposinf(theirs), err_msg=f"inf {col}")
        fin = np.isfinite(theirs)
        np.testing.assert_allclose(ours[fin], theirs[fin], rtol=1e-9, atol=0, err_msg=col)
        n_cells += len(theirs)
        n_blank += int(np.isnan(theirs).sum())
        n_inf += int(np.isinf(theirs).sum())
    # the reference really holds blanks and +inf, so both rules were exercised
    assert n_cells == 20 * N_METR and n_blank > 0 and n_inf > 0


def test_every_interval_bound_equals_metrs(replay):
    out, ref, fits = replay
    for col, alias, p in _columns(ref):
        lo, hi = interval_bounds(out["stored"][[(alias, p)]].to_numpy(), 0.95)
        pct = round(p * 100)
        theirs = fits.loc[alias, [f"p{pct}_low", f"p{pct}_high"]].to_numpy(float)
        np.testing.assert_allclose([lo[0], hi[0]], theirs, rtol=1e-6, atol=0, err_msg=col)
        # METR's own samples give the bounds in fits_headline.csv (10 digits): the same rule
        lo_r, hi_r = interval_bounds(ref[[col]].to_numpy(), 0.95)
        np.testing.assert_allclose([lo_r[0], hi_r[0]], theirs, rtol=1e-9)


def test_book_weights_change_samples_only_at_their_rounding(replay):
    """The book recomputes the weights METR stored to 10 digits: samples agree to ~1e-6 on the
    log2 scale (horizons like 1e-175 minutes amplify that in minutes)."""
    out, ref, fits = replay
    for col, alias, p in _columns(ref):
        ours, theirs = out["book"][(alias, p)].to_numpy(), ref[col].to_numpy()
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
        fin = np.isfinite(theirs) & (theirs > 0)
        assert _log2_gap(ours[fin], theirs[fin]).max() < 1e-6, col
        lo, hi = interval_bounds(out["book"][[(alias, p)]].to_numpy(), 0.95)
        pct = round(p * 100)
        theirs_ci = fits.loc[alias, [f"p{pct}_low", f"p{pct}_high"]].to_numpy(float)
        assert _log2_gap(np.array([lo[0], hi[0]]), theirs_ci).max() < 1e-6, col


def test_exact_solver_is_within_a_percent_of_metrs(replay):
    """The exact optimum vs METR's early-stopped solver on the same draws: about 1e-2."""
    out, ref, fits = replay
    for col, alias, p in _columns(ref):
        ours, theirs = out["exact"][(alias, p)].to_numpy(), ref[col].to_numpy()
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
        fin = np.isfinite(theirs) & np.isfinite(ours) & (theirs > 0)
        gap = _log2_gap(ours[fin], theirs[fin])
        if alias == FLAT:
            assert gap.max() < 0.15, col
            continue
        assert gap.max() < 2e-2, col
        rel = np.abs(ours[fin] / theirs[fin] - 1)
        assert np.quantile(rel, 0.99) < 2e-2, col
        lo, hi = interval_bounds(out["exact"][[(alias, p)]].to_numpy(), 0.95)
        pct = round(p * 100)
        theirs_ci = fits.loc[alias, [f"p{pct}_low", f"p{pct}_high"]].to_numpy(float)
        np.testing.assert_allclose([lo[0], hi[0]], theirs_ci, rtol=1e-2, err_msg=col)


def test_metr_draws_are_prefix_stable_and_paired():
    """Sample i depends only on default_rng(42 + i); the family and task draws are shared by all
    models (every (task, model) group is drawn m x n times, m = the task's count)."""
    rows = [{"alias": f"m{m}", "task_family": f"f{t % 5}", "task_id": f"f{t % 5}/t{t}",
             "run": r} for t in range(12) for m in range(3) for r in range(1 + (t + m) % 4)]
    runs = pd.DataFrame(rows).sample(frac=1.0, random_state=1).reset_index(drop=True)
    short, long = draw_metr_replicates(runs, 5), draw_metr_replicates(runs, 40)
    np.testing.assert_array_equal(short.run_counts, long.run_counts[:5])
    np.testing.assert_array_equal(long.family_counts.sum(axis=1), len(long.families))
    for (task, alias), g in runs.groupby(["task_id", "alias"]).indices.items():
        t = int(np.flatnonzero(long.tasks == task)[0])
        np.testing.assert_array_equal(long.run_counts[:, g].sum(axis=1),
                                      long.task_counts[:, t] * len(g))
    assert abs(long.run_counts.mean() - 1) < 0.15
