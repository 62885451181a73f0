"""Tests of horizonlib.data.published: release dates, published fits, bootstrap, results files."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.data.published import (
    FIT_COLUMNS, RESULT_COLUMNS, attach_release_dates, load_benchmark_results,
    load_published_bootstrap, load_published_fits, load_release_dates, release_date_for,
)
from horizonlib.data.runs import load_runs

EIGHT_RELEASES = {
    "GPT-4 0314": "2023-03-14", "GPT-4o (Inspect)": "2024-05-13", "o1-preview": "2024-09-12",
    "Claude 3.5 Sonnet (New) (Inspect)": "2024-10-22", "o1 (Inspect)": "2024-12-05",
    "Claude 3.7 Sonnet (Inspect)": "2025-02-24", "o3 (Inspect)": "2025-04-16",
    "GPT-5 (Inspect)": "2025-08-07",
}
PUBLISHED_P50 = {  # PROVENANCE.md: reg 0.1 (= 2026-02 file), reg ~ 0 (= 2026-03 file)
    "GPT-4 0314": (3.525, 3.987), "GPT-4o (Inspect)": (6.404, 6.991),
    "o1-preview": (19.395, 20.327), "Claude 3.5 Sonnet (New) (Inspect)": (19.776, 20.523),
    "o1 (Inspect)": (37.938, 38.832), "Claude 3.7 Sonnet (Inspect)": (59.764, 60.389),
    "o3 (Inspect)": (120.730, 119.733), "GPT-5 (Inspect)": (213.954, 203.013),
}


@pytest.fixture()
def kw(tmp_path, mirror_dir):
    return {"mirror": mirror_dir, "cache_dir": tmp_path / "cache"}


def test_release_dates_single_and_merged(kw):
    th = load_release_dates("release-dates-th", **kw)
    assert len(th) == 71 and th.dtype == "datetime64[ns]" and th.index.name == "alias"
    assert th["o4-mini"] == pd.Timestamp("2025-04-16")
    paper = load_release_dates(["release-dates-paper"], **kw)
    assert len(paper) == 21
    both = load_release_dates(["release-dates-th", "release-dates-paper"], **kw)
    assert set(both.index) == set(th.index) | set(paper.index)


def test_release_dates_first_file_wins(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("date:\n  m1: 2024-01-01\n")
    b.write_text("date:\n  m1: 2025-01-01\n  m2: 2025-02-02\n")
    d = load_release_dates([a, b])
    assert d["m1"] == pd.Timestamp("2024-01-01") and d["m2"] == pd.Timestamp("2025-02-02")
    bad = tmp_path / "bad.yaml"
    bad.write_text("date:\n  m1: soon\n")
    with pytest.raises(ValueError, match="bad.yaml, alias 'm1'"):
        load_release_dates(bad)


def test_release_date_lookup_by_display_name(kw):
    d = load_release_dates(["release-dates-th", "release-dates-paper"], **kw)
    assert release_date_for("o3 (Inspect)", d) == pd.Timestamp("2025-04-16")
    assert release_date_for("davinci-002", d) == pd.Timestamp("2020-05-28")  # "(GPT-3)" file
    assert pd.isna(release_date_for("no such model", d))
    only_inspect = pd.Series({"X (Inspect)": pd.Timestamp("2024-01-02")})
    assert release_date_for("X", only_inspect) == pd.Timestamp("2024-01-02")
    # two variants -> ambiguous, never guessed
    variants = pd.Series({"Y (New)": pd.Timestamp("2024-01-01"),
                          "Y (Old)": pd.Timestamp("2023-01-01")})
    assert pd.isna(release_date_for("Y", variants))


def test_attach_release_dates_to_eight_models(kw):
    runs = load_runs("th-1-1-8-models", **kw)
    d = load_release_dates("release-dates-th", **kw)
    models = attach_release_dates(runs.drop_duplicates("alias"), d)
    got = dict(zip(models["alias"], models["release_date"]))
    assert got == {a: pd.Timestamp(v) for a, v in EIGHT_RELEASES.items()}
    assert models["release_date"].dtype == "datetime64[ns]"


def test_published_fits(kw):
    f = load_published_fits("published-fits-2025-06", **kw)
    assert list(f.columns) == list(FIT_COLUMNS) and len(f) == 17
    o3 = f.set_index("model").loc["o3"]
    assert o3["p50_min"] == pytest.approx(112.230447)
    assert o3["p50_ci_low_min"] < o3["p50_min"] < o3["p50_ci_high_min"]
    assert o3["slope"] == pytest.approx(-0.558145) and o3["intercept"] == pytest.approx(3.801144)
    # the horizon follows from the coefficients: 2**((logit(0.5) - a) / b)
    assert 2 ** (-o3["intercept"] / o3["slope"]) == pytest.approx(o3["p50_min"], rel=1e-4)
    assert pd.isna(f.set_index("model").loc["human", "release_date"])
    raw = load_published_fits("published-fits-horizons-raw-2025-05", **kw)
    assert raw.set_index("model").loc["o4-mini", "p50_min"] == pytest.approx(77.8, abs=0.1)


def test_published_bootstrap_keeps_blanks(kw):
    b = load_published_bootstrap("published-bootstrap-2025-06", **kw)
    assert list(b.columns) == ["replicate", "model", "p", "horizon_min"]
    assert len(b) == 1000 * 17 * 2
    assert b["model"].nunique() == 17 and set(b["p"]) == {0.5, 0.8}
    assert b["replicate"].min() == 0 and b["replicate"].max() == 999
    assert b.attrs["n_missing"] == 44 == int(b["horizon_min"].isna().sum())
    assert b.attrs["n_missing_by_model"] == {"GPT-2": 22, "davinci-002 (GPT-3)": 22}
    o3 = b[(b["model"] == "o3") & (b["p"] == 0.5)]["horizon_min"]
    assert o3.notna().all() and 50 < np.median(o3) < 250


def test_benchmark_results_counts_and_columns(kw):
    for name, n in [("benchmark-results-th-1-0", 33), ("benchmark-results-th-1-1-2026-02", 20),
                    ("benchmark-results-th-1-1-2026-03", 25)]:
        r = load_benchmark_results(name, **kw)
        assert list(r.columns) == list(RESULT_COLUMNS) and len(r) == n, name
        assert r["key"].is_unique and r["release_date"].notna().all()
        assert (r["p50_ci_low_min"] <= r["p50_min"]).all()
        assert (r["p50_min"] <= r["p50_ci_high_min"]).all()
    th10 = load_benchmark_results("benchmark-results-th-1-0", **kw).set_index("key")
    assert th10.loc["o4-mini", "model"] == "o4-mini"
    assert th10.loc["o3", "p50_min"] > 60


@pytest.mark.parametrize("name, column", [("benchmark-results-th-1-1-2026-02", 0),
                                          ("benchmark-results-th-1-1-2026-03", 1)])
def test_eight_aliases_map_to_results(kw, name, column):
    """Each th-1-1-8-models alias maps to exactly one results row, with METR's numbers."""
    r = load_benchmark_results(name, **kw)
    runs = load_runs("th-1-1-8-models", **kw)
    for alias in runs["alias"].unique():
        rows = r[r["alias"] == alias]
        assert len(rows) == 1, alias
        row = rows.iloc[0]
        assert row["p50_min"] == pytest.approx(PUBLISHED_P50[alias][column], abs=1e-3)
        assert row["release_date"] == pd.Timestamp(EIGHT_RELEASES[alias])
        assert row["model"] == alias.removesuffix(" (Inspect)")
    assert r.attrs["benchmark_name"] == "METR-Horizon-v1.1"
    assert "from_2023_on" in r.attrs["doubling_time_in_days"]


def test_kind_mismatch_is_refused(kw):
    with pytest.raises(ValueError, match="not 'published_fits'"):
        load_published_fits("release-dates-th", **kw)
