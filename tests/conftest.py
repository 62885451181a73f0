"""Shared fixtures: the repository root and the local mirror of METR's public files."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MIRROR = REPO_ROOT.parent / "shared" / "data" / "metr"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The mirror folder of METR's files: ``HORIZON_DATA_MIRROR`` or ``../shared/data/metr``.

    Tests that need it are skipped only when neither exists (a fresh machine with no mirror);
    CI sets ``HORIZON_DATA_MIRROR`` so they always run there.
    """
    env = os.environ.get("HORIZON_DATA_MIRROR")
    path = Path(env) if env else DEFAULT_MIRROR
    if not path.is_dir():
        if env or os.environ.get("CI"):
            pytest.fail(f"HORIZON_DATA_MIRROR={path} is not a folder")
        pytest.skip("no mirror of METR's data on this machine (set HORIZON_DATA_MIRROR)")
    return path.resolve()
