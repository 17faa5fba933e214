"""Command line of the course kit.

``python -m journeykit generate --out datasets``
    Regenerate every sample table from its seed, bit for bit.
``python -m journeykit report [--events FILE] [--orders FILE] [--surveys FILE] --out FOLDER``
    A report on your own data, from any of the three inputs (at least one):
    ``report.html`` (one self-contained page, no code), ``report.ipynb``,
    ``tables/`` (one CSV per table shown) and ``summary.json`` in FOLDER.
    Every argument and input file is checked, and every file read once,
    before the analysis starts; the validated tables are handed to the
    report template (shipped in :mod:`journeykit.report`) in a temporary
    folder next to FOLDER, where the report is written and from which it is
    moved into place only when complete, so a failed run leaves FOLDER as it was.
``python -m journeykit build --out build``
    Learner copies (no solutions) and slide decks of every lesson.
``python -m journeykit images --out docs/images``
    Redraw the README's pictures.
``python -m journeykit api --out docs/api.md``
    Write the API reference page from the docstrings.
``python -m journeykit check``
    Check that this computer is ready for the course (for workshop participants).

Errors are one line on stderr, without a traceback; bad input exits with
status 2, an analysis that stops exits with status 1.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from journeykit.course.simulate import write_datasets
from journeykit.errors import JourneyKitError, ParameterError, SchemaError, did_you_mean
from journeykit.report import template_path

TEMPLATE = template_path()
"""The report template: a notebook inside the installed package."""
_EVENT_FORMATS = ("contract", "ga4", "product_analytics")
_ORDER_FORMATS = ("contract", "online_retail", "shopify")
_PERIODS = ("D", "W", "M")
_REPORT_FILES = ("report.ipynb", "report.html", "summary.json")
_REPORT_FOLDERS = ("tables",)
_INPUTS = ("events", "orders", "surveys")
_INTERNAL = ("data_dir", "out_dir")  # template parameters the command sets itself
# formats whose files hold text timestamps, read with --time-format, --dayfirst and --input-tz
_TIMED_FORMATS = {"events": {"contract"}, "orders": {"contract", "online_retail"}, "surveys": {"contract"}}
_TIME_FLAGS = {"time_format": "--time-format", "dayfirst": "--dayfirst"}
# the contract's columns, per input (what --columns may map onto)
_CONTRACT = {"events": ("user_id", "timestamp", "event", "channel", "device", "session_id", "revenue"),
             "orders": ("order_id", "user_id", "timestamp", "revenue", "items", "channel"),
             "surveys": ("user_id", "timestamp", "touchpoint", "stage", "nps", "csat", "comment")}
# invoice-line columns that only --orders-format online_retail reads
_RETAIL_KEYS = ("Quantity", "UnitPrice", "StockCode")
_COLUMN_KEYS = ("user_id", "timestamp", "event", "order_id", "revenue", "touchpoint", "stage", "nps", "csat",
                "comment", "channel", "device", "session_id", *_RETAIL_KEYS)
# formats whose files take a column mapping, and the contract names each can take
_MAPPABLE = {("events", "contract"): _CONTRACT["events"], ("orders", "contract"): _CONTRACT["orders"],
             ("orders", "online_retail"): ("order_id", "user_id", "timestamp", *_RETAIL_KEYS),
             ("surveys", "contract"): _CONTRACT["surveys"]}
# options that act on the event log only: refused when no event log is given
_EVENT_OPTIONS = ("funnel_steps", "segment", "purchase_event")


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
        notebook = json.loads(Path(TEMPLATE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReportError(f"the report template {TEMPLATE} cannot be read ({error}); reinstall journeykit.") from None
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
    if args.drop_shared_invoices:
        params["drop_shared_invoices"], origin["drop_shared_invoices"] = True, "--drop-shared-invoices"
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
        if key in _INTERNAL:
            raise ReportError(f"--param {key}: the command sets {key} itself; leave it out.")
        if key not in known:
            choices = sorted(known - set(_INTERNAL))
            close = did_you_mean(key, choices)
            hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
            raise ReportError(f"--param {key}: the template has no parameter {key!r}{hint}; its parameters are "
                              f"{', '.join(choices)}.")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
        origin[key] = f"--param {key}"
    return params, origin


def _columns(text: str | None) -> dict[str, str]:
    """``--columns user_id=CustomerID,timestamp=InvoiceDate`` as ``{contract name: your column}``."""
    if text is None:
        return {}
    mapping: dict[str, str] = {}
    for item in text.split(","):
        key, sep, name = (part.strip() for part in item.partition("="))
        if not sep or not key or not name:
            raise ReportError(f"--columns {text!r}: {item.strip()!r} should look like KEY=NAME, the contract's "
                              "name then yours, e.g. --columns user_id=CustomerID,timestamp=InvoiceDate.")
        if key not in _COLUMN_KEYS:
            close = did_you_mean(key, _COLUMN_KEYS)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ReportError(f"--columns: {key!r}{hint} is not a column of the data contract; the keys are "
                              f"{', '.join(_COLUMN_KEYS)}.")
        if key in mapping:
            raise ReportError(f"--columns: {key!r} is given twice ({mapping[key]!r} and {name!r}); map each "
                              "contract column once.")
        if name in mapping.values():
            other = next(k for k, v in mapping.items() if v == name)
            raise ReportError(f"--columns: your column {name!r} is mapped onto both {other!r} and {key!r}; "
                              "one column plays one part.")
        mapping[key] = name
    return mapping


# ---------------------------------------------------------------------------
# Checks, all before any work
# ---------------------------------------------------------------------------


def _check_paths(params: dict, origin: dict) -> None:
    if not any(params.get(f"{name}_path") for name in _INPUTS):
        raise ReportError("give at least one of --events, --orders or --surveys.")
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
    from journeykit.course import datasets

    if not args.out.strip():
        raise ReportError("--out is empty; give the folder to write the report into, e.g. --out reports/my_shop.")
    given = Path(args.out).expanduser()
    if given.is_symlink():
        raise ReportError(f"--out {args.out} is a symbolic link (to {os.readlink(given)}); the report is never "
                          "written through a link. Give the real folder, or another one.")
    out = given.resolve()
    protected = datasets.sample_folder(out)
    if protected is not None:
        raise ReportError(f"--out {out} is inside datasets/ ({protected}), which holds the course's sample data; "
                          "choose another folder, e.g. reports/my_report.")
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file, not a folder; choose a folder for the report.")
    for name in (*_REPORT_FILES, *_REPORT_FOLDERS):
        target = out / name
        if target.is_symlink():
            raise ReportError(f"--out: {target} is a symbolic link; the report is never written through a link. "
                              "Remove the link or choose another --out.")
        if name in _REPORT_FILES and target.is_dir():
            raise ReportError(f"--out: {target} is a folder; remove it or choose another --out.")
        if name in _REPORT_FOLDERS and target.exists() and not target.is_dir():
            raise ReportError(f"--out: {target} is a file where the report puts a folder; remove it or choose "
                              "another --out.")
    existing = [name for name in (*_REPORT_FILES, *_REPORT_FOLDERS) if (out / name).exists()]
    if existing and not args.force:
        raise ReportError(f"--out {out} already holds {', '.join(existing)}; pass --force to overwrite it, "
                          "or choose another --out.")
    return out


def _check_values(params: dict, origin: dict) -> None:
    """Every template parameter given on the command line, checked the way the kit checks it."""
    import journeykit as jk
    from journeykit import params as check
    from journeykit.io.timestamps import TimeOptions

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
        if "funnel_steps" in params and params["funnel_steps"] is not None:
            steps = check.names(params["funnel_steps"], label("funnel_steps"))
            repeated = sorted({s for s in steps if steps.count(s) > 1})
            if repeated:
                raise ReportError(f"{label('funnel_steps')}: {', '.join(map(repr, repeated))} appears more than "
                                  "once; each funnel step is a different event.")
            if len(steps) < 2:
                raise ReportError(f"{label('funnel_steps')}: a funnel needs at least two steps, got {steps}.")
        if "period" in params:
            check.choice(params["period"], label("period"), list(_PERIODS))
        for key in ("title", "purchase_event"):
            if key in params:
                check.name(params[key], label(key))
        for key in ("segment", "currency", "keep_unmapped", "time_format"):
            if key in params:
                check.name(params[key], label(key), allow_none=True)
        if "drop_shared_invoices" in params:
            check.flag(params["drop_shared_invoices"], label("drop_shared_invoices"))
        if "dayfirst" in params and params["dayfirst"] is not None:
            check.flag(params["dayfirst"], label("dayfirst"))
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


def _check_applicable(params: dict, origin: dict) -> None:
    """Options that act on an input not given are refused: they would silently do nothing."""
    if not params.get("events_path"):
        given = [origin[key] for key in _EVENT_OPTIONS if key in origin]
        if given:
            raise ReportError(f"{', '.join(given)}: {'this option acts' if len(given) == 1 else 'these options act'}"
                              " on an event log, and no --events was given; add --events or leave "
                              f"{'it' if len(given) == 1 else 'them'} out.")
    if params.get("drop_shared_invoices") and not (params.get("orders_path")
                                                   and params.get("orders_format") == "online_retail"):
        raise ReportError(f"{origin.get('drop_shared_invoices', '--drop-shared-invoices')}: applies to invoice "
                          "lines read with --orders-format online_retail; leave it out.")


def _check_time(args: argparse.Namespace, params: dict, origin: dict) -> dict:
    """The reader time options given; refused when no file given has text timestamps for them to apply to."""
    from journeykit.io.timestamps import TimeOptions

    given = {key: getattr(args, key) for key in _TIME_FLAGS if getattr(args, key) is not None}
    given.update({key: params[key] for key in _TIME_FLAGS if key not in given and params.get(key) is not None})
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
        params[key] = value
        origin.setdefault(key, "--monthfirst" if key == "dayfirst" and not value else _TIME_FLAGS[key])
    return given


def _file_columns(path: str) -> list[str] | None:
    """The column names in a CSV or Parquet file's header (None when they cannot be read)."""
    from journeykit.io.files import _Source

    try:
        return list(_Source(path).header)
    except JourneyKitError:
        return None  # the reader says what is wrong with the file, naming it


