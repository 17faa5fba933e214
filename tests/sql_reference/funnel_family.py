"""The funnel family: the full funnel table, each user's furthest step, the users who dropped, time to convert,
conversion by period of entry, conversion drivers and the paths after a drop.

Every reference here rests on one definition of a user's **counted attempt**, written once in SQL
(:func:`_best_ctes`). A user enters with any occurrence of step 1; an attempt starts at a moment with an occurrence
of step 1 and takes, for each next step, its earliest occurrence at the same moment as the previous step or later
(equal timestamps count as in order), an event serving at most one step (a name in two steps needs two
occurrences). Taking the earliest occurrence each time lets an attempt reach as far as any choice of occurrences
could (every later step can only come later). The attempt reaches step k while each step comes within ``window``
of step 1 and, with ``exclude``, no excluded event falls strictly between two consecutive steps of the attempt; with
``order="strict"`` no event of another step of the funnel may fall there either. A user's counted attempt is the one
reaching the furthest step, the earliest start among those; its step times are the ``t_k`` of the results. A
user's segment (``by``) is the value on their first step-1 event in the kit's order of events (time, event name,
then the other columns in table order, missing values last).

Steps are names or lists of names; step lists must be equal or share no name (two different lists with a name in
common are refused). ``order="any"``, ``same`` and ``segment_from`` are not covered. Times are compared to the
microsecond (DuckDB's precision for a registered frame); aware times are read in UTC, as the kit reads them.
"""

from __future__ import annotations

from statistics import NormalDist

import duckdb
import numpy as np
import pandas as pd

from sql_reference.compare import Case
from sql_reference.core import _bind

END = "(end)"


# ---------------------------------------------------------------------------
# Plumbing: quoting, steps, the connection
# ---------------------------------------------------------------------------


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _in(names) -> str:
    return ", ".join(_q(n) for n in sorted(set(names)))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _spec(steps) -> list[tuple[str, ...]]:
    """Each step as a tuple of names."""
    if isinstance(steps, str) or not steps:
        raise ValueError("steps must be a non-empty list of event names or of lists of names")
    return [(step,) if isinstance(step, str) else tuple(step) for step in steps]


def _labels(spec: list[tuple[str, ...]]) -> list[str]:
    """Step labels: a list step is "a | b"; a label shared by several steps gets " (step k)"."""
    labels = [" | ".join(step) for step in spec]
    return [f"{label} (step {k})" if labels.count(label) > 1 else label for k, label in enumerate(labels, start=1)]


def _order_by(con, alias: str | None = None) -> str:
    """ORDER BY keys of the kit's order of a user's events: time, event name, then every other column in table order
    (missing values last). The column names come from the cursor, so that no row is converted (aware times)."""
    columns = [d[0] for d in con.execute("SELECT * FROM events LIMIT 0").description
               if d[0] not in ("user_id", "timestamp", "event")]
    prefix = f"{alias}." if alias else ""
    return ", ".join([f"{prefix}timestamp", f"{prefix}event", *[f"{prefix}{_ident(c)} NULLS LAST" for c in columns]])


def _step_number(at, labels: list[str]) -> int:
    """``at`` as a 1-based step number: a label, a number, or -1 for the last step."""
    if isinstance(at, str):
        return labels.index(at) + 1
    return len(labels) if at == -1 else int(at)


def _interval(window) -> str | None:
    """``window`` as a DuckDB interval literal (microseconds), or None."""
    if window is None:
        return None
    return f"to_microseconds({pd.Timedelta(window) // pd.Timedelta(microseconds=1)}::BIGINT)"


def _open(events, con):
    """The connection, whether ``events`` was registered, and the CTE ``ev``: the events with naive UTC times."""
    con = con or duckdb.connect()
    registered = _bind(con, events)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE events)").fetchall())
    if "WITH TIME ZONE" in types["timestamp"]:
        ev = "ev AS (SELECT * REPLACE (timezone('UTC', timestamp) AS timestamp) FROM events)"
    else:
        ev = "ev AS (SELECT * FROM events)"
    return con, registered, ev


def _close(con, registered: bool) -> None:
    if registered:
        con.unregister("events")


# ---------------------------------------------------------------------------
# The counted attempt of every entering user
# ---------------------------------------------------------------------------


