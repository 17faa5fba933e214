"""The one order of events, so that no result depends on the order of the input rows.

Journeys are read per user in time order. Events of one user with the same
timestamp (a page view and a click logged in the same second, a day-level
export) still need an order for "first touch", "next step" or "the segment on
the first event". The kit always uses the same one:

1. user, then time;
2. the stage order, where a stage model is in play (Awareness before Purchase);
3. the event name, alphabetically;
4. the values of every other column, in the table's column order (text
   compared as text; missing values last).

Rows equal on all of these are identical, so their order cannot change a
result. Shuffling the input therefore never changes an output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["sort_events", "factorize_sorted", "first_value", "TIE_BREAK"]

TIE_BREAK = "user, time, stage order (where a stage model applies), event name, then the other columns' values"
"""The documented order of events, in one line (used in docstrings and the glossary)."""


def _sortable(values: pd.Series) -> pd.Series:
    """Mixed or object columns compared as text, so that any column can break a tie."""
    if values.dtype == object or isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype("str")
    return values


def sort_events(events: pd.DataFrame, *, rank: pd.Series | np.ndarray | None = None,
                ignore_index: bool = True) -> pd.DataFrame:
    """Sort validated events in the kit's one order (see the module notes).

    Parameters
    ----------
    events : DataFrame
        Validated events (``user_id``, ``timestamp``, ``event`` and any other columns).
    rank : Series or array of int, optional
        Stage number of each row (aligned by position); ties in time are ordered
        by it before the event name.
    ignore_index : bool, default True
        Number the result 0 … n − 1 instead of keeping the input's index.

    Returns
    -------
    DataFrame
        The same rows, sorted.

    Examples
    --------
    Two visits of ``a`` at the same moment, from two channels, in either input order:

    >>> events = pd.DataFrame({"user_id": ["a", "a", "b"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00"] * 3),
    ...                        "event": ["visit"] * 3, "channel": ["social", "email", "ads"]})
    >>> sort_events(events)["channel"].tolist()
    ['email', 'social', 'ads']
    >>> sort_events(events.iloc[[2, 1, 0]])["channel"].tolist()
    ['email', 'social', 'ads']
    """
    frame = events if rank is None else events.assign(_rank=np.asarray(rank))
    keys = ["user_id", "timestamp", *(["_rank"] if rank is not None else []), "event"]
    tied = frame.duplicated(keys, keep=False)
    if tied.any():
        keys += [c for c in events.columns if c not in keys]
    out = frame.sort_values(keys, kind="stable", na_position="last", ignore_index=ignore_index, key=_sortable)
    return out.drop(columns="_rank") if rank is not None else out


def factorize_sorted(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes numbered in the sorted order of the distinct values, like ``pd.factorize(sort=True)``.

    Hashes first and sorts only the distinct values, which on a text column of
    millions of rows with far fewer distinct ids is several times faster.

    Examples
    --------
    >>> codes, uniques = factorize_sorted(pd.Series(["b", "a", "b", "c"]))
    >>> codes.tolist(), uniques.tolist()
    ([1, 0, 1, 2], ['a', 'b', 'c'])
    """
    codes, uniques = pd.factorize(values)
    by_value = uniques.argsort()
    rank = np.empty(len(by_value), dtype=np.int64)
    rank[by_value] = np.arange(len(by_value))
    return rank[codes], uniques[by_value]


def first_value(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Each group's value of ``column`` on its first row, a missing value included, indexed by ``keys``.

    ``groupby(...).first()`` skips missing values and would take a later row's
    value; a user's segment is the value on their first event or order, even
    when that value is missing. ``frame`` must already be in the kit's order.

    Examples
    --------
    >>> frame = pd.DataFrame({"user_id": ["a", "a", "b"], "channel": [None, "ads", "search"]})
    >>> first_value(frame, ["user_id"], "channel").isna().tolist()
    [True, False]
    """
    return frame.drop_duplicates(keys)[[*keys, column]].set_index(keys)[column]
