"""Paths through the journey: the buyer journey and what comes after it.

- :func:`split_journeys` cuts each user's history at their first purchase: the
  **buyer journey** is everything up to and including it; the rest is the
  customer journey after the first purchase.
- :func:`top_paths` counts the most common sequences of events or stages.
- :func:`transition_matrix` gives the probability of moving from each stage to
  each other stage (or of the journey ending there); :func:`plot_flow` draws it.
- :func:`purchase_timing` measures time and touches to the first purchase and
  from the first to the second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.stages import StageModel, _model, assign_stages
from journeykit.errors import SchemaError, unknown_names
from journeykit.io.contract import validate_events
from journeykit.io.columns import is_in, text_labels
from journeykit.io.ordering import event_order, factorize_sorted, first_time, sort_events, sort_order, user_runs
from journeykit.results import described

__all__ = ["split_journeys", "top_paths", "transition_matrix", "purchase_timing", "paths_around", "END", "START"]

END = "(end)"
"""Label of the end of a journey in transition tables."""

_PARTS = ("buyer", "after")


def _check_event(ev: pd.DataFrame, name: object, param: str) -> str:
    name = params.name(name, param)
    unknown_names(name, ev["event"].unique(), param)
    return name


@described
def split_journeys(events: pd.DataFrame, *, purchase_event: str = "purchase", user_col: str = "user_id",
                   time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Label every event as part of the buyer journey or of what comes after the first purchase.

    The **buyer journey** of a user is every event up to and including their
    first ``purchase_event`` (events with the same timestamp as that purchase
    included). Everything later is ``"after"``. Users who never purchased have
    only a buyer journey, which did not convert.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    purchase_event : str, default "purchase"
        The event whose first occurrence ends the buyer journey.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        The validated events sorted by user and time, with ``part``
        (``"buyer"`` or ``"after"``), ``converted`` (the user made a purchase)
        and ``first_purchase_at``.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract.
    ParameterError
        If ``purchase_event`` is not a name or does not occur in the events
        (the message suggests the closest names).

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "a", "b"], "event": ["visit", "purchase", "visit", "visit"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-05",
    ...                                                     "2025-01-03"])})
    >>> split_journeys(events)[["user_id", "event", "part", "converted"]]
      user_id     event   part  converted
    0       a     visit  buyer       True
    1       a  purchase  buyer       True
    2       a     visit  after       True
    3       b     visit  buyer      False

    ``a``'s visit after the purchase starts the customer journey after it; ``b``
    never buys, so all of ``b``'s events are a buyer journey that did not convert.
    """
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    purchase_event = _check_event(ev, purchase_event, "purchase_event")
    ev = sort_events(ev)
    ev["first_purchase_at"] = first_time(ev, ev["event"] == purchase_event)
    ev["converted"] = ev["first_purchase_at"].notna()
    after = (ev["converted"] & (ev["timestamp"] > ev["first_purchase_at"])).to_numpy(dtype=np.int64)
    ev["part"] = text_labels(after, ["buyer", "after"], ev.index)
    return ev


def _steps(events: pd.DataFrame, level: str, model: StageModel | str | None, part: str | None,
           purchase_event: str, user_col: str, time_col: str, event_col: str) -> pd.DataFrame:
    """Events (or stages) per user in time order, limited to one part of the journey."""
    params.choice(part, "part", (*_PARTS, None))
    params.choice(level, "level", ("event", "stage"))
    params.name(purchase_event, "purchase_event")
    if part is None:  # the whole journey: no purchase needed to cut it
        ev = sort_events(validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col))
        bought = ev.loc[ev["event"] == purchase_event, "user_id"].unique()
        ev = ev.assign(part="whole", converted=is_in(ev["user_id"], bought), first_purchase_at=pd.NaT)
    else:
        ev = split_journeys(events, purchase_event=purchase_event, user_col=user_col, time_col=time_col,
                            event_col=event_col)
    if level == "stage":
        # in the kit's order, with the stage order breaking ties in time
        ev = assign_stages(ev, model if model is not None else "6-stage")
        ev["step"] = text_labels(ev["stage"].cat.codes.to_numpy(), list(ev["stage"].cat.categories), ev.index)
    else:
        ev["step"] = ev["event"]
    ev = ev[["user_id", "timestamp", "step", "converted", "part"]]
    if part is not None:
        ev = ev[(ev["part"] == part).to_numpy()]
    if ev.empty:
        raise SchemaError([f"no events in part={part!r}; nothing to count. Use part=None for whole journeys, "
                           "or check purchase_event."], "events")
    return ev.reset_index(drop=True)


