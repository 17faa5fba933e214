"""Command line of the course kit.

``python -m journeykit generate --out datasets``
    Regenerate every sample table from its seed, bit for bit.
``python -m journeykit report --events FILE [--orders FILE] [--surveys FILE] --out FOLDER``
    Run the lesson-06 template on your data and write ``report.ipynb`` and a
    standalone ``report.html`` (figures embedded) into FOLDER.
``python -m journeykit build --out build``
    Learner copies (no solutions) and slide decks of every lesson.
``python -m journeykit images --out docs/images``
    Redraw the README's pictures.
``python -m journeykit check``
    Check that this computer is ready for the course (for workshop participants).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from journeykit.schema import SchemaError
from journeykit.simulate import write_datasets

_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = _ROOT / "notebooks" / "06_your_own_data.ipynb"
_EVENT_FORMATS = ("contract", "ga4", "product_analytics")
_ORDER_FORMATS = ("contract", "online_retail", "shopify")


class ReportError(Exception):
    """Bad input for the report command; its message is the one-line reason shown to the user."""


def _one_line(error: Exception) -> str:
    if isinstance(error, SchemaError):
        more = f" (and {len(error.problems) - 1} more problems)" if len(error.problems) > 1 else ""
        return f"{error.table}: {error.problems[0]}{more}"
    return str(error).splitlines()[0]


def _parameters(args: argparse.Namespace) -> dict:
    """The template's parameters from the command line (absolute paths: the template runs in its own folder)."""
    params: dict = {}
    for name in ("events", "orders", "surveys"):
        value = getattr(args, name)
        params[f"{name}_path"] = str(Path(value).resolve()) if value else None
    params["events_format"] = args.events_format
    params["orders_format"] = args.orders_format
    for flag, key in (("title", "title"), ("stage_model", "stage_model"), ("window", "funnel_window"),
                      ("segment", "segment"), ("period", "period"), ("tz", "time_zone"), ("currency", "currency"),
                      ("purchase_event", "purchase_event"), ("keep_unmapped", "keep_unmapped")):
        value = getattr(args, flag)
        if value is not None:
            params[key] = value
    if args.funnel_steps:
        params["funnel_steps"] = [step.strip() for step in args.funnel_steps.split(",") if step.strip()]
    for item in args.param or []:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ReportError(f"--param {item!r} should look like KEY=VALUE (VALUE as JSON, e.g. "
                              "'events_columns={\"customer\": \"user_id\"}').")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    return params


def _check_inputs(args: argparse.Namespace, out: Path) -> None:
    """Fail fast, before any notebook runs, with a one-line reason."""
    if not args.events and not args.orders:
        raise ReportError("give at least --events or --orders.")
    datasets = (_ROOT / "datasets").resolve()
    if out == datasets or datasets in out.parents:
        raise ReportError(f"--out {out} is inside datasets/, which holds the course's sample data; "
                          "choose another folder, e.g. reports/my_report.")
    existing = [p.name for p in (out / "report.ipynb", out / "report.html") if p.exists()]
    if existing and not args.force:
        raise ReportError(f"{out} already holds {', '.join(existing)}; pass --force to overwrite it, "
                          "or choose another --out.")
    if args.events_format not in _EVENT_FORMATS:
        raise ReportError(f"--events-format {args.events_format!r}; choose one of {', '.join(_EVENT_FORMATS)}.")
    if args.orders_format not in _ORDER_FORMATS:
        raise ReportError(f"--orders-format {args.orders_format!r}; choose one of {', '.join(_ORDER_FORMATS)}.")
    import journeykit as jk

    params = _parameters(args)
    readers = {
        "events": {"contract": lambda p: jk.read_events(p, columns=params.get("events_columns"),
                                                        input_tz=params.get("time_zone")),
                   "ga4": jk.read_ga4, "product_analytics": jk.read_product_analytics}[args.events_format],
        "orders": {"contract": lambda p: jk.read_orders(p, columns=params.get("orders_columns"),
                                                        input_tz=params.get("time_zone")),
                   "online_retail": lambda p: jk.read_online_retail(p, input_tz=params.get("time_zone")),
                   "shopify": jk.read_shopify_orders}[args.orders_format],
        "surveys": lambda p: jk.read_surveys(p, columns=params.get("surveys_columns"), input_tz=params.get("time_zone")),
    }
    for name, reader in readers.items():
        path = getattr(args, name)
        if path:
            try:
                reader(path)
            except (SchemaError, FileNotFoundError, ValueError) as error:
                raise ReportError(f"--{name}: {_one_line(error)}") from None


