"""Cohort retention, retention curves, churn and lifecycle: do customers come back?

The definition of cohort retention
----------------------------------
- ``period`` is ``"D"`` (day), ``"W"`` (week starting Monday) or ``"M"`` (calendar month).
- A user's **cohort** is the period containing their first ``cohort_event``
  (any event when ``None``).
- A user is **retained at offset k** (k = 0, 1, 2, …) if they have at least one
  ``return_event`` (any event when ``None``) in period cohort + k. Offsets run
  up to the period that contains the last timestamp in the data, and not
  beyond; no other cut.
- The result has one row per (cohort, offset): ``cohort`` (the period's start
  as a Timestamp), ``period`` (the offset, int), ``cohort_size``,
  ``retained``, ``retention`` (= retained ÷ cohort_size) and ``complete``
  (False for the period that contains the last timestamp, which is still in
  progress; plots mark it and averages leave it out).

With ``unbounded=True`` a user is retained at k if they have a return event in
period cohort + k *or later* ("on or after" retention), which never rises with
k. With ``by=``, each user's segment is the value of that column on their first
cohort event, and the table has one more column, first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import ParameterError, SchemaError, unknown_names
from journeykit.io.contract import require_columns, validate_events
from journeykit.io.ordering import factorize_sorted, first_rows
from journeykit.params import duration
from journeykit.results import described

__all__ = ["cohort_retention", "retention_curve", "churn_rate", "bracket_retention",
           "lifecycle", "PERIODS"]

PERIODS = {"D": "day", "W": "week (Monday to Sunday)", "M": "calendar month"}
"""The periods cohorts can be built on."""


def period_index(timestamps: pd.Series | np.ndarray, period: str) -> np.ndarray:
    """Integer index of the period each timestamp falls in (consecutive periods differ by 1)."""
    days = np.asarray(timestamps, dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    if period == "D":
        return days
    if period == "W":
        return (days + 3) // 7  # 1970-01-01 was a Thursday; weeks start on Monday
    return np.asarray(timestamps, dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def period_start(index: np.ndarray, period: str) -> pd.DatetimeIndex:
    """The first moment of each period index, as Timestamps."""
    index = np.asarray(index, dtype=np.int64)
    if period == "D":
        values = index.astype("datetime64[D]")
    elif period == "W":
        values = (index * 7 - 3).astype("datetime64[D]")
    else:
        values = index.astype("datetime64[M]")
    return pd.DatetimeIndex(values.astype("datetime64[ns]"))


def _check_period(period: str) -> None:
    params.choice(period, "period", tuple(PERIODS))


def _check_event(ev: pd.DataFrame, name: str | None, param: str) -> None:
    if params.name(name, param, allow_none=True) is not None:
        unknown_names(name, ev["event"].unique(), param)


def _not_own_column(by: str) -> None:
    if by in ("user_id", "timestamp", "event"):
        raise ParameterError(f"by={by!r} is one of the event log's own columns; segment by a context column "
                             "such as 'channel' or 'device'.", "by")


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted unique values (a plain sort, much faster than hashing on large integer arrays)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if ordered.size else ordered


def _activity(events: pd.DataFrame, period: str, cohort_event: str | None, return_event: str | None,
              by: str | None, user_col: str, time_col: str, event_col: str, return_param: str = "return_event",
              cohorts: bool = True):
    """Validated events as arrays: each user's cohort period (and segment), and their active (user, period) pairs.

    Returns a dict with ``cohort`` (period index per user code; -1 for users
    without a cohort event), ``segment`` (value per user code, or None),
    ``active_user`` / ``active_period`` (unique pairs, sorted by user then
    period) and ``last_period``. With ``cohorts=False``, only the pairs (and
    periods): ``cohort`` and ``segment`` are None and user codes follow no order.
    """
    _check_period(period)
    by = params.column(by, "by", allow_none=True)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    if by is not None:
        require_columns(ev, [by], "events")
        _not_own_column(by)
    _check_event(ev, cohort_event, "cohort_event")
    _check_event(ev, return_event, return_param)  # named as the caller's parameter
    times = ev["timestamp"].to_numpy().astype("datetime64[ns]")
    first_period, last_period = (int(p) for p in period_index(np.array([times.min(), times.max()]), period))
    in_return = None if return_event is None else (ev["event"] == return_event).to_numpy()
    cohort = segment = None
    if cohorts:
        codes, users = factorize_sorted(ev["user_id"])
        n_users = len(users)
        in_cohort = slice(None) if cohort_event is None else (ev["event"] == cohort_event).to_numpy()
        c_codes, c_times = codes[in_cohort], times[in_cohort].astype(np.int64)
        first_time = np.full(n_users, np.iinfo(np.int64).max)
        np.minimum.at(first_time, c_codes, c_times)
        has_cohort = first_time < np.iinfo(np.int64).max
        cohort = np.full(n_users, -1, dtype=np.int64)
        cohort[has_cohort] = period_index(first_time[has_cohort].astype("datetime64[ns]"), period)
        if by is not None:
            # the value on the first cohort event (of events at the same moment, the first in the kit's order)
            who, rows = first_rows(ev, codes, in_cohort if cohort_event is not None else None)
            segment = np.full(n_users, None, dtype=object)
            segment[who] = np.asarray(ev[by].iloc[rows], dtype=object)
        return_codes = codes if in_return is None else codes[in_return]
    else:  # only the active pairs: only the returning rows' users are coded
        return_codes = pd.factorize(ev["user_id"] if in_return is None else ev["user_id"][in_return])[0]
    return_periods = period_index(times if in_return is None else times[in_return], period)
    span = last_period - first_period + 2  # one unused slot between users, so key ± 1 never crosses users
    pairs = _unique(return_codes.astype(np.int64) * span + (return_periods - first_period))
    return {"cohort": cohort, "segment": segment, "active_user": pairs // span,
            "active_period": pairs % span + first_period, "last_period": last_period, "first_period": first_period,
            "span": span, "pairs": pairs}


@described
def cohort_retention(events: pd.DataFrame, *, period: str = "M", cohort_event: str | None = None,
                     return_event: str | None = None, unbounded: bool = False, by: str | None = None,
                     user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Share of each cohort that comes back in each later period.

    A user's **cohort** is the period containing their first ``cohort_event``
    (any event when ``None``). A user is **retained at offset k** if they have
    at least one ``return_event`` (any event when ``None``) in period cohort +
    k. Offsets run up to the period that contains the last timestamp in the
    data, and not beyond; no other cut.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    period : {"M", "W", "D"}, default "M"
        Calendar month, week starting Monday, or day.
    cohort_event : str, optional
        Event that places a user in a cohort, e.g. ``"purchase"`` for buyer
        cohorts; any event when None.
    return_event : str, optional
        Event that counts as coming back; any event when None.
    unbounded : bool, default False
        "On or after" retention: retained at k if active in period cohort + k
        or any later period.
    by : str, optional
        Column whose value on the user's first cohort event splits the
        cohorts, e.g. ``"channel"``.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per (cohort, offset), and per segment with ``by`` (first
        column): ``cohort`` (start of the period, Timestamp), ``period``
        (offset, int), ``cohort_size``, ``retained``, ``retention`` and
        ``complete`` (False where cohort + offset is the period containing the
        last timestamp, still in progress).

    Raises
    ------
    ParameterError
        For an unknown period, or a cohort or return event that does not occur.

    See Also
    --------
    retention_curve : average the cohorts into one curve.
    plot_retention : the cohort heatmap.

    Examples
    --------
    ``a`` is active in January and March; ``b`` only in February.

    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "b", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-03", "2025-03-10", "2025-02-27"]),
    ...     "event": ["visit"] * 5,
    ... })
    >>> cohort_retention(events)
          cohort  period  cohort_size  retained  retention  complete
    0 2025-01-01       0            1         1        1.0      True
    1 2025-01-01       1            1         0        0.0      True
    2 2025-01-01       2            1         1        1.0     False
    3 2025-02-01       0            1         1        1.0      True
    4 2025-02-01       1            1         0        0.0     False
    """
    params.flag(unbounded, "unbounded")
    act = _activity(events, period, cohort_event, return_event, by, user_col, time_col, event_col)
    last = act["last_period"]
    has = act["cohort"] >= 0
    cohort_of_user = act["cohort"]
    # segment code per user (0 without by), and the (segment, cohort) cells
    if by is not None:
        seg_code, seg_values = pd.factorize(act["segment"][has], sort=True, use_na_sentinel=False)
        seg_of_user = np.zeros(len(cohort_of_user), dtype=np.int64)
        seg_of_user[has] = seg_code
    else:
        seg_values, seg_of_user = [None], np.zeros(len(cohort_of_user), dtype=np.int64)
    c0 = int(cohort_of_user[has].min())
    n_cohorts, n_offsets, n_segments = last - c0 + 1, last - c0 + 1, len(seg_values)

    def cell(seg, coh, off):
        return (seg * n_cohorts + (coh - c0)) * n_offsets + off

    sizes = np.bincount(seg_of_user[has] * n_cohorts + (cohort_of_user[has] - c0), minlength=n_segments * n_cohorts)
    user, per = act["active_user"], act["active_period"]
    offset = per - cohort_of_user[user]
    keep = has[user] & (offset >= 0)
    user, offset = user[keep], offset[keep]
    if unbounded:
        # furthest return offset per user; retained at k if furthest >= k
        furthest = np.full(len(cohort_of_user), -1, dtype=np.int64)
        np.maximum.at(furthest, user, offset)
        who = np.flatnonzero(furthest >= 0)
        at_furthest = np.bincount(cell(seg_of_user[who], cohort_of_user[who], furthest[who]),
                                  minlength=n_segments * n_cohorts * n_offsets).reshape(-1, n_offsets)
        retained = at_furthest[:, ::-1].cumsum(axis=1)[:, ::-1]
    else:
        retained = np.bincount(cell(seg_of_user[user], cohort_of_user[user], offset),
                               minlength=n_segments * n_cohorts * n_offsets).reshape(-1, n_offsets)

    return cohort_table(sizes, retained, seg_values, c0, last, period, by, cohort_event, return_event, unbounded)


