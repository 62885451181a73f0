"""Command line: parsing, parameter flags named as the params keys, exit statuses."""

import subprocess
import sys
from pathlib import Path

import pytest

from horizonlib.build import cli
from horizonlib.build.params import SCHEMA

REPO = Path(__file__).resolve().parents[2]


def test_book_defaults():
    args = cli.build_parser().parse_args(["book"])
    assert args.params == "params/default.yml" and args.out == "_build" and args.mirror is None
    assert cli.overrides_from_args(args) == {}


def test_every_parameter_key_has_a_flag():
    parser = cli.build_parser()
    for key in SCHEMA:
        if key == "edition":
            continue
        flag = "--" + key.replace("_", "-")
        value = {"int": ["3"], "float": ["0.5"], "float_list": ["50"], "list": ["a"], "str": ["a"]}[SCHEMA[key].cli]
        args = parser.parse_args(["book", flag, *value])
        assert key in cli.overrides_from_args(args)


def test_flag_values_are_typed():
    args = cli.build_parser().parse_args(
        ["book", "--params", "params/offline.yml", "--runs", "a.jsonl", "th-1-0", "--n-bootstrap", "5",
         "--success-percents", "50", "97.5", "--regularization", "0", "--seed", "1", "--mirror", "/m"])
    over = cli.overrides_from_args(args)
    assert over == {"runs": ["a.jsonl", "th-1-0"], "n_bootstrap": 5, "success_percents": [50, 97.5],
                    "regularization": 0.0, "seed": 1}
    assert isinstance(over["success_percents"][0], int)
    assert args.mirror == "/m" and args.params == "params/offline.yml"


def test_bad_flag_value_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        cli.build_parser().parse_args(["book", "--n-bootstrap", "many"])
    assert e.value.code == 2


def test_a_command_is_required():
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args([])


def test_new_subcommand_can_reuse_parameter_flags():
    """How the `fit` command is meant to be added: a parser with a subset of parameter flags."""
    import argparse

    p = argparse.ArgumentParser()
    cli.add_param_arguments(p, ["runs", "n_bootstrap"])
    args = p.parse_args(["--runs", "x", "--n-bootstrap", "10"])
    assert cli.overrides_from_args(args, ["runs", "n_bootstrap"]) == {"runs": ["x"], "n_bootstrap": 10}


def test_invalid_params_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "p.yml"
    bad.write_text("edition: x\nbogus: 1\n")
    assert cli.main(["book", "--params", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "'bogus'" in err
    assert not (tmp_path / "out").exists()


def test_build_error_exits_1(monkeypatch, capsys):
    from horizonlib.build import book
    from horizonlib.build.errors import BuildError

    def fail(*a, **k):
        raise BuildError("chapter chapters/x.md failed in code cell 2: ValueError: no")

    monkeypatch.setattr(book, "build_book", fail)
    assert cli.main(["book"]) == 1
    assert "chapters/x.md" in capsys.readouterr().err


def test_book_passes_overrides(monkeypatch):
    from horizonlib.build import book

    seen = {}
    monkeypatch.setattr(book, "build_book", lambda params, **kw: seen.update(params=params, **kw))
    assert cli.main(["book", "--params", "params/synthetic.yml", "--runs", "r.jsonl", "--out", "o"]) == 0
    assert seen["params"] == "params/synthetic.yml" and seen["out"] == "o"
    assert seen["overrides"] == {"runs": ["r.jsonl"]}


def test_check_good_and_bad_run_files(tmp_path, capsys):
    from horizonlib.data.simulate import write_synthetic_runs

    good = write_synthetic_runs(tmp_path / "good.jsonl")
    assert cli.main(["check", "--runs", str(good)]) == 0
    assert "Sim-Fir" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text(good.read_text().splitlines()[0].replace('"human_minutes":', '"human_minutes_x":') + "\n")
    assert cli.main(["check", "--runs", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl" in err and "line 1" in err


def test_python_dash_m_entry_point():
    proc = subprocess.run([sys.executable, "-m", "horizonlib", "book", "--help"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0
    assert "--n-bootstrap" in proc.stdout and "--runs" in proc.stdout and "success_percents" in proc.stdout


def test_fit_writes_horizons_csv(tmp_path, capsys):
    import pandas as pd

    from horizonlib.report.results_schema import SCHEMA

    status = cli.main(["fit", "--params", "params/synthetic.yml", "--n-bootstrap", "20",
                       "--out", str(tmp_path)])
    assert status == 0
    table = pd.read_csv(tmp_path / "horizons.csv")
    assert list(table.columns) == SCHEMA["horizons"].column_names
    assert (table["display_name"] == table["alias"]).all()  # synthetic aliases have no suffix
    assert set(table["p"]) == {0.5, 0.8} and len(table) == 12  # 6 synthetic models x 2
    assert (table["ci_low_min"] <= table["horizon_min"]).all()
    assert "wrote" in capsys.readouterr().out


def test_fit_missing_run_file_exits_2(tmp_path, capsys):
    status = cli.main(["fit", "--runs", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path)])
    assert status == 2
    assert "nope.jsonl" in capsys.readouterr().err
    assert not (tmp_path / "horizons.csv").exists()


def test_check_pages_without_chromium_exits_2(tmp_path, capsys, monkeypatch):
    from horizonlib.build import chromium

    monkeypatch.setattr(chromium, "find_chromium", lambda: None)
    (tmp_path / "html").mkdir()
    assert cli.main(["check-pages", "--html", str(tmp_path / "html")]) == 2
    assert "apt-get install chromium" in capsys.readouterr().err


def test_check_pages_without_a_book_exits_2(tmp_path, capsys):
    assert cli.main(["check-pages", "--html", str(tmp_path / "nope")]) == 2
    assert "nope is not a folder" in capsys.readouterr().err


def test_fit_takes_bootstrap_rng_and_solver(tmp_path):
    import pandas as pd

    status = cli.main(["fit", "--params", "params/synthetic.yml", "--n-bootstrap", "20",
                       "--bootstrap-rng", "metr", "--solver", "metr", "--out", str(tmp_path)])
    assert status == 0
    table = pd.read_csv(tmp_path / "horizons.csv")
    assert (table["n_replicates"] == 20).all()
    assert (table["ci_low_mc_se_min"] >= 0).all() and (table["ci_high_mc_se_min"] >= 0).all()
    # METR's streams do not depend on the seed: another seed gives the same file
    status = cli.main(["fit", "--params", "params/synthetic.yml", "--n-bootstrap", "20",
                       "--bootstrap-rng", "metr", "--solver", "metr", "--seed", "5",
                       "--out", str(tmp_path / "other")])
    assert status == 0
    pd.testing.assert_frame_equal(table, pd.read_csv(tmp_path / "other" / "horizons.csv"))


def test_bad_bootstrap_rng_exits_2(capsys):
    assert cli.main(["fit", "--params", "params/synthetic.yml", "--bootstrap-rng", "python"]) == 2
    assert "bootstrap_rng" in capsys.readouterr().err
