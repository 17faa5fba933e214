"""The funnel family against its SQL reference (tests/sql_reference/funnel_family.py): the sample shop, small
hostile logs (ties, shuffled rows, repeats, users who never convert or have one event, aware times), random
logs full of ties, and every benchmark case on a small generated log."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from sql_reference import funnel_family as ff
from sql_reference.compare import assert_same

T0 = pd.Timestamp("2025-03-03 10:00")  # a Monday
BUY = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]
CHECKOUT = ["add_to_cart", "begin_checkout", "purchase"]


def check(events, function: str, args: tuple, kwargs: dict, con) -> None:
    """``jk.<function>`` and ``duckdb_<function>`` give the same table for the same call."""
    kit = getattr(jk, function)(events, *args, **kwargs)
    sql = getattr(ff, f"duckdb_{function}")(events, *args, **kwargs, con=con)
    assert_same(kit, sql)


# --- (1) the sample shop ----------------------------------------------------------------------------------------

SHOP_CALLS = [
    ("funnel", (BUY,), {"window": "1D", "by": "device"}),
    ("funnel_users", (CHECKOUT,), {"window": "7D", "by": "channel", "exclude": ["payment_failed"]}),
    ("dropped_users", (BUY, "add_to_cart"), {"window": "1D"}),
    ("time_to_convert", (BUY,), {"by": "device"}),
    ("funnel_trends", (BUY,), {"window": "7D", "period": "M"}),
    ("conversion_drivers", (CHECKOUT,), {"window": "1D", "columns": ["device", "channel"]}),
    ("paths_after_drop", (["view_product", "add_to_cart", "begin_checkout", "purchase"], "purchase"),
     {"window": "1D"}),
]


@pytest.fixture(scope="module")
def shop():
    return jk.datasets.load("shop_events")


@pytest.mark.parametrize(("function", "args", "kwargs"), SHOP_CALLS, ids=[call[0] for call in SHOP_CALLS])
def test_sample_shop(shop, function, args, kwargs, con):
    check(shop, function, args, kwargs, con)


# --- (2) hostile logs -------------------------------------------------------------------------------------------


def hostile() -> pd.DataFrame:
    """A few users each breaking one assumption, rows shuffled. Times in minutes after T0."""
    day = 24 * 60
    rows = [
        # every step in the same second, logged in reverse order: converts (equal times count as in order)
        ("tie", 0, "purchase"), ("tie", 0, "begin_checkout"), ("tie", 0, "add_to_cart"), ("tie", 0, "view_product"),
        ("tie", 0, "visit"),
        # every step, backwards: enters, goes nowhere
        ("backwards", 0, "purchase"), ("backwards", 1, "begin_checkout"), ("backwards", 2, "add_to_cart"),
        ("backwards", 3, "view_product"), ("backwards", 4, "visit"),
        # repeats of every step, two of them in the same second
        ("repeat", 0, "visit"), ("repeat", 1, "visit"), ("repeat", 2, "view_product"), ("repeat", 2, "view_product"),
        ("repeat", 3, "view_product"), ("repeat", 5, "add_to_cart"), ("repeat", 5, "add_to_cart"),
        ("repeat", 6, "begin_checkout"), ("repeat", 7, "purchase"), ("repeat", 8, "purchase"), ("repeat", 9, "search"),
        ("repeat", 3 * day, "visit"), ("repeat", 3 * day + 1, "visit"),
        # browses and never converts; one event only; never does step 1
        ("never", 10, "visit"), ("never", 11, "view_product"), ("never", 12, "search"), ("never", 13, "visit"),
        ("one", 20, "visit"),
        ("nostart", 5, "purchase"), ("nostart", 6, "add_to_cart"),
        # a failed payment between checkout and purchase, and one in the same second as both
        ("failed", 30, "visit"), ("failed", 31, "view_product"), ("failed", 32, "add_to_cart"),
        ("failed", 33, "begin_checkout"), ("failed", 34, "payment_failed"), ("failed", 35, "purchase"),
        ("failtie", 30, "visit"), ("failtie", 31, "view_product"), ("failtie", 32, "add_to_cart"),
        ("failtie", 33, "begin_checkout"), ("failtie", 33, "payment_failed"), ("failtie", 33, "purchase"),
        # too slow from the first visit, in time from the second
        ("slow", 0, "visit"), ("slow", 2 * day, "view_product"), ("slow", 3 * day, "add_to_cart"),
        ("slow", 8 * day, "visit"), ("slow", 8 * day + 5, "view_product"), ("slow", 8 * day + 9, "add_to_cart"),
        ("slow", 8 * day + 20, "begin_checkout"), ("slow", 8 * day + 21, "payment_failed"),
        ("slow", 8 * day + 25, "purchase"), ("slow", 8 * day + 40, "order_delivered"),
        # searches between steps; the last user starts near the end of the data (window still open)
        ("search", 40, "visit"), ("search", 41, "search"), ("search", 42, "view_product"), ("search", 43, "search"),
        ("search", 44, "add_to_cart"), ("search", 45, "search"), ("search", 46, "search"),
        ("late", 9 * day, "visit"), ("late", 9 * day + 1, "view_product"), ("late", 9 * day + 2, "add_to_cart"),
    ]
    frame = pd.DataFrame(rows, columns=["user_id", "minutes", "event"])
    frame.insert(1, "timestamp", T0 + pd.to_timedelta(frame.pop("minutes"), unit="min"))
    channels = {"tie": "email", "backwards": "ads", "repeat": "search", "never": "ads", "one": "social",
                "nostart": "ads", "failed": "email", "failtie": "search", "slow": "social", "search": "email",
                "late": "ads"}
    frame["channel"] = frame["user_id"].map(channels).astype(object)
    frame.loc[frame["user_id"] == "repeat", "channel"] = [None, *["search"] * 12]  # a missing value, on a tie too
    frame["device"] = np.where(frame["user_id"].isin(["tie", "repeat", "slow", "late"]), "mobile", "desktop")
    return frame.sample(frac=1, random_state=7).reset_index(drop=True)


HOSTILE_CALLS = [
    ("funnel", (BUY,), {}),
    ("funnel", (BUY,), {"window": "2h", "exclude": ["payment_failed"], "by": "device"}),
    ("funnel", (BUY,), {"window": "1D", "order": "strict"}),
    ("funnel", (["visit", "visit", "view_product", "view_product"],), {"window": "1h"}),
    ("funnel", (["view_product", ["add_to_cart", "begin_checkout"], "purchase"],), {"by": "device"}),
    ("funnel_users", (BUY,), {"window": "1D", "by": "channel"}),
    ("funnel_users", (CHECKOUT,), {"exclude": ["payment_failed", "search"]}),
    ("dropped_users", (BUY, 2), {"by": "device", "order": "strict"}),
    ("time_to_convert", (["visit", "visit", "purchase"],), {"by": "channel"}),
    ("funnel_trends", (BUY,), {"window": "1D", "period": "D"}),
    ("funnel_trends", (["visit", "add_to_cart"],), {"window": "12h", "period": "W", "exclude": ["search"]}),
    ("conversion_drivers", (BUY,), {"window": "1D", "at": "view_product", "columns": ["channel", "device"],
                                    "min_sample": 1, "level": 0.8}),
    ("paths_after_drop", (BUY, "add_to_cart"), {"window": "1D", "top": None}),
    ("paths_after_drop", (BUY, "begin_checkout"), {"window": "1h", "collapse": "none", "after": 2, "top": 3}),
]


@pytest.mark.parametrize(("function", "args", "kwargs"), HOSTILE_CALLS,
                         ids=[f"{call[0]}-{i}" for i, call in enumerate(HOSTILE_CALLS)])
def test_hostile_log(function, args, kwargs, con):
    check(hostile(), function, args, kwargs, con)


@pytest.mark.parametrize(("function", "args", "kwargs"), [
    ("funnel_users", (BUY,), {"window": "1D", "by": "channel"}),
    ("time_to_convert", (BUY,), {"window": "1D"}),
    ("funnel_trends", (["visit", "view_product"],), {"window": "1h", "period": "D"}),
    ("paths_after_drop", (BUY, "add_to_cart"), {"window": "1D", "top": None}),
], ids=["funnel_users", "time_to_convert", "funnel_trends", "paths_after_drop"])
def test_time_zone_aware_times(function, args, kwargs, con):
    """Aware times are read as UTC (New York evenings fall on the next UTC day)."""
    events = hostile()
    events["timestamp"] = (events["timestamp"] + pd.Timedelta(hours=10)).dt.tz_localize("America/New_York")
    check(events, function, args, kwargs, con)


def random_log(seed: int) -> pd.DataFrame:
    """Eight users, five names, times on an hourly grid of ten points: ties everywhere; channel sometimes missing."""
    rng = np.random.default_rng(seed)
    n = 80
    return pd.DataFrame({"user_id": rng.choice([f"u{i}" for i in range(8)], n),
                         "timestamp": T0 + pd.to_timedelta(rng.integers(0, 10, n), unit="h"),
                         "event": rng.choice(["a", "b", "c", "d", "x"], n),
                         "channel": rng.choice(np.array(["p", "q", None], dtype=object), n),
                         "device": rng.choice(["m", "d"], n)})


@pytest.mark.parametrize("seed", range(2))
def test_random_logs_with_ties(seed, con):
    events = random_log(seed)
    for function, args, kwargs in [
        ("funnel", (["a", "b", "c"],), {"window": "3h", "by": "channel"}),
        ("funnel_users", (["a", "b", "a", "c"],), {"window": "5h", "exclude": ["x"]}),
        ("time_to_convert", ([["a", "d"], "b", "c"],), {"order": "strict"}),
        ("conversion_drivers", (["a", "b"],), {"window": "2h", "columns": ["channel"], "min_sample": 1}),
        ("paths_after_drop", (["a", "b", "c"], "b"), {"window": "2h", "top": None}),
    ]:
        try:
            getattr(jk, function)(events, *args, **kwargs)
        except jk.SchemaError:  # everyone or nobody converted: the SQL refuses too
            with pytest.raises(ValueError):
                getattr(ff, f"duckdb_{function}")(events, *args, **kwargs, con=con)
            continue
        check(events, function, args, kwargs, con)


def test_parquet_files(tmp_path, con):
    """A Parquet glob gives what the frame gives."""
    events = hostile()
    events.to_parquet(tmp_path / "part-0.parquet")
    glob = str(tmp_path / "*.parquet")
    assert_same(jk.funnel(events, BUY, window="1D", by="channel"),
                ff.duckdb_funnel(glob, BUY, window="1D", by="channel", con=con))
    assert_same(jk.paths_after_drop(events, BUY, "add_to_cart", window="1D"),
                ff.duckdb_paths_after_drop(glob, BUY, "add_to_cart", window="1D", con=con))


def tied_entry() -> pd.DataFrame:
    """One user with two visits in the same second, from two channels on two devices, then a purchase."""
    return pd.DataFrame({"user_id": ["u", "u", "u"],
                         "timestamp": [T0, T0, T0 + pd.Timedelta(minutes=5)],
                         "event": ["visit", "visit", "purchase"],
                         "channel": ["ads", "email", "ads"], "device": ["mobile", "desktop", "mobile"]})


@pytest.mark.parametrize("function", ["funnel", "funnel_users", "time_to_convert"])
def test_segment_is_taken_from_the_first_step_one_event_in_the_kits_order(function, con):
    check(tied_entry(), function, (["visit", "purchase"],), {"by": "device"}, con)


def test_segment_tie_broken_by_the_first_other_column_agrees(con):
    """When the segment column is the first other column, both orders agree."""
    check(tied_entry(), "funnel_users", (["visit", "purchase"],), {"by": "channel"}, con)


# --- (3) the benchmark cases on a small generated log ------------------------------------------------------------


@pytest.mark.parametrize("case", ff.CASES, ids=[case.name for case in ff.CASES])
def test_benchmark_case(generated, case, con):
    data = case.prepare(generated)
    result = case.kit(data)
    assert len(result) > 0
    assert_same(result, case.sql(data, con))
