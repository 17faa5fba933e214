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

__all__ = ["sort_events", "event_order", "order_ties", "sort_order", "factorize_sorted", "first_value", "first_rows",
           "user_runs", "first_time", "TIE_BREAK"]

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
    order = event_order(events, rank=rank)
    if len(order) and (order[1:] > order[:-1]).all():  # already in order (often: the output of another step)
        out = events.copy(deep=False)  # a new frame: adding a column to it leaves the caller's untouched
    else:
        out = events.take(order)
    return out.reset_index(drop=True) if ignore_index else out


def event_order(events: pd.DataFrame, *, rank: pd.Series | np.ndarray | None = None) -> np.ndarray:
    """The row positions of ``events`` in the kit's order (what :func:`sort_events` applies).

    The main keys (user, time, ``rank``, event name) become integers that sort
    as the values do and are packed into one 64-bit key where they fit, so one
    integer sort orders millions of rows; only the rows that tie on all of
    them are then sorted by the other columns (in the input's order where
    those are equal too, so the sort is stable).
    """
    n = len(events)
    keys = [events[c] for c in ("user_id", "timestamp", "event")]
    time = keys[1]
    if n == 0 or any(k.isna().any() for k in keys) or not pd.api.types.is_datetime64_any_dtype(time):
        return _order_by_values(events, rank)  # unvalidated frames: the general, slower path
    user, _ = factorize_sorted(_sortable(keys[0]))
    name, _ = factorize_sorted(_sortable(keys[2]))
    ties = [name] if rank is None else [np.asarray(rank).astype(np.int64), name]
    instants = pd.DatetimeIndex(time).asi8
    order = sort_order(user, instants, *ties)
    return order_ties(events, order, [key[order] for key in (user, instants, *ties)])


