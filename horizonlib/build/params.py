"""Parameter sets: named, validated YAML files that say what one edition of the book computes.

Job: a parameter set (``params/*.yml``) is data, not code. :func:`load_params` reads one,
checks every key against :data:`SCHEMA` (known key, right type, allowed value), applies
command-line overrides through the same checks, and returns a plain ``dict`` whose keys are
the names used everywhere else: in papermill parameters cells, in function arguments and as
CLI flags (``n_bootstrap`` <-> ``--n-bootstrap``).

A wrong file fails loudly with :class:`ParamsError`, whose message names the file and the key
(and, for an unknown key, the closest known one), so a typo never silently falls back to a
default.
"""

from __future__ import annotations

import difflib
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

# the accepted values are the model layer's own, so a parameter set cannot name one it lacks
from horizonlib.model.bootstrap import BOOTSTRAP_RNGS
from horizonlib.model.logistic import SOLVERS
from horizonlib.model.weights import WEIGHTINGS


class ParamsError(ValueError):
    """A parameter set is invalid.

    Attributes
    ----------
    source : str
        The file (or ``"command line"``) the bad value came from.
    key : str or None
        The offending key (``None`` when the whole file is malformed).
    reason : str
        What is wrong, in words.
    """

    def __init__(self, source: str, key: str | None, reason: str):
        self.source = str(source)
        self.key = key
        self.reason = reason
        where = f"{self.source}: key '{key}'" if key else self.source
        super().__init__(f"{where}: {reason}")


# --- value checkers: each returns the normalized value or raises ValueError(reason) ----------


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {_type_name(value)} {value!r}")
    return value


def _optional_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _str_list(*, nonempty: bool) -> Callable[[Any], list[str]]:
    def check(value: Any) -> list[str]:
        if value is None and not nonempty:
            return []
        if not isinstance(value, list):
            raise ValueError(f"expected a list of strings, got {_type_name(value)} {value!r}")
        if nonempty and not value:
            raise ValueError("expected at least one entry, got an empty list")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise ValueError(f"entry {i} should be a non-empty string, got {_type_name(item)} {item!r}")
            out.append(item)
        if len(set(out)) != len(out):
            raise ValueError(f"duplicate entries in {out!r}")
        return out

    return check


def _optional_str_list(value: Any) -> list[str] | None:
    return None if value is None else _str_list(nonempty=True)(value)


def _int(*, minimum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        # bool is an int subclass in Python; "true" is never a count or a seed.
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"expected an integer, got {_type_name(value)} {value!r}")
        if value < minimum:
            raise ValueError(f"expected an integer >= {minimum}, got {value}")
        return int(value)

    return check


def _float(*, low: float, high: float | None, open_low: bool, open_high: bool = True) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"expected a number, got {_type_name(value)} {value!r}")
        v = float(value)
        too_low = v <= low if open_low else v < low
        too_high = high is not None and (v >= high if open_high else v > high)
        if too_low or too_high or v != v:
            lo = "(" if open_low else "["
            hi = ")" if open_high else "]"
            raise ValueError(f"expected a number in {lo}{low}, {high if high is not None else 'inf'}{hi}, got {value}")
        return v

    return check


def _percents(value: Any) -> list[int | float]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of percents, got {_type_name(value)} {value!r}")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, numbers.Real) or not 0 < item < 100:
            raise ValueError(f"entry {i} should be a percent strictly between 0 and 100, got {item!r}")
        # keep 50 as 50 (an int) so column names read p50_min, not p50.0_min
        out.append(int(item) if float(item).is_integer() else float(item))
    if len(set(out)) != len(out):
        raise ValueError(f"duplicate entries in {out!r}")
    return out


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}; got {value!r}")
        return value

    return check


@dataclass(frozen=True)
class Field:
    """One key of a parameter set: its checker, whether it must be present, and what it means."""

    check: Callable[[Any], Any]
    required: bool
    doc: str
    #: how the CLI parses one flag value; "list" flags take one or more values
    cli: str = "str"


