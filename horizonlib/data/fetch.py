"""Fetch and verify the files of a manifest dataset.

Job: give loaders local, checksum-verified copies of upstream files. For each file of a dataset,
in this order:

1. the cache ``<repo>/data/raw/<dataset>/<filename>`` if every checksum matches (a cached file
   that does not match is deleted and fetched again: a corrupt cache is recoverable);
2. the mirror folder (argument, else ``$HORIZON_DATA_MIRROR``): copy ``mirror_path`` into the
   cache, then verify;
3. the commit-pinned ``url``: download to a temporary file with a progress bar, verify, then
   rename atomically into the cache;
4. otherwise :class:`DataFetchError`, naming the dataset, the URL and the mirror path tried and
   how to fix it.

A checksum mismatch from the mirror or the download raises :class:`ChecksumError` (naming the
file, the expected and the actual digest) and the bad file is not kept. Datasets with
``generator: simulate`` are written by :func:`horizonlib.data.simulate.write_synthetic_runs`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from horizonlib.data.manifest import REPO_ROOT, Dataset, FileEntry, load_manifest

DEFAULT_CACHE = REPO_ROOT / "data" / "raw"
"""Default cache folder (gitignored): ``<repo>/data/raw``."""

MIRROR_ENV = "HORIZON_DATA_MIRROR"
"""Environment variable naming a local mirror folder of the upstream files."""

_CHUNK = 1 << 20
_generated: set[Path] = set()  # generator outputs already written in this process


class DataFetchError(RuntimeError):
    """A dataset could not be obtained (unknown name, no mirror copy, no network...)."""


class ChecksumError(DataFetchError):
    """A file's content does not match the manifest checksum (or size)."""

    def __init__(self, path: Path, kind: str, expected: str, actual: str, origin: str = ""):
        self.path, self.kind, self.expected, self.actual = Path(path), kind, expected, actual
        src = f" (from {origin})" if origin else ""
        super().__init__(
            f"{self.path.name}{src}: {kind} mismatch: expected {expected}, got {actual}. "
            "The file was not kept; the upstream file or the mirror copy differs from the "
            "manifest (data/sources.yml)."
        )


def file_digests(path: str | Path, kinds: Iterable[str] = ("sha256", "md5", "git_blob")) -> dict:
    """Hex digests of a file.

    Parameters
    ----------
    path : str or Path
    kinds : iterable of {"sha256", "md5", "git_blob"}
        ``git_blob`` is the sha1 of ``b"blob <size>\\0" + content`` (``git hash-object``).

    Returns
    -------
    dict
        kind -> lowercase hex digest.
    """
    path = Path(path)
    kinds = list(kinds)
    hashers = {}
    for kind in kinds:
        if kind == "sha256":
            hashers[kind] = hashlib.sha256()
        elif kind == "md5":
            hashers[kind] = hashlib.md5(usedforsecurity=False)
        elif kind == "git_blob":
            hashers[kind] = hashlib.sha1(usedforsecurity=False)
            hashers[kind].update(b"blob %d\0" % path.stat().st_size)
        else:
            raise ValueError(f"unknown checksum kind {kind!r}")
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            for h in hashers.values():
                h.update(chunk)
    return {k: h.hexdigest() for k, h in hashers.items()}


def verify_file(path: str | Path, entry: FileEntry, origin: str = "") -> None:
    """Check a file's size and every checksum of its manifest entry.

    Raises
    ------
    ChecksumError
        On the first mismatch (the caller decides whether to delete the file).
    """
    path = Path(path)
    if entry.size is not None:
        size = path.stat().st_size
        if size != entry.size:
            raise ChecksumError(path, "size", f"{entry.size} bytes", f"{size} bytes", origin)
    actual = file_digests(path, entry.checksums)
    for kind, expected in entry.checksums.items():
        if actual[kind] != expected:
            raise ChecksumError(path, kind, expected, actual[kind], origin)


def _is_valid(path: Path, entry: FileEntry) -> bool:
    try:
        verify_file(path, entry)
    except ChecksumError:
        return False
    return True


