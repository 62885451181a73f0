"""Every results file a built book writes follows the one schema (report.results_schema), is
documented in the results folder's README.md, and joins with the others on (dataset, alias)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.multiverse.grid import is_metr_specification
from horizonlib.data.runs import display_name
from horizonlib.report.results_schema import SCHEMA, results_readme

pytestmark = pytest.mark.book


@pytest.fixture(params=["synthetic", "offline", "forked"])
def built(request) -> Path:
    return request.getfixturevalue(f"{request.param}_book")


def _read(path: Path) -> pd.DataFrame:
    # keys are compared as written: no "NA"-like alias may turn into a missing value
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_every_results_file_matches_its_schema_exactly(built):
    results = built / "results"
    csvs = sorted(results.glob("*.csv"))
    assert {"horizons", "ablations", "trend"} <= {p.stem for p in csvs}
    readme = (results / "README.md").read_text(encoding="utf-8")
    assert readme == results_readme()
    for path in csvs:
        assert path.stem in SCHEMA, f"{path.name} is not in horizonlib/report/results_schema.py"
        schema = SCHEMA[path.stem]
        table = _read(path)
        assert list(table.columns) == schema.column_names, path.name
        assert len(table), f"{path.name} is empty"
        key = list(schema.key)
        assert not table.duplicated(key).any(), (
            f"{path.name}: rows share a key {key}: {table[table.duplicated(key, keep=False)].head()}")
        assert f"## `{path.name}`" in readme, path.name
        for suffix in ("", "_a", "_b"):
            if f"alias{suffix}" in table.columns:
                assert (table[f"alias{suffix}"] != "").all(), path.name
                assert (table[f"dataset{suffix}"] != "").all(), path.name
                shown = table[f"alias{suffix}"].map(display_name)
                assert (shown == table[f"display_name{suffix}"]).all(), path.name
                assert not table[f"alias{suffix}"].str.contains(r" \[.*\]$| vs ").any(), path.name


def test_horizons_and_multiverse_join_on_dataset_and_alias(built):
    """METR's specification in the multiverse is the fit chapter's fit: joined on the model key,
    every fitted model of horizons.csv is found, with the same 50% horizon (the multiverse file
    keeps 8 significant digits and fits with its own batched solver, hence rtol 1e-6)."""
    horizons = pd.read_csv(built / "results" / "horizons.csv")
    multiverse = pd.read_csv(built / "results" / "multiverse.csv")
    fitted = horizons[(horizons["source"] == "fitted") & (horizons["p"] == 0.5)]
    metr = multiverse[is_metr_specification(multiverse)]
    joined = fitted.merge(metr, on=["dataset", "alias"], how="left", suffixes=("", "_mv"),
                          validate="one_to_one")
    assert joined["status"].notna().all(), joined.loc[joined["status"].isna(), "alias"].tolist()
    assert (joined["display_name"] == joined["display_name_mv"]).all()
    both = joined[np.isfinite(joined["horizon_min"]) & (joined["status"] == "ok")]
    assert len(both) >= 0.5 * len(joined) and len(both) > 0
    assert np.allclose(both["p50_min"], both["horizon_min"], rtol=1e-6)


def test_noise_and_trend_rows_of_a_model_join_horizons(built):
    """The compared models' and the run-level trend's 50% horizons are rows of ablations.csv
    keyed like horizons.csv, so they join on (dataset, alias)."""
    ablations = pd.read_csv(built / "results" / "ablations.csv")
    horizons = pd.read_csv(built / "results" / "horizons.csv")
    rows = ablations[ablations["question"].isin(["noise", "trend"])
                     & (ablations["metric"] == "p50_min")]
    assert len(rows)
    fitted = horizons[(horizons["source"] == "fitted") & (horizons["p"] == 0.5)]
    joined = rows.merge(fitted, on=["dataset", "alias"], how="left", validate="many_to_one")
    assert joined["horizon_min"].notna().all()
    assert np.allclose(joined["estimate"], joined["horizon_min"], rtol=1e-7)