def _best_ctes(con, spec, window, by, order, exclude) -> list[str]:
    """CTEs ending in ``best``: one row per entering user with ``user_id``, ``seg`` (the ``by`` value, or NULL),
    ``furthest`` (1-based), ``t1`` … ``tK`` of the counted attempt (NULL beyond ``furthest``), ``first_t`` (their
    first step-1 event) and ``window_closed`` (converted, or their last step-1 event is at least one window before
    the end of the data).

    The CTE ``ev`` (the events) must come first in the query."""
    if order not in ("ordered", "strict"):
        raise NotImplementedError(f"order={order!r} is not covered by the SQL reference")
    k_steps = len(spec)
    sets = [frozenset(step) for step in spec]
    classes = list(dict.fromkeys(sets))  # distinct step lists
    if any(a != b and a & b for a in classes for b in classes):
        raise NotImplementedError("steps that share some names but not all are not covered")
    cls = [classes.index(s) for s in sets]
    repeated = {c for c in cls if cls.count(c) > 1}
    exclude = list(exclude or [])
    limit = _interval(window)
    funnel_names = set().union(*sets)
    ctes = []
    # occurrences of each step list: for a list used by several steps, numbered per user in time order, with the
    # first number at each moment (an attempt takes the next occurrence it has not used yet)
    for c, names in enumerate(classes):
        if c in repeated:
            ctes.append(f"o{c} AS (SELECT user_id, timestamp AS t, row_number() OVER (PARTITION BY user_id "
                        f"ORDER BY timestamp) AS i FROM ev WHERE event IN ({_in(names)}))")
            ctes.append(f"f{c} AS (SELECT user_id, t, min(i) AS i FROM o{c} GROUP BY user_id, t)")
        elif c != cls[0]:
            ctes.append(f"c{c} AS (SELECT user_id, timestamp AS t FROM ev WHERE event IN ({_in(names)}))")
    # what blocks the move from step k to step k + 1: an excluded event, or (strict) an event of another step
    blockers = {}
    for k in range(1, k_steps):
        # (an event of step k + 1 cannot fall between: step k + 1 is its first occurrence from step k on)
        names = set(exclude) | (funnel_names - sets[k - 1] - sets[k] if order == "strict" else set())
        if names:
            blockers[k] = names
    tables = {}
    for k, names in blockers.items():
        key = frozenset(names)
        if key not in tables:
            tables[key] = f"b{len(tables)}"
            ctes.append(f"{tables[key]} AS (SELECT user_id, timestamp AS t FROM ev WHERE event IN ({_in(names)}))")
    # an attempt starts at each moment with a step-1 event (events at one moment are one start: with a name used
    # by later steps too, the attempt starts with the first occurrence at that moment and can use the others)
    c1 = cls[0]
    if c1 in repeated:
        starts = f"SELECT user_id, t AS t1, i AS i1 FROM f{c1}"
    else:
        starts = f"SELECT DISTINCT user_id, timestamp AS t1 FROM ev WHERE event IN ({_in(classes[c1])})"
    if limit is None and not blockers:
        # without a window or blockers the earliest start reaches at least as far as any later one
        starts = f"SELECT user_id, min(t1) AS t1{', min(i1) AS i1' if c1 in repeated else ''} FROM ({starts}) " \
                 "GROUP BY user_id"
    ctes.append(f"starts AS ({starts})")
    time = {1: "s.t1"}
    index = {c1: "s.i1"} if c1 in repeated else {}
    joins, oks = ["FROM starts s"], []
    for k in range(2, k_steps + 1):
        c, previous = cls[k - 1], time[k - 1]
        if c in repeated:
            lower = f"y{k}.i" if c not in index else \
                f"CASE WHEN y{k}.i IS NOT NULL THEN greatest(y{k}.i, {index[c]} + 1) END"
            joins.append(f"ASOF LEFT JOIN f{c} y{k} ON y{k}.user_id = s.user_id AND y{k}.t >= {previous}")
            joins.append(f"LEFT JOIN o{c} x{k} ON x{k}.user_id = s.user_id AND x{k}.i = {lower}")
            index[c] = f"x{k}.i"
        else:
            joins.append(f"ASOF LEFT JOIN c{c} x{k} ON x{k}.user_id = s.user_id AND x{k}.t >= {previous}")
        time[k] = f"x{k}.t"
        conditions = [f"{time[k]} IS NOT NULL"]
        if limit is not None:
            conditions.append(f"{time[k]} <= s.t1 + {limit}")
        if k - 1 in blockers:
            table = tables[frozenset(blockers[k - 1])]
            joins.append(f"ASOF LEFT JOIN {table} z{k} ON z{k}.user_id = s.user_id AND z{k}.t > {previous}")
            conditions.append(f"(z{k}.t IS NULL OR z{k}.t >= {time[k]})")
        oks.append(f"WHEN NOT coalesce({' AND '.join(conditions)}, false) THEN {k - 1}")
    furthest = f"CASE {' '.join(oks)} ELSE {k_steps} END" if oks else "1"
    step_times = "".join(f", {time[k]} AS t{k}" for k in range(2, k_steps + 1))
    ctes.append(f"attempts AS (SELECT s.user_id, s.t1{', s.i1' if c1 in repeated else ''}{step_times}, "
                f"{furthest} AS furthest {' '.join(joins)})")
    ctes.append("counted AS (SELECT * FROM attempts QUALIFY row_number() OVER (PARTITION BY user_id "
                f"ORDER BY furthest DESC, t1{', i1' if c1 in repeated else ''}) = 1)")
    ctes.append(f"entry AS (SELECT user_id, min(timestamp) AS first_t, max(timestamp) AS last_t FROM ev "
                f"WHERE event IN ({_in(classes[c1])}) GROUP BY user_id)")
    if by is not None:
        # the first step-1 event: at the user's first step-1 moment, the first in the kit's order
        ctes.append(f"seg AS (SELECT v.user_id, v.{_ident(by)} AS seg FROM ev v JOIN entry n ON n.user_id = v.user_id "
                    f"AND v.timestamp = n.first_t WHERE v.event IN ({_in(classes[c1])}) "
                    f"QUALIFY row_number() OVER (PARTITION BY v.user_id ORDER BY {_order_by(con, 'v')}) = 1)")
    closed = f"c.furthest = {k_steps}" if limit is None else \
        f"c.furthest = {k_steps} OR e.last_t + {limit} <= (SELECT max(timestamp) FROM ev)"
    times = ", ".join(f"CASE WHEN c.furthest >= {k} THEN c.t{k} END AS t{k}" for k in range(1, k_steps + 1))
    ctes.append(f"best AS (SELECT c.user_id, {'g.seg' if by is not None else 'NULL'} AS seg, c.furthest, {times}, "
                f"e.first_t, ({closed}) AS window_closed FROM counted c JOIN entry e ON e.user_id = c.user_id"
                f"{' LEFT JOIN seg g ON g.user_id = c.user_id' if by is not None else ''})")
    return ctes


