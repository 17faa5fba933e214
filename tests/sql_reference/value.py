"""Customer value and satisfaction: order summary, repeat purchase rate, RFM, historical CLV, the purchase history
of the CLV models, the journey comparison of segments, NPS and CSAT.

Every reference takes the table the kit function takes (an order table, an event log or a survey table: a
DataFrame, or a Parquet path or glob, bound as the view ``events`` by :func:`sql_reference.core._bind`) and returns
a DataFrame with the kit's columns and row order (see :func:`sql_reference.compare.assert_same`). Tables are taken
as validated: ids as text (or whole numbers, read as their digits), times as naive UTC or time-zone aware
(converted to naive UTC), revenue as numbers. Durations are fixed lengths (``"90D"``, a ``pd.Timedelta``); all
time arithmetic is in whole nanoseconds, so a bound is exact.
"""

from __future__ import annotations

from statistics import NormalDist

import duckdb
import numpy as np
import pandas as pd

import journeykit as jk
from sql_reference.compare import Case, orders_from, surveys_from
from sql_reference.core import _bind

DAY_NS = 86_400 * 10**9


def _ns(value) -> int:
    """A duration (``"90D"``, a Timedelta) in whole nanoseconds."""
    return int(pd.Timedelta(value).value)


def _attach(con: duckdb.DuckDBPyConnection, name: str, table) -> bool:
    """Make ``table`` (a DataFrame, or a Parquet path or glob) the view ``name``; True if it was registered."""
    if isinstance(table, pd.DataFrame):
        con.register(name, table)
        return True
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{table}')")
    return False


def _naive(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str:
    """SQL of ``column`` of ``table`` as naive UTC time (time-zone-aware times converted, naive ones as they are)."""
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
    return f"timezone('UTC', \"{column}\")" if "TIME ZONE" in types[column] else f'"{column}"'


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(f"SELECT * FROM {table} LIMIT 0").description]


def _order_rows(con: duckdb.DuckDBPyConnection, by: str | None, order_col: str, user_col: str, time_col: str,
                revenue_col: str, table: str = "events") -> str:
    """SELECT of the order table with canonical columns: order_id, user_id (text), ts (naive UTC), tn (ns), revenue
    and, with ``by``, seg."""
    ts = _naive(con, table, time_col)
    seg = f', "{by}" AS seg' if by else ""
    return (f'SELECT CAST("{order_col}" AS VARCHAR) AS order_id, CAST("{user_col}" AS VARCHAR) AS user_id, '
            f'{ts} AS ts, epoch_ns({ts}) AS tn, CAST("{revenue_col}" AS DOUBLE) AS revenue{seg} FROM {table}')


def _first_key(con: duckdb.DuckDBPyConnection) -> str:
    """A STRUCT of an event's sort keys in the kit's order (time, event name, then the other columns); the
    smallest is a user's first event (DuckDB compares structs field by field, a missing value after any other)."""
    others = [c for c in _columns(con, "events") if c not in ("user_id", "timestamp", "event")]
    fields = ["'k0': timestamp", "'k1': event", *(f"'k{i}': \"{c}\"" for i, c in enumerate(others, start=2))]
    return "{" + ", ".join(fields) + "}"


def _run(con: duckdb.DuckDBPyConnection, registered: bool, sql: str, name: str = "events") -> pd.DataFrame:
    try:
        return con.execute(sql).df()
    finally:
        if registered:
            con.unregister(name)


def _segment_sql(by: str | None) -> tuple[str, str, str]:
    """(select, group by, order by) fragments for an optional segment column ``seg`` shown as ``by``."""
    if not by:
        return "", "", ""
    return f'seg AS "{by}", ', "GROUP BY seg", "ORDER BY seg NULLS LAST"


# ---------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------


