"""Reproduction of METR's published Time Horizon 1.1 horizons from the run-level mirror.

Each of the eight TH 1.1 models in the mirror, fitted with METR's method (inverse-sqrt family
weights, L2 penalty on the slope), must give the p50/p80 of METR's results files:
regularization 0.1 -> the 2026-02 file, regularization 1e-5 (METR's "essentially unregularized"
setting, C = 1e5) -> the 2026-03 file.

METR fits with scikit-learn's default solver (L-BFGS, tol=1e-4), which stops short of the optimum.
Its published digits are therefore reproduced to 6 significant digits by replaying that solver
(``solver="sklearn_lbfgs"``); our default exact Newton optimum differs from them by < 5e-4
relative (largest: o3 p80 at 0.1, 2.1e-4) (also checked, so the size of the solver gap is pinned down).
"""

import numpy as np
import pandas as pd
import pytest
import yaml

from horizonlib.model.horizons import fit_horizons

# run-file alias -> key in METR's benchmark_results_1_1.yaml (explicit, checked by hand)
ALIAS_TO_KEY = {
    "GPT-4 0314": "gpt_4",
    "GPT-4o (Inspect)": "gpt_4o_inspect",
    "o1-preview": "o1_preview",
    "Claude 3.5 Sonnet (New) (Inspect)": "claude_3_5_sonnet_20241022_inspect",
    "o1 (Inspect)": "o1_inspect",
    "Claude 3.7 Sonnet (Inspect)": "claude_3_7_sonnet_inspect",
    "o3 (Inspect)": "o3_inspect",
    "GPT-5 (Inspect)": "gpt_5_2025_08_07_inspect",
}
FILES = {0.1: "th-1-1-2026-02", 1e-5: "th-1-1-2026-03"}


@pytest.fixture(scope="module")
def th11(mirror_dir, tmp_path_factory):
    from horizonlib.data.runs import load_runs

    return load_runs(["th-1-1-8-models"], mirror=mirror_dir,
                     cache_dir=tmp_path_factory.mktemp("cache"))


def _published(mirror_dir, edition):
    raw = yaml.safe_load((mirror_dir / f"benchmark-results/{edition}/benchmark_results_1_1.yaml")
                         .read_text())["results"]
    rows = []
    for alias, key in ALIAS_TO_KEY.items():
        m = raw[key]["metrics"]
        rows.append({"alias": alias, "p50": m["p50_horizon_length"]["estimate"],
                     "p80": m["p80_horizon_length"]["estimate"],
                     "average_score": m["average_score"]["estimate"]})
    return pd.DataFrame(rows).set_index("alias")


def _sig6(v):
    return float(f"{v:.6g}")


@pytest.mark.parametrize("regularization", [0.1, 1e-5])
def test_reproduces_published_th11_to_six_digits(th11, mirror_dir, regularization):
    pub = _published(mirror_dir, FILES[regularization])
    fits = fit_horizons(th11, "invsqrt_task_weight", regularization, (50, 80),
                        solver="sklearn_lbfgs").set_index("alias")
    assert set(fits.index) == set(ALIAS_TO_KEY)
    for alias in ALIAS_TO_KEY:
        for p in ("p50", "p80"):
            ours, theirs = fits.loc[alias, f"{p}_min"], pub.loc[alias, p]
            assert _sig6(ours) == pytest.approx(_sig6(theirs), rel=1.01e-6), (alias, p, ours, theirs)
        assert fits.loc[alias, "weighted_success_rate"] == pytest.approx(
            pub.loc[alias, "average_score"], abs=1e-6)


@pytest.mark.parametrize("regularization,edition", [(0.1, "th-1-1-2026-02"),
                                                    (1e-5, "th-1-1-2026-03"),
                                                    (0.0, "th-1-1-2026-03")])
def test_exact_optimum_is_close_to_published(th11, mirror_dir, regularization, edition):
    pub = _published(mirror_dir, edition)
    fits = fit_horizons(th11, "invsqrt_task_weight", regularization).set_index("alias")
    assert (fits["status"] == "ok").all()
    for alias in ALIAS_TO_KEY:
        for p in ("p50", "p80"):
            assert fits.loc[alias, f"{p}_min"] == pytest.approx(pub.loc[alias, p], rel=5e-4)


def test_pre_paper_fits_are_sane(mirror_dir, tmp_path_factory):
    from horizonlib.data.runs import load_runs

    runs = load_runs(["pre-paper-2025-01"], mirror=mirror_dir,
                     cache_dir=tmp_path_factory.mktemp("cache"))
    f = fit_horizons(runs).set_index("alias")
    good = f[f["status"] == "ok"]
    assert set(f.index) - set(good.index) == {"davinci-002"}  # no successes in this file
    assert (good["slope"] < 0).all()
    assert good["p50_min"].between(0, 600, inclusive="neither").all()
    # the pre-paper file has no very short (SWAA) tasks, so gpt-3.5-turbo-instruct's curve is
    # extrapolated far below its shortest task; models from GPT-4 on have p50 above 1 minute
    assert good.drop("gpt-3.5-turbo-instruct")["p50_min"].between(1, 600).all()
    # the newest models lead, as in METR's early results
    top = good["p50_min"].sort_values(ascending=False).index[:3]
    assert set(top) <= {"Claude 3.5 Sonnet (New)", "o1", "o1-preview", "Claude 3.5 Sonnet (Old)"}
    assert np.all(good["p80_min"] < good["p50_min"])