def _run(events, steps, window, by, order, exclude, con, build):
    """Run the query ``build(con)`` returns as (CTEs, SELECT) after the CTEs of the counted attempts (``best``);
    returns (DataFrame, labels)."""
    spec = _spec(steps)
    con, registered, ev = _open(events, con)
    try:
        ctes, select = build(con)
        query = ", ".join([ev, *_best_ctes(con, spec, window, by, order, exclude), *ctes])
        out = con.execute(f"WITH {query} {select}").df()
    finally:
        _close(con, registered)
    return out, _labels(spec)


def _users_select(k_steps: int, where: str = "") -> str:
    """The per-user table of :func:`duckdb_funnel_users` from ``best`` (``where`` keeps some users)."""
    reached = "CASE furthest " + " ".join(f"WHEN {k} THEN t{k}" for k in range(1, k_steps + 1)) + " END"
    return (f"SELECT user_id, seg, furthest AS furthest_step, furthest = {k_steps} AS converted, t1 AS entered_at, "
            f"{reached} AS reached_at, window_closed FROM best {where} ORDER BY user_id")


def _user_frame(out: pd.DataFrame, labels: list[str], by: str | None) -> pd.DataFrame:
    """The step labels and the segment's name added to that table."""
    out.insert(3, "furthest_step_label", np.asarray(labels, dtype=object)[out["furthest_step"].to_numpy() - 1])
    return out.rename(columns={"seg": by}) if by is not None else out.drop(columns="seg")


# ---------------------------------------------------------------------------
# The references
# ---------------------------------------------------------------------------