def order_ties(events: pd.DataFrame, order: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """``order`` (row positions of ``events``, sorted by integer ``keys``, which are given in that sorted order)
    with the rows that tie on every key put in the kit's order: by the columns other than user, time and event
    name, in the table's column order (text compared as text, missing values last; equal rows keep the input's
    order). The keys must include the user, the time and the event name (or finer keys), so that rows tying on
    them differ only in the other columns."""
    n = len(order)
    if n < 2:
        return order
    same = np.ones(n - 1, dtype=bool)
    for part in keys:
        same &= part[1:] == part[:-1]
    if not same.any():
        return order
    # rows equal on every main key: order them by the other columns, block by block
    tied = np.zeros(n, dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    block = np.cumsum(np.concatenate([[True], ~same]))[tied]
    positions = order[tied]
    others = [c for c in events.columns if c not in ("user_id", "timestamp", "event")]
    subset = events.iloc[positions, [events.columns.get_loc(c) for c in others]].copy()
    subset.columns = range(len(others))
    subset.insert(0, "_block", block)
    subset.insert(1, "_position", positions)
    subset = subset.sort_values("_position")  # equal rows keep the input's order
    subset = subset.sort_values(["_block", *range(len(others))], kind="stable", na_position="last",
                                key=lambda v: v if v.name == "_block" else _sortable(v))
    order = order.copy()
    order[tied] = subset["_position"].to_numpy()
    return order


def _order_by_values(events: pd.DataFrame, rank) -> np.ndarray:
    """:func:`event_order` by a multi-column sort of the values (any dtypes, missing values last)."""
    frame = events.reset_index(drop=True)
    frame = frame if rank is None else frame.assign(_rank=np.asarray(rank))
    keys = ["user_id", "timestamp", *(["_rank"] if rank is not None else []), "event"]
    if frame.duplicated(keys, keep=False).any():
        keys += [c for c in events.columns if c not in keys]
    return frame.sort_values(keys, kind="stable", na_position="last", key=_sortable).index.to_numpy()


def sort_order(user: np.ndarray, t: np.ndarray, *ties: np.ndarray | None) -> np.ndarray:
    """Row order by (user, time, ties...) for integer codes ``user`` and ``ties`` (0 or more) and int64 times ``t``.

    Packs the keys into one int64 when they fit (time in its coarsest exact
    unit: seconds, milliseconds, microseconds or nanoseconds), which sorts
    several times faster than a multi-key lexsort; falls back to lexsort.
    Rows equal on every key come in no particular order.
    """
    ties = [k.astype(np.int64) for k in ties if k is not None]
    if t.size == 0:
        return np.arange(0)
    t0 = t.min()
    span = t - t0
    for unit in (10**9, 10**6, 10**3, 1):
        if not (span % unit).any():
            break
    span = span // unit
    widths = [int(user.max()).bit_length(), int(span.max()).bit_length(), *(int(k.max()).bit_length() for k in ties)]
    if sum(widths) <= 63:
        key = user.astype(np.int64)
        for part, width in zip([span, *ties], widths[1:]):
            key = (key << width) | part
        return np.argsort(key)
    return np.lexsort((*reversed(ties), t, user))


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


def first_rows(events: pd.DataFrame, user: np.ndarray, rows=None) -> tuple[np.ndarray, np.ndarray]:
    """Each user's first row in the kit's order, among ``rows`` (a boolean mask or positions; all rows if None),
    without sorting the events: the rows at each user's earliest time, and only where several share it, sorted as
    the kit orders tied events (event name, then the other columns).

    ``user`` holds a non-negative integer code per row of validated ``events``
    (the same code for the same user). Returns the codes of the users with a
    candidate row, ascending, and the position of each one's first row.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["visit", "visit", "visit"],
    ...                        "timestamp": pd.to_datetime(["2025-01-02"] * 2 + ["2025-01-01"]),
    ...                        "channel": ["search", "ads", "email"]})
    >>> users, positions = first_rows(events, np.array([0, 0, 1]))
    >>> events["channel"].to_numpy()[positions].tolist()
    ['ads', 'email']
    """
    candidates = np.arange(len(events)) if rows is None else np.asarray(rows)
    if candidates.dtype == bool:
        candidates = np.flatnonzero(candidates)
    if candidates.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    t = pd.DatetimeIndex(events["timestamp"]).asi8[candidates]
    u = np.asarray(user)[candidates].astype(np.int64)
    earliest = np.full(int(u.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(earliest, u, t)
    at_first = candidates[t == earliest[u]]
    u = np.asarray(user)[at_first].astype(np.int64)
    users, first, counts = np.unique(u, return_index=True, return_counts=True)
    if (counts == 1).all():
        return users, at_first[first]
    # several rows at a user's first moment: the kit's order of tied events decides
    tied = np.isin(u, users[counts > 1])
    positions, u_tied = at_first[tied], u[tied]
    name, _ = factorize_sorted(_sortable(events["event"].iloc[positions]))
    order = sort_order(u_tied, np.zeros(len(u_tied), dtype=np.int64), name)
    ordered = order_ties(events, positions[order], [u_tied[order], name[order]])
    u_ordered = np.asarray(user)[ordered]
    keep = np.r_[True, u_ordered[1:] != u_ordered[:-1]]
    best = at_first[first]
    best[counts > 1] = ordered[keep]  # both in ascending user code
    return users, best


def user_runs(events: pd.DataFrame) -> np.ndarray:
    """Each row's user as an integer 0, 1, ... in order of appearance; for events in the kit's order the numbers
    increase, so a user's events are one run (hashing the ids once, instead of grouping by text again and again).

    Examples
    --------
    >>> user_runs(pd.DataFrame({"user_id": ["b", "b", "a"]})).tolist()
    [0, 0, 1]
    """
    return pd.factorize(events["user_id"])[0].astype(np.int64)


def first_time(events: pd.DataFrame, mask, user: np.ndarray | None = None) -> pd.Series:
    """For events in the kit's order: on every row, the time of the user's first row where ``mask`` holds
    (missing if none), with the time column's dtype (time zone included).

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["visit", "purchase", "visit"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
    >>> first_time(events, events["event"] == "purchase").tolist()
    [Timestamp('2025-01-02 00:00:00'), Timestamp('2025-01-02 00:00:00'), NaT]
    """
    user = user_runs(events) if user is None else user
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    first_row = np.full(int(user.max()) + 1 if len(user) else 0, -1, dtype=np.int64)
    users, first = np.unique(user[rows], return_index=True)  # rows are in time order within a user
    first_row[users] = rows[first]
    times = events["timestamp"].array.take(first_row[user], allow_fill=True)
    return pd.Series(times, index=events.index, name="timestamp")
