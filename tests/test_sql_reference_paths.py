"""The path functions against their DuckDB SQL reference (tests/sql_reference/paths.py): the sample shop, small
hostile logs (ties, shuffled rows, repeats, users who never buy, a user with one event, aware times, number ids)
and every benchmark case of the module on a small generated log."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from sql_reference.compare import assert_same
from sql_reference.paths import (
    CASES,
    duckdb_paths_around,
    duckdb_purchase_timing,
    duckdb_split_journeys,
    duckdb_top_paths,
    duckdb_transition_matrix,
)


NAMES = np.array(["visit", "view_product", "search", "read_article", "add_to_cart", "begin_checkout",
                  "payment_failed", "purchase", "order_delivered", "write_review", "refer_friend"])
WEIGHTS = np.array([6, 8, 2, 2, 4, 3, 1, 3, 1, 1, 1], dtype=float)


def hostile(seed: int, *, n: int = 300, users: int = 25, tz: str | None = None, number_ids: bool = False
            ) -> pd.DataFrame:
    """Shop events on few moments (many ties, across and within users), repeated rows, a missing channel on some
    rows, shuffled; plus a user with one event and a user who browses a lot and never buys."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "user_id": rng.integers(0, users, n),
        "timestamp": pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 30, n) * 20, unit="min"),
        "event": NAMES[rng.choice(len(NAMES), n, p=WEIGHTS / WEIGHTS.sum())],
        "channel": np.array(["ads", "email", "search", None], dtype=object)[rng.integers(0, 4, n)],
        "device": np.array(["mobile", "desktop"], dtype=object)[rng.integers(0, 2, n)],
    })
    browse = pd.DataFrame({"user_id": users + 1, "event": ["visit", "view_product", "view_product", "visit"] * 3,
                           "timestamp": pd.Timestamp("2025-03-02") + pd.to_timedelta(np.arange(12) // 2, unit="h"),
                           "channel": "social", "device": "mobile"})
    solo = pd.DataFrame({"user_id": [users + 2], "timestamp": [pd.Timestamp("2025-03-03")], "event": ["purchase"],
                         "channel": [None], "device": ["desktop"]})
    df = pd.concat([df, df.iloc[rng.integers(0, n, n // 10)], browse, solo], ignore_index=True)  # exact repeats
    if not number_ids:
        df["user_id"] = "u" + df["user_id"].astype(str)
        df = pd.concat([df, edge_log().assign(device="desktop")], ignore_index=True)
    if tz is not None:
        df["timestamp"] = df["timestamp"].dt.tz_localize("UTC").dt.tz_convert(tz)
    return df.sample(frac=1, random_state=seed).reset_index(drop=True)


def edge_log() -> pd.DataFrame:
    """Hand-made histories: two purchases at one moment (a and its order of channels), an anchor tied with other
    events, a purchase first, a repeated first visit."""
    rows = [("a", "2025-01-01 10:00", "visit"), ("a", "2025-01-01 10:00", "view_product"),
            ("a", "2025-01-01 10:05", "add_to_cart"), ("a", "2025-01-01 10:05", "purchase"),
            ("a", "2025-01-01 10:05", "purchase"), ("a", "2025-01-02 09:00", "visit"),
            ("a", "2025-01-02 09:00", "add_to_cart"),
            ("b", "2025-01-03 08:00", "purchase"), ("b", "2025-01-04 08:00", "visit"),
            ("b", "2025-01-04 08:00", "read_article"), ("b", "2025-01-05 08:00", "purchase"),
            ("c", "2025-01-06 12:00", "add_to_cart"),
            ("d", "2025-01-07 12:00", "visit"), ("d", "2025-01-07 12:00", "visit"),
            ("d", "2025-01-07 12:01", "read_article"), ("d", "2025-01-07 12:02", "view_product")]
    df = pd.DataFrame(rows, columns=["user_id", "timestamp", "event"])
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    df["channel"] = ["ads", "email", None, "ads", "email", "social", None, "ads", "ads", None, "email", "ads",
                     "email", "ads", None, "ads"]
    return df.sample(frac=1, random_state=0).reset_index(drop=True)


@functools.cache
def events_of(name: str) -> pd.DataFrame:
    """``hostile``: text ids, naive times, the hand-made histories included; ``odd``: number ids, aware times."""
    return hostile(1) if name == "hostile" else hostile(2, tz="America/New_York", number_ids=True)


def on_logs(options: list[dict], odd: int = 1) -> list:
    """Every option on the hostile log, the first ``odd`` ones on the one with number ids and aware times."""
    return [pytest.param(name, o, id=f"{name}-{o}") for name, chosen in (("hostile", options), ("odd", options[:odd]))
            for o in chosen]


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    return jk.datasets.load("shop_events")


def _same_matrix(kit: pd.DataFrame, sql: pd.DataFrame) -> None:
    assert_same(kit, sql)
    assert list(sql.index) == list(kit.index)


# ---------------------------------------------------------------------------
# The sample shop: one call per function
# ---------------------------------------------------------------------------


def test_shop_split_journeys(shop):
    assert_same(jk.split_journeys(shop), duckdb_split_journeys(shop))


def test_shop_top_paths_of_stages(shop):
    assert_same(jk.top_paths(shop, level="stage"), duckdb_top_paths(shop, level="stage"))


def test_shop_transition_matrix(shop):
    _same_matrix(jk.transition_matrix(shop), duckdb_transition_matrix(shop))


def test_shop_purchase_timing(shop):
    assert_same(jk.purchase_timing(shop), duckdb_purchase_timing(shop))


def test_shop_paths_around(shop):
    kit, sql = jk.paths_around(shop, "add_to_cart"), duckdb_paths_around(shop, "add_to_cart")
    assert_same(kit, sql)
    assert sql.attrs["users"] == kit.attrs["users"]


# ---------------------------------------------------------------------------
# Hostile logs: the options the references cover
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "options"), on_logs([{}, {"purchase_event": "add_to_cart"}]))
def test_split_journeys_on_hostile_logs(con, name, options):
    events = events_of(name)
    assert_same(jk.split_journeys(events, **options), duckdb_split_journeys(events, **options, con=con))


TOP_PATHS = [{"level": "stage", "part": None, "collapse": "none", "top": 40}, {"top": 40}, {"part": "after", "top": 40},
             {"part": None, "collapse": "loops", "max_steps": 3, "top": 40},
             {"level": "stage", "part": "after", "model": "5-stage-advocacy", "collapse": "loops"},
             {"purchase_event": "add_to_cart", "model": "4-stage", "level": "stage", "max_steps": 2, "top": 40}]


@pytest.mark.parametrize(("name", "options"), on_logs(TOP_PATHS))
def test_top_paths_on_hostile_logs(con, name, options):
    events = events_of(name)
    assert_same(jk.top_paths(events, **options), duckdb_top_paths(events, **options, con=con))


TRANSITIONS = [{"part": "buyer"}, {"model": "4-stage", "part": "after", "long": True},
               {"model": "5-stage-evaluation", "long": True}]


@pytest.mark.parametrize(("name", "options"), on_logs(TRANSITIONS))
def test_transition_matrix_on_hostile_logs(con, name, options):
    events = events_of(name)
    _same_matrix(jk.transition_matrix(events, **options), duckdb_transition_matrix(events, **options, con=con))


TIMING = [{"touch_events": ["visit"]}, {"purchase_event": "add_to_cart", "touch_events": ["visit", "purchase"]}]


@pytest.mark.parametrize(("name", "options"), on_logs(TIMING))
def test_purchase_timing_on_hostile_logs(con, name, options):
    events = events_of(name)
    assert_same(jk.purchase_timing(events, **options), duckdb_purchase_timing(events, **options, con=con))


AROUND = [{"anchor": "purchase", "direction": "before", "level": "stage", "steps": 4},
          {"anchor": "add_to_cart", "collapse": "none", "top": None},
          {"anchor": "add_to_cart", "direction": "before", "collapse": "none", "steps": 2, "top": None},
          {"anchor": "purchase", "level": "stage", "model": "4-stage", "steps": 2},
          {"anchor": "read_article", "direction": "before", "top": 5}]


@pytest.mark.parametrize(("name", "options"), on_logs(AROUND))
def test_paths_around_on_hostile_logs(con, name, options):
    events = events_of(name)
    kit, sql = jk.paths_around(events, **options), duckdb_paths_around(events, **options, con=con)
    assert_same(kit, sql)
    assert sql.attrs["users"] == kit.attrs["users"]


def test_subscription_stages_read_another_column(con):
    """The subscription preset's rules read ``phase`` and ``reached``; its purchase is ``subscribe``."""
    events = jk.datasets.load("subscription_events")
    _same_matrix(jk.transition_matrix(events, "subscription"),
                 duckdb_transition_matrix(events, "subscription", con=con))
    options = {"anchor": "cancel", "direction": "before", "level": "stage", "model": "subscription"}
    assert_same(jk.paths_around(events, **options), duckdb_paths_around(events, **options, con=con))


def test_occurrence_at_one_moment_follows_the_other_columns(con):
    """Two purchases at one moment: the kit counts them in the order of their channels (missing last), so a rule on
    the second purchase's channel decides which of the two moves on."""
    model = jk.StageModel("custom", stages=[("Look", "looks"), ("Buy", "buys"), ("Again", "buys again")],
                          events={"visit": "Look", "purchase": "Buy"},
                          rules=[("event == 'purchase' and occurrence == 2 and channel == 'email'", "Again"),
                                 ("event in ['visit'] and customer and not (channel != 'ads')", "Again")])
    events = pd.DataFrame({"user_id": ["x", "x", "x", "x", "y", "y", "y", "y"],
                           "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05"] * 2 + [
                               "2025-01-02 09:00", "2025-01-02 09:05", "2025-01-02 09:05", "2025-01-02 09:00"]),
                           "event": ["visit", "purchase", "purchase", "visit", "visit", "purchase", "purchase",
                                     "visit"],
                           "channel": ["ads", "email", "ads", "ads", "ads", None, "email", "ads"]})
    events.loc[3, "timestamp"] = pd.Timestamp("2025-01-03")
    events.loc[7, "timestamp"] = pd.Timestamp("2025-01-04")
    options = {"part": None, "level": "stage", "model": model, "collapse": "none"}
    kit = jk.top_paths(events, **options)
    assert_same(kit, duckdb_top_paths(events, **options, con=con))
    assert sorted(kit["path"]) == ["Look → Buy → Again → Again", "Look → Buy → Buy → Again"]


def test_rows_in_any_order_give_the_same_sql_result(con):
    events = events_of("hostile")
    again = events.sample(frac=1, random_state=7).reset_index(drop=True)
    assert_same(duckdb_top_paths(events, level="stage", collapse="none", top=50, con=con),
                duckdb_top_paths(again, level="stage", collapse="none", top=50, con=con))


def test_references_read_parquet(tmp_path):
    events = edge_log()
    events.to_parquet(tmp_path / "events.parquet")
    path = str(tmp_path / "*.parquet")
    assert_same(jk.split_journeys(events), duckdb_split_journeys(path))
    assert_same(jk.top_paths(events, level="stage"), duckdb_top_paths(path, level="stage"))
    _same_matrix(jk.transition_matrix(events), duckdb_transition_matrix(path))
    assert_same(jk.purchase_timing(events), duckdb_purchase_timing(path))
    assert_same(jk.paths_around(events, "add_to_cart"), duckdb_paths_around(path, "add_to_cart"))


# ---------------------------------------------------------------------------
# The benchmark cases, on a small generated log
# ---------------------------------------------------------------------------


def test_case_names_are_unique():
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_benchmark_case_on_a_generated_log(generated, case):
    data = case.prepare(generated)
    kit, sql = case.kit(data), case.sql(data, None)
    assert_same(kit, sql)
    assert list(sql.index) == list(kit.index)
