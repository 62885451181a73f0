"""Tests of horizonlib.data.runs: the three upstream schemas, the minimal schema, validation."""

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from horizonlib.data.consistency import DatasetIndex
from horizonlib.data.runs import (
    COLUMNS, RunFileError, check_runs, display_name, load_runs, read_run_file,
)

PAPER_LINES = [  # paper 2025-03 schema: `score`, no task_source, human rows with int run ids
    {"run_id": "mp4-server_1", "task_id": "ai_rd_triton_cumsum/main", "score": 0.95,
     "task_family": "ai_rd_triton_cumsum", "alias": "o1", "model": "o1",
     "human_minutes": 492.9, "human_source": "baseline", "score_binarized": 1,
     "equal_task_weight": 0.5, "invsqrt_task_weight": 0.5},
    {"run_id": "mp4-server_2", "task_id": "local_research/atari", "score": 0.2,
     "task_family": "local_research", "alias": "o1", "model": "o1",
     "human_minutes": 30, "human_source": "estimate", "score_binarized": 0},
    {"run_id": 17, "task_id": "local_research/atari", "score": 1.0,
     "task_family": "local_research", "alias": "human", "model": "human",
     "human_minutes": 30.0, "human_source": "baseline", "score_binarized": 1},
]

TH_LINES = [  # Time Horizon 1.x schema: `score_cont`, task_source given, " (Inspect)" aliases
    {"task_id": "word_swaa/x1", "task_family": "word_swaa", "run_id": "warehouse_a",
     "alias": "o3 (Inspect)", "model": "o3_inspect", "score_cont": 1.0, "score_binarized": 1,
     "fatal_error_from": None, "human_minutes": 0.02, "human_source": "estimate",
     "task_source": "SWAA"},
    {"task_id": "ai_rd_fix_embedding/main", "task_family": "ai_rd_fix_embedding",
     "run_id": "warehouse_b", "alias": "o3 (Inspect)", "model": "o3_inspect",
     "score_cont": 0.5617189839, "score_binarized": 1, "fatal_error_from": "usageLimits",
     "human_minutes": 455.249, "human_source": "baseline", "task_source": "RE-Bench"},
]

GOOD = {"run_id": "r1", "alias": "m", "task_id": "fam/t1", "task_family": "fam",
        "human_minutes": 12.5, "score": 0.5, "score_binarized": 0}


def write_jsonl(path, lines):
    path.write_text("".join((l if isinstance(l, str) else json.dumps(l)) + "\n" for l in lines))
    return path


@pytest.fixture(autouse=True)
def no_env_mirror(monkeypatch):
    monkeypatch.delenv("HORIZON_DATA_MIRROR", raising=False)


@pytest.fixture()
def kw(tmp_path, mirror_dir):
    return {"mirror": mirror_dir, "cache_dir": tmp_path / "cache"}


# ---------------------------------------------------------------- mirror files (real schemas)
def test_pre_paper_file(kw):
    df = load_runs(["pre-paper-2025-01"], **kw)
    assert list(df.columns) == list(COLUMNS)
    assert df["alias"].nunique() == 10 and "human" not in set(df["alias"])
    assert df["task_id"].nunique() == 83 and df["task_family"].nunique() == 36
    assert len(df) == 7063 - 211
    assert df["run_id"].iloc[0] == "mp4-server_205615"  # file order
    assert (df["dataset"] == "pre-paper-2025-01").all()
    # task_source inferred: 7 RE-Bench tasks (ai_rd_*), the rest HCAST
    per_task = df.drop_duplicates("task_id")["task_source"].value_counts()
    assert per_task.to_dict() == {"HCAST": 76, "RE-Bench": 7}
    assert df["score"].notna().all() and df["score"].between(0, 1).all()
    assert df.dtypes["human_minutes"] == np.float64 and df.dtypes["success"] == np.int64
    assert df.dtypes["score"] == np.float64
    assert pd.api.types.is_string_dtype(df["alias"])
    humans = load_runs("pre-paper-2025-01", include_humans=True, **kw)
    assert (humans["alias"] == "human").sum() == 211
    assert humans.loc[humans["alias"] == "human", "run_id"].map(type).eq(str).all()


