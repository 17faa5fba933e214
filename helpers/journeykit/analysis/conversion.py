"""Around a funnel: conversion over time, what goes with converting, and what people do after dropping out.

Every function takes the funnel's arguments (``steps``, ``window``,
``order``, ``exclude``; see :mod:`journeykit.analysis.funnel` for the
definition of entering and reaching a step) and keeps its honesty about
incomplete data: users whose conversion window is still open at the end of the
data are never counted as drops.

- :func:`funnel_trends`: conversion by the period in which users entered
  (their first occurrence of step 1), with Wilson intervals; a period with
  entrants whose window is still open is ``complete = False``.
- :func:`conversion_drivers`: which events (done at any time up to reaching
  the step before ``at``) and which property values (on the first
  step-1 event) are more or less common among users who reached ``at`` than
  among those who stopped just before it, as odds ratios with confidence
  intervals. Association, not cause: people who convert differ in many ways.
- :func:`paths_after_drop`: what users who stopped just before ``at`` did
  next, from the event of the last step they reached (a table of
  :func:`journeykit.paths_around`, drawn by :func:`journeykit.plot_paths_around`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.funnel import Step, _order, _run, _step_number, _user_table
from journeykit.analysis.paths import _around
from journeykit.analysis.retention import period_index, period_start
from journeykit.analysis.stats import MIN_SAMPLE, wilson_interval
from journeykit.errors import ParameterError, SchemaError
from journeykit.io.contract import require_columns, validate_events
from journeykit.io.columns import is_in
from journeykit.io.ordering import first_rows, sort_events, user_runs
from journeykit.results import described

__all__ = ["funnel_trends", "conversion_drivers", "paths_after_drop"]


def _users(events, steps, window, order, exclude, user_col, time_col, event_col):
    """Validated events, each entering user's funnel row (with the time of every step reached), the labels."""
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    result = _run(ev, steps, window, None, order, exclude, "user_id", "timestamp", "event")
    times = result.users[["user_id"] + [f"t_{k}" for k in range(1, len(result.labels) + 1)]]
    return ev, _user_table(result).merge(times, on="user_id"), result.labels


def _need_window(window, function: str, what: str) -> None:
    if window is None:
        raise ParameterError(f"{function} needs a window (e.g. window='7D'): without one, nobody ever {what}, "
                             "since anyone could still convert.", "window")


def _step_one(steps) -> set[str]:
    from journeykit.analysis.funnel import _normalise_steps

    return set(_normalise_steps(steps)[0])


@described
def funnel_trends(events: pd.DataFrame, steps: Sequence[Step], *, window, period: str = "W", level: float = 0.95,
                  order: str = "ordered", exclude: Sequence[str] | None = None, user_col: str = "user_id",
                  time_col: str = "timestamp", event_col: str = "event",
                  strict: bool | None = None) -> pd.DataFrame:
    """Conversion through the funnel by the period users entered, with its uncertainty.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    steps : list
        The funnel's steps (see :func:`journeykit.funnel`).
    window : str or Timedelta
        The conversion window; required, because without one every recent
        entrant could still convert and the last periods would look worse.
    period : {"D", "W", "M"}, default "W"
        Day, week from Monday, or calendar month of the first step-1 event.
    level : float, default 0.95
        Confidence level of the Wilson interval.
    order, exclude, strict
        As in :func:`journeykit.funnel` (``strict`` is the old name of ``order``).
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per period with entrants: ``period`` (its first day),
        ``entrants``, ``converted`` (reached the last step), ``conversion``,
        ``ci_low``, ``ci_high``, ``open_entrants`` (window still open at the
        end of the data, not converted yet) and ``complete`` (no open
        entrants: the rate can still rise while False).

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract.
    ParameterError
        For ``window=None``, a ``period`` other than D, W and M, or a step or
        option the funnel refuses.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "b", "c", "c"],
    ...                        "event": ["view", "buy", "view", "view", "buy"],
    ...                        "timestamp": pd.to_datetime(["2025-01-06 10:00", "2025-01-06 11:00",
    ...                                                     "2025-01-07 10:00", "2025-01-14 10:00",
    ...                                                     "2025-01-20 10:00"])})
    >>> funnel_trends(events, ["view", "buy"], window="1D")[["period", "entrants", "converted", "complete"]]
          period  entrants  converted  complete
    0 2025-01-06         2          1      True
    1 2025-01-13         1          0      True
    """
    if window is None:
        raise ParameterError("funnel_trends needs a window (e.g. window='7D'): without one, recent entrants can "
                             "always still convert and the last periods would look like drops.", "window")
    params.choice(period, "period", ("D", "W", "M"))
    ev, users, labels = _users(events, steps, window, _order(order, strict), exclude, user_col, time_col, event_col)
    first = ev[ev["event"].isin(_step_one(steps))].groupby("user_id")["timestamp"].min()
    users["period"] = period_index(users["user_id"].map(first).to_numpy(), period)
    users["open"] = ~users["window_closed"] & ~users["converted"]
    out = users.groupby("period", sort=True).agg(entrants=("user_id", "size"), converted=("converted", "sum"),
                                                 open_entrants=("open", "sum")).reset_index()
    out["conversion"] = out["converted"] / out["entrants"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["converted"].to_numpy(), out["entrants"].to_numpy(),
                                                    level=level)
    out["complete"] = out["open_entrants"] == 0
    out["period"] = period_start(out["period"].to_numpy(), period)
    out.attrs.update(steps=list(labels), window=pd.Timedelta(window))
    return out[["period", "entrants", "converted", "conversion", "ci_low", "ci_high", "open_entrants", "complete"]]


