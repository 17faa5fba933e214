"""Attribution against its independent DuckDB SQL (tests/sql_reference/attribution.py): the sample shop, hostile
logs, random small logs, a Parquet file and every benchmark case on a small generated log."""

from __future__ import annotations


import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeykit as jk
from sql_reference.attribution import (
    CASES,
    MODELS,
    RULES,
    duckdb_attribute,
    duckdb_compare_attribution,
    duckdb_touch_credits,
)
from sql_reference.compare import assert_same

T0 = pd.Timestamp("2025-03-29 22:00")  # the night Paris moves its clocks forward: zone-aware times cross it


def log(*rows, columns=("user_id", "minutes", "event", "channel", "device")):
    """rows: (user, minutes after T0, event, channel[, device]); the device column is placed before the channel, so
    that it breaks ties in time before the channel does."""
    df = pd.DataFrame([r + (None,) * (len(columns) - len(r)) for r in rows], columns=list(columns))
    df["timestamp"] = T0 + pd.to_timedelta(df.pop("minutes"), unit="min")
    return df[["user_id", "timestamp", "event", "device", "channel"]]


# a: touches at the same moment (ordered by event name, then by device, then channel) and a visit at the very
#    moment of the first purchase (a touch), a later purchase and touches after it (not touches);
# b: repeated identical rows and never buys; c: one event, a purchase without a channel (no touch);
# d: one visit, never buys; e: a touch without a channel (not a touch), a touch 10 days old (lookback) and two
#    touches left after it; f: a purchase listed before the visits at its own moment; g: one channel again and
#    again, with an exact tie on every column; h: ties in time where only a missing device decides (missing last);
# i: a touch exactly 2 days (48 hours) before the purchase, across the night Paris moves its clocks forward
HOSTILE = log(
    ("a", 0, "visit", "social", "mobile"), ("a", 0, "search", "ads", "mobile"), ("a", 0, "visit", "email", "desktop"),
    ("a", 5, "visit", "search", "mobile"), ("a", 9, "purchase", "search", "mobile"),
    ("a", 9, "visit", "referral", "mobile"), ("a", 20, "visit", "ads", "mobile"), ("a", 30, "purchase", "ads"),
    ("b", 1, "visit", "ads", "mobile"), ("b", 1, "visit", "ads", "mobile"), ("b", 3, "visit", "email", "mobile"),
    ("b", 3, "read_article", "content"),
    ("c", 2, "purchase", None),
    ("d", 4, "visit", "social", "desktop"),
    ("e", -60 * 24 * 10, "visit", "content", "mobile"), ("e", 0, "visit", None, "mobile"),
    ("e", 1, "visit", "search", "mobile"), ("e", 2, "purchase", "search", "mobile"),
    ("f", 7, "purchase", "email", "mobile"), ("f", 7, "visit", "email", "mobile"),
    ("f", 7, "visit", "social", "desktop"),
    ("g", 0, "visit", "email", "mobile"), ("g", 60, "visit", "email", "mobile"), ("g", 60, "visit", "email", "mobile"),
    ("g", 90, "read_article", "content", "mobile"), ("g", 240, "purchase", "email", "mobile"),
    ("h", 3, "visit", "ads", None), ("h", 3, "visit", "search", "tablet"), ("h", 3, "visit", "social", "desktop"),
    ("h", 4, "read_article", "content", None), ("h", 5, "purchase", None),
    ("i", 240 - 2 * 24 * 60, "visit", "social", "mobile"), ("i", 240 - 2 * 24 * 60 + 1, "visit", "email", "mobile"),
    ("i", 240, "purchase", "email", "mobile"),
)


def _variants():
    """The hostile log as given; shuffled with zone-aware times (the same instants, in Paris); with number ids."""
    shuffled = HOSTILE.sample(frac=1, random_state=3).reset_index(drop=True)
    zoned = shuffled.assign(timestamp=shuffled["timestamp"].dt.tz_localize("UTC").dt.tz_convert("Europe/Paris"))
    numbered = HOSTILE.assign(user_id=HOSTILE["user_id"].map({u: 7 + 3 * i for i, u in enumerate("abcdefghi")}))
    return {"as given": HOSTILE, "shuffled, zone-aware": zoned, "integer ids": numbered}