def cohort_table(sizes: np.ndarray, retained: np.ndarray, seg_values, c0: int, last: int, period: str,
                 by: str | None, cohort_event: str | None, return_event: str | None, unbounded: bool) -> pd.DataFrame:
    """The cohort table from its cells: ``sizes`` per (segment, cohort) and ``retained`` per (segment, cohort) row and
    offset column, cohorts numbered from period index ``c0`` up to ``last``, the period of the last timestamp."""
    n_segments, n_cohorts, n_offsets = len(seg_values), last - c0 + 1, last - c0 + 1
    seg_idx, coh_idx, off_idx = np.meshgrid(np.arange(n_segments), np.arange(n_cohorts), np.arange(n_offsets),
                                            indexing="ij")
    cohort_index = coh_idx.ravel() + c0
    out = pd.DataFrame({"segment": seg_idx.ravel(), "cohort": cohort_index, "period": off_idx.ravel(),
                        "cohort_size": sizes[seg_idx.ravel() * n_cohorts + coh_idx.ravel()],
                        "retained": retained.ravel()})
    out = out[(out["cohort_size"] > 0) & (out["cohort"] + out["period"] <= last)].reset_index(drop=True)
    out["retention"] = out["retained"] / out["cohort_size"]
    out["complete"] = (out["cohort"] + out["period"]) < last
    out["cohort"] = period_start(out["cohort"].to_numpy(), period)
    for col in ("period", "cohort_size", "retained"):
        out[col] = out[col].astype(np.int64)
    columns = ["cohort", "period", "cohort_size", "retained", "retention", "complete"]
    if by is None:
        out = out[columns]
    else:
        out.insert(0, by, np.asarray(seg_values, dtype=object)[out.pop("segment").to_numpy()])
        out = out[[by, *columns]]
    out.attrs.update(segment=by, period=period, cohort_event=cohort_event, return_event=return_event,
                     unbounded=unbounded)
    return out


