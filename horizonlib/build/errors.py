"""The book build's failure kinds, and console-clean error text.

:class:`BuildError` (a step of the build failed; the CLI exits 1) and :class:`InputError` (an
input file other than a run file is unusable; the CLI exits 2, as for ``ParamsError``,
``RunFileError`` and ``DataFetchError``).
"""

from __future__ import annotations

import re

#: Terminal colour and cursor codes (Jupyter tracebacks, jupyter-book's log).
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class BuildError(RuntimeError):
    """The book could not be built; the message says which step failed and why."""


class InputError(ValueError):
    """An input file other than a run file is unusable (release dates, hack flags).

    The message names the parameter, the file and what is wrong. Run files raise
    :class:`horizonlib.data.runs.RunFileError` instead (file, line, field, value, reason).
    """


def error_text(exc: BaseException) -> str:
    """An exception's message without terminal colour codes."""
    return ANSI.sub("", str(exc)).strip()
