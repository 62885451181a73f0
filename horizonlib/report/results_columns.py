"""The building blocks of the results schema: a column, a results file, shared column groups.

:mod:`horizonlib.report.results_schema` lists the files; this module holds what they are made
of, so the groups every file shares (a model's ``dataset, alias, display_name``; an estimate with
its interval; a horizon's columns) are written once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column: its name, unit (``""`` for labels) and meaning."""

    name: str
    unit: str
    meaning: str


@dataclass(frozen=True)
class ResultsFile:
    """One results file: who writes it, what a row is, its columns and the key of a row.

    ``row`` completes "Each row is ...": a noun phrase such as ``"one model and one task"``.
    """

    name: str
    written_by: str
    row: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def model_columns(suffix: str = "", side: str = "") -> tuple[Column, ...]:
    """``dataset``, ``alias``, ``display_name`` (with ``suffix``, e.g. ``_a``) of one model.

    ``side`` (``"first"``, ``"second"``) names which model of a pair the columns describe.
    """
    model = f"the {side} model" if side else "the model"
    return (
        Column(f"dataset{suffix}", "", f"run file (or published file) {model} was measured "
               "in: a manifest dataset name or a path"),
        Column(f"alias{suffix}", "", f"{model}'s name in that file (with (dataset, alias) "
               "the key of a model)"),
        Column(f"display_name{suffix}", "", f"{model}'s alias as shown in the book (suffixes "
               "such as ' (Inspect)' removed); for reading, not for joining"),
    )


MODEL = model_columns()
PAIR = model_columns("_a", "first") + model_columns("_b", "second")
ESTIMATE = (
    Column("estimate", "metric's unit", "point estimate from all data"),
    Column("ci_low", "metric's unit", "lower bound of the percentile bootstrap interval "
           "(confidence_level); blank when there is none"),
    Column("ci_high", "metric's unit", "upper bound of that interval"),
)
HORIZON = (
    Column("p", "probability", "success probability of the horizon (0.5, 0.8)"),
    Column("horizon_min", "minutes", "human task length at which the fitted success probability "
           "is p (point fit on all runs)"),
    Column("ci_low_min", "minutes", "lower bound of the bootstrap interval (confidence_level)"),
    Column("ci_high_min", "minutes", "upper bound of the bootstrap interval"),
    Column("ci_low_mc_se_min", "minutes", "Monte Carlo standard error of ci_low_min: half the "
           "distance between the order statistics one binomial standard deviation either side "
           "of it (horizonlib.model.mc_error; blank for published rows)"),
    Column("ci_high_mc_se_min", "minutes", "Monte Carlo standard error of ci_high_min"),
    Column("n_runs", "runs", "runs of the model in the fit (blank for published rows)"),
    Column("n_tasks", "tasks", "distinct tasks of those runs (blank for published rows)"),
    Column("n_replicates", "replicates", "bootstrap replicates drawn for the interval (blank "
           "for published rows)"),
    Column("failed_replicates", "replicates", "bootstrap replicates with no finite fit for the "
           "model (no successes or no failures), left out of the interval and counted here"),
    Column("source", "", "'fitted' (this book's fit of the run file) or 'published' "
           "(METR's published fit and bootstrap)"),
)
SPEC = (
    Column("weighting", "", "run weights: invsqrt_task_weight, equal_task_weight or none"),
    Column("regularization", "", "L2 penalty on the slope (scikit-learn C = 1/regularization)"),
    Column("success", "", "success definition: delivered binarization or a threshold on the "
           "continuous score"),
    Column("subset", "", "task subset fitted"),
    Column("link", "", "link function: logistic or probit"),
    Column("hack_policy", "", "treatment of runs flagged as reward hacking"),
)
