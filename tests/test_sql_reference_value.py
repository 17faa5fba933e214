"""Customer value and satisfaction against their DuckDB SQL reference (tests/sql_reference/value.py): the sample
shop, small hostile tables (ties in time and order id, shuffled rows, several orders on one day, customers who
never buy or buy once, bounds hit exactly, missing segments, aware times, number ids) and every benchmark case of
the module on a small generated log."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from sql_reference.compare import assert_same, orders_from
from sql_reference.value import (
    CASES,
    duckdb_csat,
    duckdb_historical_clv,
    duckdb_journey_comparison,
    duckdb_nps,
    duckdb_order_summary,
    duckdb_purchase_history,
    duckdb_repeat_purchase_rate,
    duckdb_rfm,
)


NAMES = np.array(["visit", "view_product", "search", "add_to_cart", "begin_checkout", "purchase", "order_delivered",
                  "write_review", "refer_friend"])
WEIGHTS = np.array([6, 6, 2, 3, 2, 3, 1, 1, 1], dtype=float)

ORDER_CALLS = [  # (kit function, keyword arguments): every option each reference covers
    ("order_summary", {}), ("order_summary", {"by": "channel"}),
    ("repeat_purchase_rate", {}), ("repeat_purchase_rate", {"within": "3D", "by": "channel"}),
    ("repeat_purchase_rate", {"within": pd.Timedelta(hours=30)}),
    ("rfm", {}), ("rfm", {"as_of": "2025-06-01 12:00"}),
    ("historical_clv", {"horizon": "2D"}), ("historical_clv", {"horizon": "36h", "by": "channel"}),
    ("purchase_history", {}), ("purchase_history", {"end": "2025-03-04 10:00", "unit": "1D"}),
    ("repeat_purchase_rate", {"within": "90D", "by": "channel"}),
    ("historical_clv", {"horizon": "90D", "by": "channel"}),
    ("purchase_history", {"unit": "12h"}),
]
REFERENCES = {"order_summary": duckdb_order_summary, "repeat_purchase_rate": duckdb_repeat_purchase_rate,
              "rfm": duckdb_rfm, "historical_clv": duckdb_historical_clv, "purchase_history": duckdb_purchase_history}


def _call(name: str, kwargs: dict):
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


# ---------------------------------------------------------------------------
# Hostile tables
# ---------------------------------------------------------------------------


def hostile_orders(seed: int, *, n: int = 120, users: int = 25, tz: str | None = None, number_ids: bool = False
                   ) -> pd.DataFrame:
    """Orders on few moments over four months (ties within and across customers, several orders on one day, at
    midnight and a second before the next), order ids whose text
    order is not their number order, zero revenue, equal revenues, a missing channel on some orders; shuffled."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "order_id": rng.permutation(n) + 1,
        "user_id": rng.integers(0, users, n),
        "timestamp": (pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 40, n) * 3, unit="D")
                      + pd.to_timedelta(rng.choice([0, 6 * 3600, 86_399], n), unit="s")),
        "revenue": rng.choice([0.0, 5.0, 9.75, 10.0, 20.5, 0.25, 0.5, 0.75], n),
        "channel": np.array(["ads", "email", "search", None], dtype=object)[rng.integers(0, 4, n)],
    })
    solo = pd.DataFrame({"order_id": [n + 1], "user_id": [users + 1], "revenue": [42.0], "channel": [None],
                         "timestamp": [pd.Timestamp("2025-03-02 23:59:59")]})
    df = pd.concat([df, solo], ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    if not number_ids:
        df["order_id"] = "O" + df["order_id"].astype(str)
        df["user_id"] = "u" + df["user_id"].astype(str)
    if tz is not None:
        df["timestamp"] = df["timestamp"].dt.tz_localize("UTC").dt.tz_convert(tz)
    return df


def edge_orders() -> pd.DataFrame:
    """Hand-made orders: two first orders at one moment (O10 before O9 as text), a second order exactly 90 days
    after a first order that is itself exactly 90 days before the last order, orders either side of midnight."""
    rows = [("O9", "a", "2025-01-01 10:00", 10.0, "ads"), ("O10", "a", "2025-01-01 10:00", 0.0, "email"),
            ("O11", "a", "2025-04-01 10:00", 30.0, "ads"), ("O2", "b", "2025-01-01 23:59:59", 10.0, None),
            ("O3", "c", "2025-02-01", 20.0, "search"), ("O4", "c", "2025-05-02", 20.0, "ads"),
            ("O5", "d", "2025-03-01", 10.0, "ads"), ("O6", "e", "2025-01-02", 5.5, "email"),
            ("O7", "e", "2025-01-02 00:00:01", 4.5, "ads"), ("O8", "f", "2025-04-01 10:00", 10.0, "search"),
            ("O12", "g", "2025-05-02", 7.0, None)]
    df = pd.DataFrame(rows, columns=["order_id", "user_id", "timestamp", "revenue", "channel"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601")
    return df.iloc[::-1].reset_index(drop=True).copy()  # a copy: DuckDB cannot scan reversed views


def hostile_events(seed: int, *, n: int = 300, users: int = 30, tz: str | None = None) -> pd.DataFrame:
    """Shop events on few moments (first events tied in time, decided by event name or by the other columns),
    exact repeats, a missing channel on some rows, a user who never buys, a user with one event; shuffled."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "user_id": rng.integers(0, users, n),
        "timestamp": pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 30, n) * 8, unit="h"),
        "event": NAMES[rng.choice(len(NAMES), n, p=WEIGHTS / WEIGHTS.sum())],
        "channel": np.array(["ads", "email", "search", None], dtype=object)[rng.integers(0, 4, n)],
        "device": np.array(["mobile", "desktop"], dtype=object)[rng.integers(0, 2, n)],
    })
    browse = pd.DataFrame({"user_id": users + 1, "event": ["visit", "view_product"] * 3, "channel": "social",
                           "timestamp": pd.Timestamp("2025-03-02") + pd.to_timedelta(np.arange(6), unit="h"),
                           "device": "mobile"})
    solo = pd.DataFrame({"user_id": [users + 2], "timestamp": [pd.Timestamp("2025-03-03")], "event": ["purchase"],
                         "channel": ["email"], "device": ["desktop"]})
    df = pd.concat([df, df.iloc[rng.integers(0, n, n // 10)], browse, solo], ignore_index=True)
    df = df.sample(frac=1, random_state=seed).reset_index(drop=True)
    df["user_id"] = "u" + df["user_id"].astype(str)
    if tz is not None:
        df["timestamp"] = df["timestamp"].dt.tz_localize("UTC").dt.tz_convert(tz)
    return df


def orders_of(events: pd.DataFrame, seed: int) -> pd.DataFrame:
    """An order per purchase event, and a later order for some buyers (repeats inside and outside the windows)."""
    rng = np.random.default_rng(seed)
    bought = events.loc[events["event"] == "purchase", ["user_id", "timestamp"]].reset_index(drop=True)
    again = bought.sample(frac=0.5, random_state=seed)
    again = again.assign(timestamp=again["timestamp"] + pd.to_timedelta(rng.integers(1, 60, len(again)), unit="D"))
    out = pd.concat([bought, again], ignore_index=True)
    return out.assign(order_id=[f"O{i}" for i in range(len(out))],
                      revenue=rng.choice([0.0, 9.75, 20.0, 35.5], len(out)))


def surveys_of(events: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A few NPS and CSAT answers per user, some missing, from users with events."""
    rng = np.random.default_rng(seed)
    users = np.sort(events["user_id"].unique())
    n = 3 * len(users)
    return pd.DataFrame({"user_id": rng.choice(users, n), "timestamp": pd.Timestamp("2025-04-01"),
                         "touchpoint": rng.choice(["delivery", "checkout", "support"], n),
                         "nps": pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(0, 11, n)), dtype="Int64"),
                         "csat": pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(1, 6, n)), dtype="Int64")})


