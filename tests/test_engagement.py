"""Engagement and bracket retention: stickiness, DAU/WAU/MAU, N-day and bracket retention (first-time, recurring)."""

import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit.errors import ParameterError


def log(*rows, columns=("user_id", "timestamp", "event")):
    df = pd.DataFrame(rows, columns=list(columns))
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601")
    return df


def random_log(seed, users=40, days=70, events=600):
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-03-01T00:00:00")
    return pd.DataFrame({
        "user_id": rng.integers(0, users, events).astype(str),
        "timestamp": pd.to_datetime(start + rng.integers(0, days * 86400, events).astype("timedelta64[s]")),
        "event": rng.choice(["open", "buy", "share"], events, p=[0.7, 0.2, 0.1]),
        "device": rng.choice(["ios", "android"], events)})


# --- active users ------------------------------------------------------------------------------------------------


def brute_force_active(events, width):
    days = events["timestamp"].dt.normalize()
    out = []
    for day in pd.date_range(days.min(), days.max(), freq="D"):
        window = (days > day - pd.Timedelta(days=width)) & (days <= day)
        out.append(events.loc[window, "user_id"].nunique())
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_active_users_equal_a_brute_force_count(seed):
    events = random_log(seed)
    table = jk.active_users(events)
    assert table["dau"].tolist() == brute_force_active(events, 1)
    assert table["wau"].tolist() == brute_force_active(events, 7)
    assert table["mau"].tolist() == brute_force_active(events, 30)
    assert (table["dau"] <= table["wau"]).all() and (table["wau"] <= table["mau"]).all()
    assert table["full_window"].tolist() == [i >= 29 for i in range(len(table))]


def test_active_users_of_one_event_and_hand_ratios():
    events = log(("a", "2025-01-01 09:00", "open"), ("a", "2025-01-01 10:00", "buy"), ("b", "2025-01-02", "open"),
                 ("c", "2025-01-09", "buy"))
    table = jk.active_users(events, activity_event="buy").set_index("date")
    assert table.loc["2025-01-01", ["dau", "wau", "mau"]].tolist() == [1, 1, 1]
    assert table.loc["2025-01-08", ["dau", "wau", "mau"]].tolist() == [0, 0, 1]  # a's buy left the 7-day window
    assert table.loc["2025-01-09", "dau_mau"] == pytest.approx(1 / 2)
    assert table.loc["2025-01-09", "wau_mau"] == pytest.approx(1 / 2)


# --- stickiness --------------------------------------------------------------------------------------------------


def test_stickiness_by_hand_and_months_have_their_own_length():
    events = log(("a", "2025-02-03", "open"), ("a", "2025-02-04", "open"), ("a", "2025-02-04 20:00", "open"),
                 ("b", "2025-02-05", "open"), ("b", "2025-03-03", "open"))
    weekly = jk.stickiness(events).set_index(["period", "active_days"])
    assert weekly.loc[(pd.Timestamp("2025-02-03"), 2), "users"] == 1  # a: the 3rd and the 4th
    assert weekly.loc[(pd.Timestamp("2025-02-03"), 1), "share"] == pytest.approx(0.5)
    monthly = jk.stickiness(events, period="M")
    assert monthly.groupby("period").size().tolist() == [28, 31]  # February 2025 has 28 days
    # the data start on 3 February, and stop in March: neither month is whole
    assert monthly.groupby("period")["complete"].first().tolist() == [False, False]


@pytest.mark.parametrize("seed", [4, 5])
def test_stickiness_shares_sum_to_one_and_count_every_active_user(seed):
    events = random_log(seed)
    table = jk.stickiness(events, by="device")
    sums = table.groupby(["device", "period"])["share"].sum()
    assert np.allclose(sums, 1.0)
    week = events["timestamp"].dt.to_period("W-SUN").dt.start_time
    assert table.groupby("period")["users"].sum().tolist() == events.groupby(week)["user_id"].nunique().tolist()


def test_engagement_does_not_depend_on_row_order_ids_or_time_zones():
    events = random_log(6)
    variants = [events.sample(frac=1, random_state=1),
                events.assign(user_id=events["user_id"].astype(int)),
                events.assign(user_id=events["user_id"].astype("string[pyarrow]")),
                events.assign(timestamp=events["timestamp"].dt.tz_localize("UTC"))]
    base_s, base_a = jk.stickiness(events), jk.active_users(events)
    base_b = jk.bracket_retention(events, start="every")
    for variant in variants:
        pd.testing.assert_frame_equal(jk.stickiness(variant), base_s)
        pd.testing.assert_frame_equal(jk.active_users(variant), base_a)
        pd.testing.assert_frame_equal(jk.bracket_retention(variant, start="every"), base_b)


