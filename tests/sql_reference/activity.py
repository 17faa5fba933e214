"""Activity definitions: sessions and web analytics, engagement (stickiness, DAU/WAU/MAU), churn, lifecycle, bracket
retention, and cohort retention with every period, cohort and return event, "on or after" and segments.

Every function reads the events as the view ``events`` (a DataFrame, or a Parquet path or glob; see
:func:`sql_reference.core._bind`), seen through the view ``activity_events``: ids and event names as text, and
time-zone-aware times as naive UTC, as the kit's contract gives them. Days, weeks (from Monday) and months are
calendar periods of those times. Where a user's segment is the value on their first event (of a kind), "first" is
the kit's one order of events: time, event name, then the other columns (missing values last), so that a value
on the first event counts even when it is missing. Missing segment values make a segment of their own, last.
The columns must be named ``user_id``, ``timestamp`` and ``event`` (the kit's ``user_col``, ``time_col`` and
``event_col`` are not covered).
"""

from __future__ import annotations

from contextlib import contextmanager
from statistics import NormalDist

import duckdb
import numpy as np
import pandas as pd

import journeykit as jk
from sql_reference.compare import Case
from sql_reference.core import _bind

VIEW = "activity_events"
UNIT = {"D": "day", "W": "week", "M": "month"}
STATUSES = ["new", "returning", "resurrected", "dormant"]


def _text(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _name(column: str) -> str:
    """A SQL column name."""
    return '"' + str(column).replace('"', '""') + '"'


def _scannable(events):
    """``events``, copied if DuckDB cannot scan it: it fails on a numeric or time column read backwards (a negative
    stride, as ``frame.iloc[::-1]`` gives)."""
    if isinstance(events, pd.DataFrame) and any(
            events[column].to_numpy().strides[0] < 0 for column in events.columns
            if isinstance(events[column].dtype, np.dtype) and events[column].dtype.kind in "biufmM"):
        return events.copy()
    return events


@contextmanager
def _events(events, con: duckdb.DuckDBPyConnection | None):
    """Bind ``events`` and define the view ``activity_events``; yield the connection, the column names and the
    kit's order of a user's events (see :func:`_tie_order`)."""
    con = con or duckdb.connect()
    registered = _bind(con, _scannable(events))
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE events)").fetchall())
    time = "timezone('UTC', timestamp)" if "TIME ZONE" in types["timestamp"] else "timestamp"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {VIEW} AS SELECT * REPLACE (CAST(user_id AS VARCHAR) AS user_id, "
                f"{time} AS timestamp, CAST(event AS VARCHAR) AS event) FROM events")
    try:
        yield con, list(types), _tie_order(list(types))
    finally:
        con.execute(f"DROP VIEW IF EXISTS {VIEW}")
        if registered:
            con.unregister("events")


