"""The report command: a full run on a second, generated dataset, and every error path."""

import json

import pytest

import journeykit as jk
from journeykit.__main__ import main


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
                        "--out", str(tmp_path / "r"), "--quiet"], capsys)
    assert status == 1
    assert line.startswith("error: the analysis stopped at cell") and "could not be evaluated" in line
    assert (tmp_path / "r" / "report.ipynb").exists() and not (tmp_path / "r" / "report.html").exists()
