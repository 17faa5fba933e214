"""Engagement: how often active people come back within a period (stickiness), and DAU, WAU and MAU.

Definitions
-----------
A user is **active on a day** when they have at least one ``activity_event``
(any event when ``None``) that calendar day (UTC, as the log's timestamps).

- :func:`stickiness`: for each period (a week from Monday, or a calendar
  month) and each number of active days N, the users active in that period
  on exactly N different days, and their share of the period's active users.
  Product-analytics tools call this the stickiness or frequency chart.
- :func:`active_users`: for each day, the users active that day (DAU), in
  the 7 days ending that day (WAU) and in the 30 days ending that day (MAU),
  and the ratios DAU/MAU, DAU/WAU and WAU/MAU. DAU/MAU is often read as "the
  share of a month's users who use the product on a typical day".

Honest about incomplete data: the period that contains the last timestamp (and
the first one, unless the data start on its first day) is
``complete = False`` in :func:`stickiness` (its users have not had the whole
period to come back), and :func:`active_users` marks with ``full_window``
the days whose 30-day window starts on or after the first day of the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.retention import period_index, period_start
from journeykit.errors import ParameterError, unknown_names
from journeykit.io.contract import require_columns, validate_events
from journeykit.io.ordering import first_rows
from journeykit.results import described

__all__ = ["stickiness", "active_users"]


def _active_days(events: pd.DataFrame, activity_event: str | None, by: str | None, user_col: str, time_col: str,
                 event_col: str) -> tuple[pd.DataFrame, int, int]:
    """Unique (user, day) pairs of activity (an integer code per user), sorted, with the user's segment; and the
    first and last day of the whole log."""
    by = params.column(by, "by", allow_none=True)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    if by is not None:
        require_columns(ev, [by], "events")
        if by in ("user_id", "timestamp", "event"):
            raise ParameterError(f"by={by!r} is one of the event log's own columns; segment by a context column "
                                 "such as 'channel' or 'device'.", "by")
    if params.name(activity_event, "activity_event", allow_none=True) is not None:
        unknown_names(activity_event, ev["event"].unique(), "activity_event")
    days = ev["timestamp"].to_numpy().astype("datetime64[D]").astype(np.int64)
    first_day, last_day = int(days.min()), int(days.max())
    keep = None if activity_event is None else (ev["event"] == activity_event).to_numpy()
    # the distinct (user, day) pairs as one integer each, sorted: by user, then day
    # only the active rows' users are coded
    user = pd.factorize(ev["user_id"] if keep is None else ev["user_id"][keep])[0].astype(np.int64)
    n_days = last_day - first_day + 1
    key = np.sort(pd.unique(user * n_days + ((days if keep is None else days[keep]) - first_day)))
    active = pd.DataFrame({"user": key // n_days, "day": key % n_days + first_day})
    if by is not None:  # each user's segment: the value on their first activity (the kit's order breaks ties)
        if keep is not None:
            user_of_row = np.zeros(len(ev), dtype=np.int64)
            user_of_row[keep] = user
            user = user_of_row
        users, rows = first_rows(ev, user, keep)
        first_row = np.zeros(int(user.max()) + 1, dtype=np.int64)
        first_row[users] = rows
        active[by] = ev[by].array.take(first_row[active["user"].to_numpy()])
    return active, first_day, last_day


@described
def stickiness(events: pd.DataFrame, *, period: str = "W", activity_event: str | None = None,
               by: str | None = None, user_col: str = "user_id", time_col: str = "timestamp",
               event_col: str = "event") -> pd.DataFrame:
    """How many days of each week (or month) its active users were active: the stickiness distribution.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    period : {"W", "M"}, default "W"
        Weeks from Monday to Sunday, or calendar months.
    activity_event : str, optional
        The event that counts as being active; any event by default.
    by : str, optional
        Column whose value on a user's first activity splits the result.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per (period, active_days) from 1 to the period's length in
        days: ``period`` (its first day), ``active_days``, ``users``
        (active on exactly that many days), ``share`` (of the period's
        active users), ``active_users`` (of the period) and ``complete``
        (False for the period that contains the last timestamp, and for
        the first one unless the data start on its first day). With
        ``by``, the segment column comes first.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract or lacks ``by``.
    ParameterError
        For a ``period`` other than "W" and "M", an ``activity_event`` not in
        the log, or ``by`` naming one of the log's own columns.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "a", "b", "b"], "event": "open",
    ...                        "timestamp": pd.to_datetime(["2025-01-06 09:00", "2025-01-06 18:00",
    ...                                                     "2025-01-08 10:00", "2025-01-07 10:00",
    ...                                                     "2025-01-14 10:00"])})
    >>> table = stickiness(events)
    >>> table[table["users"] > 0][["period", "active_days", "users", "share", "complete"]]
          period  active_days  users  share  complete
    0 2025-01-06            1      1    0.5      True
    1 2025-01-06            2      1    0.5      True
    7 2025-01-13            1      1    1.0     False

    In the week of 6 January, ``a`` was active on two days (twice on the
    6th counts once) and ``b`` on one; the next week is still in progress.
    """
    params.choice(period, "period", ("W", "M"))
    active, first_day, last_day = _active_days(events, activity_event, by, user_col, time_col, event_col)
    keys = ([by] if by else []) + ["period"]
    active["period"] = period_index(active["day"].to_numpy().astype("datetime64[D]"), period)
    # a missing segment is a segment of its own, never dropped
    # active days per (user, period): pairs are sorted by user and day, so a user's periods are runs
    user, period_of = active["user"].to_numpy(), active["period"].to_numpy()
    opens = np.flatnonzero(np.r_[True, (user[1:] != user[:-1]) | (period_of[1:] != period_of[:-1])])
    per_user = active.iloc[opens][keys].reset_index(drop=True)
    per_user["active_days"] = np.diff(np.r_[opens, len(active)])
    counts = per_user.groupby(keys + ["active_days"], sort=True, dropna=False).size().rename("users")
    length = 7 if period == "W" else 31
    periods = per_user[keys].drop_duplicates().sort_values(keys, na_position="last", ignore_index=True)
    grid = periods.merge(pd.DataFrame({"active_days": np.arange(1, length + 1)}), how="cross")
    out = grid.merge(counts.reset_index(), on=keys + ["active_days"], how="left")
    out["users"] = out["users"].fillna(0).astype("int64")
    if period == "M":  # a month has only as many days as it has
        starts = period_start(out["period"].to_numpy(), "M")
        out = out[out["active_days"].to_numpy() <= starts.days_in_month.to_numpy()]
    out["active_users"] = out.groupby(keys, dropna=False)["users"].transform("sum")
    out["share"] = out["users"] / out["active_users"]
    last_period = int(period_index(np.array([last_day], dtype="datetime64[D]"), period)[0])
    first_period = int(period_index(np.array([first_day], dtype="datetime64[D]"), period)[0])
    starts_with_data = period_start(np.array([first_period]), period)[0] == pd.Timestamp(np.datetime64(first_day, "D"))
    out["complete"] = (out["period"] != last_period) & ((out["period"] != first_period) | starts_with_data)
    out["period"] = period_start(out["period"].to_numpy(), period)
    columns = keys + ["active_days", "users", "share", "active_users", "complete"]
    return out[columns].reset_index(drop=True)


def _covered(user: np.ndarray, day: np.ndarray, width: int, first_day: int, last_day: int) -> np.ndarray:
    """For each day of the log, the number of users active in the ``width`` days ending that day (``user`` and
    ``day`` sorted by user, then day)."""
    # each user's active days as runs of overlapping windows [day, day + width - 1]
    new_run = np.r_[True, (user[1:] != user[:-1]) | (day[1:] - day[:-1] >= width)]
    run_id = np.cumsum(new_run) - 1
    starts = day[new_run]
    ends = np.zeros(len(starts), dtype=np.int64)
    np.maximum.at(ends, run_id, day + width - 1)
    n = last_day - first_day + 1
    change = np.zeros(n + 1, dtype=np.int64)
    np.add.at(change, starts - first_day, 1)
    np.add.at(change, np.minimum(ends - first_day + 1, n), -1)
    return np.cumsum(change)[:n]


@described
def active_users(events: pd.DataFrame, *, activity_event: str | None = None, user_col: str = "user_id",
                 time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Daily, weekly and monthly active users for every day, and the ratios between them.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    activity_event : str, optional
        The event that counts as being active; any event by default.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per day from the first to the last day of the log:
        ``date``, ``dau``, ``wau`` (the 7 days ending that day), ``mau``
        (the 30 days ending that day), ``dau_mau``, ``dau_wau``,
        ``wau_mau`` and ``full_window`` (True when the 30-day window lies
        within the data; earlier days undercount WAU and MAU).

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract.
    ParameterError
        For an ``activity_event`` not in the log.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": "open",
    ...                        "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-01-03 09:00",
    ...                                                     "2025-01-03 10:00"])})
    >>> active_users(events)[["date", "dau", "wau", "mau", "dau_mau"]]
            date  dau  wau  mau  dau_mau
    0 2025-01-01    1    1    1      1.0
    1 2025-01-02    0    1    1      0.0
    2 2025-01-03    2    2    2      1.0
    """
    active, first_day, last_day = _active_days(events, activity_event, None, user_col, time_col, event_col)
    codes = active["user"].to_numpy()
    day = active["day"].to_numpy(dtype=np.int64)
    out = pd.DataFrame({"date": pd.DatetimeIndex(np.arange(first_day, last_day + 1).astype("datetime64[D]")
                                                 .astype("datetime64[ns]"))})
    for name, width in (("dau", 1), ("wau", 7), ("mau", 30)):
        out[name] = _covered(codes.astype(np.int64), day, width, first_day, last_day)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["dau_mau"] = out["dau"] / out["mau"].where(out["mau"] > 0)
        out["dau_wau"] = out["dau"] / out["wau"].where(out["wau"] > 0)
        out["wau_mau"] = out["wau"] / out["mau"].where(out["mau"] > 0)
    out["full_window"] = np.arange(len(out)) >= 29
    return out
