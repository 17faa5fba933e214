"""Buyer-journey split, paths, the transition matrix and purchase timing."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

import journeykit as jk

matplotlib.use("Agg")


def log(*rows):
    df = pd.DataFrame(rows, columns=["user_id", "timestamp", "event"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601")
    return df


def test_split_no_purchase_several_purchases_and_purchase_first():
    events = log(("none", "2025-01-01", "visit"), ("none", "2025-01-02", "view_product"),
                 ("many", "2025-01-01", "visit"), ("many", "2025-01-02", "purchase"),
                 ("many", "2025-01-02", "order_delivered"),   # same moment as the first purchase: buyer journey
                 ("many", "2025-02-01", "purchase"), ("many", "2025-02-02", "visit"),
                 ("first", "2025-01-05", "purchase"), ("first", "2025-01-09", "visit"))
    out = jk.split_journeys(events).set_index(["user_id", "timestamp", "event"])["part"]
    assert out.loc["none"].tolist() == ["buyer", "buyer"]
    assert out.loc["many"].tolist() == ["buyer", "buyer", "buyer", "after", "after"]
    assert out.loc["first"].tolist() == ["buyer", "after"]
    converted = jk.split_journeys(events).groupby("user_id")["converted"].first().to_dict()
    assert converted == {"first": True, "many": True, "none": False}
    with pytest.raises(ValueError, match="purchase_event='order' does not occur"):
        jk.split_journeys(events, purchase_event="order")


def test_top_paths_collapse_repeats_or_loops():
    events = log(("a", "2025-01-01 10:00", "visit"), ("a", "2025-01-01 10:01", "view"), ("a", "2025-01-01 10:02", "view"),
                 ("a", "2025-01-01 10:03", "cart"), ("a", "2025-01-01 10:04", "view"), ("a", "2025-01-01 10:05", "purchase"),
                 ("b", "2025-01-01 10:00", "visit"), ("b", "2025-01-01 10:01", "view"))
    repeats = jk.top_paths(events, part="buyer").set_index("path")
    assert repeats.loc["visit → view → cart → view → purchase", "users"] == 1
    assert repeats.loc["visit → view", "converted_share"] == 0.0
    loops = jk.top_paths(events, part="buyer", collapse="loops")["path"].tolist()
    assert loops == ["visit → view", "visit → view → cart → purchase"] or \
        loops == ["visit → view → cart → purchase", "visit → view"]
    raw = jk.top_paths(events, part="buyer", collapse="none", max_steps=3).set_index("path")
    assert "visit → view → view → …" in raw.index
    assert raw["share"].sum() == pytest.approx(1.0)


def test_paths_after_the_first_purchase_and_by_stage():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-02", "purchase"), ("a", "2025-01-05", "order_delivered"),
                 ("a", "2025-02-01", "visit"), ("a", "2025-02-01 00:01", "purchase"))
    after = jk.top_paths(events, part="after")
    assert after["path"].tolist() == ["order_delivered → visit → purchase"]
    stages = jk.top_paths(events, part=None, level="stage")
    # the customer's return visit is Retention, not Awareness (Awareness is first contact only)
    assert stages["path"].tolist() == ["Awareness → Purchase → Retention"]
    with pytest.raises(ValueError, match="no events in part='after'"):
        jk.top_paths(log(("b", "2025-01-01", "purchase")), part="after")


def test_transition_matrix_rows_sum_to_one():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-02", "view_product"), ("a", "2025-01-03", "visit"),
                 ("a", "2025-01-04", "view_product"), ("a", "2025-01-05", "purchase"),
                 ("b", "2025-01-01", "visit"))
    matrix = jk.transition_matrix(events)
    assert np.allclose(matrix.sum(axis=1), 1.0)
    # a's second visit is Consideration (they came back), so a goes Awareness → Consideration → Purchase
    assert matrix.loc["Awareness", "Consideration"] == pytest.approx(1 / 2)
    assert matrix.loc["Awareness", jk.END] == pytest.approx(1 / 2)
    assert "Awareness" not in matrix.columns and matrix.loc["Consideration", "Purchase"] == 1.0
    assert matrix.loc["Purchase", jk.END] == 1.0
    shop = jk.transition_matrix(jk.datasets.load("shop_events"), part="buyer")
    assert np.allclose(shop.sum(axis=1), 1.0)


def test_flow_diagram_returns_its_axes():
    import matplotlib.pyplot as plt

    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-02", "view_product"), ("a", "2025-01-03", "visit"))
    fig, ax = plt.subplots()
    assert jk.plot_flow(jk.transition_matrix(events, long=True), ax=ax) is ax
    assert len(ax.patches) >= 3
    plt.close("all")


def test_purchase_timing_by_hand():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-02", "visit"), ("a", "2025-01-04", "purchase"),
                 ("a", "2025-01-20", "visit"), ("a", "2025-02-03", "purchase"),
                 ("b", "2025-01-10", "visit"), ("b", "2025-01-10 12:00", "purchase"),
                 ("c", "2025-01-10", "visit"))
    timing = jk.purchase_timing(events, touch_events=["visit"]).set_index("user_id")
    assert list(timing.index) == ["a", "b"]  # c never bought
    assert timing.loc["a", "days_to_first_purchase"] == 3 and timing.loc["a", "touches_to_first_purchase"] == 2
    assert timing.loc["a", "days_first_to_second"] == 30 and timing.loc["a", "touches_first_to_second"] == 1
    assert timing.loc["b", "days_to_first_purchase"] == 0.5
    assert pd.isna(timing.loc["b", "touches_first_to_second"]) and pd.isna(timing.loc["b", "second_purchase_at"])


def test_paths_around_an_anchor_after_and_before():
    events = log(("a", "2025-01-01 10:00", "visit"), ("a", "2025-01-01 10:01", "view"), ("a", "2025-01-01 10:02", "view"),
                 ("a", "2025-01-01 10:03", "cart"), ("a", "2025-01-01 10:04", "buy"),
                 ("b", "2025-01-02 10:00", "cart"), ("b", "2025-01-02 10:05", "view"),
                 ("b", "2025-01-09 10:00", "cart"), ("b", "2025-01-09 10:01", "buy"),
                 ("c", "2025-01-03 10:00", "visit"))
    after = jk.paths_around(events, "cart", steps=2).set_index("path")
    assert after["users"].to_dict() == {"cart → buy → (end)": 1, "cart → view → cart": 1}  # b: first cart only
    assert after.attrs["users"] == 2 and after["share"].sum() == pytest.approx(1.0)
    before = jk.paths_around(events, "cart", direction="before", steps=2)
    assert sorted(before["path"]) == ["(start) → cart", "visit → view → cart"]  # a's two views count once
    assert list(before.columns[3:]) == ["step_-2", "step_-1", "step_0"]
    raw = jk.paths_around(events, "cart", direction="before", steps=2, collapse="none")
    assert "view → view → cart" in set(raw["path"])


def test_paths_around_at_stage_level_and_shuffled_rows():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-02", "view_product"), ("a", "2025-01-03", "purchase"),
                 ("a", "2025-01-20", "visit"), ("a", "2025-01-21", "write_review"),
                 ("b", "2025-01-01", "visit"), ("b", "2025-01-01 00:05", "purchase"))
    stages = jk.paths_around(events, "purchase", steps=2, level="stage")
    assert set(stages["path"]) == {"Purchase → Retention → Advocacy", "Purchase → (end)"}
    pd.testing.assert_frame_equal(stages, jk.paths_around(events.sample(frac=1, random_state=2), "purchase",
                                                          steps=2, level="stage"))
    with pytest.raises(ValueError, match="did you mean 'purchase'"):
        jk.paths_around(events, "purchse")
    with pytest.raises(ValueError, match="direction"):
        jk.paths_around(events, "purchase", direction="around")
