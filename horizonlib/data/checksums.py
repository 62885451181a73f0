"""Checksums of files and their verification against a manifest entry.

Job: say whether a local file is byte for byte the one the manifest (``data/sources.yml``)
pins, and when it is not, say how it differs: size in bytes and every checksum given, each with
the expected and the actual value. Kinds: ``sha256``; ``md5`` (METR's ``dvc.lock``);
``git_blob`` = sha1 of ``b"blob <size>\\0" + content``, what ``git hash-object`` prints and a
GitHub tree lists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from horizonlib.data.errors import DataError
from horizonlib.data.manifest import FileEntry

_CHUNK = 1 << 20


class DataFetchError(DataError, RuntimeError):
    """A dataset could not be obtained (unknown name, no mirror copy, no network...)."""


class ChecksumError(DataFetchError):
    """A file's content does not match the manifest's size or checksums.

    Attributes
    ----------
    path : Path
        The file checked.
    kind, expected, actual : str
        The first mismatch: ``"size"`` or a checksum kind, with the expected and actual value.
    mismatches : list of (kind, expected, actual)
        Every mismatch (size first, then each checksum the manifest gives).
    """

    def __init__(self, path: Path, kind: str, expected: str, actual: str, origin: str = "",
                 mismatches: list[tuple[str, str, str]] | None = None, note: str = ""):
        self.path, self.kind, self.expected, self.actual = Path(path), kind, expected, actual
        self.mismatches = mismatches or [(kind, expected, actual)]
        src = f" (from {origin})" if origin else ""
        what = "; ".join(f"{k} mismatch: expected {e}, got {a}" for k, e, a in self.mismatches)
        super().__init__(
            f"{self.path.name}{src}: {what}{note}. The file was not kept; the upstream file or "
            "the mirror copy differs from the manifest (data/sources.yml)."
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
    hashers = {}
    for kind in list(kinds):
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


def mismatches(path: str | Path, entry: FileEntry) -> list[tuple[str, str, str]]:
    """How a file differs from its manifest entry: ``(kind, expected, actual)`` per mismatch.

    ``kind`` is ``"size"`` (values like ``"123 bytes"``) or a checksum kind; an empty list means
    the file is the one the manifest pins.
    """
    path = Path(path)
    out = []
    if entry.size is not None:
        size = path.stat().st_size
        if size != entry.size:
            out.append(("size", f"{entry.size} bytes", f"{size} bytes"))
    actual = file_digests(path, entry.checksums)
    out += [(kind, expected, actual[kind]) for kind, expected in entry.checksums.items()
            if actual[kind] != expected]
    return out


def verify_file(path: str | Path, entry: FileEntry, origin: str = "", note: str = "") -> None:
    """Check a file's size and every checksum of its manifest entry.

    Parameters
    ----------
    path : str or Path
    entry : FileEntry
    origin : str
        Where the file came from (URL, mirror path), for the message.
    note : str
        Appended to the message (e.g. that the download was cut short).

    Raises
    ------
    ChecksumError
        Listing every mismatch (the caller decides whether to delete the file).
    """
    found = mismatches(path, entry)
    if found:
        raise ChecksumError(path, *found[0], origin=origin, mismatches=found, note=note)
