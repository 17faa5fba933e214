"""Cohort retention, curves, churn and lifecycle: hand-computed cases, properties and a DuckDB cross-check."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import journeykit as jk
from sql_reference import duckdb_cohort_retention

matplotlib.use("Agg")


def log(*rows):
    """rows: (user, timestamp string, event[, channel])"""
    cols = ["user_id", "timestamp", "event", "channel"][: len(rows[0])]
    df = pd.DataFrame(rows, columns=cols)
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601")
    return df


def table_of(result, value="retained"):
    return {(c.strftime("%Y-%m-%d"), p): v for c, p, v in result[["cohort", "period", value]].itertuples(index=False)}


# --- the definition ------------------------------------------------------------------------------------


def test_hand_computed_monthly_cohorts():
    events = log(("a", "2025-01-05", "visit"), ("a", "2025-03-02", "visit"),   # gap in February
                 ("b", "2025-01-31 23:59", "visit"),                         # active only in its first month
                 ("c", "2025-02-01 00:00", "visit"), ("c", "2025-02-20", "visit"), ("c", "2025-03-31", "visit"),
                 ("d", "2025-03-15", "visit"))                                # a cohort in the last period
    result = jk.cohort_retention(events)
    assert list(result.columns) == ["cohort", "period", "cohort_size", "retained", "retention", "complete"]
    assert table_of(result) == {("2025-01-01", 0): 2, ("2025-01-01", 1): 0, ("2025-01-01", 2): 1,
                                ("2025-02-01", 0): 1, ("2025-02-01", 1): 1,
                                ("2025-03-01", 0): 1}
    assert table_of(result, "cohort_size")[("2025-01-01", 2)] == 2
    assert table_of(result, "retention")[("2025-01-01", 2)] == 0.5
    # the last period (March) is still in progress
    assert result.loc[result["complete"] == False, ["cohort", "period"]].values.tolist() == [  # noqa: E712
        [pd.Timestamp("2025-01-01"), 2], [pd.Timestamp("2025-02-01"), 1], [pd.Timestamp("2025-03-01"), 0]]
    assert result["period"].dtype == "int64" and result["cohort"].dtype == "datetime64[ns]"


def test_weeks_start_on_monday_and_cross_month_and_year():
    events = log(("a", "2024-12-30 08:00", "visit"),   # Monday
                 ("a", "2025-01-05 22:00", "visit"),   # Sunday of the same week
                 ("a", "2025-01-06 00:00", "visit"),   # Monday of the next week
                 ("b", "2025-01-04", "visit"), ("b", "2025-01-13", "visit"))
    result = jk.cohort_retention(events, period="W")
    assert result["cohort"].drop_duplicates().tolist() == [pd.Timestamp("2024-12-30")]
    assert table_of(result) == {("2024-12-30", 0): 2, ("2024-12-30", 1): 1, ("2024-12-30", 2): 1}


def test_daily_periods():
    events = log(("a", "2025-01-01 23:59", "visit"), ("a", "2025-01-02 00:01", "visit"), ("b", "2025-01-02", "visit"))
    result = jk.cohort_retention(events, period="D")
    assert table_of(result) == {("2025-01-01", 0): 1, ("2025-01-01", 1): 1, ("2025-01-02", 0): 1}


def test_cohort_and_return_events():
    events = log(("a", "2025-01-03", "visit"), ("a", "2025-01-10", "purchase"), ("a", "2025-02-10", "visit"),
                 ("a", "2025-03-01", "purchase"),
                 ("b", "2025-01-20", "visit"),                                   # never buys: in no buyer cohort
                 ("c", "2025-02-05", "purchase"), ("c", "2025-02-25", "purchase"), ("c", "2025-03-02", "visit"))
    buyers = jk.cohort_retention(events, cohort_event="purchase", return_event="purchase")
    assert table_of(buyers) == {("2025-01-01", 0): 1, ("2025-01-01", 1): 0, ("2025-01-01", 2): 1,
                                ("2025-02-01", 0): 1, ("2025-02-01", 1): 0}
    any_return = jk.cohort_retention(events, cohort_event="purchase")
    assert table_of(any_return)[("2025-01-01", 1)] == 1 and table_of(any_return)[("2025-02-01", 1)] == 1


def test_a_return_event_before_the_cohort_event_in_the_same_period_counts_at_offset_zero():
    events = log(("a", "2025-01-02", "visit"), ("a", "2025-01-09", "purchase"), ("a", "2025-02-09", "signup"))
    result = jk.cohort_retention(events, cohort_event="purchase", return_event="visit")
    assert table_of(result) == {("2025-01-01", 0): 1, ("2025-01-01", 1): 0}


def test_unbounded_counts_activity_in_that_period_or_later():
    events = log(("a", "2025-01-05", "visit"), ("a", "2025-03-02", "visit"),
                 ("b", "2025-01-31", "visit"), ("c", "2025-01-10", "visit"), ("c", "2025-02-10", "visit"),
                 ("z", "2025-04-01", "visit"))
    result = jk.cohort_retention(events, unbounded=True)
    jan = {p: v for (c, p), v in table_of(result).items() if c == "2025-01-01"}
    assert jan == {0: 3, 1: 2, 2: 1, 3: 0}


def test_segments_come_from_the_first_cohort_event():
    events = log(("a", "2025-01-05", "visit", "ads"), ("a", "2025-02-02", "visit", "email"),
                 ("b", "2025-01-07", "visit", "email"), ("c", "2025-02-07", "visit", "ads"))
    result = jk.cohort_retention(events, by="channel")
    assert list(result.columns[:2]) == ["channel", "cohort"]
    got = {(ch, c.strftime("%Y-%m"), p): r for ch, c, p, r in result[["channel", "cohort", "period", "retained"]]
           .itertuples(index=False)}
    assert got == {("ads", "2025-01", 0): 1, ("ads", "2025-01", 1): 1, ("ads", "2025-02", 0): 1,
                   ("email", "2025-01", 0): 1, ("email", "2025-01", 1): 0}


def test_time_zones_are_converted_before_periods_are_cut():
    events = pd.DataFrame({"user_id": ["a", "a"], "event": ["visit", "visit"],
                           "timestamp": ["2025-01-31T20:00:00-05:00", "2025-02-01T06:00:00+01:00"]})
    # 2025-02-01 01:00 and 05:00 UTC: both in February
    result = jk.cohort_retention(events)
    assert table_of(result) == {("2025-02-01", 0): 1}


def test_duplicate_rows_and_ties_change_nothing():
    events = log(("a", "2025-01-05", "visit"), ("a", "2025-02-05", "visit"), ("b", "2025-01-05", "visit"))
    doubled = pd.concat([events, events, events.iloc[[0]]])
    pd.testing.assert_frame_equal(jk.cohort_retention(doubled), jk.cohort_retention(events))


def test_errors():
    events = log(("a", "2025-01-05", "visit"))
    with pytest.raises(ValueError, match="period='Q' is not one of 'D', 'W', 'M'"):
        jk.cohort_retention(events, period="Q")
    with pytest.raises(ValueError, match="cohort_event='purchse' does not occur"):
        jk.cohort_retention(log(("a", "2025-01-05", "purchase")), cohort_event="purchse")
    with pytest.raises(jk.SchemaError, match="column 'user_id' not found"):
        jk.cohort_retention(events.rename(columns={"user_id": "customer"}))


def test_input_is_not_modified():
    events = log(("b", "2025-02-05", "visit"), ("a", "2025-01-05", "visit"))
    before = events.copy(deep=True)
    jk.cohort_retention(events, by=None, unbounded=True)
    jk.lifecycle(events)
    jk.churn_rate(events)
    pd.testing.assert_frame_equal(events, before)


# --- properties ----------------------------------------------------------------------------------------

random_logs = st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 400), st.sampled_from(["visit", "buy"])),
                       min_size=1, max_size=40)


def frame(rows):
    return pd.DataFrame({"user_id": [r[0] for r in rows],
                         "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
                         "event": [r[2] for r in rows]})


@settings(max_examples=60, deadline=None)
@given(random_logs, st.sampled_from(["D", "W", "M"]), st.randoms(use_true_random=False))
def test_properties(rows, period, rnd):
    events = frame(rows)
    result = jk.cohort_retention(events, period=period)
    assert result["retention"].between(0, 1).all()
    assert (result.loc[result["period"] == 0, "retention"] == 1).all()
    assert result.groupby("cohort")["cohort_size"].first().sum() == events["user_id"].nunique()
    shuffled = events.sample(frac=1, random_state=rnd.randint(0, 10**6))
    pd.testing.assert_frame_equal(jk.cohort_retention(shuffled, period=period), result)
    unbounded = jk.cohort_retention(events, period=period, unbounded=True)
    assert (unbounded["retained"] >= result["retained"]).all()
    assert (unbounded.groupby("cohort")["retained"].diff().dropna() <= 0).all()
    # the last offset of every cohort is the period holding the last timestamp
    assert result.groupby("cohort")["complete"].last().eq(False).all()


@settings(max_examples=40, deadline=None)
@given(random_logs)
def test_lifecycle_accounts_for_every_active_user(rows):
    events = frame(rows)
    table = jk.lifecycle(events).pivot(index="period", columns="status", values="users")
    active = events.groupby(events["timestamp"].dt.to_period("M").dt.to_timestamp())["user_id"].nunique()
    active = active.reindex(table.index, fill_value=0)
    assert (table["new"] + table["returning"] + table["resurrected"]).tolist() == active.tolist()
    # dormant in p = active in p-1 minus those still active (returning) in p
    assert (table["dormant"].iloc[1:].to_numpy() == (active.shift(1) - table["returning"]).iloc[1:].to_numpy()).all()


def test_matches_duckdb_on_a_random_log():
    rng = np.random.default_rng(3)
    n = 30_000
    events = pd.DataFrame({
        "user_id": rng.integers(0, 3_000, n).astype(str),
        "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 400 * 86400, n), unit="s"),
        "event": "visit",
    })
    ours = jk.cohort_retention(events)[["cohort", "period", "cohort_size", "retained"]]
    pd.testing.assert_frame_equal(ours, duckdb_cohort_retention(events))


# --- around the table ------------------------------------------------------------------------------------


def test_curve_is_weighted_by_cohort_size_and_skips_incomplete_periods():
    events = log(*[(f"j{i}", "2025-01-10", "visit") for i in range(10)], *[(f"j{i}", "2025-02-10", "visit")
                                                                            for i in range(4)],
                 *[(f"f{i}", "2025-02-10", "visit") for i in range(30)], *[(f"f{i}", "2025-03-10", "visit")
                                                                           for i in range(6)])
    curve = jk.retention_curve(jk.cohort_retention(events))
    assert curve[["period", "cohorts", "users", "retained"]].values.tolist() == [[0, 2, 40, 40], [1, 1, 10, 4]]
    assert curve["retention"].tolist() == [1.0, 0.4]
    assert curve["churn_from_previous"].iloc[1] == pytest.approx(0.6)


def test_curve_per_segment():
    events = log(("a", "2025-01-05", "visit", "ads"), ("a", "2025-02-05", "visit", "ads"),
                 ("b", "2025-01-05", "visit", "email"), ("c", "2025-03-05", "visit", "email"))
    curve = jk.retention_curve(jk.cohort_retention(events, by="channel"))
    assert curve.set_index(["channel", "period"])["retention"].to_dict() == {
        ("ads", 0): 1.0, ("ads", 1): 1.0, ("email", 0): 1.0, ("email", 1): 0.0}


def test_churn_rate_only_counts_users_who_had_time_to_churn():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-06-20", "visit"),   # active recently
                 ("b", "2025-01-10", "visit"),                                 # gone since January: churned
                 ("c", "2025-06-25", "visit"))                                 # too new to judge
    assert jk.churn_rate(events, threshold="90D").iloc[0].tolist() == [2, 1, 0.5]
    assert jk.churn_rate(events, threshold="30D", as_of="2025-03-01").iloc[0].tolist() == [2, 2, 1.0]
    with pytest.raises(ValueError, match="threshold must be a positive duration"):
        jk.churn_rate(events, threshold="0D")


def test_plots_return_their_axes():
    import matplotlib.pyplot as plt

    events = log(("a", "2025-01-05", "visit", "ads"), ("a", "2025-02-05", "visit", "ads"),
                 ("b", "2025-02-05", "visit", "email"), ("b", "2025-03-05", "visit", "email"))
    table = jk.cohort_retention(events)
    for draw, data in ((jk.plot_retention, table), (jk.plot_retention_curve, jk.retention_curve(table)),
                       (jk.plot_lifecycle, jk.lifecycle(events))):
        fig, ax = plt.subplots()
        assert draw(data, ax=ax) is ax
    with pytest.raises(ValueError, match="several 'channel' segments. Filter it to one first"):
        jk.plot_retention(jk.cohort_retention(events, by="channel"))
    plt.close("all")
