"""The one schema of the results files under ``_build/results/``: columns, units and meanings.

Every file that holds a model names it by the same three columns, ``dataset`` (the run file or
published file it was measured in), ``alias`` (the model's name in that file) and
``display_name`` (the alias without suffixes such as " (Inspect)", for reading only); a file of
pairs carries the three for each side as ``*_a`` and ``*_b``. ``(dataset, alias)`` is the key
of a model, so two results files join on it. This module is the single description of each
file: :mod:`horizonlib.report.results` writes tables in this order and rejects other columns,
the build writes ``_build/results/README.md`` from it (:func:`results_readme`), and the tests
check every file a build writes against it.
"""

from __future__ import annotations

from horizonlib.report.results_columns import (
    ESTIMATE,
    HORIZON,
    MODEL,
    PAIR,
    SPEC,
    Column,
    ResultsFile,
)
from horizonlib.report.results_files_difficulty import DIFFICULTY_FILES

CHAPTER_FILES: tuple[ResultsFile, ...] = (
    ResultsFile(
        "data_overview", "chapters/data.md", "one dataset (run file)",
        (Column("dataset", "", "run file: a manifest dataset name or a path"),
         Column("models", "models", "distinct models (aliases) with runs"),
         Column("runs", "runs", "runs (human baselines excluded)"),
         Column("tasks", "tasks", "distinct tasks"),
         Column("families", "families", "distinct task families"),
         Column("min_human_minutes", "minutes", "shortest human task length"),
         Column("max_human_minutes", "minutes", "longest human task length"),
         Column("success_rate", "fraction", "unweighted share of successful runs")),
        ("dataset",)),
    ResultsFile(
        "success_by_length", "chapters/data.md", "one model and one task-length bucket",
        MODEL + (Column("bucket", "", "task-length bucket (human minutes)"),
                 Column("bucket_mid_minutes", "minutes", "geometric middle of the bucket"),
                 Column("n_runs", "runs", "runs in the bucket"),
                 Column("n_tasks", "tasks", "distinct tasks in the bucket"),
                 Column("success_rate", "fraction", "unweighted share of successful runs")),
        ("dataset", "alias", "bucket_mid_minutes")),
    ResultsFile(
        "horizons", "chapters/fit.md (and `python -m horizonlib fit`)",
        "one model and one success probability, fitted here or published by METR",
        MODEL + HORIZON, ("source", "dataset", "alias", "p")),
    ResultsFile(
        "trend", "chapters/fit.md, chapters/trend.md",
        "one doubling-time fit: a window, a selection of models and a source of horizons",
        (Column("source", "", "'fitted' (run-level horizons of one run file) or 'published'"),
         Column("dataset", "", "run file (fitted) or published file (published) of the horizons; "
                "the trend chapter's fitted rows take each model from the last run file holding "
                "it, and name those files joined by ';' when there are several"),
         Column("window_start", "date", "first release date included (YYYY-MM-DD)"),
         Column("selection", "", "which models enter: frontier, frontier_excl_focus, all, or a "
                "segment of the broken line (broken_before, broken_after)"),
         Column("n_models", "models", "models in the fit"),
         Column("aliases", "", "their aliases in `dataset`, joined by ';', by release date"),
         Column("doubling_days", "days", "ln 2 / slope of ln(50% horizon) on release date"),
         Column("ci_low_days", "days", "lower bound of the bootstrap interval"),
         Column("ci_high_days", "days", "upper bound of the bootstrap interval")),
        ("source", "dataset", "window_start", "selection")),
    ResultsFile(
        "trend_checks", "chapters/trend.md",
        "one property of the trend line that is not a model's (break, extrapolation)",
        (Column("source", "", "'fitted' or 'published' horizons"),
         Column("dataset", "", "run file or published file of the horizons"),
         Column("window_start", "date", "first release date included"),
         Column("line", "", "frontier (one line through the frontier models), "
                "frontier_excl_focus (the same without the focus models) or broken_line"),
         Column("metric", "", "delta_bic_single_minus_broken (BIC units; > 0 favours the break) "
                "or year_reaching_work_month (calendar year)"),
         ) + ESTIMATE,
        ("source", "dataset", "window_start", "line", "metric")),
    ResultsFile(
        "rebench", "chapters/breakdowns.md",
        "one model and one RE-Bench task (continuous normalized scores)",
        MODEL + (Column("task_id", "", "RE-Bench task"),
                 Column("n_set_tasks", "tasks", "RE-Bench tasks in the dataset"),
                 Column("mean_score", "normalized score", "mean over the model's runs"),
                 Column("ci_low", "normalized score", "lower bound of the bootstrap interval "
                        "over runs"),
                 Column("ci_high", "normalized score", "upper bound"),
                 Column("n_runs", "runs", "runs of the model on the task")),
        ("dataset", "alias", "task_id")),
    ResultsFile(
        "influence", "chapters/breakdowns.md",
        "one model with one task or task family left out",
        MODEL + (Column("level", "", "'task' or 'family'"),
                 Column("dropped", "", "the task or family left out"),
                 Column("p50_min", "minutes", "50% horizon fitted without it"),
                 Column("ratio_to_full", "ratio", "that horizon / the horizon on all tasks")),
        ("dataset", "alias", "level", "dropped")),
    ResultsFile(
        "ablations", "chapters/breakdowns.md, hacking.md, noise.md, trend.md",
        "one model, one variant of an analysis choice and one metric",
        (Column("question", "", "the question answered: drop_kernel, rebench_share, subset_fit, "
                "reward_hacking, noise (each compared model's own 50% horizon), trend (distance "
                "of a focus model from the trend; 50% horizon of each model of the run-level "
                "trend)"),) + MODEL
        + (Column("variant", "", "the variant (e.g. a task subset, a hacking policy)"),
           Column("metric", "", "what is measured (p50_min in minutes, ratio_to_all, "
                  "rebench_mean in normalized score, weight_share as a fraction, ...)"),)
        + ESTIMATE,
        ("question", "dataset", "alias", "variant", "metric")),
    ResultsFile(
        "differences", "chapters/noise.md",
        "one pair of models (first minus or over second), one metric and one source of replicates",
        PAIR + (Column("metric", "", "p50_ratio (first / second), rebench_diff (first − second, "
                       "normalized score), ..._p_gt_1 / _p_gt_0 (share of replicates above), "
                       "..._ci_width (width of the interval with only some levels resampled)"),
                Column("variant", "", "source of the replicates (runs:<dataset>, published) or "
                       "the levels resampled")) + ESTIMATE,
        ("dataset_a", "alias_a", "dataset_b", "alias_b", "metric", "variant")),
    ResultsFile(
        "multiverse", "chapters/multiverse.md",
        "one specification (combination of analysis choices) and one model",
        SPEC + MODEL + (Column("status", "", "'ok' or why the fit has no finite horizon"),
                        Column("p50_min", "minutes", "50% horizon"),
                        Column("p80_min", "minutes", "80% horizon")),
        tuple(c.name for c in SPEC) + ("dataset", "alias")),
    ResultsFile(
        "multiverse_trend", "chapters/multiverse.md",
        "one specification, one dataset, one window and one selection of models",
        SPEC + (Column("dataset", "", "run file whose horizons are fitted"),
                Column("window_start", "date", "first release date included"),
                Column("selection", "", "frontier or all models"),
                Column("n_models", "models", "models in the fit"),
                Column("doubling_days", "days", "doubling time of the 50% horizon")),
        tuple(c.name for c in SPEC) + ("dataset", "window_start", "selection")),
    ResultsFile(
        "template", "chapters/template.md (the fork template; off by default)",
        "one model and one success probability", MODEL + HORIZON,
        ("source", "dataset", "alias", "p")),
)

FILES = CHAPTER_FILES + DIFFICULTY_FILES

SCHEMA: dict[str, ResultsFile] = {f.name: f for f in FILES}


def results_readme() -> str:
    """The README of a results folder: every file's rows, columns, units and meanings (Markdown)."""
    lines = ["# Results files", "",
             "Written by the book's chapters (`make book`); every number the book quotes is in one "
             "of them. Floats have 8 significant digits; blank cells are missing values. A model "
             "is keyed by `dataset` and `alias` in every file (pairs: `*_a`, `*_b`), so files "
             "join on those columns. Generated from `horizonlib/report/results_schema.py`.", ""]
    for f in FILES:
        lines += [f"## `{f.name}.csv`", "", f"Written by {f.written_by}. Each row is {f.row}; "
                  f"key: {', '.join(f'`{k}`' for k in f.key)}.", "",
                  "| column | unit | meaning |", "| --- | --- | --- |"]
        lines += [f"| `{c.name}` | {c.unit} | {c.meaning} |" for c in f.columns]
        lines.append("")
    return "\n".join(lines)
