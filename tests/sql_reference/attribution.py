"""Channel attribution of first purchases: touch credits, rule-based and Markov (removal-effect) attribution.

The definitions (``jk.touch_credits``, ``jk.attribute``, ``jk.compare_attribution``): a user's **buyer journey** is
every event up to the time of their first purchase, events at that same moment included (all their events if they
never buy). A **touch** is an event of the buyer journey with a channel, other than a purchase; only the
``touch_events`` when given; for a buyer, only those at most ``lookback`` before the first purchase when given.
A user's touches are in the kit's order of events: time, event name, then every other column in the table's order
(missing values last). Each first purchase hands out one credit among the buyer's touches; a buyer without a
touch credits ``"(no touch)"``. The Markov model builds one chain from every journey, converting or not.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from sql_reference.compare import Case
from sql_reference.core import _bind

MODELS = ("first_touch", "last_touch", "linear", "position_based", "markov")
RULES = MODELS[:4]
NO_TOUCH = "(no touch)"

# Each touch's share of its buyer's purchase, from its place ``pos`` (1 = first) among the buyer's ``n`` touches.
_CREDIT = {
    "first_touch": "CASE WHEN pos = 1 THEN 1.0 ELSE 0.0 END::DOUBLE",
    "last_touch": "CASE WHEN pos = n THEN 1.0 ELSE 0.0 END::DOUBLE",
    "linear": "1.0::DOUBLE / n",
    "position_based": ("CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN 0.5 WHEN pos = 1 OR pos = n THEN 0.4 "
                       "ELSE 0.2::DOUBLE / (n - 2) END::DOUBLE"),
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _order(con: duckdb.DuckDBPyConnection) -> str:
    """ORDER BY keys of the kit's order of a user's events (time, event name, the other columns, missing last).

    The same keys as ``core._tie_order``, read from ``DESCRIBE`` (no result frame is made, so a time-zone-aware
    ``timestamp`` does not pass through pandas) and with categorical columns compared as text, as the kit compares
    them, not in the order of their categories.
    """
    columns = con.execute("DESCRIBE events").fetchall()
    keys = ["e.timestamp", "e.event"]
    for name, kind, *_ in columns:
        if name in ("user_id", "timestamp", "event"):
            continue
        value = f"e.{_quote(name)}"
        keys.append(f"{value}::VARCHAR NULLS LAST" if kind.startswith("ENUM") else f"{value} NULLS LAST")
    return ", ".join(keys)


def _arguments(purchase_event: str, touch_events: Sequence[str] | None, lookback) -> dict:
    """Prepared-statement parameters: the purchase name, the touch events and the lookback in microseconds."""
    values = {"purchase": purchase_event}
    if touch_events is not None:
        values["touch_events"] = list(touch_events)
    if lookback is not None:
        values["lookback_us"] = int(pd.Timedelta(lookback) / pd.Timedelta(microseconds=1))
    return values


def _touches_sql(con: duckdb.DuckDBPyConnection, channel_col: str, touch_events, lookback, *,
                 everyone: bool) -> str:
    """CTEs ``buyers`` (first purchase per buyer) and ``touches``: every touch with its user (as text), channel,
    ``converted`` and place ``pos`` (1-based) among the user's ``n`` touches. Only buyers' touches, unless
    ``everyone``: then every user's, with the channel of the ``previous`` touch (for the Markov chain)."""
    channel = f"e.{_quote(channel_col)}"
    where = [f"{channel} IS NOT NULL", "e.event <> $purchase", "(b.bought_at IS NULL OR e.timestamp <= b.bought_at)"]
    if touch_events is not None:
        where.append("list_contains($touch_events, e.event)")
    if lookback is not None:
        where.append("(b.bought_at IS NULL OR e.timestamp >= b.bought_at - to_microseconds($lookback_us))")
    previous = f"lag({channel}::VARCHAR) OVER journey" if everyone else "NULL::VARCHAR"
    return f"""
    buyers AS (SELECT user_id, min(timestamp) AS bought_at FROM events WHERE event = $purchase GROUP BY user_id),
    touches AS (
        SELECT e.user_id::VARCHAR AS user_id, {channel}::VARCHAR AS channel, b.bought_at IS NOT NULL AS converted,
               row_number() OVER journey AS pos, count(*) OVER (PARTITION BY e.user_id) AS n, {previous} AS previous
        FROM events e {'LEFT' if everyone else 'INNER'} JOIN buyers b ON b.user_id = e.user_id
        WHERE {' AND '.join(where)}
        WINDOW journey AS (PARTITION BY e.user_id ORDER BY {_order(con)}))"""