def _mappings(params: dict, origin: dict, columns: dict[str, str]) -> dict[str, dict[str, str]]:
    """Per input, the column mapping its reader gets (your column → contract column).

    ``--columns`` applies to every input file that has the named column and
    whose table has that contract column; a name found in no file is refused.
    ``--param <input>_columns`` entries are added (and win).
    """
    out: dict[str, dict[str, str]] = {}
    used: set[str] = set()
    headers: dict[str, list[str]] = {}
    for name in _INPUTS:
        path = params.get(f"{name}_path")
        if not path:
            continue
        fmt = params.get(f"{name}_format", "contract")
        accepted = _MAPPABLE.get((name, fmt))
        mapping: dict[str, str] = {}
        if columns and accepted is not None:
            header = _file_columns(path)
            headers[name] = header or []
            for key, column in columns.items():
                if header is not None and column in header and key in accepted and column != key:
                    mapping[column] = key
                    used.add(key)
                elif header is not None and column in header and key in accepted:
                    used.add(key)
        mapping.update(params.get(f"{name}_columns") or {})
        out[name] = mapping
    unused = {key: column for key, column in columns.items() if key not in used}
    if unused:
        key, column = next(iter(unused.items()))
        seen = sorted({c for header in headers.values() for c in header})
        close = did_you_mean(column, seen)
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        kinds = [n for n in headers if key in _MAPPABLE.get((n, params.get(f"{n}_format", "contract")), ())]
        if kinds:
            raise ReportError(f"--columns {key}={column}: no {' or '.join(kinds)} file given has a column "
                              f"{column!r}{hint}; the columns of the files are "
                              f"{', '.join(map(repr, seen[:20])) or '(none readable)'}.")
        fixed = [f"--{n}-format {params[f'{n}_format']}" for n in ("events", "orders") if params.get(f"{n}_path")
                 and (n, params.get(f"{n}_format", "contract")) not in _MAPPABLE]
        reason = (f"{' and '.join(fixed)} {'reads its' if len(fixed) == 1 else 'read their'} own column names"
                  if fixed else "no input given has that column")
        raise ReportError(f"--columns {key}={column}: {reason}; --columns maps columns of files read as contract "
                          "tables (and the invoice, customer, date, Quantity, UnitPrice and StockCode of online_retail invoice "
                          "lines).")
    return out


