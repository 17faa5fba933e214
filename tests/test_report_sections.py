"""The report's sections on any subset of inputs, its numbers for people, its page and its handover (no kernel)."""

import itertools
import json
import re

import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit.errors import ParameterError
from journeykit.report import Report, load_inputs, notebook_to_html, save_inputs, summary
from journeykit.report import fmt

SCIENTIFIC = re.compile(r"\d\.\d+e[+-]?\d")
INPUTS = ("events", "orders", "surveys")
FLAG = {"events": "--events", "orders": "--orders", "surveys": "--surveys"}


@pytest.fixture(scope="module")
def shop():
    return jk.simulate_shop(300, seed=4)


SUBSETS = [combo for n in (1, 2, 3) for combo in itertools.combinations(INPUTS, n)]


@pytest.mark.parametrize("given", SUBSETS, ids=["+".join(s) for s in SUBSETS])
def test_any_subset_of_inputs_makes_a_report(shop, given):
    report = Report(**{name: shop[name] for name in given})
    sections = report.sections()
    assert [s.key for s in sections][:2] == ["overview", "quality"]
    for section in sections:
        if section.skipped is None:
            assert section.parts, section.key
            continue
        # one sentence, saying why and which input would enable the section
        assert section.skipped.endswith(".") and ". " not in section.skipped, section.skipped
        missing = [FLAG[name] for name in INPUTS if name not in given]
        assert any(flag in section.skipped for flag in missing), (section.key, section.skipped)
    needs = {"activity": "events", "stages": "events", "funnel": "events", "value": "orders",
             "satisfaction": "surveys"}
    for key, name in needs.items():
        assert (report.section(key).skipped is None) == (name in given), key
    assert (report.section("retention").skipped is None) == ("events" in given or "orders" in given)
    assert set(report.summary()) == {*given, "dropped"}
    page = report.html(images=len(given) == 3)  # draw the figures once, for the report with everything
    assert not SCIENTIFIC.search(page)
    assert "<script" not in page


def test_orders_only_from_the_sample_shop_no_longer_stops(shop):
    # the old template derived purchase events from orders and stopped in the journey map ("no session starts with
    # one of ['visit', 'read_article']"); now the sections that need events are left out
    report = Report(orders=shop["orders"])
    assert report.section("value").skipped is None and report.section("retention").skipped is None
    assert "customers" in report.section("retention").parts[0] or "customer" in report.section("retention").parts[0]
    assert report.section("funnel").skipped.startswith("a funnel follows people")


def test_events_that_fit_no_preset(shop):
    events = shop["events"].assign(event=shop["events"]["event"].map(lambda e: f"my_{e}"))
    report = Report(events=events)
    stages = report.section("stages").skipped
    assert "none of the event names in your events" in stages and "stage_events" in stages
    funnel = report.section("funnel").skipped
    assert "--funnel-steps" in funnel and "my_view_product" in funnel
    # no purchase event: retention of users, by any event
    retention = report.section("retention")
    assert retention.skipped is None and "A user’s <strong>cohort</strong>" in retention.parts[0]
    # with the names mapped, both come back
    mapped = Report(events=events, funnel_steps=["my_visit", "my_purchase"],
                    stage_events={"my_visit": "Awareness", "my_purchase": "Purchase"})
    assert mapped.section("funnel").tables["funnel"]["step"].tolist() == ["my_visit", "my_purchase"]
    stages = mapped.section("stages")
    assert stages.skipped is None
    assert stages.tables["stages"].set_index("stage").loc["Purchase", "users"] > 0
    assert any("have names the model does not place in a stage" in str(p) for p in stages.parts)


def test_stages_only_when_the_model_applies():
    app = jk.datasets.load("subscription_events")
    assert Report(events=app, stage_model="subscription").section("stages").skipped is None
    shop_events = jk.datasets.load("shop_events").head(2000)
    skipped = Report(events=shop_events, stage_model="subscription").section("stages").skipped
    assert "cannot be applied to these events" in skipped and "phase" in skipped


