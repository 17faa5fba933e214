"""The data contract: every validator error, with its message, and the normalised output."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import journeykit as jk


def small_events(**overrides):
    data = {
        "user_id": ["a", "a", "b", "b", "c"],
        "timestamp": ["2025-01-01 09:00:00", "2025-01-01 09:05:00", "2025-01-02 10:00:00",
                      "2025-01-02 10:01:00", "2025-01-03 11:00:00"],
        "event": ["visit", "purchase", "visit", "view_product", "visit"],
        "channel": ["ads", "ads", "search", "search", "social"],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def problems_of(excinfo):
    return excinfo.value.problems


# --- events: the happy path -----------------------------------------------------------------------


def test_events_are_normalised_without_touching_the_input():
    raw = small_events()
    before = raw.copy(deep=True)
    out = jk.validate_events(raw)
    pd.testing.assert_frame_equal(raw, before)
    assert out is not raw
    assert list(out.columns) == ["user_id", "timestamp", "event", "channel"]
    assert out["timestamp"].dtype == "datetime64[ns]"
    assert out["timestamp"].iloc[1] == pd.Timestamp("2025-01-01 09:05:00")
    pd.testing.assert_index_equal(out.index, raw.index)


def test_custom_column_names_are_renamed_to_canonical_ones():
    raw = small_events().rename(columns={"user_id": "customer", "timestamp": "time", "event": "action"})
    out = jk.validate_events(raw, user_col="customer", time_col="time", event_col="action")
    assert list(out.columns[:3]) == ["user_id", "timestamp", "event"]
    assert "customer" in raw.columns  # caller's frame keeps its names


def test_output_is_independent_of_the_input():
    raw = small_events()
    out = jk.validate_events(raw)
    out.loc[0, "channel"] = "changed"
    assert raw.loc[0, "channel"] == "ads"


def test_datetime_input_is_kept_and_other_resolutions_become_ns():
    raw = small_events(timestamp=pd.to_datetime(small_events()["timestamp"]).astype("datetime64[s]"))
    out = jk.validate_events(raw)
    assert out["timestamp"].dtype == "datetime64[ns]"
    assert out["timestamp"].iloc[0] == pd.Timestamp("2025-01-01 09:00")


def test_aware_strings_are_converted_to_utc_and_made_naive():
    raw = small_events(timestamp=["2025-01-01T10:00:00+01:00", "2025-01-01T10:05:00+01:00",
                                  "2025-07-01T12:00:00+02:00", "2025-07-01 10:01:00Z", "2025-01-03 11:00:00+00:00"])
    out = jk.validate_events(raw)
    assert out["timestamp"].dt.tz is None
    assert out["timestamp"].tolist()[:4] == [pd.Timestamp("2025-01-01 09:00"), pd.Timestamp("2025-01-01 09:05"),
                                             pd.Timestamp("2025-07-01 10:00"), pd.Timestamp("2025-07-01 10:01")]


def test_aware_dtype_is_converted_to_the_requested_zone():
    ts = pd.Series(pd.to_datetime(["2025-03-30 00:30", "2025-03-30 01:30", "2025-06-01 12:00",
                                   "2025-12-01 12:00", "2025-12-01 13:00"])).dt.tz_localize("UTC")
    out = jk.validate_events(small_events(timestamp=ts), output_tz="Europe/London")
    # London switches to summer time at 01:00 UTC on 30 March 2025
    assert out["timestamp"].tolist() == [pd.Timestamp("2025-03-30 00:30"), pd.Timestamp("2025-03-30 02:30"),
                                         pd.Timestamp("2025-06-01 13:00"), pd.Timestamp("2025-12-01 12:00"),
                                         pd.Timestamp("2025-12-01 13:00")]


def test_iso_variants_in_one_column_are_one_format():
    raw = small_events(timestamp=["2025-01-01 09:00:00", "2025-01-01T09:05", "2025-01-02 10:00:00.5",
                                  "2025-01-02 10:01", "2025-01-03"])
    out = jk.validate_events(raw)
    expected = ["2025-01-01 09:00", "2025-01-01 09:05", "2025-01-02 10:00:00.5", "2025-01-02 10:01", "2025-01-03"]
    assert out["timestamp"].tolist() == [pd.Timestamp(t) for t in expected]


def test_a_column_of_several_formats_is_refused_not_read_row_by_row():
    raw = small_events(timestamp=["2025-01-01 09:00:00", "2025-01-01T09:05", "2 January 2025 10:00",
                                  "2025/01/02 10:01", "2025-01-03"])
    with pytest.raises(jk.SchemaError, match=r"1 of 5 timestamps that could not be parsed \(e.g. "
                                             r"'2 January 2025 10:00' in row 2\); the column's format is ISO 8601"):
        jk.validate_events(raw)


def test_python_datetime_objects_are_accepted():
    from datetime import datetime, timezone
    stamps = [datetime(2025, 1, 1, 9, tzinfo=timezone.utc)] * 5
    out = jk.validate_events(small_events(timestamp=pd.Series(stamps, dtype=object)))
    assert out["timestamp"].iloc[0] == pd.Timestamp("2025-01-01 09:00")


def test_numeric_ids_become_text():
    out = jk.validate_events(small_events(user_id=[1, 1, 2, 2, 3]))
    assert out["user_id"].tolist() == ["1", "1", "2", "2", "3"]


# --- events: every error, with what it says ------------------------------------------------------


def test_missing_columns_name_the_closest_existing_ones_and_the_parameter():
    raw = small_events().rename(columns={"timestamp": "time_stamp", "user_id": "customer_id"})
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_events(raw)
    problems = problems_of(excinfo)
    assert problems == [
        "column 'user_id' not found; closest columns: 'customer_id'. Pass user_col='customer_id'.",
        "column 'timestamp' not found; closest columns: 'time_stamp'. Pass time_col='time_stamp'.",
    ]
    assert str(excinfo.value).startswith("events failed validation with 2 problems:")


def test_missing_column_without_a_close_match_lists_the_columns():
    with pytest.raises(jk.SchemaError, match=r"column 'event' not found; the columns are: 'user_id', "
                                             r"'timestamp', 'channel'\. Pass event_col='<your column>'\."):
        jk.validate_events(small_events().drop(columns="event"))


def test_schema_error_is_a_value_error():
    assert issubclass(jk.SchemaError, ValueError)


def test_empty_frame_is_an_error():
    with pytest.raises(jk.SchemaError, match=r"the events table is empty \(0 rows\)"):
        jk.validate_events(small_events().iloc[0:0])


def test_not_a_dataframe_is_an_error():
    with pytest.raises(jk.SchemaError, match="expected a pandas DataFrame, got list"):
        jk.validate_events([{"user_id": 1}])


def test_unparseable_timestamps_are_counted_with_example_rows():
    raw = small_events(timestamp=["2025-01-01 09:00", "yesterday", "2025-13-45", "2025-01-02 10:01", "soon"])
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_events(raw)
    (problem,) = problems_of(excinfo)
    assert problem.startswith("column 'timestamp' has 3 of 5 timestamps that could not be parsed "
                              "(e.g. 'yesterday' in row 1, '2025-13-45' in row 2, 'soon' in row 4)")
    assert "pd.to_datetime" in problem


def test_missing_timestamps_and_ids_are_reported_together():
    raw = small_events(timestamp=["2025-01-01 09:00", None, "2025-01-02", "2025-01-02", "2025-01-03"],
                       user_id=["a", None, "b", np.nan, "c"])
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_events(raw)
    problems = problems_of(excinfo)
    assert len(problems) == 2
    assert problems[0].startswith("column 'user_id' has 2 missing user ids (rows 1, 3)")
    assert problems[1].startswith("column 'timestamp' has 1 missing timestamps (rows 1)")


def test_missing_event_names_are_an_error():
    with pytest.raises(jk.SchemaError, match=r"column 'event' has 1 missing event names \(rows 4\)"):
        jk.validate_events(small_events(event=["visit", "purchase", "visit", "view_product", None]))


def test_mixing_aware_and_naive_timestamps_is_an_error():
    raw = small_events(timestamp=["2025-01-01 09:00:00+01:00", "2025-01-01 09:05:00", "2025-01-02 10:00:00",
                                  "2025-01-02 10:01:00Z", "2025-01-03 11:00:00"])
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_events(raw)
    (problem,) = problems_of(excinfo)
    assert problem.startswith("column 'timestamp' mixes 2 time-zone-aware timestamps "
                              "(e.g. '2025-01-01 09:00:00+01:00' in row 0, '2025-01-02 10:01:00Z' in row 3) "
                              "with 3 naive ones")


def test_numeric_timestamps_get_a_conversion_hint():
    with pytest.raises(jk.SchemaError, match=r"holds int64 values, not dates.*unit='s'"):
        jk.validate_events(small_events(timestamp=[1735722000, 1735722300, 1735812000, 1735812060, 1735902000]))


def test_every_problem_is_listed_at_once():
    raw = small_events(timestamp=["bad", "2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01"],
                       user_id=[None, "a", "b", "c", "d"])
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_events(raw)
    assert len(problems_of(excinfo)) == 2


def test_renaming_onto_an_existing_column_is_refused():
    raw = small_events().rename(columns={"user_id": "customer"}).assign(user_id="x")
    with pytest.raises(jk.SchemaError, match="both 'customer' \\(user_col\\) and a column already called 'user_id'"):
        jk.validate_events(raw, user_col="customer")


def test_duplicate_column_names_are_an_error():
    raw = small_events()
    raw.columns = ["user_id", "timestamp", "event", "event"]
    with pytest.raises(jk.SchemaError, match="column names appear more than once: 'event'"):
        jk.validate_events(raw)


# --- orders ---------------------------------------------------------------------------------------


def small_orders(**overrides):
    data = {"order_id": ["o1", "o2", "o3", "o4", "o5"], "user_id": ["a", "a", "b", "c", "c"],
            "timestamp": ["2025-01-01", "2025-02-01", "2025-01-05", "2025-01-07", "2025-03-01"],
            "revenue": [20, 35.5, 12, 80, 15]}
    data.update(overrides)
    return pd.DataFrame(data)


def test_orders_are_normalised():
    out = jk.validate_orders(small_orders(revenue=["20", "35.5", "12", "80", "15"]))
    assert out["revenue"].dtype == "float64"
    assert out["revenue"].sum() == pytest.approx(162.5)
    assert out["timestamp"].dtype == "datetime64[ns]"


def test_orders_report_duplicates_bad_and_negative_revenue():
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_orders(small_orders(order_id=["o1", "o1", "o3", "o4", "o5"], revenue=[20, "£35", 12, 80, None]))
    problems = problems_of(excinfo)
    assert problems[0].startswith("column 'order_id' has 2 rows sharing 1 order ids (e.g. 'o1' in row 0, 'o1' in row 1)")
    assert problems[1].startswith("column 'revenue' has 1 values that are not numbers (e.g. '£35' in row 1)")
    assert problems[2].startswith("column 'revenue' has 1 missing values (rows 4)")

    with pytest.raises(jk.SchemaError, match=r"column 'amount' has 1 negative values \(e.g. -12 in row 2\).*refunds"):
        jk.validate_orders(small_orders(revenue=[20, 35.5, -12, 80, 15]).rename(columns={"revenue": "amount"}),
                           revenue_col="amount")


def test_orders_missing_column_suggests_the_parameter():
    raw = small_orders().rename(columns={"order_id": "InvoiceNo"})
    with pytest.raises(jk.SchemaError, match=r"column 'order_id' not found; .*Pass order_col="):
        jk.validate_orders(raw)


# --- surveys --------------------------------------------------------------------------------------


def small_surveys(**overrides):
    data = {"user_id": ["a", "b", "c", "d", "e"], "timestamp": ["2025-01-01"] * 5,
            "touchpoint": ["delivery"] * 5, "nps": [10, 9, 7, None, 0], "csat": [5, 4, None, 1, 3]}
    data.update(overrides)
    return pd.DataFrame(data)


def test_surveys_are_normalised_and_missing_answers_kept():
    out = jk.validate_surveys(small_surveys())
    assert str(out["nps"].dtype) == "Int64" and str(out["csat"].dtype) == "Int64"
    assert out["nps"].isna().sum() == 1 and out["csat"].isna().sum() == 1


def test_survey_with_only_one_score_and_only_stage_is_fine():
    raw = small_surveys().drop(columns=["nps", "touchpoint"]).assign(stage="Purchase")
    out = jk.validate_surveys(raw)
    assert "nps" not in out.columns and out["stage"].iloc[0] == "Purchase"


def test_off_scale_scores_are_named():
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_surveys(small_surveys(nps=[10, 11, 7, -1, 8.5], csat=[5, 4, 0, 6, "good"]))
    problems = problems_of(excinfo)
    assert problems[0] == ("column 'nps' has 3 values off the 0-10 scale (e.g. 11 in row 1, -1 in row 3, "
                           "8.5 in row 4); scores must be whole numbers from 0 to 10. Fix or drop those answers, "
                           "or check that nps_col names the right column.")
    assert problems[1].startswith("column 'csat' has 1 answers that are not numbers (e.g. 'good' in row 4)")


def test_csat_off_scale():
    with pytest.raises(jk.SchemaError, match=r"column 'csat' has 2 values off the 1-5 scale \(e.g. 0 in row 2, 6 in row 3\)"):
        jk.validate_surveys(small_surveys(csat=[5, 4, 0, 6, None]))


def test_surveys_need_a_place_and_a_score():
    raw = small_surveys().drop(columns=["touchpoint", "nps", "csat"]).assign(score=5)
    with pytest.raises(jk.SchemaError) as excinfo:
        jk.validate_surveys(raw)
    problems = problems_of(excinfo)
    assert problems[0].startswith("neither 'touchpoint' nor 'stage' found")
    assert problems[1].startswith("neither 'nps' nor 'csat' found; survey answers need a score. Pass nps_col= or csat_col=")


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(0, 10**6), st.sampled_from(["visit", "buy"])),
                min_size=1, max_size=30),
       st.randoms(use_true_random=False))
def test_validation_commutes_with_row_order(rows, rnd):
    base = pd.Timestamp("2025-01-01")
    df = pd.DataFrame({"user_id": [r[0] for r in rows],
                       "timestamp": [(base + pd.Timedelta(seconds=r[1])).isoformat() for r in rows],
                       "event": [r[2] for r in rows]})
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = df.iloc[order]
    pd.testing.assert_frame_equal(jk.validate_events(shuffled).sort_index(), jk.validate_events(df))
