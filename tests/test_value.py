"""Order value, repeat purchase, RFM and lifetime value on tiny order tables computed by hand."""

import pandas as pd
import pytest

import journeykit as jk


def orders(*rows):
    """rows: (order_id, user, date, revenue[, channel])"""
    cols = ["order_id", "user_id", "timestamp", "revenue", "channel"][: len(rows[0])]
    df = pd.DataFrame(rows, columns=cols)
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df


SHOP = orders((1, "a", "2025-01-01", 20.0, "ads"), (2, "a", "2025-02-15", 30.0, "email"),
              (3, "b", "2025-01-20", 10.0, "search"), (4, "c", "2025-04-01", 40.0, "ads"),
              (5, "c", "2025-06-01", 60.0, "ads"), (6, "d", "2025-06-30", 15.0, "search"))


def test_order_summary_by_hand():
    row = jk.order_summary(SHOP).iloc[0]
    assert row["customers"] == 4 and row["orders"] == 6 and row["revenue"] == 175
    assert row["average_order_value"] == pytest.approx(175 / 6)
    assert row["purchase_frequency"] == pytest.approx(1.5)
    assert row["revenue_per_customer"] == pytest.approx(43.75)
    assert row["repeat_customer_share"] == pytest.approx(0.5)


def test_order_summary_segments_use_the_first_order():
    by = jk.order_summary(SHOP, by="channel").set_index("channel")
    assert by.loc["ads", "customers"] == 2  # a (first order via ads) and c
    assert by.loc["ads", "revenue"] == 150  # a's email order counts for a's first-order channel
    assert by.loc["search", "repeat_customer_share"] == 0


def test_repeat_purchase_rate_counts_only_customers_who_had_the_whole_window():
    result = jk.repeat_purchase_rate(SHOP, within="60D").iloc[0]
    # last order 2025-06-30: eligible first orders on or before 2025-05-01 -> a, b, c
    assert result["customers"] == 3
    assert result["repeaters"] == 1  # a after 45 days; c's second order is 61 days after its first
    assert result["repeat_rate"] == pytest.approx(1 / 3)
    assert result["median_days_to_second_order"] == 45


def test_repeat_purchase_rate_window_edges():
    # c's second order is 61 days after its first: outside a 60-day window, inside a 61-day one
    assert jk.repeat_purchase_rate(SHOP, within="61D").iloc[0]["repeaters"] == 2
    strict = jk.repeat_purchase_rate(orders((1, "a", "2025-01-01", 1.0), (2, "a", "2025-03-03", 1.0),
                                            (3, "z", "2025-09-01", 1.0)), within="60D").iloc[0]
    assert (strict["customers"], strict["repeaters"]) == (1, 0)
    with pytest.raises(ValueError, match="within must be a positive duration"):
        jk.repeat_purchase_rate(SHOP, within="-1D")


def test_rfm_columns_scores_and_segments():
    table = jk.rfm(SHOP, as_of="2025-07-01").set_index("user_id")
    assert table.loc["a", "days_since_last_order"] == 136
    assert table.loc["a", "days_between_first_and_last_order"] == 45
    assert table.loc["b", "days_between_first_and_last_order"] == 0
    assert table.loc["c", "orders"] == 2 and table.loc["c", "revenue"] == 100
    # frequency: b and d (one order) tie at the bottom; a and c (two orders) share the score of the lower of them
    assert table["f_score"].to_dict() == {"a": 3, "b": 1, "c": 3, "d": 1}
    # recency: d most recent (5), then c, a, b
    assert table["r_score"].to_dict() == {"a": 2, "b": 1, "c": 3, "d": 4}
    assert table["segment"].to_dict() == {"a": "At risk", "b": "Hibernating", "c": "Needs attention",
                                          "d": "New customers"}
    assert set(table["segment"]) <= set(jk.RFM_SEGMENTS["segment"])


def test_rfm_as_of_before_the_last_order_is_an_error():
    with pytest.raises(ValueError, match="as_of=2025-03-01 00:00:00 is before some orders"):
        jk.rfm(SHOP, as_of="2025-03-01")


def test_rfm_does_not_depend_on_row_order():
    pd.testing.assert_frame_equal(jk.rfm(SHOP.sample(frac=1, random_state=1)), jk.rfm(SHOP))


def test_historical_clv_by_hand():
    result = jk.historical_clv(SHOP, horizon="60D").iloc[0]
    # eligible: first order on or before 2025-05-01 -> a (20 + 30 within 60 days), b (10), c (40; 60 is day 61)
    assert result["customers"] == 3
    assert result["revenue"] == 100
    assert result["clv"] == pytest.approx(100 / 3)
    assert result["median_revenue"] == 40
    by = jk.historical_clv(SHOP, horizon="60D", by="channel").set_index("channel")
    assert by.loc["ads", "clv"] == pytest.approx(45.0)


def test_predictive_clv_by_hand():
    result = jk.predictive_clv(average_order_value=50, orders_per_period=2, margin=0.4, retention_rate=0.5,
                               discount_rate=0.1, periods=3)
    # 40 per year of margin, kept with probability 1, 0.5, 0.25, discounted by 1, 1.1, 1.21
    assert result["clv"] == pytest.approx(40 * (1 + 0.5 / 1.1 + 0.25 / 1.21))
    assert result["horizon (years)"] == 3
    assert jk.predictive_clv(average_order_value=10, orders_per_period=1, margin=1, retention_rate=0,
                             discount_rate=0, periods=5)["clv"] == 10
    with pytest.raises(ValueError, match="retention_rate must be between 0 and 1"):
        jk.predictive_clv(average_order_value=10, orders_per_period=1, margin=0.3, retention_rate=80,
                          discount_rate=0.1, periods=3)
    with pytest.raises(ValueError, match="periods must be a whole number"):
        jk.predictive_clv(average_order_value=10, orders_per_period=1, margin=0.3, retention_rate=0.8,
                          discount_rate=0.1, periods=2.5)


def test_bad_orders_are_reported():
    with pytest.raises(jk.SchemaError, match="negative values"):
        jk.order_summary(orders((1, "a", "2025-01-01", -5.0)))


def test_a_customers_segment_is_their_first_orders_even_when_missing():
    """groupby.first() would skip the missing value and take the second order's channel."""
    orders = pd.DataFrame({"order_id": ["1", "2", "3"], "user_id": ["a", "a", "b"],
                           "timestamp": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-01-05"]),
                           "revenue": [10.0, 20.0, 5.0], "channel": [None, "ads", "ads"]})
    summary = jk.order_summary(orders, by="channel")
    assert summary.set_index("channel").loc["ads", "customers"] == 1  # b only
    assert summary["channel"].isna().sum() == 1  # a's first order has no channel
    clv = jk.historical_clv(orders, horizon="30D", by="channel")
    assert clv.set_index("channel")["customers"].to_dict().get("ads") == 1
    events = orders.rename(columns={"order_id": "session_id"}).assign(event="visit")
    churn = jk.churn_rate(events, threshold="30D", by="channel", as_of="2025-04-01")
    assert churn["channel"].isna().sum() == 1
