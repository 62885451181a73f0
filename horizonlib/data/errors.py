"""The data layer's errors: one base, :class:`DataError`, for every unusable input.

Job: say *where* an input is wrong (file, line, field, value) and *why*, in one sentence a user
can act on. Every error the data layer raises for bad input or a failed fetch is a
:class:`DataError`; the command line turns it into ``error: <message>`` and a non-zero exit
(never a traceback, never a book). Subclasses keep the built-in base they always had, so code
that catches ``ValueError`` (run files, the manifest) or ``RuntimeError`` (fetching) still does:

* :class:`RunFileError` (here) — a run file: file, line, field, value, reason;
* :class:`horizonlib.data.manifest.ManifestError` — the manifest ``data/sources.yml``;
* :class:`horizonlib.data.fetch.DataFetchError` and its ``ChecksumError`` — a dataset that
  cannot be obtained, or a file whose checksum differs from the manifest's.
"""

from __future__ import annotations

from pathlib import Path


class _Missing:
    """The value of a field that is absent (distinct from a JSON ``null``)."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()
"""Stands for an absent field's value: the message then shows no value."""


class DataError(Exception):
    """An input the data layer cannot use: the message names file, line and field when known.

    Attributes
    ----------
    path : Path or None
        The offending file (None when the problem is not one file's, e.g. an unknown dataset).
    line : int or None
        1-based line number (None for whole-file problems).
    field : str or None
        The offending field or key (None when no single field is at fault, e.g. a line that is
        not JSON).
    """

    path: Path | None = None
    line: int | None = None
    field: str | None = None


class RunFileError(DataError, ValueError):
    """A run file is malformed.

    Attributes
    ----------
    path : Path
        The file.
    line : int or None
        1-based line number (None for whole-file problems such as an empty file).
    field : str or None
        The offending field (None when the line is not a JSON object).
    value : object
        The offending value (:data:`MISSING` when the field is absent; then not shown).
    reason : str
        What is wrong, e.g. ``"is not positive"``.

    The message reads like ``all_runs.jsonl, line 17, field 'human_minutes': value -3.0 is not
    positive``.
    """

    def __init__(self, path, line, field, value, reason):
        self.path = Path(path)
        self.line, self.field, self.value, self.reason = line, field, value, reason
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.path.name]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        where = ", ".join(parts)
        if self.value is MISSING:
            return f"{where}: {self.reason}"
        shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"{where}: value {shown} {self.reason}"


class RunSourceError(DataError, ValueError):
    """A run source is not a run file: a dataset of another kind, or one label given twice."""