def _download(url: str, dest: Path, entry: FileEntry) -> None:
    """Download ``url`` to a temp file next to ``dest``, verify it, rename atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
            total = resp.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else entry.size
            # disable=None: the bar shows on a terminal only, so logs and notebooks stay clean.
            with tqdm(total=total, unit="B", unit_scale=True, desc=dest.name,
                      disable=None, leave=False) as bar:
                while chunk := resp.read(_CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
        verify_file(tmp, entry, origin=url)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _copy_from_mirror(src: Path, dest: Path, entry: FileEntry) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(src, tmp)
        verify_file(tmp, entry, origin=str(src))
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _resolve_mirror(mirror: str | Path | None) -> Path | None:
    if mirror is None:
        mirror = os.environ.get(MIRROR_ENV) or None
    return Path(mirror).expanduser() if mirror is not None else None


def _generate(ds: Dataset, folder: Path) -> list[Path]:
    if ds.generator != "simulate":  # guarded by the manifest validation too
        raise DataFetchError(f"dataset '{ds.name}': unknown generator {ds.generator!r}")
    # Lazy import: simulate sits in the same layer and may import heavier modules.
    from horizonlib.data import simulate

    path = folder / ds.files[0].filename
    if path not in _generated or not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        simulate.write_synthetic_runs(path)
        _generated.add(path)
    return [path]


def ensure_dataset(
    name: str,
    manifest: dict[str, Dataset] | str | Path | None = None,
    cache_dir: str | Path | None = None,
    mirror: str | Path | None = None,
) -> list[Path]:
    """Make every file of a dataset available locally and verified.

    Parameters
    ----------
    name : str
        Dataset name in the manifest (e.g. ``"pre-paper-2025-01"``).
    manifest : dict or path, optional
        A loaded manifest, or a manifest path; default ``<repo>/data/sources.yml``.
    cache_dir : str or Path, optional
        Cache root; files go to ``<cache_dir>/<name>/``. Default ``<repo>/data/raw``.
    mirror : str or Path, optional
        Mirror folder; default ``$HORIZON_DATA_MIRROR`` (unset: no mirror).

    Returns
    -------
    list of Path
        Local verified files, in manifest order.

    Raises
    ------
    DataFetchError
        Unknown dataset, or a file neither cached, mirrored nor downloadable.
    ChecksumError
        A mirror copy or download does not match the manifest (the file is not kept).
    """
    datasets = manifest if isinstance(manifest, dict) else load_manifest(manifest)
    if name not in datasets:
        raise DataFetchError(
            f"unknown dataset {name!r}; the manifest has: {', '.join(datasets)}")
    ds = datasets[name]
    folder = Path(cache_dir if cache_dir is not None else DEFAULT_CACHE) / name
    if ds.generator is not None:
        return _generate(ds, folder)
    mirror_dir = _resolve_mirror(mirror)
    paths = []
    for entry in ds.files:
        dest = folder / entry.filename
        paths.append(dest)
        if dest.is_file():
            if _is_valid(dest, entry):
                continue
            dest.unlink()  # stale or corrupt cache: fetch again
        tried = []
        if entry.mirror_path and mirror_dir is not None:
            src = mirror_dir / entry.mirror_path
            tried.append(f"mirror file {src} (not found)")
            if src.is_file():
                _copy_from_mirror(src, dest, entry)
                continue
        elif entry.mirror_path:
            tried.append(f"mirror path {entry.mirror_path} (no mirror folder: "
                         f"${MIRROR_ENV} is unset)")
        if entry.url:
            try:
                _download(entry.url, dest, entry)
                continue
            except (urllib.error.URLError, OSError, ValueError) as exc:
                # ChecksumError is not among these: a wrong download is an error, not a miss.
                tried.append(f"download {entry.url} ({exc})")
        else:
            tried.append("no download URL (mirror-only dataset)" if ds.mirror_only
                         else "no download URL")
        raise DataFetchError(
            f"dataset '{name}': cannot obtain {entry.filename}. Tried: " + "; ".join(tried)
            + f". Fix: set {MIRROR_ENV} to a folder holding "
            + (f"'{entry.mirror_path}'" if entry.mirror_path else "the file")
            + (", or connect to the internet so the pinned URL can be downloaded."
               if entry.url else " (this dataset has no public download URL).")
        )
    return paths


def fetch_all(
    names: Iterable[str] | None = None,
    manifest: dict[str, Dataset] | str | Path | None = None,
    cache_dir: str | Path | None = None,
    mirror: str | Path | None = None,
) -> dict[str, list[Path]]:
    """Ensure several datasets (default: every non-generated dataset of the manifest).

    Returns
    -------
    dict
        name -> list of local verified paths.
    """
    datasets = manifest if isinstance(manifest, dict) else load_manifest(manifest)
    if names is None:
        names = [n for n, d in datasets.items() if d.generator is None]
    elif isinstance(names, str):
        names = [names]
    return {n: ensure_dataset(n, datasets, cache_dir, mirror) for n in names}


def resolve(
    name_or_path: str | Path,
    manifest: dict[str, Dataset] | str | Path | None = None,
    cache_dir: str | Path | None = None,
    mirror: str | Path | None = None,
) -> list[Path]:
    """Local files for a dataset name or a user path.

    An existing file path is returned as is (``[path]``); otherwise the argument must be a
    manifest dataset name and :func:`ensure_dataset` fetches it.

    Raises
    ------
    DataFetchError
        Neither an existing file nor a dataset name.
    """
    path = Path(name_or_path)
    if path.is_file():
        return [path]
    datasets = manifest if isinstance(manifest, dict) else load_manifest(manifest)
    if str(name_or_path) in datasets:
        return ensure_dataset(str(name_or_path), datasets, cache_dir, mirror)
    raise DataFetchError(
        f"{name_or_path!r} is neither an existing file nor a dataset of the manifest "
        f"({', '.join(datasets)})")
