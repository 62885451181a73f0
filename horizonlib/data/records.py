"""One run record: decide the file's keys, validate one JSON object, normalize it to a tidy row.

Job: turn one run of a METR run file (one JSON object) into one tidy row, or raise
:class:`~horizonlib.data.errors.RunFileError` naming the file, the line, the field and the
value. What must hold *across* lines (unique run ids, one family per task, ...) is
:mod:`horizonlib.data.consistency`'s; reading whole files is :mod:`horizonlib.data.runs`'s.

Keys are decided per file, never per line (:class:`FileKeys`): the file's first run says which
of the keys the loader knows it uses — models named by ``alias`` or, when the first run has no
``alias``, by ``model``; the continuous score as ``score_cont`` or ``score`` or not at all; the
success as ``score_binarized`` or ``success`` or derived (``score > 0.9``); ``task_source`` and
``human_source`` given or not — and every later run must carry exactly the same known keys.
A row lacking ``alias`` in a file that names models by ``alias`` is an error, not a model of
its own. Keys the loader does not know (METR's weights, timestamps, ...) are ignored.
Decoding a line of bytes into a JSON object is :mod:`horizonlib.data.jsonl`'s.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from horizonlib.data.errors import MISSING, RunFileError

COLUMNS = (
    "dataset", "run_id", "alias", "display_name", "task_id", "task_family", "task_source",
    "human_minutes", "human_source", "score", "success",
)
"""Columns of the tidy runs table, in order."""

ROW_FIELDS = ("run_id", "alias", "task_id", "task_family", "task_source", "human_minutes",
              "human_source", "score", "success")
"""Fields of the tuple :func:`parse_record` returns: :data:`COLUMNS` minus ``dataset`` and
``display_name``."""

HUMAN_ALIAS = "human"
"""Alias of human baseline runs."""

SUCCESS_THRESHOLD = 0.9
"""A run with only a continuous score counts as a success when ``score > 0.9``."""

SCAFFOLD_SUFFIXES = ("Inspect",)
"""Parenthesized alias suffixes that name a scaffold (harness), not a model; stripped by
:func:`display_name`. Only " (Inspect)" occurs in METR's files; "(New)", "(Old)",
"(elicited)", "(GPT-3)" name model variants and are kept."""

KEY_GROUPS = {
    "name": ("alias", "model"),
    "score": ("score_cont", "score"),
    "success": ("score_binarized", "success"),
    "task_source": ("task_source",),
    "human_source": ("human_source",),
}
"""The optional or alternative keys, by what they give; in each group the first key present on
a file's first run is the one read. Presence of every one of them is decided per file."""

_GROUP_RULE = {
    "name": "a file names its models by 'alias' on every run, or by 'model' on every run "
            "(when its first run has no 'alias'), never a mix",
    "score": "a file gives its continuous score as 'score_cont' on every run, as 'score' on "
             "every run, or on none",
    "success": "a file gives success as 'score_binarized' on every run, as 'success' on every "
               "run, or on none (then it is score > 0.9)",
    "task_source": "a file gives 'task_source' on every run or on none (then it is inferred "
                   "from the family)",
    "human_source": "a file gives 'human_source' on every run or on none",
}
_GROUP_OF = {key: group for group, keys in KEY_GROUPS.items() for key in keys}
_GROUP_KEYS = frozenset(_GROUP_OF)
_SUFFIX_RE = re.compile(r"\s*\((?:" + "|".join(map(re.escape, SCAFFOLD_SUFFIXES)) + r")\)\s*$")


def display_name(alias: str) -> str:
    """Alias without trailing scaffold suffixes such as " (Inspect)".

    Parameters
    ----------
    alias : str
        Model alias as in a run file, e.g. ``"Claude 3.5 Sonnet (New) (Inspect)"``.

    Returns
    -------
    str
        e.g. ``"Claude 3.5 Sonnet (New)"``. Idempotent; other parentheses are kept.
    """
    name = alias.strip()
    while True:
        stripped = _SUFFIX_RE.sub("", name)
        if stripped == name or not stripped:
            return name
        name = stripped


def infer_task_source(task_family: str) -> str:
    """Task source when a file has none: ``ai_rd_*`` families are RE-Bench, the rest HCAST."""
    return "RE-Bench" if task_family.startswith("ai_rd_") else "HCAST"


# --- which keys a file uses -------------------------------------------------------------------


@dataclass(frozen=True)
class FileKeys:
    """The known keys one run file uses, decided by its first run.

    Attributes
    ----------
    present : frozenset of str
        The keys of :data:`KEY_GROUPS` on the first run; every run must have exactly these.
    first_line : int
        The line of the first run (named in messages).
    name_key : str
        ``"alias"`` or ``"model"``.
    score_key, success_key : str or None
        ``"score_cont"``/``"score"`` and ``"score_binarized"``/``"success"``; None when absent.
    """

    present: frozenset
    first_line: int
    name_key: str
    score_key: str | None
    success_key: str | None

    @classmethod
    def decide(cls, path, n: int, obj: dict) -> "FileKeys":
        """The keys of the file whose first run is ``obj`` (on line ``n``)."""
        present = frozenset(k for k in _GROUP_OF if k in obj)
        chosen = {g: next((k for k in keys if k in present), None)
                  for g, keys in KEY_GROUPS.items()}
        if chosen["name"] is None:
            raise RunFileError(path, n, "alias", MISSING,
                               "missing required field (or 'model'): the file's first run "
                               "names no model")
        if chosen["score"] is None and chosen["success"] is None:
            raise RunFileError(path, n, "score_binarized", MISSING,
                               "missing required field: a run needs 'score_binarized' (or "
                               "'success') and/or a continuous 'score' (or 'score_cont')")
        return cls(present, n, chosen["name"], chosen["score"], chosen["success"])

    def check(self, path, n: int, obj: dict) -> None:
        """Raise when the run on line ``n`` lacks a key the file uses or has one it does not."""
        if _GROUP_KEYS.intersection(obj) == self.present:
            return
        for key in _GROUP_OF:
            has = key in obj
            if has == (key in self.present):
                continue
            rule = _GROUP_RULE[_GROUP_OF[key]]
            if has:
                raise RunFileError(path, n, key, MISSING,
                                   f"is given here but not on the file's first run (line "
                                   f"{self.first_line}): {rule}")
            raise RunFileError(path, n, key, MISSING,
                               f"missing, but the file's first run (line {self.first_line}) "
                               f"has it: {rule}")


