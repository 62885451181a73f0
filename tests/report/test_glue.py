"""Glued numbers reach myst-nb as Python scalars, so number formats apply."""

import numpy as np

from horizonlib.report import glue as glue_module


def test_numpy_scalars_become_python_scalars():
    assert type(glue_module.plain(np.float64(41.3))) is float
    assert type(glue_module.plain(np.int64(3))) is int
    assert glue_module.plain("o3") == "o3"


def test_glue_passes_plain_values(monkeypatch):
    seen = {}
    monkeypatch.setattr(glue_module, "_myst_glue",
                        lambda name, value, display: seen.update({name: (value, display)}))
    glue_module.glue("x", np.float64(2.5))
    assert seen == {"x": (2.5, False)}
    assert repr(seen["x"][0]) == "2.5"


def test_glue_all_prefixes_names(monkeypatch):
    seen = {}
    monkeypatch.setattr(glue_module, "_myst_glue",
                        lambda name, value, display: seen.update({name: value}))
    glue_module.glue_all({"a": np.int64(1), "b": "text"}, prefix="ans_")
    assert seen == {"ans_a": 1, "ans_b": "text"}
