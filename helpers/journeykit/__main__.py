"""Command line of the course kit.

``python -m journeykit generate --out datasets``
    Regenerate every sample table from its seed, bit for bit.
``python -m journeykit report --events FILE [--orders FILE] [--surveys FILE] --out FOLDER``
    Run the lesson-06 template on your data and write ``report.ipynb`` and a
    standalone ``report.html`` (figures embedded) into FOLDER. Every argument
    and input file is checked before the analysis starts; the report is
    written into a temporary folder next to FOLDER and moved into place only
    when it is complete, so a failed run leaves FOLDER as it was.
``python -m journeykit build --out build``
    Learner copies (no solutions) and slide decks of every lesson.
``python -m journeykit images --out docs/images``
    Redraw the README's pictures.
``python -m journeykit check``
    Check that this computer is ready for the course (for workshop participants).

Errors are one line on stderr, without a traceback; bad input exits with
status 2, an analysis that stops exits with status 1.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from journeykit.errors import JourneyKitError, ParameterError, SchemaError, did_you_mean
from journeykit.simulate import write_datasets

_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = _ROOT / "notebooks" / "06_your_own_data.ipynb"
_EVENT_FORMATS = ("contract", "ga4", "product_analytics")
_ORDER_FORMATS = ("contract", "online_retail", "shopify")
_PERIODS = ("D", "W", "M")
_REPORT_FILES = ("report.ipynb", "report.html")
_INPUTS = ("events", "orders", "surveys")
# formats whose files hold text timestamps, read with --time-format, --dayfirst and --input-tz
_TIMED_FORMATS = {"events": {"contract"}, "orders": {"contract", "online_retail"}, "surveys": {"contract"}}
_TIME_FLAGS = {"time_format": "--time-format", "dayfirst": "--dayfirst"}


class ReportError(Exception):
    """Bad input for a command; its message is the one-line reason shown to the user."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line, raised rather than printed with the usage."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ReportError(f"{message} (see '{self.prog} --help').")


def _first_line(text: str) -> str:
    """A multi-line message as one line: "table failed validation with 2 problems: <the first> (and 1 more)"."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if len(lines) > 1 and first.endswith(":"):
        first = f"{first} {lines[1].removeprefix('- ')}"
        if len(lines) > 2:
            first += f" (and {len(lines) - 2} more)"
    return first


def _one_line(error: BaseException) -> str:
    if isinstance(error, SchemaError):
        more = f" (and {len(error.problems) - 1} more problems)" if len(error.problems) > 1 else ""
        return f"{error.table}: {error.problems[0]}{more}"
    return _first_line(str(error)) or type(error).__name__


# ---------------------------------------------------------------------------
# The template's parameters
# ---------------------------------------------------------------------------


def _template_parameters() -> set[str]:
    """Names assigned in the template's cell tagged ``parameters``."""
    try:
        notebook = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReportError(f"the report template {TEMPLATE} cannot be read ({error}); run the command from a "
                          "complete copy of the course repository.") from None
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            names = set()
            for node in ast.parse(source).body:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                    if isinstance(node, ast.AnnAssign) else []
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            return names
    raise ReportError(f"the report template {TEMPLATE} has no cell tagged 'parameters'.")


