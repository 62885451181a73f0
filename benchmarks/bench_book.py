"""Benchmark: the cold offline book, chapter by chapter, before (a baseline git ref) and after.

Builds the offline edition (``params/offline.yml``) three times through the CLI, each cold: from a
fresh copy of the source tree in a temporary folder, so the data cache (``data/raw`` next to the
package; the CLI has no option to move it) starts empty and is filled from the mirror, into a
fresh ``--out`` folder. "after" is the current working tree (tracked and untracked, not ignored
files) as ``make book`` runs it (two chapters at once), "after, 1 job" the same with
``--jobs 1`` (what each chapter costs on its own); "before" is ``--baseline REF`` (default: the tag ``pre-redesign``) checked out into a
temporary ``git worktree``, removed afterwards. Each build runs with ``PYTHONPATH`` pointing at
its tree and this interpreter (the venv).

Prints seconds per step, parsed from the build's own progress lines (``[data] … 0.4 s``,
``[check] … 0.1 s``, ``[k/n] chapters/x.md … 12.3 s``, ``[html] jupyter-book build … 20.1 s``),
the whole build's wall time, and the peak resident memory of the largest single process of the
build (a chapter kernel, jupyter-book or the build itself: ``ru_maxrss`` of its waited-for
descendants), with the after/before ratio. Figures only; nothing is asserted. On a shared
machine the times are noisy: compare ratios well away from 1 only.

Usage: ``python benchmarks/bench_book.py [--baseline REF | --baseline none] [--params FILE]
[--mirror DIR]`` (the mirror defaults to ``$HORIZON_DATA_MIRROR``; one is needed).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: The build's progress lines that carry one step's seconds: (pattern, row name or None = group 1).
STEP_LINES = (
    (re.compile(r"^\[data\] datasets ready … ([\d.]+) s$"), "data fetch"),
    (re.compile(r"^\[check\] input files valid: .* … ([\d.]+) s$"), "input check"),
    (re.compile(r"^\[\d+/\d+\] (\S+) … ([\d.]+) s \(elapsed [\d:]+\)$"), None),
    (re.compile(r"^\[html\] jupyter-book build … ([\d.]+) s$"), "html (jupyter-book)"),
)

#: Runs a command and writes its descendants' peak RSS (KiB) to a file: a child of its own, so
#: that one build's peak is not mixed with the other's (ru_maxrss is a maximum over all children).
MEASURE = ("import resource, subprocess, sys; status = subprocess.call(sys.argv[2:]); "
           "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
           "sys.exit(status)")


def git(*args: str, cwd: Path = REPO) -> str:
    """Run git in ``cwd``; its stdout (raises on failure)."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def copy_working_tree(dest: Path) -> None:
    """Copy the files git tracks or would track (not ignored) from the working tree to ``dest``."""
    names = git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, names):
        src = REPO / name
        if src.is_file():  # a tracked file deleted in the working tree is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def build(tree: Path, out: Path, params: str, mirror: str, label: str,
          extra: tuple[str, ...] = ()) -> dict:
    """Build the book from ``tree`` into ``out``; the seconds of each step, wall time and peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(tree), HORIZON_DATA_MIRROR=mirror)
    found = subprocess.run([sys.executable, "-c", "import horizonlib; print(horizonlib.__file__)"],
                           cwd=tree, env=env, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(tree.resolve()):
        sys.exit(f"error: with PYTHONPATH={tree}, horizonlib is imported from {found}, not from the tree")
    rss_file = out.parent / f"rss-{label}.txt"
    cmd = [sys.executable, "-c", MEASURE, str(rss_file),
           sys.executable, "-m", "horizonlib", "book", "--params", params, "--out", str(out), *extra]
    print(f"-- {label}: building {params} from {tree}", flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    steps: dict[str, float] = {}
    lines = []
    for line in proc.stdout:
        line = line.rstrip("\n")
        lines.append(line)
        for pattern, name in STEP_LINES:
            match = pattern.match(line)
            if match:
                key = name or match.group(1)
                steps[key] = float(match.group(1 if name else 2))
                print(f"   {label:>12}  {key:<32} {steps[key]:7.1f} s", flush=True)
    status = proc.wait()
    wall = time.perf_counter() - start
    if status != 0:
        tail = "\n".join(lines[-30:])
        sys.exit(f"error: the {label} build failed (exit {status}); its output ends with:\n{tail}")
    peak_mib = int(rss_file.read_text()) / 1024 if rss_file.is_file() else float("nan")
    return {"steps": steps, "wall": wall, "peak_mib": peak_mib}


def table(runs: dict[str, dict]) -> str:
    """Rows: every step (chapters in build order), the chapters' sum, wall time and peak RSS."""
    labels = list(runs)
    names: list[str] = []
    for run in runs.values():
        names += [n for n in run["steps"] if n not in names]
    chapters = [n for n in names if n.endswith((".md", ".ipynb"))]
    rows = [(n, [runs[k]["steps"].get(n) for k in labels], "s") for n in names]
    rows.append(("chapters, sum", [sum(runs[k]["steps"].get(c, 0.0) for c in chapters) for k in labels], "s"))
    # a chapter added since the baseline makes the totals differ for a reason of its own
    common = [c for c in chapters if all(c in runs[k]["steps"] for k in labels)]
    if len(common) < len(chapters):
        rows.append((f"the {len(common)} chapters in both, sum",
                     [sum(runs[k]["steps"][c] for c in common) for k in labels], "s"))
    rows.append(("whole build, wall time", [runs[k]["wall"] for k in labels], "s"))
    rows.append(("peak RSS, largest process", [runs[k]["peak_mib"] for k in labels], "MiB"))
    width = max(12, *(len(k) + 2 for k in labels))
    header = f"{'step':<36}" + "".join(f"{k:>{width}}" for k in labels)
    header += "".join(f"{k + '/' + labels[0]:>{len(k) + len(labels[0]) + 3}}" for k in labels[1:])
    out = [header, "-" * len(header)]
    for name, values, unit in rows:
        cells = "".join(f"{'—' if v is None else f'{v:.1f} {unit}':>{width}}" for v in values)
        for k, v in zip(labels[1:], values[1:]):
            ratio = (f"{v / values[0]:.2f}" if v is not None and values[0] not in (None, 0)
                     else "")
            cells += f"{ratio:>{len(k) + len(labels[0]) + 3}}"
        out.append(f"{name:<36}{cells}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="pre-redesign",
                        help="git ref built as 'before' (default: the tag pre-redesign); 'none' to skip")
    parser.add_argument("--params", default="params/offline.yml",
                        help="parameter set, relative to the tree (default params/offline.yml)")
    parser.add_argument("--mirror", default=os.environ.get("HORIZON_DATA_MIRROR"),
                        help="folder mirroring METR's files (default $HORIZON_DATA_MIRROR)")
    args = parser.parse_args()
    if not args.mirror:
        sys.exit("error: the offline book needs METR's files: set HORIZON_DATA_MIRROR (or pass "
                 "--mirror DIR) to the folder mirroring them")
    mirror = str(Path(args.mirror).resolve())
    if not Path(mirror).is_dir():
        sys.exit(f"error: the data mirror {mirror} is not a folder")
    baseline = None if args.baseline.lower() == "none" else args.baseline
    if baseline is not None:
        commit = git("rev-parse", "--verify", f"{baseline}^{{commit}}").strip()

    runs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        tmp = Path(tmp)
        if baseline is not None:
            before = tmp / "before"
            git("worktree", "add", "--detach", str(before), commit)
            try:
                runs["before"] = build(before, tmp / "out-before", args.params, mirror, "before")
            finally:
                git("worktree", "remove", "--force", str(before))
        # the tree now runs two chapters at once (--jobs); one at a time shows what each costs
        for label, extra in (("after, 1 job", ("--jobs", "1")), ("after", ())):
            tree = tmp / label.replace(", ", "-").replace(" ", "-")
            copy_working_tree(tree)
            runs[label] = build(tree, tmp / f"out-{tree.name}", args.params, mirror, label, extra)

    head = git("rev-parse", "--short", "HEAD").strip()
    dirty = " + uncommitted changes" if git("status", "--porcelain").strip() else ""
    print()
    print(f"cold {args.params} book, seconds per step (the build's own progress lines)")
    if baseline is not None:
        print(f"before: {baseline} ({commit[:7]}); after: working tree at {head}{dirty}")
    else:
        print(f"after: working tree at {head}{dirty}")
    print(f"cores: {os.cpu_count()}; load average at the end: "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (a shared machine makes times noisy)")
    print(table(runs))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