def _tie_order(columns: list[str]) -> str:
    """ORDER BY keys of the kit's order of a user's events: time, event name, then every other column (missing
    values last); as ``core._tie_order``, from the column names (that one reads a frame with ``.df()``, which warns
    on a time-zone-aware column)."""
    others = [f"{_name(c)} NULLS LAST" for c in columns if c not in ("user_id", "timestamp", "event")]
    return ", ".join(["timestamp", "event", *others])


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The result of ``sql`` as a pandas DataFrame (through Arrow: text columns convert several times faster)."""
    return con.sql(sql).to_arrow_table().to_pandas()


def _only(event: str | None) -> str:
    """A condition keeping the rows of ``event`` (every row when None)."""
    return "TRUE" if event is None else f"event = {_text(event)}"


def _nanoseconds(duration) -> int:
    return int(pd.Timedelta(duration).value)


def _start(period: str, column: str = "timestamp") -> str:
    """The start of the calendar period (D, W from Monday, M) containing ``column``, as a TIMESTAMP."""
    return f"CAST(date_trunc('{UNIT[period]}', {column}) AS TIMESTAMP)"


def _between(period: str, start: str, end: str) -> str:
    """Whole periods from the period start ``start`` to the period start ``end``."""
    if period == "M":
        return f"datediff('month', {start}, {end})"
    days = f"datediff('day', {start}, {end})"
    return f"({days} // 7)" if period == "W" else days


def _after(period: str, start: str, k: str) -> str:
    """The start of the period ``k`` periods after the period start ``start``."""
    return f"CAST({start} + to_{UNIT[period]}s(CAST({k} AS INTEGER)) AS TIMESTAMP)"


def _segments(by: str | None, order: str, where: str = "TRUE") -> str:
    """The CTE ``seg``: each user's ``by`` value on their first row meeting ``where`` (one missing value without
    ``by``); join it with :func:`_with_segment`."""
    if by is None:
        return "seg AS (SELECT NULL AS segment)"
    return f"seg AS (SELECT user_id, first({_name(by)} ORDER BY {order}) AS segment FROM {VIEW} WHERE {where} " \
           f"GROUP BY user_id)"


def _with_segment(by: str | None) -> str:
    """The join that gives each row of a table with ``user_id`` its segment from :func:`_segments`."""
    return "JOIN seg USING (user_id)" if by else "CROSS JOIN seg"


def _named(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Name the ``segment`` column after ``by``, or drop it without one."""
    return frame.rename(columns={"segment": by}) if by else frame.drop(columns="segment")


def _integers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].astype("int64")
    return frame


def _bounds(con: duckdb.DuckDBPyConnection) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and the last time of the whole log."""
    first, last = con.execute(f"SELECT min(timestamp), max(timestamp) FROM {VIEW}").fetchall()[0]
    return pd.Timestamp(first), pd.Timestamp(last)


def _at(moment: pd.Timestamp) -> str:
    return f"TIMESTAMP '{moment.isoformat(sep=' ')}'"


def duckdb_sessionize(events, timeout="30min", con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Sessions by inactivity, as ``jk.sessionize(events, timeout=...)``.

    A session starts with a user's first event and with every event more than ``timeout`` after the user's
    previous event, and is named ``"<user_id>#<n>"`` (n = 1, 2, ... per user). Returns every column of the
    events, and ``session``, with the rows in the kit's order (user, time, event name, then the other columns,
    missing values last). Covers ``timeout``.
    """
    gap = _nanoseconds(timeout)
    with _events(events, con) as (con, _, order):
        sql = f"""
        WITH flagged AS (
            SELECT *, coalesce(epoch_ns(timestamp) - epoch_ns(lag(timestamp) OVER by_time) > {gap}, TRUE) AS opens
            FROM {VIEW} WINDOW by_time AS (PARTITION BY user_id ORDER BY timestamp))
        SELECT * EXCLUDE (opens), user_id || '#' || CAST(count(*) FILTER (WHERE opens) OVER (
            PARTITION BY user_id ORDER BY timestamp RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS VARCHAR)
            AS session
        FROM flagged ORDER BY user_id, {order}
        """
        return _frame(con, sql)


