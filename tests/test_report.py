"""The report command end to end: full and partial inputs, hand-computed numbers, the page, and every error path.

Each report run starts a notebook kernel (a few seconds), so each kind of
input is run once, in a module-scoped fixture, and several tests read its
output.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import journeykit as jk
import journeykit.cli as command
from journeykit.cli import _parser, _prepare, _template_parameters, main
from journeykit.report import DEFAULT_STEPS

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A different shop than the sample one: fewer people, another seed."""
    folder = tmp_path_factory.mktemp("generated")
    shop = jk.simulate_shop(1500, seed=9)
    for name in ("events", "orders", "surveys"):
        shop[name].to_csv(folder / f"{name}.csv", index=False)
    return folder


def write(folder, name, text):
    path = folder / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def run(argv, capsys):
    status = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    return status, err[-1] if err else ""


def page_checks(html):
    """What every report page must be: no code, nothing from the network, numbers for people."""
    assert not re.search(r"<script[^>]*\bsrc=[\"']?https?:", html, re.I)
    assert not re.search(r"<link[^>]*\bhref=[\"']?https?:", html, re.I)
    assert "<script" not in html.lower() and "<link" not in html.lower()  # nothing to load, offline or not
    assert not re.search(r"@import|url\(\s*[\"']?https?:", html)
    assert not re.search(r"\d\.\d+e[+-]?\d", html), re.search(r".{40}\d\.\d+e[+-]?\d.{20}", html).group(0)
    # no code cells or prompts: no source of the template, no "In [1]:", no input areas
    for code in ("report.show(", "Report.from_folder", "import ", "data_dir", "jp-InputArea", "input_prompt"):
        assert code not in html, code
    assert not re.search(r"In&nbsp;\[|In \[\d*\]:|Out\[\d+\]", html)


# --- the whole shop -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop_report(generated, tmp_path_factory):
    out = tmp_path_factory.mktemp("shop") / "report"
    status = main(["report", "--events", str(generated / "events.csv"), "--orders", str(generated / "orders.csv"),
                   "--surveys", str(generated / "surveys.csv"), "--out", str(out), "--title", "Generated shop",
                   "--currency", "EUR", "--quiet"])
    return status, out


def test_report_runs_the_template_and_writes_notebook_and_html(shop_report, capsys):
    status, out = shop_report
    assert status == 0
    notebook = json.loads((out / "report.ipynb").read_text())
    errors = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert not errors
    html = (out / "report.html").read_text()
    assert "Generated shop" in html and html.count("data:image/png;base64") >= 4
    page_checks(html)
    # every section is there, the data-quality section first
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings[0] == "Data quality: read this first"
    assert {"Key numbers", "Journey stages", "Funnel", "Retention", "Customer value", "Satisfaction"} <= set(headings)
    assert "Left out:" not in html


def test_full_report_summary_matches_the_files(shop_report, generated):
    _, out = shop_report
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == {"orders", "events", "surveys", "dropped"}
    orders, events = jk.read_orders(generated / "orders.csv"), jk.read_events(generated / "events.csv")
    assert summary["orders"] == {"customers": orders["user_id"].nunique(), "orders": len(orders),
                                 "revenue": round(orders["revenue"].sum(), 2),
                                 "first": f"{orders['timestamp'].min():%Y-%m-%d}",
                                 "last": f"{orders['timestamp'].max():%Y-%m-%d}"}
    assert summary["events"]["users"] == events["user_id"].nunique() and summary["events"]["events"] == len(events)
    assert summary["surveys"] == {"answers": len(pd.read_csv(generated / "surveys.csv"))}
    assert summary["dropped"] == {}


