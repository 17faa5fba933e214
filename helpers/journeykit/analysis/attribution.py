"""Channel attribution: which channels get the credit for first purchases?

A **touch** is an interaction with a channel in a user's buyer journey (up to
and including their first purchase): every event with a channel, or only the
``touch_events`` named (``["visit"]`` counts one touch per website session).
Each first purchase (a **conversion**) hands out one credit among its touches:

- ``first_touch``: all of it to the first touch;
- ``last_touch``: all of it to the last touch before the purchase;
- ``linear``: equally to every touch;
- ``position_based`` (40/20/40): 40% to the first, 40% to the last, 20% shared by
  the ones in between (one touch takes all; two take half each);
- ``markov``: the data-driven **removal effect**. Every journey, converting or
  not, is a path start → channels → conversion or null; the transition
  probabilities between those states form a Markov chain. A channel's removal
  effect is the share of conversions that would be lost if it were removed
  (its transitions sent to null); conversions are shared in proportion to the
  removal effects. Journeys that do not convert are needed: without them every
  path converts and removing a channel would cost nothing it does not
  trivially touch.

Conversions without any touch are credited to ``"(no touch)"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.paths import _check_event
from journeykit.errors import ParameterError, unknown_names
from journeykit.io.contract import require_columns, validate_events
from journeykit.io.ordering import factorize_sorted, order_ties, sort_order, user_runs
from journeykit.params import duration
from journeykit.results import described

__all__ = ["ATTRIBUTION_MODELS", "touch_credits", "attribute", "compare_attribution", "NO_TOUCH"]

ATTRIBUTION_MODELS = ("first_touch", "last_touch", "linear", "position_based", "markov")
"""The attribution models the kit computes."""

NO_TOUCH = "(no touch)"
"""Channel label for conversions with no touch before them."""


def _touches(events: pd.DataFrame, purchase_event: str, channel_col: str, touch_events: Sequence[str] | None,
             lookback, user_col: str, time_col: str, event_col: str) -> tuple[pd.DataFrame, pd.Series]:
    """Touches of every buyer journey (in the kit's order) and the users who converted."""
    touch_events = params.names(touch_events, "touch_events", allow_none=True)
    channel_col = params.column(channel_col, "channel_col")
    limit = duration(lookback, "lookback", allow_none=True)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    purchase_event = _check_event(ev, purchase_event, "purchase_event")
    require_columns(ev, [channel_col], "events", param="channel_col")
    # event names as integer codes (the few distinct names ranked once)
    name, names = factorize_sorted(ev["event"])
    names = np.asarray(names, dtype=object)
    purchase_code = int(np.flatnonzero(names == purchase_event)[0])
    touch_name = np.ones(len(names), dtype=bool) if touch_events is None else np.isin(names, touch_events)
    touch_name[purchase_code] = False
    # only the rows that matter: purchases, and events that can be touches; their users as integer codes
    rows = np.flatnonzero(touch_name[name] | (name == purchase_code))
    codes, ids = factorize_sorted(ev["user_id"].iloc[rows] if len(rows) < len(ev) else ev["user_id"])
    t = pd.DatetimeIndex(ev["timestamp"]).asi8[rows]
    name = name[rows]
    is_purchase = name == purchase_code
    # each user's first purchase (the end of their buyer journey): no sort of the events
    never = np.iinfo(np.int64).max
    first_purchase = np.full(len(ids), never)
    np.minimum.at(first_purchase, codes[is_purchase], t[is_purchase])
    at_first = np.flatnonzero(is_purchase & (t == first_purchase[codes]))
    buyers, first_row = np.unique(codes[at_first], return_index=True)  # in id order, as the kit orders users
    converters = pd.Series(ev["timestamp"].array.take(rows[at_first[first_row]]), name="first_purchase_at",
                           index=pd.Index(ids[buyers], name="user_id"))
    buyer = t <= first_purchase[codes]  # the buyer journey: up to the first purchase's moment (all, without one)
    converted = first_purchase[codes] < never
    if touch_events is not None:  # a touch event must occur, and in some buyer journey
        unknown_names(touch_events, names, "touch_events")
        seen = set(names[np.bincount(name[buyer], minlength=len(names)) > 0])
        late = [e for e in touch_events if e not in seen]
        if late:
            raise ParameterError(f"touch_events: {late} occur only after users' first {purchase_event!r}, never in "
                                 "a buyer journey, so they cannot be touches; choose events that happen before a "
                                 "purchase.", "touch_events")
    is_touch = buyer & ~is_purchase & ev[channel_col].notna().to_numpy(dtype=bool)[rows]
    if limit is not None:
        is_touch &= ~converted | (t >= first_purchase[codes] - limit.value)
    # only the touches are put in the kit's order: by the integer user, time and name codes, then (rows that tie
    # on all three) by the other columns
    touch = np.flatnonzero(is_touch)
    order = touch[sort_order(codes[touch], t[touch], name[touch])]
    ordered = order_ties(ev, rows[order], [codes[order], t[order], name[order]])
    positions = np.searchsorted(rows, ordered)  # back to the rows that matter, for their arrays
    touches = pd.DataFrame({"user_id": ev["user_id"].array.take(ordered),
                            "timestamp": ev["timestamp"].array.take(ordered),
                            "channel": ev[channel_col].array.take(ordered), "converted": converted[positions]})
    return touches, converters


@described
def touch_credits(events: pd.DataFrame, *, model: str = "last_touch", purchase_event: str = "purchase",
                  channel_col: str = "channel", touch_events: Sequence[str] | None = None, lookback=None,
                  user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
                  conversion_event: str | None = None) -> pd.DataFrame:
    """The credit each channel gets for each first purchase, under a rule-based model.

    Parameters
    ----------
    events : DataFrame
        Event log with a channel column.
    model : {"first_touch", "last_touch", "linear", "position_based"}
        The rule (see the module notes).
    purchase_event : str, default "purchase"
        The event whose first occurrence is the conversion.
    conversion_event : str, optional
        Old name of ``purchase_event``; it warns and will be removed in the next release.
    channel_col : str, default "channel"
        Column holding the channel of each touch.
    touch_events : sequence of str, optional
        Only these events count as touches (e.g. ``["visit"]``); every event with a channel when None.
    lookback : str or Timedelta, optional
        Only touches this close before the conversion count (e.g. ``"30D"``).
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per converting user and channel: ``user_id``, ``channel``,
        ``credit``. Each user's credits sum to 1.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, or has no ``channel_col`` column.
    ParameterError
        If ``purchase_event`` is not a name or does not occur in the events;
        both ``purchase_event`` and its old name ``conversion_event`` are
        given; ``channel_col`` is not a column name; ``touch_events`` is not a
        non-empty list of names or names an event that does not occur in the
        buyer journeys; or ``lookback`` is not a positive duration with a unit.
        Also if ``model`` is not one of the four rule-based models (for
        ``"markov"`` the message points to :func:`attribute`).

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "user_id": ["a"] * 4, "event": ["visit", "visit", "visit", "purchase"],
    ...     "channel": ["social", "email", "search", "search"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-01-02 09:00", "2025-01-03 09:00",
    ...                                  "2025-01-03 09:05"])})
    >>> touch_credits(events, model="position_based")
      user_id channel  credit
    0       a   email     0.2
    1       a  search     0.4
    2       a  social     0.4

    The three visits are the touches (the purchase itself is not one): the first
    (social) and the last (search) get 40% each, the one in between 20%.
    """
    purchase_event = params.renamed(purchase_event, conversion_event, "purchase_event", "conversion_event", "purchase")
    rules = ATTRIBUTION_MODELS[:4]
    if model == "markov":
        raise ParameterError("model='markov' credits channels in aggregate, not per user: use jk.attribute(events, "
                             f"model='markov'). touch_credits takes one of {list(rules)}.", "model")
    params.choice(model, "model", rules)
    touches, converters = _touches(events, purchase_event, channel_col, touch_events, lookback, user_col,
                                   time_col, event_col)
    return _rule_credits(touches, converters, model)


def touch_weight(model: str, n: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Each touch's share of its buyer's purchase under a rule-based model, from the number of touches ``n`` in
    the buyer's journey and whether the touch is an end (the first or the last). For first and last touch, only
    that one touch is given (its share is 1)."""
    if model in ("first_touch", "last_touch"):
        return np.ones(len(n))
    if model == "linear":
        return 1.0 / n
    middle = np.where(n > 2, 0.2 / np.maximum(n - 2, 1), 0.0)
    ends = np.where(n == 1, 1.0, np.where(n == 2, 0.5, 0.4))
    return np.where(end, ends, middle)


def credits_from_counts(counts: pd.DataFrame, untouched: int, model: str) -> pd.Series:
    """Credited first purchases per channel from whole numbers: ``counts`` holds the touches per ``channel``,
    journey length ``n`` and ``end`` (1 for an end, 0 for the middle); ``untouched`` buyers credit (no touch).

    The fractions are added in one fixed order (by channel, length, end), so the pandas implementation and every
    engine give the same digits.
    """
    counts = counts.sort_values(["channel", "n", "end"], kind="stable", ignore_index=True)
    credit = counts["touches"].to_numpy(dtype=np.int64) * touch_weight(model, counts["n"].to_numpy(),
                                                                       counts["end"].to_numpy() == 1)
    credited = pd.Series(credit, dtype=float).groupby(counts["channel"].to_numpy(), sort=True).sum()
    if untouched > 0:
        credited[NO_TOUCH] = float(untouched)
    return credited[credited > 0].sort_index()


def _positions(touches: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The buyers' touches (in the kit's order), with each touch's journey length and position in it."""
    t = touches[touches["converted"].to_numpy(dtype=bool)].reset_index(drop=True)
    user = user_runs(t)  # the touches are in the kit's order: a user's touches are one run
    starts = np.flatnonzero(np.r_[True, user[1:] != user[:-1]]) if len(t) else np.arange(0)
    sizes = np.diff(np.r_[starts, len(t)])
    return t, np.repeat(sizes, sizes), np.arange(len(t)) - np.repeat(starts, sizes)


def _rule_credits(touches: pd.DataFrame, converters: pd.Series, model: str) -> pd.DataFrame:
    """Each buyer's credit per channel under a rule-based model, from their touches (in the kit's order)."""
    t, n, pos = _positions(touches)
    first, last = pos == 0, pos == n - 1
    if model == "first_touch":
        credit = first.astype(float)
    elif model == "last_touch":
        credit = last.astype(float)
    else:
        credit = touch_weight(model, n, first | last)
    t["credit"] = credit
    out = t.groupby(["user_id", "channel"], as_index=False)["credit"].sum()
    untouched = converters.index.difference(t["user_id"].unique())
    if len(untouched):
        out = pd.concat([out, pd.DataFrame({"user_id": untouched, "channel": NO_TOUCH, "credit": 1.0})])
    return out[out["credit"] > 0].sort_values(["user_id", "channel"], ignore_index=True)


def _touch_counts(touches: pd.DataFrame, converters: pd.Series, model: str) -> tuple[pd.DataFrame, int]:
    """Touches per channel, journey length and end or middle (what :func:`credits_from_counts` reads), and the
    number of buyers without a touch."""
    t, n, pos = _positions(touches)
    first, last = pos == 0, pos == n - 1
    if model in ("first_touch", "last_touch"):  # the one credited touch, as a journey of one
        keep = first if model == "first_touch" else last
        t, n, end = t[keep], np.ones(int(keep.sum()), dtype=np.int64), np.ones(int(keep.sum()), dtype=np.int64)
    else:
        end = (first | last).astype(np.int64)
    counts = pd.DataFrame({"channel": t["channel"].to_numpy(), "n": n, "end": end}).value_counts(
        sort=False).rename("touches").reset_index()
    return counts, len(converters) - int(first.sum())


def _credited(touches: pd.DataFrame, converters: pd.Series, model: str) -> pd.Series:
    """First purchases credited to each channel under ``model``, from the buyers' touches."""
    if model != "markov":
        return credits_from_counts(*_touch_counts(touches, converters, model), model)
    credited = _markov(touches) if len(touches) else pd.Series(dtype=float)
    untouched = converters.index.difference(touches["user_id"].unique())
    if len(untouched):
        credited[NO_TOUCH] = float(len(untouched))
    return credited


def _markov(touches: pd.DataFrame) -> pd.Series:
    """Removal-effect credits per channel (summing to the conversions of users with touches)."""
    journeys = touches  # sorted by user, then time
    codes, uniques = pd.factorize(journeys["channel"])  # hashing the rows once; only the few channels are sorted
    channels = sorted(uniques)
    position = {ch: i for i, ch in enumerate(channels)}
    channel_codes = np.array([position[ch] for ch in uniques], dtype=np.int64)[codes]
    states = ["(start)", *channels, "(conversion)", "(null)"]
    index = {s: i for i, s in enumerate(states)}
    code = channel_codes + 1
    user = user_runs(journeys)
    first = np.r_[True, user[1:] != user[:-1]]
    last = np.r_[user[1:] != user[:-1], True]
    outcome = np.where(journeys["converted"].to_numpy(dtype=bool)[last], index["(conversion)"], index["(null)"])
    later = np.flatnonzero(~first)  # touches after a user's first: each is a move from the touch before it
    sources = np.r_[np.full(first.sum(), index["(start)"]), code[later - 1], code[last]]
    targets = np.r_[code[first], code[later], outcome]
    counts = np.zeros((len(states), len(states)))
    np.add.at(counts, (sources, targets), 1)

    def conversion_probability(removed: int | None) -> float:
        c = counts.copy()
        if removed is not None:  # every move into the removed channel ends in null instead
            c[:, index["(null)"]] += c[:, removed]
            c[:, removed] = 0
            c[removed, :] = 0
        totals = c.sum(axis=1, keepdims=True)
        p = np.divide(c, totals, out=np.zeros_like(c), where=totals > 0)
        transient = [index["(start)"], *(index[ch] for ch in channels)]
        q = p[np.ix_(transient, transient)]
        r = p[transient, index["(conversion)"]]
        absorbed = np.linalg.solve(np.eye(len(transient)) - q, r)
        return float(absorbed[0])

    base = conversion_probability(None)
    if base == 0:
        return pd.Series(0.0, index=channels)
    effects = pd.Series({ch: 1 - conversion_probability(index[ch]) / base for ch in channels})
    converted_with_touches = int(journeys["converted"].to_numpy(dtype=bool)[last].sum())
    return effects / effects.sum() * converted_with_touches


@described
def attribute(events: pd.DataFrame, *, model: str = "last_touch", purchase_event: str = "purchase",
              channel_col: str = "channel", touch_events: Sequence[str] | None = None, lookback=None,
              user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
              conversion_event: str | None = None) -> pd.DataFrame:
    """Credit first purchases to channels under one attribution model.

    Parameters
    ----------
    model : {"first_touch", "last_touch", "linear", "position_based", "markov"}
        See the module notes.
    events, purchase_event, channel_col, touch_events, lookback, user_col, time_col, event_col
        As in :func:`touch_credits`.
    conversion_event : str, optional
        Old name of ``purchase_event``; it warns and will be removed in the next release.

    Returns
    -------
    DataFrame
        One row per channel: ``channel``, ``conversions`` (credited first
        purchases; they add up to the number of buyers) and ``share``.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, or has no ``channel_col`` column.
    ParameterError
        If ``purchase_event`` is not a name or does not occur in the events;
        both ``purchase_event`` and its old name ``conversion_event`` are
        given; ``channel_col`` is not a column name; ``touch_events`` is not a
        non-empty list of names or names an event that does not occur in the
        buyer journeys; or ``lookback`` is not a positive duration with a unit.
        Also if ``model`` is not one of :data:`ATTRIBUTION_MODELS`.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "a", "b", "b"], "event": ["visit", "visit", "purchase", "visit", "purchase"],
    ...     "channel": ["social", "search", "search", "search", "search"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-01-02 09:00", "2025-01-02 09:05",
    ...                                  "2025-01-01 10:00", "2025-01-01 10:09"])})
    >>> attribute(events, model="first_touch")
      channel  conversions  share
    0  search          1.0    0.5
    1  social          1.0    0.5

    ``a`` first came through social and ``b`` through search: one first purchase each.
    """
    purchase_event = params.renamed(purchase_event, conversion_event, "purchase_event", "conversion_event", "purchase")
    params.choice(model, "model", ATTRIBUTION_MODELS)
    touches, converters = _touches(events, purchase_event, channel_col, touch_events, lookback, user_col, time_col,
                                   event_col)
    out = _credited(touches, converters, model).rename("conversions").rename_axis("channel").reset_index()
    out["share"] = out["conversions"] / out["conversions"].sum()
    return out.sort_values("channel", ignore_index=True)


@described
def compare_attribution(events: pd.DataFrame, *, models: Sequence[str] = ATTRIBUTION_MODELS,
                        purchase_event: str = "purchase", channel_col: str = "channel",
                        touch_events: Sequence[str] | None = None, lookback=None, user_col: str = "user_id",
                        time_col: str = "timestamp", event_col: str = "event",
                        conversion_event: str | None = None) -> pd.DataFrame:
    """Credited first purchases per channel under several models, side by side.

    Parameters
    ----------
    events : DataFrame
        Event log with a channel column.
    models : sequence of str, default ATTRIBUTION_MODELS
        The models to compute, in column order; any of :data:`ATTRIBUTION_MODELS`.
    purchase_event, channel_col, touch_events, lookback, user_col, time_col, event_col
        As in :func:`touch_credits`.
    conversion_event : str, optional
        Old name of ``purchase_event``; it warns and will be removed in the next release.

    Returns
    -------
    DataFrame
        One row per channel, one column per model (credited conversions), sorted by the first model
        (most credited first; channels with equal credit in name order).

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, or has no ``channel_col`` column.
    ParameterError
        If ``purchase_event`` is not a name or does not occur in the events;
        both ``purchase_event`` and its old name ``conversion_event`` are
        given; ``channel_col`` is not a column name; ``touch_events`` is not a
        non-empty list of names or names an event that does not occur in the
        buyer journeys; or ``lookback`` is not a positive duration with a unit.
        Also if ``models`` is not a non-empty list of names or names a model
        that is not in :data:`ATTRIBUTION_MODELS`.

    Examples
    --------
    ``a`` comes through social, returns through search and buys; ``b`` comes
    through search and buys.

    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "a", "b", "b"], "event": ["visit", "visit", "purchase", "visit", "purchase"],
    ...     "channel": ["social", "search", "search", "search", "search"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-01-02 09:00", "2025-01-02 09:05",
    ...                                  "2025-01-01 10:00", "2025-01-01 10:09"])})
    >>> compare_attribution(events, models=["last_touch", "first_touch", "linear"])
             last_touch  first_touch  linear
    channel
    search          2.0          1.0     1.5
    social          0.0          1.0     0.5

    Last touch gives both purchases to search; first touch gives ``a``'s to
    social; linear splits ``a``'s purchase in half between its two touches.
    """
    purchase_event = params.renamed(purchase_event, conversion_event, "purchase_event", "conversion_event", "purchase")
    models = params.names(models, "models")
    for m in models:
        params.choice(m, "models", ATTRIBUTION_MODELS)
    # the buyers' touches once, every model from them (each through jk.attribute would split the journeys again)
    touches, converters = _touches(events, purchase_event, channel_col, touch_events, lookback, user_col, time_col,
                                   event_col)
    columns = {m: _credited(touches, converters, m).sort_index() for m in models}
    table = pd.DataFrame(columns).fillna(0.0)
    table.index.name = "channel"
    return table.sort_values(list(models)[0], ascending=False, kind="stable")  # ties stay in channel order
