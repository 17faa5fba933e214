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

from journeykit.analysis.satisfaction import nps
from journeykit import params
from journeykit.errors import SchemaError, unknown_names
from journeykit.io.ordering import sort_events
from journeykit.params import duration
from journeykit.io.contract import require_columns, validate_events, validate_orders, validate_surveys
from journeykit.analysis.value import historical_clv, repeat_purchase_rate

__all__ = ["journey_comparison"]


def journey_comparison(events: pd.DataFrame, orders: pd.DataFrame, surveys: pd.DataFrame | None = None, *,
                       by: str = "channel", purchase_event: str = "purchase", referral_event: str | None = "refer_friend",
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

    Returns
    -------
    DataFrame
        One row per segment, sorted by the buyer-journey rank.
    """
    by = params.column(by, "by")
    limit = duration(horizon, "horizon")
    duration(within, "within")
    params.name(referral_event, "referral_event", allow_none=True)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    require_columns(ev, [by], "events")
    unknown_names(params.name(purchase_event, "purchase_event"), ev["event"].unique(), "purchase_event")
    od = validate_orders(orders, user_col=user_col, time_col=time_col)
    first = sort_events(ev).drop_duplicates("user_id")
    segment = first.set_index("user_id")[by]
    buyers = ev.loc[ev["event"] == purchase_event, "user_id"].unique()
    people = pd.DataFrame({"segment": segment, "buyer": segment.index.isin(buyers)})
    out = people.groupby("segment", dropna=False).agg(users=("buyer", "size"), buyers=("buyer", "sum"))
    out["conversion"] = out["buyers"] / out["users"]

    od = od.assign(segment=od["user_id"].map(segment))
    unknown = od["segment"].isna() & ~od["user_id"].isin(segment.index)
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
    out["first_order_value"] = observed.groupby("segment")["revenue"].mean()
    out["repeat_revenue"] = out["clv"] - out["first_order_value"]
    if surveys is not None:
        sv = validate_surveys(surveys, user_col=user_col, time_col=time_col)
        if "nps" in sv.columns and sv["nps"].notna().any():
            sv = sv.assign(segment=sv["user_id"].map(segment)).dropna(subset=["nps"])
            scored = nps(sv, by="segment").set_index("segment")
            out["nps"] = scored["nps"]
            out["nps_answers"] = scored["answers"].reindex(out.index).fillna(0).astype("int64")
    if referral_event is not None:
        refs = ev.loc[ev["event"] == referral_event, "user_id"].map(segment).value_counts()
        out["referrals_per_customer"] = refs.reindex(out.index).fillna(0) / out["buyers"].replace(0, np.nan)
    out["rank_buyer_journey"] = out["conversion"].rank(ascending=False, method="min").astype("int64")
    out["rank_customer_journey"] = out["clv"].rank(ascending=False, method="min").astype("Int64")
    out.index.name = by
    return out.sort_values(["rank_buyer_journey", "users"], ascending=[True, False]).reset_index()
