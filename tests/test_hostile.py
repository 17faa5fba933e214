"""Hostile input: every public function gets malformed tables and wrong arguments.

Each call must either compute the right answer (the property tests check that
for the harmless variants) or raise one of the kit's own errors whose message
names what is wrong: the column or the parameter. No bare TypeError, KeyError,
IndexError or AttributeError may escape, and the caller's table is never
modified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit.errors import JourneyKitError, ParameterError, SchemaError

SHOP = jk.simulate_shop(60, seed=8)
EV, OD, SV = SHOP["events"], SHOP["orders"], SHOP["surveys"]
EVERY_OTHER = np.arange(len(EV)) % 2 == 0


def _events() -> dict[str, tuple[object, str]]:
    """Malformed event logs, each with a word its error message must contain."""
    ev = EV
    return {
        "not a table": (ev.to_dict("records"), "expected a pandas DataFrame"),
        "None": (None, "expected a pandas DataFrame"),
        "a Series": (ev["user_id"], "expected a pandas DataFrame"),
        "no rows": (ev.iloc[:0], "empty"),
        "no user column": (ev.drop(columns="user_id"), "user_id"),
        "duplicate column names": (pd.concat([ev, ev[["event"]]], axis=1), "more than once"),
        "ids with a fraction": (ev.assign(user_id=np.arange(len(ev)) + 0.5), "decimal numbers"),
        "ids that are True/False": (ev.assign(user_id=EVERY_OTHER), "not user ids"),
        "missing event names": (ev.assign(event=ev["event"].where(~EVERY_OTHER)), "missing event names"),
        "aware times with gaps": (ev.assign(timestamp=ev["timestamp"].dt.tz_localize("UTC").where(~EVERY_OTHER)),
                                  "missing timestamps"),
        "times without dates": (ev.assign(timestamp=ev["timestamp"].dt.strftime("%H:%M")), "without a date"),
        "Unix seconds": (ev.assign(timestamp=ev["timestamp"].astype("int64") // 10**9), "unit"),
        "undecidable day order": (ev.assign(timestamp=np.where(EVERY_OTHER, "03/04/2025", "05/06/2025")),
                                  "dayfirst"),
    }


def _orders() -> dict[str, tuple[object, str]]:
    od = OD
    every = np.arange(len(od)) % 3 == 0
    return {
        "None": (None, "expected a pandas DataFrame"),
        "no rows": (od.iloc[:0], "empty"),
        "infinite revenue": (od.assign(revenue=od["revenue"].where(~every, np.inf)), "infinite"),
        "negative revenue": (od.assign(revenue=-od["revenue"] - 1), "negative"),
        "revenue with a currency sign": (od.assign(revenue=od["revenue"].map(lambda x: f"€{x}")), "not numbers"),
        "revenue as True/False": (od.assign(revenue=True), "True/False"),
        "repeated order ids": (od.assign(order_id="same"), "order ids"),
        "order ids with a fraction": (od.assign(order_id=np.arange(len(od)) + 0.5), "decimal numbers"),
    }


def _surveys() -> dict[str, tuple[object, str]]:
    sv = SV
    nps = sv["nps"].astype(object)
    return {
        "None": (None, "expected a pandas DataFrame"),
        "no rows": (sv.iloc[:0], "empty"),
        "scores as True/False": (sv.assign(nps=sv["nps"].notna()), "True/False"),
        "'9,5' as a score": (sv.assign(nps=nps.where(nps != 9, "9,5")), "'9,5'"),
        "'7-8' as a score": (sv.assign(nps=nps.where(nps != nps.dropna().iloc[0], "7-8")), "'7-8'"),
        "no score column": (sv.drop(columns=[c for c in ("nps", "csat") if c in sv]), "score"),
    }


EVENT_FUNCTIONS = {
    "validate_events": lambda ev, **kw: jk.validate_events(ev, **kw),
    "assign_stages": lambda ev, **kw: jk.assign_stages(ev, **kw),
    "stage_summary": lambda ev, **kw: jk.stage_summary(ev, **kw),
    "stage_transitions": lambda ev, **kw: jk.stage_transitions(ev, **kw),
    "journey_map": lambda ev, **kw: jk.journey_map(ev, **kw),
    "sessionize": lambda ev, **kw: jk.sessionize(ev, **kw),
    "web_analytics": lambda ev, **kw: jk.web_analytics(ev, **kw),
    "funnel": lambda ev, **kw: jk.funnel(ev, kw.pop("steps", ["visit", "view_product", "purchase"]), **kw),
    "funnel_users": lambda ev, **kw: jk.funnel_users(ev, ["visit", "purchase"], **kw),
    "dropped_users": lambda ev, **kw: jk.dropped_users(ev, ["visit", "purchase"], kw.pop("at", 2), **kw),
    "time_to_convert": lambda ev, **kw: jk.time_to_convert(ev, ["visit", "purchase"], **kw),
    "cohort_retention": lambda ev, **kw: jk.cohort_retention(ev, **kw),
    "churn_rate": lambda ev, **kw: jk.churn_rate(ev, **kw),
    "lifecycle": lambda ev, **kw: jk.lifecycle(ev, **kw),
    "split_journeys": lambda ev, **kw: jk.split_journeys(ev, **kw),
    "top_paths": lambda ev, **kw: jk.top_paths(ev, **kw),
    "transition_matrix": lambda ev, **kw: jk.transition_matrix(ev, **kw),
    "purchase_timing": lambda ev, **kw: jk.purchase_timing(ev, **kw),
    "touch_credits": lambda ev, **kw: jk.touch_credits(ev, **kw),
    "attribute": lambda ev, **kw: jk.attribute(ev, **kw),
    "journey_comparison": lambda ev, **kw: jk.journey_comparison(ev, OD, **kw),
    "bracket_retention": lambda ev, **kw: jk.bracket_retention(ev, **kw),
    "stickiness": lambda ev, **kw: jk.stickiness(ev, **kw),
    "active_users": lambda ev, **kw: jk.active_users(ev, **kw),
    "paths_around": lambda ev, **kw: jk.paths_around(ev, kw.pop("anchor", "purchase"), **kw),
    "funnel_trends": lambda ev, **kw: jk.funnel_trends(ev, ["visit", "purchase"], window=kw.pop("window", "7D"), **kw),
    "conversion_drivers": lambda ev, **kw: jk.conversion_drivers(ev, ["visit", "purchase"],
                                                                 window=kw.pop("window", "7D"), **kw),
}
ORDER_FUNCTIONS = {
    "validate_orders": lambda od, **kw: jk.validate_orders(od, **kw),
    "order_summary": lambda od, **kw: jk.order_summary(od, **kw),
    "repeat_purchase_rate": lambda od, **kw: jk.repeat_purchase_rate(od, **kw),
    "rfm": lambda od, **kw: jk.rfm(od, **kw),
    "historical_clv": lambda od, **kw: jk.historical_clv(od, **kw),
    "purchase_history": lambda od, **kw: jk.purchase_history(od, **kw),
}
SURVEY_FUNCTIONS = {
    "validate_surveys": lambda sv, **kw: jk.validate_surveys(sv, **kw),
    "nps": lambda sv, **kw: jk.nps(sv, by=kw.pop("by", "touchpoint"), **kw),
    "csat": lambda sv, **kw: jk.csat(sv, by=kw.pop("by", "touchpoint"), **kw),
    "emotion_scores": lambda sv, **kw: jk.emotion_scores(sv, **kw),
}

A_SERIES = pd.Series(["a", "b"] * len(EV))[: len(EV)]
# (function, argument, bad value, word the message must contain)
BAD_ARGUMENTS = [
    ("funnel", "window", 7, "'7D'"),
    ("funnel", "window", "7", "no unit"),
    ("funnel", "window", pd.Timedelta(-1, "D"), "positive"),
    ("funnel", "steps", "visit", "single string"),
    ("funnel", "steps", [["visit"], 3], "step 2"),
    ("funnel", "steps", ["visit", "purchse"], "did you mean 'purchase'"),
    ("funnel", "by", A_SERIES, "name of a column"),
    ("funnel", "by", "nonexistent", "nonexistent"),
    ("funnel", "order", "sequence", "order"),
    ("funnel", "order", True, "order"),
    ("time_to_convert", "order", "any", "in order"),
    ("funnel", "exclude", 5, "exclude"),
    ("funnel", "same", "nonexistent", "nonexistent"),
    ("funnel", "same", "event", "same"),
    ("funnel", "segment_from", "last", "pass by= too"),
    ("dropped_users", "at", 2.5, "at"),
    ("dropped_users", "at", 1, "at=2"),
    ("sessionize", "timeout", 30, "'30min'"),
    ("web_analytics", "timeout", "soon", "timeout"),
    ("web_analytics", "by", A_SERIES, "name of a column"),
    ("web_analytics", "entry_events", ["log_in"], "entry_events"),
    ("cohort_retention", "period", "Q", "period"),
    ("cohort_retention", "unbounded", "no", "unbounded"),
    ("cohort_retention", "cohort_event", ["purchase"], "cohort_event"),
    ("cohort_retention", "by", "user_id", "by"),
    ("churn_rate", "threshold", 90, "'90D'"),
    ("churn_rate", "as_of", "03/04/2025", "ISO 8601"),
    ("churn_rate", "as_of", pd.Timestamp("2025-06-01", tz="UTC"), "time zone"),
    ("lifecycle", "activity_event", "purchse", "did you mean 'purchase'"),
    ("split_journeys", "purchase_event", None, "purchase_event"),
    ("top_paths", "top", 2.5, "top"),
    ("top_paths", "max_steps", 0, "max_steps"),
    ("top_paths", "part", "before", "part"),
    ("transition_matrix", "long", "yes", "long"),
    ("assign_stages", "model", 5, "model"),
    ("assign_stages", "model", "seven-stage", "preset"),
    ("assign_stages", "keep_unmapped", "Awareness", "keep_unmapped"),
    ("touch_credits", "model", "markov", "jk.attribute"),
    ("touch_credits", "lookback", 30, "'30D'"),
    ("touch_credits", "touch_events", ["vist"], "did you mean 'visit'"),
    ("attribute", "model", "u_shaped", "model"),
    ("attribute", "channel_col", ["channel"], "channel_col"),
    ("journey_comparison", "within", 90, "'90D'"),
    ("journey_comparison", "by", "source", "source"),
    ("repeat_purchase_rate", "within", 90, "'90D'"),
    ("bracket_retention", "brackets", [(7, 1)], "ends before it starts"),
    ("bracket_retention", "start", "any", "start"),
    ("bracket_retention", "return_event", "purchse", "did you mean 'purchase'"),
    ("stickiness", "period", "D", "period"),
    ("stickiness", "by", "user_id", "by"),
    ("active_users", "activity_event", "purchse", "did you mean 'purchase'"),
    ("paths_around", "anchor", "purchse", "did you mean 'purchase'"),
    ("paths_around", "direction", "around", "direction"),
    ("paths_around", "steps", 0, "steps"),
    ("funnel_trends", "window", None, "needs a window"),
    ("funnel_trends", "period", "Q", "period"),
    ("conversion_drivers", "at", 1, "step 1"),
    ("conversion_drivers", "window", None, "needs a window"),
    ("conversion_drivers", "min_sample", 0, "min_sample"),
    ("conversion_drivers", "columns", ["nonexistent"], "nonexistent"),
    ("purchase_history", "unit", 7, "'7D'"),
    ("purchase_history", "end", "soon", "end"),
    ("historical_clv", "horizon", 365, "'365D'"),
    ("historical_clv", "by", pd.Series([1]), "name of a column"),
    ("rfm", "as_of", "yesterday", "as_of"),
    ("order_summary", "by", "order_id", "by"),
    ("nps", "level", 95, "level"),
    ("nps", "by", pd.Series(["x"], index=[999]), "index"),
    ("csat", "min_sample", 2.5, "min_sample"),
    ("emotion_scores", "model", 4, "model"),
    ("validate_events", "input_tz", "Mars/Olympus", "input_tz"),
    ("validate_events", "time_format", "dd/mm/yyyy", "time_format"),
    ("validate_events", "user_col", "event", "user_col and event_col"),
]
TABLES = {**{n: EV for n in EVENT_FUNCTIONS}, **{n: OD for n in ORDER_FUNCTIONS}, **{n: SV for n in SURVEY_FUNCTIONS}}
FUNCTIONS = {**EVENT_FUNCTIONS, **ORDER_FUNCTIONS, **SURVEY_FUNCTIONS}


def _assert_kit_error(call, word):
    try:
        call()
    except JourneyKitError as error:
        assert word.lower() in str(error).lower(), f"message does not say {word!r}: {error}"
        return error
    except Exception as error:  # noqa: BLE001 - the point of the test
        pytest.fail(f"raised a bare {type(error).__name__} instead of the kit's own error: {error}")
    pytest.fail(f"computed a result instead of refusing (expected a message about {word!r})")


def _cases(tables, functions):
    return [pytest.param(f, label, id=f"{f}: {label}") for f in functions for label in tables]


@pytest.mark.parametrize("function, label", _cases(_events(), EVENT_FUNCTIONS))
def test_malformed_event_logs_get_the_kits_error(function, label):
    data, word = _events()[label]
    before = data.copy(deep=True) if isinstance(data, pd.DataFrame) else None
    _assert_kit_error(lambda: EVENT_FUNCTIONS[function](data), word)
    if before is not None:
        pd.testing.assert_frame_equal(before, data)


@pytest.mark.parametrize("function, label", _cases(_orders(), ORDER_FUNCTIONS))
def test_malformed_order_tables_get_the_kits_error(function, label):
    data, word = _orders()[label]
    _assert_kit_error(lambda: ORDER_FUNCTIONS[function](data), word)


@pytest.mark.parametrize("function, label", _cases(_surveys(), SURVEY_FUNCTIONS))
def test_malformed_survey_tables_get_the_kits_error(function, label):
    data, word = _surveys()[label]
    if function in ("nps", "csat"):  # they take the table or the scores themselves, and say so
        word = {"None": "pass the whole survey table", "no rows": "nothing to score",
                "no score column": "column in the survey table"}.get(label, word)
        if function == "csat" and label not in ("None", "no rows", "no score column"):
            pytest.skip("the broken column is nps; csat reads its own column")
    _assert_kit_error(lambda: SURVEY_FUNCTIONS[function](data), word)


@pytest.mark.parametrize("function, argument, value, word", BAD_ARGUMENTS,
                         ids=[f"{f}: {a}={v!r}"[:70] for f, a, v, _ in BAD_ARGUMENTS])
def test_wrong_arguments_get_the_kits_error_naming_the_parameter(function, argument, value, word):
    error = _assert_kit_error(lambda: FUNCTIONS[function](TABLES[function], **{argument: value}), word)
    if isinstance(error, ParameterError) and error.parameter is not None:
        assert argument in error.parameter or error.parameter in argument or error.parameter in ("steps", "model")


def test_an_index_named_like_a_column_is_not_confused_with_it():
    indexed = EV.set_index(pd.Index(EV["user_id"], name="user_id"))
    assert jk.funnel(indexed, ["visit", "purchase"]).equals(jk.funnel(EV, ["visit", "purchase"]))
    assert jk.validate_events(indexed).index.names == [None]


def test_mixed_text_and_integer_ids_are_one_kind_of_id():
    mixed = pd.DataFrame({"user_id": [17850, "17850", "a"], "timestamp": pd.to_datetime(["2025-01-01"] * 3),
                          "event": ["visit", "purchase", "visit"]})
    assert jk.funnel(mixed, ["visit", "purchase"])["users"].tolist() == [2, 1]


def test_float_ids_from_a_column_with_gaps_match_integer_ids():
    orders = pd.DataFrame({"order_id": [1, 2], "user_id": [17850.0, np.nan], "timestamp": ["2025-01-01"] * 2,
                           "revenue": [10.0, 5.0]})
    with pytest.raises(SchemaError, match="1 missing user ids"):
        jk.validate_orders(orders)
    out = jk.validate_orders(orders.dropna())
    assert out["user_id"].tolist() == ["17850"] and out["order_id"].tolist() == ["1"]


def test_ids_too_large_for_a_float_are_refused():
    events = pd.DataFrame({"user_id": [2.0**60, 1.0], "timestamp": pd.to_datetime(["2025-01-01"] * 2),
                           "event": ["visit", "visit"]})
    with pytest.raises(SchemaError, match="decimal numbers.*dtype"):
        jk.validate_events(events)


def test_stage_presets_cannot_be_changed_by_a_caller():
    model = jk.stage_model("4-stage")
    with pytest.raises(TypeError):
        model.events["visit"] = "Purchase"
    with pytest.raises(AttributeError):
        model.stages = ()
    assert jk.stage_model("4-stage").events["visit"] == "Awareness"


def test_a_column_named_by_two_parameters_is_refused():
    with pytest.raises(SchemaError, match="user_col and event_col all name column 'event'"):
        jk.validate_events(EV, user_col="event")


def test_every_error_type_is_also_the_builtin_a_caller_expects():
    assert issubclass(SchemaError, ValueError) and issubclass(ParameterError, (ValueError, TypeError))
    assert issubclass(jk.MissingFileError, FileNotFoundError) and issubclass(jk.ReadError, ValueError)


ROUTED = ("top_paths", "attribute")  # large frames of these go through DuckDB (JOURNEYKIT_ENGINE_ROWS)


@pytest.mark.parametrize("function", ROUTED)
def test_routed_functions_refuse_bad_input_in_the_same_words(function, monkeypatch):
    """Routed through DuckDB (as every frame of a million rows or more is), a malformed log or a wrong argument
    gets the very error the pandas implementation gives."""
    from journeykit.analysis import engine

    calls = [(label, lambda data=data: EVENT_FUNCTIONS[function](data)) for label, (data, _) in _events().items()]
    calls += [(f"{a}={v!r}", lambda a=a, v=v: FUNCTIONS[function](TABLES[function], **{a: v}))
              for f, a, v, _ in BAD_ARGUMENTS if f == function]

    def message(call):
        try:
            call()
        except JourneyKitError as error:
            return type(error), str(error)
        return None

    expected = [message(call) for _, call in calls]
    monkeypatch.setattr(engine, "ROUTE_ROWS", 1)
    for (label, call), want in zip(calls, expected):
        assert want is not None, label
        assert message(call) == want, label