def test_pre_paper_load_time(kw):
    load_runs("pre-paper-2025-01", **kw)  # first call copies from the mirror
    t0 = time.perf_counter()
    load_runs("pre-paper-2025-01", **kw)
    assert time.perf_counter() - t0 < 1.0


def test_th11_eight_models(kw):
    df = load_runs("th-1-1-8-models", **kw)
    assert df["alias"].nunique() == 8 and df["task_id"].nunique() == 228
    assert len(df) == 1401 + 1044 + 1661 + 1016 + 1044 + 1043 + 1044 + 1056
    assert set(df["task_source"]) == {"HCAST", "RE-Bench", "SWAA"}
    names = dict(zip(df["alias"], df["display_name"]))
    assert names["o3 (Inspect)"] == "o3"
    assert names["Claude 3.5 Sonnet (New) (Inspect)"] == "Claude 3.5 Sonnet (New)"
    assert names["GPT-4 0314"] == "GPT-4 0314"
    # invsqrt-weighted success of o3 is METR's average_score (0.636235) - checks values survive
    o3 = df[df["alias"] == "o3 (Inspect)"]
    assert o3["success"].mean() == pytest.approx(804 / 1044)


def test_rebench_file(kw):
    df = load_runs("th-1-1-rebench", **kw)
    assert df["alias"].nunique() == 18 and df["task_id"].nunique() == 5
    assert (df["task_source"] == "RE-Bench").all() and len(df) == 395
    with_h = load_runs("th-1-1-rebench", include_humans=True, **kw)
    assert (with_h["alias"] == "human").sum() == 71


def test_same_alias_in_two_datasets_stays_two_models(kw):
    df = load_runs(["th-1-1-8-models", "th-1-1-rebench"], **kw)
    models = df.groupby(["dataset", "alias"]).size()
    assert len(models) == 8 + 18
    assert models[("th-1-1-8-models", "o3 (Inspect)")] == 1044
    assert models[("th-1-1-rebench", "o3 (Inspect)")] == 20


def test_check_runs_summary(kw):
    s = check_runs(["th-1-1-8-models"], **kw)
    row = s.set_index("alias").loc["o3 (Inspect)"]
    assert row["n_runs"] == 1044 and row["n_tasks"] == 228 and row["n_families"] == 79
    assert row["task_sources"] == "HCAST:157, RE-Bench:5, SWAA:66"
    assert row["success_rate"] == pytest.approx(0.770115, abs=1e-6)


def test_not_a_runs_dataset(kw):
    with pytest.raises(ValueError, match="kind 'release_dates'"):
        load_runs("release-dates-th", **kw)


# ---------------------------------------------------------------- small fixtures per schema
def test_paper_schema(tmp_path):
    path = write_jsonl(tmp_path / "paper_runs.jsonl", PAPER_LINES)
    df = load_runs(str(path))
    assert list(df.columns) == list(COLUMNS) and len(df) == 2
    assert (df["dataset"] == "paper_runs").all()
    assert df["task_source"].tolist() == ["RE-Bench", "HCAST"]
    assert df["score"].tolist() == [0.95, 0.2] and df["success"].tolist() == [1, 0]
    assert df["human_minutes"].tolist() == [492.9, 30.0]
    h = load_runs(path, include_humans=True)
    assert h["run_id"].tolist()[-1] == "17" and h["alias"].tolist()[-1] == "human"


def test_time_horizon_schema(tmp_path):
    df = load_runs([write_jsonl(tmp_path / "th.jsonl", TH_LINES)])
    assert df["task_source"].tolist() == ["SWAA", "RE-Bench"]
    assert df["score"].tolist() == [1.0, 0.5617189839]
    assert df["success"].tolist() == [1, 1]  # score_binarized as delivered
    assert df["display_name"].tolist() == ["o3", "o3"]


