"""The report command: a full run on a second, generated dataset, and every error path."""

import json
import os

import pytest

import journeykit as jk
from journeykit.__main__ import ReportError, _parser, _prepare, _template_parameters, main


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A different shop than the sample one: fewer people, another seed."""
    folder = tmp_path_factory.mktemp("generated")
    shop = jk.simulate_shop(1500, seed=9)
    for name in ("events", "orders", "surveys"):
        shop[name].to_csv(folder / f"{name}.csv", index=False)
    return folder


def test_report_runs_the_template_and_writes_notebook_and_html(generated, tmp_path, capsys):
    out = tmp_path / "report"
    status = main(["report", "--events", str(generated / "events.csv"), "--orders", str(generated / "orders.csv"),
                   "--surveys", str(generated / "surveys.csv"), "--out", str(out), "--title", "Generated shop",
                   "--quiet"])
    assert status == 0
    notebook = json.loads((out / "report.ipynb").read_text())
    errors = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert not errors
    html = (out / "report.html").read_text()
    assert "Generated shop" in html and html.count("data:image/png;base64") >= 4
    assert "wrote" in capsys.readouterr().out


def run(argv, capsys):
    status = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    return status, err[-1] if err else ""


def test_bad_input_exits_with_a_one_line_reason(generated, tmp_path, capsys):
    status, line = run(["report", "--events", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and line.startswith("error: --events:") and "no such file" in line
    status, line = run(["report", "--events", str(generated / "orders.csv"), "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "orders.csv: column 'event' not found" in line
    status, line = run(["report", "--events", str(generated / "events.csv"), "--events-format", "xml",
                        "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "--events-format 'xml'" in line
    status, line = run(["report", "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "give at least --events or --orders" in line
    status, line = run(["report", "--events", str(generated / "events.csv"), "--param", "oops",
                        "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and "KEY=VALUE" in line


def test_never_writes_into_datasets_or_over_a_report(generated, tmp_path, capsys):
    status, line = run(["report", "--events", str(generated / "events.csv"),
                        "--out", str(jk.datasets.data_dir() / "mine")], capsys)
    assert status == 2 and "inside datasets/" in line
    assert not (jk.datasets.data_dir() / "mine").exists()
    existing = tmp_path / "old"
    existing.mkdir()
    (existing / "report.html").write_text("keep me")
    status, line = run(["report", "--events", str(generated / "events.csv"), "--out", str(existing)], capsys)
    assert status == 2 and "pass --force" in line
    assert (existing / "report.html").read_text() == "keep me"


def test_a_failing_analysis_exits_non_zero_and_names_the_cell(generated, tmp_path, capsys):
    # the subscription stage model needs a 'phase' column the shop's events do not have: the stages section stops
    status, line = run(["report", "--events", str(generated / "events.csv"), "--stage-model", "subscription",
                        "--out", str(tmp_path / "new" / "r"), "--quiet"], capsys)
    assert status == 1
    assert line.startswith("error: the analysis stopped at cell") and "could not be evaluated" in line
    # no half-written report, no temporary folder, not even the parent folder --out would have needed
    assert "nothing was written" in line and list(tmp_path.iterdir()) == []
    # over an existing report (--force), a failed run leaves it exactly as it was
    old = tmp_path / "old"
    old.mkdir()
    (old / "report.html").write_text("keep me")
    (old / "notes.txt").write_text("mine")
    status, line = run(["report", "--events", str(generated / "events.csv"), "--stage-model", "subscription",
                        "--out", str(old), "--force", "--quiet"], capsys)
    assert status == 1 and line.startswith("error: the analysis stopped at cell")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]
    assert sorted(p.name for p in old.iterdir()) == ["notes.txt", "report.html"]
    assert (old / "report.html").read_text() == "keep me"


def test_force_replaces_the_report_in_one_piece(generated, tmp_path, capsys):
    out = tmp_path / "shop"
    out.mkdir()
    (out / "report.html").write_text("old")
    (out / "notes.txt").write_text("mine")
    status = main(["report", "--events", str(generated / "events.csv"), "--orders", str(generated / "orders.csv"),
                   "--out", str(out), "--force", "--quiet", "--input-tz", "UTC", "--window", "3D", "--period", "W",
                   "--funnel-steps", "visit,purchase", "--dayfirst"])
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "report.html", "report.ipynb"]
    assert (out / "report.html").read_text() != "old" and (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop"]  # the temporary folder is gone
    notebook = json.loads((out / "report.ipynb").read_text())
    injected = "".join(next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
                       ["source"])
    assert "funnel_window = \"3D\"" in injected and "time_zone = \"UTC\"" in injected


BAD_ARGUMENTS = [
    (["--window", "7"], "--window", "'7D'"),
    (["--window", "soon"], "--window", "not a duration"),
    (["--stage-model", "6stage"], "--stage-model", "Did you mean '6-stage'"),
    (["--funnel-steps", "visit,,purchase"], "--funnel-steps", "step 2 is empty"),
    (["--funnel-steps", "visit,visit"], "--funnel-steps", "more than once"),
    (["--funnel-steps", "visit,purchse"], "--funnel-steps", "did you mean 'purchase'"),
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
    (["--surveys", "missing.csv"], "--surveys", "no such file"),
    (["--orders", "."], "--orders", "is a folder"),
    (["--bogus"], "--bogus", "unrecognized arguments"),
]


@pytest.mark.parametrize(("extra", "flag", "reason"), BAD_ARGUMENTS, ids=[" ".join(b[0]) for b in BAD_ARGUMENTS])
def test_every_argument_is_checked_before_any_work(generated, tmp_path, capsys, extra, flag, reason):
    status = main(["report", "--events", str(generated / "events.csv"), "--out", str(tmp_path / "r"), *extra])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1, err  # one line, no traceback, nothing run
    assert err[0].startswith("error: ") and flag in err[0] and reason in err[0], err[0]
    assert list(tmp_path.iterdir()) == []


def test_time_options_reach_the_readers(generated, tmp_path, capsys):
    undecided = tmp_path / "events.csv"
    undecided.write_text("user_id,timestamp,event\na,03/04/2025 10:00,visit\nb,05/06/2025 10:00,purchase\n")
    status, line = run(["report", "--events", str(undecided), "--out", str(tmp_path / "r")], capsys)
    assert status == 2 and line.startswith("error: --events: events.csv: column 'timestamp'") and "--dayfirst" in line
    args = _parser().parse_args(["report", "--events", str(undecided), "--out", str(tmp_path / "r"), "--dayfirst"])
    if "dayfirst" in _template_parameters():
        assert _prepare(args)[1]["dayfirst"] is True
    else:  # the template would read the file without it: refused up front rather than failing in the notebook
        with pytest.raises(ReportError, match="--dayfirst: the report template .* has no 'dayfirst' parameter"):
            _prepare(args)
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