def test_retention_month_by_month_and_on_or_after(shop):
    section = Report(orders=shop["orders"]).section("retention")
    table = section.tables["retention"]
    assert (table["retention_on_or_after"] >= table["retention_in_period"] - 1e-12).all()
    # on-or-after never rises with the period, cohort by cohort
    rises = table.groupby("cohort")["retention_on_or_after"].diff().dropna()
    assert (rises <= 1e-12).all()
    # the period that contains the end of the data is not complete, and only it
    last = shop["orders"]["timestamp"].max()
    months = table["cohort"].dt.year * 12 + table["cohort"].dt.month - 1 + table["period"]
    assert (table["complete"] == (months < last.year * 12 + last.month - 1)).all()
    curve = section.tables["retention_curve"]
    assert curve["period"].tolist() == sorted(curve["period"]) and curve["cohorts"].iloc[0] >= curve["cohorts"].iloc[-1]
    assert any("still in progress" in q for q in section.facts["quality"])


def test_short_data_leaves_retention_and_repeat_rate_out():
    orders = pd.DataFrame({"order_id": ["1", "2", "3"], "user_id": ["a", "a", "b"],
                           "timestamp": pd.to_datetime(["2025-03-01 10:00", "2025-03-05 10:00", "2025-03-09 10:00"]),
                           "revenue": [10.0, 5.0, 7.5]})
    report = Report(orders=orders)
    assert "does not yet hold a complete month" in report.section("retention").skipped
    value = report.section("value")
    assert value.skipped is None and "repeat_purchase" not in value.tables
    assert any("less than 90 days" in str(p) for p in value.parts)
    weekly = Report(orders=orders, period="D")
    assert weekly.section("retention").skipped is None


def test_headline_numbers_carry_definition_and_unit(shop):
    report = Report(orders=shop["orders"], currency="£")
    cards = report.section("headline").parts[0]
    for label in ("customers", "orders", "net revenue", "average order value", "orders per customer"):
        block = re.search(rf'<div class="value">([^<]+)</div><div class="label">{label}</div>'
                          r'<div class="definition">([^<]+)</div>', cards)
        assert block, label
        assert re.search(r"unit: |in £", block.group(2)), block.group(2)
    revenue = round(shop["orders"]["revenue"].sum(), 2)
    assert f"£{revenue:,.2f}" in cards
    plain = Report(orders=shop["orders"]).section("headline").parts[0]
    assert f'<div class="value">{revenue:,.2f}</div>' in plain and "£" not in plain and "€" not in plain


def test_data_quality_lists_drops_overlap_open_windows_and_periods(shop):
    orders = shop["orders"].copy()
    orders.attrs["import_report"] = [{"file": "orders.csv", "reason": "lines without CustomerID", "rows": 12}]
    surveys = shop["surveys"].copy()
    surveys.attrs["import_report"] = [{"file": "s.csv", "reason": "lines without CustomerID", "rows": 3}]
    report = Report(events=shop["events"], orders=orders, surveys=surveys, reading={"time_zone": "Europe/London"})
    quality = report.section("quality")
    assert quality.tables["dropped"]["rows"].tolist() == [12, 3]
    overlap = quality.tables["id_overlap"]
    assert len(overlap) == 3 and (overlap["in_both"] <= overlap[["ids_in_first", "ids_in_second"]].min(axis=1)).all()
    text = quality.html()
    assert "entered less than 7 days before the data ends" in text
    assert "still in progress" in text and "Europe/London" in text
    assert report.summary()["dropped"] == {"lines without CustomerID": 15}
    page = report.html(images=False)
    assert page.index("<h2>Data quality") < page.index("<h2>Key numbers") < page.index("<h2>Funnel")


def test_user_text_is_escaped_on_the_page():
    events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["<script>x</script>", "purchase", "visit"],
                           "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-02 10:00", "2025-01-03 10:00"])})
    page = Report(events=events, title="Shop <b>&</b>").html(images=False)
    assert "<script>" not in page and "&lt;script&gt;" in page and "Shop &lt;b&gt;&amp;&lt;/b&gt;" in page