def test_full_report_tables_are_the_numbers_shown(shop_report, generated):
    _, out = shop_report
    tables = {p.stem for p in (out / "tables").glob("*.csv")}
    assert {"funnel", "retention", "retention_curve", "stages", "inputs", "key_numbers", "orders_by_month",
            "nps_by_touchpoint", "csat_by_touchpoint", "id_overlap"} <= tables
    html = (out / "report.html").read_text()
    for name in tables:  # each table is named on the page under its file name
        assert f"tables/{name}.csv" in html, name
    funnel = pd.read_csv(out / "tables" / "funnel.csv")
    assert list(funnel.columns[:2]) == ["step", "users"]
    expected = jk.funnel(jk.read_events(generated / "events.csv"), list(DEFAULT_STEPS), window="7D")
    assert funnel["users"].tolist() == expected["users"].tolist()
    assert f"{expected['users'].iloc[0]:,}" in html  # thousands separators on the page
    retention = pd.read_csv(out / "tables" / "retention.csv")
    assert {"retention_in_period", "retention_on_or_after", "complete"} <= set(retention.columns)
    assert (retention["retention_on_or_after"] >= retention["retention_in_period"] - 1e-12).all()
    assert "Month by month" in html or "month by month" in html
    assert "on or after" in html.lower()
    # amounts carry the currency given; headline numbers carry their definition next to them
    assert re.search(r'<div class="value">[\d,]+\.\d\d EUR</div><div class="label">net revenue</div>'
                     r'<div class="definition">sum of order values minus cancellations', html)


# --- orders only: invoice lines, day-first dates, cancellations ---------------------------------------------

# Dates read either way (no day above 12), so --dayfirst is needed. Hand-computed, day first:
#   536365 (17850, 1 Feb 2011): 2 lamps at 10 + 4 mugs at 2.50 = 30, minus one lamp cancelled (C536367) = 20
#   536366 (13047, 3 Feb 2011): 10
#   536368 (17850, 5 Mar 2011): 5, cancelled in full by C536370: not an order
#   536369: no CustomerID, dropped
#   536371 (12583, 9 Apr 2011): 20
#   C536372 (99999): a customer with no sale in the file, nothing to net against
# customers 3, orders 3, net revenue 50.00, first 2011-02-01, last 2011-04-09
RETAIL = """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,A,LAMP,2,01/02/2011 10:00,10.00,17850,United Kingdom
536365,B,MUG,4,01/02/2011 10:00,2.50,17850,United Kingdom
536366,A,LAMP,1,03/02/2011 09:00,10.00,13047,France
C536367,A,LAMP,-1,04/02/2011 12:00,10.00,17850,United Kingdom
536368,C,CARD,10,05/03/2011 08:00,0.50,17850,United Kingdom
536369,B,MUG,2,06/03/2011 11:00,2.50,,United Kingdom
C536370,C,CARD,-10,07/03/2011 12:00,0.50,17850,United Kingdom
536371,B,MUG,8,09/04/2011 10:00,2.50,12583,France
C536372,Z,POSTAGE,-1,10/04/2011 10:00,1.00,99999,France
"""