@described
def retention_curve(table: pd.DataFrame) -> pd.DataFrame:
    """Average a :func:`cohort_retention` table into one curve, weighted by cohort size.

    At each offset only the cohorts whose period is **complete** count:
    retention = Σ retained ÷ Σ cohort_size over those cohorts. Incomplete
    periods (the one still in progress) are left out rather than dragging the
    average down, and each point says how many cohorts and users it rests on.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cohort_retention` (with or without ``by``).

    Returns
    -------
    DataFrame
        One row per offset (and segment): ``period``, ``cohorts``, ``users``,
        ``retained``, ``retention`` and ``churn_from_previous`` = 1 −
        retention(k) ÷ retention(k − 1), the share lost since the previous
        period (negative when more people come back than left, which exact
        retention allows; use ``unbounded=True`` for a curve that only falls).

    Raises
    ------
    SchemaError
        If ``table`` lacks any of the columns ``cohort``, ``period``,
        ``cohort_size``, ``retained`` and ``complete`` (one problem per
        missing column).

    Examples
    --------
    >>> table = pd.DataFrame({"cohort": pd.to_datetime(["2025-01-01"] * 2 + ["2025-02-01"] * 2),
    ...                       "period": [0, 1, 0, 1], "cohort_size": [10, 10, 30, 30],
    ...                       "retained": [10, 4, 30, 6], "retention": [1, 0.4, 1, 0.2],
    ...                       "complete": [True, True, True, False]})
    >>> retention_curve(table)
       period  cohorts  users  retained  retention  churn_from_previous
    0       0        2     40        40        1.0                  NaN
    1       1        1     10         4        0.4                  0.6

    At offset 1 only the January cohort is complete, so the curve reads 4 ÷ 10;
    February's 6 of 30 are still in progress and left out.
    """
    missing = [c for c in ("cohort", "period", "cohort_size", "retained", "complete") if c not in table.columns]
    if missing:
        raise SchemaError([f"column {c!r} not found; pass the table returned by jk.cohort_retention."
                           for c in missing], "retention table")
    segment = table.attrs.get("segment")
    keys = [segment] if segment is not None and segment in table.columns else []
    done = table[table["complete"]]
    out = done.groupby([*keys, "period"], dropna=False).agg(
        cohorts=("cohort", "nunique"), users=("cohort_size", "sum"), retained=("retained", "sum")).reset_index()
    out["retention"] = out["retained"] / out["users"]
    previous = out.groupby(keys, dropna=False)["retention"].shift(1) if keys else out["retention"].shift(1)
    out["churn_from_previous"] = 1 - out["retention"] / previous
    out.attrs.update(table.attrs)
    return out


