"""Tests of horizonlib.analyses.headline.published: comparison with METR's published horizons on
the same suite."""

import pandas as pd
import pytest

from horizonlib.analyses.headline import published as published_comparison
from horizonlib.data.manifest import Dataset, load_manifest

from tests.analyses.headline.toy_horizons import horizon_rows


def manifest_with(suites):
    base = load_manifest()
    out = dict(base)
    for name, (suite, reg) in suites.items():
        out[name] = Dataset(name=name, description="", kind="runs", licence="", schema="",
                            files=(), suite=suite, regularization=reg)
    return out


def test_compare_matches_same_suite_and_penalty_only():
    manifest = manifest_with({"runs-a": ("suite-a", None), "runs-b": ("suite-b", None)})
    ours = pd.concat([horizon_rows("runs-a", "m", 12.0), horizon_rows("runs-b", "m", 30.0)])
    published = pd.DataFrame(dict(
        published=["pub-a", "pub-a-unreg"], suite=["suite-a", "suite-a"],
        regularization=[0.1, 1e-5], alias="m", p=0.5, horizon_min=[10.0, 99.0],
        ci_low_min=[5.0, 50.0], ci_high_min=[20.0, 200.0]))
    table = published_comparison.compare_with_published(ours, published, 0.1, manifest=manifest)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["dataset"], row["published"]) == ("runs-a", "pub-a")
    assert row["relative_difference"] == pytest.approx(0.2)


def test_reproduction_replay_matches_metr_to_six_digits(mirror_dir):
    from horizonlib.data.runs import load_runs

    runs = load_runs(["th-1-1-8-models"], mirror=mirror_dir)
    published = published_comparison.published_horizons(
        ["benchmark-results-th-1-1-2026-02", "benchmark-results-th-1-1-2026-03"])
    table = published_comparison.reproduction_table(runs, published)
    assert len(table) == 8 * 2 * 2
    assert table["replay_rel_diff"].abs().max() < 1e-6
    assert table["exact_rel_diff"].abs().max() < 5e-4
