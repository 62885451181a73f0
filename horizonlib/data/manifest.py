"""The manifest of upstream datasets (``data/sources.yml``): load and validate it.

Job: turn the YAML manifest into :class:`Dataset` records, one per upstream dataset, and refuse
a malformed manifest with an error naming the dataset and the field. No file is read or fetched
here (that is :mod:`horizonlib.data.fetch`); this module only says *what* each dataset is, where its
files live upstream (commit-pinned URL) or in a mirror folder, and which checksums they must have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import basename

import pandas as pd
import yaml

from horizonlib.data.errors import DataError

REPO_ROOT = Path(__file__).resolve().parents[2]
"""Repository root (the folder holding ``data/`` and ``horizonlib/``)."""

DEFAULT_MANIFEST = REPO_ROOT / "data" / "sources.yml"
"""The project's manifest, found relative to the package (never relative to the cwd)."""

KINDS = (
    "runs",
    "release_dates",
    "published_fits",
    "published_bootstrap",
    "benchmark_results",
    "other",
)
"""Allowed values of a dataset's ``kind``."""

CHECKSUM_FIELDS = ("sha256", "md5", "git_blob")
"""Checksums a file entry may carry; every one given is verified."""

_HEX = {"sha256": 64, "md5": 32, "git_blob": 40}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_REQUIRED = ("name", "description", "kind", "licence", "schema", "files")
_KNOWN = set(_REQUIRED) | {"mirror_only", "generator", "models", "note", "suite", "regularization"}
_FILE_KNOWN = {"url", "mirror_path", "filename", "size", *CHECKSUM_FIELDS}


class ManifestError(DataError, ValueError):
    """The manifest itself is malformed (missing field, unknown kind, bad checksum format...)."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a dataset.

    Attributes
    ----------
    url : str or None
        Commit-pinned download URL; None for mirror-only or generated files.
    mirror_path : str or None
        Path relative to the mirror folder, when the mirror holds the file.
    filename : str
        Name of the file in the local cache folder ``data/raw/<dataset>/``.
    size : int or None
        Expected size in bytes.
    checksums : dict
        ``{"sha256"|"md5"|"git_blob": lowercase hex}``; all given are verified.
    """

    url: str | None
    mirror_path: str | None
    filename: str
    size: int | None = None
    checksums: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """One upstream dataset of the manifest.

    Attributes
    ----------
    name : str
        Manifest name; it is the public API (``runs: [th-1-0]``) and the ``dataset`` column.
    description, licence, schema : str
        Human-readable notes.
    kind : str
        One of :data:`KINDS`.
    files : tuple of FileEntry
    mirror_only : bool
        True when no upstream URL serves this exact content (e.g. transcribed subsets).
    generator : str or None
        ``"simulate"`` for datasets produced by :mod:`horizonlib.data.simulate` instead of fetched.
    models : dict
        For ``benchmark_results``: results key -> model alias/display name.
    note : str
    suite : str or None
        The task suite and pipeline a run file or published result belongs to (``th-1-1``,
        ``th-1-0``, ...): published horizons are compared only with fits on the same suite.
    regularization : float or None
        For published results: the L2 penalty METR fitted them with.
    """

    name: str
    description: str
    kind: str
    licence: str
    schema: str
    files: tuple[FileEntry, ...]
    mirror_only: bool = False
    generator: str | None = None
    models: dict[str, str] = field(default_factory=dict)
    note: str = ""
    suite: str | None = None
    regularization: float | None = None


def _fail(where: str, msg: str) -> None:
    raise ManifestError(f"{where}: {msg}")


def _parse_file(where: str, raw: object, dataset: dict) -> FileEntry:
    if not isinstance(raw, dict):
        _fail(where, "each entry of 'files' must be a mapping")
    unknown = set(raw) - _FILE_KNOWN
    if unknown:
        _fail(where, f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_FILE_KNOWN)}")
    url = raw.get("url")
    mirror_path = raw.get("mirror_path")
    for key, val in (("url", url), ("mirror_path", mirror_path), ("filename", raw.get("filename"))):
        if val is not None and (not isinstance(val, str) or not val.strip()):
            _fail(where, f"field '{key}' must be a non-empty string or null, got {val!r}")
    if url is not None and not url.startswith(("https://", "http://", "file://")):
        _fail(where, f"field 'url' must be an http(s) URL, got {url!r}")
    generated = dataset.get("generator") is not None
    if url is None and mirror_path is None and not generated:
        _fail(where, "needs a 'url' or a 'mirror_path' (or the dataset needs a 'generator')")
    if url is None and not generated and not dataset.get("mirror_only"):
        _fail(where, "has no 'url'; set 'mirror_only: true' on the dataset and explain why")
    filename = raw.get("filename") or basename(url or mirror_path or "")
    if not filename or "/" in filename or filename in (".", ".."):
        _fail(where, f"cannot derive a plain cache file name (got {filename!r}); give 'filename'")
    checksums = {}
    for key in CHECKSUM_FIELDS:
        if key in raw:
            val = str(raw[key]).lower()
            if not re.fullmatch(rf"[0-9a-f]{{{_HEX[key]}}}", val):
                _fail(where, f"field '{key}' must be {_HEX[key]} hex digits, got {raw[key]!r}")
            checksums[key] = val
    if not checksums and not generated:
        _fail(where, f"needs at least one checksum of {list(CHECKSUM_FIELDS)}")
    size = raw.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        _fail(where, f"field 'size' must be a non-negative integer (bytes), got {size!r}")
    return FileEntry(url=url, mirror_path=mirror_path, filename=filename, size=size,
                     checksums=checksums)


