"""The stage functions against their DuckDB SQL reference (tests/sql_reference/stages.py).

On the sample shop, on small hostile logs (ties, shuffled rows, repeated rows, users who never convert, a user
with one event, time-zone-aware times, missing values, kept unmapped events, custom models), and on every
benchmark case of the module on a small generated log.
"""

from __future__ import annotations


import duckdb
import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from sql_reference.compare import assert_same
from sql_reference.stages import (
    CASES,
    duckdb_assign_stages,
    duckdb_backtracks,
    duckdb_furthest_stage,
    duckdb_journey_map,
    duckdb_stage_entries,
    duckdb_stage_summary,
    duckdb_stage_transitions,
    rule_sql,
)


PAIRS = {
    "assign_stages": (jk.assign_stages, duckdb_assign_stages),
    "stage_entries": (jk.stage_entries, duckdb_stage_entries),
    "furthest_stage": (jk.furthest_stage, duckdb_furthest_stage),
    "stage_summary": (jk.stage_summary, duckdb_stage_summary),
    "stage_transitions": (jk.stage_transitions, duckdb_stage_transitions),
    "backtracks": (jk.backtracks, duckdb_backtracks),
    "journey_map": (jk.journey_map, duckdb_journey_map),
}


CON = duckdb.connect()  # one connection for the small logs (each reference also opens its own when not given one)


def check(name: str, events, *args, **kwargs) -> None:
    """The kit and its SQL reference give the same table for one call."""
    kit, sql = PAIRS[name]
    assert_same(kit(events, *args, **kwargs), sql(events, *args, con=CON, **kwargs))


def check_all(events, *args, **kwargs) -> None:
    for name in PAIRS:
        check(name, events, *args, **kwargs)


# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    return jk.datasets.load("shop_events")


def hostile() -> pd.DataFrame:
    """A small log built to break the definitions at their edges.

    ``a`` buys twice in the same second (with and without a channel) and visits and reads at that very moment
    (not yet a customer), comes back as a customer, reviews and goes back to a product page; ``b`` has one event;
    ``c`` never converts, comes back and reads an article before and after viewing a product; ``d`` repeats
    identical rows; ``e`` does everything at one moment; ``f`` buys first and only then visits; ``g`` is a
    customer's same-second visit/purchase pair in reverse row order.
    """
    rows = [
        ("a", "2025-01-01 10:00:00", "visit", "ads", "mobile", "S1"),
        ("a", "2025-01-01 10:05:00", "view_product", "ads", "mobile", "S1"),
        ("a", "2025-01-01 10:05:00", "add_to_cart", "ads", "mobile", "S1"),
        ("a", "2025-01-01 10:10:00", "purchase", "email", "mobile", "S1"),
        ("a", "2025-01-01 10:10:00", "purchase", None, "mobile", "S1"),
        ("a", "2025-01-01 10:10:00", "visit", "ads", "mobile", "S1"),
        ("a", "2025-01-01 10:10:00", "read_article", "ads", "mobile", "S1"),
        ("a", "2025-01-02 08:00:00", "order_delivered", None, "mobile", None),
        ("a", "2025-01-03 09:00:00", "visit", "search", "desktop", "S2"),
        ("a", "2025-01-03 09:01:00", "read_article", "search", "desktop", "S2"),
        ("a", "2025-01-03 09:02:00", "write_review", None, "desktop", None),
        ("a", "2025-01-03 09:03:00", "view_product", "search", "desktop", "S2"),
        ("a", "2025-01-03 09:03:00", "refer_friend", None, "desktop", None),
        ("b", "2025-01-02 12:00:00", "visit", "social", "mobile", "S3"),
        ("c", "2025-01-01 09:00:00", "visit", "social", "desktop", "S4"),
        ("c", "2025-01-01 09:00:30", "read_article", "social", "desktop", "S4"),
        ("c", "2025-01-05 09:00:00", "visit", "search", "desktop", "S5"),
        ("c", "2025-01-05 09:02:00", "view_product", "search", "desktop", "S5"),
        ("c", "2025-01-05 09:03:00", "read_article", "search", "desktop", "S5"),
        ("c", "2025-01-05 09:04:00", "add_to_cart", "search", "desktop", "S5"),
        ("c", "2025-01-05 09:05:00", "begin_checkout", "search", "desktop", "S5"),
        ("c", "2025-01-05 09:06:00", "payment_failed", "search", "desktop", "S5"),
        ("c", "2025-01-05 09:07:00", "view_product", "search", "desktop", "S5"),
        ("d", "2025-01-03 10:00:00", "visit", "direct", "mobile", "S6"),
        ("d", "2025-01-03 10:00:00", "visit", "direct", "mobile", "S6"),
        ("d", "2025-01-03 10:01:00", "view_product", "direct", "mobile", "S6"),
        ("d", "2025-01-03 10:01:00", "view_product", "direct", "mobile", "S6"),
        ("d", "2025-01-03 12:00:00", "view_product", "direct", None, "S7"),
        ("e", "2025-01-04 11:00:00", "purchase", "referral", "mobile", "S8"),
        ("e", "2025-01-04 11:00:00", "add_to_cart", "referral", "mobile", "S8"),
        ("e", "2025-01-04 11:00:00", "visit", "referral", "mobile", "S8"),
        ("e", "2025-01-04 11:00:00", "view_product", "referral", "mobile", "S8"),
        ("e", "2025-01-04 11:00:00", "read_article", None, "mobile", "S8"),
        ("e", "2025-01-04 11:00:00", "visit", "ads", "mobile", "S8"),
        ("f", "2025-01-06 10:00:00", "purchase", "email", "desktop", None),
        ("f", "2025-01-06 10:30:00", "visit", "email", "desktop", "S9"),
        ("f", "2025-01-06 10:31:00", "read_article", "email", "desktop", "S9"),
        ("f", "2025-01-06 10:31:00", "contact_support", None, "desktop", None),
        ("f", "2025-01-08 10:31:00", "purchase", "email", "desktop", "S10"),
        ("f", "2025-01-08 10:35:00", "return_item", None, "desktop", None),
        ("g", "2025-01-07 10:00:00", "visit", "content", "mobile", "S11"),
        ("g", "2025-01-07 10:20:00", "purchase", "content", "mobile", "S11"),
        ("g", "2025-01-07 10:20:00", "visit", "content", "mobile", "S11"),
        ("g", "2025-01-09 10:20:00", "onboarding_email_open", None, "mobile", None),
        ("g", "2025-01-09 10:20:01", "visit", "content", "mobile", "S12"),
    ]
    events = pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "channel", "device", "session_id"])
    events["timestamp"] = pd.to_datetime(events["timestamp"])
    return events


