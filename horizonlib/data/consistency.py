"""What must hold across the runs of one dataset, checked run by run as the files are read.

Job: catch what no single line shows. Within one dataset (all the files of a manifest dataset,
or one user file):

* a ``run_id`` names one run: a line repeated, or the same id on two different runs, is an
  error (the message says which field differs);
* a task belongs to one ``task_family`` (the hierarchical bootstrap resamples tasks within
  families), has one ``human_minutes`` (its length, the model's x variable) and one
  ``task_source``: a run that gives a task another value than its first run did is an error.

Each error names the later line, the field, both values and where the first one was given.
"""

from __future__ import annotations

import json
from pathlib import Path

from horizonlib.data.errors import RunFileError
from horizonlib.data.records import ROW_FIELDS

_TASK_FIELDS = ("task_family", "human_minutes", "task_source")
_POS = {name: i for i, name in enumerate(ROW_FIELDS)}


class DatasetIndex:
    """The runs and tasks of one dataset seen so far; :meth:`add` checks each new run.

    Attributes
    ----------
    runs : dict
        run_id -> (path, line) of its run.
    tasks : dict
        task_id -> (task_family, human_minutes, task_source, path, line) of its first run.
    """

    def __init__(self) -> None:
        self.runs: dict[str, tuple[Path, int]] = {}
        self.tasks: dict[str, tuple] = {}

    def add(self, path: Path, n: int, row: tuple, obj: dict) -> None:
        """Record the run on line ``n`` of ``path`` (tidy ``row``, raw ``obj``), or raise.

        Raises
        ------
        RunFileError
            Field ``run_id`` when the id was seen before; ``task_family``, ``human_minutes``
            or ``task_source`` when the task had another value on an earlier run.
        """
        run_id = row[_POS["run_id"]]
        if run_id in self.runs:
            first_path, first_line = self.runs[run_id]
            raise RunFileError(path, n, "run_id", run_id,
                               _duplicate_reason(path, obj, first_path, first_line))
        task_id = row[_POS["task_id"]]
        facts = tuple(row[_POS[f]] for f in _TASK_FIELDS)
        known = self.tasks.get(task_id)
        if known is None:
            self.tasks[task_id] = (*facts, path, n)
        else:
            for field, value, before in zip(_TASK_FIELDS, facts, known[:3]):
                if value != before:
                    label = field.replace("_", " ")
                    raise RunFileError(path, n, field, value,
                                       f"differs from task '{task_id}''s {label} {before!r} on "
                                       f"{_where(known[3], known[4], path)} (a task has one "
                                       f"{label} in a dataset)")
        self.runs[run_id] = (path, n)


def _where(first_path: Path, first_line: int, path: Path) -> str:
    return f"line {first_line}" + ("" if first_path == path else f" of {first_path.name}")


def _duplicate_reason(path: Path, obj: dict, first_path: Path, first_line: int) -> str:
    """Why a repeated run id is wrong: the same record twice, or two runs under one id."""
    where = _where(first_path, first_line, path)
    first = _read_line(first_path, first_line)
    if first == obj:
        return f"duplicates {where} exactly: the same run is listed twice"
    if first is None:
        return f"duplicates {where} (run_id must be unique within a dataset)"
    differ = [k for k in list(first) + [k for k in obj if k not in first]
              if first.get(k, _ABSENT) != obj.get(k, _ABSENT)]
    shown = ", ".join(f"'{k}'" for k in differ[:3]) + (", ..." if len(differ) > 3 else "")
    return (f"duplicates {where}, a different run (field(s) {shown} differ): run_id must be "
            "unique within a dataset")


_ABSENT = object()


def _read_line(path: Path, line: int) -> dict | None:
    """The JSON object on ``line`` of ``path`` (None if it cannot be read again)."""
    try:
        with path.open("rb") as fh:
            for n, raw in enumerate(fh, start=1):
                if n == line:
                    obj = json.loads(raw.decode("utf-8").lstrip("\ufeff"))
                    return obj if isinstance(obj, dict) else None
    except (OSError, ValueError):
        return None
    return None