_PARAMETERS = """    events : DataFrame or str
        The event log, or a Parquet path or glob.
    steps : list of str or of lists of str
        The funnel's steps (lists must be equal or share no name).
    window : str or Timedelta{window}
        Longest time from step 1 to the last step reached (``"7D"``).
    order : {{"ordered", "strict"}}, default "ordered"
        Other events may come between steps; with "strict", no event of another step.
    exclude : list of str, optional
        Events that stop an attempt when they fall strictly between two consecutive steps."""


def duckdb_funnel(events, steps, window=None, by: str | None = None, order: str = "ordered", exclude=None,
                  con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The full funnel table, as ``jk.funnel`` (with segments when ``by`` is given).

    The users who reach step k are the entering users whose counted attempt (see the module notes) reaches step k
    or further. One row per segment (``by``: the value on a user's first step-1 event; segments sorted, a missing
    value last) and step: ``step`` (its label), ``users``, ``conversion_from_start`` (users / users at step 1),
    ``conversion_from_previous`` (users / users at the previous step; 1 at step 1) and ``drop_off`` (users lost
    since the previous step; 0 at step 1). Covers ``window``, ``by``, ``order`` "ordered" or "strict" and
    ``exclude``.

    Parameters
    ----------
{parameters}
    by : str, optional
        Segment column.
    con : DuckDBPyConnection, optional
        Where to run; a new in-memory connection by default.

    Returns
    -------
    DataFrame
        ``[by,] step, users, conversion_from_start, conversion_from_previous, drop_off``.
    """
    k_steps = len(_spec(steps))
    ctes = [
        "tally AS (SELECT seg, furthest, count(*) AS n FROM best GROUP BY ALL)",
        f"grid AS (SELECT s.seg, r.k FROM (SELECT DISTINCT seg FROM tally) s, range(1, {k_steps + 1}) r(k))",
        "reached AS (SELECT g.seg, g.k, coalesce(sum(t.n) FILTER (WHERE t.furthest >= g.k), 0) AS users "
        "FROM grid g LEFT JOIN tally t ON t.seg IS NOT DISTINCT FROM g.seg GROUP BY ALL)",
        "counts AS (SELECT seg, k, users, first_value(users) OVER w AS at_start, "
        "lag(users, 1, users) OVER w AS at_previous FROM reached WINDOW w AS (PARTITION BY seg ORDER BY k))"]
    select = ("SELECT seg, k, users, users / at_start AS conversion_from_start, "
              "users / at_previous AS conversion_from_previous, at_previous - users AS drop_off "
              "FROM counts ORDER BY seg NULLS LAST, k")
    out, labels = _run(events, steps, window, by, order, exclude, con, lambda _: (ctes, select))
    out.insert(1, "step", np.asarray(labels, dtype=object)[out.pop("k").to_numpy() - 1])
    return out.rename(columns={"seg": by}) if by is not None else out.drop(columns="seg")


def duckdb_funnel_users(events, steps, window=None, by: str | None = None, order: str = "ordered", exclude=None,
                        con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Each entering user's counted attempt, as ``jk.funnel_users``.

    One row per user with an occurrence of step 1, sorted by ``user_id``: the ``by`` segment (the value on their
    first step-1 event), ``furthest_step`` (the furthest step of any attempt), its label, ``converted`` (reached the
    last step), ``entered_at`` and ``reached_at`` (the times of step 1 and of the furthest step of the earliest
    attempt reaching it) and ``window_closed``: converted, or (with a window) their latest step-1 event is at least
    one window before the last event of the data; without a window only converters are closed. Covers ``window``,
    ``by``, ``order`` "ordered" or "strict" and ``exclude``.

    Parameters
    ----------
{parameters}
    by : str, optional
        Segment column.
    con : DuckDBPyConnection, optional
        Where to run; a new in-memory connection by default.

    Returns
    -------
    DataFrame
        ``user_id, [by,] furthest_step, furthest_step_label, converted, entered_at, reached_at, window_closed``.
    """
    select = _users_select(len(_spec(steps)))
    out, labels = _run(events, steps, window, by, order, exclude, con, lambda _: ([], select))
    return _user_frame(out, labels, by)


def duckdb_dropped_users(events, steps, at, window=None, by: str | None = None, order: str = "ordered",
                         exclude=None, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The users who reached the step before ``at`` but not ``at``, as ``jk.dropped_users``.

    The rows of :func:`duckdb_funnel_users` whose furthest step is the one just before ``at`` (a step label or
    number from 2), whether or not their window has closed. Covers ``window``, ``by``, ``order`` "ordered" or
    "strict" and ``exclude``.

    Parameters
    ----------
{parameters}
    at : int or str
        The step they did not reach: its number or label.
    by : str, optional
        Segment column.
    con : DuckDBPyConnection, optional
        Where to run; a new in-memory connection by default.

    Returns
    -------
    DataFrame
        The columns of :func:`duckdb_funnel_users`.
    """
    spec = _spec(steps)
    k = _step_number(at, _labels(spec))
    out, labels = _run(events, steps, window, by, order, exclude, con,
                       lambda _: ([], _users_select(len(spec), f"WHERE furthest = {k - 1}")))
    return _user_frame(out, labels, by)


def duckdb_time_to_convert(events, steps, window=None, by: str | None = None, order: str = "ordered",
                           exclude=None, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """How long each user took between consecutive steps, and from the first to the last, as ``jk.time_to_convert``.

    For each transition, steps 1 to 2, 2 to 3, … and then (with three steps or more) 1 to the last, one row per
    user whose counted attempt reached its later step, sorted by user: ``user_id``, the ``by`` segment,
    ``from_step``, ``to_step`` (labels), ``duration`` (the time between the two steps of the counted attempt) and
    ``hours``. Covers ``window``, ``by``, ``order`` "ordered" or "strict" and ``exclude``.

    Parameters
    ----------
{parameters}
    by : str, optional
        Segment column.
    con : DuckDBPyConnection, optional
        Where to run; a new in-memory connection by default.

    Returns
    -------
    DataFrame
        ``user_id, [by,] from_step, to_step, duration, hours``.
    """
    k_steps = len(_spec(steps))
    pairs = [(k, k + 1) for k in range(1, k_steps)] + ([(1, k_steps)] if k_steps > 2 else [])
    parts = " UNION ALL ".join(
        f"SELECT {n} AS pair, user_id, seg, {a} AS a, {b} AS b, epoch_ns(t{b}) - epoch_ns(t{a}) AS ns "
        f"FROM best WHERE furthest >= {b}" for n, (a, b) in enumerate(pairs))
    select = f"SELECT user_id, seg, a, b, ns FROM ({parts}) ORDER BY pair, user_id"
    out, labels = _run(events, steps, window, by, order, exclude, con, lambda _: ([], select))
    names = np.asarray(labels, dtype=object)
    frame = pd.DataFrame({"user_id": out["user_id"], "seg": out["seg"], "from_step": names[out["a"].to_numpy() - 1],
                          "to_step": names[out["b"].to_numpy() - 1],
                          "duration": pd.to_timedelta(out["ns"].to_numpy(dtype=np.int64), unit="ns"),
                          "hours": out["ns"].to_numpy(dtype=np.float64) / 3.6e12})
    return frame.rename(columns={"seg": by}) if by is not None else frame.drop(columns="seg")


_PERIODS = {"D": "day", "W": "week", "M": "month"}


def _wilson(successes: np.ndarray, trials: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of ``successes / trials``, clipped to [0, 1]."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    p = k / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def duckdb_funnel_trends(events, steps, window, period: str = "W", level: float = 0.95, order: str = "ordered",
                         exclude=None, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Conversion by the period users entered, as ``jk.funnel_trends``.

    Entrants are grouped by the day, the week from Monday or the calendar month (``period`` "D", "W", "M") of their
    first step-1 event; per period with entrants, in time order: ``period`` (its first moment), ``entrants``,
    ``converted`` (counted attempt reached the last step), ``conversion``, the Wilson interval ``ci_low`` /
    ``ci_high`` at ``level``, ``open_entrants`` (not converted and window not closed) and ``complete`` (no open
    entrant). Covers ``window`` (required), ``period``, ``level``, ``order`` "ordered" or "strict" and ``exclude``.

    Parameters
    ----------
{parameters}
    period : {{"D", "W", "M"}}, default "W"
        The period of entry.
    level : float, default 0.95
        Confidence level of the interval.
    con : DuckDBPyConnection, optional
        Where to run; a new in-memory connection by default.

    Returns
    -------
    DataFrame
        ``period, entrants, converted, conversion, ci_low, ci_high, open_entrants, complete``.
    """
    if window is None:
        raise ValueError("funnel_trends needs a window")
    k_steps = len(_spec(steps))
    select = (f"SELECT date_trunc('{_PERIODS[period]}', first_t) AS period, count(*) AS entrants, "
              f"count(*) FILTER (WHERE furthest = {k_steps}) AS converted, "
              f"count(*) FILTER (WHERE NOT window_closed AND furthest < {k_steps}) AS open_entrants "
              "FROM best GROUP BY 1 ORDER BY 1")
    out, _ = _run(events, steps, window, None, order, exclude, con, lambda _: ([], select))
    out["conversion"] = out["converted"] / out["entrants"]
    out["ci_low"], out["ci_high"] = _wilson(out["converted"].to_numpy(), out["entrants"].to_numpy(), level)
    out["complete"] = out["open_entrants"] == 0
    return out[["period", "entrants", "converted", "conversion", "ci_low", "ci_high", "open_entrants", "complete"]]


def duckdb_conversion_drivers(events, steps, window, at=-1, columns=None, min_sample: int = 30, level: float = 0.95,
                              order: str = "ordered", exclude=None,
                              con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Events and property values over- or under-represented among converters, as ``jk.conversion_drivers``.

    The population is the entering users whose counted attempt reached the step before ``at`` and whose window
    has closed (or who reached ``at``); **converted** means reaching ``at``. A user has an event when they did it,
    at any moment up to the time their counted attempt reached the step before ``at`` (that moment included,
    earlier history too), the funnel's own events aside; a user has a value of a column of ``columns`` when their
    first step-1 event (in the kit's order) carries it, a missing value being a value too. The table of users is
    SQL; for every feature with at least ``min_sample`` users with it and as many without, numpy gives the odds
    ratio of converting with it against without it and its Woolf interval at ``level`` (0.5 added to every cell
    of a table with an empty cell). Rows: events (by name), then each column's values (sorted, missing last), then
    sorted by the largest absolute log odds ratio, stably. Covers text columns in ``columns``, ``at``,
    ``min_sample``, ``level``, ``window`` (required), ``order`` "ordered" or "strict" and ``exclude``.

    Parameters
    ----------
{parameters}
    at : int or str, default -1
        The step whose conversion is explained (label, number from 2, or -1 for the last).
    columns : list of str, optional
        Context columns (text) whose values are compared.
    min_sample : int, default 30
        The fewest users with a feature, and without it, for the feature to be shown.
    level : float, default 0.95
        Confidence level of the intervals.
    con : DuckDBPyConnection, optional
        Where to run; a new in-memory connection by default.

    Returns
    -------
    DataFrame
        ``feature, value, users, conversion_with, conversion_without, odds_ratio, ci_low, ci_high, clear``.
    """
    if window is None:
        raise ValueError("conversion_drivers needs a window")
    spec = _spec(steps)
    k = _step_number(at, _labels(spec))
    columns = list(columns or [])
    names = {n for step in spec for n in step}

    def build(con):
        ctes = [f"pop AS (SELECT user_id, furthest >= {k} AS conv, t{k - 1} AS stop FROM best "
                f"WHERE furthest >= {k - 1} AND (window_closed OR furthest >= {k}))",
                "done AS (SELECT DISTINCT e.user_id, e.event, p.conv FROM ev e JOIN pop p ON p.user_id = e.user_id "
                f"WHERE e.timestamp <= p.stop AND e.event NOT IN ({_in(names)}))"]
        parts = ["SELECT -1 AS part, NULL AS feature, NULL AS value, count(*) AS users, "
                 "count(*) FILTER (WHERE conv) AS converted FROM pop",
                 "SELECT 0, 'event', event, count(*), count(*) FILTER (WHERE conv) FROM done GROUP BY event"]
        if columns:
            picked = ", ".join(f"CAST({_ident(c)} AS VARCHAR) AS v{j}" for j, c in enumerate(columns))
            ctes.append(f"firsts AS (SELECT e.user_id, {picked} FROM ev e SEMI JOIN pop p ON p.user_id = e.user_id "
                        f"WHERE e.event IN ({_in(spec[0])}) "
                        f"QUALIFY row_number() OVER (PARTITION BY e.user_id ORDER BY {_order_by(con)}) = 1)")
            parts += [f"SELECT {j + 1}, {_q(c)}, f.v{j}, count(*), count(*) FILTER (WHERE p.conv) "
                      f"FROM pop p JOIN firsts f ON f.user_id = p.user_id GROUP BY f.v{j}"
                      for j, c in enumerate(columns)]
        select = f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY part, value NULLS LAST"
        return ctes, select

    table, _ = _run(events, steps, window, None, order, exclude, con, build)
    n, yes = int(table["users"].iloc[0]), int(table["converted"].iloc[0])
    if yes in (0, n):
        raise ValueError(f"of {n} users, {yes} converted: nothing to compare")
    table = table.iloc[1:]
    table = table[(table["users"] >= min_sample) & (n - table["users"] >= min_sample)].reset_index(drop=True)
    users, conv = table["users"].to_numpy(dtype=float), table["converted"].to_numpy(dtype=float)
    a, b, c, d = conv, users - conv, yes - conv, (n - yes) - (users - conv)
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    a, b, c, d = (cell + 0.5 * zero for cell in (a, b, c, d))
    log_odds = np.log(a * d / (b * c))
    half = NormalDist().inv_cdf(0.5 + level / 2) * np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    out = pd.DataFrame({"feature": table["feature"], "value": table["value"], "users": table["users"],
                        "conversion_with": conv / users, "conversion_without": (yes - conv) / (n - users),
                        "odds_ratio": np.exp(log_odds), "ci_low": np.exp(log_odds - half),
                        "ci_high": np.exp(log_odds + half)})
    out["clear"] = (out["ci_low"] > 1) | (out["ci_high"] < 1)
    return out.iloc[np.argsort(-np.abs(np.log(out["odds_ratio"].to_numpy())), kind="stable")].reset_index(drop=True)


def duckdb_paths_after_drop(events, steps, at, window, after: int = 3, collapse: str = "repeats",
                            top: int | None = 20, order: str = "ordered", exclude=None,
                            con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """What users who stopped just before ``at`` did next, as ``jk.paths_after_drop``.

    The users are those whose counted attempt's furthest step is the one before ``at`` and whose window has
    closed. Each path starts at the event of that step in the counted attempt (the first event, in the kit's order
    of events, at that step's time with one of its names) and follows the user's next ``after`` events in the
    kit's order (time, event name, then the other columns, missing values last), consecutive identical events
    merged with ``collapse="repeats"``; a history that stops sooner ends with ``(end)``. One row per path, the
    most common first (ties by the steps in order, an empty step first), the ``top`` first: ``path`` (steps joined
    by " → "), ``users``, ``share`` (of those users) and ``step_0`` … ``step_<after>``. Covers ``after``,
    ``collapse``, ``top``, ``window`` (required), ``order`` "ordered" or "strict" and ``exclude``.

    Parameters
    ----------
{parameters}
    at : int or str
        The step they did not reach: its label or number (from 2).
    after : int, default 3
        How many events to follow.
    collapse : {{"repeats", "none"}}, default "repeats"
        Merge consecutive identical events, or keep every one.
    top : int or None, default 20
        How many paths to return; None for all.
    con : DuckDBPyConnection, optional
        Where to run; a new in-memory connection by default.

    Returns
    -------
    DataFrame
        ``path, users, share, step_0, …, step_<after>``.
    """
    if window is None:
        raise ValueError("paths_after_drop needs a window")
    spec = _spec(steps)
    k = _step_number(at, _labels(spec))
    steps_sql = [f"step_{j}" for j in range(after + 1)]

    def build(con):
        order_by = _order_by(con)
        new_run = "lag(event) OVER w IS DISTINCT FROM event" if collapse == "repeats" else "true"
        filled = ["first(event) FILTER (WHERE run = 0) AS step_0"]
        for j in range(1, after + 1):
            # the first missing step says the history ended; later ones stay empty
            filled.append(f"CASE WHEN count(*) FILTER (WHERE run = {j}) > 0 THEN first(event) FILTER (WHERE run = {j})"
                          f" WHEN max(run) = {j - 1} THEN '{END}' END AS step_{j}")
        ctes = [f"gone AS (SELECT user_id, t{k - 1} AS stop FROM best WHERE furthest = {k - 1} AND window_closed)",
                f"later AS (SELECT e.*, row_number() OVER (PARTITION BY e.user_id ORDER BY {order_by}) AS pos "
                "FROM ev e JOIN gone g ON g.user_id = e.user_id WHERE e.timestamp >= g.stop)",
                f"anchor AS (SELECT l.user_id, min(l.pos) AS pos FROM later l JOIN gone g ON g.user_id = l.user_id "
                f"WHERE l.timestamp = g.stop AND l.event IN ({_in(spec[k - 2])}) GROUP BY l.user_id)",
                f"marked AS (SELECT l.user_id, l.event, l.pos, CASE WHEN {new_run} THEN 1 ELSE 0 END AS new_run "
                "FROM later l JOIN anchor a ON a.user_id = l.user_id WHERE l.pos >= a.pos "
                "WINDOW w AS (PARTITION BY l.user_id ORDER BY l.pos))",
                "runs AS (SELECT user_id, event, sum(new_run) OVER (PARTITION BY user_id ORDER BY pos) - 1 AS run "
                "FROM marked)",
                f"paths AS (SELECT user_id, {', '.join(filled)} FROM runs WHERE run <= {after} GROUP BY user_id)"]
        keys = ", ".join(f"coalesce({s}, '')" for s in steps_sql)
        limit = "" if top is None else f" LIMIT {int(top)}"
        select = (f"SELECT concat_ws(' → ', {', '.join(steps_sql)}) AS path, count(*) AS users, "
                  f"count(*) / (SELECT count(*) FROM paths) AS share, {', '.join(steps_sql)} FROM paths "
                  f"GROUP BY {', '.join(steps_sql)} ORDER BY users DESC, {keys}{limit}")
        return ctes, select

    out, _ = _run(events, steps, window, None, order, exclude, con, build)
    if out.empty:
        raise ValueError(f"nobody stopped before step {k} with a closed window")
    return out


for _function in (duckdb_funnel, duckdb_funnel_users, duckdb_dropped_users, duckdb_time_to_convert):
    _function.__doc__ = _function.__doc__.format(parameters=_PARAMETERS.format(window=", optional"))
for _function in (duckdb_funnel_trends, duckdb_conversion_drivers, duckdb_paths_after_drop):
    _function.__doc__ = _function.__doc__.format(parameters=_PARAMETERS.format(window=""))


# ---------------------------------------------------------------------------
# Benchmark cases, on a log written by benchmarks/generate_log.py
# ---------------------------------------------------------------------------

BUY = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]
CHECKOUT = ["add_to_cart", "begin_checkout", "purchase"]


def _case(name: str, function: str, *args, **kwargs) -> Case:
    """``jk.<function>(events, *args, **kwargs)`` against ``duckdb_<function>`` with the same arguments."""
    shown = ", ".join(["events", *map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])

    def kit(events):
        import journeykit as jk

        return getattr(jk, function)(events, *args, **kwargs)

    def sql(events, con):
        return globals()[f"duckdb_{function}"](events, *args, **kwargs, con=con)

    return Case(name=name, call=f"jk.{function}({shown})", kit=kit, sql=sql)


CASES = [
    _case("funnel_table_by_device", "funnel", BUY, window="7D", by="device"),
    _case("funnel_table_strict", "funnel", ["visit", "view_product", "add_to_cart"], window="1h", order="strict"),
    _case("funnel_table_repeated_step", "funnel", ["view_product", "view_product", "add_to_cart", "purchase"],
          window="1D", by="channel"),
    _case("funnel_users_exclude", "funnel_users", CHECKOUT, window="1D", by="channel", exclude=["payment_failed"]),
    _case("funnel_users_any_of", "funnel_users", ["visit", ["search", "read_reviews"], "add_to_cart", "purchase"],
          window="7D"),
    _case("dropped_users_checkout", "dropped_users", CHECKOUT, "purchase", window="1D", by="device"),
    _case("time_to_convert_buy", "time_to_convert", BUY, window="7D", by="device"),
    _case("funnel_trends_weekly", "funnel_trends", ["view_product", "purchase"], window="1D", period="W"),
    _case("funnel_trends_monthly", "funnel_trends", BUY, window="7D", period="M", exclude=["payment_failed"]),
    _case("conversion_drivers_checkout", "conversion_drivers", CHECKOUT, window="1D", columns=["device", "channel"]),
    _case("paths_after_drop_checkout", "paths_after_drop", ["view_product", "add_to_cart", "begin_checkout",
                                                            "purchase"], "purchase", window="1D"),
    _case("paths_after_drop_cart", "paths_after_drop", BUY, "add_to_cart", window="1D", after=4, collapse="none",
          top=None),
]