# --- one object -> one tidy row ---------------------------------------------------------------


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _text(path, n: int, obj: dict, key: str) -> str:
    """A required non-empty string field."""
    if key not in obj:
        raise RunFileError(path, n, key, MISSING, "missing required field")
    v = obj[key]
    if v is None:
        raise RunFileError(path, n, key, v, "is null")
    if not isinstance(v, str):
        raise RunFileError(path, n, key, v, "is not a string")
    if not v.strip():
        raise RunFileError(path, n, key, v, "is empty")
    return v


def _number(path, n: int, obj: dict, key: str) -> float:
    """A required finite number (JSON ``true``/``false`` are not numbers)."""
    if key not in obj:
        raise RunFileError(path, n, key, MISSING, "missing required field")
    v = obj[key]
    if v is None:
        raise RunFileError(path, n, key, v, "is null")
    if not _is_number(v):
        raise RunFileError(path, n, key, v, "is not a number")
    try:
        x = float(v)
    except OverflowError:  # an integer beyond the float range
        raise RunFileError(path, n, key, v, "is not a finite number (too large)") from None
    if not math.isfinite(x):
        raise RunFileError(path, n, key, v, "is not a finite number")
    return x


def _fraction(path, n: int, obj: dict, key: str) -> float:
    """A continuous score: a finite number in [0, 1]."""
    x = _number(path, n, obj, key)
    if not 0.0 <= x <= 1.0:
        raise RunFileError(path, n, key, obj[key], "is outside [0, 1]")
    return x


def _flag(path, n: int, obj: dict, key: str) -> int:
    """A success flag: 0 or 1 (also 0.0/1.0 and JSON false/true)."""
    b = obj[key]
    if b is None:
        raise RunFileError(path, n, key, b, "is null")
    if not isinstance(b, (int, float)) or b not in (0, 1):
        raise RunFileError(path, n, key, b, "is not 0 or 1")
    return int(b)


def _run_id(path, n: int, obj: dict) -> str:
    if "run_id" not in obj:
        raise RunFileError(path, n, "run_id", MISSING, "missing required field")
    run_id = obj["run_id"]
    if isinstance(run_id, bool) or not isinstance(run_id, (str, int)):
        raise RunFileError(path, n, "run_id", run_id,
                           "is null" if run_id is None else "is not a string or integer")
    run_id = str(run_id)
    if not run_id.strip():
        raise RunFileError(path, n, "run_id", run_id, "is empty")
    return run_id


def parse_record(path, n: int, obj: dict, keys: FileKeys) -> tuple:
    """Validate the run on line ``n`` against its file's keys; return its tidy row.

    Parameters
    ----------
    path : Path
        The file (for messages).
    n : int
        1-based line number.
    obj : dict
        The line's JSON object (:func:`decode_line`).
    keys : FileKeys
        The file's keys (:meth:`FileKeys.decide` on its first run).

    Returns
    -------
    tuple
        The fields of :data:`ROW_FIELDS`: human_minutes in minutes (float > 0), score a float
        in [0, 1] (NaN when the file has no continuous score), success 0 or 1.

    Raises
    ------
    RunFileError
        A missing, null, mistyped or out-of-range field, or keys that differ from the file's.
    """
    run_id = _run_id(path, n, obj)
    keys.check(path, n, obj)
    # Every known key a file gives is validated, also the alternative not read (a TH file's
    # `model` beside `alias`): a malformed column is an error wherever it is.
    names = {k: _text(path, n, obj, k) for k in KEY_GROUPS["name"] if k in keys.present}
    task_id = _text(path, n, obj, "task_id")
    task_family = _text(path, n, obj, "task_family")
    task_source = (_text(path, n, obj, "task_source") if "task_source" in keys.present
                   else infer_task_source(task_family))
    human_source = (_text(path, n, obj, "human_source") if "human_source" in keys.present
                    else "unknown")
    minutes = _number(path, n, obj, "human_minutes")
    if minutes <= 0:
        raise RunFileError(path, n, "human_minutes", obj["human_minutes"], "is not positive")
    scores = {k: _fraction(path, n, obj, k) for k in KEY_GROUPS["score"] if k in keys.present}
    flags = {k: _flag(path, n, obj, k) for k in KEY_GROUPS["success"] if k in keys.present}
    score = scores[keys.score_key] if keys.score_key is not None else math.nan
    success = (flags[keys.success_key] if keys.success_key is not None
               else int(score > SUCCESS_THRESHOLD))
    alias = names[keys.name_key]
    return (run_id, alias, task_id, task_family, task_source, minutes, human_source, score,
            success)