def test_minimal_schema(tmp_path):
    lines = [
        {"run_id": "a", "model": "toy", "task_id": "f/1", "task_family": "f",
         "human_minutes": 1, "score": 0.95},
        {"run_id": "b", "model": "toy", "task_id": "f/2", "task_family": "f",
         "human_minutes": 2.5, "score": 0.9},
    ]
    df = load_runs(write_jsonl(tmp_path / "mini.jsonl", lines))
    assert df["alias"].tolist() == ["toy"] * 2  # named by `model` when no run has `alias`
    assert df["success"].tolist() == [1, 0]  # score > 0.9 when no success field
    assert df["human_source"].tolist() == ["unknown"] * 2
    assert df["task_source"].tolist() == ["HCAST"] * 2
    only_success = [{"run_id": "c", "alias": "toy", "task_id": "f/3", "task_family": "f",
                     "human_minutes": 4, "success": 1}]
    df = load_runs(write_jsonl(tmp_path / "mini2.jsonl", only_success))
    assert np.isnan(df["score"].iloc[0]) and df["success"].tolist() == [1]


def test_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_text("\n" + json.dumps(GOOD) + "\n\n")
    assert len(load_runs(path)) == 1


def test_partial_input_is_never_returned(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", [GOOD])
    bad = write_jsonl(tmp_path / "bad.jsonl", [GOOD, {**GOOD, "run_id": "r2",
                                                      "human_minutes": -1}])
    with pytest.raises(RunFileError, match="bad.jsonl, line 2"):
        load_runs([good, bad])


def test_same_stem_twice_is_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = write_jsonl(tmp_path / "a" / "runs.jsonl", [GOOD])
    two = write_jsonl(tmp_path / "b" / "runs.jsonl", [{**GOOD, "run_id": "r9"}])
    with pytest.raises(ValueError, match="twice"):
        load_runs([one, two])


def test_duplicate_across_files_of_one_dataset(tmp_path):
    index = DatasetIndex()
    read_run_file(write_jsonl(tmp_path / "one.jsonl", [GOOD]), index)
    with pytest.raises(RunFileError, match="duplicates line 1 of one.jsonl exactly"):
        read_run_file(write_jsonl(tmp_path / "two.jsonl", [GOOD]), index)


# ---------------------------------------------------------------- validation: one case each
def _with(**changes):
    obj = dict(GOOD)
    for k, v in changes.items():
        if v is KeyError:
            obj.pop(k)
        else:
            obj[k] = v
    return json.dumps(obj)


OK2 = json.dumps({**GOOD, "run_id": "r0"})
MALFORMED = {  # id: (lines, line number, field or None, text in the message)
    "truncated_line": ([OK2, _with()[:40]], 2, None, "not valid JSON"),
    "not_json": ([OK2, "hello world"], 2, None, "not valid JSON"),
    "not_an_object": ([OK2, "[1, 2, 3]"], 2, None, "is not a JSON object"),
    "missing_run_id": ([OK2, _with(run_id=KeyError)], 2, "run_id", "missing required field"),
    "run_id_float": ([OK2, _with(run_id=1.5)], 2, "run_id", "not a string or integer"),
    "missing_alias": ([OK2, _with(alias=KeyError)], 2, "alias",
                      "missing, but the file's first run (line 1) has it"),
    "no_name_at_all": ([_with(alias=KeyError)], 1, "alias", "missing required field (or 'model')"),
    "alias_not_string": ([OK2, _with(alias=123)], 2, "alias", "value 123 is not a string"),
    "task_id_empty": ([OK2, _with(task_id="  ")], 2, "task_id", "is empty"),
    "task_family_null": ([OK2, _with(task_family=None)], 2, "task_family", "is null"),
    "missing_human_minutes": ([OK2, _with(human_minutes=KeyError)], 2, "human_minutes",
                              "missing required field"),
    "human_minutes_negative": ([OK2, _with(human_minutes=-3.0)], 2, "human_minutes",
                               "value -3.0 is not positive"),
    "human_minutes_zero": ([OK2, _with(human_minutes=0)], 2, "human_minutes", "not positive"),
    "human_minutes_string": ([OK2, _with(human_minutes="30")], 2, "human_minutes",
                             "value '30' is not a number"),
    "human_minutes_null": ([OK2, _with(human_minutes=None)], 2, "human_minutes", "is null"),
    "human_minutes_nan": ([OK2, _with(human_minutes=float("nan"))], 2, "human_minutes",
                          "not a finite number"),
    "score_above_one": ([OK2, _with(score=1.5)], 2, "score", "value 1.5 is outside [0, 1]"),
    "score_negative": ([OK2, _with(score=-0.1)], 2, "score", "outside [0, 1]"),
    "score_not_numeric": ([OK2, _with(score="high")], 2, "score", "is not a number"),
    "score_cont_null": ([json.dumps({**GOOD, "run_id": "r0", "score": None})], 1, "score",
                        "is null"),
    "score_cont_added": ([OK2, _with(score_cont=0.5)], 2, "score_cont",
                         "is given here but not on the file's first run (line 1)"),
    "score_nan": ([OK2, _with(score=float("nan"))], 2, "score", "not a finite number"),
    "success_two": ([OK2, _with(score_binarized=2)], 2, "score_binarized", "not 0 or 1"),
    "success_half": ([_with(score_binarized=KeyError, success=0.5)], 1, "success",
                     "value 0.5 is not 0 or 1"),
    "success_string": ([OK2, _with(score_binarized="1")], 2, "score_binarized", "not 0 or 1"),
    "no_outcome": ([_with(score=KeyError, score_binarized=KeyError)], 1,
                   "score_binarized", "missing required field"),
    "duplicate_run_id": ([_with(), OK2, _with()], 3, "run_id", "duplicates line 1 exactly"),
    "same_id_other_run": ([_with(), OK2, _with(score=0.7)], 3, "run_id",
                          "a different run (field(s) 'score' differ)"),
    "duplicate_key": ([OK2, _with()[:-1] + ', "score": 0.25}'], 2, "score", "given twice"),
    "bom_on_line_2": ([OK2, "\ufeff" + _with()], 2, None, "byte-order mark"),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_file(tmp_path, case):
    lines, line, field, text = MALFORMED[case]
    path = tmp_path / f"{case}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RunFileError) as err:
        load_runs([path])
    msg = str(err.value)
    assert msg.startswith(f"{case}.jsonl, line {line}")
    assert text in msg
    assert err.value.path == path and err.value.line == line and err.value.field == field
    if field is not None:
        assert f"field '{field}'" in msg


def test_exact_message_format(tmp_path):
    lines = [json.dumps({**GOOD, "run_id": f"r{i}"}) for i in range(16)]
    lines.append(_with(run_id="r99", human_minutes=-3.0))
    path = tmp_path / "all_runs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RunFileError) as err:
        load_runs(path)
    assert str(err.value) == "all_runs.jsonl, line 17, field 'human_minutes': value -3.0 is not positive"
    assert err.value.value == -3.0 and err.value.reason == "is not positive"


@pytest.mark.parametrize("content", ["", "\n\n  \n"], ids=["zero_bytes", "only_blank_lines"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_text(content)
    with pytest.raises(RunFileError, match=r"^empty.jsonl: file is empty") as err:
        load_runs(path)
    assert err.value.line is None


# ---------------------------------------------------------------- properties
@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_display_name_idempotent_and_strips_inspect(name):
    once = display_name(name)
    assert display_name(once) == once
    assert display_name(name + " (Inspect)") == once
    assert display_name(name + " (Inspect) (Inspect)") == once


@given(st.lists(st.tuples(
    st.floats(min_value=1e-3, max_value=1e4, allow_nan=False),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.integers(0, 1)), min_size=1, max_size=20))
@settings(max_examples=30, deadline=None)
def test_roundtrip_values(rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prop.jsonl"
        write_jsonl(path, [{"run_id": f"r{i}", "alias": "m", "task_id": f"f/{i}",
                            "task_family": "f", "human_minutes": hm, "score": s,
                            "score_binarized": b} for i, (hm, s, b) in enumerate(rows)])
        df = load_runs(path)
    assert df["human_minutes"].tolist() == [r[0] for r in rows]
    assert df["score"].tolist() == [r[1] for r in rows]
    assert df["success"].tolist() == [r[2] for r in rows]


def test_synthetic_dataset_loads(tmp_path):
    pytest.importorskip("horizonlib.data.simulate")
    df = load_runs("synthetic", cache_dir=tmp_path)
    assert list(df.columns) == list(COLUMNS) and len(df) > 0
    assert (df["dataset"] == "synthetic").all()
    assert df["success"].isin([0, 1]).all() and (df["human_minutes"] > 0).all()