@described
def churn_rate(events: pd.DataFrame, *, threshold: str | pd.Timedelta = "90D", as_of=None, by: str | None = None,
               user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
               activity_event: str | None = None, event: str | None = None) -> pd.DataFrame:
    """Share of users who have not come back within an inactivity threshold.

    A user has **churned** if their last ``activity_event`` (any event when None) is
    more than ``threshold`` before ``as_of``. Only users whose first such event
    is at least ``threshold`` before ``as_of`` are counted: someone who
    arrived last week cannot have been gone for 90 days yet.

    Parameters
    ----------
    events : DataFrame
        Event log.
    threshold : str or Timedelta, default "90D"
        Inactivity after which a user counts as churned.
    as_of : timestamp, optional
        The moment churn is judged at; the last timestamp in the data by default.
    by : str, optional
        Column whose value on the user's first event (of any kind, at or
        before ``as_of``; with ``activity_event``, too) splits the result.
    activity_event : str, optional
        Only this event counts as activity (e.g. ``"purchase"`` for buyer churn).
    event : str, optional
        Old name of ``activity_event``; it warns and will be removed in the next release.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        ``users`` (eligible), ``churned``, ``churn_rate``, per segment with ``by``.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, ``by`` names a column that it
        does not have, or there is no event (of ``event``, when given) at or
        before ``as_of``.
    ParameterError
        If ``threshold`` is not a positive duration with a unit; ``as_of`` is
        not an unambiguous, time-zone-naive time; ``by`` is not a column name
        or is one of ``user_id``, ``timestamp`` and ``event``; or ``event`` is
        not a name or does not occur in the events.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-06-20", "2025-01-10", "2025-06-25"]),
    ...     "event": "visit",
    ... })
    >>> churn_rate(events, threshold="90D")
       users  churned  churn_rate
    0      2        1         0.5

    Churn is judged on 2025-06-25, the last timestamp. ``c`` arrived that day and
    is not counted; ``a`` came back on 2025-06-20; ``b`` has been gone since
    2025-01-10, more than 90 days: 1 of 2 users churned.
    """
    event = params.renamed(activity_event, event, "activity_event", "event", None)
    limit = duration(threshold, "threshold")
    as_of = params.moment(as_of, "as_of", allow_none=True)
    by = params.column(by, "by", allow_none=True)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    _check_event(ev, event, "activity_event")
    if by is not None:
        require_columns(ev, [by], "events")
        _not_own_column(by)
    moment = ev["timestamp"].max() if as_of is None else as_of
    times = ev["timestamp"].to_numpy().astype("datetime64[ns]").view(np.int64)
    seen = times <= pd.Timestamp(moment).value
    active = seen if event is None else seen & (ev["event"] == event).to_numpy()
    if not active.any():
        raise SchemaError([f"no {'events' if event is None else repr(event) + ' events'} at or before "
                           f"as_of={moment}; nothing to judge churn on."], "events")
    # each user's first and last activity, by integer user codes (no sort of the events); without a segment,
    # only the active rows' users are coded
    codes = pd.factorize(ev["user_id"] if by else ev["user_id"][active])[0]
    active_codes = codes[active] if by else codes
    first = np.full(codes.max() + 1, np.iinfo(np.int64).max)
    last = np.full(codes.max() + 1, np.iinfo(np.int64).min)
    np.minimum.at(first, active_codes, times[active])
    np.maximum.at(last, active_codes, times[active])
    cutoff = (pd.Timestamp(moment) - limit).value
    eligible = first <= cutoff  # users without activity have first = the largest integer
    flagged = pd.DataFrame({"churned": last[eligible] < cutoff})
    if by:  # the segment of a user's first event (of any kind, at or before as_of), even when it is missing
        users, rows = first_rows(ev, codes, seen)
        first_row = np.zeros(len(first), dtype=np.int64)
        first_row[users] = rows  # every eligible user has an event at or before as_of
        flagged.insert(0, by, ev[by].array.take(first_row[eligible]))
        out = flagged.groupby(by, dropna=False)["churned"].agg(users="size", churned="sum").reset_index()
    else:
        out = pd.DataFrame({"users": [len(flagged)], "churned": [int(flagged["churned"].sum())]})
    out["churned"] = out["churned"].astype(np.int64)
    out["churn_rate"] = out["churned"] / out["users"]
    out.attrs.update(segment=by, threshold=str(limit), as_of=moment, activity_event=event)
    return out


