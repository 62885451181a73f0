"""Tests of horizonlib.analyses.hacking.flags: flag files, their errors, and the policies."""

import pytest

from horizonlib.analyses.hacking import flags as flag_policies

from tests.analyses.hacking.toy_runs import two_model_runs


def test_flags_and_policies(tmp_path):
    df = two_model_runs()
    p = tmp_path / "flags.csv"
    p.write_text("run_id,score\nr16,1.0\nr17,\n")
    flags = flag_policies.load_hack_flags(p, df)
    scored = flag_policies.apply_hack_policy(df, flags, "as_scored")
    assert scored.loc[16, "success"] == 1 and scored.loc[17, "success"] == 1
    failed = flag_policies.apply_hack_policy(df, flags, "as_failure")
    assert failed.loc[[16, 17], "success"].tolist() == [0, 0]
    assert len(flag_policies.apply_hack_policy(df, flags, "exclude")) == len(df) - 2
    tab = flag_policies.policy_table(df, flags)
    assert set(tab["policy"]) == set(flag_policies.POLICIES)


@pytest.mark.parametrize("text, line, column", [
    ("id\nr1\n", 1, "run_id"),
    ("run_id\nr1\n\n", None, None),
    ("run_id\nr1\nr1\n", 3, "run_id"),
    ("run_id,score\nr1,1.5\n", 2, "score"),
    ("run_id,success\nr1,2\n", 2, "success"),
    ("run_id\nnope\n", 2, "run_id"),
])
def test_flag_errors(tmp_path, text, line, column):
    p = tmp_path / "flags.csv"
    p.write_text(text)
    if line is None:  # a blank line is skipped by the CSV reader: valid file
        assert len(flag_policies.load_hack_flags(p, two_model_runs())) == 1
        return
    with pytest.raises(flag_policies.HackFlagError) as err:
        flag_policies.load_hack_flags(p, two_model_runs())
    assert err.value.line == line and err.value.column == column
    assert "flags.csv" in str(err.value)


def test_flag_file_missing(tmp_path):
    with pytest.raises(flag_policies.HackFlagError, match="not found"):
        flag_policies.load_hack_flags(tmp_path / "x.csv")