VARIANTS = _variants()
HOSTILE_CALLS = [  # (variant, options, rules for jk.touch_credits, models for jk.attribute): each model and option
    ("as given", {}, RULES, ["last_touch", "markov"]),
    ("as given", {"touch_events": ["visit"]}, ["first_touch", "position_based"], ["markov"]),
    ("as given", {"lookback": "1h"}, ["last_touch", "linear"], ["first_touch"]),
    ("shuffled, zone-aware", {}, ["first_touch", "last_touch"], ["markov"]),
    ("shuffled, zone-aware", {"lookback": "2D", "touch_events": ["visit"]}, ["position_based", "linear"],
     ["position_based", "markov"]),
    ("integer ids", {}, ["last_touch", "position_based"], ["last_touch"]),
]


def _ties_by_channel(table: pd.DataFrame) -> pd.DataFrame:
    """``jk.compare_attribution``'s table with its channels as a column and channels of equal value in the first
    model in name order (the kit sorts by the first model only, and equal values come in numpy's order: see
    test_channels_with_equal_credit_come_in_name_order)."""
    flat = table.reset_index()
    first = table.columns[0]
    assert flat[first].is_monotonic_decreasing, f"not sorted by {first}"
    return flat.sort_values([first, "channel"], ascending=[False, True], kind="stable", ignore_index=True)


def check_all(events, con, options, rules=RULES, models=()):
    """The references against the kit for one log and one set of options: the credits of the ``rules``, the
    attribution of the ``models`` and the comparison of every model (of Markov and the ``rules`` when not all)."""
    for model in rules:
        assert_same(jk.touch_credits(events, model=model, **options),
                    duckdb_touch_credits(events, model=model, con=con, **options))
    for model in models:
        assert_same(jk.attribute(events, model=model, **options),
                    duckdb_attribute(events, model=model, con=con, **options))
    compared = MODELS if set(rules) == set(RULES) else ["markov", *rules]
    assert_same(_ties_by_channel(jk.compare_attribution(events, models=compared, **options)),
                duckdb_compare_attribution(events, models=compared, con=con, **options).reset_index())


# --- the sample shop ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop():
    return jk.datasets.load("shop_events")


def test_sample_shop_touch_credits(shop, con):
    options = {"model": "position_based", "touch_events": ["visit"]}
    assert_same(jk.touch_credits(shop, **options), duckdb_touch_credits(shop, con=con, **options))


def test_sample_shop_attribute(shop, con):
    options = {"model": "markov", "lookback": "30D"}
    assert_same(jk.attribute(shop, **options), duckdb_attribute(shop, con=con, **options))


def test_sample_shop_compare_attribution(shop, con):
    kit = jk.compare_attribution(shop)  # no ties here: the kit's row order is compared as it is
    assert_same(kit.reset_index(), duckdb_compare_attribution(shop, con=con).reset_index())


# --- hostile logs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("variant", "options", "rules", "models"), HOSTILE_CALLS,
                         ids=lambda x: str(x).replace(" ", ""))
def test_hostile_log(variant, options, rules, models, con):
    check_all(VARIANTS[variant], con, options, rules, models)


def test_hostile_log_hand_checked(con):
    """A few values of the hostile log worked out by hand, so that kit and SQL cannot agree on a wrong answer."""
    credits = duckdb_touch_credits(HOSTILE, model="first_touch", con=con)
    first = dict(zip(credits["user_id"], credits["channel"]))
    # a: the three touches at minute 0 go search (event name) < visit/desktop (email) < visit/mobile (social)
    # h: three visits at one moment: desktop (social) < tablet (search) < missing device (ads)
    assert first == {"a": "ads", "c": "(no touch)", "e": "content", "f": "social", "g": "email", "h": "social",
                     "i": "social"}
    last = duckdb_touch_credits(HOSTILE, model="last_touch", con=con)
    assert dict(zip(last["user_id"], last["channel"]))["a"] == "referral"  # the visit at the purchase's moment
    assert dict(zip(last["user_id"], last["channel"]))["f"] == "email"  # desktop before mobile at one moment
    lookback = duckdb_touch_credits(HOSTILE, model="linear", lookback="1h", con=con)
    assert lookback.loc[lookback["user_id"] == "e"].set_index("channel")["credit"].to_dict() == {"search": 1.0}
    for variant in ("as given", "shuffled, zone-aware"):  # 48 hours of instants, whatever the clocks did meanwhile
        two_days = duckdb_touch_credits(VARIANTS[variant], model="first_touch", lookback="2D", con=con)
        assert dict(zip(two_days["user_id"], two_days["channel"]))["i"] == "social"