def installed_copy(folder):
    """The package as a wheel installs it: its modules and the package data pyproject.toml declares."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = config["tool"]["setuptools"]["package-data"]
    source = ROOT / "helpers"
    for path in sorted((source / "journeykit").rglob("*")):
        package = ".".join(path.parent.relative_to(source).parts)
        if "__pycache__" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py" or any(path.match(pattern) for pattern in data.get(package, [])):
            target = folder / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def retail_report(tmp_path_factory):
    """Run as a user would (python -m journeykit), from a copy of the package installed elsewhere."""
    work = tmp_path_factory.mktemp("retail")
    site = installed_copy(work / "site")
    path = write(work, "online_retail.csv", RETAIL)
    env = {**os.environ, "PYTHONPATH": str(site)}
    base = [sys.executable, "-m", "journeykit", "report", "--orders", str(path), "--orders-format", "online_retail",
            "--currency", "£", "--title", "Retail"]
    undecided = subprocess.run([*base, "--out", str(work / "no")], cwd=work, env=env, capture_output=True, text=True)
    done = subprocess.run([*base, "--dayfirst", "--out", str(work / "report")], cwd=work, env=env,
                          capture_output=True, text=True)
    where = subprocess.run([sys.executable, "-c", "import journeykit.cli as m; print(m.TEMPLATE)"], cwd=work,
                           env=env, capture_output=True, text=True)
    return undecided, done, work / "report", Path(where.stdout.strip()), site


def test_orders_only_summary_is_hand_computed(retail_report):
    _, done, out, _, _ = retail_report
    assert done.returncode == 0, done.stderr
    # without --quiet, one line says what runs; no progress bar when stderr is not a terminal
    assert done.stderr.splitlines()[0] == "running the analysis on your data...", done.stderr
    assert "Executing" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary == {
        "orders": {"customers": 3, "orders": 3, "revenue": 50.0, "first": "2011-02-01", "last": "2011-04-09"},
        "dropped": {"lines without CustomerID": 1,
                    "cancellation lines of customers with no sale in the file (nothing to net them against)": 1,
                    "invoices with a net value of zero or less (free, or cancelled in full)": 1}}


def test_orders_only_leaves_out_what_needs_events_or_surveys(retail_report):
    _, _, out, _, _ = retail_report
    html = (out / "report.html").read_text()
    page_checks(html)
    left_out = re.findall(r"<h2>(.*?)</h2>\n<p class=\"needs\">.*?</p>\n<p class=\"skipped\"><strong>Left out:"
                          r"</strong> (.*?)</p>", html)
    assert {title for title, _ in left_out} == {"Activity", "Journey stages", "Funnel", "Satisfaction"}
    for title, reason in left_out:  # one sentence, naming the input that would enable the section
        assert reason.count(". ") == 0 and reason.endswith(".") and re.search(r"--events|--surveys", reason), reason
    assert "£50.00" in html and "£16.67" in html  # net revenue and average order value, in the currency given
    assert "netted against their customers’ revenue" in html
    assert not (out / "tables" / "funnel.csv").exists() and (out / "tables" / "retention.csv").exists()
    retention = pd.read_csv(out / "tables" / "retention.csv")
    # cohorts February (17850, 13047) and April (12583); 17850 ordered again in February only (March was cancelled)
    assert retention.groupby("cohort")["cohort_size"].first().tolist() == [2, 1]


def test_day_first_file_needs_the_option_and_gets_it(retail_report):
    undecided, _, _, _, _ = retail_report
    assert undecided.returncode == 2
    assert undecided.stderr.count("\n") == 1 and "--dayfirst" in undecided.stderr
    assert "Traceback" not in undecided.stderr


def test_works_installed_without_the_repository(retail_report):
    _, done, out, template, site = retail_report
    assert template.is_file() and site in template.parents  # the template ships inside the package
    notebook = nbformat.read(out / "report.ipynb", as_version=4)
    assert not any("07_your_own_data" in "".join(c.source) for c in notebook.cells)
    for path in (ROOT / "helpers" / "journeykit").rglob("*.py"):  # nothing assumes the repository around it
        text = path.read_text()
        assert "parents[" not in text and "__file__" not in text, path
        if "course" not in path.parts:  # only the course layer knows the lessons
            assert "07_your_own_data" not in text, path
    # the analysis works from the installed copy, outside any course folder; the course's data says where it is
    code = ("import pandas as pd, journeykit as jk\n"
            "events = pd.DataFrame({'user_id': ['a', 'a', 'b'], 'event': ['visit', 'purchase', 'visit'],\n"
            "                       'timestamp': pd.to_datetime(['2025-01-01', '2025-01-02', '2025-01-03'])})\n"
            "print(jk.funnel(events, ['visit', 'purchase'], window='7D')['users'].tolist())\n"
            "try:\n    jk.datasets.load('shop_orders')\nexcept jk.MissingFileError as error:\n    print(error)\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("JOURNEYKIT_")}
    run = subprocess.run([sys.executable, "-c", code], cwd=site, env={**env, "PYTHONPATH": str(site)},
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "[2, 1]" and "JOURNEYKIT_COURSE" in run.stdout, run.stdout


# --- events only, with your column names ---------------------------------------------------------------------

# a, d: visit → view_product → purchase within minutes; b stops at view_product; c buys 17 days after the visit
# (outside the 7-day window) without viewing a product. Funnel (default steps found): 4, 3, 2.
EVENTS = """
visitor,when,action,source
a,2025-03-01 10:00,visit,ads
a,2025-03-01 10:05,view_product,ads
a,2025-03-01 10:20,purchase,ads
b,2025-03-02 09:00,visit,social
b,2025-03-02 09:10,view_product,social
c,2025-03-03 12:00,visit,ads
c,2025-03-20 12:00,purchase,ads
d,2025-04-02 08:00,visit,search
d,2025-04-02 08:30,view_product,search
d,2025-04-02 09:00,purchase,search
"""


@pytest.fixture(scope="module")
def events_report(tmp_path_factory):
    work = tmp_path_factory.mktemp("events")
    path = write(work, "log.csv", EVENTS)
    status = main(["report", "--events", str(path), "--out", str(work / "report"), "--quiet",
                   "--columns", "user_id=visitor,timestamp=when,event=action,channel=source"])
    return status, work / "report"


def test_events_only(events_report):
    status, out = events_report
    assert status == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary == {"events": {"users": 4, "events": 10, "first": "2025-03-01", "last": "2025-04-02"},
                       "dropped": {}}
    funnel = pd.read_csv(out / "tables" / "funnel.csv")
    assert funnel[["step", "users"]].to_dict("list") == {"step": ["visit", "view_product", "purchase"],
                                                         "users": [4, 3, 2]}
    html = (out / "report.html").read_text()
    page_checks(html)
    assert "50.0%" in html  # conversion from visit to purchase, 2 of 4
    # the buyers' cohorts (March: a, c; April: d) have no complete month after their first: left out, with why
    assert not (out / "tables" / "retention.csv").exists()
    assert re.search(r"<h2>Retention</h2>.*?Left out:</strong> the data does not yet hold a complete month", html,
                     re.S)
    assert "Left out:</strong> customer value is measured on orders" in html
    by_channel = pd.read_csv(out / "tables" / "funnel_by_channel.csv")
    assert dict(zip(by_channel["channel"], by_channel["users"])) == {"ads": 1, "search": 1, "social": 0}


# --- surveys only --------------------------------------------------------------------------------------------

# NPS: 10, 9 (promoters), 3 (detractor), 7 (passive) → 25; delivery 100, support −50.
# CSAT: 5, 4, 2, 5 → 75% satisfied.
SURVEYS = """
respondent,when,touchpoint,nps,csat
a,2025-03-01 10:00,delivery,10,5
b,2025-03-02 10:00,delivery,9,4
c,2025-03-03 10:00,support,3,2
d,2025-03-04 10:00,support,7,
e,2025-03-05 10:00,delivery,,5
"""


@pytest.fixture(scope="module")
def surveys_report(tmp_path_factory):
    work = tmp_path_factory.mktemp("surveys")
    path = write(work, "answers.csv", SURVEYS)
    status = main(["report", "--surveys", str(path), "--out", str(work / "report"), "--quiet",
                   "--columns", "user_id=respondent,timestamp=when"])
    return status, work / "report"


def test_surveys_only(surveys_report):
    status, out = surveys_report
    assert status == 0
    assert json.loads((out / "summary.json").read_text()) == {"surveys": {"answers": 5}, "dropped": {}}
    nps = pd.read_csv(out / "tables" / "nps_by_touchpoint.csv").set_index("touchpoint")
    assert nps["nps"].to_dict() == {"delivery": 1.0, "support": -0.5}  # tables hold fractions; the page shows points
    assert nps["answers"].to_dict() == {"delivery": 2, "support": 2}
    html = (out / "report.html").read_text()
    page_checks(html)
    assert re.search(r'<div class="value">25\.0</div><div class="label">NPS</div>', html)
    assert re.search(r'<div class="value">75\.0%</div><div class="label">CSAT</div>', html)
    for section in ("Activity", "Journey stages", "Funnel", "Retention", "Customer value"):
        assert re.search(rf"<h2>{section}</h2>\n<p class=\"needs\">.*?</p>\n<p class=\"skipped\">", html), section


# --- errors and the output folder ----------------------------------------------------------------------------


def test_bad_input_exits_with_a_one_line_reason(generated, tmp_path, capsys):
    status, line = run(["report", "--events", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and line.startswith("error: --events:") and "no such file" in line
    status, line = run(["report", "--events", str(generated / "orders.csv"), "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "orders.csv: column 'event' not found" in line
    status, line = run(["report", "--events", str(generated / "events.csv"), "--events-format", "xml",
                        "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "--events-format 'xml'" in line
    # any one input is enough now (surveys alone too); none is refused
    status, line = run(["report", "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "give at least one of --events, --orders or --surveys" in line
    status, line = run(["report", "--events", str(generated / "events.csv"), "--param", "oops",
                        "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "KEY=VALUE" in line


def test_never_writes_into_datasets_or_over_a_report(generated, tmp_path, capsys):
    status, line = run(["report", "--events", str(generated / "events.csv"),
                        "--out", str(jk.datasets.data_dir() / "mine")], capsys)
    assert status == 2 and "inside datasets/" in line
    assert not (jk.datasets.data_dir() / "mine").exists()
    for leftover in ("report.html", "summary.json", "tables"):
        existing = tmp_path / f"old-{leftover}"
        existing.mkdir()
        (existing / leftover).mkdir() if leftover == "tables" else (existing / leftover).write_text("keep me")
        status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(existing)], capsys)
        assert status == 2 and "pass --force" in line and leftover in line


def broken_template(folder):
    """A copy of the template whose analysis stops at the first section."""
    notebook = nbformat.read(command.TEMPLATE, as_version=4)
    notebook.cells.insert(2, nbformat.v4.new_code_cell("raise ValueError('the rule could not be evaluated')"))
    path = folder / "broken.ipynb"
    nbformat.write(notebook, path)
    return path


def test_a_failing_analysis_exits_non_zero_and_names_the_cell(generated, tmp_path, capsys, monkeypatch):
    # the template itself never stops on data it was given (sections are left out instead); a template that does
    # stop shows what the command does then
    (tmp_path / "template").mkdir()
    monkeypatch.setattr(command, "TEMPLATE", broken_template(tmp_path / "template"))
    work = tmp_path / "work"
    work.mkdir()
    status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(work / "new" / "r"),
                        "--quiet"], capsys)
    assert status == 1
    assert line.startswith("error: the analysis stopped at cell") and "could not be evaluated" in line
    # no half-written report, no temporary folder, not even the parent folder --out would have needed
    assert "nothing was written" in line and list(work.iterdir()) == []
    # over an existing report (--force), a failed run leaves it exactly as it was
    old = work / "old"
    old.mkdir()
    (old / "report.html").write_text("keep me")
    (old / "notes.txt").write_text("mine")
    (old / "tables").mkdir()
    (old / "tables" / "funnel.csv").write_text("step,users\n")
    status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(old), "--force",
                        "--quiet"], capsys)
    assert status == 1 and line.startswith("error: the analysis stopped at cell")
    assert sorted(p.name for p in work.iterdir()) == ["old"]
    assert sorted(p.name for p in old.iterdir()) == ["notes.txt", "report.html", "tables"]
    assert (old / "report.html").read_text() == "keep me" and (old / "tables" / "funnel.csv").exists()


def test_force_replaces_the_report_in_one_piece(generated, tmp_path, capsys):
    out = tmp_path / "shop"
    out.mkdir()
    (out / "report.html").write_text("old")
    (out / "notes.txt").write_text("mine")
    (out / "tables").mkdir()
    (out / "tables" / "stale.csv").write_text("a\n")
    # the subscription model's rules need a 'phase' column the shop's events do not have: the stages section is
    # left out with the reason; the rest of the report is made
    status = main(["report", "--events", str(generated / "events.csv"), "--orders", str(generated / "orders.csv"),
                   "--out", str(out), "--force", "--quiet", "--input-tz", "UTC", "--window", "3D", "--period", "W",
                   "--funnel-steps", "visit,purchase", "--dayfirst", "--stage-model", "subscription"])
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "report.html", "report.ipynb", "summary.json",
                                                     "tables"]
    assert (out / "report.html").read_text() != "old" and (out / "notes.txt").read_text() == "mine"
    assert not (out / "tables" / "stale.csv").exists() and (out / "tables" / "funnel.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop"]  # the temporary folder is gone
    notebook = json.loads((out / "report.ipynb").read_text())
    injected = "".join(next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
                       ["source"])
    assert "funnel_window = \"3D\"" in injected and "time_zone = \"UTC\"" in injected
    html = (out / "report.html").read_text()
    assert re.search(r"<h2>Journey stages</h2>.*?Left out:</strong> the stage model ‘subscription’ cannot be "
                     r"applied to these events \(rule .*?phase", html, re.S)
    funnel = pd.read_csv(out / "tables" / "funnel.csv")
    assert funnel["step"].tolist() == ["visit", "purchase"]
    assert "weeks since first" in html and "within 3 days of step 1" in html


BAD_ARGUMENTS = [
    (["--window", "7"], "--window", "'7D'"),
    (["--window", "soon"], "--window", "not a duration"),
    (["--stage-model", "6stage"], "--stage-model", "Did you mean '6-stage'"),
    (["--funnel-steps", "visit,,purchase"], "--funnel-steps", "step 2 is empty"),
    (["--funnel-steps", "visit,visit"], "--funnel-steps", "more than once"),
    (["--funnel-steps", "visit,purchse"], "--funnel-steps", "did you mean 'purchase'"),
    (["--funnel-steps", "visit"], "--funnel-steps", "at least two steps"),
    (["--period", "month"], "--period", "Did you mean 'M'"),
    (["--tz", "Mars/Base"], "--input-tz", "not a time zone"),
    (["--input-tz", "Europe/Lndon"], "--input-tz", "not a time zone"),
    (["--time-format", "dd/mm/yyyy"], "--time-format", "not a strftime format"),
    (["--dayfirst", "--monthfirst"], "--monthfirst", "not allowed with argument --dayfirst"),
    (["--segment", "chanel"], "--segment", "did you mean 'channel'"),
    (["--purchase-event", "buy"], "--purchase-event", "'buy'"),
    (["--events-format", "ga"], "--events-format", "did you mean 'ga4'"),
    (["--param", "funnel_windw=7D"], "--param funnel_windw", "did you mean 'funnel_window'"),
    (["--param", "funnel_window=7"], "--param funnel_window", "'7D'"),
    (["--param", "events_columns=[1]"], "--param events_columns", "JSON object"),
    (["--param", 'stage_events={"buy": "Buying"}'], "--param stage_events", "not a stage"),
    (["--param", "data_dir=/tmp"], "--param data_dir", "sets data_dir itself"),
    (["--surveys", "missing.csv"], "--surveys", "no such file"),
    (["--orders", "."], "--orders", "is a folder"),
    (["--bogus"], "--bogus", "unrecognized arguments"),
    (["--columns", "user=customer"], "--columns", "'user' (did you mean 'user_id'?) is not a column of the data"),
    (["--columns", "user_id"], "--columns", "should look like KEY=NAME"),
    (["--columns", "user_id=a,user_id=b"], "--columns", "given twice"),
    (["--columns", "user_id=customr"], "--columns user_id=customr", "no events file given has a column 'customr'"),
    (["--columns", "nps=score"], "--columns nps=score", "no input given has that column"),
    (["--events-format", "ga4", "--columns", "user_id=x"], "--columns user_id=x",
     "--events-format ga4 reads its own column names"),
    (["--drop-shared-invoices"], "--drop-shared-invoices", "--orders-format online_retail"),
]


@pytest.mark.parametrize(("extra", "flag", "reason"), BAD_ARGUMENTS, ids=[" ".join(b[0]) for b in BAD_ARGUMENTS])
def test_every_argument_is_checked_before_any_work(generated, tmp_path, capsys, extra, flag, reason):
    status = main(["report", "--events", str(generated / "events.csv"), "--out", str(tmp_path / "r"), *extra])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1, err  # one line, no traceback, nothing run
    assert err[0].startswith("error: ") and flag in err[0] and reason in err[0], err[0]
    assert list(tmp_path.iterdir()) == []


def test_options_for_an_input_not_given_are_refused(generated, tmp_path, capsys):
    surveys = str(generated / "surveys.csv")
    for extra, flag in ((["--funnel-steps", "visit,purchase"], "--funnel-steps"), (["--segment", "channel"],
                        "--segment"), (["--purchase-event", "purchase"], "--purchase-event")):
        status, line = run(["report", "--surveys", surveys, "--out", str(tmp_path / "r"), *extra], capsys)
        assert status == 2 and line.startswith(f"error: {flag}") and "no --events was given" in line
    status, line = run(["report", "--orders", str(generated / "orders.csv"), "--drop-shared-invoices",
                        "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "--orders-format online_retail" in line
    assert list(tmp_path.iterdir()) == []


def test_shared_invoices_are_listed_or_dropped_on_request(tmp_path, capsys):
    shared = write(tmp_path, "shared.csv", RETAIL + "536371,C,CARD,1,09/04/2011 10:00,0.50,17850,France\n")
    args = ["report", "--orders", str(shared), "--orders-format", "online_retail", "--dayfirst",
            "--out", str(tmp_path / "r")]
    status, line = run(args, capsys)
    assert status == 2 and "names more than one customer on 1 invoice: '536371' ('12583', '17850')" in line
    assert "--drop-shared-invoices" in line
    parsed = _parser().parse_args([*args, "--drop-shared-invoices"])
    _, params, (tables, _) = _prepare(parsed)
    assert params["drop_shared_invoices"] is True
    assert jk.import_report(tables["orders"]).set_index("reason")["rows"][
        "lines of invoices naming more than one customer"] == 2
    assert tables["orders"]["revenue"].sum() == pytest.approx(30.0)


def test_columns_apply_to_every_file_that_has_them(tmp_path):
    orders = write(tmp_path, "orders.csv", "number,CustomerID,InvoiceDate,amount\nA1,c1,2025-01-02 10:00,9.5\n"
                                           "A2,c2,2025-01-03 10:00,20\n")
    events = write(tmp_path, "events.csv", "CustomerID,InvoiceDate,event\nc1,2025-01-01 10:00,visit\n")
    parsed = _parser().parse_args(["report", "--orders", str(orders), "--events", str(events), "--out",
                                   str(tmp_path / "r"), "--columns",
                                   "user_id=CustomerID,timestamp=InvoiceDate,revenue=amount,order_id=number"])
    _, params, (tables, sources) = _prepare(parsed)
    assert tables["orders"]["revenue"].tolist() == [9.5, 20.0] and tables["events"]["user_id"].tolist() == ["c1"]
    assert sources["orders"]["columns"] == {"CustomerID": "user_id", "InvoiceDate": "timestamp", "amount": "revenue",
                                            "number": "order_id"}
    assert params["events_columns"] == {"CustomerID": "user_id", "InvoiceDate": "timestamp"}


def test_columns_map_every_column_of_invoice_lines(tmp_path, capsys):
    """Online Retail II names (Invoice, Price, Customer ID) mapped from the command line, as lesson 07 does."""
    renamed = RETAIL.replace("InvoiceNo,", "Invoice,").replace("UnitPrice", "Price").replace("CustomerID", "Customer ID")
    path = write(tmp_path, "lines.csv", renamed)
    args = ["report", "--orders", str(path), "--orders-format", "online_retail", "--dayfirst", "--out",
            str(tmp_path / "r"), "--columns", "order_id=Invoice,user_id=Customer ID,UnitPrice=Price"]
    _, _, (tables, sources) = _prepare(_parser().parse_args(args))
    assert tables["orders"]["revenue"].sum() == pytest.approx(50.0)  # as the hand-computed RETAIL file
    assert sources["orders"]["columns"] == {"Invoice": "order_id", "Customer ID": "user_id", "Price": "UnitPrice"}
    status, line = run([*args[:-1], "order_id=Invoice,user_id=Customer ID"], capsys)
    assert status == 2 and "'UnitPrice' not found" in line and "Closest: 'Price'" in line


def test_time_options_reach_the_readers(generated, tmp_path, capsys):
    undecided = tmp_path / "events.csv"
    undecided.write_text("user_id,timestamp,event\na,03/04/2025 10:00,visit\nb,05/06/2025 10:00,purchase\n")
    status, line = run(["report", "--events", str(undecided), "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and line.startswith("error: --events: events.csv: column 'timestamp'") and "--dayfirst" in line
    args = _parser().parse_args(["report", "--events", str(undecided), "--out", str(tmp_path / "r"), "--dayfirst"])
    # the template takes the time options (the report says how dates were read); the command's reader uses them
    assert "dayfirst" in _template_parameters()
    out, params, (tables, _) = _prepare(args)
    assert params["dayfirst"] is True
    assert tables["events"]["timestamp"].tolist() == [pd.Timestamp("2025-04-03 10:00"), pd.Timestamp("2025-06-05 10:00")]
    # an option that only confirms what the file says is harmless either way
    settled = tmp_path / "settled.csv"
    settled.write_text("user_id,timestamp,event\na,31/03/2025 10:00,visit\nb,05/06/2025 10:00,purchase\n")
    args = _parser().parse_args(["report", "--events", str(settled), "--out", str(tmp_path / "r"), "--dayfirst",
                                 "--time-format", "%d/%m/%Y %H:%M"])
    assert _prepare(args)[1]["events_path"] == str(settled.resolve())
    status, line = run(["report", "--events", str(undecided), "--events-format", "ga4", "--time-format", "%d/%m/%Y",
                        "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and line.startswith("error: --time-format: none of the files given has text timestamps")


def test_never_writes_through_a_symbolic_link(generated, tmp_path, capsys):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(tmp_path / "link")],
                       capsys)
    assert status == 2 and line.startswith("error: --out") and "symbolic link" in line
    real = tmp_path / "real"
    real.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("do not overwrite")
    (real / "report.html").symlink_to(secret)
    status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(real), "--force"], capsys)
    assert status == 2 and "report.html is a symbolic link" in line
    assert secret.read_text() == "do not overwrite" and list(target.iterdir()) == []
    (real / "report.html").unlink()
    (real / "tables").symlink_to(target)
    status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(real), "--force"], capsys)
    assert status == 2 and "tables is a symbolic link" in line


def test_datasets_is_refused_from_any_working_folder(generated, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside the course folder: the course's datasets/ is still recognised
    status, line = run(["report", "--events", str(generated / "events.csv"),
                        "--out", str(jk.datasets.sample_folder(generated) or ROOT / "datasets" / "mine")], capsys)
    assert status == 2 and "inside datasets/" in line
    assert not (ROOT / "datasets" / "mine").exists()


def test_datasets_is_refused_after_resolving_links(generated, tmp_path, capsys):
    (tmp_path / "data").symlink_to(jk.datasets.data_dir())
    status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(tmp_path / "data" / "mine")],
                       capsys)
    assert status == 2 and "inside datasets/" in line
    assert not (jk.datasets.data_dir() / "mine").exists()
    status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(generated / "events.csv")],
                       capsys)
    assert status == 2 and "is a file, not a folder" in line
    assert os.path.getsize(generated / "events.csv") > 0
