"""Timestamps: one format per column, never a guess; each case is the smallest input that showed a problem."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit.io.timestamps import TimeOptions, parse_timestamps


def events(timestamps, n=None):
    n = len(timestamps) if n is None else n
    return pd.DataFrame({"user_id": [f"u{i}" for i in range(n)], "timestamp": timestamps, "event": ["visit"] * n})


def problem(excinfo) -> str:
    (only,) = excinfo.value.problems
    return only


# --- day or month first: decided for the whole column ------------------------------------------------------


def test_day_order_is_decided_by_the_column_not_by_each_row():
    out = jk.validate_events(events(["03/04/2024 10:00", "13/04/2024 10:00"]))
    # 13 can only be a day, so the column is day first, and 03/04 is the 3rd of April, not the 4th of March
    assert out["timestamp"].tolist() == [pd.Timestamp("2024-04-03 10:00"), pd.Timestamp("2024-04-13 10:00")]
    out = jk.validate_events(events(["03/04/2024 10:00", "04/13/2024 10:00"]))
    assert out["timestamp"].tolist() == [pd.Timestamp("2024-03-04 10:00"), pd.Timestamp("2024-04-13 10:00")]


def test_an_undecidable_column_is_refused_with_examples_and_the_options_that_settle_it():
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_events(events(["03/04/2024", "05/06/2024"]))
    message = problem(excinfo)
    assert "'03/04/2024' in row 0" in message and "dayfirst=True" in message and "dayfirst=False" in message
    assert "time_format=" in message and "--dayfirst" in message


@pytest.mark.parametrize("dayfirst, expected", [(True, "2024-04-03"), (False, "2024-03-04")])
def test_dayfirst_settles_an_undecidable_column(dayfirst, expected):
    out = jk.validate_events(events(["03/04/2024", "05/06/2024"]), dayfirst=dayfirst)
    assert out["timestamp"].iloc[0] == pd.Timestamp(expected)


def test_time_format_settles_it_too_and_rows_that_do_not_fit_are_listed():
    out = jk.validate_events(events(["03/04/2024 10:00", "05/06/2024 11:30"]), time_format="%d/%m/%Y %H:%M")
    assert out["timestamp"].iloc[1] == pd.Timestamp("2024-06-05 11:30")
    with pytest.raises(jk.SchemaError, match=r"1 of 2 timestamps that could not be parsed \(e.g. '2024-06-05' in row 1"):
        jk.validate_events(events(["03/04/2024 10:00", "2024-06-05"]), time_format="%d/%m/%Y %H:%M")


def test_a_column_with_evidence_both_ways_is_refused_as_mixed():
    with pytest.raises(jk.SchemaError, match=r"mixes day-first dates \(e.g. '13/04/2024' in row 0\) with "
                                             r"month-first ones \(e.g. '04/13/2024' in row 1\)"):
        jk.validate_events(events(["13/04/2024", "04/13/2024"]))


def test_dates_that_read_the_same_either_way_need_no_option():
    out = jk.validate_events(events(["01/01/2024", "02/02/2024"]))
    assert out["timestamp"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-02")]


@pytest.mark.parametrize("text, evidence, expected", [
    ("1/12/2010 8:26", "13/12/2010 9:00", "2010-12-01 08:26"),        # UCI Online Retail written day first
    ("1.12.2024 23:59:59", "31.12.2024 00:00:01", "2024-12-01 23:59:59"),  # German
    ("01-12-24", "31-12-24", "2024-12-01"),                           # two-digit year
    ("01/12/2024 11:30 PM", "31/12/2024 01:00 AM", "2024-12-01 23:30"),  # twelve-hour clock
    ("01/12/2024T23:30", "31/12/2024T00:00", "2024-12-01 23:30"),
])
def test_day_first_shapes(text, evidence, expected):
    out = jk.validate_events(events([text, evidence]))
    assert out["timestamp"].iloc[0] == pd.Timestamp(expected)


def test_other_textual_formats_use_the_first_value_for_the_whole_column():
    out = jk.validate_events(events(["Jan 5, 2024 10:00", "Feb 13, 2024 09:00"]))
    assert out["timestamp"].iloc[1] == pd.Timestamp("2024-02-13 09:00")
    with pytest.raises(jk.SchemaError, match=r"'2024-02-13 09:00' in row 1.*format of the first value"):
        jk.validate_events(events(["Jan 5, 2024 10:00", "2024-02-13 09:00"]))


# --- values that are not dates ---------------------------------------------------------------------------


def test_a_time_without_a_date_is_refused():
    with pytest.raises(jk.SchemaError, match=r"2 times without a date \(e.g. '10:00' in row 0, '11:15:30' in row 1\)"):
        jk.validate_events(events(["10:00", "11:15:30"]))


@pytest.mark.parametrize("values", [[1_700_000_000, 1_700_000_100], [1.7e9, 1.7e9], [True, False]])
def test_numbers_are_refused_because_their_unit_would_be_a_guess(values):
    with pytest.raises(jk.SchemaError, match=r"not dates; the unit would be a guess.*unit='s'"):
        jk.validate_events(events(values))


def test_digits_as_text_are_refused_with_the_same_hint():
    with pytest.raises(jk.SchemaError, match=r"cannot tell the format of '1700000000'.*unit='s'"):
        jk.validate_events(events(["1700000000", "1700000100"]))


def test_blank_text_is_missing_not_today():
    with pytest.raises(jk.SchemaError, match=r"1 missing timestamps \(rows 1\)"):
        jk.validate_events(events(["2024-01-01", "  "]))


# --- zones ------------------------------------------------------------------------------------------------


def test_an_aware_column_with_missing_values_is_refused():
    stamps = pd.Series(pd.to_datetime(["2024-01-01 10:00", None, "2024-01-02"], format="ISO8601")).dt.tz_localize(
        "Europe/Paris")
    with pytest.raises(jk.SchemaError, match=r"1 missing timestamps \(rows 1\)"):
        jk.validate_events(events(stamps))


def test_aware_text_and_aware_dtypes_become_naive_output_time():
    text = ["2024-07-01 12:00+02:00", "2024-07-01 10:00Z", "2024-07-01 10:00 UTC"]
    out = jk.validate_events(events(text))
    assert out["timestamp"].tolist() == [pd.Timestamp("2024-07-01 10:00")] * 3
    out = jk.validate_events(events(text), output_tz="Europe/London")
    assert out["timestamp"].tolist() == [pd.Timestamp("2024-07-01 11:00")] * 3


def test_dates_with_a_dash_are_not_mistaken_for_offsets():
    out = jk.validate_events(events(["2024-01-02", "2024-01-03 10:00"]))
    assert out["timestamp"].iloc[0] == pd.Timestamp("2024-01-02")


def test_naive_times_in_an_input_zone():
    out = jk.validate_events(events(["2024-07-01 12:00", "2024-01-01 12:00"]), input_tz="Europe/Paris")
    assert out["timestamp"].tolist() == [pd.Timestamp("2024-07-01 10:00"), pd.Timestamp("2024-01-01 11:00")]


def test_local_times_that_daylight_saving_skips_or_repeats_are_refused_with_rows_by_default():
    skipped = ["2024-03-31 02:30", "2024-03-31 04:00"]      # Paris jumps from 02:00 to 03:00
    with pytest.raises(jk.SchemaError, match=r"1 local times that do not exist in Europe/Paris.*"
                                             r"'2024-03-31 02:30' in row 0.*nonexistent='shift_forward'"):
        jk.validate_events(events(skipped), input_tz="Europe/Paris")
    repeated = ["2024-10-27 02:30", "2024-10-27 04:00"]     # 02:00-03:00 happens twice
    with pytest.raises(jk.SchemaError, match=r"1 local times that happen twice in Europe/Paris.*"
                                             r"'2024-10-27 02:30' in row 0.*ambiguous='earliest'"):
        jk.validate_events(events(repeated), input_tz="Europe/Paris")


def test_the_daylight_saving_policy_is_explicit():
    repeated = events(["2024-10-27 02:30", "2024-10-27 04:00"])
    earliest = jk.validate_events(repeated, input_tz="Europe/Paris", ambiguous="earliest")
    latest = jk.validate_events(repeated, input_tz="Europe/Paris", ambiguous="latest")
    assert earliest["timestamp"].iloc[0] == pd.Timestamp("2024-10-27 00:30")   # summer time, UTC+2
    assert latest["timestamp"].iloc[0] == pd.Timestamp("2024-10-27 01:30")     # winter time, UTC+1
    skipped = events(["2024-03-31 02:30", "2024-03-31 04:00"])
    forward = jk.validate_events(skipped, input_tz="Europe/Paris", nonexistent="shift_forward")
    assert forward["timestamp"].iloc[0] == pd.Timestamp("2024-03-31 01:00")    # 03:00 local
    with pytest.raises(jk.ParameterError, match="ambiguous='NaT' is not one of"):
        jk.validate_events(skipped, input_tz="Europe/Paris", ambiguous="NaT")


def test_unknown_zones_and_a_mix_of_aware_and_naive_text_are_refused():
    with pytest.raises(jk.ParameterError, match="input_tz='Europe/Londres' is not a time zone"):
        jk.validate_events(events(["2024-01-01"]), input_tz="Europe/Londres")
    with pytest.raises(jk.SchemaError, match="mixes 1 time-zone-aware timestamps"):
        jk.validate_events(events(["2024-01-01 10:00+01:00", "2024-01-01 10:00"]))


def test_the_old_tz_name_still_works_and_warns():
    with pytest.warns(FutureWarning, match="output_tz"):
        out = jk.validate_events(events(["2024-07-01 10:00Z"]), tz="Europe/London")
    assert out["timestamp"].iloc[0] == pd.Timestamp("2024-07-01 11:00")


# --- range -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", [["1500-01-01", "2024-01-01"], ["9999-12-31", "2024-01-01"],
                                    [dt.datetime(1, 1, 1), dt.datetime(2024, 1, 1)]])
def test_dates_outside_the_nanosecond_range_are_refused_not_wrapped(values):
    with pytest.raises(jk.SchemaError, match=r"1 timestamps outside the years 1677-2262.*row 0"):
        jk.validate_events(events(values))


def test_a_microsecond_column_out_of_range_is_refused():
    stamps = pd.Series(np.array(["1600-01-01", "2024-01-01"], dtype="datetime64[us]"))
    with pytest.raises(jk.SchemaError, match="outside the years 1677-2262"):
        jk.validate_events(events(stamps))


# --- the parser on its own -----------------------------------------------------------------------------------


def test_parse_timestamps_returns_problems_instead_of_raising():
    parsed, problems = parse_timestamps(pd.Series(["13/01/2024", "2/1/2024"]), "when", TimeOptions())
    assert problems == [] and parsed.dt.month.tolist() == [1, 1]
    _, problems = parse_timestamps(pd.Series(["x", "y"]), "when", TimeOptions())
    assert problems and problems[0].startswith("column 'when': cannot tell the format of 'x'")


def test_time_options_are_checked():
    with pytest.raises(jk.ParameterError, match="time_format='dd/mm/yyyy' is not a strftime format"):
        TimeOptions(time_format="dd/mm/yyyy")
    with pytest.raises(jk.ParameterError, match="dayfirst must be True or False"):
        TimeOptions(dayfirst="yes")
