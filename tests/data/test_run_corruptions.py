"""Generated bad run files: every corruption is a DataError naming file, line and field.

Hypothesis draws a valid run file in one of the accepted schemas (models named by ``alias``,
``model`` or both; continuous score ``score_cont``, ``score`` or none; success
``score_binarized``, ``success`` or derived; ``task_source`` and ``human_source`` given or not;
METR's weight columns or not; unknown extra keys), then corrupts it in one way drawn from
:data:`CORRUPTIONS` and states where the loader must report it: the line and the field (None
for a line that is not a JSON object at all, and for an empty file, where no single field is
at fault). The loader must raise :class:`DataError` — never another exception — with that
line and field in the message. A second property draws valid variations (key order, unknown
keys, CRLF, a byte-order mark at the start, blank lines, no trailing newline, weights that do
not sum to 1, which the loader ignores) and checks they load to the same table; a third edits
random bytes and checks the loader either loads or raises a DataError, nothing else.

The properties run derandomized: the same cases on every run of the same selection of tests
(Hypothesis also draws constants found in the local modules imported so far, so running this
file alone or with others gives other, equally fixed, cases). The number of cases tried, by
kind, is printed.
"""

import json
import math
from collections import Counter

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from horizonlib.data.errors import DataError, RunFileError
from horizonlib.data.records import KEY_GROUPS
from horizonlib.data.runs import load_runs

PER_KIND, N_VALID, N_BYTES = 36, 200, 300
"""Cases per run: per kind of corruption (17 kinds: 612 cases; the issue asks for at least
500), valid variations, random byte damage."""