def parse_manifest(raw: object, source: str = "manifest") -> dict[str, Dataset]:
    """Validate an already-parsed manifest mapping and build the datasets.

    Parameters
    ----------
    raw : object
        The YAML document (a mapping with a ``datasets`` list).
    source : str
        Name used in error messages (usually the file path).

    Returns
    -------
    dict
        Dataset name -> :class:`Dataset`, in manifest order.

    Raises
    ------
    ManifestError
        On any structural problem, naming the dataset and the field.
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("datasets"), list):
        _fail(source, "must be a mapping with a 'datasets' list")
    out: dict[str, Dataset] = {}
    for i, ds in enumerate(raw["datasets"]):
        where = f"{source}: dataset #{i + 1}"
        if not isinstance(ds, dict):
            _fail(where, "must be a mapping")
        if isinstance(ds.get("name"), str):
            where = f"{source}: dataset '{ds['name']}'"
        missing = [k for k in _REQUIRED if k not in ds or ds[k] in (None, "")]
        if missing:
            _fail(where, f"missing required field(s) {missing}")
        unknown = set(ds) - _KNOWN
        if unknown:
            _fail(where, f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_KNOWN)}")
        name = ds["name"]
        if not isinstance(name, str) or not _NAME_RE.match(name):
            _fail(where, f"name {name!r} must be lowercase letters, digits, '.', '_' or '-'")
        if name in out:
            _fail(where, "duplicate dataset name")
        if ds["kind"] not in KINDS:
            _fail(where, f"unknown kind {ds['kind']!r}; expected one of {list(KINDS)}")
        for key in ("description", "licence", "schema"):
            if not isinstance(ds[key], str):
                _fail(where, f"field '{key}' must be a string")
        generator = ds.get("generator")
        if generator is not None and generator != "simulate":
            _fail(where, f"unknown generator {generator!r}; expected 'simulate'")
        if generator is not None and ds["kind"] != "runs":
            _fail(where, "a 'generator' dataset must have kind 'runs'")
        if not isinstance(ds["files"], list) or not ds["files"]:
            _fail(where, "field 'files' must be a non-empty list")
        files = tuple(_parse_file(f"{where}, file #{j + 1}", f, ds)
                      for j, f in enumerate(ds["files"]))
        names = [f.filename for f in files]
        if len(set(names)) != len(names):
            _fail(where, f"two files share a cache file name {names}; give each a 'filename'")
        models = ds.get("models") or {}
        if not isinstance(models, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in models.items()):
            _fail(where, "field 'models' must map strings (results keys) to strings (aliases)")
        suite = ds.get("suite")
        if suite is not None and not isinstance(suite, str):
            _fail(where, "field 'suite' must be a string")
        regularization = ds.get("regularization")
        if regularization is not None and (
                isinstance(regularization, bool) or not isinstance(regularization, (int, float))
                or regularization < 0):
            _fail(where, "field 'regularization' must be a non-negative number")
        out[name] = Dataset(
            name=name, description=ds["description"].strip(), kind=ds["kind"],
            licence=ds["licence"].strip(), schema=ds["schema"].strip(), files=files,
            mirror_only=bool(ds.get("mirror_only", False)), generator=generator,
            models=dict(models), note=str(ds.get("note") or "").strip(), suite=suite,
            regularization=None if regularization is None else float(regularization),
        )
    return out


def load_manifest(path: str | Path | None = None) -> dict[str, Dataset]:
    """Load and validate the dataset manifest.

    Parameters
    ----------
    path : str or Path, optional
        Manifest file; default :data:`DEFAULT_MANIFEST` (``<repo>/data/sources.yml``, located
        relative to the package so it works from any working directory).

    Returns
    -------
    dict
        Dataset name -> :class:`Dataset`, in manifest order.

    Raises
    ------
    ManifestError
        If the file is missing, is not YAML, or any dataset is malformed.
    """
    path = Path(path) if path is not None else DEFAULT_MANIFEST
    if not path.is_file():
        raise ManifestError(f"{path}: manifest file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path}: not valid YAML ({exc})") from exc
    return parse_manifest(raw, source=str(path))


_COMMIT = re.compile(r"\b[0-9a-f]{40}\b")


def provenance_table(names, manifest: dict[str, Dataset] | None = None) -> pd.DataFrame:
    """Where each file of the named datasets comes from: one row per file.

    Parameters
    ----------
    names : str or sequence of str
        Dataset names (entries that are not manifest names, such as user paths, are listed
        with ``upstream = "user file"``).
    manifest : optional, the parsed manifest (default: ``data/sources.yml``).

    Returns
    -------
    DataFrame with columns ``dataset, file, upstream`` (URL, ``mirror only`` or ``generated``),
    ``commit`` (the pinned commit in the URL or, for mirror-only files, in the description)
    and ``checksum`` (``kind:hex``, the strongest checksum the manifest pins).
    """
    manifest = load_manifest() if manifest is None else manifest
    rows = []
    for name in [names] if isinstance(names, str) else list(names):
        ds = manifest.get(str(name))
        if ds is None:
            rows.append(dict(dataset=str(name), file=str(name), upstream="user file",
                             commit="", checksum=""))
            continue
        for entry in ds.files:
            where = entry.url or ("generated" if ds.generator else "mirror only")
            commit = _COMMIT.search(entry.url or ds.description)
            kind = next((k for k in CHECKSUM_FIELDS if k in entry.checksums), None)
            rows.append(dict(
                dataset=ds.name, file=entry.mirror_path or entry.filename, upstream=where,
                commit=commit.group(0) if commit else "",
                checksum=f"{kind}:{entry.checksums[kind]}" if kind else "",
            ))
    return pd.DataFrame(rows, columns=["dataset", "file", "upstream", "commit", "checksum"])
