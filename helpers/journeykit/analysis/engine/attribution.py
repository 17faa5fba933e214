"""Rule-based attribution (:func:`journeykit.attribute`) as one Ibis expression that runs in the engine.

The definition is the pandas one (see :mod:`journeykit.analysis.attribution`):
a user's buyer journey is every event up to the time of their first purchase
(events at that same moment included); a touch is an event of the buyer
journey with a channel, other than the purchase (only ``touch_events``, when
given; only those within ``lookback`` before the first purchase, when given).
Each buyer's first purchase is shared among their touches: all to the first
(``first_touch``) or the last (``last_touch``), equally (``linear``), or
40 % / 20 % / 40 % (``position_based``); a buyer without touches credits
``(no touch)``. Touches at the same moment are ordered as the kit orders tied
events: by event name, then by the other columns' values in the table's column
order, missing values last.

Only whole numbers come back to Python: touches per channel, journey length
and position (an end or the middle), from which pandas takes the fractions (so
the SQL has no floating point that an engine could round its own way). The
Markov model needs every
journey's transitions and runs in pandas, as do tables whose extra columns are
not plain values (lists, structs) that an engine cannot sort by. The pandas
implementation counts the same whole numbers and adds the same fractions in the
same order (``credits_from_counts``), so the credits agree to the last digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from journeykit import params
from journeykit.analysis.engine.checks import facts, fits, naive_time, tie_order, with_first_purchase

__all__ = ["build"]

_RULES = ("first_touch", "last_touch", "linear", "position_based")


@dataclass
class Plan:
    """The credits' expression and how to finish the table."""

    expression: object
    model: str

    def result(self) -> pd.DataFrame:
        from journeykit.analysis.attribution import credits_from_counts

        rows = self.expression.to_pyarrow().to_pandas()
        buyers = int(rows.loc[rows["n"] == 0, "touches"].sum())
        rows = rows[rows["n"] > 0]
        # buyers with a touch: one first (or last) touch each; in linear and position-based, n touches each
        per_length = rows.groupby("n")["touches"].sum()
        touched = int(per_length.sum()) if self.model in ("first_touch", "last_touch") else \
            int((per_length / per_length.index).round().sum())
        credited = credits_from_counts(rows, buyers - touched, self.model)
        out = credited.rename("conversions").rename_axis("channel").reset_index()
        out["share"] = out["conversions"] / out["conversions"].sum()
        return out.sort_values("channel", ignore_index=True)


def build(table, arguments: dict, check: bool = True, dialect: str | None = None) -> Plan | None:
    """Rule-based attribution on an Ibis table, or None when only the pandas implementation handles the arguments."""
    from journeykit.analysis.attribution import ATTRIBUTION_MODELS

    model = params.choice(arguments["model"], "model", ATTRIBUTION_MODELS)
    if model not in _RULES or arguments.get("conversion_event") is not None:
        return None
    user, time, event = arguments["user_col"], arguments["time_col"], arguments["event_col"]
    channel = params.column(arguments["channel_col"], "channel_col")
    purchase = params.name(arguments["purchase_event"], "purchase_event")
    touch_events = params.names(arguments["touch_events"], "touch_events", allow_none=True)
    lookback = params.duration(arguments["lookback"], "lookback", allow_none=True)
    if not fits(table, user, time, event, (channel,), sortable=True):
        return None
    if check:
        found = facts(table, user, time, event)
        known = set(found.events)
        if found.has_nulls or found.rows == 0 or purchase not in known \
                or (touch_events is not None and not set(touch_events) <= known):
            return None  # the pandas implementation says what is wrong, in its own words
    return Plan(_expression(table, model, user, time, event, channel, purchase, touch_events, lookback), model)


def _expression(table, model: str, user: str, time: str, event: str, channel: str, purchase: str,
                touch_events, lookback):
    """Touches per (channel, journey length, end or middle), and the number of buyers (the row with n = 0)."""
    import ibis

    others = [c for c in table.columns if c not in (user, time, event)]
    ev = table.select(user_id=table[user].cast("string"), ts=naive_time(table, time), e=table[event],
                      **{f"c{i}": table[c] for i, c in enumerate(others)})
    channel_of = f"c{others.index(channel)}"
    buyers = with_first_purchase(ev, purchase, how="inner")
    touch = (buyers.ts <= buyers.first_purchase) & buyers[channel_of].notnull() & (buyers.e != purchase)
    if touch_events is not None:
        touch &= buyers.e.isin(list(touch_events))
    if lookback is not None:
        span = ibis.interval(microseconds=int(lookback.value) // 1000)
        touch &= buyers.ts >= buyers.first_purchase - span
    touches = buyers.filter(touch)
    # the kit's order of tied events: event name, then the other columns (missing values last)
    order = tie_order(touches, len(others))
    if model in ("first_touch", "last_touch"):
        # one touch per buyer: the first in the kit's order, or the first in exactly the reverse order
        order = tie_order(touches, len(others), reverse=model == "last_touch")
        ranked = touches.mutate(pos=ibis.row_number().over(group_by=touches.user_id, order_by=order))
        ranked = ranked.filter(ranked.pos == 0).mutate(n=ibis.literal(1, "int64"))
        first = last = ranked.pos == 0
    else:
        position = ibis.row_number().over(group_by=touches.user_id, order_by=order)
        count = touches.count().over(ibis.window(group_by=touches.user_id))
        ranked = touches.mutate(pos=position, n=count)
        first, last = ranked.pos == 0, ranked.pos == ranked.n - 1
    # whole numbers only (touches per channel, journey length and end or middle): the fractions are taken in pandas
    ranked = ranked.select(channel=ranked[channel_of].cast("string"), n=ranked.n.cast("int64"),
                           end=(first | last).cast("int64"))
    counts = ranked.group_by(["channel", "n", "end"]).aggregate(touches=ranked.count())
    # the buyers, as one more row (n = 0): those without a touch are the buyers minus those with one
    purchases = ev.filter(ev.e == purchase)
    converters = purchases.aggregate(touches=purchases.user_id.nunique()).mutate(
        channel=ibis.null("string"), n=ibis.literal(0, "int64"), end=ibis.literal(0, "int64"))
    columns = ["channel", "n", "end", "touches"]
    return counts.select(columns).cast({"touches": "int64"}).union(
        converters.select(columns).cast({"touches": "int64"}), distinct=False)
