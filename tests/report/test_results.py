"""Results files are written in a fixed schema, sorted, and byte-identical across writes."""

import pandas as pd
import pytest

from horizonlib.report.results import SCHEMAS, append_results, write_results


def horizons_rows(order):
    rows = [dict(dataset="d", model=m, p=p, horizon_min=1 / 3 * (i + 1), ci_low_min=0.1,
                 ci_high_min=2.0, n_runs=10, n_tasks=5, failed_replicates=0, source="fitted")
            for i, (m, p) in enumerate([("b", 0.8), ("a", 0.5), ("a", 0.8)])]
    frame = pd.DataFrame(rows)
    return frame.iloc[order][list(reversed(SCHEMAS["horizons"]))]


def test_written_file_is_sorted_and_in_schema_order(tmp_path):
    path = write_results(horizons_rows([0, 1, 2]), "horizons", tmp_path)
    text = path.read_text()
    lines = text.splitlines()
    assert lines[0] == ",".join(SCHEMAS["horizons"])
    assert [line.split(",")[1:3] for line in lines[1:]] == [["a", "0.5"], ["a", "0.8"],
                                                             ["b", "0.8"]]
    assert "0.33333333," in text  # fixed float format: 8 significant digits


def test_row_order_of_input_does_not_change_bytes(tmp_path):
    first = write_results(horizons_rows([0, 1, 2]), "horizons", tmp_path / "1").read_bytes()
    second = write_results(horizons_rows([2, 0, 1]), "horizons", tmp_path / "2").read_bytes()
    assert first == second


def test_wrong_columns_are_refused(tmp_path):
    with pytest.raises(ValueError, match="expects columns"):
        write_results(horizons_rows([0]).drop(columns="source"), "horizons", tmp_path)
    with pytest.raises(KeyError, match="unknown results file"):
        write_results(horizons_rows([0]), "nope", tmp_path)
    assert not list(tmp_path.iterdir())


def ablation_rows(question, estimates):
    return pd.DataFrame(dict(question=question, model=["o3", "o1"], variant="v", metric="p50_min",
                             estimate=estimates, ci_low=[1.0, float("nan")], ci_high=2.0))


def test_append_replaces_rows_with_the_same_key(tmp_path):
    append_results(ablation_rows("noise", [1.5, 2.5]), "ablations", tmp_path)
    append_results(ablation_rows("trend", [3.0, 4.0]), "ablations", tmp_path)
    append_results(ablation_rows("noise", [1.75, 2.75]), "ablations", tmp_path)
    table = pd.read_csv(tmp_path / "ablations.csv")
    assert len(table) == 4
    assert sorted(table.loc[table["question"] == "noise", "estimate"]) == [1.75, 2.75]
    assert table["ci_low"].isna().sum() == 2


def test_append_to_missing_file_equals_write(tmp_path):
    rows = ablation_rows("noise", [1 / 3, 2.0])
    appended = append_results(rows, "ablations", tmp_path / "a").read_bytes()
    written = write_results(rows, "ablations", tmp_path / "w").read_bytes()
    assert appended == written