def _check_inputs(params: dict, origin: dict, time: dict, mappings: dict[str, dict[str, str]]
                  ) -> dict[str, pd.DataFrame]:
    """Read every input once, with the readers the report uses; fail fast with a one-line reason."""
    import journeykit as jk
    from journeykit.errors import unknown_names

    zone = {"input_tz": params.get("time_zone")}
    shared = {"drop_shared_invoices": True} if params.get("drop_shared_invoices") else {}
    readers = {
        "events": {"contract": lambda p, t: jk.read_events(p, columns=mappings["events"] or None, **t),
                   "ga4": lambda p, t: jk.read_ga4(p),
                   "product_analytics": lambda p, t: jk.read_product_analytics(p)}[params["events_format"]],
        "orders": {"contract": lambda p, t: jk.read_orders(p, columns=mappings["orders"] or None, **t),
                   "online_retail": lambda p, t: jk.read_online_retail(p, columns=mappings["orders"] or None,
                                                                       **shared, **t),
                   "shopify": lambda p, t: jk.read_shopify_orders(p)}[params["orders_format"]],
        "surveys": lambda p, t: jk.read_surveys(p, columns=mappings["surveys"] or None, **t),
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
    events = tables.get("events")
    if events is None:
        return tables
    names = set(events["event"].unique())
    try:
        if params.get("funnel_steps") is not None:
            unknown_names(params["funnel_steps"], names, origin.get("funnel_steps", "--param funnel_steps"))
        if "purchase_event" in origin:
            unknown_names([params["purchase_event"]], names, origin["purchase_event"])
    except ParameterError as error:
        raise ReportError(str(error)) from None
    columns = list(events.columns)
    if "segment" in origin and params["segment"] is not None and params["segment"] not in columns:
        close = did_you_mean(params["segment"], columns)
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        raise ReportError(f"{origin['segment']}: the events have no column {params['segment']!r}{hint}; their "
                          f"columns are {', '.join(map(repr, columns))}.")
    return tables


def _prepare(args: argparse.Namespace) -> tuple[Path, dict, tuple[dict, dict]]:
    """Check every argument and read every input once.

    Returns the output folder, the template's parameters, and the validated
    tables with what to say about their files.
    """
    known = _template_parameters()
    params, origin = _parameters(args, known)
    columns = _columns(args.columns)
    _check_paths(params, origin)
    out = _check_out(args)
    _check_values(params, origin)
    _check_applicable(params, origin)
    time = _check_time(args, params, origin)
    mappings = _mappings(params, origin, columns)
    tables = _check_inputs(params, origin, time, mappings)
    sources = {}
    for name in _INPUTS:
        if params.get(f"{name}_path"):
            resolved = Path(params[f"{name}_path"]).expanduser().resolve()
            params[f"{name}_path"] = str(resolved)
            sources[name] = {"file": resolved.name, "format": params.get(f"{name}_format", "contract"),
                             "columns": mappings.get(name) or {}}
            if mappings.get(name) and f"{name}_columns" in known:
                params[f"{name}_columns"] = mappings[name]
    return out, params, (tables, sources)


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


def _move_into_place(staging: Path, out: Path) -> None:
    """Move the finished report from ``staging`` into ``out``, each file and folder by one rename."""
    out.mkdir(exist_ok=True)
    for name in _REPORT_FOLDERS:  # a folder cannot be renamed over a full one: the old one is moved aside first
        if (out / name).is_dir():
            os.replace(out / name, staging / f"previous-{name}")
        os.replace(staging / name, out / name)
    for name in _REPORT_FILES:
        os.replace(staging / name, out / name)


def _run_template(staging: Path, params: dict, tables: dict, sources: dict, quiet: bool, nothing: str) -> int:
    """Save the inputs, run the template in ``staging`` and export the page; 0, or the exit status of a failure."""
    import nbformat
    import papermill

    from journeykit.report import notebook_to_html, save_inputs

    inputs = save_inputs(staging / "inputs", tables, sources)
    tables.clear()  # the kernel reads the saved copies; free the memory while it runs
    gc.collect()
    known = _template_parameters()
    values = {key: value for key, value in params.items() if key in known}
    values.update(data_dir=str(inputs), out_dir=str(staging))
    notebook = staging / "report.ipynb"
    if not quiet:
        print("running the analysis on your data...", file=sys.stderr)
    try:
        papermill.execute_notebook(str(TEMPLATE), str(notebook), parameters=values, cwd=str(staging),
                                   progress_bar=not quiet and sys.stderr.isatty(), kernel_name="python3",
                                   extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except papermill.PapermillExecutionError as error:
        reason = f"{error.ename}: {_first_line(error.evalue or '')}".rstrip(": ")
        print(f"error: the analysis stopped at cell {error.exec_count}: {reason} ({nothing})", file=sys.stderr)
        return 1
    executed = nbformat.read(notebook, as_version=4)
    (staging / "report.html").write_text(notebook_to_html(executed), encoding="utf-8")
    missing = [name for name in (*_REPORT_FILES, *_REPORT_FOLDERS) if not (staging / name).exists()]
    if missing:
        print(f"error: the report template did not write {', '.join(missing)}; {nothing}.", file=sys.stderr)
        return 1
    return 0


def report(args: argparse.Namespace) -> int:
    """Check everything, read every input once, run the template with papermill, export the page. Exit status."""
    try:
        out, params, (tables, sources) = _prepare(args)
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        created = _make_folder(out.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", suffix=".partial", dir=out.parent))
    except OSError as error:
        print(f"error: --out: cannot write into {out.parent} ({error.strerror or error}).", file=sys.stderr)
        return 2
    done = False
    nothing = f"nothing was written to {out}"
    quiet = args.quiet
    try:
        failure = _run_template(staging, params, tables, sources, quiet, nothing)
        if failure:
            return failure
        for name in (*_REPORT_FILES, *_REPORT_FOLDERS):  # checked before the run; again, as the folder may change
            if (out / name).is_symlink():
                print(f"error: --out: {out / name} became a symbolic link during the run; {nothing}.",
                      file=sys.stderr)
                return 2
        _move_into_place(staging, out)
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
    shown = Path(args.out).expanduser()  # as the user wrote it: relative stays relative
    print("\n".join(f"wrote {shown / name}" for name in ("report.html", "report.ipynb", "summary.json", "tables")))
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
        print("\nNot ready: fix the rows marked False; each says how (a missing package: pip install -r "
              "requirements.txt from the top folder).")
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m journeykit", description="Customer Journey Lab tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="regenerate the sample datasets from their seeds")
    generate.add_argument("--out", default="datasets", help="folder to write the CSV files to (default: datasets)")

    rep = commands.add_parser("report", help="a report on your data: a web page to hand on, tables and a summary",
                              description="Write a report on your events, orders and/or survey answers (at least "
                                          "one) into --out: report.html (one self-contained page, no code), "
                                          "report.ipynb, tables/ (one CSV per table shown) and summary.json. "
                                          "Sections your inputs cannot support are left out with the reason. "
                                          "Everything is checked, and every file read once, before the analysis "
                                          "starts; a failed run leaves --out as it was.")
    rep.add_argument("--events", help="event log (CSV or Parquet; JSON lines for product_analytics)")
    rep.add_argument("--events-format", default="contract", help=f"one of {', '.join(_EVENT_FORMATS)}")
    rep.add_argument("--orders", help="order table (CSV or Parquet); invoice lines with --orders-format "
                                      "online_retail")
    rep.add_argument("--orders-format", default="contract", help=f"one of {', '.join(_ORDER_FORMATS)}")
    rep.add_argument("--surveys", help="survey answers (CSV or Parquet)")
    rep.add_argument("--out", required=True, help="folder for the report (not a link, not in datasets/)")
    rep.add_argument("--force", action="store_true", help="overwrite an existing report in --out")
    rep.add_argument("--columns", metavar="KEY=NAME,...",
                     help="your column names for the contract's, e.g. user_id=CustomerID,timestamp=InvoiceDate,"
                          f"revenue=amount; applied to every input file that has the column. Keys: "
                          f"{', '.join(_COLUMN_KEYS)}")
    rep.add_argument("--title", help="title of the report")
    rep.add_argument("--currency", help="currency of revenue, a symbol (£) or a code (EUR); without it, amounts "
                                        "are plain numbers")
    rep.add_argument("--stage-model", help="stage preset, e.g. 6-stage or subscription (see jk.stage_presets())")
    rep.add_argument("--funnel-steps", help="comma-separated event names, e.g. visit,add_to_cart,purchase")
    rep.add_argument("--window", help="funnel window with its unit, e.g. 7D, 24h or 30min")
    rep.add_argument("--segment", help="column of the events to compare funnel conversion by (default: channel)")
    rep.add_argument("--period", metavar="{D,W,M}", help="period of cohorts and trends: D, W or M (default M)")
    rep.add_argument("--purchase-event", help="event name of a purchase (default: purchase)")
    rep.add_argument("--keep-unmapped", help="label for events no stage takes (they are left out of the stages)")
    rep.add_argument("--drop-shared-invoices", action="store_true",
                     help="with --orders-format online_retail: drop (and count) invoices that name more than one "
                          "customer instead of stopping")
    rep.add_argument("--input-tz", "--tz", dest="input_tz", metavar="ZONE",
                     help="zone of naive timestamps in your files, e.g. Europe/London (--tz is the old name)")
    rep.add_argument("--time-format", help="strftime format of text timestamps that are not ISO 8601, "
                                           "e.g. '%%d/%%m/%%Y %%H:%%M'")
    order = rep.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
                       help="dates like 03/04/2025 are day/month/year")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="dates like 03/04/2025 are month/day/year")
    rep.add_argument("--param", action="append", metavar="KEY=VALUE",
                     help="any other template parameter, VALUE as JSON (repeatable)")
    rep.add_argument("--quiet", action="store_true", help="no progress bar and no messages but the files written")
    build = commands.add_parser("build", help="learner copies and slide decks of every lesson")
    build.add_argument("--out", default="build", help="folder to write into (default: build)")
    api = commands.add_parser("api", help="write the API reference page from the docstrings")
    api.add_argument("--out", default="docs/api.md", help="file to write (default: docs/api.md)")
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
            from journeykit.course.build import build as build_course

            written = build_course(args.out)
            print(f"wrote {len(written['learner'])} learner notebooks to {Path(args.out) / 'learner'} and "
                  f"{len(written['slides'])} slide decks to {Path(args.out) / 'slides'}")
            return 0
        if args.command == "images":
            from journeykit.course.build import draw_readme_images

            for path in draw_readme_images(args.out):
                print(f"wrote {path}")
            return 0
        if args.command == "check":
            return setup_check()
        if args.command == "api":
            from journeykit.course.build import api_reference

            target = Path(args.out)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(api_reference(), encoding="utf-8")
            print(f"wrote {target}")
            return 0
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
