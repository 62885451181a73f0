"""METR's messiness labels: loaded from the mirror, scored, and bad values named."""

import pytest

from horizonlib.data.messiness import FACTORS, load_messiness


def test_mirror_labels(tmp_path, mirror_dir):
    labels = load_messiness("messiness-paper", mirror=mirror_dir, cache_dir=tmp_path / "cache")
    assert len(labels) == 142 and labels["task_id"].is_unique
    assert labels["messiness"].between(0, len(FACTORS)).all()
    assert labels["n_labels"].between(3, 6).all()
    assert labels["task_id"].is_monotonic_increasing


HEADER = "label id,task id,task family,labeller,is label record done,is record trash," + ",".join(FACTORS)


def test_score_is_the_mean_factor_sum_of_completed_records(tmp_path):
    ones = ",".join(["1"] * 3 + ["0"] * 13)
    twos = ",".join(["1"] * 5 + [""] * 11)
    rows = [f"1,t/a,t,Ann,TRUE,FALSE,{ones}", f"2,t/a,t,Bob,TRUE,FALSE,{twos}",
            f"3,t/a,t,,FALSE,,{ones}",  # placeholder: no labeller
            f"4,t/a,t,Cy,TRUE,TRUE,{twos}",  # trash
            f"5,t/b,t,Ann,TRUE,FALSE,{ones}"]
    path = tmp_path / "messiness.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    labels = load_messiness(path).set_index("task_id")
    assert labels.loc["t/a", "messiness"] == pytest.approx(4.0)
    assert labels.loc["t/a", "n_labels"] == 2
    assert labels.loc["t/b", "messiness"] == 3.0


def test_bad_factor_value_names_line_and_column(tmp_path):
    bad = ",".join(["1", "7"] + ["0"] * 14)
    path = tmp_path / "messiness.csv"
    path.write_text(HEADER + "\n" + f"1,t/a,t,Ann,TRUE,FALSE,{bad}\n")
    with pytest.raises(ValueError, match=r"messiness.csv, line 2, column 'resource limited'"):
        load_messiness(path)


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "messiness.csv"
    path.write_text("task id,labeller\nt/a,Ann\n")
    with pytest.raises(ValueError, match="missing column"):
        load_messiness(path)
