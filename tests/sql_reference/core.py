"""Shared plumbing (binding a table, the kit's tie order) and the first definitions: funnel, cohort retention,
first touch and top paths."""

from __future__ import annotations

import duckdb
import pandas as pd


def _bind(con: duckdb.DuckDBPyConnection, events) -> bool:
    """Make ``events`` (a DataFrame, or a Parquet path or glob) the view ``events``; True if it was registered."""
    if isinstance(events, pd.DataFrame):
        con.register("events", events)
        return True
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE OR REPLACE VIEW events AS SELECT * FROM read_parquet('{events}')")
    return False


def _tie_order(con: duckdb.DuckDBPyConnection) -> str:
    """ORDER BY keys of the kit's order of a user's events: time, event name, then every other column (nulls last).

    The columns come from ``DESCRIBE`` (no rows pass through pandas); categorical columns (DuckDB's ENUM) are
    compared as text, as the kit compares them, not in the order of their categories.
    """
    keys = ["timestamp", "event"]
    for name, kind, *_ in con.execute("DESCRIBE events").fetchall():
        if name not in ("user_id", "timestamp", "event"):
            quoted = '"' + name.replace('"', '""') + '"'
            keys.append(f"{quoted}::VARCHAR NULLS LAST" if kind.startswith("ENUM") else f"{quoted} NULLS LAST")
    return ", ".join(keys)


def duckdb_funnel(events: pd.DataFrame, steps: list[str], window=None,
                  con: duckdb.DuckDBPyConnection | None = None) -> list[int]:
    """Users reaching each step, by the funnel definition of ``jk.funnel``.

    From every occurrence of step 1, an ASOF join takes the earliest occurrence
    of the next step at or after the previous one (greedy matching is optimal
    for "t1 <= t2 <= ... <= tk"); a user's furthest step is the best over all
    starts, with ``tk - t1 <= window``. Step names must be distinct.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    limit = f"INTERVAL '{pd.Timedelta(window).total_seconds()} seconds'" if window else None
    ctes = [f"s1 AS (SELECT user_id, timestamp AS t1 FROM events WHERE event = '{steps[0]}')"]
    ctes += [f"e{i} AS (SELECT user_id, timestamp AS t FROM events WHERE event = '{name}')"
             for i, name in enumerate(steps[1:], start=2)]
    chain, joins = "SELECT s1.user_id, s1.t1", "FROM s1"
    for i in range(2, len(steps) + 1):
        previous = "s1.t1" if i == 2 else f"e{i - 1}.t"
        chain += f", e{i}.t AS t{i}"
        joins += f" ASOF LEFT JOIN e{i} ON e{i}.user_id = s1.user_id AND e{i}.t >= {previous}"
    reached = " + ".join(
        f"(CASE WHEN t{i} IS NOT NULL{f' AND t{i} - t1 <= {limit}' if limit else ''} THEN 1 ELSE 0 END)"
        for i in range(2, len(steps) + 1)) or "0"
    ctes += [f"attempts AS ({chain} {joins})",
             f"per_user AS (SELECT user_id, max(1 + {reached}) AS furthest FROM attempts GROUP BY user_id)"]
    counts = ", ".join(f"count(*) FILTER (WHERE furthest >= {k})" for k in range(1, len(steps) + 1))
    (row,) = con.execute(f"WITH {', '.join(ctes)} SELECT {counts} FROM per_user").fetchall()
    if registered:
        con.unregister("events")
    return [int(x) for x in row]


def duckdb_cohort_retention(events: pd.DataFrame, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Monthly cohort retention (any event starts a cohort and counts as a return), as ``jk.cohort_retention``.

    Returns cohort, period, cohort_size, retained, sorted by cohort and period.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    sql = """
    WITH ev AS (SELECT user_id, date_trunc('month', timestamp) AS p FROM events),
    cohorts AS (SELECT user_id, min(p) AS c FROM ev GROUP BY user_id),
    last_period AS (SELECT max(p) AS lp FROM ev),
    active AS (SELECT DISTINCT user_id, p FROM ev),
    sizes AS (SELECT c, count(*) AS cohort_size FROM cohorts GROUP BY c),
    returns AS (
        SELECT cohorts.c, datediff('month', cohorts.c, active.p) AS period, count(*) AS retained
        FROM active JOIN cohorts USING (user_id) WHERE active.p >= cohorts.c GROUP BY 1, 2),
    grid AS (
        SELECT c, unnest(range(0, datediff('month', c, lp) + 1)) AS period, cohort_size
        FROM sizes, last_period)
    SELECT grid.c AS cohort, grid.period, grid.cohort_size, coalesce(returns.retained, 0) AS retained
    FROM grid LEFT JOIN returns ON returns.c = grid.c AND returns.period = grid.period
    ORDER BY cohort, period
    """
    out = con.execute(sql).df()
    if registered:
        con.unregister("events")
    out["cohort"] = pd.to_datetime(out["cohort"]).astype("datetime64[ns]")
    for col in ("period", "cohort_size", "retained"):
        out[col] = out[col].astype("int64")
    return out


def duckdb_first_touch(events, purchase: str = "purchase", con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """First purchases credited by first touch, as ``jk.attribute(model="first_touch")``: {channel: purchases}.

    A buyer's touches are their events with a channel, other than the purchase, up to the time of their first
    purchase; the first touch is the earliest, ties broken by event name and then by the other columns in table
    order (missing values last). A buyer without a touch counts for '(no touch)'.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    order = _tie_order(con)
    sql = f"""
    WITH fp AS (SELECT user_id, min(timestamp) AS fp FROM events WHERE event = '{purchase}' GROUP BY user_id),
    touches AS (
        SELECT e.*, row_number() OVER (PARTITION BY e.user_id ORDER BY {order}) AS pos
        FROM events e JOIN fp ON e.user_id = fp.user_id
        WHERE e.timestamp <= fp.fp AND e.channel IS NOT NULL AND e.event <> '{purchase}')
    SELECT coalesce(t.channel, '(no touch)') AS channel, count(*) AS purchases
    FROM fp LEFT JOIN (SELECT user_id, channel FROM touches WHERE pos = 1) t ON t.user_id = fp.user_id
    GROUP BY 1 ORDER BY 1
    """
    rows = con.execute(sql).fetchall()
    if registered:
        con.unregister("events")
    return {channel: int(n) for channel, n in rows}