def _odds(with_yes: np.ndarray, with_n: np.ndarray, yes: int, n: int, level: float) -> pd.DataFrame:
    """Odds ratios of converting with a feature vs without it, Woolf intervals (0.5 added to every cell of a
    table with a zero)."""
    from statistics import NormalDist

    a, b = with_yes.astype(float), (with_n - with_yes).astype(float)
    c, d = (yes - with_yes).astype(float), ((n - yes) - (with_n - with_yes)).astype(float)
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    a, b, c, d = (x + 0.5 * zero for x in (a, b, c, d))
    log_or = np.log(a * d / (b * c))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return pd.DataFrame({"odds_ratio": np.exp(log_or), "ci_low": np.exp(log_or - z * se),
                         "ci_high": np.exp(log_or + z * se)})


@described
def conversion_drivers(events: pd.DataFrame, steps: Sequence[Step], *, window, at: int | str = -1,
                       columns: Sequence[str] | None = None, min_sample: int = MIN_SAMPLE, level: float = 0.95,
                       order: str = "ordered", exclude: Sequence[str] | None = None, user_col: str = "user_id",
                       time_col: str = "timestamp", event_col: str = "event",
                       strict: bool | None = None) -> pd.DataFrame:
    """Events and property values over- or under-represented among users who converted at a step.

    The population is the users who reached the step before ``at`` and
    whose window has closed; **converted** means they reached ``at``. A user
    **has an event** when they did it at any time up to reaching the step
    before ``at`` (before the decision, for converters and dropped users
    alike; the funnel's own events aside); a user **has a value** of a column when their first
    step-1 event carries it. For each feature, the odds of converting with it
    are divided by the odds without it.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    steps : list
        The funnel's steps (see :func:`journeykit.funnel`).
    at : int or str, default -1
        The step whose conversion is explained: its label or number (2 to
        the number of steps; -1 for the last).
    window : str or Timedelta
        The conversion window, required: without one nobody has stopped.
    order, exclude, strict
        As in :func:`journeykit.funnel` (``strict`` is the old name of ``order``).
    columns : list of str, optional
        Context columns whose values are compared (e.g. ``["device",
        "channel"]``).
    min_sample : int, default 30
        Features shown only when at least this many users have them and as
        many do not.
    level : float, default 0.95
        Confidence level of the intervals.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per feature, the strongest association first (largest
        absolute log odds ratio): ``feature`` ("event" or the column name),
        ``value``, ``users`` (with it), ``conversion_with``,
        ``conversion_without``, ``odds_ratio``, ``ci_low``, ``ci_high`` and
        ``clear`` (the interval excludes 1). ``attrs["population"]`` is the
        number of users compared.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract or lacks a column of
        ``columns``.
    ParameterError
        If ``window`` is None, ``at`` is not a step from 2 on,
        ``min_sample`` is not a whole number of at least 1, or a step or
        option the funnel refuses.

    Examples
    --------
    >>> import journeykit as jk
    >>> shop = jk.simulate_shop(3000, seed=2)
    >>> drivers = conversion_drivers(shop["events"], ["add_to_cart", "begin_checkout", "purchase"],
    ...                              window="1D", columns=["device"])
    >>> bool(drivers.loc[drivers["value"] == "mobile", "odds_ratio"].iloc[0] < 1)  # mobile payments fail more
    True
    """
    min_sample = params.integer(min_sample, "min_sample", minimum=1)
    columns = params.names(columns, "columns", allow_none=True, allow_empty=True) or []
    _need_window(window, "conversion_drivers", "who has stopped")
    ev, users, labels = _users(events, steps, window, _order(order, strict), exclude, user_col, time_col, event_col)
    require_columns(ev, columns, "events")
    k = len(labels) if at == -1 else _step_number(at, labels)
    if k == 1:
        raise ParameterError("step 1 has no conversion to explain (it is how users enter); choose at=2 or later.",
                             "at")
    population = users[(users["furthest_step"] >= k - 1) & (users["window_closed"] | (users["furthest_step"] >= k))]
    converted = (population["furthest_step"] >= k).to_numpy()
    if converted.all() or not converted.any():
        raise SchemaError([f"of the {len(population):,} users who reached step {k - 1} with a closed window, "
                           f"{'all' if converted.all() else 'none'} reached step {k}; there is nothing to compare."],
                          "events")
    pop = population[["user_id"]].assign(converted=converted)
    # integer user codes: `member` is each population user's code (every one of them has events)
    codes, ids = pd.factorize(ev["user_id"])
    member = pd.Index(ids).get_indexer(population["user_id"])
    table = _before_step(ev, population, k - 1, steps, codes, member, converted)
    # each user's first step-1 event in the kit's order carries their values
    in_population = np.zeros(len(ids), dtype=bool)
    in_population[member] = True
    _, entry = first_rows(ev, codes, ev["event"].isin(_step_one(steps)).to_numpy() & in_population[codes])
    entry_of = np.zeros(len(ids), dtype=np.int64)
    entry_of[np.flatnonzero(in_population)] = entry
    entry = entry_of[member]
    features = [_event_features(table)] + [_value_features(ev[column].array.take(entry), pop, column)
                                           for column in columns]
    out = pd.concat(features, ignore_index=True)
    n, yes = len(pop), int(converted.sum())
    out = out[(out["users"] >= min_sample) & (n - out["users"] >= min_sample)].reset_index(drop=True)
    stats = _odds(out["converted"].to_numpy(), out["users"].to_numpy(), yes, n, level)
    out = pd.concat([out, stats], axis=1)
    out["conversion_with"] = out["converted"] / out["users"]
    out["conversion_without"] = (yes - out["converted"]) / (n - out["users"])
    out["clear"] = (out["ci_low"] > 1) | (out["ci_high"] < 1)
    out = out.iloc[np.argsort(-np.abs(np.log(out["odds_ratio"].to_numpy())), kind="stable")].reset_index(drop=True)
    out.attrs["population"] = n
    return out[["feature", "value", "users", "conversion_with", "conversion_without", "odds_ratio", "ci_low",
                "ci_high", "clear"]]


