"""Results files are written in the one schema, sorted, and byte-identical across writes."""

import pandas as pd
import pytest

from horizonlib.report.results import append_results, with_model_keys, write_results
from horizonlib.report.results_schema import FILES, SCHEMA, results_readme


def horizons_rows(order):
    rows = [dict(dataset="d", alias=m, display_name=m, p=p, horizon_min=1 / 3 * (i + 1),
                 ci_low_min=0.1, ci_high_min=2.0, ci_low_mc_se_min=0.01, ci_high_mc_se_min=0.2, n_runs=10,
                 n_tasks=5, n_replicates=100, failed_replicates=0,
                 source="fitted")
            for i, (m, p) in enumerate([("b", 0.8), ("a", 0.5), ("a", 0.8)])]
    frame = pd.DataFrame(rows)
    return frame.iloc[order][list(reversed(SCHEMA["horizons"].column_names))]


def test_written_file_is_sorted_and_in_schema_order(tmp_path):
    path = write_results(horizons_rows([0, 1, 2]), "horizons", tmp_path)
    text = path.read_text()
    lines = text.splitlines()
    assert lines[0] == ",".join(SCHEMA["horizons"].column_names)
    assert lines[0].startswith("dataset,alias,display_name,")
    assert [line.split(",")[1:4:2] for line in lines[1:]] == [["a", "0.5"], ["a", "0.8"],
                                                               ["b", "0.8"]]
    assert "0.33333333," in text  # fixed float format: 8 significant digits


def test_row_order_of_input_does_not_change_bytes(tmp_path):
    first = write_results(horizons_rows([0, 1, 2]), "horizons", tmp_path / "1").read_bytes()
    second = write_results(horizons_rows([2, 0, 1]), "horizons", tmp_path / "2").read_bytes()
    assert first == second


def test_wrong_columns_are_refused_naming_file_and_columns(tmp_path):
    with pytest.raises(ValueError, match=r"horizons\.csv .*missing \['source'\]"):
        write_results(horizons_rows([0]).drop(columns="source"), "horizons", tmp_path)
    old_style = horizons_rows([0]).drop(columns=["alias", "display_name"]).assign(model="a")
    with pytest.raises(ValueError, match=r"missing \['alias', 'display_name'\]; "
                                         r"not in the schema \['model'\]"):
        write_results(old_style, "horizons", tmp_path)
    with pytest.raises(ValueError, match="ablations.csv expects columns"):
        append_results(old_style, "ablations", tmp_path)
    with pytest.raises(KeyError, match="unknown results file"):
        write_results(horizons_rows([0]), "nope", tmp_path)
    assert not list(tmp_path.iterdir())


def ablation_rows(question, estimates):
    return pd.DataFrame(dict(question=question, dataset="d", alias=["o3 (Inspect)", "o1"],
                             display_name=["o3", "o1"], variant="v", metric="p50_min",
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


def test_with_model_keys_turns_an_alias_column_into_alias_and_display_name():
    table = pd.DataFrame({"dataset": ["d1", "d2"], "model": ["o3 (Inspect)", "GPT-4 0314"],
                          "x": [1.0, 2.0]})
    out = with_model_keys(table)
    assert list(out.columns) == ["dataset", "x", "alias", "display_name"]
    assert list(out["alias"]) == ["o3 (Inspect)", "GPT-4 0314"]
    assert list(out["display_name"]) == ["o3", "GPT-4 0314"]
    assert "model" in table.columns  # the input is left alone


def test_with_model_keys_for_a_side_of_a_pair_and_a_given_dataset():
    table = pd.DataFrame({"model_b": ["Claude 3.7 Sonnet (Inspect)"], "estimate": [2.0]})
    out = with_model_keys(table, alias_column="model_b", suffix="_b", dataset="published-fits")
    assert out.iloc[0][["dataset_b", "alias_b", "display_name_b"]].tolist() == [
        "published-fits", "Claude 3.7 Sonnet (Inspect)", "Claude 3.7 Sonnet"]
    with pytest.raises(KeyError, match="dataset_a"):
        with_model_keys(table.rename(columns={"model_b": "model_a"}), "model_a", "_a")
    with pytest.raises(KeyError, match="no column 'model'"):
        with_model_keys(table)


def test_every_model_file_keys_models_by_dataset_alias_display_name():
    for f in FILES:
        names = f.column_names
        assert len(set(names)) == len(names), f.name
        assert set(f.key) <= set(names), f.name
        assert "model" not in names and "model_a" not in names, f.name
        for suffix in ("", "_a", "_b"):
            if f"alias{suffix}" in names:
                assert {f"dataset{suffix}", f"display_name{suffix}"} <= set(names), f.name
                assert {f"dataset{suffix}", f"alias{suffix}"} <= set(f.key), f.name


def test_readme_has_a_section_with_every_column_of_every_file():
    readme = results_readme()
    for f in FILES:
        section = readme.split(f"## `{f.name}.csv`", 1)
        assert len(section) == 2, f.name
        body = section[1].split("\n## ", 1)[0]
        for column in f.column_names:
            assert f"| `{column}` |" in body, (f.name, column)


def test_readme_reads_naturally_for_rows_and_pairs():
    readme = results_readme()
    for f in FILES:  # every row phrase completes "Each row is ..."
        assert f.row.startswith("one "), f.name
    assert "One row per" not in readme and "Each row is one pair of models" in readme
    assert "| `alias_a` |  | the first model's name in that file" in readme
    assert "the model of the first model" not in readme and "the model's name of" not in readme