def _parameters(args: argparse.Namespace, known: set[str]) -> tuple[dict, dict]:
    """The template's parameters from the command line, and the flag each came from (for messages).

    Only values given on the command line are set; the template's defaults
    apply to the rest.
    """
    params: dict = {}
    origin: dict = {}
    for name in _INPUTS:
        params[f"{name}_path"] = getattr(args, name) or None
        origin[f"{name}_path"] = f"--{name}"
    params["events_format"], origin["events_format"] = args.events_format, "--events-format"
    params["orders_format"], origin["orders_format"] = args.orders_format, "--orders-format"
    for attr, key, flag in (("title", "title", "--title"), ("stage_model", "stage_model", "--stage-model"),
                            ("window", "funnel_window", "--window"), ("segment", "segment", "--segment"),
                            ("period", "period", "--period"), ("input_tz", "time_zone", "--input-tz"),
                            ("currency", "currency", "--currency"),
                            ("purchase_event", "purchase_event", "--purchase-event"),
                            ("keep_unmapped", "keep_unmapped", "--keep-unmapped")):
        value = getattr(args, attr)
        if value is not None:
            params[key], origin[key] = value, flag
    if args.funnel_steps is not None:
        steps = [step.strip() for step in args.funnel_steps.split(",")]
        empty = [i for i, step in enumerate(steps, start=1) if not step]
        if empty:
            raise ReportError(f"--funnel-steps {args.funnel_steps!r}: step {empty[0]} is empty; give event names "
                              "separated by commas, e.g. --funnel-steps visit,add_to_cart,purchase.")
        params["funnel_steps"], origin["funnel_steps"] = steps, "--funnel-steps"
    for item in args.param or []:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ReportError(f"--param {item!r} should look like KEY=VALUE (VALUE as JSON, e.g. "
                              "'events_columns={\"customer\": \"user_id\"}').")
        if key not in known:
            close = did_you_mean(key, sorted(known))
            hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
            raise ReportError(f"--param {key}: the template has no parameter {key!r}{hint}; its parameters are "
                              f"{', '.join(sorted(known))}.")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
        origin[key] = f"--param {key}"
    return params, origin


# ---------------------------------------------------------------------------
# Checks, all before any work
# ---------------------------------------------------------------------------


def _check_paths(params: dict, origin: dict) -> None:
    if not params.get("events_path") and not params.get("orders_path"):
        raise ReportError("give at least --events or --orders.")
    for name in _INPUTS:
        key = f"{name}_path"
        value = params.get(key)
        if value is None:
            continue
        flag = origin[key]
        if not isinstance(value, str) or not value.strip():
            raise ReportError(f"{flag}: expected the path of a file, got {value!r}.")
        path = Path(value).expanduser()
        if not path.exists():
            where = "" if path.is_absolute() else f" (relative to {Path.cwd()})"
            raise ReportError(f"{flag}: {value}: no such file{where}. Check the path.")
        if path.is_dir():
            raise ReportError(f"{flag}: {value}: is a folder, not a file; pass the file itself.")
        if not path.is_file():
            raise ReportError(f"{flag}: {value}: is not a regular file.")


def _check_out(args: argparse.Namespace) -> Path:
    """The resolved output folder: not a link, not in datasets/, not over a report unless --force."""
    from journeykit import datasets

    if not args.out.strip():
        raise ReportError("--out is empty; give the folder to write the report into, e.g. --out reports/my_shop.")
    given = Path(args.out).expanduser()
    if given.is_symlink():
        raise ReportError(f"--out {args.out} is a symbolic link (to {os.readlink(given)}); the report is never "
                          "written through a link. Give the real folder, or another one.")
    out = given.resolve()
    for protected in {(_ROOT / "datasets").resolve(), datasets.data_dir().resolve()}:
        if out == protected or protected in out.parents:
            raise ReportError(f"--out {out} is inside datasets/ ({protected}), which holds the course's sample data; "
                              "choose another folder, e.g. reports/my_report.")
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file, not a folder; choose a folder for the report.")
    for name in _REPORT_FILES:
        target = out / name
        if target.is_symlink():
            raise ReportError(f"--out: {target} is a symbolic link; the report is never written through a link. "
                              "Remove the link or choose another --out.")
        if target.is_dir():
            raise ReportError(f"--out: {target} is a folder; remove it or choose another --out.")
    existing = [name for name in _REPORT_FILES if (out / name).exists()]
    if existing and not args.force:
        raise ReportError(f"--out {out} already holds {', '.join(existing)}; pass --force to overwrite it, "
                          "or choose another --out.")
    return out