def shuffled(events: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    return events.sample(frac=1, random_state=seed).reset_index(drop=True)


def random_log(seed: int, users: int = 25) -> pd.DataFrame:
    """Random shop events on few distinct moments (many ties), some channels and devices missing."""
    rng = np.random.default_rng(seed)
    names = ["visit", "view_product", "search", "read_reviews", "compare_prices", "read_article", "add_to_cart",
             "begin_checkout", "payment_failed", "purchase", "onboarding_email_open", "order_delivered",
             "write_review", "contact_support", "return_item", "refer_friend"]
    n = int(rng.integers(users * 3, users * 8))
    weights = np.array([6, 6, 2, 2, 1, 2, 3, 2, 1, 3, 1, 1, 1, 1, 1, 1], dtype=float)
    return pd.DataFrame({
        "user_id": rng.choice([f"u{i}" for i in range(users)], n),
        "timestamp": pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 40, n) * 600, unit="s"),
        "event": rng.choice(names, n, p=weights / weights.sum()),
        "channel": rng.choice(np.array(["ads", "email", "search", None], dtype=object), n),
        "device": rng.choice(np.array(["mobile", "desktop", None], dtype=object), n),
        "session_id": rng.choice(np.array(["S1", "S2", "S3", None], dtype=object), n),
    })


# ---------------------------------------------------------------------------
# The sample shop
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAIRS))
def test_sample_shop_default_model(shop, name):
    check(name, shop)


# ---------------------------------------------------------------------------
# Hostile logs
# ---------------------------------------------------------------------------


def mixed() -> pd.DataFrame:
    """The hostile log and two random ones (other users), rows shuffled: one log, so each call checks them all."""
    randoms = [random_log(seed).assign(user_id=lambda d, s=seed: f"r{s}" + d["user_id"]) for seed in (0, 1)]
    return shuffled(pd.concat([hostile(), *randoms], ignore_index=True))


def test_hostile_logs():
    events = mixed()
    check_all(events)
    for name in ("assign_stages", "journey_map"):  # a model with no stage for buying again
        check(name, events, "5-stage-evaluation")


def test_rows_in_reverse_order_and_analyst_text():
    events = mixed().iloc[::-1]
    check("stage_transitions", events, "5-stage-intent")
    check("journey_map", events, "5-stage-advocacy", text=jk.SHOP_MAP_TEXT, top=5)


def test_time_zone_aware_times():
    events = hostile()
    events["timestamp"] = events["timestamp"].dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    check("stage_summary", shuffled(events), "4-stage")
    check("assign_stages", events.iloc[::-1], "5-stage-advocacy")


def test_integer_ids_sort_as_text_and_other_column_names():
    events = hostile()
    codes = {u: i for u, i in zip("abcdefg", [9, 10, 100, 11, 2, 1000, 99])}
    events["user_id"] = events["user_id"].map(codes).astype("int64")
    renamed = events.rename(columns={"user_id": "customer", "timestamp": "time", "event": "action"})
    for name in ("assign_stages", "furthest_stage"):
        check(name, renamed, "6-stage", user_col="customer", time_col="time", event_col="action")