def _run(events, con, build) -> dict[str, np.ndarray]:
    """Bind ``events``, run the query ``build(con)`` returns as (sql, parameters), unbind; the columns as arrays."""
    con = con or duckdb.connect()
    registered = _bind(con, events)
    try:
        sql, values = build(con)
        return con.execute(sql, values).fetchnumpy()
    finally:
        if registered:
            con.unregister("events")


def duckdb_touch_credits(events, model: str = "last_touch", purchase_event: str = "purchase",
                         channel_col: str = "channel", touch_events: Sequence[str] | None = None, lookback=None,
                         con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Each buyer's credit per channel for their first purchase, as ``jk.touch_credits``.

    A buyer's touches (see the module notes) share one credit: all to the first (``first_touch``) or to the last
    (``last_touch``), equally (``linear``), or 40 % each to the first and last and 20 % shared by the ones between
    (``position_based``; one touch takes all, two take half each); a buyer without touches gives 1 to
    ``"(no touch)"``. Rows are (user, channel) with a positive credit summed over the user's touches of that
    channel, sorted by ``user_id`` and ``channel``. Covers the four rule-based models, ``purchase_event``,
    ``channel_col``, ``touch_events`` and ``lookback`` (a duration pandas reads), on a DataFrame or a Parquet glob;
    the columns must be named ``user_id``, ``timestamp`` and ``event``.

    Returns
    -------
    DataFrame
        ``user_id``, ``channel``, ``credit``.
    """
    if model not in RULES:
        raise ValueError(f"model={model!r} is not one of {RULES}")

    def build(con):
        sql = f"""
        WITH {_touches_sql(con, channel_col, touch_events, lookback, everyone=False)},
        credits AS (SELECT user_id, channel, sum({_CREDIT[model]}) AS credit FROM touches GROUP BY user_id, channel)
        SELECT b.user_id::VARCHAR AS user_id, coalesce(c.channel, '{NO_TOUCH}') AS channel,
               coalesce(c.credit, 1.0::DOUBLE) AS credit
        FROM buyers b LEFT JOIN credits c ON c.user_id = b.user_id::VARCHAR
        WHERE c.user_id IS NULL OR c.credit > 0  -- a buyer without touches: one row, "(no touch)"
        ORDER BY 1, 2
        """
        return sql, _arguments(purchase_event, touch_events, lookback)

    columns = _run(events, con, build)
    return pd.DataFrame({"user_id": pd.array(columns["user_id"], dtype="str"),
                         "channel": pd.array(columns["channel"], dtype="str"), "credit": columns["credit"]})


def _channel_table(events, con, models: Sequence[str], purchase_event: str, channel_col: str, touch_events,
                   lookback) -> tuple[dict[str, np.ndarray], int]:
    """One query: touches grouped by (previous channel or start, channel, last touch?, converted), with the number
    of touches and each rule's summed credit (of buyers); and the number of buyers. Non-buyers' touches are read
    only for the Markov model."""
    everyone = "markov" in models

    def build(con):
        sums = ", ".join(f"coalesce(sum({_CREDIT[m]}) FILTER (WHERE converted), 0) AS {m}" for m in RULES)
        sql = f"""
        WITH {_touches_sql(con, channel_col, touch_events, lookback, everyone=everyone)}
        SELECT false AS total, coalesce(previous, '(start)') AS source, channel, pos = n AS last, converted,
               count(*) AS touches, {sums}
        FROM touches GROUP BY ALL
        UNION ALL  -- one more row: the number of buyers (in "touches"), also when nobody has a touch
        SELECT true, '', '', false, false, count(*), {', '.join('0.0' for _ in RULES)} FROM buyers
        """
        return sql, _arguments(purchase_event, touch_events, lookback)

    columns = _run(events, con, build)
    total = columns.pop("total")
    buyers = int(columns["touches"][total].sum())
    return {name: values[~total] for name, values in columns.items()}, buyers


def _credited(table: dict[str, np.ndarray], buyers: int, model: str) -> pd.Series:
    """First purchases credited to each channel under ``model``, sorted by channel, from the channel table."""
    ends = table["last"]
    touched_buyers = int(table["touches"][ends & table["converted"]].sum())  # one last touch per buyer with touches
    if model == "markov":
        credited = _removal_credits(table, touched_buyers)
    else:
        channels, at = np.unique(table["channel"].astype(str), return_inverse=True)
        sums = np.bincount(at, weights=table[model], minlength=len(channels))
        credited = pd.Series(sums[sums > 0], index=channels[sums > 0], dtype="float64")
    if buyers > touched_buyers:
        credited[NO_TOUCH] = float(buyers - touched_buyers)
    return credited.sort_index()


def _removal_credits(table: dict[str, np.ndarray], touched_buyers: int) -> pd.Series:
    """Markov removal-effect credits of every channel, from the transition counts (a small matrix).

    States: start, the channels, conversion, null. P(conversion) from start is the absorption probability of the
    chain; removing a channel sends every move into it to null, which is the same chain with that channel's
    probability of converting fixed at 0. Removal effect = 1 - P(without it) / P; the credits are the effects
    rescaled to add up to the buyers with touches (all zero when nobody with a touch converts).
    """
    channels = np.unique(table["channel"].astype(str))
    if not len(channels):
        return pd.Series(dtype="float64")
    k = 1 + len(channels)  # the transient states: start, then the channels
    source = np.where(table["source"] == "(start)", 0, np.searchsorted(channels, table["source"].astype(str)) + 1)
    target = np.searchsorted(channels, table["channel"].astype(str)) + 1
    moves = np.zeros((k, k + 2))  # columns: the transient states, then conversion, then null
    np.add.at(moves, (source, target), table["touches"])
    ends = table["last"]
    np.add.at(moves, (target[ends], np.where(table["converted"][ends], k, k + 1)), table["touches"][ends])
    p = moves / moves.sum(axis=1, keepdims=True)
    q, r = p[:, :k], p[:, k]

    def converting(kept: np.ndarray) -> float:
        absorbed = np.linalg.solve(np.eye(kept.sum()) - q[np.ix_(kept, kept)], r[kept])
        return float(absorbed[0])

    everything = np.ones(k, dtype=bool)
    base = converting(everything)
    if base == 0:
        return pd.Series(0.0, index=channels)
    effects = np.array([1 - converting(np.arange(k) != i) / base for i in range(1, k)])
    return pd.Series(effects / effects.sum() * touched_buyers, index=channels)


def duckdb_attribute(events, model: str = "last_touch", purchase_event: str = "purchase",
                     channel_col: str = "channel", touch_events: Sequence[str] | None = None, lookback=None,
                     con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """First purchases credited to channels under one model, as ``jk.attribute``.

    Rule-based models sum each buyer's credits (see :func:`duckdb_touch_credits`) per channel, keeping channels
    with a positive total; ``markov`` shares the buyers with touches among every channel touched by anyone, in
    proportion to the channels' removal effects in the chain of all journeys (start → touches' channels →
    conversion or null, each consecutive pair of touches one move, repeats included), zero for a channel whose
    removal costs nothing; buyers without touches count for ``"(no touch)"``. ``share`` is conversions over their
    total; rows sorted by channel. Covers the five models and the options of :func:`duckdb_touch_credits` (with
    ``lookback``, a journey that never converts keeps all its touches).

    Returns
    -------
    DataFrame
        ``channel``, ``conversions``, ``share``.
    """
    if model not in MODELS:
        raise ValueError(f"model={model!r} is not one of {MODELS}")
    table, buyers = _channel_table(events, con, [model], purchase_event, channel_col, touch_events, lookback)
    credited = _credited(table, buyers, model)
    out = credited.rename("conversions").rename_axis("channel").reset_index()
    out["share"] = out["conversions"] / out["conversions"].sum()
    return out


def duckdb_compare_attribution(events, models: Sequence[str] = MODELS, purchase_event: str = "purchase",
                               channel_col: str = "channel", touch_events: Sequence[str] | None = None,
                               lookback=None, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Credited first purchases per channel under several models side by side, as ``jk.compare_attribution``.

    One column per model in the order given (each as :func:`duckdb_attribute`'s ``conversions``), one row per
    channel credited by any of them (0 where a model credits it nothing), indexed by ``channel`` and sorted by
    the first model, largest first; equal values by channel name (the kit does not say how it orders them). The
    transition counts and every rule's credits come from one query; the Markov removal effects are computed from
    the small transition matrix. Covers every model and the options of :func:`duckdb_attribute`. The index holds
    the channels, which :func:`~sql_reference.compare.assert_same` drops: compare ``.reset_index()`` of both.

    Returns
    -------
    DataFrame
        Index ``channel``, one float column per model.
    """
    models = list(models)
    unknown = [m for m in models if m not in MODELS]
    if not models or unknown:
        raise ValueError(f"models must be a non-empty list of {MODELS}, got {models!r}")
    table, buyers = _channel_table(events, con, models, purchase_event, channel_col, touch_events, lookback)
    out = pd.DataFrame({m: _credited(table, buyers, m) for m in models}).fillna(0.0)
    out.index.name = "channel"
    out = out.reset_index().sort_values([models[0], "channel"], ascending=[False, True], kind="stable")
    return out.set_index("channel")