SETTINGS = dict(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
REQUIRED = ("run_id", "task_id", "task_family", "human_minutes")
GROUP_KEYS = [k for keys in KEY_GROUPS.values() for k in keys]
KNOWN = set(REQUIRED) | set(GROUP_KEYS)
VALID_VALUE = {"alias": "m-extra", "model": "m_extra", "score_cont": 0.5, "score": 0.5,
               "score_binarized": 1, "success": 1, "task_source": "HCAST",
               "human_source": "baseline"}
BAD_BYTES = [b"\xff", b"\xfe", b"\x80", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"\xf8\x88"]


# ---------------------------------------------------------------- a valid file
@st.composite
def run_files(draw):
    """(rows, schema): 2-8 valid runs as dicts, and the known keys the file uses."""
    names = draw(st.sampled_from([("alias", "model"), ("alias",), ("model",)]))
    score = draw(st.sampled_from([("score_cont",), ("score",), ()]))
    success = draw(st.sampled_from([("score_binarized",), ("success",)] + ([()] if score else [])))
    optional = tuple(k for k in ("task_source", "human_source") if draw(st.booleans()))
    weights = draw(st.booleans())
    n_tasks = draw(st.integers(1, 4))
    tasks = [dict(task_id=f"{fam}/t{i}", task_family=fam,
                  human_minutes=draw(st.floats(0.01, 1e4, allow_nan=False)),
                  task_source=draw(st.sampled_from(["HCAST", "SWAA", "RE-Bench"])),
                  human_source=draw(st.sampled_from(["baseline", "estimate"])))
             for i, fam in enumerate(draw(st.lists(st.sampled_from(
                 ["ai_rd_kernel", "local_research", "word_swaa", "crypto"]),
                 min_size=n_tasks, max_size=n_tasks)))]
    rows = []
    for i in range(draw(st.integers(2, 8))):
        task = draw(st.sampled_from(tasks))
        model = draw(st.sampled_from(["o3 (Inspect)", "GPT-4 0314", "human"]))
        row = {"run_id": draw(st.sampled_from([i, f"run-{i}"]))}
        row.update({k: (model if k == "alias" else model.lower().replace(" ", "_"))
                    for k in names})
        row.update({k: task[k] for k in ("task_id", "task_family", "human_minutes")})
        row.update({k: task[k] for k in optional})
        value = draw(st.floats(0, 1))
        row.update({k: value for k in score})
        row.update({k: draw(st.sampled_from([0, 1, 0.0, 1.0, True, False])) for k in success})
        if weights:  # ignored by the loader; need not sum to 1
            row.update(equal_task_weight=draw(st.floats(0, 2)),
                       invsqrt_task_weight=draw(st.floats(0, 2)))
        rows.append(row)
    return rows, set(names + score + success + optional)


def encode(rows, raw=None):
    """The file's bytes: one JSON object per line; ``raw`` maps a line index to its bytes."""
    raw = raw or {}
    return b"".join(raw.get(i, json.dumps(r).encode()) + b"\n" for i, r in enumerate(rows))


def _with_token(row, key, token: bytes) -> bytes:
    """``row`` as JSON with ``key``'s value replaced by the literal bytes ``token``."""
    line = json.dumps({**row, key: "@@TOKEN@@"}).encode()
    return line.replace(b'"@@TOKEN@@"', token)


# ---------------------------------------------------------------- corruptions
# Each takes (draw, rows, schema) and returns (file bytes, expected line, expected field).


def missing_required(draw, rows, schema):
    k, key = draw(st.integers(0, len(rows) - 1)), draw(st.sampled_from(REQUIRED))
    del rows[k][key]
    return encode(rows), k + 1, key


def missing_file_key(draw, rows, schema):
    """A key the file uses is missing on one run."""
    k, key = draw(st.integers(0, len(rows) - 1)), draw(st.sampled_from(sorted(schema)))
    del rows[k][key]
    if k > 0:
        return encode(rows), k + 1, key
    left = schema - {key}
    if not left & set(KEY_GROUPS["name"]):
        return encode(rows), 1, "alias"  # the first run names no model
    if not left & set(KEY_GROUPS["score"] + KEY_GROUPS["success"]):
        return encode(rows), 1, "score_binarized"  # the first run has no outcome
    return encode(rows), 2, key  # the first run decided without it; the second has it


def extra_file_key(draw, rows, schema):
    """A known key the file does not use appears on one run (valid value)."""
    key = draw(st.sampled_from(sorted(set(GROUP_KEYS) - schema)))
    k = draw(st.integers(0, len(rows) - 1))
    rows[k][key] = VALID_VALUE[key]
    return encode(rows), 2 if k == 0 else k + 1, key  # on the first run: decided with it


TEXT_BAD = [None, 3, 1.5, True, [], {}, ["a"], "", "   "]
NUMBER_BAD = [None, "1", "abc", True, False, [], {}, [1.0]]
FLAG_BAD = [None, "1", "yes", [], {}, [1], 0.5]
RUN_ID_BAD = [None, 1.5, True, False, [], {}, "", " "]


def _used_fields(schema):
    return ["run_id", "task_id", "task_family", "human_minutes", *sorted(schema)]


def wrong_type(draw, rows, schema):
    k, key = draw(st.integers(0, len(rows) - 1)), draw(st.sampled_from(_used_fields(schema)))
    bad = (RUN_ID_BAD if key == "run_id" else NUMBER_BAD
           if key in ("human_minutes", "score", "score_cont")
           else FLAG_BAD if key in ("score_binarized", "success") else TEXT_BAD)
    rows[k][key] = draw(st.sampled_from(bad))
    return encode(rows), k + 1, key


def out_of_range(draw, rows, schema):
    keys = ["human_minutes"] + sorted(schema & {"score", "score_cont", "score_binarized",
                                                "success"})
    k, key = draw(st.integers(0, len(rows) - 1)), draw(st.sampled_from(keys))
    if key == "human_minutes":
        value = draw(st.floats(max_value=0, allow_nan=False, allow_infinity=False)
                     | st.integers(max_value=0))
    elif key in ("score", "score_cont"):
        value = draw(st.floats(min_value=1.0, exclude_min=True, allow_nan=False,
                               allow_infinity=False)
                     | st.floats(max_value=0.0, exclude_max=True, allow_nan=False,
                                 allow_infinity=False)
                     | st.integers(2, 10**30) | st.integers(max_value=-1))
    else:
        value = draw(st.sampled_from([2, -1, 0.3, 1.5, 10**20, -0.5]))
    rows[k][key] = value
    return encode(rows), k + 1, key


def non_finite(draw, rows, schema):
    keys = ["human_minutes"] + sorted(schema & {"score", "score_cont"})
    k, key = draw(st.integers(0, len(rows) - 1)), draw(st.sampled_from(keys))
    token = draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e999",
                                  b"1" + b"0" * 400]))
    return encode(rows, {k: _with_token(rows[k], key, token)}), k + 1, key


def not_utf8(draw, rows, schema):
    """Bytes that are not UTF-8 inside one run's text value."""
    k = draw(st.integers(0, len(rows) - 1))
    key = draw(st.sampled_from(sorted(f for f, v in rows[k].items() if isinstance(v, str))))
    text = rows[k][key].encode()
    at = draw(st.integers(0, len(text)))
    bad = text[:at] + draw(st.sampled_from(BAD_BYTES)) + text[at:]
    token = json.dumps("@@").encode().replace(b"@@", bad)
    return encode(rows, {k: _with_token(rows[k], key, token)}), k + 1, key


