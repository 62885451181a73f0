"""Fetch and verify the files of a manifest dataset; a cache that cannot rot.

Job: give loaders local copies of upstream files that are byte for byte the ones the manifest
(``data/sources.yml``) pins. For each file of a dataset, in this order:

1. the cache ``<repo>/data/raw/<dataset>/<filename>`` if its size and every checksum match. A
   cached file that does not (changed on disk, or written by something else) is reported with
   the expected and the actual checksum, removed, and fetched again;
2. the mirror folder (argument, else ``$HORIZON_DATA_MIRROR``): its copy of the file, at the
   entry's ``mirror_path`` or else at ``<dataset>/<filename>``;
3. the commit-pinned ``url``, with a progress bar on a terminal.

A copy or download goes to a temporary file ``.<filename>.<random>.part`` beside the cache
file, is verified, and only then renamed into place (atomically), so the cache never holds a
partial or wrong file: a download cut short, a wrong file or a stalled server
(:data:`DOWNLOAD_TIMEOUT`) leaves nothing but an error. Temporary files left by a killed run are
removed by the next one. A mirror copy or download that does not match raises
:class:`ChecksumError` (file, expected and actual size and checksums). When nothing works,
:class:`DataFetchError` says what was tried and the ways forward: a mirror folder in
``$HORIZON_DATA_MIRROR``, or the synthetic edition, which needs no network
(:data:`NO_NETWORK_BUILD`). Both are :class:`~horizonlib.data.errors.DataError`. Datasets with
``generator: simulate`` are written by :func:`horizonlib.data.simulate.write_synthetic_runs`.
"""

from __future__ import annotations

import http.client
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from tqdm import tqdm

from horizonlib.data.checksums import (
    ChecksumError, DataFetchError, file_digests, mismatches, verify_file,
)
from horizonlib.data.manifest import REPO_ROOT, Dataset, FileEntry, load_manifest

__all__ = ["DEFAULT_CACHE", "DOWNLOAD_TIMEOUT", "MIRROR_ENV", "NO_NETWORK_BUILD",
           "ChecksumError", "DataFetchError", "ensure_dataset", "fetch_all", "file_digests",
           "mirror_path", "resolve", "verify_file"]

DEFAULT_CACHE = REPO_ROOT / "data" / "raw"
"""Default cache folder (gitignored): ``<repo>/data/raw``."""

MIRROR_ENV = "HORIZON_DATA_MIRROR"
"""Environment variable naming a local mirror folder of the upstream files."""

DOWNLOAD_TIMEOUT = 60.0
"""Seconds a download may wait for the server (to connect, or for the next bytes)."""

STALE_PART_SECONDS = 600.0
"""A temporary ``.part`` file untouched for this long (seconds) was left by a killed run."""

NO_NETWORK_BUILD = "make book PARAMS=params/synthetic.yml"
"""The build that needs no network (the synthetic edition), offered when a fetch fails."""

_CHUNK = 1 << 20
_generated: set[Path] = set()  # generator outputs already written in this process


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def mirror_path(ds: Dataset, entry: FileEntry) -> str:
    """Where a mirror folder holds a file: its ``mirror_path``, else ``<dataset>/<filename>``."""
    return entry.mirror_path or f"{ds.name}/{entry.filename}"


def _temp_beside(dest: Path) -> tuple[int, Path]:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    return fd, Path(name)


