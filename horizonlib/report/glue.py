"""Gluing computed values into the book's prose (presentation layer).

A thin wrapper around :func:`myst_nb.glue` for the chapters: numpy scalars become Python
scalars first, because numpy 2 prints ``np.float64(41.3)`` and myst-nb cannot then apply a
number format such as ``{glue:text}`key:.1f``` (the build fails under ``-W``). Values are
glued without being displayed in the cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from myst_nb import glue as _myst_glue


def plain(value: Any) -> Any:
    """``value`` with numpy scalars turned into the equivalent Python scalar."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def glue(name: str, value: Any, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for ``{glue:text}`` / ``{glue:figure}`` in the prose."""
    _myst_glue(name, plain(value), display=display)


def glue_all(values: dict[str, Any], prefix: str = "") -> None:
    """Glue every ``name: value`` pair of ``values`` (names prefixed with ``prefix``)."""
    for name, value in values.items():
        glue(prefix + name, value)