def _check_values(params: dict, origin: dict) -> None:
    """Every template parameter given on the command line, checked the way the kit checks it."""
    import journeykit as jk
    from journeykit import params as check
    from journeykit.timestamps import TimeOptions

    def label(key: str) -> str:
        return origin.get(key, f"--param {key}")

    try:
        for key, formats in (("events_format", _EVENT_FORMATS), ("orders_format", _ORDER_FORMATS)):
            if params[key] not in formats:
                close = did_you_mean(params[key], formats) if isinstance(params[key], str) else []
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ReportError(f"{label(key)} {params[key]!r}{hint}; choose one of {', '.join(formats)}.")
        if "stage_model" in params:
            check.name(params["stage_model"], label("stage_model"))
            try:
                model = jk.stage_model(params["stage_model"])
            except JourneyKitError as error:
                raise ReportError(f"{label('stage_model')}: {error} See jk.stage_presets().") from None
        else:
            model = None
        if "funnel_window" in params:
            check.duration(params["funnel_window"], label("funnel_window"))
        if "funnel_steps" in params:
            steps = check.names(params["funnel_steps"], label("funnel_steps"))
            repeated = sorted({s for s in steps if steps.count(s) > 1})
            if repeated:
                raise ReportError(f"{label('funnel_steps')}: {', '.join(map(repr, repeated))} appears more than "
                                  "once; each funnel step is a different event.")
        if "period" in params:
            check.choice(params["period"], label("period"), list(_PERIODS))
        for key in ("title", "segment", "purchase_event", "currency"):
            if key in params:
                check.name(params[key], label(key))
        if "keep_unmapped" in params:
            check.name(params["keep_unmapped"], label("keep_unmapped"), allow_none=True)
        if "time_zone" in params and params["time_zone"] is not None:
            try:
                TimeOptions(input_tz=params["time_zone"])
            except ParameterError as error:
                raise ReportError(f"{label('time_zone')}: {error}") from None
        for key in ("events_columns", "orders_columns", "surveys_columns", "stage_events"):
            value = params.get(key)
            if key in params and not (isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str)
                                                                       for k, v in value.items())):
                raise ReportError(f"{label(key)}: expected a JSON object of names, e.g. "
                                  f"{key}='{{\"your name\": \"contract name\"}}', got {value!r}.")
        if "stage_events" in params:
            stage_model = model or jk.stage_model("6-stage")
            unknown = sorted(set(params["stage_events"].values()) - set(stage_model.stage_names))
            if unknown:
                stages = ", ".join(map(repr, stage_model.stage_names))
                raise ReportError(f"{label('stage_events')}: {', '.join(map(repr, unknown))} is not a stage of "
                                  f"{stage_model.name!r}; its stages are {stages}.")
    except ParameterError as error:
        raise ReportError(str(error)) from None


def _check_time(args: argparse.Namespace, params: dict, origin: dict, known: set[str]) -> tuple[dict, dict]:
    """The reader time options given, and those the template cannot take (its parameters lack them)."""
    from journeykit.timestamps import TimeOptions

    given = {key: getattr(args, key) for key in _TIME_FLAGS if getattr(args, key) is not None}
    try:
        TimeOptions(**given)
    except ParameterError as error:
        flag = _TIME_FLAGS.get(error.parameter or "", "--time-format")
        raise ReportError(f"{flag}: {error}") from None
    explicit = {**given, **({"time_zone": params["time_zone"]} if "time_zone" in origin else {})}
    timed = [name for name in _INPUTS if params.get(f"{name}_path")
             and params.get(f"{name}_format", "contract") in _TIMED_FORMATS[name]]
    if explicit and not timed:
        flags = ", ".join("--monthfirst" if key == "dayfirst" and not value else _TIME_FLAGS.get(key) or origin[key]
                          for key, value in explicit.items())
        raise ReportError(f"{flags}: none of the files given has text timestamps for this to apply to (GA4, product "
                          "analytics and Shopify exports carry their own time format); leave it out.")
    for key, value in given.items():
        if key in known:
            params[key] = value
    return given, {key: value for key, value in given.items() if key not in known}