def bom_inside(draw, rows, schema):
    """A byte-order mark at the start of a later line (two files joined) or between tokens."""
    k = draw(st.integers(1, len(rows) - 1))
    line = json.dumps(rows[k]).encode()
    at = draw(st.sampled_from([0, line.index(b",") + 1]))
    return encode(rows, {k: line[:at] + b"\xef\xbb\xbf" + line[at:]}), k + 1, None


def duplicate_run(draw, rows, schema):
    """A run listed twice."""
    j = draw(st.integers(0, len(rows) - 1))
    at = draw(st.integers(j + 1, len(rows)))
    rows.insert(at, dict(rows[j]))
    return encode(rows), at + 1, "run_id"


def same_id_other_run(draw, rows, schema):
    j = draw(st.integers(0, len(rows) - 2))
    k = draw(st.integers(j + 1, len(rows) - 1))
    rows[k]["run_id"] = rows[j]["run_id"]
    return encode(rows), k + 1, "run_id"


def _same_task(draw, rows):
    j = draw(st.integers(0, len(rows) - 2))
    k = draw(st.integers(j + 1, len(rows) - 1))
    for key in ("task_id", "task_family", "human_minutes", "task_source"):
        if key in rows[j]:
            rows[k][key] = rows[j][key]
    return j, k


def family_changes(draw, rows, schema):
    j, k = _same_task(draw, rows)
    rows[k]["task_family"] = rows[j]["task_family"] + "_other"
    return encode(rows), k + 1, "task_family"


def minutes_differ(draw, rows, schema):
    j, k = _same_task(draw, rows)
    rows[k]["human_minutes"] = rows[j]["human_minutes"] * draw(st.sampled_from([2, 0.5, 1.001]))
    return encode(rows), k + 1, "human_minutes"


def source_differs(draw, rows, schema):
    if "task_source" not in schema:
        return family_changes(draw, rows, schema)  # no source column: nothing to contradict
    j, k = _same_task(draw, rows)
    rows[k]["task_source"] = {"HCAST": "SWAA"}.get(rows[j]["task_source"], "HCAST")
    return encode(rows), k + 1, "task_source"


def key_twice(draw, rows, schema):
    """One key given twice in one object (JSON keeps the last silently; which value holds?)."""
    k = draw(st.integers(0, len(rows) - 1))
    key = draw(st.sampled_from(sorted(rows[k])))
    line = json.dumps(rows[k]).encode()[:-1] + b", " + json.dumps({key: rows[k][key]}).encode()[1:]
    return encode(rows, {k: line}), k + 1, key


def truncated_line(draw, rows, schema):
    k = draw(st.integers(0, len(rows) - 1))
    line = json.dumps(rows[k]).encode()
    return encode(rows, {k: line[:draw(st.integers(1, len(line) - 1))]}), k + 1, None


def not_an_object(draw, rows, schema):
    k = draw(st.integers(0, len(rows) - 1))
    other = draw(st.sampled_from([b"[1, 2]", b"null", b"3", b'"run"', b"true"]))
    return encode(rows, {k: other}), k + 1, None


def empty_file(draw, rows, schema):
    return draw(st.sampled_from([b"", b"\n", b"\r\n  \n", b"\xef\xbb\xbf\n"])), None, None


CORRUPTIONS = [missing_required, missing_file_key, extra_file_key, wrong_type, out_of_range,
               non_finite, not_utf8, bom_inside, duplicate_run, same_id_other_run,
               family_changes, minutes_differ, source_differs, key_twice, truncated_line,
               not_an_object, empty_file]


@pytest.fixture()
def report(capsys):
    """Print a line to the terminal even when pytest captures output."""
    def show(line):
        with capsys.disabled():
            print(f"\n{line}")
    return show


def _check_corruption(corrupt, path, tried):
    """The property for one kind of corruption, run :data:`PER_KIND` times."""

    @settings(max_examples=PER_KIND, **SETTINGS)
    @given(run_files(), st.data())
    def case(valid, data):
        rows, schema = valid
        content, line, field = corrupt(data.draw, [dict(r) for r in rows], schema)
        path.write_bytes(content)
        with pytest.raises(DataError) as err:  # any other exception fails the test
            load_runs(path)
        e, msg = err.value, str(err.value)
        assert isinstance(e, RunFileError) and e.path == path and msg.startswith("runs.jsonl")
        assert (e.line, e.field) == (line, field), msg
        if line is not None:
            assert f"runs.jsonl, line {line}" in msg
        if field is not None:
            assert f"field '{field}'" in msg
        tried[corrupt.__name__] += 1

    return case