#: Every key a parameter set may hold. Names are the contract's: the same in YAML, papermill
#: parameters, function arguments and CLI flags.
SCHEMA: dict[str, Field] = {
    "edition": Field(_str, True, "name of the edition (default / offline / synthetic / yours)"),
    "runs": Field(
        _str_list(nonempty=True), True,
        "run files to analyse: manifest dataset names or paths to JSONL run files", "list"),
    "rebench_runs": Field(
        _str_list(nonempty=False), True,
        "run files (names or paths) used for the RE-Bench score comparisons; may be empty", "list"),
    "release_dates": Field(
        _str_list(nonempty=False), True,
        "release-date datasets, earlier entries win when an alias appears in several", "list"),
    "published_fits": Field(
        _optional_str, True, "METR's published per-model fits (dataset name) or null"),
    "published_bootstrap": Field(
        _optional_str, True, "METR's published bootstrap samples (dataset name) or null"),
    "published_results": Field(
        _str_list(nonempty=False), True, "METR's published results files (dataset names); may be empty", "list"),
    "weighting": Field(_choice(WEIGHTINGS), True, "run weighting: " + " | ".join(WEIGHTINGS)),
    "regularization": Field(
        _float(low=0.0, high=None, open_low=False), True,
        "L2 penalty on the slope (scikit-learn C = 1/regularization); 0 = unregularized", "float"),
    "success_percents": Field(
        _percents, True, "success probabilities (percent) at which horizons are reported", "float_list"),
    "confidence_level": Field(
        _float(low=0.0, high=1.0, open_low=True), True, "two-sided level of confidence intervals", "float"),
    "n_bootstrap": Field(_int(minimum=0), True, "hierarchical bootstrap replicates", "int"),
    "seed": Field(_int(minimum=0), True, "seed of the numpy Generator (every random draw)", "int"),
    "bootstrap_rng": Field(
        _choice(BOOTSTRAP_RNGS), True,
        "whose bootstrap draws: numpy (the book's, from seed) | metr (METR's code's own streams, "
        "default_rng(42 + i) per sample)"),
    "solver": Field(
        _choice(SOLVERS), True,
        "logistic fits: exact (the optimum) | metr (replay of scikit-learn's early-stopping "
        "L-BFGS-B that METR ran)"),
    "mc_error_target": Field(
        _float(low=0.0, high=1.0, open_low=False), True,
        "0 = off; else redraw a dataset's bootstrap with more replicates (up to "
        "n_bootstrap_max) until every interval bound's Monte Carlo error of ln(bound) is at most "
        "this fraction of its interval's log width", "float"),
    "n_bootstrap_max": Field(
        _int(minimum=1), True, "most replicates the mc_error_target rule may draw per dataset",
        "int"),
    "trend_windows": Field(
        _str_list(nonempty=True), True,
        "start dates (YYYY-MM-DD) of the windows over which doubling times are fitted", "list"),
    "focus_models": Field(
        _str_list(nonempty=False), True,
        "display names of the models the thread asks about (o3, o4-mini)", "list"),
    "comparison_models": Field(
        _str_list(nonempty=False), True,
        "display names the focus models are compared with (Claude 3.7 Sonnet, o1-preview)",
        "list"),
    "kernel_task": Field(_str, True, "task id of RE-Bench's 'Optimize a Kernel' task"),
    "hacking_tasks": Field(
        _str_list(nonempty=False), True,
        "task ids where METR reported reward-hacking attempts", "list"),
    "hack_flags": Field(
        _optional_str, True, "optional CSV of run ids flagged as reward hacking, or null"),
    "length_error_baseline": Field(
        _float(low=0.0, high=None, open_low=False), True,
        "standard deviation (log2 minutes) of the error of a baselined task length", "float"),
    "length_error_estimate": Field(
        _float(low=0.0, high=None, open_low=False), True,
        "standard deviation (log2 minutes) of the error of an estimated (not baselined) task "
        "length", "float"),
    "messiness": Field(
        _optional_str, True, "METR's per-task messiness labels (dataset name or path) or null"),
    "chapters": Field(
        _optional_str_list, False,
        "optional: only these chapters (e.g. [chapters/fit]) are executed; the others become a "
        "page saying so", "list"),
}