def _check_inputs(params: dict, origin: dict, time: dict, unsupported: dict) -> dict[str, pd.DataFrame]:
    """Read every input once with the readers the template uses; fail fast with a one-line reason."""
    import journeykit as jk
    from journeykit.errors import unknown_names

    zone = {"input_tz": params.get("time_zone")}
    readers = {
        "events": {"contract": lambda p, t: jk.read_events(p, columns=params.get("events_columns") or None, **t),
                   "ga4": lambda p, t: jk.read_ga4(p),
                   "product_analytics": lambda p, t: jk.read_product_analytics(p)}[params["events_format"]],
        "orders": {"contract": lambda p, t: jk.read_orders(p, columns=params.get("orders_columns") or None, **t),
                   "online_retail": lambda p, t: jk.read_online_retail(p, **t),
                   "shopify": lambda p, t: jk.read_shopify_orders(p)}[params["orders_format"]],
        "surveys": lambda p, t: jk.read_surveys(p, columns=params.get("surveys_columns") or None, **t),
    }
    tables: dict[str, pd.DataFrame] = {}
    for name, reader in readers.items():
        path = params.get(f"{name}_path")
        if not path:
            continue
        takes_time = params.get(f"{name}_format", "contract") in _TIMED_FORMATS[name]
        try:
            tables[name] = reader(path, {**zone, **time} if takes_time else {})
        except JourneyKitError as error:
            raise ReportError(f"{origin[f'{name}_path']}: {_one_line(error)}") from None
        except Exception as error:  # noqa: BLE001 - a one-line reason, never a traceback
            raise ReportError(f"{origin[f'{name}_path']}: {path} could not be read ({type(error).__name__}: "
                              f"{_one_line(error)}).") from None
        if takes_time and unsupported:
            _check_template_reads_alike(name, path, reader, tables[name], zone, time, unsupported)
    events = tables.get("events")
    names = set(events["event"]) if events is not None else {params.get("purchase_event", "purchase")}
    columns = list(events.columns) if events is not None else ["user_id", "timestamp", "event"]
    try:
        if "funnel_steps" in origin:
            unknown_names(params["funnel_steps"], names, origin["funnel_steps"])
        if "purchase_event" in origin and events is not None:
            unknown_names([params["purchase_event"]], names, origin["purchase_event"])
    except ParameterError as error:
        raise ReportError(str(error)) from None
    if "segment" in origin and params["segment"] not in columns:
        close = did_you_mean(params["segment"], columns)
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        raise ReportError(f"{origin['segment']}: the events have no column {params['segment']!r}{hint}; their "
                          f"columns are {', '.join(map(repr, columns))}.")
    return tables


def _check_template_reads_alike(name: str, path: str, reader, table: pd.DataFrame, zone: dict, time: dict,
                                unsupported: dict) -> None:
    """The template reads without the options it has no parameter for: refuse if that would change the data."""
    flags = " and ".join(_TIME_FLAGS[key] for key in unsupported)
    missing = " and ".join(repr(key) for key in unsupported)
    fix = ("write the timestamps as ISO 8601 (2025-03-31 14:30:00) in the file, or run the notebook yourself with "
           "the option added to its readers.")
    try:
        plain = reader(path, {**zone, **{k: v for k, v in time.items() if k not in unsupported}})
    except JourneyKitError as error:
        raise ReportError(f"{flags}: the report template ({TEMPLATE.name}) has no {missing} parameter and cannot "
                          f"read --{name} without it ({_one_line(error)}); {fix}") from None
    if not plain["timestamp"].equals(table["timestamp"]):
        raise ReportError(f"{flags}: the report template ({TEMPLATE.name}) has no {missing} parameter, and without "
                          f"it the timestamps of --{name} read differently; {fix}")