@described
def top_paths(events: pd.DataFrame, *, part: str | None = "buyer", level: str = "event",
              model: StageModel | str | None = None, collapse: str = "repeats", max_steps: int = 8, top: int = 10,
              purchase_event: str = "purchase", user_col: str = "user_id", time_col: str = "timestamp",
              event_col: str = "event") -> pd.DataFrame:
    """The most common sequences of events (or stages), per user.

    Parameters
    ----------
    events : DataFrame
        Event log.
    part : {"buyer", "after", None}, default "buyer"
        Which part of each history: up to the first purchase, after it, or all.
    level : {"event", "stage"}, default "event"
        Sequences of event names, or of stages of ``model``.
    model : StageModel or str, optional
        Stage model for ``level="stage"`` (default "6-stage").
    collapse : {"repeats", "loops", "none"}, default "repeats"
        ``"repeats"`` merges consecutive identical steps (view, view, cart →
        view, cart); ``"loops"`` keeps only the first visit of each step
        (view, cart, view, buy → view, cart, buy), which hides going back;
        ``"none"`` keeps everything.
    max_steps : int, default 8
        Paths longer than this are cut, and end with ``…``.
    top : int, default 10
        How many paths to return.
    purchase_event : str, default "purchase"
        The event that ends the buyer journey (see :func:`split_journeys`).
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        ``path`` (steps joined by " → "), ``steps``, ``users``, ``share`` (of
        users with a path in that part) and ``converted_share`` (of those
        users, the share who made a purchase).

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract; no event falls in ``part``;
        or, with ``level="stage"``, an event is not mapped to a stage of
        ``model`` or a rule of the model cannot be evaluated.
    ParameterError
        If ``part``, ``level`` or ``collapse`` is not one of its options;
        ``max_steps`` or ``top`` is not a whole number of at least 1;
        ``purchase_event`` is not a name, or (with ``part`` "buyer" or
        "after") does not occur in the events; or, with ``level="stage"``,
        ``model`` is neither a StageModel nor the name of a preset.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": list("aaabb"), "event": ["visit", "view", "view", "visit", "view"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:01", "2025-01-01 10:02",
    ...                                                     "2025-01-02 09:00", "2025-01-02 09:05"])})
    >>> top_paths(events, part=None)[["path", "users"]]
               path  users
    0  visit → view      2

    ``a``'s two views in a row count as one step, so both users follow the same path.
    """
    params.choice(collapse, "collapse", ("repeats", "loops", "none"))
    max_steps = params.integer(max_steps, "max_steps", minimum=1)
    top = params.integer(top, "top", minimum=1)
    ev = _steps(events, level, model, part, purchase_event, user_col, time_col, event_col)
    if collapse == "repeats":
        same = ev["step"].eq(ev["step"].shift()) & ev["user_id"].eq(ev["user_id"].shift())
        ev = ev[~same]
    elif collapse == "loops":
        ev = ev.drop_duplicates(["user_id", "step"])
    codes, names = pd.factorize(ev["step"], sort=True)
    position = ev.groupby("user_id").cumcount().to_numpy()
    users, user_codes = np.unique(ev["user_id"].to_numpy(), return_inverse=True)
    length = np.bincount(user_codes, minlength=len(users))
    grid = np.full((len(users), max_steps), -1, dtype=np.int64)
    keep = position < max_steps
    grid[user_codes[keep], position[keep]] = codes[keep]
    converted = ev.groupby("user_id")["converted"].first().reindex(users).to_numpy()
    frame = pd.DataFrame(grid, columns=[f"s{i}" for i in range(max_steps)])
    frame["cut"] = length > max_steps
    frame["converted"] = converted
    counted = frame.groupby([*frame.columns[:max_steps], "cut"]).agg(users=("converted", "size"),
                                                                      converted=("converted", "sum")).reset_index()
    counted = counted.sort_values("users", ascending=False, kind="stable").head(top)
    labels = np.asarray(names, dtype=object)
    paths, steps = [], []
    for row in counted.itertuples(index=False):  # only the few rows returned are formatted
        parts = [labels[c] for c in row[:max_steps] if c >= 0]
        paths.append(" → ".join(parts) + (" → …" if row.cut else ""))
        steps.append(len(parts))
    out = pd.DataFrame({"path": paths, "steps": steps, "users": counted["users"].to_numpy()})
    out["share"] = out["users"] / len(users)
    out["converted_share"] = counted["converted"].to_numpy() / out["users"]
    return out