#: Keys whose values are dataset names or run-file paths (what the fetch step downloads).
DATASET_KEYS = ("runs", "rebench_runs", "release_dates", "published_fits", "published_bootstrap",
                "published_results", "messiness")


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, SCHEMA, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def validate_params(raw: Mapping[str, Any], source: str = "<params>", *, require_all: bool = True) -> dict[str, Any]:
    """Check a mapping of parameters against :data:`SCHEMA`.

    Parameters
    ----------
    raw : mapping
        Key -> value, as read from YAML.
    source : str
        Named in error messages (a file path or ``"command line"``).
    require_all : bool
        If True, every required key must be present (a full parameter set); if False, only the
        given keys are checked (overrides).

    Returns
    -------
    dict
        Normalized values (ints kept as ints, numbers as floats, lists as lists); an absent
        optional key is set to ``None``.

    Raises
    ------
    ParamsError
        Unknown key, missing required key, wrong type or value out of range.
    """
    if not isinstance(raw, Mapping):
        raise ParamsError(source, None, f"expected a mapping of key: value, got {_type_name(raw)}")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in SCHEMA:
            raise ParamsError(
                source, str(key),
                f"unknown key{_suggest(str(key))}; known keys: {', '.join(SCHEMA)}")
        try:
            out[key] = SCHEMA[key].check(value)
        except ValueError as exc:
            raise ParamsError(source, key, f"{exc} ({SCHEMA[key].doc})") from None
    if require_all:
        for key, field in SCHEMA.items():
            if key in out:
                continue
            if field.required:
                raise ParamsError(source, key, f"missing required key ({field.doc})")
            out[key] = None
    return out


def load_params(path: str | Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Load and validate a parameter set, then apply overrides.

    Parameters
    ----------
    path : str or Path
        A YAML file such as ``params/default.yml``.
    overrides : mapping, optional
        Key -> value replacing the file's values (e.g. from CLI flags or ``make book RUNS=...``);
        entries whose value is ``None`` are ignored. Checked like the file.

    Returns
    -------
    dict
        Every key of :data:`SCHEMA`, in schema order.

    Raises
    ------
    ParamsError
        The file is missing, is not YAML, or a key is unknown, missing or of the wrong type.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParamsError(str(path), None, f"cannot read parameter file: {exc.strerror or exc}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParamsError(str(path), None, f"not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    params = validate_params(raw, str(path))
    if overrides:
        given = {k: v for k, v in overrides.items() if v is not None}
        params.update(validate_params(given, "command line", require_all=False))
    return {key: params[key] for key in SCHEMA}


def dataset_names(params: Mapping[str, Any], base: str | Path | None = None) -> list[str]:
    """Dataset names (not file paths) named by a parameter set, in order, without duplicates.

    An entry counts as a path, and is left out, when it names an existing file (relative
    entries are looked up under ``base``, default the current folder) or ends in ``.jsonl``.
    """
    base = Path(base) if base is not None else Path.cwd()
    names: list[str] = []
    for key in DATASET_KEYS:
        value = params.get(key)
        for entry in ([value] if isinstance(value, str) else (value or [])):
            if looks_like_path(entry, base) or entry in names:
                continue
            names.append(entry)
    return names


def looks_like_path(entry: str, base: str | Path | None = None) -> bool:
    """True when a runs entry is a file path rather than a manifest dataset name."""
    p = Path(entry)
    if not p.is_absolute() and base is not None:
        p = Path(base) / p
    return p.is_file() or entry.endswith((".jsonl", ".json", ".yaml", ".yml", ".csv"))


def describe_schema() -> str:
    """A human-readable table of :data:`SCHEMA` (for ``--help`` and the README)."""
    width = max(map(len, SCHEMA))
    lines = []
    for key, field in SCHEMA.items():
        req = "" if field.required else " (optional)"
        lines.append(f"  {key:<{width}}  {field.doc}{req}")
    return "\n".join(lines)