def _prepare(args: argparse.Namespace) -> tuple[Path, dict]:
    """Check every argument and input; the output folder and the template's parameters."""
    known = _template_parameters()
    params, origin = _parameters(args, known)
    _check_paths(params, origin)
    out = _check_out(args)
    _check_values(params, origin)
    time, unsupported = _check_time(args, params, origin, known)
    _check_inputs(params, origin, time, unsupported)
    for name in _INPUTS:  # absolute paths: the template runs in its own folder
        if params.get(f"{name}_path"):
            params[f"{name}_path"] = str(Path(params[f"{name}_path"]).expanduser().resolve())
    return out, params


# ---------------------------------------------------------------------------
# Writing, all or nothing
# ---------------------------------------------------------------------------


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones created, outermost first."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()][::-1]
    for path in missing:
        path.mkdir()
    return missing


def _remove_folders(created: list[Path]) -> None:
    for path in reversed(created):
        try:
            path.rmdir()
        except OSError:
            pass


def report(args: argparse.Namespace) -> int:
    """Run the template with papermill, then export HTML. Returns the exit status."""
    try:
        out, params = _prepare(args)
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    try:
        created = _make_folder(out.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", suffix=".partial", dir=out.parent))
    except OSError as error:
        print(f"error: --out: cannot write into {out.parent} ({error.strerror or error}).", file=sys.stderr)
        return 2
    done = False
    nothing = f"nothing was written to {out}"
    try:
        notebook = staging / "report.ipynb"
        print(f"running the analysis ({TEMPLATE.name}) on your data...", file=sys.stderr)
        try:
            papermill.execute_notebook(str(TEMPLATE), str(notebook), parameters=params, cwd=str(TEMPLATE.parent),
                                       progress_bar=not args.quiet, kernel_name="python3")
        except papermill.PapermillExecutionError as error:
            reason = f"{error.ename}: {_first_line(error.evalue or '')}".rstrip(": ")
            print(f"error: the analysis stopped at cell {error.exec_count}: {reason} ({nothing})", file=sys.stderr)
            return 1
        executed = nbformat.read(notebook, as_version=4)
        html, _ = HTMLExporter(template_name="lab").from_notebook_node(executed)
        (staging / "report.html").write_text(html, encoding="utf-8")
        for name in _REPORT_FILES:  # checked before the run; checked again, as the folder may have changed
            if (out / name).is_symlink():
                print(f"error: --out: {out / name} became a symbolic link during the run; {nothing}.",
                      file=sys.stderr)
                return 2
        out.mkdir(exist_ok=True)
        for name in _REPORT_FILES:
            os.replace(staging / name, out / name)
        done = True
    except KeyboardInterrupt:
        print(f"error: interrupted; {nothing}.", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - kernel failures, a full disk, ...: one line, never a traceback
        print(f"error: the report could not be written ({type(error).__name__}: {_one_line(error)}); {nothing}.",
              file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not done:
            _remove_folders(created)
    print(f"wrote {out / 'report.ipynb'}\nwrote {out / 'report.html'}")
    return 0


def setup_check() -> int:
    """Print the environment check and try the kit once; 0 when ready, 1 otherwise."""
    import journeykit as jk

    report_table = jk.check_environment()
    print(report_table.to_string(index=False))
    ok = bool(report_table["ok"].all())
    if ok:
        events = jk.datasets.load("shop_events")
        users = jk.funnel(events, ["visit", "purchase"], window="7D")["users"].tolist()
        print(f"\nTried the kit on the sample shop: {users[0]:,} visitors, {users[1]:,} buyers within 7 days.")
        print("Ready for the course.")
    else:
        print("\nNot ready: fix the rows marked False (usually: pip install -r requirements.txt from the top folder).")
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m journeykit", description="Customer Journey Lab tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="regenerate the sample datasets from their seeds")
    generate.add_argument("--out", default="datasets", help="folder to write the CSV files to (default: datasets)")

    rep = commands.add_parser("report", help="run the whole analysis on your data and write a notebook and HTML",
                              description="Run the lesson-06 template on your files and write report.ipynb and "
                                          "report.html into --out. Everything is checked before the analysis "
                                          "starts; a failed run leaves --out as it was.")
    rep.add_argument("--events", help="event log (CSV or Parquet; JSON lines for product_analytics)")
    rep.add_argument("--events-format", default="contract", help=f"one of {', '.join(_EVENT_FORMATS)}")
    rep.add_argument("--orders", help="order table (CSV or Parquet)")
    rep.add_argument("--orders-format", default="contract", help=f"one of {', '.join(_ORDER_FORMATS)}")
    rep.add_argument("--surveys", help="survey answers (CSV or Parquet)")
    rep.add_argument("--out", required=True, help="folder for report.ipynb and report.html (not a link, not in "
                                                  "datasets/)")
    rep.add_argument("--force", action="store_true", help="overwrite an existing report in --out")
    rep.add_argument("--title", help="title of the report")
    rep.add_argument("--stage-model", help="stage preset, e.g. 6-stage or subscription (see jk.stage_presets())")
    rep.add_argument("--funnel-steps", help="comma-separated event names, e.g. visit,add_to_cart,purchase")
    rep.add_argument("--window", help="funnel window with its unit, e.g. 7D, 24h or 30min")
    rep.add_argument("--segment", help="column to compare segments by (default: channel)")
    rep.add_argument("--period", metavar="{D,W,M}", help="cohort period: D, W or M")
    rep.add_argument("--purchase-event", help="event name of a purchase (default: purchase)")
    rep.add_argument("--keep-unmapped", help="label for events no stage takes, instead of an error")
    rep.add_argument("--input-tz", "--tz", dest="input_tz", metavar="ZONE",
                     help="zone of naive timestamps in your files, e.g. Europe/London (--tz is the old name)")
    rep.add_argument("--time-format", help="strftime format of text timestamps that are not ISO 8601, "
                                           "e.g. '%%d/%%m/%%Y %%H:%%M'")
    order = rep.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
                       help="dates like 03/04/2025 are day/month/year")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="dates like 03/04/2025 are month/day/year")
    rep.add_argument("--currency", help="currency label of revenue")
    rep.add_argument("--param", action="append", metavar="KEY=VALUE",
                     help="any other template parameter, VALUE as JSON (repeatable)")
    rep.add_argument("--quiet", action="store_true", help="no progress bar")
    build = commands.add_parser("build", help="learner copies and slide decks of every lesson")
    build.add_argument("--out", default="build", help="folder to write into (default: build)")
    images = commands.add_parser("images", help="redraw the README's pictures")
    images.add_argument("--out", default="docs/images", help="folder to write into (default: docs/images)")
    commands.add_parser("check", help="check that this computer is ready for the course")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "report":
        return report(args)
    try:
        if args.command == "build":
            from journeykit.course import build as build_course

            written = build_course(args.out)
            print(f"wrote {len(written['learner'])} learner notebooks to {Path(args.out) / 'learner'} and "
                  f"{len(written['slides'])} slide decks to {Path(args.out) / 'slides'}")
            return 0
        if args.command == "images":
            from journeykit.course import draw_readme_images

            for path in draw_readme_images(args.out):
                print(f"wrote {path}")
            return 0
        if args.command == "check":
            return setup_check()
        for path in write_datasets(args.out):
            rows = len(pd.read_csv(path))
            print(f"wrote {path} ({rows:,} rows, {path.stat().st_size / 1e6:.2f} MB)")
        return 0
    except JourneyKitError as error:
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.filename or ''}{': ' if error.filename else ''}{error.strerror or error}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
