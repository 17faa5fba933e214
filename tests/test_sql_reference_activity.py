"""The activity definitions in DuckDB SQL (tests/sql_reference/activity.py) against the kit: sessions, web analytics,
stickiness, active users, churn, lifecycle, bracket and cohort retention, on the sample shop, on small hostile logs
and on every benchmark case of the module on a small generated log."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from sql_reference import activity
from sql_reference.compare import assert_same


OPTIONS = {
    "sessionize": [{}, {"timeout": "15min"}, {"timeout": "2h"}],
    "web_analytics": [{}, {"by": None}, {"by": "device", "entry_events": ["visit"]},
                      {"session_col": None, "timeout": "20min"}, {"session_col": "no_such_column", "by": "channel"}],
    "stickiness": [{}, {"period": "M", "by": "channel"}, {"activity_event": "purchase", "by": "device"}],
    "active_users": [{}, {"activity_event": "purchase"}],
    "churn_rate": [{}, {"threshold": "30D", "by": "channel"}, {"threshold": "20D", "activity_event": "purchase"},
                   {"threshold": "36h", "as_of": "2025-03-15 12:00", "by": "device"}],
    "lifecycle": [{}, {"period": "W"}, {"period": "D", "activity_event": "purchase"}],
    "bracket_retention": [{}, {"brackets": [7, 1, (2, 7), (0, 3)], "start": "every"},
                          {"cohort_event": "purchase", "return_event": "visit", "by": "plan", "level": 0.9},
                          {"start": "every", "cohort_event": "visit", "return_event": "purchase", "by": "plan",
                           "brackets": [(8, 30), 1]}],
    "cohort_retention": [{}, {"period": "W", "by": "plan"}, {"period": "D", "unbounded": True},
                         {"cohort_event": "purchase", "return_event": "visit", "by": "plan"},
                         {"period": "W", "return_event": "purchase", "unbounded": True}],
}


def _both(function: str, events, con=None, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The kit's result and the SQL reference's for one call."""
    return getattr(jk, function)(events, **options), getattr(activity, f"duckdb_{function}")(events, con=con,
                                                                                                **options)


def _check(function: str, events, con=None, **options) -> None:
    assert_same(*_both(function, events, con, **options))


def _hostile(seed: int, tz: str | None = None) -> pd.DataFrame:
    """A small random log with what breaks naive code, around the rows of :func:`_edges` (and within its first and
    last moments): events at one moment (on a coarse grid of times), repeated rows, rows in random order, missing
    channels and session ids, a user who never buys, one with one event, ids out of text order and a non-ASCII id;
    a ``plan`` that is the same on all of a user's rows."""
    rng = np.random.default_rng(seed)
    n = 70
    users = rng.choice(["u1", "u10", "u2", "u9", "U3", "ü4"], n)
    times = (pd.Timestamp("2025-01-06 01:00") + pd.to_timedelta(rng.integers(0, 96, n), "D")
             + pd.to_timedelta(rng.choice([0, 10, 10, 30, 41, 75, 23 * 60 + 59], n), "min"))
    frame = pd.DataFrame({"user_id": users, "timestamp": times,
                          "event": rng.choice(["visit", "view_product", "add_to_cart", "purchase"], n,
                                              p=[.35, .35, .15, .15]),
                          "channel": rng.choice(["ads", "search", None], n),
                          "device": rng.choice(["mobile", "desktop"], n),
                          "session_id": rng.choice(["S1", "S2", "S3", None], n)})
    others = pd.DataFrame({"user_id": ["never", "never", "never", "once"],
                           "timestamp": pd.to_datetime(["2025-01-05 00:00", "2025-01-05 00:00", "2025-02-01 12:00",
                                                        "2025-03-03 00:00"]),
                           "event": ["visit", "view_product", "visit", "visit"],
                           "channel": ["ads", None, "search", None], "device": "mobile",
                           "session_id": ["S9", "S9", None, "S1"]})
    plans = {"u1": "pro", "u10": "free", "u2": None, "u9": "free", "U3": "pro", "ü4": "free", "never": None,
             "once": "pro"}
    frame = pd.concat([frame, frame.iloc[:8], others], ignore_index=True)
    frame["plan"] = frame["user_id"].map(plans)
    frame = pd.concat([frame, _edges()], ignore_index=True).sample(frac=1, random_state=seed)
    frame = frame.astype({"user_id": "str", "event": "str"}).reset_index(drop=True)
    if tz:
        frame["timestamp"] = frame["timestamp"].dt.tz_localize(tz)
    return frame


