"""Rerunning the book on new data, and refusing bad data.

* A user's run file in the minimal schema, with a new model that has no release date, reruns
  every chapter: the model is in every page, the fit and trend chapters say it is left out of
  the trend, and the results files hold it (``forked_book`` of tests/conftest.py).
* A malformed input never yields a book: ``python -m horizonlib check`` and ``book`` exit with
  status 2 and one ``error:`` line naming the file, line, field, value and reason, and any
  earlier ``html``/``results`` are gone afterwards. The malformed files are run through the
  command line in-process (``cli.main``, the function ``python -m horizonlib`` exits with) and a
  few in a real subprocess.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from horizonlib.build import cli
from horizonlib.build.inputs import check_run_entry
from horizonlib.build.toc import is_notebook_source, toc_files
from tests.conftest import NEWCOMER, REPO_ROOT

SYNTHETIC = str(REPO_ROOT / "params" / "synthetic.yml")


def _text(page: Path) -> str:
    """Visible text of an HTML page, whitespace collapsed."""
    html = page.read_text(encoding="utf-8")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _pages(book: Path) -> list[str]:
    """Every executed chapter of the book's table of contents (the staged _toc.yml)."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    files = [f for f in toc_files(toc) if is_notebook_source(REPO_ROOT / f"{f}.md")]
    return files + ["chapters/template"]


# --- new data: a new model everywhere, but not in the trend -------------------------------------


@pytest.mark.book
def test_new_model_appears_in_every_chapter(forked_book):
    html = forked_book / "html"
    for page in _pages(forked_book):
        text = _text(html / f"{page}.html")
        assert NEWCOMER in text, f"{page}: the new model is not on the page"
        assert "Traceback" not in text, page


@pytest.mark.book
def test_model_without_release_date_is_left_out_of_the_trend_and_the_pages_say_so(forked_book):
    trend = _text(forked_book / "html" / "chapters" / "trend.html")
    assert re.search(r"give no release date for them: " + NEWCOMER, trend), \
        "the trend chapter does not say that the new model has no release date"
    fit = _text(forked_book / "html" / "chapters" / "fit.html")
    assert re.search(NEWCOMER + r".{0,200}release date", fit), \
        "the fit chapter's trend exclusions do not list the new model"
    results = forked_book / "results"
    horizons = pd.read_csv(results / "horizons.csv")
    assert NEWCOMER in set(horizons["display_name"])  # fitted like every other model
    trend = pd.read_csv(results / "trend.csv", dtype=str, keep_default_na=False)
    assert not trend["aliases"].str.contains(NEWCOMER).any()  # but never in a trend fit


@pytest.mark.book
def test_rerun_used_the_users_file_everywhere(forked_book, newcomer_runs):
    params = yaml.safe_load((forked_book / "params.yml").read_text())
    assert params["runs"] == [str(newcomer_runs)] and params["rebench_runs"] == [str(newcomer_runs)]
    overview = pd.read_csv(forked_book / "results" / "data_overview.csv")
    assert list(overview["dataset"]) == [newcomer_runs.stem]  # the file stem names the dataset
    assert int(overview["models"].iloc[0]) == 7