# --- bracket retention -------------------------------------------------------------------------------------------


def brute_force_brackets(events, brackets, start, cohort_event=None, return_event=None):
    days = events.assign(day=events["timestamp"].dt.normalize())
    last = days["day"].max()
    starts = days if cohort_event is None else days[days["event"] == cohort_event]
    entries = starts.groupby("user_id")["day"].min().reset_index() if start == "first" else \
        starts[["user_id", "day"]].drop_duplicates()
    back = days if return_event is None else days[days["event"] == return_event]
    out = []
    for low, high in brackets:
        entrants = retained = pending = 0
        for user, day in entries.itertuples(index=False):
            if day + pd.Timedelta(days=high) >= last:  # the last day of the data is not over
                pending += 1
                continue
            entrants += 1
            offsets = (back.loc[back["user_id"] == user, "day"] - day).dt.days
            retained += bool(((offsets >= low) & (offsets <= high)).any())
        out.append((entrants, retained, pending))
    return out


@pytest.mark.parametrize("seed, start", [(7, "first"), (8, "every"), (9, "first")])
def test_bracket_retention_equals_a_brute_force_count(seed, start):
    events = random_log(seed, users=25, days=50, events=200)
    brackets = [0, 1, (2, 7), (8, 30)]
    table = jk.bracket_retention(events, brackets=brackets, start=start, cohort_event="buy", return_event="open")
    expected = brute_force_brackets(events, [(0, 0), (1, 1), (2, 7), (8, 30)], start, "buy", "open")
    assert list(zip(table["entrants"], table["retained"], table["pending"])) == expected
    assert table["bracket"].tolist() == ["day 0", "day 1", "days 2-7", "days 8-30"]
    assert ((table["ci_low"] <= table["retention"] + 1e-12) & (table["retention"] <= table["ci_high"] + 1e-12)).all()


def test_recurring_counts_every_start_and_pending_is_never_a_drop():
    events = log(("a", "2025-01-01", "buy"), ("a", "2025-01-02", "open"), ("a", "2025-01-10", "buy"),
                 ("a", "2025-01-11", "open"), ("b", "2025-01-12", "buy"))
    first = jk.bracket_retention(events, brackets=[1], cohort_event="buy").iloc[0]
    every = jk.bracket_retention(events, brackets=[1], cohort_event="buy", start="every").iloc[0]
    assert (first["entrants"], first["retained"], first["pending"]) == (1, 1, 1)  # b started on the last day
    assert (every["entrants"], every["retained"], every["pending"]) == (2, 2, 1)


def test_bracket_retention_by_segment_and_bad_brackets():
    events = log(("a", "2025-01-01", "open", "ios"), ("a", "2025-01-02", "open", "ios"),
                 ("b", "2025-01-01", "open", "android"), ("c", "2025-01-05", "open", "ios"),
                 columns=("user_id", "timestamp", "event", "device"))
    table = jk.bracket_retention(events, brackets=[1], by="device")
    assert table[["device", "entrants", "retained", "pending"]].values.tolist() == [["android", 1, 0, 0], ["ios", 1, 1, 1]]
    for bad, words in [([(7, 2)], "ends before it starts"), ([], "is empty"), ("7", "must be a list"),
                       ([-1], "whole numbers of days"), ([1.5], "whole numbers of days")]:
        with pytest.raises(ParameterError, match=words):
            jk.bracket_retention(events, brackets=bad)
    with pytest.raises(ParameterError, match="start"):
        jk.bracket_retention(events, start="any")


def test_a_missing_segment_is_one_segment_in_brackets_and_stickiness():
    events = log(("a", "2025-01-01 10:00", "open", None), ("a", "2025-01-02 10:00", "open", None),
                 ("b", "2025-01-01 10:00", "open", "x"), ("c", "2025-01-04 10:00", "open", None),
                 ("d", "2025-01-05 10:00", "open", "x"), columns=("user_id", "timestamp", "event", "channel"))
    brackets = jk.bracket_retention(events, brackets=[1], by="channel")
    assert len(brackets) == 2 and brackets["entrants"].sum() + brackets["pending"].sum() == 4
    weekly = jk.stickiness(events, by="channel")
    assert weekly["users"].sum() == 4  # a and c (no channel) are counted, under a missing segment