def _edges() -> pd.DataFrame:
    """A hand-made log on the boundaries of the definitions (each row's comment says which)."""
    rows = [
        ("a", "2025-01-06 00:00:00", "visit", "ads", "S1"),  # the log starts on a Monday, the 1st of no month
        ("a", "2025-01-06 00:30:00", "view_product", "ads", "S1"),  # exactly 30 minutes later: the same session
        ("a", "2025-01-06 01:00:01", "visit", "search", "S2"),  # 30 minutes and 1 second: a new session
        ("a", "2025-01-12 23:59:59", "purchase", "search", "S2"),  # the Sunday night, the end of the week
        ("a", "2025-01-13 00:00:00", "visit", None, "S3"),  # the Monday just after
        ("a", "2025-01-13 00:00:00", "visit", None, "S3"),  # the same row twice
        ("b", "2025-01-07 09:00:00", "visit", "ads", "S4"),  # two first events at one moment: add_to_cart
        ("b", "2025-01-07 09:00:00", "add_to_cart", None, "S4"),  # comes first, and its channel is missing
        ("b", "2025-02-28 23:30:00", "purchase", "email", None),  # the last half hour of February
        ("c", "2025-02-10 00:00:00", "purchase", "email", None),  # a user with one event
        ("n", "2025-01-20 08:00:00", "visit", "social", "S5"),  # never buys; 30 days before the end: not churned
        ("n", "2025-03-15 12:00:00", "visit", "social", "S6"),
        ("e", "2025-03-15 12:00:00", "visit", "search", "S7"),  # arrives exactly 30 days before the end: eligible
        ("r", "2025-02-03 10:00:00", "visit", "ads", "S8"),  # a visit before the first purchase, in its month
        ("r", "2025-02-05 10:00:00", "purchase", "ads", "S8"),
        ("r", "2025-04-06 10:00:00", "visit", "ads", "S9"),  # day 7 of this start is the day before the last day
        ("r", "2025-04-13 10:00:00", "purchase", "ads", None),
        ("s", "2025-04-07 10:00:00", "visit", "search", "S10"),  # day 7 of this start is the last day: pending
        ("s", "2025-04-14 09:00:00", "purchase", "search", "S10"),
        ("z", "2025-04-14 12:00:00", "visit", "direct", "S11"),  # the last moment of the log
    ]
    frame = pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "channel", "session_id"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    frame["device"] = np.where(frame["user_id"].isin(["a", "r"]), "desktop", "mobile")
    frame["plan"] = frame["user_id"].map({"a": "pro", "b": "free", "r": "pro"})
    return frame.iloc[::-1].astype({"user_id": "str", "event": "str"}).reset_index(drop=True)


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    return jk.datasets.load("shop_events")


@pytest.mark.parametrize("function, options", [
    ("sessionize", {}), ("web_analytics", {"entry_events": ["visit"]}),
    ("stickiness", {"period": "M", "activity_event": "purchase", "by": "channel"}), ("active_users", {}),
    ("churn_rate", {"threshold": "30D", "as_of": "2025-12-01", "by": "device"}),
    ("lifecycle", {"period": "W"}),
    ("bracket_retention", {"start": "every", "cohort_event": "visit", "return_event": "purchase", "by": "device"}),
    ("cohort_retention", {"period": "W", "cohort_event": "purchase", "return_event": "visit", "by": "channel"}),
], ids=lambda value: value if isinstance(value, str) else "-".join(map(str, value.values())) or "defaults")
def test_sample_shop(shop, con, function, options):
    _check(function, shop, con, **options)


