"""Judge segments twice: by the buyer journey and by the whole customer journey.

The **buyer journey** judges a segment (an acquisition channel, a device, a
campaign) by how many of its people make a first purchase. The **customer
journey** judges it by what happens next: do its customers buy again, how much
are they worth, how satisfied are they, and do they bring new people?
:func:`journey_comparison` puts both on one row per segment, with a rank for
each view, so that a segment that wins one and loses the other stands out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.satisfaction import nps
from journeykit.analysis.value import historical_clv, repeat_purchase_rate
from journeykit.errors import SchemaError, unknown_names
from journeykit.io.contract import require_columns, validate_events, validate_orders, validate_surveys
from journeykit.io.columns import is_in
from journeykit.io.ordering import first_rows
from journeykit.params import duration
from journeykit.results import described

__all__ = ["journey_comparison"]

_DEFAULT_REFERRAL = "refer_friend"


@described
def journey_comparison(events: pd.DataFrame, orders: pd.DataFrame, surveys: pd.DataFrame | None = None, *,
                       by: str = "channel", purchase_event: str = "purchase",
                       referral_event: str | None = "refer_friend",
                       within: str = "90D", horizon: str = "180D", user_col: str = "user_id",
                       time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """One row per segment, judged by the buyer journey and by the customer journey.

    A user's segment is the value of ``by`` on their **first event** (for a
    channel column: the channel that acquired them); orders and survey answers
    inherit their user's segment.

    Buyer journey:

    - ``users``: people in the segment; ``buyers``: those with a ``purchase_event``;
    - ``conversion`` = buyers ÷ users.

    Customer journey (among buyers):

    - ``repeat_rate``: share of customers ordering again within ``within`` of
      their first order (see :func:`journeykit.repeat_purchase_rate`);
    - ``clv``: revenue per customer over ``horizon`` after the first order
      (:func:`journeykit.historical_clv`); ``first_order_value`` and
      ``repeat_revenue`` (the part of ``clv`` from later orders), over the
      same customers as ``clv``;
    - ``nps`` and ``nps_answers`` from ``surveys`` (when given);
    - ``referrals_per_customer``: ``referral_event`` events per buyer.

    ``rank_buyer_journey`` ranks segments by conversion, ``rank_customer_journey``
    by CLV (1 = best).

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`) with the ``by`` column.
    orders : DataFrame
        Order table of the same users (see :func:`journeykit.validate_orders`).
    surveys : DataFrame, optional
        Survey answers (see :func:`journeykit.validate_surveys`); when they
        have NPS answers, the result gets ``nps`` and ``nps_answers``.
    by : str, default "channel"
        Column of ``events`` whose value on a user's first event is their segment.
    purchase_event : str, default "purchase"
        The event that makes a user a buyer.
    referral_event : str or None, default "refer_friend"
        The event counted in ``referrals_per_customer``; None leaves that column out. When the default
        ``"refer_friend"`` does not occur in the log the column is left out too (referrals are not measured,
        which is not zero), and ``attrs["left_out"]`` says why; a name you pass must occur.
    within : str or Timedelta, default "90D"
        How soon after the first order a second order counts for ``repeat_rate``.
    horizon : str or Timedelta, default "180D"
        How long after the first order revenue counts for ``clv``.
    user_col, time_col, event_col : str
        Column names in ``events``. ``user_col`` and ``time_col`` also name
        the user and time columns of ``orders`` and ``surveys``.

    Returns
    -------
    DataFrame
        One row per segment, sorted by the buyer-journey rank.

    Raises
    ------
    SchemaError
        If ``events``, ``orders`` or ``surveys`` breaks the data contract;
        if ``events`` has no ``by`` column; or if some orders belong to users
        with no events, whose segment is unknown.
    ParameterError
        If ``by`` is not a column name; ``within`` or ``horizon`` is not a
        positive duration with a unit; ``purchase_event`` is not a name or
        does not occur in the events; or ``referral_event`` is neither a name
        nor None.

    Examples
    --------
    ``a`` comes from ads and buys; of three users from search, only ``b`` buys.
    ``b`` orders again a month later, ``a`` only after five months.

    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "b", "b", "c", "d"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-02", "2025-01-02",
    ...                                  "2025-01-03", "2025-01-04"]),
    ...     "event": ["visit", "purchase", "visit", "purchase", "visit", "visit"],
    ...     "channel": ["ads", "ads", "search", "search", "search", "search"],
    ... })
    >>> orders = pd.DataFrame({
    ...     "order_id": [1, 2, 3, 4], "user_id": ["a", "b", "b", "a"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-02-01", "2025-06-01"]),
    ...     "revenue": [50.0, 40.0, 60.0, 20.0],
    ... })
    >>> table = journey_comparison(events, orders, horizon="90D", referral_event=None)
    >>> table[["channel", "users", "buyers", "conversion", "rank_buyer_journey"]]
      channel  users  buyers  conversion  rank_buyer_journey
    0     ads      1       1    1.000000                   1
    1  search      3       1    0.333333                   2
    >>> table[["channel", "repeat_rate", "clv", "first_order_value", "rank_customer_journey"]]
      channel  repeat_rate    clv  first_order_value  rank_customer_journey
    0     ads          0.0   50.0               50.0                      2
    1  search          1.0  100.0               40.0                      1

    Ads wins the buyer journey (1 of 1 converts, against 1 of 3); search wins
    the customer journey: within 90 days ``b`` spends 40 + 60 = 100, ``a`` 50.
    """
    by = params.column(by, "by")
    limit = duration(horizon, "horizon")
    duration(within, "within")
    params.name(referral_event, "referral_event", allow_none=True)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    require_columns(ev, [by], "events")
    unknown_names(params.name(purchase_event, "purchase_event"), ev["event"].unique(), "purchase_event")
    od = validate_orders(orders, user_col=user_col, time_col=time_col)
    # each user's segment: the value on their first event in the kit's order (found without sorting every event)
    codes, ids = pd.factorize(ev["user_id"])
    users, rows = first_rows(ev, codes)
    segment = pd.Series(ev[by].array.take(rows), index=pd.Index(ids[users], name="user_id"), name=by)
    bought = np.zeros(len(ids), dtype=bool)
    bought[codes[(ev["event"] == purchase_event).to_numpy()]] = True
    people = pd.DataFrame({"segment": segment, "buyer": bought[users]})
    out = people.groupby("segment", dropna=False).agg(users=("buyer", "size"), buyers=("buyer", "sum"))
    out["conversion"] = out["buyers"] / out["users"]

    od = od.assign(segment=od["user_id"].map(segment))
    unknown = od["segment"].isna().to_numpy() & ~is_in(od["user_id"], segment.index)
    if unknown.any():
        raise SchemaError([f"{unknown.sum()} orders belong to users with no events (e.g. "
                           f"{od.loc[unknown, 'user_id'].iloc[0]!r}); their segment is unknown. Pass the full event "
                           "log, or filter the orders to users in it."], "orders")
    repeat = repeat_purchase_rate(od, within=within, by="segment").set_index("segment")
    out["repeat_rate"] = repeat["repeat_rate"]
    clv = historical_clv(od, horizon=horizon, by="segment").set_index("segment")
    out["clv"] = clv["clv"]
    # first-order value over the same customers as the CLV: those observed for the whole horizon
    first_orders = od.sort_values(["user_id", "timestamp", "order_id"], kind="stable").drop_duplicates("user_id")
    observed = first_orders[first_orders["timestamp"] <= od["timestamp"].max() - limit]
    out["first_order_value"] = observed.groupby("segment", dropna=False)["revenue"].mean()
    out["repeat_revenue"] = out["clv"] - out["first_order_value"]
    if surveys is not None:
        sv = validate_surveys(surveys, user_col=user_col, time_col=time_col)
        if "nps" in sv.columns and sv["nps"].notna().any():
            sv = sv.assign(segment=sv["user_id"].map(segment)).dropna(subset=["nps"])
            scored = nps(sv, by="segment").set_index("segment")
            out["nps"] = scored["nps"]
            out["nps_answers"] = scored["answers"].reindex(out.index).fillna(0).astype("int64")
    if referral_event is not None and referral_event not in set(ev["event"].unique()):
        if referral_event != _DEFAULT_REFERRAL:  # a name you chose must occur
            unknown_names(referral_event, ev["event"].unique(), "referral_event")
        # the default is absent from this log: referrals are not measured, which is not the same as none
        out.attrs["left_out"] = (f"referrals_per_customer: no {referral_event!r} event in the log; pass "
                                 "referral_event= with your referral event to count referrals.")
        referral_event = None
    if referral_event is not None:
        refs = ev.loc[ev["event"] == referral_event, "user_id"].map(segment).value_counts(dropna=False)
        out["referrals_per_customer"] = refs.reindex(out.index).fillna(0) / out["buyers"].replace(0, np.nan)
    out["rank_buyer_journey"] = out["conversion"].rank(ascending=False, method="min").astype("int64")
    out["rank_customer_journey"] = out["clv"].rank(ascending=False, method="min").astype("Int64")
    out.index.name = by
    return out.sort_values(["rank_buyer_journey", "users"], ascending=[True, False]).reset_index()