def hostile_surveys(seed: int, *, n: int = 80, tz: str | None = None) -> pd.DataFrame:
    """Answers with missing scores, a missing group label, a group whose answers are all missing, small groups."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "user_id": [f"u{i}" for i in rng.integers(0, 30, n)],
        "timestamp": pd.Timestamp("2025-04-01") + pd.to_timedelta(rng.integers(0, 100, n), unit="h"),
        "touchpoint": np.array(["delivery", "checkout", "support", "cart", None], dtype=object)[rng.integers(0, 5, n)],
        "nps": pd.array(np.where(rng.random(n) < 0.15, None, rng.integers(0, 11, n)), dtype="Int64"),
        "csat": pd.array(np.where(rng.random(n) < 0.15, None, rng.integers(1, 6, n)), dtype="Int64"),
    })
    silent = pd.DataFrame({"user_id": ["s1", "s2"], "timestamp": pd.Timestamp("2025-04-02"), "touchpoint": "returns",
                           "nps": pd.array([None, None], dtype="Int64"), "csat": pd.array([None, None], dtype="Int64")})
    df = pd.concat([df, silent], ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    if tz is not None:
        df["timestamp"] = df["timestamp"].dt.tz_localize(tz)
    return df


ORDER_TABLES = {  # name: (table, calls)
    "edge": (edge_orders, ORDER_CALLS),
    "ties": (lambda: hostile_orders(1), ORDER_CALLS),
    "ties_more_users": (lambda: hostile_orders(2, users=60), ORDER_CALLS[1::2]),
    "aware": (lambda: hostile_orders(3, tz="America/New_York"), ORDER_CALLS[::2]),
    "number_ids": (lambda: hostile_orders(4, number_ids=True), ORDER_CALLS[::2]),
}


# ---------------------------------------------------------------------------
# The sample shop
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop():
    return (jk.datasets.load("shop_events"), jk.datasets.load("shop_orders"), jk.datasets.load("shop_surveys"))


SHOP_ORDER_CALLS = [
    ("order_summary", {}), ("order_summary", {"by": "channel"}), ("repeat_purchase_rate", {}),
    ("repeat_purchase_rate", {"within": "30D", "by": "channel"}), ("rfm", {}), ("rfm", {"as_of": "2026-06-01"}),
    ("historical_clv", {}), ("historical_clv", {"horizon": "90D", "by": "channel"}), ("purchase_history", {}),
    ("purchase_history", {"end": "2025-06-30 13:00", "unit": "1D"}),
]


@pytest.mark.parametrize("name, kwargs", SHOP_ORDER_CALLS, ids=[_call(*call) for call in SHOP_ORDER_CALLS])
def test_orders_on_the_sample_shop(shop, con, name, kwargs):
    _, orders, _ = shop
    assert_same(getattr(jk, name)(orders, **kwargs), REFERENCES[name](orders, **kwargs, con=con))


def test_journey_comparison_on_the_sample_shop(shop, con):
    events, orders, surveys = shop
    assert_same(jk.journey_comparison(events, orders, surveys),
                duckdb_journey_comparison(events, orders, surveys, con=con))


@pytest.mark.parametrize("by", [None, "touchpoint", "stage"])
def test_satisfaction_on_the_sample_shop(shop, con, by):
    _, _, surveys = shop
    kit_nps, kit_csat = jk.nps(surveys, by=by), jk.csat(surveys, by=by)
    if by is None:
        kit_nps, kit_csat = pd.DataFrame({"nps": [kit_nps]}), pd.DataFrame({"csat": [kit_csat]})
    assert_same(kit_nps, duckdb_nps(surveys, by=by, con=con))
    assert_same(kit_csat, duckdb_csat(surveys, by=by, con=con))


# ---------------------------------------------------------------------------
# Hostile tables
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(ORDER_TABLES))
def test_orders_on_hostile_tables(con, table):
    make, calls = ORDER_TABLES[table]
    orders = make()
    for name, kwargs in calls:
        kit = getattr(jk, name)(orders, **kwargs)
        assert len(kit) > 0, _call(name, kwargs)
        try:
            assert_same(kit, REFERENCES[name](orders, **kwargs, con=con))
        except AssertionError as error:
            raise AssertionError(f"{table}: {_call(name, kwargs)}: {error}") from None


def test_no_customer_observed_long_enough(con):
    """A window longer than the data: no eligible customer, no row."""
    orders = edge_orders()
    kit = jk.repeat_purchase_rate(orders, within="400D")
    assert kit.empty
    assert_same(kit, duckdb_repeat_purchase_rate(orders, within="400D", con=con))
    kit = jk.historical_clv(orders, horizon="400D", by="channel")
    assert kit.empty
    assert_same(kit, duckdb_historical_clv(orders, horizon="400D", by="channel", con=con))


def test_the_edge_orders_hit_the_bounds(con):
    """The edge table really tests the inclusive and exclusive bounds and the tie by order id."""
    orders = edge_orders()
    repeat = duckdb_repeat_purchase_rate(orders, within="90D", by="channel", con=con)
    assert repeat.set_index("channel").loc["search", "repeaters"] == 1  # c: gap of exactly 90 days counts
    clv = duckdb_historical_clv(orders, horizon="90D", by="channel", con=con)
    assert clv.set_index("channel").loc["search", "revenue"] == 20.0  # c: the order at first + 90 days does not
    summary = duckdb_order_summary(orders, by="channel", con=con).set_index("channel")
    assert summary.loc["email", "customers"] == 2  # a's segment is that of O10, first as text
    history = duckdb_purchase_history(orders, unit="1D", con=con).set_index("user_id")
    assert history.loc["a", "frequency"] == 1 and history.loc["a", "first_value"] == 10.0  # O9 + O10, one day
    assert history.loc["e", "frequency"] == 0 and history.loc["e", "first_value"] == 10.0


def test_orders_with_column_names_and_from_parquet(con, tmp_path):
    orders = hostile_orders(5)
    renamed = orders.rename(columns={"order_id": "id", "user_id": "customer", "timestamp": "at", "revenue": "amount"})
    names = {"order_col": "id", "user_col": "customer", "time_col": "at", "revenue_col": "amount"}
    path = tmp_path / "orders.parquet"
    orders.to_parquet(path)
    for name, kwargs in ORDER_CALLS[1::2]:
        kit = getattr(jk, name)(orders, **kwargs)
        assert_same(kit, REFERENCES[name](renamed, **kwargs, **names, con=con))
        assert_same(kit, REFERENCES[name](str(path), **kwargs, con=con))


JOURNEY_CALLS = [  # (with surveys, keyword arguments)
    (True, {}), (False, {"within": "10D", "horizon": "20D"}),
    (True, {"by": "device", "within": "20D", "horizon": "5D", "referral_event": None}),
    (False, {"purchase_event": "add_to_cart", "referral_event": "search", "horizon": "1D"}),
]


@pytest.mark.parametrize("seed, tz", [(1, None), (3, "Asia/Kolkata")])
def test_journey_comparison_on_hostile_logs(con, seed, tz):
    events = hostile_events(seed, tz=tz)
    orders, surveys = orders_of(events, seed), surveys_of(events, seed)
    for with_surveys, kwargs in JOURNEY_CALLS:
        extra = (surveys,) if with_surveys else ()
        kit = jk.journey_comparison(events, orders, *extra, **kwargs)
        try:
            assert_same(kit, duckdb_journey_comparison(events, orders, *extra, **kwargs, con=con))
        except AssertionError as error:
            raise AssertionError(f"{kwargs}, surveys: {with_surveys}: {error}") from None


def test_journey_comparison_without_referrals_or_answers(con):
    events = hostile_events(4)
    events = events.assign(channel=events["channel"].fillna("ads"))
    events = events[events["event"] != "refer_friend"]
    orders, surveys = orders_of(events, 4), surveys_of(events, 4)
    surveys = surveys.assign(nps=pd.array([None] * len(surveys), dtype="Int64"))
    kit = jk.journey_comparison(events, orders, surveys)
    assert "referrals_per_customer" not in kit.columns and "nps" not in kit.columns
    assert_same(kit, duckdb_journey_comparison(events, orders, surveys, con=con))


def test_journey_comparison_ties_of_the_first_event(con):
    """First events tied in time: decided by the event name, then by the other columns (missing last)."""
    rows = [("a", "visit", "social"), ("a", "visit", "email"), ("b", "visit", None), ("b", "visit", "ads"),
            ("c", "view_product", "search"), ("c", "visit", "ads"), ("d", "purchase", "ads")]
    events = pd.DataFrame(rows, columns=["user_id", "event", "channel"]).assign(timestamp=pd.Timestamp("2025-01-01"))
    events = pd.concat([events, pd.DataFrame({"user_id": ["a", "c"], "event": "purchase", "channel": "ads",
                                              "timestamp": pd.Timestamp("2025-01-02")})], ignore_index=True)
    orders = pd.DataFrame({"order_id": ["1", "2", "3"], "user_id": ["a", "c", "d"], "revenue": [10.0, 20.0, 5.0],
                           "timestamp": pd.to_datetime(["2025-01-02", "2025-01-02", "2025-01-01"])})
    for frame in (events, events.iloc[::-1].copy()):
        kit = jk.journey_comparison(frame, orders, referral_event=None)
        sql = duckdb_journey_comparison(frame, orders, referral_event=None, con=con)
        assert_same(kit, sql)
        assert dict(zip(sql["channel"], sql["users"])) == {"email": 1, "ads": 2, "search": 1}


def test_journey_comparison_with_a_missing_segment(con):
    events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["purchase", "refer_friend", "purchase"],
                           "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-03-01"]),
                           "channel": [None, None, "ads"]})
    orders = pd.DataFrame({"order_id": ["1", "2"], "user_id": ["a", "b"], "revenue": [10.0, 20.0],
                           "timestamp": pd.to_datetime(["2025-01-01", "2025-03-01"])})
    assert_same(jk.journey_comparison(events, orders, horizon="30D"),
                duckdb_journey_comparison(events, orders, horizon="30D", con=con))


def test_journey_comparison_with_a_missing_segment_elsewhere(con):
    """The missing segment is a segment like the others, in every column."""
    events = hostile_events(5)
    orders, surveys = orders_of(events, 5), surveys_of(events, 5)
    kit = jk.journey_comparison(events, orders, surveys, within="10D", horizon="20D")
    sql = duckdb_journey_comparison(events, orders, surveys, within="10D", horizon="20D", con=con)
    assert kit["channel"].isna().any()
    assert_same(kit, sql)


@pytest.mark.parametrize("seed, tz", [(1, None), (2, "Europe/Paris")])
@pytest.mark.parametrize("kwargs", [{}, {"by": "touchpoint"}, {"by": "touchpoint", "level": 0.8, "min_sample": 5}])
def test_satisfaction_on_hostile_answers(con, seed, tz, kwargs):
    surveys = hostile_surveys(seed, tz=tz)
    kit_nps, kit_csat = jk.nps(surveys, **kwargs), jk.csat(surveys, **kwargs)
    if "by" not in kwargs:
        kit_nps, kit_csat = pd.DataFrame({"nps": [kit_nps]}), pd.DataFrame({"csat": [kit_csat]})
    assert_same(kit_nps, duckdb_nps(surveys, **kwargs, con=con))
    assert_same(kit_csat, duckdb_csat(surveys, **kwargs, con=con))


# ---------------------------------------------------------------------------
# The benchmark cases, on a small generated log
# ---------------------------------------------------------------------------


def test_cases_have_distinct_names():
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_on_a_generated_log(generated, con, case):
    events = generated
    data = case.prepare(events)
    assert_same(case.kit(data), case.sql(data, con))


def test_journey_comparison_reads_parquet(generated, generated_folder, con):
    folder, events = generated_folder, generated
    orders = orders_from(events)
    assert_same(jk.journey_comparison(events, orders),
                duckdb_journey_comparison(f"{folder}/*.parquet", orders, con=con))