def test_categorical_channel_and_device_are_compared_as_text(con):
    """Categories in a non-alphabetical order still break ties by their text, as the kit's order says."""
    events = HOSTILE.astype({"device": pd.CategoricalDtype(["tablet", "mobile", "desktop"]),
                             "channel": pd.CategoricalDtype(["social", "search", "referral", "email", "content",
                                                             "ads"])})
    check_all(events, con, {}, ["first_touch", "last_touch"])


def test_the_purchase_can_be_another_event_and_the_channel_another_column(con):
    events = HOSTILE.assign(source=HOSTILE["channel"].str.upper(), channel="ignored")
    options = {"purchase_event": "read_article", "channel_col": "source"}
    check_all(events, con, options, ["position_based"], ["linear"])


def test_markov_when_no_buyer_has_a_touch(con):
    events = log(("a", 0, "visit", "ads"), ("b", 0, "visit", "email"), ("b", 1, "visit", "ads"),
                 ("c", 2, "purchase", None), ("d", 3, "purchase", None))
    for options in ({}, {"touch_events": ["visit"]}):
        assert_same(jk.attribute(events, model="markov", **options),
                    duckdb_attribute(events, model="markov", con=con, **options))
    expected = pd.DataFrame({"channel": ["(no touch)", "ads", "email"], "conversions": [2.0, 0.0, 0.0],
                             "share": [1.0, 0.0, 0.0]})
    assert_same(expected, duckdb_attribute(events, model="markov", con=con))


def test_markov_removal_effect_by_hand(con):
    # A -> conversion, B -> null, A -> B -> conversion: P = 2/3; without A 1/6; without B 1/3: effects 3/4 and 1/2
    events = log(("u1", 0, "visit", "A"), ("u1", 1, "purchase", "A"), ("u2", 0, "visit", "B"),
                 ("u3", 0, "visit", "A"), ("u3", 1, "visit", "B"), ("u3", 2, "purchase", "B"))
    result = duckdb_attribute(events, model="markov", con=con)
    assert result["conversions"].tolist() == pytest.approx([2 * 0.75 / 1.25, 2 * 0.5 / 1.25])


def test_a_parquet_file_is_the_same_log(tmp_path, con):
    HOSTILE.to_parquet(tmp_path / "part-0.parquet")
    glob = str(tmp_path / "*.parquet")
    options = {"touch_events": ["visit"], "lookback": "2D"}
    assert_same(jk.touch_credits(HOSTILE, model="position_based", **options),
                duckdb_touch_credits(glob, model="position_based", con=con, **options))
    assert_same(jk.attribute(HOSTILE, model="markov", **options),
                duckdb_attribute(glob, model="markov", con=con, **options))
    assert_same(_ties_by_channel(jk.compare_attribution(HOSTILE, **options)),
                duckdb_compare_attribution(glob, con=con, **options).reset_index())


def test_channels_with_equal_credit_come_in_name_order(con):
    events = log(("u1", 0, "visit", "a"), ("u1", 60, "visit", "c"), ("u1", 120, "purchase", None),
                 ("u2", 0, "visit", "b"), ("u2", 60, "visit", "d"), ("u2", 120, "purchase", None))
    models = ["last_touch", "first_touch"]
    sql = duckdb_compare_attribution(events, models=models, con=con)
    assert sql.index.tolist() == ["c", "d", "a", "b"]
    assert_same(jk.compare_attribution(events, models=models).reset_index(), sql.reset_index())


# --- random small logs -------------------------------------------------------------------------------------------

_ROW = st.tuples(st.sampled_from("pqrs"), st.integers(0, 5), st.sampled_from(["visit", "visit", "search", "purchase"]),
                 st.sampled_from(["ads", "email", "search", None]), st.sampled_from(["mobile", "desktop", None]))


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=14), model=st.sampled_from(RULES),
       lookback=st.sampled_from([None, "2min"]))
def test_random_small_logs(rows, model, lookback, con):
    events = log(("z", 0, "purchase", None), ("z", 0, "visit", "ads"), *rows)  # a purchase and a visit always occur
    options = {} if lookback is None else {"lookback": lookback}
    assert_same(jk.touch_credits(events, model=model, **options),
                duckdb_touch_credits(events, model=model, con=con, **options))
    models = [model, "markov"]
    assert_same(_ties_by_channel(jk.compare_attribution(events, models=models, **options)),
                duckdb_compare_attribution(events, models=models, con=con, **options).reset_index())


# --- the benchmark cases on a small generated log ----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_benchmark_case(case, generated, con):
    data = case.prepare(generated)
    assert_same(case.kit(data), case.sql(data, con))
