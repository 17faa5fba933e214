"""Properties every analysis must have, checked on every public function at once.

- Shuffling the rows of the input changes nothing (ties in time included: the
  log below is cut to whole days, so most events of a user share a timestamp).
- Ids stored as integers, as text, as pyarrow strings or as categories give
  the same result.
- Time-zone-aware timestamps give the same result as the same instants given
  as naive UTC.
- The caller's tables are never modified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import journeykit as jk


@pytest.fixture(scope="module")
def shop():
    """A small shop whose events are cut to the day, so that ties in time are everywhere, with digit ids."""
    data = jk.simulate_shop(160, seed=21)
    ids = {u: str(1000 + i) for i, u in enumerate(pd.unique(data["events"]["user_id"]))}
    events = data["events"].assign(user_id=data["events"]["user_id"].map(ids),
                                   timestamp=data["events"]["timestamp"].dt.floor("D"))
    orders = data["orders"].assign(user_id=data["orders"]["user_id"].map(ids))
    surveys = data["surveys"].assign(user_id=data["surveys"]["user_id"].map(ids))
    return events, orders, surveys


ANALYSES = {
    "assign_stages": lambda ev, od, sv: jk.assign_stages(ev, "5-stage-intent"),
    "stage_entries": lambda ev, od, sv: jk.stage_entries(ev),
    "furthest_stage": lambda ev, od, sv: jk.furthest_stage(ev),
    "stage_summary": lambda ev, od, sv: jk.stage_summary(ev),
    "stage_transitions": lambda ev, od, sv: jk.stage_transitions(ev),
    "backtracks": lambda ev, od, sv: jk.backtracks(ev),
    "journey_map": lambda ev, od, sv: jk.journey_map(ev, surveys=sv),
    "sessionize": lambda ev, od, sv: jk.sessionize(ev.drop(columns="session_id")),
    "web_analytics": lambda ev, od, sv: jk.web_analytics(ev, by="channel"),
    "web_analytics_derived": lambda ev, od, sv: jk.web_analytics(ev.drop(columns="session_id"), by="device"),
    "funnel": lambda ev, od, sv: jk.funnel(ev, ["visit", "view_product", "add_to_cart", "purchase"], window="7D",
                                          by="device"),
    "funnel_repeats": lambda ev, od, sv: jk.funnel(ev, ["visit", ["visit", "view_product"], "purchase"]),
    "funnel_users": lambda ev, od, sv: jk.funnel_users(ev, ["visit", "add_to_cart", "purchase"], window="3D",
                                                      by="channel"),
    "time_to_convert": lambda ev, od, sv: jk.time_to_convert(ev, ["visit", "purchase"], by="channel"),
    "cohort_retention": lambda ev, od, sv: jk.cohort_retention(ev, by="channel"),
    "retention_curve": lambda ev, od, sv: jk.retention_curve(jk.cohort_retention(ev, period="W",
                                                                                 cohort_event="purchase")),
    "churn_rate": lambda ev, od, sv: jk.churn_rate(ev, by="channel"),
    "lifecycle": lambda ev, od, sv: jk.lifecycle(ev),
    "split_journeys": lambda ev, od, sv: jk.split_journeys(ev),
    "top_paths": lambda ev, od, sv: jk.top_paths(ev, top=20),
    "top_paths_stage": lambda ev, od, sv: jk.top_paths(ev, part="after", level="stage", top=20),
    "transition_matrix": lambda ev, od, sv: jk.transition_matrix(ev, long=True),
    "purchase_timing": lambda ev, od, sv: jk.purchase_timing(ev, touch_events="visit"),
    "first_touch": lambda ev, od, sv: jk.touch_credits(ev, model="first_touch"),
    "compare_attribution": lambda ev, od, sv: jk.compare_attribution(ev, lookback="30D"),
    "journey_comparison": lambda ev, od, sv: jk.journey_comparison(ev, od, sv),
    "order_summary": lambda ev, od, sv: jk.order_summary(od, by="channel"),
    "order_summary_totals": lambda ev, od, sv: jk.order_summary(od),
    "repeat_purchase_rate": lambda ev, od, sv: jk.repeat_purchase_rate(od),
    "repeat_purchase_rate_by": lambda ev, od, sv: jk.repeat_purchase_rate(od, within="30D", by="channel"),
    "rfm": lambda ev, od, sv: jk.rfm(od),
    "historical_clv": lambda ev, od, sv: jk.historical_clv(od, horizon="90D"),
    "historical_clv_by": lambda ev, od, sv: jk.historical_clv(od, horizon="180D", by="channel"),
    "purchase_history": lambda ev, od, sv: jk.purchase_history(od, unit="1D"),
    "nps": lambda ev, od, sv: jk.nps(sv, by="touchpoint"),
    "csat": lambda ev, od, sv: jk.csat(sv, by="touchpoint"),
    "emotion_scores": lambda ev, od, sv: jk.emotion_scores(sv),
}


ROW_LEVEL = {"emotion_scores"}  # one output row per input row, in the input's order: compared as sets of rows


def _rows(df):
    return df.sort_values(list(df.columns), kind="stable", ignore_index=True)


def _same(a, b, name):
    if name.split(" with ")[0] in ROW_LEVEL:
        a, b = _rows(a), _rows(b)
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=name)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, obj=name)
    else:
        assert a == b, name


def _variants(events, orders, surveys, rng):
    """The same data written differently: each must give exactly the same results."""
    def shuffled(df):
        return df.iloc[rng.permutation(len(df))].set_axis(rng.permutation(len(df)) + 10_000)

    def ids(df, how):
        return df.assign(user_id=how(df["user_id"]))

    yield "shuffled rows", shuffled(events), shuffled(orders), shuffled(surveys)
    for label, how in (("integer ids", lambda s: s.astype("int64")),
                       ("pyarrow ids", lambda s: s.astype("string[pyarrow]")),
                       ("categorical ids", lambda s: s.astype("category"))):
        yield label, ids(events, how), ids(orders, how), ids(surveys, how)
    aware = {"timestamp": lambda df: df["timestamp"].dt.tz_localize("UTC").dt.tz_convert("America/New_York")}
    yield "aware timestamps", events.assign(**aware), orders.assign(**aware), surveys.assign(**aware)


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_results_do_not_depend_on_how_the_data_is_written(shop, name):
    events, orders, surveys = shop
    analysis = ANALYSES[name]
    expected = analysis(events, orders, surveys)
    rng = np.random.default_rng(sum(map(ord, name)))
    for label, ev, od, sv in _variants(events, orders, surveys, rng):
        copies = [df.copy(deep=True) for df in (ev, od, sv)]
        _same(expected, analysis(ev, od, sv), f"{name} with {label}")
        for before, after in zip(copies, (ev, od, sv)):
            pd.testing.assert_frame_equal(before, after, obj=f"{name} must not modify its input ({label})")


def test_validators_keep_the_rows_and_normalise_ids_and_times(shop):
    events, orders, surveys = shop
    base = jk.validate_events(events)
    for label, ev, _, _ in _variants(events, orders, surveys, np.random.default_rng(1)):
        out = jk.validate_events(ev)
        assert out["user_id"].dtype == base["user_id"].dtype == "str", label
        pd.testing.assert_frame_equal(out.sort_values(["user_id", "timestamp", "event", "channel", "session_id"], kind="stable",
                                                      ignore_index=True)[base.columns],
                                      base.sort_values(["user_id", "timestamp", "event", "channel", "session_id"], kind="stable",
                                                       ignore_index=True), obj=label)


def test_funnel_counts_never_rise_from_step_to_step(shop):
    events, _, _ = shop
    for window in (None, "1D", "30D"):
        result = jk.funnel(events, ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"],
                           window=window, by="channel")
        for _, rows in result.groupby("channel"):
            users = rows["users"].to_numpy()
            assert (np.diff(users) <= 0).all()
