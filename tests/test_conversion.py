"""Around a funnel: conversion trends by entry period, conversion drivers (odds ratios), paths after drop-off."""

import math

import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit.errors import ParameterError, SchemaError


def log(*rows, columns=("user_id", "timestamp", "event")):
    df = pd.DataFrame(rows, columns=list(columns))
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601")
    return df


@pytest.fixture(scope="module")
def shop():
    return jk.simulate_shop(3000, seed=5)


STEPS = ["view_product", "add_to_cart", "purchase"]


def test_trends_by_hand_and_open_windows_are_flagged():
    events = log(("a", "2025-01-06 10:00", "view"), ("a", "2025-01-07 09:00", "buy"),
                 ("b", "2025-01-08 10:00", "view"),
                 ("c", "2025-01-13 10:00", "view"), ("c", "2025-01-20 10:00", "view"),
                 ("d", "2025-01-19 12:00", "view"))
    trends = jk.funnel_trends(events, ["view", "buy"], window="2D")
    assert trends["period"].tolist() == [pd.Timestamp("2025-01-06"), pd.Timestamp("2025-01-13")]
    assert trends[["entrants", "converted", "open_entrants"]].values.tolist() == [[2, 1, 0], [2, 0, 2]]
    assert trends["complete"].tolist() == [True, False]  # c (viewed again on the last day) and d may still convert
    with pytest.raises(ParameterError, match="needs a window"):
        jk.funnel_trends(events, ["view", "buy"], window=None)


def test_trends_add_up_to_the_funnel_and_ignore_row_order(shop):
    events = shop["events"]
    trends = jk.funnel_trends(events, STEPS, window="7D", period="M")
    whole = jk.funnel(events, STEPS, window="7D")
    assert trends["entrants"].sum() == whole["users"].iloc[0]
    assert trends["converted"].sum() == whole["users"].iloc[-1]
    assert (trends["ci_low"] <= trends["conversion"]).all() and (trends["conversion"] <= trends["ci_high"]).all()
    pd.testing.assert_frame_equal(trends, jk.funnel_trends(events.sample(frac=1, random_state=3), STEPS,
                                                           window="7D", period="M"))


def test_drivers_by_hand():
    # 4 converters and 4 who dropped at buy; 3 converters and 1 dropper read reviews before the cart
    rows, users = [], [("c1", True, True), ("c2", True, True), ("c3", True, True), ("c4", True, False),
                       ("d1", False, True), ("d2", False, False), ("d3", False, False), ("d4", False, False)]
    for i, (user, bought, reviews) in enumerate(users):
        day = f"2025-01-{i + 1:02d}"
        rows.append((user, f"{day} 10:00", "view", "mobile" if user in ("c1", "d2", "d3") else "desktop"))
        if reviews:
            rows.append((user, f"{day} 10:01", "read_reviews", "x"))
        rows.append((user, f"{day} 10:02", "cart", "x"))
        if bought:
            rows.append((user, f"{day} 10:03", "buy", "x"))
        rows.append((user, f"{day} 10:04", "read_reviews", "x"))  # after the cart: not a driver
    rows.append(("z", "2025-02-01 10:00", "visit", "x"))  # the data go on: every window has closed
    events = log(*rows, columns=("user_id", "timestamp", "event", "device"))
    drivers = jk.conversion_drivers(events, ["view", "cart", "buy"], window="1D", columns=["device"], min_sample=1)
    reviews = drivers.set_index(["feature", "value"]).loc[("event", "read_reviews")]
    assert reviews["users"] == 4 and reviews["conversion_with"] == 0.75 and reviews["conversion_without"] == 0.25
    assert reviews["odds_ratio"] == pytest.approx((3 * 3) / (1 * 1))  # (3/1) / (1/3)
    se = math.sqrt(1 / 3 + 1 / 1 + 1 / 1 + 1 / 3)
    assert reviews["ci_low"] == pytest.approx(9 * math.exp(-1.959964 * se), rel=1e-4)
    assert not reviews["clear"]  # eight users cannot tell
    mobile = drivers.set_index(["feature", "value"]).loc[("device", "mobile")]
    assert (mobile["users"], mobile["conversion_with"]) == (3, pytest.approx(1 / 3))
    assert drivers.attrs["population"] == 8


def test_drivers_on_the_shop_find_the_mobile_leak(shop):
    drivers = jk.conversion_drivers(shop["events"], ["add_to_cart", "begin_checkout", "purchase"], window="1D",
                                    columns=["device"])
    mobile = drivers.set_index(["feature", "value"]).loc[("device", "mobile")]
    assert mobile["odds_ratio"] < 1 and mobile["clear"]
    assert (drivers["users"] >= 30).all()
    with pytest.raises(ParameterError, match="step 1 has no conversion"):
        jk.conversion_drivers(shop["events"], STEPS, at=1, window="1D")


