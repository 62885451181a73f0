"""The multiverse grid: its size, METR's headline row, and the one-at-a-time changes."""

import pytest

from horizonlib.analyses.multiverse.grid import (
    DIMENSIONS,
    NO_FLAGS,
    one_at_a_time,
    specification_grid,
)



def test_grid_size_and_headline_row():
    grid = specification_grid()
    assert len(grid) == 3 * 3 * 4 * 4 * 2 == 288
    assert grid["is_metr"].sum() == 1
    head = grid[grid["is_metr"]].iloc[0]
    assert (head["weighting"], head["regularization"], head["success"], head["subset"],
            head["link"], head["hack_policy"]) == (
        "invsqrt_task_weight", 0.1, "delivered", "all", "logistic", NO_FLAGS)
    flagged = specification_grid(hack_policy=DIMENSIONS["hack_policy"])
    assert len(flagged) == 864 and flagged["is_metr"].sum() == 1
    with pytest.raises(ValueError, match="unknown"):
        specification_grid(success=["score>0.3"])


def test_one_at_a_time_changes_one_choice():
    oat = one_at_a_time(specification_grid())
    assert len(oat) == 1 + 2 + 2 + 3 + 3 + 1
    assert oat.iloc[0]["changed"] == "none" and oat.iloc[0]["is_metr"]
    assert oat["changed"].value_counts()["subset"] == 3