def _before_step(ev: pd.DataFrame, users: pd.DataFrame, step: int, steps, codes: np.ndarray, member: np.ndarray,
                 converted: np.ndarray) -> pd.DataFrame:
    """Each (user, event name) done up to reaching ``step``, earlier history included, funnel events left out;
    with whether the user converted. ``codes`` are the events' user codes, ``member`` the codes of ``users``."""
    from journeykit.analysis.funnel import _normalise_steps

    # the moment the user reached the step: its time in order; in any order, the latest of the steps' times
    stop = users[[f"t_{k}" for k in range(1, step + 1)]].max(axis=1)
    limit = np.full(int(codes.max()) + 1, np.iinfo(np.int64).min)
    limit[member] = stop.to_numpy().astype("datetime64[ns]").view(np.int64)
    won = np.zeros(len(limit), dtype=bool)
    won[member] = converted
    names = {n for step_names in _normalise_steps(steps) for n in step_names}
    name, labels = pd.factorize(ev["event"])
    t = ev["timestamp"].to_numpy().astype("datetime64[ns]").view(np.int64)
    keep = (t <= limit[codes]) & ~np.isin(np.asarray(labels, dtype=object), list(names))[name]
    pairs = pd.unique(codes[keep].astype(np.int64) * len(labels) + name[keep])  # distinct (user, event name)
    user = pairs // len(labels)
    return pd.DataFrame({"user": user, "event": pd.Index(labels).take(pairs % len(labels)),
                         "converted": won[user]})


def _event_features(table: pd.DataFrame) -> pd.DataFrame:
    counts = table.groupby("event").agg(users=("user", "size"), converted=("converted", "sum")).reset_index()
    return counts.rename(columns={"event": "value"}).assign(feature="event")[["feature", "value", "users",
                                                                              "converted"]]