def duckdb_top_paths(events, top: int = 10, max_steps: int = 8, purchase: str = "purchase",
                     con: duckdb.DuckDBPyConnection | None = None) -> list[tuple[str, int]]:
    """The most common buyer paths with repeats merged, as ``jk.top_paths()``'s (path, users), most common first.

    A user's buyer journey is their events up to the time of their first purchase (all events if none), ordered by
    time, event name and then the other columns (missing values last); consecutive repeats count once; the first
    ``max_steps`` steps joined by " → ", with " → …" when there were more. Ties in users: by the steps in order.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    order = _tie_order(con)
    sql = f"""
    WITH fp AS (SELECT user_id, min(timestamp) AS fp FROM events WHERE event = '{purchase}' GROUP BY user_id),
    buyer AS (
        SELECT e.*, lag(e.event) OVER (PARTITION BY e.user_id ORDER BY {order}) AS previous
        FROM events e LEFT JOIN fp ON e.user_id = fp.user_id
        WHERE fp.fp IS NULL OR e.timestamp <= fp.fp),
    steps AS (
        SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY {order}) AS pos
        FROM buyer WHERE previous IS NULL OR previous <> event),
    paths AS (
        SELECT user_id, list(event ORDER BY pos) FILTER (WHERE pos <= {max_steps}) AS path, count(*) AS n
        FROM steps GROUP BY user_id)
    SELECT array_to_string(path, ' → ') || CASE WHEN n > {max_steps} THEN ' → …' ELSE '' END AS shown,
           count(*) AS users, path, n > {max_steps} AS cut
    FROM paths GROUP BY path, cut ORDER BY users DESC, path, cut LIMIT {top}
    """
    rows = con.execute(sql).fetchall()
    if registered:
        con.unregister("events")
    return [(shown, int(users)) for shown, users, _, _ in rows]