def test_every_corruption_is_a_data_error_naming_file_line_and_field(tmp_path, report):
    tried = Counter()
    for corrupt in CORRUPTIONS:
        _check_corruption(corrupt, tmp_path / "runs.jsonl", tried)()
    total = sum(tried.values())
    report(f"generated run-file corruptions: {total} cases, each a DataError naming file, "
           "line and field: " + ", ".join(f"{k} {v}" for k, v in tried.items()))
    assert total >= 500
    assert all(tried[c.__name__] == PER_KIND for c in CORRUPTIONS)


# ---------------------------------------------------------------- valid variations
unknown_keys = st.text(st.characters(exclude_categories=("Cs",)), max_size=12).filter(
    lambda k: k not in KNOWN)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=3),
    max_leaves=6)


def test_valid_variations_load_to_the_same_table(tmp_path, report):
    tried = Counter()

    @settings(max_examples=N_VALID, **SETTINGS)
    @given(run_files(), st.data())
    def case(valid, data):
        rows, _ = valid
        (tmp_path / "a").mkdir(exist_ok=True)
        (tmp_path / "b").mkdir(exist_ok=True)
        plain, varied = tmp_path / "a" / "runs.jsonl", tmp_path / "b" / "runs.jsonl"
        plain.write_bytes(encode(rows))
        lines = []
        for row in rows:
            keys = data.draw(st.permutations(list(row)))
            row = {k: row[k] for k in keys}
            row.update(data.draw(st.dictionaries(unknown_keys, json_values, max_size=3)))
            if "equal_task_weight" in row:
                row["equal_task_weight"] = data.draw(st.floats())  # any number: ignored
            ascii_only = data.draw(st.booleans())
            end = data.draw(st.sampled_from([b"\n", b"\r\n"]))
            blank = data.draw(st.sampled_from([b"", b"\n", b"  \r\n"]))
            lines.append(json.dumps(row, ensure_ascii=ascii_only).encode("utf-8") + end + blank)
        content = b"".join(lines)
        if data.draw(st.booleans()):
            content = content.rstrip(b"\r\n ")  # no newline at the end
            tried["no final newline"] += 1
        if data.draw(st.booleans()):
            content = b"\xef\xbb\xbf" + content  # UTF-8 as Windows editors save it
            tried["byte-order mark"] += 1
        if b"\r\n" in content:
            tried["CRLF"] += 1
        varied.write_bytes(content)
        pd.testing.assert_frame_equal(load_runs(varied, include_humans=True),
                                      load_runs(plain, include_humans=True))
        tried["files"] += 1

    case()
    report("valid run-file variations (key order, unknown keys, weights, blank lines): "
           + ", ".join(f"{k} {v}" for k, v in sorted(tried.items())))
    assert tried["files"] == N_VALID


# ---------------------------------------------------------------- random damage never crashes
def test_random_byte_damage_is_loaded_or_a_data_error(tmp_path, report):
    path = tmp_path / "runs.jsonl"
    outcome = Counter()

    @settings(max_examples=N_BYTES, **SETTINGS)
    @given(run_files(), st.data())
    def case(valid, data):
        content = bytearray(encode(valid[0]))
        for _ in range(data.draw(st.integers(1, 3))):
            at = data.draw(st.integers(0, len(content)))
            how = data.draw(st.sampled_from(["replace", "insert", "delete", "cut"]))
            byte = data.draw(st.integers(0, 255))
            if how == "replace" and at < len(content):
                content[at] = byte
            elif how == "insert":
                content.insert(at, byte)
            elif how == "delete" and at < len(content):
                del content[at]
            elif how == "cut":
                del content[at:]
        path.write_bytes(bytes(content))
        try:
            table = load_runs(path, include_humans=True)
        except DataError as exc:  # any other exception fails the test
            assert isinstance(exc, RunFileError) and str(exc).startswith("runs.jsonl")
            outcome["DataError"] += 1
        else:
            assert table["human_minutes"].gt(0).all() and table["success"].isin([0, 1]).all()
            assert all(math.isnan(s) or 0 <= s <= 1 for s in table["score"])
            outcome["still valid"] += 1

    case()
    report("random byte damage to valid run files: "
           + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
    assert sum(outcome.values()) == N_BYTES
