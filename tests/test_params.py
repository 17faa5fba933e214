"""The shared argument checks: one message per mistake, whichever function meets it."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit import params


@pytest.mark.parametrize("value", ["7D", "7 days", "P7D", pd.Timedelta(days=7), dt.timedelta(days=7),
                                   np.timedelta64(7, "D")])
def test_durations_in_every_usual_form(value):
    assert params.duration(value, "window") == pd.Timedelta(days=7)


@pytest.mark.parametrize("value, words", [
    (7, "number without a unit"), (7.5, "number without a unit"), ("7", "has no unit"), (True, "number"),
    ("7M", "Months and years are not fixed durations"), ("1Y", "'365D'"), ("3 months", "'30D'"),
    ("-1D", "positive"), ("0D", "positive"), (pd.NaT, "must be a duration"), ([7], "must be a duration"),
])
def test_durations_that_would_be_a_guess_are_refused(value, words):
    with pytest.raises(jk.ParameterError, match=words) as excinfo:
        params.duration(value, "window")
    assert excinfo.value.parameter == "window" and str(excinfo.value).startswith("window")


def test_a_string_is_one_name_never_its_letters():
    assert params.names("visit", "touch_events") == ["visit"]
    assert params.names(pd.Series(["a", "b"]), "touch_events") == ["a", "b"]
    with pytest.raises(jk.ParameterError, match="item 2 is int 3"):
        params.names(["a", 3], "touch_events")
    with pytest.raises(jk.ParameterError, match="is empty"):
        params.names([], "touch_events")


def test_segments_are_column_names_not_series():
    with pytest.raises(jk.ParameterError, match="got a Series. Add it to the table first"):
        params.column(pd.Series([1, 2]), "by")
    with pytest.raises(jk.ParameterError, match="got a list"):
        params.column(["channel"], "by")


def test_a_moment_is_unambiguous_and_naive():
    assert params.moment("2025-06-30 14:00", "as_of") == pd.Timestamp("2025-06-30 14:00")
    assert params.moment(dt.date(2025, 6, 30), "as_of") == pd.Timestamp("2025-06-30")
    for value, words in (("30/06/2025", "ISO 8601"), (pd.Timestamp("2025-06-30", tz="UTC"), "time zone"),
                         (20250630, "number"), (pd.NaT, "missing")):
        with pytest.raises(jk.ParameterError, match=words):
            params.moment(value, "as_of")


def test_flags_numbers_and_choices():
    with pytest.raises(jk.ParameterError, match="strict must be True or False, got str 'False'"):
        params.flag("False", "strict")
    with pytest.raises(jk.ParameterError, match="must be a finite number"):
        params.number(float("nan"), "level")
    with pytest.raises(jk.ParameterError, match="Did you mean 'M'"):
        params.choice("month", "period", ("D", "W", "M"))
    assert params.choice(None, "part", ("buyer", None)) is None
    with pytest.raises(jk.ParameterError):
        params.choice(1, "period", ("D", True))