def test_options_are_checked():
    orders = pd.DataFrame({"order_id": ["1"], "user_id": ["a"], "timestamp": pd.to_datetime(["2025-01-01"]),
                           "revenue": [1.0]})
    with pytest.raises(ParameterError, match="give at least one table"):
        Report()
    with pytest.raises(ParameterError, match="funnel_window=7 is a number without a unit"):
        Report(orders=orders, funnel_window=7)
    with pytest.raises(ParameterError, match="period='month'"):
        Report(orders=orders, period="month")
    with pytest.raises(ParameterError, match="orders must be a DataFrame"):
        Report(orders="orders.csv")
    with pytest.raises(ParameterError, match="key='funel'"):
        Report(orders=orders).section("funel")


def test_summary_definitions_follow_the_order_table():
    orders = pd.DataFrame({"order_id": ["1", "2", "3"], "user_id": ["a", "a", "b"],
                           "timestamp": pd.to_datetime(["2025-01-05 10:00", "2025-02-01 10:00", "2025-03-09 23:59"]),
                           "revenue": [10.0, 0.1, 0.2]})
    events = pd.DataFrame({"user_id": ["x"], "event": ["visit"], "timestamp": pd.to_datetime(["2024-12-31 23:00"])})
    assert summary(orders=orders, events=events) == {
        "orders": {"customers": 2, "orders": 3, "revenue": 10.3, "first": "2025-01-05", "last": "2025-03-09"},
        "events": {"users": 1, "events": 1, "first": "2024-12-31", "last": "2024-12-31"}, "dropped": {}}


def test_write_outputs_writes_one_csv_per_table_shown(shop, tmp_path):
    report = Report(orders=shop["orders"], surveys=shop["surveys"])
    written = report.write_outputs(tmp_path)
    names = {p.name for p in (tmp_path / "tables").iterdir()}
    shown = {name for s in report.sections() if s.skipped is None for name in s.tables}
    assert names == {f"{name}.csv" for name in shown}
    assert "dropped.csv" not in names  # nothing dropped: no table shown, no file
    assert json.loads((tmp_path / "summary.json").read_text()) == report.summary()
    assert tmp_path / "summary.json" in written


def test_handover_keeps_types_and_import_reports(shop, tmp_path):
    orders = jk.validate_orders(shop["orders"])
    orders.attrs.update(import_report=[{"file": "o.csv", "reason": "r", "rows": 2}], rows_read=99,
                        cancellations={"lines": 1, "value": 2.5})
    surveys = jk.validate_surveys(shop["surveys"])
    save_inputs(tmp_path, {"orders": orders, "surveys": surveys, "events": None}, {"orders": {"file": "o.csv"}})
    tables, sources = load_inputs(tmp_path)
    assert set(tables) == {"orders", "surveys"}
    pd.testing.assert_frame_equal(tables["orders"], orders.reset_index(drop=True), check_like=False)
    assert tables["surveys"]["nps"].dtype == "Int64" and tables["orders"]["timestamp"].dtype == "datetime64[ns]"
    assert tables["orders"].attrs["cancellations"] == {"lines": 1, "value": 2.5}
    assert sources["orders"]["rows_read"] == 99 and sources["orders"]["file"] == "o.csv"
    report = Report.from_folder(tmp_path)
    assert report.summary()["dropped"] == {"r": 2}
    assert "netted against their customers’ revenue" in report.section("quality").html()