@described
def transition_matrix(events: pd.DataFrame, model: StageModel | str = "6-stage", *, part: str | None = None,
                      long: bool = False, purchase_event: str = "purchase", user_col: str = "user_id",
                      time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Probability of moving from each stage to each other stage, or of the journey ending there.

    Each user's events are read in time order; every change of stage (A → B,
    B ≠ A) is one move, and the last stage of each journey moves to
    :data:`END`. Row A gives P(next stage | leaving A), so every row sums to 1.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    model : StageModel or str, default "6-stage"
        The stage model or the name of a preset (see :func:`journeykit.stage_presets`).
    part : {"buyer", "after", None}, default None
        Restrict to the buyer journey, to what follows the first purchase, or use all.
    long : bool, default False
        Return the tidy table (``from_stage``, ``to_stage``, ``moves``,
        ``probability``) instead of the matrix.
    purchase_event : str, default "purchase"
        The event that ends the buyer journey, used with ``part``.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        The matrix: one row per stage left, one column per stage entered plus ``(end)``.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract; an event is not mapped to a
        stage of ``model`` or a rule of the model cannot be evaluated; or no
        event falls in ``part``.
    ParameterError
        If ``model`` is neither a StageModel nor the name of a preset;
        ``part`` is not "buyer", "after" or None; ``long`` is not True or
        False; or ``purchase_event`` is not a name, or (with ``part`` "buyer"
        or "after") does not occur in the events.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": list("aab"), "event": ["visit", "view_product", "visit"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
    >>> transition_matrix(events, "4-stage")
    to_stage       Consideration  (end)
    from_stage
    Awareness                0.5    0.5
    Consideration            0.0    1.0

    Of the two journeys leaving Awareness, ``a``'s goes on to Consideration and
    ``b``'s ends there: 0.5 each.
    """
    model = _model(model)
    params.flag(long, "long")
    ev = _steps(events, "stage", model, part, purchase_event, user_col, time_col, event_col)
    user = user_runs(ev)
    step, steps = pd.factorize(ev["step"])
    change = np.r_[True, (step[1:] != step[:-1]) | (user[1:] != user[:-1])] if len(ev) else np.zeros(0, bool)
    user, step = user[change], step[change]  # one row per run of a stage
    to = np.r_[np.where(user[1:] == user[:-1], step[1:], len(steps)), len(steps)] if len(step) else step
    names = np.array([*steps, END], dtype=object)
    pair, pairs = pd.factorize(step * (len(steps) + 1) + to)
    counts = pd.DataFrame({"from_stage": names[pairs // (len(steps) + 1)], "to_stage": names[pairs % (len(steps) + 1)],
                           "moves": np.bincount(pair, minlength=len(pairs))})
    counts["probability"] = counts["moves"] / counts.groupby("from_stage")["moves"].transform("sum")
    order = model.stage_names
    rank = {name: i for i, name in enumerate([*order, END])}
    counts = counts.sort_values(["from_stage", "to_stage"], key=lambda s: s.map(rank), ignore_index=True)
    if long:
        return counts
    present = [s for s in order if s in set(counts["from_stage"])]
    targets = [s for s in [*order, END] if s in set(counts["to_stage"])]
    return counts.pivot(index="from_stage", columns="to_stage", values="probability").reindex(
        index=present, columns=targets).fillna(0.0)


@described
def purchase_timing(events: pd.DataFrame, *, purchase_event: str = "purchase", touch_events=None,
                    user_col: str = "user_id", time_col: str = "timestamp",
                    event_col: str = "event") -> pd.DataFrame:
    """Time and touches to the first purchase, and from the first purchase to the second.

    A **touch** is an event that counts as an interaction with the business:
    ``touch_events`` (e.g. ``["visit"]`` for sessions), or every event when None.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    purchase_event : str, default "purchase"
        The event that is a purchase.
    touch_events : list of str, optional
        The events that count as touches; every event when None.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per buyer: ``first_seen``, ``first_purchase_at``,
        ``days_to_first_purchase``, ``touches_to_first_purchase`` (touches
        before and including the first purchase's moment), ``second_purchase_at``,
        ``days_first_to_second`` and ``touches_first_to_second`` (missing for
        one-time buyers).

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract.
    ParameterError
        If ``purchase_event`` is not a name, ``touch_events`` is not a
        non-empty list of names, or either names an event that does not occur
        in the events.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": list("aaaa"), "event": ["visit", "purchase", "visit", "purchase"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-02-01", "2025-02-02"])})
    >>> timing = purchase_timing(events, touch_events=["visit"]).iloc[0]
    >>> timing[["days_to_first_purchase", "touches_to_first_purchase", "days_first_to_second",
    ...         "touches_first_to_second"]].astype(float).tolist()
    [2.0, 1.0, 30.0, 1.0]

    ``a`` buys two days after the first visit, one visit in; the second purchase
    comes 30 days after the first, after one more visit.
    """
    touch_events = params.names(touch_events, "touch_events", allow_none=True)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    purchase_event = _check_event(ev, purchase_event, "purchase_event")
    if touch_events is not None:
        unknown_names(touch_events, ev["event"].unique(), "touch_events")
    # integer user codes in id order (the result's order) and times; only the purchases are sorted
    codes, ids = factorize_sorted(ev["user_id"])
    t = pd.DatetimeIndex(ev["timestamp"]).asi8
    times = ev["timestamp"].array
    n_users = len(ids)
    buys = np.flatnonzero((ev["event"] == purchase_event).to_numpy())
    buys = buys[sort_order(codes[buys], t[buys])]
    buyer_of = codes[buys]
    opens = np.flatnonzero(np.r_[True, buyer_of[1:] != buyer_of[:-1]]) if len(buys) else np.zeros(0, dtype=np.int64)
    buyers, first_buy = buyer_of[opens], buys[opens]
    after = np.minimum(opens + 1, max(len(buys) - 1, 0))
    repeat = (opens + 1 < len(buys)) & (buyer_of[after] == buyers)
    second_buy = np.where(repeat, buys[after], -1)
    # a buyer's first event: the first row at their earliest time
    earliest = np.full(n_users, np.iinfo(np.int64).max)
    np.minimum.at(earliest, codes, t)
    at_earliest = np.flatnonzero(t == earliest[codes])
    seen_user, seen_at = np.unique(codes[at_earliest], return_index=True)
    first_seen = at_earliest[seen_at][np.searchsorted(seen_user, buyers)]
    out = pd.DataFrame({"first_seen": times.take(first_seen), "first_purchase_at": times.take(first_buy),
                        "second_purchase_at": times.take(second_buy, allow_fill=True)},
                       index=pd.Index(ids[buyers], name="user_id"))
    # touches up to and including the first purchase's moment, and after it up to the second's
    limit_first = np.full(n_users, np.iinfo(np.int64).min)
    limit_second = np.full(n_users, np.iinfo(np.int64).min)
    limit_first[buyers] = t[first_buy]
    limit_second[buyers[repeat]] = t[second_buy[repeat]]
    touch = slice(None) if touch_events is None else is_in(ev["event"], touch_events)
    touch_user, touch_t = codes[touch], t[touch]
    upto = touch_t <= limit_first[touch_user]
    before_first = np.bincount(touch_user[upto], minlength=n_users)[buyers]
    within = ~upto & (touch_t <= limit_second[touch_user])
    between = np.bincount(touch_user[within], minlength=n_users)[buyers]
    day = pd.Timedelta(days=1)
    out["days_to_first_purchase"] = (out["first_purchase_at"] - out["first_seen"]) / day
    out["touches_to_first_purchase"] = before_first.astype("int64")
    out["days_first_to_second"] = (out["second_purchase_at"] - out["first_purchase_at"]) / day
    between = pd.array(between.astype("int64"), dtype="Int64")
    between[~repeat] = pd.NA  # one-time buyers have no second purchase to count towards
    out["touches_first_to_second"] = between
    return out.reset_index()


START = "(start)"
"""Label of the start of a history in paths before an anchor."""


def _runs_around(ev: pd.DataFrame, anchor_rows: np.ndarray, collapse: bool, lowest: int, highest: int
                 ) -> pd.DataFrame:
    """Each user's steps as runs (consecutive identical steps merged when ``collapse``), with the offset of each
    run from the run that holds the user's anchor event, for offsets from ``lowest`` to ``highest``; users without
    an anchor are dropped. Users are integers here (the output counts them, it does not name them)."""
    user = user_runs(ev)
    step, names = pd.factorize(ev["step"])
    new_user = np.r_[True, user[1:] != user[:-1]] if len(ev) else np.zeros(0, dtype=bool)
    new_run = new_user | (np.r_[True, step[1:] != step[:-1]] if collapse else True)
    run = np.cumsum(new_run) - 1
    anchor_run = np.full(int(user.max()) + 1 if len(user) else 0, -1, dtype=np.int64)
    anchor_run[user[anchor_rows]] = run[anchor_rows]
    user, step, run = user[new_run], step[new_run], run[new_run]
    has_anchor = anchor_run[user] >= 0
    offset = run - anchor_run[user]
    keep = has_anchor & (offset >= lowest) & (offset <= highest)
    return pd.DataFrame({"user_id": user[keep], "step": np.asarray(names, dtype=object)[step[keep]],
                         "offset": offset[keep]})


@described
def paths_around(events: pd.DataFrame, anchor: str, *, direction: str = "after", steps: int = 3,
                 level: str = "event", model: StageModel | str | None = None, collapse: str = "repeats",
                 top: int | None = 20, user_col: str = "user_id", time_col: str = "timestamp",
                 event_col: str = "event") -> pd.DataFrame:
    """The most common steps just before or just after an anchor event, per user.

    Each user who did ``anchor`` is counted once, around their **first**
    ``anchor`` event: the ``steps`` events (or stages) that follow it
    (``direction="after"``) or lead to it (``"before"``), in the kit's
    order. A history that ends sooner ends with ``(end)``; one that starts
    later than ``steps`` before the anchor starts with ``(start)``. With
    ``collapse="repeats"`` consecutive identical steps count once (the
    anchor's own step included).

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    anchor : str
        The event to look around, e.g. ``"add_to_cart"``.
    direction : {"after", "before"}, default "after"
        Which side of the anchor.
    steps : int, default 3
        How many steps to show besides the anchor.
    level : {"event", "stage"}, default "event"
        Steps as event names or as stages of ``model``.
    model : StageModel or str, optional
        Stage model for ``level="stage"`` (default "6-stage").
    collapse : {"repeats", "none"}, default "repeats"
        Merge consecutive identical steps, or keep every event.
    top : int or None, default 20
        How many paths to return, the most common first; None for all.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per path: ``path`` (steps joined by " → ", the anchor's
        step included), ``users``, ``share`` (of the users who did
        ``anchor``), then one column per position, ``step_0`` for the
        anchor and ``step_1`` … (after) or ``step_-1`` … (before). The
        anchor's users are in ``attrs["users"]``.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, or (``level="stage"``) an
        event has no stage in ``model``.
    ParameterError
        If ``anchor`` is not an event of the log; ``direction``, ``level``
        or ``collapse`` is not one of its options; ``steps`` or ``top`` is
        not a whole number of at least 1.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": list("aaabbc"),
    ...                        "event": ["cart", "checkout", "buy", "cart", "visit", "cart"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:01",
    ...                                                     "2025-01-01 10:02", "2025-01-02 09:00",
    ...                                                     "2025-01-05 09:05", "2025-01-03 08:00"])})
    >>> paths_around(events, "cart", steps=2)[["path", "users", "share"]]
                        path  users     share
    0           cart → (end)      1  0.333333
    1  cart → checkout → buy      1  0.333333
    2   cart → visit → (end)      1  0.333333

    Ties are listed in the order of their steps. ``c`` did nothing after the
    cart: their path ends there.
    """
    params.choice(direction, "direction", ("after", "before"))
    params.choice(level, "level", ("event", "stage"))
    params.choice(collapse, "collapse", ("repeats", "none"))
    steps = params.integer(steps, "steps", minimum=1)
    top = None if top is None else params.integer(top, "top", minimum=1)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    anchor = _check_event(ev, anchor, "anchor")
    if level == "stage":  # stage rules may read any column
        ev = assign_stages(sort_events(ev), model if model is not None else "6-stage")
        ev["step"] = text_labels(ev["stage"].cat.codes.to_numpy(), list(ev["stage"].cat.categories), ev.index)
    else:  # only the columns the paths read, in the kit's order
        ev = ev[["user_id", "timestamp", "event"]].take(event_order(ev)).assign(step=lambda d: d["event"])
    ev = ev.reset_index(drop=True)
    rows = np.flatnonzero((ev["event"] == anchor).to_numpy())
    first = np.zeros(len(ev), dtype=bool)  # each user's first anchor: the rows are in the kit's order
    first[rows[np.unique(user_runs(ev)[rows], return_index=True)[1]]] = True
    return _around(ev, first, direction=direction, steps=steps, collapse=collapse, top=top)


def _around(ev: pd.DataFrame, anchor: np.ndarray, *, direction: str, steps: int, collapse: str,
           top: int | None) -> pd.DataFrame:
    """The table of :func:`paths_around` from events in the kit's order with a ``step`` column, and a mask of one
    anchor row per user (users without one are left out)."""
    ev = ev.reset_index(drop=True)
    sign = 1 if direction == "after" else -1
    window = _runs_around(ev, np.flatnonzero(anchor), collapse == "repeats", min(0, sign * steps),
                          max(0, sign * steps))
    wide = window.pivot(index="user_id", columns="offset", values="step")
    positions = [sign * k for k in range(steps + 1)]
    wide = wide.reindex(columns=positions).astype(object)
    filler = END if direction == "after" else START
    for k in range(1, steps + 1):  # the first missing step says the history ended (or began); later ones stay empty
        column, before = positions[k], positions[k - 1]
        gap = wide[column].isna() & wide[before].notna() & (wide[before] != filler)
        wide.loc[gap, column] = filler
    order = positions if direction == "after" else positions[::-1]
    names = [f"step_{p}" for p in order]
    wide.columns = [f"step_{p}" for p in wide.columns]
    counted = wide[names].fillna("").value_counts(sort=False).rename("users").reset_index()
    counted = counted.sort_values(["users", *names], ascending=[False] + [True] * len(names), kind="stable")
    counted["path"] = counted[names].apply(lambda row: " → ".join(v for v in row if v), axis=1) if len(counted) \
        else pd.Series(dtype=str)
    counted["share"] = counted["users"] / max(len(wide), 1)
    out = counted[["path", "users", "share", *names]].reset_index(drop=True)
    out = out if top is None else out.head(top)
    out[names] = out[names].replace("", np.nan)
    out.attrs["users"] = len(wide)
    return out
