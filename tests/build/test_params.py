"""Parameter sets are validated data: known keys, right types, clear errors naming file and key."""

from pathlib import Path

import pytest
import yaml

from horizonlib.build.params import SCHEMA, ParamsError, dataset_names, describe_schema, load_params, validate_params

REPO = Path(__file__).resolve().parents[2]
PARAMS = REPO / "params"


def _write(tmp_path, data, name="p.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


@pytest.fixture
def valid() -> dict:
    return yaml.safe_load((PARAMS / "synthetic.yml").read_text())


@pytest.mark.parametrize("edition", ["default", "offline", "synthetic"])
def test_shipped_parameter_sets_are_valid(edition):
    p = load_params(PARAMS / f"{edition}.yml")
    assert p["edition"] == edition
    assert list(p) == list(SCHEMA)
    assert p["success_percents"] == [50, 80]
    assert all(isinstance(x, int) for x in p["success_percents"])
    assert p["confidence_level"] == 0.95
    assert p["chapters"] is None


def test_default_edition_values():
    p = load_params(PARAMS / "default.yml")
    assert p["runs"] == ["th-1-0"]
    assert p["rebench_runs"] == ["th-1-0"]
    assert p["release_dates"] == ["release-dates-th", "release-dates-cross-domain"]
    assert p["published_fits"] == "published-fits-2025-06"
    assert p["published_bootstrap"] == "published-bootstrap-2025-06"
    assert p["published_results"] == ["benchmark-results-th-1-0", "benchmark-results-th-1-1-2026-02",
                                      "benchmark-results-th-1-1-2026-03"]
    assert (p["weighting"], p["regularization"], p["n_bootstrap"], p["seed"]) == (
        "invsqrt_task_weight", 0.1, 1000, 20250416)


def test_offline_and_synthetic_values():
    off = load_params(PARAMS / "offline.yml")
    assert off["runs"] == ["pre-paper-2025-01", "th-1-1-8-models"]
    assert off["rebench_runs"] == ["th-1-1-rebench", "pre-paper-2025-01"]
    syn = load_params(PARAMS / "synthetic.yml")
    assert syn["runs"] == ["synthetic"]
    assert syn["published_fits"] is None and syn["published_bootstrap"] is None
    assert syn["published_results"] == []
    for entry in syn["release_dates"]:  # paths in the synthetic edition exist in the repository
        assert (REPO / entry).is_file()


def test_unknown_key_names_file_key_and_suggestion(tmp_path, valid):
    valid["n_boostrap"] = 10
    path = _write(tmp_path, valid)
    with pytest.raises(ParamsError) as e:
        load_params(path)
    msg = str(e.value)
    assert str(path) in msg and "'n_boostrap'" in msg and "did you mean 'n_bootstrap'" in msg
    assert e.value.key == "n_boostrap" and e.value.source == str(path)


def test_missing_required_key(tmp_path, valid):
    del valid["seed"]
    with pytest.raises(ParamsError, match=r"key 'seed': missing required key"):
        load_params(_write(tmp_path, valid))


def test_chapters_is_optional_and_checked(tmp_path, valid):
    valid["chapters"] = ["chapters/fit"]
    assert load_params(_write(tmp_path, valid))["chapters"] == ["chapters/fit"]
    valid["chapters"] = "chapters/fit"
    with pytest.raises(ParamsError, match="'chapters'"):
        load_params(_write(tmp_path, valid))


@pytest.mark.parametrize(
    "key, value, fragment",
    [
        ("n_bootstrap", "1000", "expected an integer"),
        ("n_bootstrap", 10.5, "expected an integer"),
        ("n_bootstrap", -1, ">= 0"),
        ("seed", True, "expected an integer"),
        ("regularization", -0.1, "expected a number in"),
        ("regularization", "0.1", "expected a number"),
        ("confidence_level", 1.0, "expected a number in"),
        ("confidence_level", 0, "expected a number in"),
        ("success_percents", [0, 50], "strictly between 0 and 100"),
        ("success_percents", [50, 50], "duplicate"),
        ("success_percents", 50, "non-empty list"),
        ("weighting", "sqrt", "expected one of invsqrt_task_weight"),
        ("runs", [], "at least one entry"),
        ("runs", "synthetic", "expected a list of strings"),
        ("runs", ["a", 3], "entry 1"),
        ("release_dates", ["a", "a"], "duplicate"),
        ("published_fits", 3, "non-empty string"),
        ("edition", "", "non-empty string"),
    ],
)
def test_wrong_type_or_value_names_file_and_key(tmp_path, valid, key, value, fragment):
    valid[key] = value
    path = _write(tmp_path, valid)
    with pytest.raises(ParamsError) as e:
        load_params(path)
    assert e.value.key == key
    assert str(path) in str(e.value) and f"'{key}'" in str(e.value) and fragment in str(e.value)


def test_numbers_are_normalized(tmp_path, valid):
    valid.update(regularization=0, success_percents=[50.0, 97.5])
    p = load_params(_write(tmp_path, valid))
    assert p["regularization"] == 0.0 and isinstance(p["regularization"], float)
    assert p["success_percents"] == [50, 97.5] and isinstance(p["success_percents"][0], int)


@pytest.mark.parametrize("text, fragment", [("- a\n- b\n", "expected a mapping"),
                                            ("runs: [a\n", "not valid YAML")])
def test_malformed_files(tmp_path, text, fragment):
    with pytest.raises(ParamsError, match=fragment):
        load_params(_write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(ParamsError, match="cannot read parameter file"):
        load_params(tmp_path / "nope.yml")


def test_overrides_replace_and_are_checked():
    p = load_params(PARAMS / "synthetic.yml", {"runs": ["x.jsonl"], "n_bootstrap": 5, "seed": None})
    assert p["runs"] == ["x.jsonl"] and p["n_bootstrap"] == 5 and p["seed"] == 20250416
    with pytest.raises(ParamsError, match=r"command line: key 'n_bootstrap'"):
        load_params(PARAMS / "synthetic.yml", {"n_bootstrap": "many"})
    with pytest.raises(ParamsError, match="unknown key"):
        load_params(PARAMS / "synthetic.yml", {"bootstraps": 5})


def test_validate_partial_mapping():
    assert validate_params({"seed": 3}, "x", require_all=False) == {"seed": 3}


def test_dataset_names_leave_out_paths(tmp_path):
    run_file = tmp_path / "mine.jsonl"
    run_file.write_text("")
    p = load_params(PARAMS / "offline.yml", {"runs": [str(run_file), "th-1-1-8-models"]})
    names = dataset_names(p, base=tmp_path)
    assert str(run_file) not in names
    assert names[:2] == ["th-1-1-8-models", "th-1-1-rebench"]
    assert len(names) == len(set(names))
    assert "published-fits-2025-06" in names and "benchmark-results-th-1-0" in names


def test_every_key_is_documented():
    readme = (REPO / "README.md").read_text()
    text = describe_schema()
    for key in SCHEMA:
        assert f"`{key}`" in readme, key
        assert key in text