def report(args: argparse.Namespace) -> int:
    """Run the template with papermill, then export HTML. Returns the exit status."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    out = Path(args.out).resolve()
    try:
        _check_inputs(args, out)
        params = _parameters(args)
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    notebook = out / "report.ipynb"
    print(f"running the analysis ({TEMPLATE.name}) on your data...", file=sys.stderr)
    try:
        papermill.execute_notebook(str(TEMPLATE), str(notebook), parameters=params, cwd=str(TEMPLATE.parent),
                                   progress_bar=not args.quiet, kernel_name="python3")
    except papermill.PapermillExecutionError as error:
        reason = f"{error.ename}: {str(error.evalue).splitlines()[0] if error.evalue else ''}"
        print(f"error: the analysis stopped at cell {error.exec_count}: {reason} "
              f"(the partly run notebook is {notebook})", file=sys.stderr)
        return 1
    executed = nbformat.read(notebook, as_version=4)
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(executed)
    page = out / "report.html"
    page.write_text(html, encoding="utf-8")
    print(f"wrote {notebook}\nwrote {page}")
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


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m journeykit", description="Customer Journey Lab tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="regenerate the sample datasets from their seeds")
    generate.add_argument("--out", default="datasets", help="folder to write the CSV files to (default: datasets)")

    rep = commands.add_parser("report", help="run the whole analysis on your data and write a notebook and HTML",
                              description="Run the lesson-06 template on your files and write report.ipynb and "
                                          "report.html into --out.")
    rep.add_argument("--events", help="event log (CSV or Parquet; JSON lines for product_analytics)")
    rep.add_argument("--events-format", default="contract", help=f"one of {', '.join(_EVENT_FORMATS)}")
    rep.add_argument("--orders", help="order table (CSV or Parquet)")
    rep.add_argument("--orders-format", default="contract", help=f"one of {', '.join(_ORDER_FORMATS)}")
    rep.add_argument("--surveys", help="survey answers (CSV or Parquet)")
    rep.add_argument("--out", required=True, help="folder for report.ipynb and report.html")
    rep.add_argument("--force", action="store_true", help="overwrite an existing report in --out")
    rep.add_argument("--title", help="title of the report")
    rep.add_argument("--stage-model", help="stage preset, e.g. 6-stage or subscription")
    rep.add_argument("--funnel-steps", help="comma-separated event names, e.g. visit,add_to_cart,purchase")
    rep.add_argument("--window", help="funnel window, e.g. 7D")
    rep.add_argument("--segment", help="column to compare segments by (default: channel)")
    rep.add_argument("--period", choices=["D", "W", "M"], help="cohort period")
    rep.add_argument("--purchase-event", help="event name of a purchase (default: purchase)")
    rep.add_argument("--keep-unmapped", help="label for events no stage takes, instead of an error")
    rep.add_argument("--tz", help="zone of naive timestamps in your files, e.g. Europe/London")
    rep.add_argument("--currency", help="currency label of revenue")
    rep.add_argument("--param", action="append", metavar="KEY=VALUE",
                     help="any other template parameter, VALUE as JSON (repeatable)")
    rep.add_argument("--quiet", action="store_true", help="no progress bar")
    build = commands.add_parser("build", help="learner copies and slide decks of every lesson")
    build.add_argument("--out", default="build", help="folder to write into (default: build)")
    images = commands.add_parser("images", help="redraw the README's pictures")
    images.add_argument("--out", default="docs/images", help="folder to write into (default: docs/images)")
    commands.add_parser("check", help="check that this computer is ready for the course")
    args = parser.parse_args(argv)

    if args.command == "report":
        return report(args)
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


if __name__ == "__main__":
    raise SystemExit(main())