@pytest.mark.parametrize("function", list(OPTIONS))
def test_hostile_log(con, function):
    events = _hostile(0)
    for options in OPTIONS[function]:
        _check(function, events, con, **options)


@pytest.mark.parametrize("function, options", [(function, choices[-1]) for function, choices in OPTIONS.items()])
def test_time_zone_aware_times(con, function, options):
    """Aware times count in UTC, as the kit's contract turns them: here days, weeks and months start an hour or
    two (Paris) or four or five (New York) apart from the wall clock's."""
    _check(function, _hostile(1, "America/New_York"), con, **options)
    _check(function, _hostile(2, "Europe/Paris"), con, **options)


def test_edges_mean_what_they_say(con):
    events = _edges()
    sessions = activity.duckdb_sessionize(events, con=con)
    assert sessions.loc[sessions["user_id"] == "a", "session"].tolist() == ["a#1", "a#1", "a#2", "a#3", "a#3", "a#3"]
    assert sessions.loc[sessions["user_id"] == "b", "event"].tolist() == ["add_to_cart", "visit", "purchase"]
    churn = activity.duckdb_churn_rate(events, threshold="30D", con=con)
    assert churn[["users", "churned"]].values.tolist() == [[6, 3]]  # a, b, c gone; n, e and r not
    brackets = activity.duckdb_bracket_retention(events, brackets=[7], start="every", con=con)
    assert brackets[["entrants", "pending"]].values.tolist() == [[12, 4]]  # r on 13 April, s on the 7th and 14th, z
    by_day = activity.duckdb_active_users(events, con=con).set_index("date")
    assert by_day.loc["2025-03-14", "wau"] == 0 and np.isnan(by_day.loc["2025-03-14", "dau_wau"])


def test_integer_ids_are_text(con):
    events = _hostile(4)
    numbers = {user: number for number, user in enumerate(sorted(events["user_id"].unique()), start=8)}
    events["user_id"] = events["user_id"].map(numbers)  # 8, 9, 10, ...: "10" < "8" as text
    for function in ("sessionize", "churn_rate", "cohort_retention"):
        _check(function, events, con)


@pytest.mark.parametrize("function", list(OPTIONS))
def test_parquet_input(tmp_path, con, function):
    events = _hostile(3)
    events.to_parquet(tmp_path / "events.parquet")
    options = OPTIONS[function][-1]
    kit = getattr(jk, function)(events, **options)
    assert_same(kit, getattr(activity, f"duckdb_{function}")(str(tmp_path / "*.parquet"), con=con, **options))


TIED = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["visit", "add_to_cart", "visit"],
                     "timestamp": pd.to_datetime(["2025-01-01 10:00"] * 2 + ["2025-01-09 10:00"]),
                     "channel": ["ads", "search", "ads"]})
"""``a``'s first two events are at one moment: in the kit's order add_to_cart comes first, with 'search'."""


@pytest.mark.parametrize("function, options", [
    ("stickiness", {}), ("web_analytics", {"session_col": None}), ("churn_rate", {"threshold": "1D"}),
    ("cohort_retention", {}), ("bracket_retention", {"brackets": [1]}),
])
def test_segment_on_the_first_of_tied_events(con, function, options):
    kit, sql = _both(function, TIED, con, by="channel", **options)
    assert_same(kit, sql)


def test_churn_rate_segment_is_on_the_first_event_with_an_activity_event(con):
    events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["visit", "purchase", "visit"],
                           "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-06-01"]),
                           "channel": ["ads", "email", "search"]})
    _check("churn_rate", events, con, by="channel", activity_event="purchase", threshold="30D")


@pytest.mark.parametrize("case", activity.CASES, ids=lambda case: case.name)
def test_benchmark_cases(generated, con, case):
    data = case.prepare(generated)
    assert_same(case.kit(data), case.sql(data, con))


def test_benchmark_case_names_are_unique():
    names = [case.name for case in activity.CASES]
    assert len(names) == len(set(names))
    assert {name for name in OPTIONS} <= {case.call.split("(")[0].removeprefix("jk.") for case in activity.CASES}