@described
def lifecycle(events: pd.DataFrame, *, period: str = "M", activity_event: str | None = None,
              user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
              event: str | None = None) -> pd.DataFrame:
    """Active users per period split into new, returning and resurrected, and the dormant ones.

    For each period p and user:

    - **new**: active in p, and p is their first active period;
    - **returning**: active in p and in p − 1;
    - **resurrected**: active in p, not in p − 1, but active before;
    - **dormant**: active in p − 1 but not in p (reported as a positive count;
      plots draw it below zero).

    Parameters
    ----------
    events : DataFrame
        Event log.
    period : {"M", "W", "D"}, default "M"
        Calendar month, week starting Monday, or day.
    activity_event : str, optional
        Only this event counts as activity (e.g. ``"purchase"``); any event when None.
    event : str, optional
        Old name of ``activity_event``; it warns and will be removed in the next release.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per period and status: ``period`` (start, Timestamp),
        ``status`` (new, returning, resurrected, dormant), ``users``.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract.
    ParameterError
        If ``period`` is not one of ``"M"``, ``"W"`` and ``"D"``, or ``event``
        is not a name or does not occur in the events.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "b", "a"],
    ...     "timestamp": pd.to_datetime(["2025-01-05", "2025-02-03", "2025-02-10", "2025-04-01"]),
    ...     "event": "visit",
    ... })
    >>> lifecycle(events).pivot(index="period", columns="status", values="users")
    status      dormant  new  resurrected  returning
    period
    2025-01-01        0    1            0          0
    2025-02-01        0    1            0          1
    2025-03-01        2    0            0          0
    2025-04-01        0    0            1          0

    ``a`` is new in January and returning in February, when ``b`` is new; in
    March both are dormant; in April ``a`` is resurrected.
    """
    event = params.renamed(activity_event, event, "activity_event", "event", None)
    act = _activity(events, period, None, event, None, user_col, time_col, event_col, "activity_event", cohorts=False)
    last_period, keys = act["last_period"], act["pairs"]
    user, pidx = act["active_user"], act["active_period"]
    # pairs are sorted by user then period, so a user's first pair is their first active period
    # (user, period) keys are sorted and distinct, with a gap between users: the period before a key is active
    # when it is the previous key, the period after when it is the next one
    first_of_user = np.r_[True, user[1:] != user[:-1]]
    was_active_before = np.r_[False, keys[1:] - 1 == keys[:-1]]
    status = np.where(first_of_user, 0, np.where(was_active_before, 1, 2))  # new, returning, resurrected
    gone = ~np.r_[keys[:-1] + 1 == keys[1:], False] & (pidx < last_period)
    statuses = ["new", "returning", "resurrected", "dormant"]
    p0 = int(pidx.min())
    periods = np.arange(p0, last_period + 1)
    cells = np.concatenate([(pidx - p0) * 4 + status, (pidx[gone] + 1 - p0) * 4 + 3])  # dormant the period after
    out = pd.DataFrame({"pidx": np.repeat(periods, 4), "status": np.tile(statuses, len(periods)),
                        "users": np.bincount(cells, minlength=4 * len(periods)).astype(np.int64)})
    out["period"] = period_start(out["pidx"].to_numpy(), period)
    return out[["period", "status", "users"]]