def test_unmapped_events_kept_under_a_label():
    # "h" has only an unmapped event: a user of the log (backtracks' share_of_users) but of no stage
    extra = pd.DataFrame({
        "user_id": ["a", "h", "c"], "event": ["newsletter_signup", "newsletter_signup", "chat_opened"],
        "timestamp": pd.to_datetime(["2025-01-01 10:10:00", "2025-01-02 00:00:00", "2025-01-05 09:04:00"]),
        "channel": ["email", "email", None], "device": ["mobile", None, "desktop"], "session_id": [None, "S20", "S5"]})
    events = pd.concat([hostile(), extra], ignore_index=True)
    for name in ("assign_stages", "backtracks", "journey_map"):
        check(name, shuffled(events), keep_unmapped="Other")
    with pytest.raises(jk.SchemaError):
        jk.stage_summary(events)
    with pytest.raises(ValueError, match="not mapped"):
        duckdb_stage_summary(events)


def test_logs_without_sessions_or_channels():
    events = mixed()
    check("journey_map", events.drop(columns="session_id"))  # sessions cut by 30 minutes of inactivity
    check("journey_map", events[["user_id", "timestamp", "event"]], "5-stage-intent")


def test_journey_map_when_no_session_starts_on_the_site():
    events = pd.DataFrame({"user_id": ["a", "a"], "event": ["visit", "view_product"], "session_id": [None, "S1"],
                           "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:01"])})
    check("journey_map", events, "4-stage")


def test_journey_map_with_an_empty_session_column():
    events = pd.DataFrame({"user_id": ["a", "a"], "event": ["visit", "view_product"], "session_id": [None, None],
                           "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:01"])})
    check("journey_map", events, "4-stage")


def test_custom_model_rules_on_columns_and_history():
    # rules on a column with missing values (`!=` matches them, as in pandas), `not in`, and the three history
    # names, with a purchase event of another name
    model = jk.StageModel(
        "custom", stages=[("See", ""), ("Think", ""), ("Buy", ""), ("Again", "")],
        events={"visit": "See", "read_article": "See", "view_product": "Think", "add_to_cart": "Think",
                "search": "Think", "read_reviews": "Think", "compare_prices": "Think",
                "begin_checkout": "Think", "payment_failed": "Think", "purchase": "Buy", "order_delivered": "Again",
                "write_review": "Again", "refer_friend": "Again", "contact_support": "Again",
                "return_item": "Again", "onboarding_email_open": "Again"},
        rules=(("event == 'purchase' and occurrence >= 2", "Again"),
               ("event not in ['purchase', 'order_delivered'] and customer", "Again"),
               ("event == \"read_article\" and reached >= 2", "Think"),
               ("`device` != 'mobile' and (event == 'visit') and occurrence > 1", "Think")),
        purchase_event="add_to_cart")
    for name in ("assign_stages", "stage_transitions", "journey_map"):
        check(name, mixed(), model)


def test_subscription_preset_with_a_phase_column():
    rows = [("s1", "2025-01-01 09:00", "visit", "trial"), ("s1", "2025-01-01 09:05", "start_trial", "trial"),
            ("s1", "2025-01-02 09:00", "use_feature", "trial"), ("s1", "2025-01-10 09:00", "subscribe", "paid"),
            ("s1", "2025-01-12 09:00", "use_feature", "paid"), ("s1", "2025-02-10 09:00", "renew", "paid"),
            ("s1", "2025-03-01 09:00", "cancel", "paid"), ("s2", "2025-01-03 09:00", "visit", None),
            ("s2", "2025-01-03 09:00", "start_trial", None), ("s2", "2025-01-05 09:00", "complete_setup", "trial"),
            ("s2", "2025-01-06 09:00", "cancel", "trial"), ("s3", "2025-01-04 10:00", "subscribe", "paid"),
            ("s3", "2025-01-04 10:00", "renew", "paid"), ("s3", "2025-01-04 10:00", "cancel", "paid"),
            ("s3", "2025-01-05 10:00", "use_feature", None), ("s3", "2025-01-06 10:00", "cancel", "paid")]
    events = pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "phase"])
    events["timestamp"] = pd.to_datetime(events["timestamp"])
    events["channel"] = ["ads", "ads", None, None, None, None, None, "search", "search", None, None, "email",
                         "email", "email", None, None]
    for name in ("assign_stages", "furthest_stage", "journey_map"):
        check(name, shuffled(events), "subscription")


def test_parquet_input_and_a_connection_left_clean(tmp_path):
    events = hostile()
    path = tmp_path / "events.parquet"
    events.to_parquet(path)
    assert_same(jk.assign_stages(events), duckdb_assign_stages(str(path)))  # on a connection of its own
    con = duckdb.connect()
    assert_same(jk.journey_map(events), duckdb_journey_map(str(path), con=con))
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE NOT internal").fetchone() == (0,)


def test_rule_translation():
    assert rule_sql("event == 'purchase' and occurrence > 1") == \
        "\"event\" IS NOT DISTINCT FROM 'purchase' AND \"occurrence\" > 1"
    assert rule_sql("`my col` != \"it's\" or not (x in [1, 2])") == \
        "\"my col\" IS DISTINCT FROM 'it''s' OR NOT (\"x\" IN (1, 2))"


# ---------------------------------------------------------------------------
# The benchmark cases, on a small generated log
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_benchmark_cases(generated, case):
    data = case.prepare(generated)
    assert_same(case.kit(data), case.sql(data, CON))