def duckdb_web_analytics(events, by: str | None = "channel", session_col: str | None = "session_id",
                         timeout="30min", entry_events=None,
                         con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Sessions, visitors, bounce rate and events per session, as ``jk.web_analytics``.

    A session is one user's rows with one value of ``session_col`` (rows without a value are left out) or, when
    the log has no such column (or ``session_col`` is None), a session by inactivity of ``timeout`` (see
    :func:`duckdb_sessionize`). A session belongs to the ``by`` value of its first event in the kit's order, and
    counts only when that event is one of ``entry_events`` (when given). Per ``by`` value (one row with
    ``by=None``): ``sessions``, ``visitors`` (distinct users with a session), ``bounce_rate`` (share of sessions
    of one event) and ``events_per_session`` (mean events). Covers every parameter.
    """
    with _events(events, con) as (con, columns, order):
        if session_col is not None and session_col in columns:
            rows = f"SELECT *, {_name(session_col)} AS sid FROM {VIEW} WHERE {_name(session_col)} IS NOT NULL"
        else:
            rows = f"""
            SELECT *, count(*) FILTER (WHERE opens) OVER (PARTITION BY user_id ORDER BY timestamp) AS sid
            FROM (SELECT *, coalesce(epoch_ns(timestamp) - epoch_ns(lag(timestamp) OVER by_time)
                                     > {_nanoseconds(timeout)}, TRUE) AS opens
                  FROM {VIEW} WINDOW by_time AS (PARTITION BY user_id ORDER BY timestamp))"""
        segment = f"first({_name(by)} ORDER BY {order})" if by else "NULL"
        entry = "NULL" if entry_events is None else f"first(event ORDER BY {order})"
        keep = "TRUE" if entry_events is None else f"entry IN ({', '.join(_text(e) for e in entry_events)})"
        sql = f"""
        WITH sessions AS (SELECT user_id, sid, {segment} AS segment, {entry} AS entry, count(*) AS n
                          FROM ({rows}) GROUP BY user_id, sid)
        SELECT segment, count(*) AS sessions, count(DISTINCT user_id) AS visitors,
               avg(CASE WHEN n = 1 THEN 1.0 ELSE 0.0 END) AS bounce_rate, avg(n) AS events_per_session
        FROM sessions WHERE {keep} GROUP BY segment ORDER BY segment NULLS LAST
        """
        return _named(_frame(con, sql), by)


def duckdb_stickiness(events, period: str = "W", activity_event: str | None = None, by: str | None = None,
                      con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The distribution of active days per week or month, as ``jk.stickiness``.

    A user is active on a calendar day with an ``activity_event`` (any event when None). For every period (week
    from Monday, or calendar month) with active users, and every number of days d from 1 to the period's length:
    ``users`` active on exactly d days of it, their ``share`` of the period's ``active_users``, and ``complete``
    (False for the period of the log's last timestamp, and for the period of its first one unless that falls on
    the period's first day). With ``by`` (the value on the user's first activity), per segment, as the first
    column: a segment has the periods in which it has active users. Covers every parameter.
    """
    with _events(events, con) as (con, _, order):
        first, last = _bounds(con)
        first_period = _start(period, _at(first))
        length = "7" if period == "W" else "datediff('day', p, p + INTERVAL 1 MONTH)"
        sql = f"""
        WITH days AS (SELECT DISTINCT user_id, CAST(timestamp AS DATE) AS d FROM {VIEW}
                      WHERE {_only(activity_event)}),
        {_segments(by, order, _only(activity_event))},
        per_user AS (SELECT user_id, {_start(period, 'd')} AS p, count(*) AS k FROM days GROUP BY ALL),
        counts AS (SELECT segment, p, k, count(*) AS users FROM per_user {_with_segment(by)} GROUP BY ALL),
        grid AS (SELECT segment, p, unnest(range(1, {length} + 1)) AS k FROM (SELECT DISTINCT segment, p FROM counts))
        SELECT grid.segment, grid.p AS period, grid.k AS active_days, coalesce(counts.users, 0) AS users,
               coalesce(counts.users, 0) / sum(coalesce(counts.users, 0)) OVER periods AS share,
               CAST(sum(coalesce(counts.users, 0)) OVER periods AS BIGINT) AS active_users,
               grid.p <> {_start(period, _at(last))}
                   AND (grid.p <> {first_period} OR {_start('D', _at(first))} = {first_period}) AS complete
        FROM grid LEFT JOIN counts ON counts.segment IS NOT DISTINCT FROM grid.segment AND counts.p = grid.p
                                  AND counts.k = grid.k
        WINDOW periods AS (PARTITION BY grid.segment, grid.p)
        ORDER BY grid.segment NULLS LAST, grid.p, grid.k
        """
        return _named(_frame(con, sql), by)


def _covered(width: int) -> str:
    """Per day, the users active in the ``width`` days ending that day, from ``runs(user_id, d, prev)``.

    A user active on day d (their previous active day ``prev``) is counted on the days max(d, prev + width) up to
    d + width - 1: the starts (+1) and ends (-1) of those runs, summed in day order, count each user once a day.
    """
    fresh = f"prev IS NULL OR prev + {width} <= d + {width - 1}"
    return f"""(
        SELECT day, CAST(sum(sum(delta)) OVER (ORDER BY day) AS BIGINT) AS users FROM (
            SELECT CASE WHEN prev IS NULL THEN d ELSE greatest(d, prev + {width}) END AS day, 1 AS delta
            FROM runs WHERE {fresh}
            UNION ALL
            SELECT d + {width} AS day, -1 AS delta FROM runs WHERE {fresh})
        GROUP BY day)"""


def duckdb_active_users(events, activity_event: str | None = None,
                        con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Daily, weekly and monthly active users, as ``jk.active_users``.

    For every calendar day from the log's first to its last: ``dau`` (users with an ``activity_event``, any event
    when None, that day), ``wau`` and ``mau`` (users with one in the 7 and in the 30 days ending that day), the
    ratios ``dau_mau``, ``dau_wau`` and ``wau_mau`` (missing where the denominator is 0), and ``full_window``
    (the 30 days ending that day all lie on or after the log's first day). Covers ``activity_event``.
    """
    with _events(events, con) as (con, _, order):
        first, last = (moment.normalize() for moment in _bounds(con))
        sql = f"""
        WITH days AS (SELECT DISTINCT user_id, datediff('day', DATE '1970-01-01', CAST(timestamp AS DATE)) AS d
                      FROM {VIEW} WHERE {_only(activity_event)}),
        runs AS (SELECT d, lag(d) OVER (PARTITION BY user_id ORDER BY d) AS prev FROM days),
        grid AS (SELECT unnest(range({(first - pd.Timestamp(0)).days}, {(last - pd.Timestamp(0)).days} + 1)) AS day),
        dau AS (SELECT d AS day, count(*) AS users FROM days GROUP BY d),
        wau AS {_covered(7)},
        mau AS {_covered(30)},
        joined AS (
            SELECT grid.day, coalesce(dau.users, 0) AS dau, coalesce(wau.users, 0) AS wau,
                   coalesce(mau.users, 0) AS mau
            FROM grid LEFT JOIN dau ON dau.day = grid.day
            ASOF LEFT JOIN wau ON wau.day <= grid.day
            ASOF LEFT JOIN mau ON mau.day <= grid.day)
        SELECT CAST(DATE '1970-01-01' + CAST(day AS INTEGER) AS TIMESTAMP) AS date, dau, wau, mau,
               dau / nullif(mau, 0) AS dau_mau, dau / nullif(wau, 0) AS dau_wau, wau / nullif(mau, 0) AS wau_mau,
               day - 29 >= {(first - pd.Timestamp(0)).days} AS full_window
        FROM joined ORDER BY day
        """
        out = _frame(con, sql)
    for column in ("dau_mau", "dau_wau", "wau_mau"):
        out[column] = out[column].astype("float64")
    return out


def duckdb_churn_rate(events, threshold="90D", as_of=None, by: str | None = None, activity_event: str | None = None,
                      con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Churn, as ``jk.churn_rate``.

    Judged at ``as_of`` (the log's last timestamp by default) on the events at or before it: a user is eligible
    when their first ``activity_event`` (any event when None) is at least ``threshold`` before ``as_of``, and has
    churned when their last one is more than ``threshold`` before it. ``users`` (eligible), ``churned`` and
    ``churn_rate``; with ``by`` (the value on the user's first event of any kind, as the kit's docstring says),
    per segment, as the first column. Covers every parameter.
    """
    gap = _nanoseconds(threshold)
    with _events(events, con) as (con, _, order):
        moment = _at(_bounds(con)[1] if as_of is None else pd.Timestamp(as_of))
        segment = f"first({_name(by)} ORDER BY {order})" if by else "NULL"
        active = _only(activity_event)
        sql = f"""
        WITH per_user AS (
            SELECT user_id, {segment} AS segment,
                   min(timestamp) FILTER (WHERE {active}) AS first_t, max(timestamp) FILTER (WHERE {active}) AS last_t
            FROM {VIEW} WHERE timestamp <= {moment} GROUP BY user_id)
        SELECT segment, count(*) AS users,
               count(*) FILTER (WHERE epoch_ns({moment}) - epoch_ns(last_t) > {gap}) AS churned
        FROM per_user WHERE epoch_ns({moment}) - epoch_ns(first_t) >= {gap}
        GROUP BY segment ORDER BY segment NULLS LAST
        """
        out = _frame(con, sql)
    out["churn_rate"] = out["churned"] / out["users"]
    return _named(out, by)


def duckdb_lifecycle(events, period: str = "M", activity_event: str | None = None,
                     con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """New, returning, resurrected and dormant users per period, as ``jk.lifecycle``.

    A user is active in a calendar period (day, week from Monday, month) with an ``activity_event`` (any event when
    None) in it. For every period p from the first with activity to the period of the log's last timestamp:
    **new** (active in p, their first active period), **returning** (active in p and p - 1), **resurrected**
    (active in p, not in p - 1, active before) and **dormant** (active in p - 1, not in p). Rows ``period``,
    ``status``, ``users``, the statuses in that order. Covers ``period`` and ``activity_event``.
    """
    with _events(events, con) as (con, _, order):
        last = _start(period, _at(_bounds(con)[1]))
        labels = "[" + ", ".join(_text(status) for status in STATUSES) + "]"
        sql = f"""
        WITH active AS (SELECT DISTINCT user_id, {_start(period)} AS p FROM {VIEW} WHERE {_only(activity_event)}),
        origin AS (SELECT min(p) AS p0, {_between(period, 'min(p)', last)} AS n FROM active),
        numbered AS (SELECT user_id, {_between(period, 'p0', 'p')} AS i FROM active, origin),
        marked AS (SELECT i, lag(i) OVER by_user AS prev, lead(i) OVER by_user AS next FROM numbered
                   WINDOW by_user AS (PARTITION BY user_id ORDER BY i)),
        statuses AS (
            SELECT i, CASE WHEN prev IS NULL THEN 0 WHEN prev = i - 1 THEN 1 ELSE 2 END AS status FROM marked
            UNION ALL
            SELECT i + 1, 3 FROM marked, origin WHERE (next IS NULL OR next > i + 1) AND i < origin.n),
        counts AS (SELECT i, status, count(*) AS users FROM statuses GROUP BY ALL)
        SELECT {_after(period, 'p0', 'grid.i')} AS period, {labels}[s.status + 1] AS status,
               coalesce(counts.users, 0) AS users
        FROM origin CROSS JOIN range(0, origin.n + 1) grid(i) CROSS JOIN range(0, 4) s(status)
        LEFT JOIN counts ON counts.i = grid.i AND counts.status = s.status
        ORDER BY grid.i, s.status
        """
        return _integers(_frame(con, sql), ["users"])


def _wilson(retained: np.ndarray, entrants: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of retained / entrants at ``level`` (missing without entrants)."""
    n, k = entrants.astype(float), retained.astype(float)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def duckdb_bracket_retention(events, brackets=(1, (2, 7), (8, 30), (31, 90)), cohort_event: str | None = None,
                             return_event: str | None = None, start: str = "first", by: str | None = None,
                             level: float = 0.95, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """N-day and bracket retention, as ``jk.bracket_retention``.

    An entrant is a user on the calendar day of their first ``cohort_event`` (``start="first"``) or on every day
    with one (``start="every"``); any event when None. For a bracket of days a to b after that day: the entrant
    counts when day + b is before the log's last day (else it is ``pending``) and is retained with a
    ``return_event`` (any event when None) on a day from day + a to day + b. Per bracket, in the given order:
    ``bracket`` ("day a" or "days a-b"), ``first_day``, ``last_day``, ``entrants``, ``retained``, ``retention``,
    the Wilson interval at ``level`` (``ci_low``, ``ci_high``) and ``pending``; with ``by`` (the value on the
    user's first cohort event), per segment as the first column, each segment's brackets by first day. Covers
    every parameter.
    """
    pairs = [(int(b), int(b)) if np.isscalar(b) else (int(b[0]), int(b[1])) for b in brackets]
    table = ", ".join(f"({i}, {a}, {b})" for i, (a, b) in enumerate(pairs))
    with _events(events, con) as (con, _, order):
        last = _bounds(con)[1].date().isoformat()
        first_day = "min(CAST(timestamp AS DATE))" if start == "first" else "CAST(timestamp AS DATE)"
        grouping = "GROUP BY user_id" if start == "first" else "GROUP BY ALL"
        sql = f"""
        WITH starts AS (SELECT user_id, {first_day} AS d FROM {VIEW} WHERE {_only(cohort_event)} {grouping}),
        returns AS (SELECT DISTINCT user_id, CAST(timestamp AS DATE) AS d FROM {VIEW} WHERE {_only(return_event)}),
        {_segments(by, order, _only(cohort_event))},
        brackets(i, a, b) AS (VALUES {table}),
        tries AS (SELECT starts.user_id, starts.d, brackets.*, starts.d + brackets.a AS from_d,
                         starts.d + brackets.b < DATE '{last}' AS closed
                  FROM starts CROSS JOIN brackets),
        found AS (SELECT tries.*, returns.d AS back FROM tries
                  ASOF LEFT JOIN returns ON returns.user_id = tries.user_id AND returns.d >= tries.from_d)
        SELECT seg.segment, found.i, any_value(found.a) AS first_day, any_value(found.b) AS last_day,
               count(*) FILTER (WHERE closed) AS entrants,
               count(*) FILTER (WHERE closed AND back <= found.d + found.b) AS retained,
               count(*) FILTER (WHERE NOT closed) AS pending
        FROM found {_with_segment(by)}
        GROUP BY seg.segment, found.i
        ORDER BY seg.segment NULLS LAST, {'first_day, ' if by else ''}found.i
        """
        out = _integers(_frame(con, sql), ["first_day", "last_day"])
    out.insert(1, "bracket", [f"day {a}" if a == b else f"days {a}-{b}" for a, b in zip(out.first_day, out.last_day)])
    out["retention"] = out["retained"] / out["entrants"].where(out["entrants"] > 0)
    out["ci_low"], out["ci_high"] = _wilson(out["retained"].to_numpy(), out["entrants"].to_numpy(), level)
    out = out[["segment", "bracket", "first_day", "last_day", "entrants", "retained", "retention", "ci_low",
               "ci_high", "pending"]]
    return _named(out, by)


def duckdb_cohort_retention(events, period: str = "M", cohort_event: str | None = None,
                            return_event: str | None = None, unbounded: bool = False, by: str | None = None,
                            con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Cohort retention, the full table of ``jk.cohort_retention``.

    A user's cohort is the calendar period (day, week from Monday, month) of their first ``cohort_event`` (any
    event when None); they are retained at offset k with a ``return_event`` (any event when None) in period
    cohort + k (with ``unbounded``, in that period or a later one). Offsets run from 0 to the period of the log's
    last timestamp. Per cohort and offset: ``cohort``, ``period`` (the offset), ``cohort_size``, ``retained``,
    ``retention`` and ``complete`` (False at the period of the last timestamp); with ``by`` (the value on the
    user's first cohort event), per segment as the first column, each with its own cohorts. Covers every
    parameter.
    """
    with _events(events, con) as (con, _, order):
        last = _start(period, _at(_bounds(con)[1]))
        reached = "max(i) AS i" if unbounded else "i"
        grouped = "GROUP BY user_id" if unbounded else ""
        retained = "coalesce(returns.n, 0)"  # with unbounded: the users whose furthest return is at k or later
        if unbounded:
            retained = f"CAST(sum({retained}) OVER (PARTITION BY grid.segment, grid.c ORDER BY grid.i DESC) AS BIGINT)"
        sql = f"""
        WITH periods AS (SELECT user_id, {_start(period)} AS p, bool_or({_only(cohort_event)}) AS starts,
                                bool_or({_only(return_event)}) AS comes_back
                         FROM {VIEW} GROUP BY ALL),
        cohorts AS (SELECT user_id, min(p) AS c FROM periods WHERE starts GROUP BY user_id),
        {_segments(by, order, _only(cohort_event))},
        offsets AS (SELECT user_id, {_between(period, 'c', 'p')} AS i FROM periods JOIN cohorts USING (user_id)
                    WHERE comes_back AND p >= c),
        returns AS (SELECT segment, c, i, count(*) AS n
                    FROM (SELECT user_id, {reached} FROM offsets {grouped}) JOIN cohorts USING (user_id)
                    {_with_segment(by)} GROUP BY ALL),
        sizes AS (SELECT segment, c, count(*) AS cohort_size FROM cohorts {_with_segment(by)} GROUP BY ALL),
        grid AS (SELECT segment, c, cohort_size, unnest(range(0, {_between(period, 'c', last)} + 1)) AS i
                 FROM sizes)
        SELECT grid.segment, grid.c AS cohort, grid.i AS period, grid.cohort_size, {retained} AS retained,
               {_after(period, 'grid.c', 'grid.i')} < {last} AS complete
        FROM grid LEFT JOIN returns ON returns.segment IS NOT DISTINCT FROM grid.segment AND returns.c = grid.c
                                   AND returns.i = grid.i
        ORDER BY grid.segment NULLS LAST, cohort, period
        """
        out = _frame(con, sql)
    out.insert(5, "retention", out["retained"] / out["cohort_size"])
    return _named(out, by)


def _without_sessions(events: pd.DataFrame) -> pd.DataFrame:
    """The log without its session ids, so that sessions are derived by inactivity."""
    return events.drop(columns="session_id")


def _case(name: str, function: str, prepare=None, **options) -> Case:
    """A case calling ``jk.<function>`` and ``duckdb_<function>`` with the same options."""
    shown = "".join(f", {key}={value!r}" for key, value in options.items())
    kit, sql = getattr(jk, function), globals()[f"duckdb_{function}"]
    extra = {} if prepare is None else {"prepare": prepare}
    return Case(name=name, call=f"jk.{function}(events{shown})", kit=lambda data: kit(data, **options),
                sql=lambda data, con: sql(data, con=con, **options), **extra)


CASES = [
    _case("sessionize", "sessionize"),
    _case("web_analytics", "web_analytics"),
    _case("web_analytics_visits_by_device", "web_analytics", by="device", entry_events=["visit"]),
    _case("web_analytics_derived_sessions", "web_analytics", prepare=_without_sessions, by=None, timeout="30min"),
    _case("stickiness", "stickiness"),
    _case("stickiness_month_buyers_by_device", "stickiness", period="M", activity_event="purchase", by="device"),
    _case("active_users", "active_users"),
    _case("active_users_buyers", "active_users", activity_event="purchase"),
    _case("churn_rate", "churn_rate"),
    _case("churn_rate_30d_by_channel", "churn_rate", threshold="30D", by="channel"),
    _case("churn_rate_buyers_as_of", "churn_rate", threshold="60D", as_of="2026-01-01", activity_event="purchase"),
    _case("lifecycle", "lifecycle"),
    _case("lifecycle_week_buyers", "lifecycle", period="W", activity_event="purchase"),
    _case("lifecycle_day", "lifecycle", period="D"),
    _case("bracket_retention", "bracket_retention"),
    _case("bracket_retention_every_visit_to_purchase_by_device", "bracket_retention", start="every",
          cohort_event="visit", return_event="purchase", by="device", brackets=[1, (2, 7), (8, 30)]),
    _case("cohort_retention_week", "cohort_retention", period="W"),
    _case("cohort_retention_day", "cohort_retention", period="D"),
    _case("cohort_retention_buyers_by_channel", "cohort_retention", cohort_event="purchase",
          return_event="purchase", by="channel"),
    _case("cohort_retention_week_unbounded_to_purchase", "cohort_retention", period="W", return_event="purchase",
          unbounded=True),
]
"""The benchmark cases of this module: options that make sense on a log of ``benchmarks/generate_log.py``."""
