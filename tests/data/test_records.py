"""Keys decided per file, text decoding and cross-run checks, one named case each.

(The generated corruptions are in test_run_corruptions.py; the upstream schemas in
test_runs.py.)
"""

import json

import pytest

from horizonlib.build import cli
from horizonlib.data.errors import DataError, RunFileError
from horizonlib.data.runs import load_runs

TH = {"task_id": "fam/t1", "task_family": "fam", "run_id": "a1", "alias": "o3 (Inspect)",
      "model": "o3_inspect", "score_cont": 1.0, "score_binarized": 1, "human_minutes": 8.0,
      "human_source": "estimate", "task_source": "HCAST"}


def write(path, rows, end="\n"):
    path.write_bytes("".join(json.dumps(r) + end for r in rows).encode("utf-8"))
    return path


def runs(n, **changes):
    """``n`` Time Horizon runs with distinct ids and tasks; ``changes`` maps an index to edits
    (a value of None deletes the key)."""
    rows = [{**TH, "run_id": f"a{i}", "task_id": f"fam/t{i}"} for i in range(n)]
    for i, edit in changes.items():
        i = int(i[1:])
        for key, value in edit.items():
            if value is None:
                rows[i].pop(key)
            else:
                rows[i][key] = value
    return rows


def error_of(path) -> RunFileError:
    with pytest.raises(RunFileError) as err:
        load_runs(path)
    assert isinstance(err.value, DataError)
    return err.value


# ---------------------------------------------------------------- keys decided per file
def test_row_without_alias_but_with_model_is_rejected(tmp_path, capsys):
    """The issue's example: one row lacks `alias` (it has `model`). It used to become a phantom
    model of one run; now it is an error naming file, line and field, and `make check` exits 2."""
    path = write(tmp_path / "runs.jsonl", runs(5, r3={"alias": None}))
    err = error_of(path)
    assert (err.path, err.line, err.field) == (path, 4, "alias")
    assert str(err).startswith("runs.jsonl, line 4, field 'alias': missing, but the file's "
                               "first run (line 1) has it")
    assert "never a mix" in str(err)
    assert cli.main(["check", "--runs", str(path)]) == 2
    assert "runs.jsonl, line 4, field 'alias'" in capsys.readouterr().err


def test_file_named_by_model_must_not_switch_to_alias(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "alias"} for r in runs(3)]
    rows[2]["alias"] = "o3 (Inspect)"
    err = error_of(write(tmp_path / "runs.jsonl", rows))
    assert (err.line, err.field) == (3, "alias")
    assert "is given here but not on the file's first run (line 1)" in str(err)
    rows[2].pop("alias")  # model on every run: the model names the runs
    assert set(load_runs(write(tmp_path / "ok.jsonl", rows))["alias"]) == {"o3_inspect"}


@pytest.mark.parametrize("edit, line, field", [
    ({"r2": {"score_cont": None, "score": 0.5}}, 3, "score_cont"),  # score vs score_cont
    ({"r0": {"score_cont": None, "score": 0.5}}, 2, "score_cont"),
    ({"r1": {"score_binarized": None, "success": 1}}, 2, "score_binarized"),
    ({"r1": {"task_source": None}}, 2, "task_source"),
    ({"r1": {"human_source": None}}, 2, "human_source"),
    ({"r2": {"model": None}}, 3, "model"),
    ({"r2": {"model": 7}}, 3, "model"),  # validated although `alias` names the models
])
def test_alternative_keys_are_decided_per_file(tmp_path, edit, line, field):
    err = error_of(write(tmp_path / "runs.jsonl", runs(4, **edit)))
    assert (err.line, err.field) == (line, field), str(err)


def test_null_where_the_file_has_the_column_is_an_error(tmp_path):
    rows = runs(2) + [{**TH, "run_id": "z", "task_id": "fam/z", "human_source": None}]
    err = error_of(write(tmp_path / "runs.jsonl", rows))
    assert (err.line, err.field, err.reason) == (3, "human_source", "is null")


# ---------------------------------------------------------------- text
def test_bom_and_crlf_are_accepted(tmp_path):
    """A Windows editor's UTF-8 (byte-order mark, CRLF line ends) loads as the plain file."""
    for folder in ("plain", "windows"):
        (tmp_path / folder).mkdir()
    plain = write(tmp_path / "plain" / "runs.jsonl", runs(3))
    windows = tmp_path / "windows" / "runs.jsonl"
    windows.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes().replace(b"\n", b"\r\n"))
    assert load_runs(windows).equals(load_runs(plain))


def test_non_utf8_byte_names_its_field(tmp_path):
    path = tmp_path / "runs.jsonl"
    line = json.dumps({**TH, "human_source": "@@"}).encode().replace(b"@@", b"est\xe9")
    path.write_bytes(json.dumps(TH).encode() + b"\n" + line.replace(b'"a1"', b'"a2"') + b"\n")
    err = error_of(path)
    assert (err.line, err.field) == (2, "human_source")
    assert "is not UTF-8 text (byte 0xe9" in str(err)


def test_gzip_file_is_not_utf8(tmp_path):
    import gzip

    path = tmp_path / "runs.jsonl"
    path.write_bytes(gzip.compress(json.dumps(TH).encode()))
    err = error_of(path)
    assert err.line == 1 and err.field is None and "compressed" in str(err)


# ---------------------------------------------------------------- across runs of a dataset
def test_task_family_human_minutes_and_source_are_one_per_task(tmp_path):
    base = runs(3)
    cases = [({"task_family": "other"}, "task_family", "'fam'"),
             ({"human_minutes": 9.0}, "human_minutes", "8.0"),
             ({"task_source": "SWAA"}, "task_source", "'HCAST'")]
    for change, field, before in cases:
        rows = base + [{**TH, "run_id": "late", "task_id": "fam/t1", **change}]
        err = error_of(write(tmp_path / "runs.jsonl", rows))
        assert (err.line, err.field) == (4, field)
        assert f"differs from task 'fam/t1''s {field.replace('_', ' ')} {before} on line 2" in str(err)


def test_checks_span_the_files_of_one_dataset(tmp_path, mirror_dir):
    """The eight Time Horizon 1.1 files form one dataset: a task's facts must agree across
    them, and a run id may not repeat across them."""
    from horizonlib.data.consistency import DatasetIndex
    from horizonlib.data.runs import read_run_file

    index = DatasetIndex()
    read_run_file(mirror_dir / "th-1-1-o3" / "runs.jsonl", index)
    first = json.loads((mirror_dir / "th-1-1-o3" / "runs.jsonl").read_text().splitlines()[0])
    moved = write(tmp_path / "other.jsonl", [{**first, "run_id": "new",
                                              "human_minutes": first["human_minutes"] + 1}])
    err = error_of_reading(moved, index)
    assert (err.field, err.line) == ("human_minutes", 1) and "of runs.jsonl" in str(err)
    again = write(tmp_path / "again.jsonl", [{**first, "score_cont": 0.123456}])
    err = error_of_reading(again, index)
    assert err.field == "run_id" and "a different run (field(s) 'score_cont' differ)" in str(err)


def error_of_reading(path, index) -> RunFileError:
    from horizonlib.data.runs import read_run_file

    with pytest.raises(RunFileError) as err:
        read_run_file(path, index)
    return err.value
