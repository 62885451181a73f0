"""Display tables of the multiverse chapter (horizonlib.report.multiverse_tables)."""

from horizonlib.analyses.multiverse.bootstrap import bootstrap_specifications
from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.grid import one_at_a_time, specification_grid
from horizonlib.analyses.multiverse.model_choice import choose_focus_models
from horizonlib.analyses.multiverse.summaries import dimension_effects, headline_position
from horizonlib.model.shared_draws import SharedDraws
from horizonlib.report.multiverse_tables import bootstrap_wide, effects_display, position_display
from tests.analyses.multiverse.planted import planted_runs


def test_bootstrap_wide_has_one_column_per_chosen_model():
    runs = planted_runs(0)
    specs = one_at_a_time(specification_grid(weighting=["invsqrt_task_weight"],
                                             success=["delivered", "fractional"]))
    full = bootstrap_specifications(runs, specs, SharedDraws(30, seed=5))
    picks = choose_focus_models(fit_multiverse(runs, specs), ["B"], ["A"])
    wide = bootstrap_wide(full, specs, picks)
    assert list(wide.columns) == ["choice changed", "changed to", "B", "A"]
    assert wide["choice changed"].iloc[0] == "none (METR's choices)"
    assert wide["changed to"].iloc[1:].tolist() == ["fractional credit"] * 0 + list(
        wide["changed to"].iloc[1:])
    assert all("(" in c for c in wide["B"])


def test_display_tables_use_labels_not_raw_levels():
    runs = planted_runs(0)
    table = fit_multiverse(runs)
    picks = choose_focus_models(table, ["A"], ["B"])
    effects = effects_display(dimension_effects(table), picks)
    assert list(effects.columns) == ["choice", "changed to", "A", "B"]
    text = " ".join(effects["changed to"])
    for raw in ("0.000000", "none", "baseline_times", "no_rebench", "score>=0.5"):
        assert raw not in text.split(", ")
    assert effects["A"].str.startswith("×").all()
    pos = position_display(headline_position(table), table)
    assert list(pos.columns[:2]) == ["model", "dataset"]
    assert pos["METR's percentile"].str.endswith(("st", "nd", "rd", "th")).all()