def test_paths_after_drop_follow_the_last_step_reached():
    events = log(("a", "2025-01-01 10:00", "view"), ("a", "2025-01-01 10:01", "cart"),
                 ("a", "2025-01-04 10:00", "visit"), ("a", "2025-01-04 10:01", "view"),
                 ("b", "2025-01-01 10:00", "view"), ("b", "2025-01-01 10:01", "cart"), ("b", "2025-01-01 10:05", "buy"),
                 ("c", "2025-01-02 10:00", "view"), ("c", "2025-01-02 10:01", "cart"),
                 ("d", "2025-01-09 10:00", "view"), ("d", "2025-01-09 10:01", "cart"))
    paths = jk.paths_after_drop(events, ["view", "cart", "buy"], "buy", window="1D", after=2)
    assert dict(zip(paths["path"], paths["users"])) == {"cart → visit → view": 1, "cart → (end)": 1}
    assert paths.attrs["users"] == 2  # d's window is still open at the end of the data: not a drop
    with pytest.raises(SchemaError, match="no user stopped before"):
        jk.paths_after_drop(events, ["view", "cart", "buy"], "cart", window="1D")
    with pytest.raises(ParameterError, match="nobody drops before step 1"):
        jk.paths_after_drop(events, ["view", "cart", "buy"], 1, window="1D")


def test_paths_after_drop_match_the_dropped_users(shop):
    events = shop["events"]
    dropped = jk.dropped_users(events, STEPS, "purchase", window="7D")
    paths = jk.paths_after_drop(events, STEPS, "purchase", window="7D", top=None)
    assert paths.attrs["users"] == int(dropped["window_closed"].sum())
    assert paths["users"].sum() == paths.attrs["users"]
    assert np.isclose(paths["share"].sum(), 1.0)
    assert (paths["step_0"] == "add_to_cart").all()


def test_drivers_and_paths_after_drop_need_a_window_and_both_outcomes(shop):
    with pytest.raises(ParameterError, match="needs a window"):
        jk.conversion_drivers(shop["events"], STEPS, window=None)
    with pytest.raises(ParameterError, match="needs a window"):
        jk.paths_after_drop(shop["events"], STEPS, "purchase", window=None)
    bought = log(("a", "2025-01-01 10:00", "view"), ("a", "2025-01-01 10:01", "buy"), ("z", "2025-02-01", "visit"))
    with pytest.raises(SchemaError, match="all reached step 2; there is nothing to compare"):
        jk.conversion_drivers(bought, ["view", "buy"], window="1D", min_sample=1)


def test_drivers_at_the_second_step_look_at_the_history_before_entering():
    rows = []
    for i, (user, bought, reviews) in enumerate([("c1", 1, 1), ("c2", 1, 1), ("d1", 0, 0), ("d2", 0, 1)]):
        day = f"2025-01-{i + 1:02d}"
        if reviews:
            rows.append((user, f"{day} 09:00", "read_reviews"))
        rows.append((user, f"{day} 10:00", "view"))
        if bought:
            rows.append((user, f"{day} 10:05", "buy"))
    rows.append(("z", "2025-02-01", "visit"))
    drivers = jk.conversion_drivers(log(*rows), ["view", "buy"], window="1D", min_sample=1).set_index("value")
    assert drivers.loc["read_reviews", "users"] == 3 and drivers.loc["read_reviews", "conversion_with"] == 2 / 3


def test_any_order_paths_after_drop_start_after_the_latest_step():
    events = log(("a", "2025-01-01 10:00", "cart"), ("a", "2025-01-01 10:01", "view"),
                 ("a", "2025-01-01 10:02", "help"),  # cart before view: in order, a never reaches cart
                 ("b", "2025-01-01 10:00", "view"), ("b", "2025-01-01 10:01", "cart"), ("b", "2025-01-01 10:05", "buy"),
                 ("z", "2025-01-09 10:00", "view"))
    paths = jk.paths_after_drop(events, ["view", "cart", "buy"], "buy", window="1D", after=1, order="any")
    assert dict(zip(paths["path"], paths["users"])) == {"view → help": 1}
    in_order = jk.funnel(events, ["view", "cart", "buy"], window="1D")["users"].tolist()
    assert in_order == [3, 1, 1]
    assert jk.funnel_trends(events, ["view", "cart", "buy"], window="1D", order="any")["converted"].sum() == 1
