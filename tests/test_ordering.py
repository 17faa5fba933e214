"""The kit's one order of events (journeykit.io.ordering) against a plain multi-column sort of its definition."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from journeykit.io.ordering import factorize_sorted, first_rows, sort_events


def by_definition(events: pd.DataFrame, rank=None) -> pd.DataFrame:
    """User, time, rank, event name, then every other column in the table's order; text compared as text, missing
    values last, equal rows in the input's order."""
    frame = events.assign(_rank=np.asarray(rank)) if rank is not None else events
    keys = ["user_id", "timestamp", *(["_rank"] if rank is not None else []), "event"]
    keys += [c for c in events.columns if c not in keys]

    def as_text(values: pd.Series) -> pd.Series:
        return values.astype("str") if values.dtype == object or isinstance(values.dtype, pd.CategoricalDtype) \
            else values

    out = frame.sort_values(keys, kind="stable", na_position="last", key=as_text)
    return out.drop(columns="_rank") if rank is not None else out


@st.composite
def logs(draw):
    n = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    events = pd.DataFrame({
        "user_id": rng.choice(["a", "b", "B", "ä", "10", "9", "a b"], n),
        "timestamp": pd.Timestamp("2025-03-30") + pd.to_timedelta(rng.integers(0, 4, n) * draw(
            st.sampled_from([1, 1000, 3_600_000_000_000])), "ns"),
        "event": rng.choice(["visit", "buy", "Visit", "view"], n),
        "channel": pd.Series(rng.choice(["x", "y", None], n), dtype=object),
        "value": np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 3, n)),
        "mixed": pd.Series(rng.choice(np.array([1, "1", 2.5, None], dtype=object), n), dtype=object),
    })
    if draw(st.booleans()):
        events["timestamp"] = events["timestamp"].dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    if draw(st.booleans()):
        events["event"] = events["event"].astype("category")
    if draw(st.booleans()):
        events["user_id"] = events["user_id"].astype("str")  # pyarrow-backed text
    events.index = rng.permutation(n) * 3
    rank = rng.integers(1, 4, n) if draw(st.booleans()) else None
    return events, rank


@settings(max_examples=150, deadline=None)
@given(logs())
def test_sort_events_is_the_documented_order(case):
    events, rank = case
    before = events.copy()
    for keep_index in (True, False):
        expected = by_definition(events, rank)
        if keep_index:
            expected = expected.reset_index(drop=True)
        pd.testing.assert_frame_equal(sort_events(events, rank=rank, ignore_index=keep_index), expected)
    pd.testing.assert_frame_equal(events, before)


@settings(max_examples=100, deadline=None)
@given(logs(), st.integers(0, 2**32 - 1))
def test_first_rows_are_each_user_s_first_row_in_the_documented_order(case, seed):
    events, _ = case
    mask = np.random.default_rng(seed).random(len(events)) < 0.7
    codes, ids = factorize_sorted(events["user_id"].astype("str"))
    users, positions = first_rows(events, codes, mask)
    expected = by_definition(events[mask]).drop_duplicates("user_id")
    assert ids[users].tolist() == expected["user_id"].astype("str").tolist()
    pd.testing.assert_frame_equal(events.iloc[positions], expected)


def test_rows_tied_on_the_main_keys_are_ordered_by_the_other_columns():
    events = pd.DataFrame({"user_id": ["u"] * 4, "event": ["visit"] * 4,
                           "timestamp": pd.to_datetime(["2025-01-01 10:00"] * 3 + ["2025-01-01 09:00"]),
                           "channel": ["social", None, "email", "ads"], "n": [1, 2, 1, 9]})
    channels = sort_events(events)["channel"]
    assert channels[:3].tolist() == ["ads", "email", "social"] and channels.isna().tolist() == [False] * 3 + [True]
    assert sort_events(events.iloc[::-1])["n"].tolist() == [9, 1, 1, 2]


def test_missing_keys_and_other_time_types_take_the_general_path():
    events = pd.DataFrame({"user_id": ["b", None, "a"], "timestamp": [3, 1, 2], "event": ["x", "y", "z"]})
    users = sort_events(events)["user_id"]
    assert users[:2].tolist() == ["a", "b"] and pd.isna(users[2])