def duckdb_order_summary(events, by: str | None = None, order_col: str = "order_id", user_col: str = "user_id",
                         time_col: str = "timestamp", revenue_col: str = "revenue",
                         con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The headline numbers of an order table, as ``jk.order_summary``.

    ``events`` is the order table. Customers are the distinct ``user_id`` with an order; ``orders`` and
    ``revenue`` are totals; average order value = revenue / orders, purchase frequency = orders / customers,
    revenue per customer = revenue / customers, repeat customer share = share of customers with two orders or
    more. With ``by``, a customer belongs to the segment of their first order (earliest time, ties by order id,
    missing value included), one row per segment sorted by it (missing last). Covers ``by`` and the column names.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    first_seg = ", arg_min_null(seg, {'t': tn, 'o': order_id}) AS seg" if by else ""
    show, group, order = _segment_sql(by)
    sql = f"""
    WITH o AS ({_order_rows(con, by, order_col, user_col, time_col, revenue_col)}),
    c AS (SELECT user_id, count(*) AS n, fsum(revenue) AS revenue{first_seg} FROM o GROUP BY user_id)
    SELECT {show}count(*) AS customers, sum(n) AS orders, fsum(revenue) AS revenue,
           fsum(revenue) / sum(n) AS average_order_value, sum(n) / count(*) AS purchase_frequency,
           fsum(revenue) / count(*) AS revenue_per_customer, avg(CAST(n >= 2 AS DOUBLE)) AS repeat_customer_share
    FROM c {group} {order}
    """
    return _run(con, registered, sql)


def duckdb_repeat_purchase_rate(events, within="90D", by: str | None = None, order_col: str = "order_id",
                                user_col: str = "user_id", time_col: str = "timestamp", revenue_col: str = "revenue",
                                con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Share of new customers who order again within ``within`` of their first order, as ``jk.repeat_purchase_rate``.

    ``events`` is the order table. A customer's orders are ordered by time, ties by order id; the customer counts
    (``customers``) when their first order is at least ``within`` before the last order in the table, and repeats
    (``repeaters``) when their second order comes at most ``within`` after the first. ``repeat_rate`` =
    repeaters / customers; ``median_days_to_second_order`` is the median gap in days (fractional) among repeaters.
    With ``by``: one row per segment of the first order (missing last). Covers ``within``, ``by`` and the column
    names.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    limit = _ns(within)
    show, group, order = _segment_sql(by)
    seg = ", seg" if by else ""
    sql = f"""
    WITH o AS ({_order_rows(con, by, order_col, user_col, time_col, revenue_col)}),
    ranked AS (SELECT user_id, tn{seg}, row_number() OVER (PARTITION BY user_id ORDER BY tn, order_id) AS k FROM o),
    firsts AS (SELECT * FROM ranked WHERE k = 1),
    seconds AS (SELECT user_id, tn AS t2 FROM ranked WHERE k = 2),
    eligible AS (
        SELECT firsts.*, seconds.t2 - firsts.tn AS gap, (seconds.t2 - firsts.tn) <= {limit} AS repeater
        FROM firsts LEFT JOIN seconds USING (user_id)
        WHERE firsts.tn <= (SELECT max(tn) FROM o) - {limit})
    SELECT {show}count(*) AS customers, count(*) FILTER (WHERE repeater) AS repeaters,
           count(*) FILTER (WHERE repeater) / count(*) AS repeat_rate,
           median(gap / {DAY_NS}) FILTER (WHERE repeater) AS median_days_to_second_order
    FROM eligible {group} HAVING count(*) > 0 {order}
    """
    out = _run(con, registered, sql)
    out["median_days_to_second_order"] = out["median_days_to_second_order"].astype("float64")
    return out


def duckdb_rfm(events, as_of=None, order_col: str = "order_id", user_col: str = "user_id",
               time_col: str = "timestamp", revenue_col: str = "revenue",
               con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer with 1-5 scores and a segment, as ``jk.rfm``.

    ``events`` is the order table. Per customer (sorted by id): first and last order time, whole days from the
    last order to ``as_of`` (the last order in the table by default) and from the first to the last order, the
    number of orders and their revenue. Each score is 1 + floor(5 (rank - 1) / customers), where rank is the
    customer's position in ascending order of the value (recency: most recent highest) and tied customers share
    the lowest position of their group. The segment follows ``jk.RFM_SEGMENTS``: Champions R4-5 F4-5, Loyal R3
    F4-5, Potential loyalists R4-5 F2-3, New customers R4-5 F1, Needs attention R3 F1-3, At risk R1-2 F3-5,
    Hibernating R1-2 F1-2. Ties are ties of the numbers as summed (a total of decimal fractions can differ in
    its last bit with the order of addition). Covers ``as_of`` and the column names.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    moment = "(SELECT max(tn) FROM o)" if as_of is None else str(pd.Timestamp(as_of).as_unit("ns").value)
    sql = f"""
    WITH o AS ({_order_rows(con, None, order_col, user_col, time_col, revenue_col)}),
    m AS (SELECT {moment} AS moment),
    c AS (SELECT user_id, min(ts) AS first_order_at, max(ts) AS last_order_at, min(tn) AS t1, max(tn) AS t2,
                 count(*) AS orders, fsum(revenue) AS revenue
          FROM o GROUP BY user_id),
    d AS (SELECT c.*, (m.moment - t2) // {DAY_NS} AS days_since_last_order,
                 (t2 - t1) // {DAY_NS} AS days_between_first_and_last_order, count(*) OVER () AS n
          FROM c, m),
    s AS (SELECT *, 1 + 5 * (rank() OVER (ORDER BY days_since_last_order DESC) - 1) // n AS r_score,
                 1 + 5 * (rank() OVER (ORDER BY orders) - 1) // n AS f_score,
                 1 + 5 * (rank() OVER (ORDER BY revenue) - 1) // n AS m_score
          FROM d)
    SELECT user_id, first_order_at, last_order_at, days_since_last_order, days_between_first_and_last_order,
           orders, revenue, r_score, f_score, m_score,
           CASE WHEN r_score >= 4 AND f_score >= 4 THEN 'Champions'
                WHEN r_score = 3 AND f_score >= 4 THEN 'Loyal'
                WHEN r_score >= 4 AND f_score BETWEEN 2 AND 3 THEN 'Potential loyalists'
                WHEN r_score >= 4 AND f_score = 1 THEN 'New customers'
                WHEN r_score = 3 THEN 'Needs attention'
                WHEN r_score <= 2 AND f_score >= 3 THEN 'At risk'
                ELSE 'Hibernating' END AS segment
    FROM s ORDER BY user_id
    """
    return _run(con, registered, sql)


def duckdb_historical_clv(events, horizon="365D", by: str | None = None, order_col: str = "order_id",
                          user_col: str = "user_id", time_col: str = "timestamp", revenue_col: str = "revenue",
                          con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Revenue per customer over ``horizon`` after the first order, as ``jk.historical_clv``.

    ``events`` is the order table. A customer counts when their first order is at least ``horizon`` before the
    last order in the table; their value is the revenue of their orders in [first order, first order +
    ``horizon``). Returns ``customers``, ``revenue`` (their total), ``clv`` (revenue / customers) and
    ``median_revenue``; with ``by``, one row per segment of the first order (earliest, ties by order id; missing
    last). Covers ``horizon``, ``by`` and the column names.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    limit = _ns(horizon)
    show, group, order = _segment_sql(by)
    first_seg = ", arg_min_null(seg, {'t': tn, 'o': order_id}) AS seg" if by else ""
    seg = ", f.seg" if by else ""
    sql = f"""
    WITH o AS ({_order_rows(con, by, order_col, user_col, time_col, revenue_col)}),
    f AS (SELECT user_id, min(tn) AS t1{first_seg} FROM o GROUP BY user_id
          HAVING min(tn) <= (SELECT max(tn) FROM o) - {limit}),
    per AS (SELECT f.user_id{seg}, fsum(o.revenue) AS revenue
            FROM o JOIN f ON o.user_id = f.user_id AND o.tn < f.t1 + {limit} GROUP BY ALL)
    SELECT {show}count(*) AS customers, fsum(revenue) AS revenue, fsum(revenue) / count(*) AS clv,
           median(revenue) AS median_revenue
    FROM per {group} HAVING count(*) > 0 {order}
    """
    return _run(con, registered, sql)


def duckdb_purchase_history(events, end=None, unit="7D", user_col: str = "user_id", time_col: str = "timestamp",
                            revenue_col: str = "revenue", order_col: str = "order_id",
                            con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Each customer's frequency, recency, age and repeat spend by calendar day, as ``jk.purchase_history``.

    ``events`` is the order table. Orders are summed per customer and calendar day (UTC) into purchases; days after
    ``end``'s day (the last order's day by default) are dropped. Per customer (sorted by id): ``frequency`` =
    purchase days - 1, ``recency`` = last - first purchase day and ``T`` = ``end``'s day - first purchase day, both
    in ``unit``; ``monetary_value`` = mean value of the purchases after the first day (missing without one);
    ``first_value`` = value of the first day. Covers ``end``, ``unit`` and the column names.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    step = _ns(unit)
    end_day = ("(SELECT max(day) FROM days)" if end is None
               else str(pd.Timestamp(end).as_unit("ns").normalize().value))
    sql = f"""
    WITH o AS ({_order_rows(con, None, order_col, user_col, time_col, revenue_col)}),
    days AS (SELECT user_id, epoch_ns(date_trunc('day', ts)) AS day, fsum(revenue) AS value FROM o GROUP BY ALL),
    kept AS (SELECT *, min(day) OVER (PARTITION BY user_id) AS first_day FROM days WHERE day <= {end_day})
    SELECT user_id, count(*) - 1 AS frequency,
           CAST(max(day) - min(day) AS DOUBLE) / {step} AS recency,
           CAST({end_day} - min(day) AS DOUBLE) / {step} AS "T",
           avg(value) FILTER (WHERE day > first_day) AS monetary_value,
           sum(value) FILTER (WHERE day = first_day) AS first_value
    FROM kept GROUP BY user_id ORDER BY user_id
    """
    return _run(con, registered, sql)


# ---------------------------------------------------------------------------
# Segments judged by the buyer journey and the customer journey
# ---------------------------------------------------------------------------


def duckdb_journey_comparison(events, orders, surveys=None, by: str = "channel", purchase_event: str = "purchase",
                              referral_event: str | None = "refer_friend", within="90D", horizon="180D",
                              con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """One row per segment, judged by the buyer journey and the customer journey, as ``jk.journey_comparison``.

    A user's segment is ``by`` on their first event (earliest, ties in the kit's order: event name, then the other
    columns, missing last; a missing value is a segment). Per segment: ``users``, ``buyers`` (users with a
    ``purchase_event``), ``conversion`` = buyers / users. Orders take their user's segment; over all orders, a
    customer's first order is the earliest (ties by order id) and the table's last order bounds what is observed:
    ``repeat_rate`` as in :func:`duckdb_repeat_purchase_rate` (``within``); over customers first ordering at least
    ``horizon`` before the last order, ``clv`` = mean revenue in [first order, + ``horizon``), ``first_order_value``
    = mean first order and ``repeat_revenue`` = clv - first_order_value. With ``surveys`` holding NPS answers:
    ``nps`` (share 9-10 minus share 0-6 of the segment's answers) and ``nps_answers``. ``referrals_per_customer`` =
    ``referral_event`` events / buyers, left out for None or when the default event does not occur. Ranks (1 =
    best, ties share the lowest): by conversion and by clv; rows by buyer-journey rank, then users (most first),
    then segment. ``events``, ``orders`` and ``surveys`` use the kit's default column names; each may be a
    Parquet path or glob. Covers every parameter but the column names.
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    registered_orders = _attach(con, "jc_orders", orders)
    registered_surveys = surveys is not None and _attach(con, "jc_surveys", surveys)
    try:
        key = _first_key(con)
        horizon_ns, within_ns = _ns(horizon), _ns(within)
        with_nps = surveys is not None and "nps" in _columns(con, "jc_surveys") and bool(
            con.execute("SELECT count(nps) FROM jc_surveys").fetchone()[0])
        referral = f"'{referral_event}'" if referral_event is not None else "NULL"
        nps_cte = """,
        answers AS (
            SELECT u.seg, count(*) AS nps_answers,
                   (count(*) FILTER (WHERE s.nps >= 9) - count(*) FILTER (WHERE s.nps <= 6)) / count(*) AS nps
            FROM jc_surveys s LEFT JOIN users u ON u.user_id = CAST(s.user_id AS VARCHAR)
            WHERE s.nps IS NOT NULL GROUP BY u.seg)""" if with_nps else ""
        nps_cols = ", a.nps, coalesce(a.nps_answers, 0) AS nps_answers" if with_nps else ""
        nps_join = " LEFT JOIN answers a ON a.seg IS NOT DISTINCT FROM s.seg" if with_nps else ""
        sql = f"""
        WITH acts AS MATERIALIZED (
            SELECT CAST(user_id AS VARCHAR) AS user_id, arg_min_null("{by}", {key}) AS seg,
                   bool_or(event = '{purchase_event}') AS buyer, count(*) FILTER (WHERE event = {referral}) AS refs
            FROM events GROUP BY user_id),
        users AS (SELECT user_id, seg FROM acts),
        people AS (
            SELECT seg, count(*) AS users, count(*) FILTER (WHERE buyer) AS buyers, sum(refs) AS refs
            FROM acts GROUP BY seg),
        o AS ({_order_rows(con, None, "order_id", "user_id", "timestamp", "revenue", "jc_orders")}),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY tn, order_id) AS k,
                   min(tn) OVER (PARTITION BY user_id) AS t1
            FROM o),
        customers AS (
            SELECT r.user_id, any_value(t1) AS t1, min(tn) FILTER (WHERE k = 2) AS t2,
                   sum(revenue) FILTER (WHERE k = 1) AS first_value,
                   fsum(revenue) FILTER (WHERE tn < t1 + {horizon_ns}) AS horizon_value
            FROM ranked r GROUP BY r.user_id),
        bounds AS (SELECT max(tn) AS last FROM o),
        value AS (
            SELECT u.seg,
                   count(*) FILTER (WHERE t2 - t1 <= {within_ns} AND t1 <= last - {within_ns})
                   / count(*) FILTER (WHERE t1 <= last - {within_ns}) AS repeat_rate,
                   avg(horizon_value) FILTER (WHERE t1 <= last - {horizon_ns}) AS clv,
                   avg(first_value) FILTER (WHERE t1 <= last - {horizon_ns}) AS first_order_value
            FROM customers c JOIN users u USING (user_id), bounds GROUP BY u.seg){nps_cte},
        segments AS (
            SELECT s.seg, s.users, s.buyers, s.buyers / s.users AS conversion, v.repeat_rate, v.clv,
                   v.first_order_value, v.clv - v.first_order_value AS repeat_revenue{nps_cols},
                   s.refs / nullif(s.buyers, 0) AS referrals_per_customer, s.refs AS all_refs
            FROM people s LEFT JOIN value v ON v.seg IS NOT DISTINCT FROM s.seg{nps_join})
        SELECT * EXCLUDE (seg), seg AS "{by}",
               rank() OVER (ORDER BY conversion DESC) AS rank_buyer_journey,
               CASE WHEN clv IS NOT NULL THEN rank() OVER (ORDER BY clv DESC NULLS LAST) END AS rank_customer_journey
        FROM segments ORDER BY rank_buyer_journey, users DESC, seg NULLS LAST
        """
        out = con.execute(sql).df()
    finally:
        for name, done in (("events", registered), ("jc_orders", registered_orders),
                           ("jc_surveys", registered_surveys)):
            if done:
                con.unregister(name)
    referrals = referral_event is not None and out["all_refs"].sum() > 0
    if referral_event is not None and not referrals and referral_event != "refer_friend":
        raise ValueError(f"referral_event={referral_event!r} does not occur in the events")
    columns = [by, "users", "buyers", "conversion", "repeat_rate", "clv", "first_order_value", "repeat_revenue",
               *(["nps", "nps_answers"] if with_nps else []), *(["referrals_per_customer"] if referrals else []),
               "rank_buyer_journey", "rank_customer_journey"]
    return out[columns]


# ---------------------------------------------------------------------------
# Satisfaction
# ---------------------------------------------------------------------------


def _z(level: float) -> float:
    """The two-sided standard normal quantile of a confidence level (1.96 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def duckdb_nps(events, by: str | None = None, level: float = 0.95, min_sample: int = 30,
               con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Net Promoter Score of a survey table's ``nps`` answers, as ``jk.nps``.

    ``events`` is the survey table; missing answers are ignored. NPS = share of answers 9-10 (promoters) minus
    share 0-6 (detractors). Without ``by``: one row with the column ``nps`` (the kit returns the number). With
    ``by`` (a column name): one row per value (sorted, missing last) with ``answers``, the shares ``promoters``,
    ``passives`` (7-8) and ``detractors``, ``nps``, the normal-approximation interval nps ± z sqrt((p + d - (p -
    d)^2) / answers) clipped to [-1, 1] (``ci_low``, ``ci_high``) and ``small_sample`` (answers < ``min_sample``).
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    if by is None:
        sql = """SELECT (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6)) / count(*) AS nps
                 FROM events WHERE nps IS NOT NULL"""
        return _run(con, registered, sql)
    sql = f"""
    WITH g AS (
        SELECT "{by}" AS grp, count(*) AS answers, count(*) FILTER (WHERE nps >= 9) / count(*) AS promoters,
               count(*) FILTER (WHERE nps BETWEEN 7 AND 8) / count(*) AS passives,
               count(*) FILTER (WHERE nps <= 6) / count(*) AS detractors
        FROM events WHERE nps IS NOT NULL GROUP BY grp),
    h AS (SELECT *, promoters - detractors AS nps,
                 {_z(level)!r} * sqrt((promoters + detractors - (promoters - detractors) ** 2) / answers) AS half
          FROM g)
    SELECT grp AS "{by}", answers, promoters, passives, detractors, nps,
           greatest(-1.0, least(1.0, nps - half)) AS ci_low, greatest(-1.0, least(1.0, nps + half)) AS ci_high,
           answers < {int(min_sample)} AS small_sample
    FROM h ORDER BY grp NULLS LAST
    """
    return _run(con, registered, sql)


def duckdb_csat(events, by: str | None = None, level: float = 0.95, min_sample: int = 30,
                con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Customer satisfaction of a survey table's ``csat`` answers, as ``jk.csat``.

    ``events`` is the survey table; missing answers are ignored. CSAT = share of answers 4 or 5 on the 1-5 scale.
    Without ``by``: one row with the column ``csat`` (the kit returns the number). With ``by`` (a column name): one
    row per value (sorted, missing last) with ``answers``, ``mean_score``, ``csat``, the Wilson score interval
    (p + z^2/2n ± z sqrt(p (1 - p) / n + z^2/4n^2)) / (1 + z^2/n) as ``ci_low`` and ``ci_high``, and
    ``small_sample`` (answers < ``min_sample``).
    """
    con = con or duckdb.connect()
    registered = _bind(con, events)
    if by is None:
        sql = "SELECT count(*) FILTER (WHERE csat >= 4) / count(*) AS csat FROM events WHERE csat IS NOT NULL"
        return _run(con, registered, sql)
    z2 = _z(level) ** 2
    sql = f"""
    WITH g AS (
        SELECT "{by}" AS grp, count(*) AS answers, avg(csat) AS mean_score,
               count(*) FILTER (WHERE csat >= 4) / count(*) AS csat
        FROM events WHERE csat IS NOT NULL GROUP BY grp),
    w AS (SELECT *, (csat + {z2!r} / (2 * answers)) / (1 + {z2!r} / answers) AS centre,
                 sqrt({z2!r}) * sqrt(csat * (1 - csat) / answers + {z2!r} / (4 * answers * answers))
                 / (1 + {z2!r} / answers) AS half
          FROM g)
    SELECT grp AS "{by}", answers, mean_score, csat, centre - half AS ci_low, centre + half AS ci_high,
           answers < {int(min_sample)} AS small_sample
    FROM w ORDER BY grp NULLS LAST
    """
    return _run(con, registered, sql)


# ---------------------------------------------------------------------------
# Benchmark cases
# ---------------------------------------------------------------------------


def _purchase_channel(events: pd.DataFrame, purchase: str = "purchase") -> np.ndarray:
    """The channel of each purchase event, in the order of the rows of orders_from and surveys_from."""
    return events.loc[events["event"] == purchase, "channel"].to_numpy()


def _orders(events: pd.DataFrame) -> pd.DataFrame:
    """compare.orders_from, with the channel of the purchase (a segment to split by)."""
    return orders_from(events).assign(channel=_purchase_channel(events))


def _surveys(events: pd.DataFrame) -> pd.DataFrame:
    """compare.surveys_from, with the touchpoint the survey contract requires and the channel of the purchase."""
    return surveys_from(events).assign(touchpoint="delivery", channel=_purchase_channel(events))


def _journey(events: pd.DataFrame, surveys: bool = False) -> tuple:
    return (events, _orders(events), _surveys(events) if surveys else None)


def _number(name: str, value: float) -> pd.DataFrame:
    """A kit function's single number as the one-row frame of its reference."""
    return pd.DataFrame({name: [value]})


CASES = [
    Case("order_summary", "jk.order_summary(orders)", lambda o: jk.order_summary(o),
         lambda o, con: duckdb_order_summary(o, con=con), prepare=_orders),
    Case("order_summary_by_channel", 'jk.order_summary(orders, by="channel")',
         lambda o: jk.order_summary(o, by="channel"),
         lambda o, con: duckdb_order_summary(o, by="channel", con=con), prepare=_orders),
    Case("repeat_purchase_rate", "jk.repeat_purchase_rate(orders)", lambda o: jk.repeat_purchase_rate(o),
         lambda o, con: duckdb_repeat_purchase_rate(o, con=con), prepare=_orders),
    Case("repeat_purchase_rate_30d_by_channel", 'jk.repeat_purchase_rate(orders, within="30D", by="channel")',
         lambda o: jk.repeat_purchase_rate(o, within="30D", by="channel"),
         lambda o, con: duckdb_repeat_purchase_rate(o, within="30D", by="channel", con=con), prepare=_orders),
    Case("rfm", "jk.rfm(orders)", lambda o: jk.rfm(o), lambda o, con: duckdb_rfm(o, con=con), prepare=_orders),
    Case("rfm_as_of", 'jk.rfm(orders, as_of="2026-04-01")', lambda o: jk.rfm(o, as_of="2026-04-01"),
         lambda o, con: duckdb_rfm(o, as_of="2026-04-01", con=con), prepare=_orders),
    Case("historical_clv", "jk.historical_clv(orders)", lambda o: jk.historical_clv(o),
         lambda o, con: duckdb_historical_clv(o, con=con), prepare=_orders),
    Case("historical_clv_180d_by_channel", 'jk.historical_clv(orders, horizon="180D", by="channel")',
         lambda o: jk.historical_clv(o, horizon="180D", by="channel"),
         lambda o, con: duckdb_historical_clv(o, horizon="180D", by="channel", con=con), prepare=_orders),
    Case("purchase_history", "jk.purchase_history(orders)", lambda o: jk.purchase_history(o),
         lambda o, con: duckdb_purchase_history(o, con=con), prepare=_orders),
    Case("purchase_history_daily", 'jk.purchase_history(orders, end="2025-12-31", unit="1D")',
         lambda o: jk.purchase_history(o, end="2025-12-31", unit="1D"),
         lambda o, con: duckdb_purchase_history(o, end="2025-12-31", unit="1D", con=con), prepare=_orders),
    Case("journey_comparison", "jk.journey_comparison(events, orders)",
         lambda d: jk.journey_comparison(d[0], d[1]),
         lambda d, con: duckdb_journey_comparison(d[0], d[1], con=con), prepare=_journey),
    Case("journey_comparison_device_surveys",
         'jk.journey_comparison(events, orders, surveys, by="device", within="30D", horizon="90D")',
         lambda d: jk.journey_comparison(*d, by="device", within="30D", horizon="90D"),
         lambda d, con: duckdb_journey_comparison(*d, by="device", within="30D", horizon="90D", con=con),
         prepare=lambda events: _journey(events, surveys=True)),
    Case("nps", "jk.nps(surveys)", lambda s: _number("nps", jk.nps(s)),
         lambda s, con: duckdb_nps(s, con=con), prepare=_surveys),
    Case("nps_by_channel", 'jk.nps(surveys, by="channel")', lambda s: jk.nps(s, by="channel"),
         lambda s, con: duckdb_nps(s, by="channel", con=con), prepare=_surveys),
    Case("csat", "jk.csat(surveys)", lambda s: _number("csat", jk.csat(s)),
         lambda s, con: duckdb_csat(s, con=con), prepare=_surveys),
    Case("csat_by_channel", 'jk.csat(surveys, by="channel")', lambda s: jk.csat(s, by="channel"),
         lambda s, con: duckdb_csat(s, by="channel", con=con), prepare=_surveys),
]
"""The value and satisfaction cases of the benchmarks, on the generated log (orders and surveys made from it)."""