def test_make_book_runs_overrides_runs_and_rebench_runs():
    proc = subprocess.run(["make", "-n", "book", "RUNS=new.jsonl", "PARAMS=params/synthetic.yml",
                           "ARGS=--focus-models New", "TOC=t.yml"],
                          cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    cmd = " ".join(proc.stdout.replace("\\\n", " ").split())
    assert "-m horizonlib book --params params/synthetic.yml" in cmd
    assert "--runs new.jsonl --rebench-runs new.jsonl" in cmd
    assert "--toc t.yml" in cmd and "--focus-models New" in cmd
    check = subprocess.run(["make", "-n", "check", "RUNS=new.jsonl"], cwd=REPO_ROOT,
                           capture_output=True, text=True, check=True).stdout
    assert "-m horizonlib check --runs new.jsonl" in check


def test_check_accepts_the_minimal_schema_and_reports_the_new_model(newcomer_runs, capsys):
    assert cli.main(["check", "--runs", str(newcomer_runs)]) == 0
    out = capsys.readouterr().out
    assert NEWCOMER in out and "ok:" in out and "7 models" in out


def test_check_accepts_every_metr_schema(mirror_dir, capsys, monkeypatch):
    monkeypatch.setenv("HORIZON_DATA_MIRROR", str(mirror_dir))
    # pre-paper (score, no task_source, human rows) and Time Horizon 1.1 (score_cont, task_source)
    assert cli.main(["check", "--runs", "pre-paper-2025-01", "th-1-1-8-models", "th-1-1-rebench"]) == 0
    assert "ok:" in capsys.readouterr().out


# --- bad input: a dozen malformed files ---------------------------------------------------------

GOOD = [
    {"run_id": "r1", "alias": "A", "task_id": "fam1/t1", "task_family": "fam1", "human_minutes": 2.0,
     "score": 1.0, "score_binarized": 1},
    {"run_id": "r2", "alias": "A", "task_id": "fam2/t1", "task_family": "fam2", "human_minutes": 30.0,
     "score": 0.2, "score_binarized": 0},
    {"run_id": "r3", "alias": "B", "task_id": "fam1/t1", "task_family": "fam1", "human_minutes": 2.0,
     "score": 0.95, "score_binarized": 1},
]


def _lines(*rows) -> bytes:
    return ("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n").encode()


def _with(i: int, **changes) -> list:
    """GOOD with row ``i`` changed (a value of ``...`` deletes the key)."""
    rows = [dict(r) for r in GOOD]
    for k, v in changes.items():
        if v is ...:
            del rows[i][k]
        else:
            rows[i][k] = v
    return rows


#: name -> (file content, fragments the error message must contain). Line numbers are 1-based.
MALFORMED: dict[str, tuple[bytes, list[str]]] = {
    "empty": (b"", ["file is empty"]),
    "blank_lines_only": (b"\n\n  \n", ["file is empty"]),
    "truncated_last_line": (_lines(*GOOD) [:-25], ["line 3", "not valid JSON", "truncated"]),
    "not_an_object": (_lines(GOOD[0], "[1, 2]", GOOD[2]), ["line 2", "not a JSON object"]),
    "missing_run_id": (_lines(*_with(1, run_id=...)), ["line 2", "field 'run_id'", "missing"]),
    "negative_minutes": (_lines(*_with(1, human_minutes=-3.0)),
                         ["line 2", "field 'human_minutes'", "-3.0", "not positive"]),
    "minutes_as_text": (_lines(*_with(2, human_minutes="ten")),
                        ["line 3", "field 'human_minutes'", "'ten'", "not a number"]),
    "score_above_one": (_lines(*_with(0, score=1.5)), ["line 1", "field 'score'", "1.5", "outside [0, 1]"]),
    "score_nan": (_lines(GOOD[0], json.dumps(GOOD[1]).replace("0.2", "NaN"), GOOD[2]),
                  ["line 2", "field 'score'", "not a finite number"]),
    "success_two": (_lines(*_with(2, score_binarized=2)),
                    ["line 3", "field 'score_binarized'", "2", "not 0 or 1"]),
    "duplicate_run_id": (_lines(*_with(2, run_id="r1")), ["line 3", "field 'run_id'", "'r1'", "duplicates line 1"]),
    "alias_null": (_lines(*_with(1, alias=None)), ["line 2", "field 'alias'", "None", "is null"]),
    "family_empty": (_lines(*_with(0, task_family="")), ["line 1", "field 'task_family'", "is empty"]),
    "no_outcome": (_lines(*_with(1, score=..., score_binarized=...)),  # keys are per file
                   ["line 2", "field 'score'", "missing", "the file's first run (line 1) has it"]),
    "gzip_not_utf8": (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20, ["line 1", "not UTF-8"]),
    "csv_not_jsonl": (b"run_id,alias,task_id\nr1,A,fam1/t1\n", ["line 1", "not valid JSON"]),
    # issue 13: a row without `alias` but with `model` was a phantom model of one run
    "alias_missing_model_given": (_lines(*_with(1, alias=..., model="A")),
                                  ["line 2", "field 'alias'", "missing", "never a mix"]),
    "humans_only": (_lines(*[r | {"alias": "human"} for r in GOOD]), ["field 'alias'", "no model runs"]),
    "task_in_two_families": (_lines(*_with(2, task_family="fam2")),
                             ["line 3", "field 'task_family'", "'fam2'", "differs", "'fam1' on line 1"]),
}


@pytest.fixture
def stale_book(tmp_path) -> Path:
    """An output folder holding a complete-looking book from an earlier run."""
    out = tmp_path / "_build"
    for sub in ("html", "results", "notebooks"):
        (out / sub).mkdir(parents=True)
    (out / "html" / "index.html").write_text("an earlier book")
    (out / "results" / "horizons.csv").write_text("dataset,model\n")
    (out / "params.yml").write_text("edition: earlier\n")
    return out


def _assert_no_book(out: Path) -> None:
    for left in ("html", "results", "notebooks", "params.yml"):
        assert not (out / left).exists(), f"{left} left in {out} after a failed run"
    assert not list(out.glob(".tmp-*")), "staging folder left behind"


def _assert_clear_error(err: str, filename: str, fragments: list[str]) -> None:
    assert err.startswith("error: "), err
    assert "Traceback" not in err, err
    assert filename in err, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_run_file_is_refused_by_check_and_book(case, tmp_path, stale_book, capsys):
    content, fragments = MALFORMED[case]
    path = tmp_path / f"{case}.jsonl"
    path.write_bytes(content)

    assert cli.main(["check", "--runs", str(path)]) == 2
    _assert_clear_error(capsys.readouterr().err, path.name, fragments)

    status = cli.main(["book", "--params", SYNTHETIC, "--runs", str(path), "--rebench-runs", str(path),
                       "--out", str(stale_book)])
    captured = capsys.readouterr()
    assert status == 2
    _assert_clear_error(captured.err, path.name, fragments)
    assert "[1/" not in captured.out, "a chapter ran although the input was bad"
    _assert_no_book(stale_book)


def test_missing_run_file(tmp_path, stale_book, capsys):
    missing = tmp_path / "nope.jsonl"
    assert cli.main(["check", "--runs", str(missing)]) == 2
    _assert_clear_error(capsys.readouterr().err, "nope.jsonl", ["neither an existing file nor a dataset"])
    assert cli.main(["book", "--params", SYNTHETIC, "--runs", str(missing), "--out", str(stale_book)]) == 2
    _assert_clear_error(capsys.readouterr().err, "nope.jsonl", ["neither an existing file"])
    _assert_no_book(stale_book)


def test_bad_release_dates_file(tmp_path, stale_book, capsys):
    dates = tmp_path / "dates.yaml"
    dates.write_text("date:\n  Sim-Alder: not-a-date\n")
    status = cli.main(["book", "--params", SYNTHETIC, "--release-dates", str(dates), "--out", str(stale_book)])
    assert status == 2
    _assert_clear_error(capsys.readouterr().err, "dates.yaml", ["release_dates", "Sim-Alder"])
    _assert_no_book(stale_book)


def test_bad_parameter_value_also_removes_the_stale_book(stale_book, capsys):
    assert cli.main(["book", "--params", SYNTHETIC, "--confidence-level", "1.5", "--out", str(stale_book)]) == 2
    _assert_clear_error(capsys.readouterr().err, "command line", ["confidence_level", "1.5"])
    _assert_no_book(stale_book)


@pytest.mark.parametrize("case", ["truncated_last_line", "task_in_two_families"])
def test_malformed_file_through_a_real_process(case, tmp_path, stale_book):
    content, fragments = MALFORMED[case]
    path = tmp_path / "runs.jsonl"
    path.write_bytes(content)
    for command in (["check", "--runs", str(path)],
                    ["book", "--params", SYNTHETIC, "--runs", str(path), "--out", str(stale_book)]):
        proc = subprocess.run([sys.executable, "-m", "horizonlib", *command], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        _assert_clear_error(proc.stderr, "runs.jsonl", fragments)
        assert proc.stderr.count("\n") <= 2, proc.stderr  # one message, not a log
    _assert_no_book(stale_book)


def test_check_run_entry_returns_the_model_runs(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_bytes(_lines(*GOOD, GOOD[0] | {"run_id": "h1", "alias": "human"}))
    table = check_run_entry(path)
    assert sorted(table["alias"].unique()) == ["A", "B"] and len(table) == 3