def _generated_cases() -> list[Case]:
    """Calls that mean something on ``benchmarks/generate_log.py``'s log (one acquisition channel per user)."""
    import journeykit as jk

    def case(name, call, kit, sql):
        return Case(name=name, call=call, kit=kit, sql=sql)

    def table(frame):
        return frame.reset_index()

    cases = [
        case("touch_credits", "jk.touch_credits(events)",
             lambda ev: jk.touch_credits(ev), lambda ev, con: duckdb_touch_credits(ev, con=con)),
        case("touch_credits_position_visits",
             'jk.touch_credits(events, model="position_based", touch_events=["visit"])',
             lambda ev: jk.touch_credits(ev, model="position_based", touch_events=["visit"]),
             lambda ev, con: duckdb_touch_credits(ev, model="position_based", touch_events=["visit"], con=con)),
    ]
    for name, options, shown in [
        ("attribute", {}, ""),
        ("attribute_first_touch", {"model": "first_touch"}, ', model="first_touch"'),
        ("attribute_linear_visits_30d", {"model": "linear", "touch_events": ["visit"], "lookback": "30D"},
         ', model="linear", touch_events=["visit"], lookback="30D"'),
        ("attribute_markov_visits", {"model": "markov", "touch_events": ["visit"]},
         ', model="markov", touch_events=["visit"]'),
    ]:
        cases.append(case(name, f"jk.attribute(events{shown})", lambda ev, o=options: jk.attribute(ev, **o),
                          lambda ev, con, o=options: duckdb_attribute(ev, con=con, **o)))
    visits = {"models": ["markov", "last_touch", "linear"], "touch_events": ["visit"]}
    cases += [
        case("compare_attribution", "jk.compare_attribution(events)",
             lambda ev: table(jk.compare_attribution(ev)),
             lambda ev, con: table(duckdb_compare_attribution(ev, con=con))),
        case("compare_attribution_visits",
             'jk.compare_attribution(events, models=["markov", "last_touch", "linear"], touch_events=["visit"])',
             lambda ev: table(jk.compare_attribution(ev, **visits)),
             lambda ev, con: table(duckdb_compare_attribution(ev, con=con, **visits))),
    ]
    return cases


CASES = _generated_cases()