def test_page_keeps_outputs_only():
    notebook = {"cells": [
        {"cell_type": "markdown", "source": "# The template's notes"},
        {"cell_type": "code", "source": "report.show('overview')", "outputs": [
            {"output_type": "display_data", "data": {"text/html": "<h1>Q&amp;A shop</h1>", "text/plain": "x"}},
            {"output_type": "stream", "name": "stderr", "text": "a warning"}]},
        {"cell_type": "code", "source": "report.show('funnel')", "outputs": [
            {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=\n", "text/plain": "Bar chart"}},
            {"output_type": "execute_result", "data": {"text/plain": "[PosixPath('x')]"}, "execution_count": 3}]},
        {"cell_type": "code", "source": "x = 1", "outputs": []}]}
    page = notebook_to_html(notebook)
    assert "<title>Q&amp;A shop</title>" in page
    assert page.count("<section>") == 2
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Bar chart">' in page
    for hidden in ("template's notes", "report.show", "a warning", "PosixPath", "x = 1"):
        assert hidden not in page


@pytest.mark.parametrize(("value", "text"), [
    (1234567.891, "1,234,567.89"), (1e-9, "0.00"), (-0.001, "0.00"), (3.2e15, "3,200,000,000,000,000.00"),
    (np.float64(12.5), "12.50"), (float("inf"), fmt.MISSING), (None, fmt.MISSING)])
def test_numbers_are_never_scientific(value, text):
    assert fmt.decimal(value) == text
    assert not SCIENTIFIC.search(fmt.money(value, "EUR"))


def test_tables_format_each_kind_of_number():
    frame = pd.DataFrame({"name": ["a"], "count": [1234567], "share": [0.1234], "amount": [1e7],
                          "when": [pd.Timestamp("2025-03-09")], "flag": [True]})
    html = fmt.table(frame, {"count": "int", "share": "pct", "amount": lambda v: fmt.money(v, "£")}, name="t",
                     caption="T")
    assert "1,234,567" in html and "12.3%" in html and "£10,000,000.00" in html and "9 Mar 2025" in html
    assert ">yes<" in html and "tables/t.csv" in html and not SCIENTIFIC.search(html)


def test_funnel_section_explains_the_leakiest_step(shop):
    section = Report(events=shop["events"]).section("funnel")
    funnel_table = section.tables["funnel"]
    at = int(funnel_table["drop_off"].to_numpy()[1:].argmax()) + 2
    steps = funnel_table["step"].tolist()
    expected = jk.conversion_drivers(shop["events"], steps, at=at, window="7D", columns=["channel"])
    pd.testing.assert_frame_equal(section.tables["funnel_drivers"], expected)
    after = jk.paths_after_drop(shop["events"], steps, at, window="7D", after=3, top=10)
    assert section.tables["paths_after_drop"]["users"].tolist() == after["users"].tolist()
    page = "".join(p for p in section.parts if isinstance(p, str))
    assert "association, not cause" in page and f"stopped after ‘{steps[at - 2]}’" in page
    everyone = pd.DataFrame({"user_id": ["a", "a", "b", "b"], "event": ["visit", "purchase"] * 2,
                             "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"])})
    through = Report(events=everyone, funnel_steps=["visit", "purchase"]).section("funnel")
    assert through.skipped is None and "funnel_drivers" not in through.tables  # nobody lost: nothing to explain


def test_activity_section_pools_stickiness_over_complete_weeks():
    # two complete weeks (Mon 6 Jan - Sun 19 Jan 2025) and a partial third: a is active 3 days in week 1 and
    # 1 day in week 2; b 1 day in week 1; the partial week is left out
    rows = [("a", "2025-01-06"), ("a", "2025-01-07"), ("a", "2025-01-07"), ("a", "2025-01-09"), ("b", "2025-01-12"),
            ("a", "2025-01-15"), ("b", "2025-01-20"), ("b", "2025-01-21")]
    events = pd.DataFrame({"user_id": [r[0] for r in rows], "timestamp": pd.to_datetime([r[1] for r in rows]),
                           "event": "visit"})
    table = Report(events=events).section("activity").tables["stickiness"]
    counts = dict(zip(table["active_days"], table["user_weeks"]))
    assert counts[1] == 2 and counts[3] == 1 and sum(counts.values()) == 3
    assert table["share"].sum() == pytest.approx(1.0)