def _value_features(values, pop: pd.DataFrame, column: str) -> pd.DataFrame:
    """Users by ``values`` (of ``column`` on their first step-1 event, aligned with ``pop``), with how many
    converted."""
    frame = pop.assign(value=values)
    counts = frame.groupby("value", dropna=False).agg(users=("user_id", "size"), converted=("converted", "sum"))
    return counts.reset_index().assign(feature=column)[["feature", "value", "users", "converted"]]


@described
def paths_after_drop(events: pd.DataFrame, steps: Sequence[Step], at: int | str, *, window, after: int = 3,
                     collapse: str = "repeats", top: int | None = 20, order: str = "ordered",
                     exclude: Sequence[str] | None = None, user_col: str = "user_id", time_col: str = "timestamp",
                     event_col: str = "event",
                     strict: bool | None = None) -> pd.DataFrame:
    """What users who stopped just before a step did next: their most common paths from the last step reached.

    The users are those whose furthest step is the one before ``at`` and
    whose window has closed (users who may still convert are left out). Each
    path starts at the event of their last step reached (in their best
    attempt) and follows their next ``after`` events, as in
    :func:`journeykit.paths_around`; a history that stops there ends with
    ``(end)``.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    steps : list
        The funnel's steps (see :func:`journeykit.funnel`).
    at : int or str
        The step they did not reach: its label or number (2 or later).
    window : str or Timedelta
        The conversion window, required: without one nobody has stopped.
    order, exclude, strict
        As in :func:`journeykit.funnel` (``strict`` is the old name of ``order``).
    after : int, default 3
        How many events to follow.
    collapse : {"repeats", "none"}, default "repeats"
        Merge consecutive identical events, or keep every one.
    top : int or None, default 20
        How many paths to return; None for all.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        The table of :func:`journeykit.paths_around` (``path``, ``users``,
        ``share``, ``step_0`` …), ``attrs["users"]`` the dropped users.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, or nobody dropped there with
        a closed window.
    ParameterError
        If ``at`` is not a step from 2 on, ``after`` or ``top`` is not a
        whole number of at least 1, or a step or option the funnel refuses.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "a", "b", "b"],
    ...                        "event": ["cart", "visit", "search", "cart", "buy"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-03 09:00",
    ...                                                     "2025-01-03 09:01", "2025-01-02 10:00",
    ...                                                     "2025-01-02 10:05"])})
    >>> paths_after_drop(events, ["cart", "buy"], "buy", window="1D")[["path", "users"]]
                                path  users
    0  cart → visit → search → (end)      1

    ``a`` left the cart without buying within a day; ``b`` bought.
    """
    after = params.integer(after, "after", minimum=1)
    params.choice(collapse, "collapse", ("repeats", "none"))
    _need_window(window, "paths_after_drop", "has stopped")
    top = None if top is None else params.integer(top, "top", minimum=1)
    order = _order(order, strict)
    ev, users, labels = _users(events, steps, window, order, exclude, user_col, time_col, event_col)
    k = _step_number(at, labels)
    if k == 1:
        raise ParameterError("nobody drops before step 1 (it is how users enter); choose at=2 or later.", "at")
    dropped = users[(users["furthest_step"] == k - 1) & users["window_closed"]]
    if dropped.empty:
        raise SchemaError([f"no user stopped before {labels[k - 1]!r} with a closed window."], "events")
    from journeykit.analysis.funnel import _normalise_steps

    # the last funnel event of their best attempt: step k-1 in order; in any order, the latest of steps 1..k-1
    spec = _normalise_steps(steps)
    names = set(spec[k - 2]) if order != "any" else {n for step in spec[:k - 1] for n in step}
    reached_at = dropped[[f"t_{j}" for j in range(1, k)]].max(axis=1).set_axis(dropped["user_id"].to_numpy())
    ev = sort_events(ev[is_in(ev["user_id"], dropped["user_id"])]).reset_index(drop=True)
    last_step_at = ev["user_id"].map(reached_at)
    rows = np.flatnonzero(((ev["timestamp"] == last_step_at) & ev["event"].isin(names)).to_numpy())
    anchor = np.zeros(len(ev), dtype=bool)  # each user's first such event (the rows are in the kit's order)
    anchor[rows[np.unique(user_runs(ev)[rows], return_index=True)[1]]] = True
    return _around(ev.assign(step=ev["event"]), anchor, direction="after", steps=after, collapse=collapse, top=top)