def _brackets(brackets) -> list[tuple[int, int]]:
    """Brackets as inclusive (first day, last day) pairs: N means (N, N); (a, b) means days a to b."""
    if isinstance(brackets, (str, bytes)) or not hasattr(brackets, "__iter__"):
        raise ParameterError(f"brackets must be a list of days and (first, last) day pairs, e.g. "
                             f"[1, (2, 7), (8, 30)]; got {brackets!r}.", "brackets")
    out = []
    for item in brackets:
        pair = (item, item) if isinstance(item, (int, np.integer)) and not isinstance(item, bool) else item
        try:
            low, high = (params.integer(v, "brackets", minimum=0) for v in pair)
        except (TypeError, ValueError, ParameterError):
            raise ParameterError(f"brackets must hold whole numbers of days (>= 0) or (first, last) pairs of them; "
                                 f"got {item!r}.", "brackets") from None
        if high < low:
            raise ParameterError(f"bracket {item!r} ends before it starts; write (first, last).", "brackets")
        out.append((low, high))
    if not out:
        raise ParameterError("brackets is empty; give at least one day or (first, last) pair.", "brackets")
    return out


@described
def bracket_retention(events: pd.DataFrame, *, brackets=(1, (2, 7), (8, 30), (31, 90)),
                      cohort_event: str | None = None, return_event: str | None = None, start: str = "first",
                      by: str | None = None, level: float = 0.95, user_col: str = "user_id",
                      time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """N-day and bracket retention: the share of users who come back on given days after they start.

    Days are calendar days (UTC) counted from the start day (day 0). A user
    **starts** on the day of their first ``cohort_event`` (``start="first"``,
    first-time retention) or, with ``start="every"`` (recurring retention),
    on every day with a ``cohort_event``, each start counting as one entrant.
    An entrant is **retained in a bracket** (first day a to last day b) when
    they have a ``return_event`` on a day between a and b after the start.
    Only entrants whose whole bracket lies within the data count (the last
    day of the data counts as not over); the others are ``pending`` (their
    window has not closed), never drops.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    brackets : list, default (1, (2, 7), (8, 30), (31, 90))
        Days (``7`` is day 7 exactly) and inclusive (first, last) pairs.
    cohort_event : str, optional
        The event that starts the clock; any event by default.
    return_event : str, optional
        The event that counts as coming back; any event by default.
    start : {"first", "every"}, default "first"
        First-time (one start per user) or recurring (every start day).
    by : str, optional
        Column whose value on a user's first cohort event splits the result.
    level : float, default 0.95
        Confidence level of the Wilson interval.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per bracket (and segment): ``bracket`` ("day 1", "days
        2-7"), ``first_day``, ``last_day``, ``entrants``, ``retained``,
        ``retention``, ``ci_low``, ``ci_high`` and ``pending``.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract or lacks ``by``.
    ParameterError
        For malformed ``brackets``, an unknown ``start``, events not in the
        log, or ``by`` naming one of the log's own columns.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "a", "b", "c"], "event": "open",
    ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-02 09:00",
    ...                                                     "2025-01-05 12:00", "2025-01-01 08:00",
    ...                                                     "2025-01-09 08:00"])})
    >>> bracket_retention(events, brackets=[1, (2, 7)])[["bracket", "entrants", "retained", "pending"]]
        bracket  entrants  retained  pending
    0     day 1         2         1        1
    1  days 2-7         2         1        1

    ``a`` and ``b`` started on 1 January; ``a`` came back on day 1 and day 4.
    ``c`` started on the last day of the data, so both brackets are pending
    for ``c``.
    """
    from journeykit.analysis.stats import wilson_interval

    spans = _brackets(brackets)
    params.choice(start, "start", ("first", "every"))
    act = _activity(events, "D", cohort_event, return_event, by, user_col, time_col, event_col)
    base, span, last = act["first_period"], act["span"], act["last_period"]
    if start == "first":
        entry_user = np.flatnonzero(act["cohort"] >= 0)
        entry_day = act["cohort"][entry_user]
    else:
        starts = _activity(events, "D", None, cohort_event, None, user_col, time_col, event_col)
        entry_user, entry_day = starts["active_user"], starts["active_period"]
    keys = act["pairs"]  # sorted user * span + (day - base)
    segment = act["segment"][entry_user] if act["segment"] is not None else np.zeros(len(entry_user))
    frames = []
    for low, high in spans:  # a handful of brackets; each is vectorised over entrants
        # the last day of the data is not over, so a bracket that reaches it has not closed
        closed = entry_day + high < last
        u, d = entry_user.astype(np.int64), entry_day - base
        hits = np.searchsorted(keys, u * span + np.minimum(d + high, span - 1), side="right") - \
            np.searchsorted(keys, u * span + np.minimum(d + low, span - 1), side="left")
        frame = pd.DataFrame({"segment": segment, "closed": closed, "retained": closed & (hits > 0)})
        counts = frame.groupby("segment", dropna=False, sort=True).agg(
            entrants=("closed", "sum"), retained=("retained", "sum"), pending=("closed", lambda c: int((~c).sum())))
        label = f"day {low}" if low == high else f"days {low}-{high}"
        frames.append(counts.reset_index().assign(bracket=label, first_day=low, last_day=high))
    out = pd.concat(frames, ignore_index=True).astype({"entrants": "int64", "retained": "int64", "pending": "int64"})
    out["retention"] = out["retained"] / out["entrants"].where(out["entrants"] > 0)
    low_ci, high_ci = wilson_interval(out["retained"].to_numpy(), out["entrants"].to_numpy(), level=level)
    out["ci_low"], out["ci_high"] = low_ci, high_ci
    columns = ["bracket", "first_day", "last_day", "entrants", "retained", "retention", "ci_low", "ci_high", "pending"]
    if by:
        out = out.rename(columns={"segment": by}).sort_values([by, "first_day"], kind="stable")
        return out[[by] + columns].reset_index(drop=True)
    return out[columns]
