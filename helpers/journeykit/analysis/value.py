"""Customer value from orders: repeat purchase, order value, RFM and lifetime value.

Every function reads an order table through :func:`journeykit.validate_orders`
(``order_id``, ``user_id``, ``timestamp``, ``revenue``). Revenue is summed as
given: net it of refunds before, and convert it to margin when you need profit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import ParameterError
from journeykit.io.contract import require_columns, validate_orders
from journeykit.io.ordering import factorize_sorted, sort_order
from journeykit.params import duration
from journeykit.results import described

__all__ = ["order_summary", "repeat_purchase_rate", "rfm", "RFM_SEGMENTS", "historical_clv", "predictive_clv"]


def _orders(orders: pd.DataFrame, order_col: str, user_col: str, time_col: str, revenue_col: str,
            by: str | None = None) -> pd.DataFrame:
    """Validated orders, sorted by customer and time (ties by order id), so "first order" is well defined; and
    their customers as runs of rows."""
    by = params.column(by, "by", allow_none=True)
    out = validate_orders(orders, order_col=order_col, user_col=user_col, time_col=time_col, revenue_col=revenue_col)
    if by is not None:
        require_columns(out, [by], "orders")
        if by in ("order_id", "user_id", "timestamp", "revenue"):
            raise ParameterError(f"by={by!r} is one of the order table's own columns; segment by another column "
                                 "such as 'channel'.", "by")
    # every column breaks ties, so no result depends on the order of the input rows; sorted by integer codes
    # (ids ranked once) packed into one key, not by comparing text row against row
    user, _ = factorize_sorted(out["user_id"])
    t = pd.DatetimeIndex(out["timestamp"]).asi8
    order = sort_order(user, t)
    same = (user[order][1:] == user[order][:-1]) & (t[order][1:] == t[order][:-1])
    if same.any():  # a customer's orders at one moment: by order id (only those rows are compared as text)
        tied = np.r_[same, False] | np.r_[False, same]
        block = np.cumsum(np.r_[True, ~same])[tied]
        rows = pd.DataFrame({"block": block, "order_id": out["order_id"].array.take(order[tied]),
                             "row": order[tied]})
        order[tied] = rows.sort_values(["block", "order_id"])["row"].to_numpy()
    return out.take(order), _Runs(user[order])


class _Runs:
    """A sorted order table's customers as runs of rows: ``opens`` (each customer's first row, by position) and
    ``run`` (each row's customer number, 0, 1, ... in id order), from the codes the sort used."""

    def __init__(self, user: np.ndarray):
        self.opens = np.flatnonzero(np.r_[True, user[1:] != user[:-1]]) if len(user) else np.zeros(0, np.int64)
        self.run = np.cumsum(np.r_[True, user[1:] != user[:-1]]) - 1 if len(user) else np.zeros(0, np.int64)


def _segments(per_customer: pd.DataFrame, by: str | None):
    """Group one-row-per-customer data by segment, or all together when ``by`` is None."""
    return per_customer.groupby(by, dropna=False) if by else \
        per_customer.groupby(np.zeros(len(per_customer), dtype=np.int8))


@described
def order_summary(orders: pd.DataFrame, *, by: str | None = None, order_col: str = "order_id",
                  user_col: str = "user_id", time_col: str = "timestamp", revenue_col: str = "revenue") -> pd.DataFrame:
    """The headline numbers of an order table.

    - ``customers``: distinct customers who ordered;
    - ``orders`` and ``revenue``: totals;
    - ``average_order_value`` = revenue ÷ orders;
    - ``purchase_frequency`` = orders ÷ customers;
    - ``revenue_per_customer`` = revenue ÷ customers (= AOV × frequency);
    - ``repeat_customer_share`` = share of customers with two orders or more,
      over the whole period, whatever their first-order date (see
      :func:`repeat_purchase_rate` for a rate that is fair to recent customers).

    Parameters
    ----------
    orders : DataFrame
        Order table.
    by : str, optional
        Column whose value on a customer's **first** order splits the result.
    order_col, user_col, time_col, revenue_col : str
        Column names in ``orders`` (see :func:`journeykit.validate_orders`).

    Returns
    -------
    DataFrame
        One row (per segment with ``by``).

    Raises
    ------
    SchemaError
        If ``orders`` breaks the data contract (see
        :func:`journeykit.validate_orders`: repeated order ids, missing or
        negative revenue, unreadable timestamps, ...), or ``by`` names a
        column that it does not have.
    ParameterError
        If ``by`` is not a column name or is one of ``order_id``, ``user_id``,
        ``timestamp`` and ``revenue``.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4], "user_id": ["a", "a", "b", "c"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05", "2025-03-01"]),
    ...                        "revenue": [20.0, 30.0, 10.0, 40.0]})
    >>> order_summary(orders).round(3).T
                               0
    customers              3.000
    orders                 4.000
    revenue              100.000
    average_order_value   25.000
    purchase_frequency     1.333
    revenue_per_customer  33.333
    repeat_customer_share  0.333

    ``a`` orders twice, ``b`` and ``c`` once: 4 orders and 100 of revenue from 3
    customers, one of whom (``a``) ordered again.
    """
    by = params.column(by, "by", allow_none=True)
    if by is not None:  # the segment of a customer's first order, even when it is missing: orders put in order first
        df, runs = _orders(orders, order_col, user_col, time_col, revenue_col, by)
        per_customer = df["revenue"].groupby(runs.run).agg(orders="size", revenue="sum")
        per_customer[by] = df[by].array.take(runs.opens)
        per_customer["repeat"] = per_customer["orders"] >= 2
        out = per_customer.groupby(by, dropna=False).agg(
            customers=("orders", "size"), orders=("orders", "sum"), revenue=("revenue", "sum"),
            repeat=("repeat", "mean"))
    else:  # totals need no order: each customer's number of orders by integer code
        df = validate_orders(orders, order_col=order_col, user_col=user_col, time_col=time_col,
                             revenue_col=revenue_col)
        per_customer = np.bincount(pd.factorize(df["user_id"])[0])
        out = pd.DataFrame({"customers": [len(per_customer)], "orders": [len(df)],
                            "revenue": [df["revenue"].sum()], "repeat": [np.mean(per_customer >= 2)]})
    out["average_order_value"] = out["revenue"] / out["orders"]
    out["purchase_frequency"] = out["orders"] / out["customers"]
    out["revenue_per_customer"] = out["revenue"] / out["customers"]
    out = out.rename(columns={"repeat": "repeat_customer_share"})
    cols = ["customers", "orders", "revenue", "average_order_value", "purchase_frequency", "revenue_per_customer",
            "repeat_customer_share"]
    return out[cols].reset_index(drop=not by)


@described
def repeat_purchase_rate(orders: pd.DataFrame, *, within: str | pd.Timedelta = "90D", by: str | None = None,
                         order_col: str = "order_id", user_col: str = "user_id", time_col: str = "timestamp",
                         revenue_col: str = "revenue") -> pd.DataFrame:
    """Share of new customers who order again within a fixed time of their first order.

    Only customers whose first order is at least ``within`` before the last
    order in the data are counted, so every customer had the same chance to
    come back: a customer who first bought last week is not counted as a
    one-time buyer.

    Parameters
    ----------
    orders : DataFrame
        Order table.
    within : str or Timedelta, default "90D"
        How long after the first order a second order counts.
    by : str, optional
        Column whose value on the first order splits the result.
    order_col, user_col, time_col, revenue_col : str
        Column names in ``orders`` (see :func:`journeykit.validate_orders`).

    Returns
    -------
    DataFrame
        ``customers`` (eligible), ``repeaters``, ``repeat_rate``, and
        ``median_days_to_second_order`` among the repeaters.

    Raises
    ------
    SchemaError
        If ``orders`` breaks the data contract (see
        :func:`journeykit.validate_orders`: repeated order ids, missing or
        negative revenue, unreadable timestamps, ...), or ``by`` names a
        column that it does not have.
    ParameterError
        If ``by`` is not a column name or is one of ``order_id``, ``user_id``,
        ``timestamp`` and ``revenue``; or if ``within`` is not a positive
        duration with a unit.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4, 5], "user_id": ["a", "a", "b", "c", "c"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05", "2025-01-10",
    ...                                                     "2025-09-01"]),
    ...                        "revenue": [20.0, 30.0, 10.0, 40.0, 5.0]})
    >>> repeat_purchase_rate(orders, within="90D")
       customers  repeaters  repeat_rate  median_days_to_second_order
    0          3          1     0.333333                         31.0

    All three first orders are more than 90 days before the last order
    (2025-09-01), so all three count. ``a`` orders again after 31 days;
    ``c``'s second order comes too late and ``b`` never orders again: 1 of 3.
    """
    df, runs = _orders(orders, order_col, user_col, time_col, revenue_col, by)
    limit = duration(within, "within")
    # each customer's first order and, where they have one, their second (the next row of their run)
    has_second = runs.opens + 1 < np.r_[runs.opens[1:], len(df)]
    times = df["timestamp"].array
    first = times.take(runs.opens)
    second = times.take(np.where(has_second, runs.opens + 1, -1), allow_fill=True)
    keep = np.asarray(first <= times.max() - limit)  # first ordered at least `within` before the last order
    gap = pd.Series(second[keep] - first[keep])
    repeater = (gap <= limit).to_numpy()  # no second order (NaT) is not a repeat
    eligible = pd.DataFrame({"repeater": repeater, "days": (gap / pd.Timedelta(days=1)).where(repeater)})
    if by:
        eligible[by] = df[by].array.take(runs.opens[keep])
    groups = _segments(eligible, by)
    out = groups.agg(customers=("repeater", "size"), repeaters=("repeater", "sum"),
                     median_days_to_second_order=("days", "median"))
    out["repeaters"] = out["repeaters"].astype(np.int64)
    out["repeat_rate"] = out["repeaters"] / out["customers"]
    return out[["customers", "repeaters", "repeat_rate", "median_days_to_second_order"]].reset_index(drop=not by)


RFM_SEGMENTS = pd.DataFrame([
    ("Champions", "R 4-5, F 4-5", "bought recently and often"),
    ("Loyal", "R 3, F 4-5", "buy often, not in the last few weeks"),
    ("Potential loyalists", "R 4-5, F 2-3", "recent, have bought more than once"),
    ("New customers", "R 4-5, F 1", "recent first-time buyers"),
    ("Needs attention", "R 3, F 1-3", "neither recent nor frequent enough to be safe"),
    ("At risk", "R 1-2, F 3-5", "used to buy often, not lately"),
    ("Hibernating", "R 1-2, F 1-2", "few orders, long ago"),
], columns=["segment", "rule", "meaning"])
"""The RFM segments and the recency (R) and frequency (F) scores that define them."""


def _score(values: pd.Series) -> pd.Series:
    """Score 1-5 by percentile rank, higher values scoring higher.

    Tied customers share the *lowest* rank of their group, so that a value most
    customers share (one order) scores low, not high; row order never matters.
    """
    pct = (values.rank(method="min") - 1) / len(values)
    return (np.floor(pct * 5) + 1).clip(1, 5).astype("int64")


@described
def rfm(orders: pd.DataFrame, *, as_of=None, order_col: str = "order_id", user_col: str = "user_id",
        time_col: str = "timestamp", revenue_col: str = "revenue") -> pd.DataFrame:
    """Recency, frequency and monetary value per customer, with 1-5 scores and a named segment.

    Parameters
    ----------
    orders : DataFrame
        Order table.
    as_of : timestamp, optional
        The day recency is measured from; the last order in the data by default.
    order_col, user_col, time_col, revenue_col : str
        Column names in ``orders`` (see :func:`journeykit.validate_orders`).

    Returns
    -------
    DataFrame
        One row per customer:

        - ``first_order_at``, ``last_order_at``;
        - ``days_since_last_order``: recency, from the last order to ``as_of``;
        - ``days_between_first_and_last_order``: how long they have been
          buying (0 for one order); not the same thing as recency;
        - ``orders``: frequency; ``revenue``: monetary value;
        - ``r_score``, ``f_score``, ``m_score``: 1 (lowest fifth) to 5
          (highest fifth) by percentile rank; a *recent* order scores high.
          Tied customers share the score of the lowest of them, so the many
          one-order customers all get ``f_score`` 1;
        - ``segment``: from R and F, see :data:`RFM_SEGMENTS`.

    Raises
    ------
    SchemaError
        If ``orders`` breaks the data contract (see
        :func:`journeykit.validate_orders`).
    ParameterError
        If ``as_of`` is not an unambiguous, time-zone-naive time, or is
        earlier than some orders.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4, 5], "user_id": ["a", "a", "b", "c", "c"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-01-05", "2025-01-10",
    ...                                                     "2025-02-01"]),
    ...                        "revenue": [20.0, 30.0, 10.0, 40.0, 5.0]})
    >>> rfm(orders)[["user_id", "days_since_last_order", "days_between_first_and_last_order"]]
      user_id  days_since_last_order  days_between_first_and_last_order
    0       a                      0                                 59
    1       b                     55                                  0
    2       c                     28                                 22

    Recency counts from the last order in the data, ``a``'s on 2025-03-01:
    ``b`` last ordered 55 days before it, on 2025-01-05.
    """
    as_of = params.moment(as_of, "as_of", allow_none=True)
    df, _ = _orders(orders, order_col, user_col, time_col, revenue_col)
    moment = df["timestamp"].max() if as_of is None else as_of
    if (df["timestamp"] > moment).any():
        raise ParameterError(f"as_of={moment} is before some orders; pick a moment after the last order "
                             f"({df['timestamp'].max()}) or filter the orders first.", "as_of")
    out = df.groupby("user_id").agg(first_order_at=("timestamp", "min"), last_order_at=("timestamp", "max"),
                                    orders=("order_id", "size"), revenue=("revenue", "sum")).reset_index()
    out.insert(3, "days_since_last_order", (moment - out["last_order_at"]).dt.days)
    out.insert(4, "days_between_first_and_last_order", (out["last_order_at"] - out["first_order_at"]).dt.days)
    out["r_score"] = _score(-out["days_since_last_order"])
    out["f_score"] = _score(out["orders"])
    out["m_score"] = _score(out["revenue"])
    r, f = out["r_score"], out["f_score"]
    out["segment"] = np.select(
        [(r >= 4) & (f >= 4), (r == 3) & (f >= 4), (r >= 4) & (f >= 2), (r >= 4) & (f == 1), r == 3,
         (r <= 2) & (f >= 3)],
        ["Champions", "Loyal", "Potential loyalists", "New customers", "Needs attention", "At risk"],
        default="Hibernating")
    return out


@described
def historical_clv(orders: pd.DataFrame, *, horizon: str | pd.Timedelta = "365D", by: str | None = None,
                   order_col: str = "order_id", user_col: str = "user_id", time_col: str = "timestamp",
                   revenue_col: str = "revenue") -> pd.DataFrame:
    """Revenue per customer over a fixed horizon after their first order.

    Historical customer lifetime value: for every customer whose first order
    is at least ``horizon`` before the last order in the data (so their whole
    horizon is observed), add up the revenue of their orders in
    [first order, first order + horizon). Averaging that over customers gives
    the value of a new customer over the horizon.

    Parameters
    ----------
    orders : DataFrame
        Order table.
    horizon : str or Timedelta, default "365D"
        How long after the first order revenue counts.
    by : str, optional
        Column whose value on the first order splits the result.
    order_col, user_col, time_col, revenue_col : str
        Column names in ``orders`` (see :func:`journeykit.validate_orders`).

    Returns
    -------
    DataFrame
        ``customers``, ``revenue`` (total within the horizon), ``clv`` (mean
        revenue per customer) and ``median_revenue``.

    Raises
    ------
    SchemaError
        If ``orders`` breaks the data contract (see
        :func:`journeykit.validate_orders`: repeated order ids, missing or
        negative revenue, unreadable timestamps, ...), or ``by`` names a
        column that it does not have.
    ParameterError
        If ``by`` is not a column name or is one of ``order_id``, ``user_id``,
        ``timestamp`` and ``revenue``; or if ``horizon`` is not a positive
        duration with a unit.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4], "user_id": ["a", "a", "b", "c"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-02-15", "2025-01-20", "2025-04-01"]),
    ...                        "revenue": [20.0, 30.0, 10.0, 40.0]})
    >>> historical_clv(orders, horizon="60D")
       customers  revenue   clv  median_revenue
    0          2     60.0  30.0            30.0

    The last order is on 2025-04-01, so only customers who first ordered 60
    days before it count: ``a`` (20 + 30 within 60 days) and ``b`` (10), not
    ``c``. The mean of 50 and 10 is 30.
    """
    limit = duration(horizon, "horizon")
    by = params.column(by, "by", allow_none=True)
    if by is not None:  # the value on the first order (always within the horizon): orders put in order first
        df, runs = _orders(orders, order_col, user_col, time_col, revenue_col, by)
        customer = runs.run
        times = df["timestamp"].to_numpy()
        first = times[runs.opens][customer]  # each row's customer's first order
    else:  # only each customer's first moment matters: no order needed
        df = validate_orders(orders, order_col=order_col, user_col=user_col, time_col=time_col,
                             revenue_col=revenue_col)
        customer = pd.factorize(df["user_id"])[0]
        times = df["timestamp"].to_numpy()
        first = pd.Series(times).groupby(customer).min().to_numpy()[customer]
    in_horizon = (first <= times.max() - limit.to_timedelta64()) & (times < first + limit.to_timedelta64())
    per_customer = df["revenue"][in_horizon].groupby(customer[in_horizon]).sum().to_frame("revenue")
    if by:
        per_customer[by] = df[by].array.take(runs.opens[per_customer.index.to_numpy()])
    groups = _segments(per_customer, by)
    out = groups.agg(customers=("revenue", "size"), revenue=("revenue", "sum"), median_revenue=("revenue", "median"))
    out["clv"] = out["revenue"] / out["customers"]
    return out[["customers", "revenue", "clv", "median_revenue"]].reset_index(drop=not by)


@described
def predictive_clv(*, average_order_value: float, orders_per_period: float, margin: float, retention_rate: float,
                   discount_rate: float, periods: int, period_name: str = "year") -> pd.Series:
    """A simple forecast of a new customer's lifetime value, with its assumptions spelled out.

    The customer buys ``orders_per_period`` orders of ``average_order_value`` in
    each period they are still a customer; the business keeps ``margin`` of
    that revenue; a customer still there in one period is there the next with
    probability ``retention_rate``; money in period t (t = 0 for the first) is
    worth 1 ÷ (1 + ``discount_rate``)^t today. Over ``periods`` periods::

        CLV = Σ_{t=0}^{periods-1}  AOV × orders_per_period × margin × retention_rate^t / (1 + discount_rate)^t

    It assumes constant spend, frequency and retention, which real customers
    do not have: use it to compare scenarios, not as a promise.

    Parameters
    ----------
    average_order_value : float
        Revenue per order, in currency.
    orders_per_period : float
        Orders per customer per period while they remain a customer.
    margin : float
        Share of revenue kept as gross margin, between 0 and 1.
    retention_rate : float
        Probability of staying from one period to the next, between 0 and 1.
    discount_rate : float
        Discount rate per period, e.g. 0.1 for 10% a year.
    periods : int
        Horizon in periods.
    period_name : str, default "year"
        Name of the period, used in the assumptions.

    Returns
    -------
    Series
        ``clv`` and every assumption, with its unit.

    Raises
    ------
    ParameterError
        If ``margin`` or ``retention_rate`` is not a number from 0 to 1;
        ``average_order_value``, ``orders_per_period`` or ``discount_rate`` is
        not a finite number of at least 0; ``periods`` is not a whole number
        of at least 1; or ``period_name`` is not a non-empty string.

    Examples
    --------
    >>> predictive_clv(average_order_value=50, orders_per_period=2, margin=0.4, retention_rate=0.5,
    ...                discount_rate=0.1, periods=3)["clv"].round(2)
    np.float64(66.45)

    Each year a customer still there brings 50 × 2 × 0.4 = 40 of margin; over
    three years that is 40 × (1 + 0.5 / 1.1 + 0.25 / 1.21) = 66.45.
    """
    for name, value in (("margin", margin), ("retention_rate", retention_rate)):
        params.number(value, name, low=0, high=1)
    for name, value in (("average_order_value", average_order_value), ("orders_per_period", orders_per_period),
                        ("discount_rate", discount_rate)):
        params.number(value, name, low=0)
    periods = params.integer(periods, "periods", minimum=1)
    params.name(period_name, "period_name")
    t = np.arange(int(periods))
    value = average_order_value * orders_per_period * margin * np.sum(retention_rate**t / (1 + discount_rate) ** t)
    return pd.Series({
        "clv": float(value),
        "average_order_value (currency per order)": average_order_value,
        f"orders_per_period (orders per {period_name})": orders_per_period,
        "margin (share of revenue)": margin,
        f"retention_rate (per {period_name})": retention_rate,
        f"discount_rate (per {period_name})": discount_rate,
        f"horizon ({period_name}s)": int(periods),
    })
