"""Results describe themselves: which function made them, with which parameters, and their segment."""

import inspect
import json

import pandas as pd

import journeykit as jk

EVENTS = pd.DataFrame({
    "user_id": ["a", "a", "a", "b", "b", "c"],
    "event": ["visit", "add_to_cart", "purchase", "visit", "add_to_cart", "visit"],
    "channel": ["ads", "ads", "ads", "search", "search", "search"],
    "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05", "2025-01-01 10:10", "2025-01-02 09:00",
                                 "2025-01-02 09:30", "2025-02-03 12:00"])})
ORDERS = pd.DataFrame({"order_id": ["1", "2", "3"], "user_id": ["a", "a", "b"], "revenue": [10.0, 20.0, 5.0],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-01-05"])})


def test_a_result_names_its_function_and_parameters():
    result = jk.funnel(EVENTS, ["visit", ["add_to_cart"], "purchase"], window="7D", by="channel")
    assert result.attrs["function"] == "jk.funnel"
    parameters = result.attrs["parameters"]
    assert parameters["steps"] == ["visit", ["add_to_cart"], "purchase"] and parameters["window"] == "7D"
    assert parameters["by"] == "channel" and "events" not in parameters
    assert result.attrs["segment"] == "channel"  # the function's own entries stay
    json.dumps(result.attrs["parameters"])  # plain data: it can be saved next to the table


def test_a_follow_up_result_says_it_is_a_follow_up():
    confidence = jk.funnel_confidence(jk.funnel(EVENTS, ["visit", "purchase"], window="7D"), level=0.9)
    assert confidence.attrs["function"] == "jk.funnel_confidence" and confidence.attrs["parameters"]["level"] == 0.9


def test_every_public_analysis_table_describes_itself():
    calls = {
        "cohort_retention": lambda: jk.cohort_retention(EVENTS, period="M"),
        "churn_rate": lambda: jk.churn_rate(EVENTS, threshold="7D", as_of="2025-03-01"),
        "order_summary": lambda: jk.order_summary(ORDERS),
        "historical_clv": lambda: jk.historical_clv(ORDERS, horizon="30D"),
        "stage_summary": lambda: jk.stage_summary(EVENTS.assign(event=EVENTS["event"].replace(
            {"add_to_cart": "add_to_cart"})), "4-stage"),
        "web_analytics": lambda: jk.web_analytics(EVENTS),
        "top_paths": lambda: jk.top_paths(EVENTS),
        "attribute": lambda: jk.attribute(EVENTS),
        "csat": lambda: jk.csat(pd.DataFrame({"csat": [5, 4, 1], "stage": ["x", "x", "y"]}), by="stage"),
    }
    for name, call in calls.items():
        result = call()
        assert result.attrs["function"] == f"jk.{name}", name
        assert set(result.attrs["parameters"]) <= set(inspect.signature(getattr(jk, name)).parameters), name


def test_scalars_are_returned_untouched():
    assert jk.nps([10, 9, 3]) == jk.nps([10, 9, 3]) and isinstance(jk.nps([10, 9, 3]), float)
