"""One name per idea: the public functions use the kit's vocabulary, and old names warn for one release."""

import inspect

import pandas as pd
import pytest

import journeykit as jk

# old name -> the name that replaced it
RENAMED = {"min_users": "min_sample", "min_answers": "min_sample", "conversion_event": "purchase_event",
           "tz": "input_tz", "event": "activity_event"}


def public_functions():
    for name in jk.__all__:
        value = getattr(jk, name)
        if inspect.isfunction(value):
            yield name, value


def test_old_names_appear_only_as_deprecated_aliases():
    for name, function in public_functions():
        for parameter in inspect.signature(function).parameters.values():
            if parameter.name in RENAMED:
                assert parameter.default is None, f"{name}({parameter.name}=) is an old name; it must default to None"
                assert RENAMED[parameter.name] in inspect.signature(function).parameters, name


def test_roles_have_one_name_each():
    """The minimum size is min_sample, the buying event purchase_event, segments by=, durations with units."""
    seen = {}
    for name, function in public_functions():
        for parameter in inspect.signature(function).parameters:
            seen.setdefault(parameter, []).append(name)
    assert "min_sample" in seen and "purchase_event" in seen
    for old in ("segment_col", "group", "groupby", "min_size", "min_count", "conversion", "tz_in", "tz_out"):
        assert old not in seen, f"{old}= in {seen[old]}"


EVENTS = pd.DataFrame({"user_id": ["a", "a", "b", "b"], "channel": ["ads", "ads", "search", "search"],
                       "event": ["visit", "purchase", "visit", "visit"],
                       "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 11:00", "2025-01-02 10:00",
                                                    "2025-01-03 10:00"])})


@pytest.mark.parametrize("call, old, new", [
    (lambda **k: jk.funnel_confidence(jk.funnel(EVENTS, ["visit", "purchase"], window="7D"), **k), "min_users",
     "min_sample"),
    (lambda **k: jk.csat(pd.Series([4, 5, 2]), **k), "min_answers", "min_sample"),
    (lambda **k: jk.nps(pd.Series([9, 10, 3]), **k), "min_answers", "min_sample"),
    (lambda **k: jk.attribute(EVENTS, **k), "conversion_event", "purchase_event"),
    (lambda **k: jk.churn_rate(EVENTS, threshold="7D", **k), "event", "activity_event"),
    (lambda **k: jk.lifecycle(EVENTS, **k), "event", "activity_event"),
])
def test_an_old_name_warns_and_means_the_same(call, old, new):
    value = 2 if new == "min_sample" else "visit" if new == "activity_event" else "purchase"
    expected = call(**{new: value})
    with pytest.warns(FutureWarning, match=f"{old}= is now called {new}="):
        got = call(**{old: value})
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
    else:
        assert got == expected
    with pytest.raises(jk.ParameterError, match=f"pass only {new}="):
        call(**{old: value, new: 3 if new == "min_sample" else "purchase" if new == "activity_event" else "visit"})


def test_constants_that_left_the_top_level_warn_and_still_answer():
    from journeykit.analysis.journey_map import LANES

    with pytest.warns(FutureWarning, match="jk.LANES has moved: import it from journeykit.analysis.journey_map"):
        assert jk.LANES == LANES
    assert "LANES" not in jk.__all__