def _download(url: str, dest: Path, entry: FileEntry) -> None:
    """Download ``url`` to a temp file beside ``dest``, verify it, rename it into place."""
    fd, tmp = _temp_beside(dest)
    try:
        with os.fdopen(fd, "wb") as out, \
                urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as resp:
            announced = resp.headers.get("Content-Length")
            announced = int(announced) if announced and announced.isdigit() else None
            received = 0
            # disable=None: the bar shows on a terminal only, so logs and notebooks stay clean.
            with tqdm(total=announced or entry.size, unit="B", unit_scale=True, desc=dest.name,
                      disable=None, leave=False) as bar:
                while chunk := resp.read(_CHUNK):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
        note = ""
        if announced is not None and received < announced:
            note = (f" (the server announced {announced} bytes and sent {received}: the "
                    "download was cut short)")
        verify_file(tmp, entry, origin=url, note=note)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _copy_from_mirror(src: Path, dest: Path, entry: FileEntry) -> None:
    fd, tmp = _temp_beside(dest)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        verify_file(tmp, entry, origin=str(src))
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_stale_parts(folder: Path, log: Callable[[str], None]) -> None:
    """Delete temporary files that a killed run left (untouched for STALE_PART_SECONDS)."""
    if not folder.is_dir():
        return
    now = time.time()
    for part in folder.glob(".*.part"):
        try:
            if now - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()
                log(f"{part}: removed an incomplete download left by an interrupted run")
        except FileNotFoundError:  # another process finished or removed it meanwhile
            pass


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
        fd, tmp = _temp_beside(path)
        os.close(fd)
        try:  # written aside and renamed: a reader never sees half a file
            simulate.write_synthetic_runs(tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        _generated.add(path)
    return [path]


def _check_cache(dest: Path, entry: FileEntry, log: Callable[[str], None]) -> str | None:
    """None if ``dest`` is a valid cache file, ``""`` if there is none, else what was wrong
    with it (the bad file is then removed, and the removal logged)."""
    if not dest.is_file():
        return ""
    found = mismatches(dest, entry)
    if not found:
        return None
    what = "; ".join(f"{k} expected {e}, got {a}" for k, e, a in found)
    dest.unlink()
    log(f"{dest}: the cached copy differs from the manifest ({what}); removed, fetching it "
        "again")
    return f"cached copy {dest} (differed from the manifest: {what}; removed)"


def _obtain(ds: Dataset, entry: FileEntry, dest: Path, mirror_dir: Path | None,
            tried: list[str]) -> None:
    """Put a verified copy of ``entry`` at ``dest`` from the mirror or the URL, or raise."""
    rel = mirror_path(ds, entry)
    if mirror_dir is None:
        tried.append(f"mirror: ${MIRROR_ENV} is unset")
    else:
        src = mirror_dir / rel
        if src.is_file():
            _copy_from_mirror(src, dest, entry)
            return
        tried.append(f"mirror: {src} not found")
    if entry.url:
        try:
            _download(entry.url, dest, entry)
            return
        except ChecksumError:  # a wrong download is an error, not a miss
            raise
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            tried.append(f"download {entry.url} ({type(exc).__name__}: {exc})")
    else:
        tried.append("download: none, this is a mirror-only dataset" if ds.mirror_only
                     else "download: the manifest gives no URL")
    raise DataFetchError(f"dataset '{ds.name}': cannot obtain {entry.filename}.\nTried:\n"
                         + "".join(f"  - {t}\n" for t in tried)
                         + _ways_forward(ds, entry, mirror_dir))


def _ways_forward(ds: Dataset, entry: FileEntry, mirror_dir: Path | None) -> str:
    """The two ways forward after a failed fetch: a mirror holding the file, or no network."""
    folder = str(mirror_dir) if mirror_dir is not None else "FOLDER"
    rel = mirror_path(ds, entry)
    if entry.url:
        get = (f"connect to the internet and rerun; or download {entry.url} on another "
               f"machine, put it at {folder}/{rel} and rerun with {MIRROR_ENV}={folder}")
    else:
        get = (f"there is no public download URL: set {MIRROR_ENV} to a folder holding "
               f"'{rel}' (a mirror of METR's files; see data/README.md)")
    return ("Ways forward:\n"
            f"  1. get the file: {get} (it is checked against the manifest's checksums);\n"
            f"  2. no network needed: `{NO_NETWORK_BUILD}` builds the synthetic edition "
            "(runs simulated from known curves).")


def ensure_dataset(
    name: str,
    manifest: dict[str, Dataset] | str | Path | None = None,
    cache_dir: str | Path | None = None,
    mirror: str | Path | None = None,
    log: Callable[[str], None] | None = None,
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
    log : callable, optional
        Receives a line for each repair (a bad cache file removed, a stale temporary file
        deleted); default: print to stderr.

    Returns
    -------
    list of Path
        Local verified files, in manifest order.

    Raises
    ------
    DataFetchError
        Unknown dataset, or a file neither cached, mirrored nor downloadable: the message says
        what was tried and the ways forward.
    ChecksumError
        A mirror copy or download does not match the manifest (the file is not kept).
    """
    log = _stderr if log is None else log
    datasets = manifest if isinstance(manifest, dict) else load_manifest(manifest)
    if name not in datasets:
        raise DataFetchError(
            f"unknown dataset {name!r}; the manifest has: {', '.join(datasets)}")
    ds = datasets[name]
    folder = Path(cache_dir if cache_dir is not None else DEFAULT_CACHE) / name
    if ds.generator is not None:
        return _generate(ds, folder)
    _remove_stale_parts(folder, log)
    mirror_dir = _resolve_mirror(mirror)
    paths = []
    for entry in ds.files:
        dest = folder / entry.filename
        paths.append(dest)
        cache = _check_cache(dest, entry, log)
        if cache is not None:
            _obtain(ds, entry, dest, mirror_dir, [cache] if cache else [])
    return paths


def fetch_all(
    names: Iterable[str] | None = None,
    manifest: dict[str, Dataset] | str | Path | None = None,
    cache_dir: str | Path | None = None,
    mirror: str | Path | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, list[Path]]:
    """Ensure several datasets (default: every non-generated dataset of the manifest).

    Parameters are those of :func:`ensure_dataset`.

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
    return {n: ensure_dataset(n, datasets, cache_dir, mirror, log) for n in names}


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
