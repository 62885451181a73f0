"""Command line: ``python -m horizonlib <command> ...`` (also installed as ``horizonlib``).

Commands
--------
book   fetch data, check every input file, execute every chapter with papermill, render the
       HTML book (all or nothing; ``--toc`` builds another table of contents)
check  validate run files (names or paths) — or every input of a parameter set — and report
       the first problem by file, line, field and value; builds nothing
fit    fit every model's horizons with bootstrap CIs and write horizons.csv (no book)
check-pages
       open every page of a built book in headless Chromium, list what is broken (images,
       JavaScript and console errors, failed or external requests, error cells, math) and
       write a screenshot of each page

Parameter flags are the parameter-set keys with dashes (``n_bootstrap`` ↔ ``--n-bootstrap``,
``success_percents`` ↔ ``--success-percents 50 80``); a flag given overrides the file's value.

Adding a command: write ``_add_<name>(subparsers)`` that builds its parser (use
:func:`add_param_arguments` for parameter flags) and sets ``handler=_cmd_<name>``, then list it
in :data:`COMMANDS`. A handler takes the parsed namespace and returns the exit status.

Exit status: 0 success; 1 build failed (a chapter, the fetch or the HTML build) or
``check-pages`` found problems; 2 invalid input (parameters, run files and any other
``horizonlib.data.errors.DataError``, release dates, hack flags, arguments; for ``check-pages``: no built book, or no Chromium installed). Both go to
stderr as one ``error: ...`` message (for input: the file, line, field, value and reason; for
``check-pages``: one ``page: what`` line per problem), not a traceback; only an unexpected
exception (a bug) shows one.

A long bootstrap (``fit``) shows a progress bar on stderr; ``book`` prints ``[i/n] chapter``
lines with each chapter's time and the elapsed time.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from horizonlib.build.params import SCHEMA, ParamsError, describe_schema

DEFAULT_PARAMS = "params/default.yml"


def _number(text: str) -> int | float:
    """Parse ``50`` as int 50 and ``97.5`` as float (percents keep their int-ness)."""
    value = float(text)
    return int(value) if value.is_integer() else value


_CLI_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": str},
    "int": {"type": int},
    "float": {"type": float},
    "list": {"type": str, "nargs": "+"},
    "float_list": {"type": _number, "nargs": "+"},
}


def flag_name(key: str) -> str:
    """The CLI flag of a parameter key: ``n_bootstrap`` -> ``--n-bootstrap``."""
    return "--" + key.replace("_", "-")


def add_param_arguments(parser: argparse.ArgumentParser, keys: Iterable[str] | None = None) -> None:
    """Add one flag per parameter key (default: every key of the schema but ``edition``).

    Each flag stores under the key's own name and defaults to ``None`` (= keep the file's value).
    """
    group = parser.add_argument_group("parameter overrides (same names as params/*.yml)")
    for key in keys if keys is not None else [k for k in SCHEMA if k != "edition"]:
        field = SCHEMA[key]
        group.add_argument(flag_name(key), dest=key, default=None, help=field.doc, **_CLI_TYPES[field.cli])


def overrides_from_args(args: argparse.Namespace, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """The parameter overrides given on the command line (flags left out are not included)."""
    keys = keys if keys is not None else SCHEMA
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mirror", default=None, metavar="DIR",
                        help="folder mirroring METR's files (sets HORIZON_DATA_MIRROR)")


# --- book -------------------------------------------------------------------------------------


def _add_book(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "book", help="build the whole book (fetch → execute chapters → HTML)",
        description="Build the book into OUT/html, with chapter results in OUT/results/*.csv.",
        epilog="Parameter-set keys:\n" + describe_schema(),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--params", default=DEFAULT_PARAMS, metavar="FILE", help=f"parameter set (default {DEFAULT_PARAMS})")
    p.add_argument("--out", default="_build", metavar="DIR", help="output folder (default _build)")
    p.add_argument("--root", default=None, metavar="DIR",
                   help="book source folder with _config.yml/_toc.yml (default: here, else the package's repo)")
    p.add_argument("--toc", default=None, metavar="FILE",
                   help="table of contents to build instead of ROOT/_toc.yml (e.g. a copy that adds "
                        "the chapter you are writing; its file entries are relative to ROOT)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="chapters executed at once (default: one per core, at most 2; the root "
                        "page always runs last; results do not depend on N)")
    _add_common(p)
    add_param_arguments(p)
    p.set_defaults(handler=_cmd_book)


def _cmd_book(args: argparse.Namespace) -> int:
    from horizonlib.build.book import build_book

    if args.jobs is not None and args.jobs < 1:
        raise ParamsError(f"--jobs must be at least 1, got {args.jobs}")
    build_book(args.params, overrides=overrides_from_args(args), out=args.out, root=args.root,
               mirror=args.mirror, toc=args.toc, jobs=args.jobs)
    return 0


# --- check ------------------------------------------------------------------------------------


def _add_check(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check", help="validate run files (fast; builds nothing)",
        description="Load and validate input files and print one line per model; exit 2 naming "
                    "the file, line, field, value and reason of the first problem. With --runs: "
                    "those run files (dataset names or paths), the same checks `book` makes "
                    "before running any chapter. Without --runs: every input file of the "
                    "parameter set (run files, release dates, hack flags).")
    p.add_argument("--params", default=None, metavar="FILE",
                   help=f"check this parameter set's inputs (default {DEFAULT_PARAMS})")
    _add_common(p)
    add_param_arguments(p, ["runs"])
    p.set_defaults(handler=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    import time

    from horizonlib.build.inputs import check_inputs, check_run_entry
    from horizonlib.build.params import load_params
    from horizonlib.data.runs import check_runs

    start = time.perf_counter()
    runs = list(args.runs or [])
    if runs:
        for entry in runs:
            check_run_entry(entry)
    else:
        params = load_params(args.params or DEFAULT_PARAMS)
        runs = params["runs"]
        check_inputs(params)
    report = check_runs(runs)
    print(report.to_string(index=False))
    print(f"ok: {', '.join(map(str, runs))} ({len(report)} models, {int(report['n_runs'].sum()):,} "
          f"runs) in {time.perf_counter() - start:.1f} s")
    return 0


# --- fit --------------------------------------------------------------------------------------

FIT_KEYS = ["runs", "weighting", "regularization", "success_percents", "confidence_level",
            "n_bootstrap", "seed", "bootstrap_rng", "solver", "mc_error_target", "n_bootstrap_max"]


def _add_fit(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fit", help="fit horizons with bootstrap CIs for run files and write horizons.csv",
        description="Fit METR's logistic model to every (dataset, model) of the run files and "
                    "write OUT/horizons.csv (the book's results schema). Unset parameters take "
                    "the values of --params (default params/default.yml).")
    p.add_argument("--params", default=DEFAULT_PARAMS, help="parameter set supplying defaults")
    p.add_argument("--out", default="_build/results", help="folder for horizons.csv")
    _add_common(p)
    add_param_arguments(p, FIT_KEYS)
    p.set_defaults(handler=_cmd_fit)


def _cmd_fit(args: argparse.Namespace) -> int:
    import time

    from horizonlib.model.bootstrap import bootstrap_horizons
    from horizonlib.model.horizons import horizon_table
    from horizonlib.model.shared_draws import SharedDraws
    from horizonlib.build.params import load_params
    from horizonlib.report.results import with_model_keys, write_results
    from horizonlib.data.runs import load_runs

    start = time.perf_counter()
    params = load_params(args.params, overrides_from_args(args, FIT_KEYS))
    runs = load_runs(params["runs"])
    print(f"[fit] {len(runs):,} runs of {runs.groupby(['dataset', 'alias']).ngroups} models; "
          f"{params['n_bootstrap']:,} bootstrap replicates ({params['bootstrap_rng']} draws, "
          f"{params['solver']} solver) …", flush=True)
    # the book's draws (same seed, count and generator: the book's intervals)
    draws = SharedDraws(params["n_bootstrap"], params["seed"], params["bootstrap_rng"])
    with _progress_bar("bootstrap", "model") as tick:
        samples = bootstrap_horizons(draws.rows_to_resample(params["runs"], runs),
                                     weighting=params["weighting"],
                                     regularization=params["regularization"],
                                     success_percents=params["success_percents"], progress=tick,
                                     draws=draws, solver=params["solver"])
    table = horizon_table(runs, params["weighting"], params["regularization"],
                          params["success_percents"], confidence_level=params["confidence_level"],
                          samples=samples, draws=draws, solver=params["solver"],
                          mc_error_target=params["mc_error_target"],
                          n_bootstrap_max=params["n_bootstrap_max"])
    path = write_results(with_model_keys(table), "horizons", args.out)
    print(f"[fit] wrote {path} in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


class _progress_bar:
    """A console progress bar (tqdm, on stderr) driven by ``tick(done, total)`` callbacks.

    Only the command line uses it: inside chapters anything on stderr fails the book build.
    """

    def __init__(self, desc: str, unit: str):
        self.desc, self.unit, self.bar = desc, unit, None

    def __enter__(self) -> Callable[[int, int], None]:
        def tick(done: int, total: int) -> None:
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=total, desc=self.desc, unit=self.unit, file=sys.stderr,
                                mininterval=0.2, dynamic_ncols=True)
            self.bar.update(done - self.bar.n)

        return tick

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.close()


# --- check-pages ------------------------------------------------------------------------------


def _add_check_pages(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check-pages", help="check every page of a built book in headless Chromium",
        description="Serve the built book from 127.0.0.1, open every page in headless Chromium "
                    "and list each problem as 'page: what': an image not shown, an analysis "
                    "page without a figure, a JavaScript exception or console error, a failed "
                    "or external request, an error cell or 'Traceback', math not typeset. "
                    "Writes a full-page screenshot of every page. Exit 0 when every page is "
                    "clean, 1 listing the problems, 2 when there is no book or no Chromium "
                    "(Debian: apt-get install chromium; or set CHROMIUM=/path/to/chrome).")
    p.add_argument("--html", default="_build/html", metavar="DIR",
                   help="the built book (default _build/html)")
    p.add_argument("--screenshots", default=None, metavar="DIR",
                   help="folder for <page>.png screenshots (default: screenshots/ beside --html)")
    p.add_argument("--root", default=None, metavar="DIR",
                   help="book source folder whose _toc.yml orders the pages and whose notebook "
                        "chapters must show figures (default: here, else the package's repo)")
    p.set_defaults(handler=_cmd_check_pages)


def _cmd_check_pages(args: argparse.Namespace) -> int:
    import time

    from horizonlib.build.chromium import ChromiumNotFoundError
    from horizonlib.build.pagecheck import PageCheckError, check_pages

    start = time.perf_counter()
    html = Path(args.html)
    shots = Path(args.screenshots) if args.screenshots else html.resolve().parent / "screenshots"
    try:
        problems = check_pages(html, shots, root=args.root, log=lambda line: print(line, flush=True))
    except (ChromiumNotFoundError, PageCheckError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 2
    if problems:
        pages = {line.split(": ", 1)[0] for line in problems}
        print(f"error: {len(problems)} problem(s) on {len(pages)} page(s) of {html} in headless "
              "Chromium:\n  " + "\n  ".join(problems), file=sys.stderr, flush=True)
        return 1
    print(f"ok: every page of {html} is clean in headless Chromium; screenshots in {shots} "
          f"({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


#: Subcommands, in help order: each adds its parser to the subparsers action.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_book, _add_check, _add_fit,
                                                                _add_check_pages]


def build_parser() -> argparse.ArgumentParser:
    """The ``horizonlib`` argument parser with every command of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="python -m horizonlib",
        description="Reproducible re-analysis of METR's time-horizon data: build the book, check run "
                    "files, check the rendered pages.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def _input_errors() -> tuple[type[BaseException], ...]:
    from horizonlib.build.errors import InputError
    from horizonlib.data.errors import DataError

    # DataError: every data-layer input error (run files, the manifest, fetching, checksums)
    return (ParamsError, DataError, InputError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (see module docstring)."""
    args = build_parser().parse_args(argv)
    if getattr(args, "mirror", None):
        os.environ["HORIZON_DATA_MIRROR"] = str(Path(args.mirror).resolve())
    from horizonlib.build.errors import BuildError

    try:
        return int(args.handler(args) or 0)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    except _input_errors() as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
