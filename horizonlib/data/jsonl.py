"""One line of a JSON Lines file: bytes -> one JSON object, or an error naming the line.

Job: the text layer of run files. UTF-8, one JSON object per line; a byte-order mark at the
very start of the file and CRLF line ends are accepted (Windows editors write them; the content
is unambiguous), as are blank lines (skipped). Errors, each a
:class:`~horizonlib.data.errors.RunFileError` naming the file and the line: bytes that are not
UTF-8 (naming the field whose text holds them when the rest of the line parses), a byte-order
mark after line 1 (two files joined), a key given twice in one object (which value holds?), a
line that is not JSON (truncated) or not a JSON object.
"""

from __future__ import annotations

import json

from horizonlib.data.errors import MISSING, RunFileError

_BOM = "\ufeff"


def _unique_keys(pairs: list) -> dict:
    seen = dict(pairs)
    if len(seen) != len(pairs):
        keys = [k for k, _ in pairs]
        raise _DuplicateKey(next(k for k in keys if keys.count(k) > 1))
    return seen


class _DuplicateKey(Exception):
    """Raised inside ``json.loads`` for a key given twice in one object."""


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys)  # one for all lines: it is costly


def decode_line(path, n: int, raw: bytes) -> dict | None:
    """The JSON object on line ``n`` (bytes as read, line end included); None for a blank line.

    Raises
    ------
    RunFileError
        Not UTF-8 (naming the field whose text holds the bad byte, when the rest parses), a
        byte-order mark after line 1, a key twice, not JSON, or not a JSON object.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, n, raw, exc) from None
    if n == 1 and text.startswith(_BOM):
        text = text[1:]  # a BOM at the start of the file: UTF-8 written by a Windows editor
    elif text.startswith(_BOM):
        raise RunFileError(path, n, None, MISSING,
                           "starts with a byte-order mark (U+FEFF), which belongs only at the "
                           "start of a file: were two files joined?")
    if not text.strip():
        return None  # blank lines (e.g. a trailing newline) carry no run
    obj = _parse_json(path, n, text)
    if not isinstance(obj, dict):
        raise RunFileError(path, n, None, obj, "is not a JSON object")
    return obj


def _parse_json(path, n: int, text: str):
    try:
        return _DECODER.decode(text)
    except _DuplicateKey as exc:
        raise RunFileError(path, n, str(exc.args[0]), MISSING,
                           "is given twice in one object (which value holds?)") from None
    except json.JSONDecodeError as exc:
        shown = text.strip()
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise RunFileError(path, n, None, MISSING,
                           f"is not valid JSON ({exc.msg} at column {exc.colno}; a truncated "
                           f"line?): {shown}") from None
    except (ValueError, RecursionError) as exc:  # an integer of > 4300 digits, deep nesting
        raise RunFileError(path, n, None, MISSING, f"cannot be read as JSON ({exc})") from None


def _not_utf8(path, n: int, raw: bytes, exc: UnicodeDecodeError) -> RunFileError:
    """Name the field whose text holds the first byte that is not UTF-8, if the line parses."""
    why = (f"is not UTF-8 text (byte {raw[exc.start]:#04x} at column {exc.start + 1}; a "
           "compressed or binary file, or text saved in another encoding?)")
    text = raw.decode("utf-8", "surrogateescape")
    try:
        obj = json.loads(text[1:] if n == 1 and text.startswith(_BOM) else text)
    except (ValueError, RecursionError):
        obj = None
    if isinstance(obj, dict):
        for key, value in obj.items():
            if _has_surrogate(key) or _has_surrogate(value):
                return RunFileError(path, n, key.encode("utf-8", "replace").decode(), MISSING,
                                    why)
    return RunFileError(path, n, None, MISSING, why)


def _has_surrogate(value) -> bool:
    if isinstance(value, str):
        return any("\udc80" <= ch <= "\udcff" for ch in value)
    if isinstance(value, list):
        return any(map(_has_surrogate, value))
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False
