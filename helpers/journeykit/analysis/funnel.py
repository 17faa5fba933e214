"""Funnels: how many people go through an ordered list of steps, and where they drop out.

The definition
--------------
``steps`` is an ordered list; each step is one event name or a list of names
(any of them counts).

- A user **enters** with any occurrence of step 1.
- A user **reaches step k** if there are occurrences t1 ≤ t2 ≤ … ≤ tk of steps
  1…k with tk − t1 ≤ ``window`` (``window=None``: no limit; a string like
  ``"7D"`` or a Timedelta). Any occurrence of step 1 may start the attempt;
  each user counts once, at the furthest step that any attempt reaches.
  Equal timestamps count as in order.
- One event counts for at most one step: when a name appears in several steps
  (``["view_product", "view_product"]``, two product views) the user needs
  that many occurrences. Events with the same timestamp are taken in the order
  of the first step they can serve (so a tie between a step-1 and a step-2
  event counts as in order).
- ``order`` chooses how the steps must follow each other:

  - ``"ordered"`` (the default): as above, other events may happen in between;
  - ``"strict"``: additionally, no event of another step of the funnel happens
    between two consecutive steps (repeats of the current step are allowed);
  - ``"any"``: a user **reaches step k** if occurrences of steps 1…k, in any
    sequence, all fall within one window (latest − earliest ≤ ``window``).
    Step 1 is still how a user enters: a user who never does step 1 is not
    in the funnel. Each event name may serve one step only, and ``exclude``
    (which needs an order) is refused.

- ``exclude=[...]``: a user who does an excluded event strictly between two
  consecutive steps (later than one, earlier than the next) does not convert
  to the next step in that attempt.

In any order, a user's counted attempt is the earliest window that reaches
their furthest step; :func:`funnel_users` gives its first and last event
(``entered_at``, ``reached_at``), whichever steps they were.

The result has one row per step (and per segment with ``by=``): ``step``,
``users``, ``conversion_from_start`` (users ÷ users at step 1),
``conversion_from_previous`` (users ÷ users at the previous step; 1 at step 1)
and ``drop_off`` (users lost since the previous step; 0 at step 1). With
``by=``, a user's segment is the value of that column on their first
occurrence of step 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.stats import MIN_SAMPLE, compare_proportions, wilson_interval
from journeykit.errors import ParameterError, SchemaError, unknown_names
from journeykit.io.contract import require_columns, validate_events
from journeykit.io.ordering import factorize_sorted, first_value, order_ties, sort_events, sort_order
from journeykit.params import duration
from journeykit.results import described

__all__ = ["funnel", "funnel_users", "dropped_users", "time_to_convert", "time_to_convert_summary",
           "funnel_confidence", "compare_funnel_segments"]

Step = str | Sequence[str]
ORDERS = ("ordered", "strict", "any")
_NS = np.int64


# ---------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------


def _normalise_steps(steps: Sequence[Step]) -> list[tuple[str, ...]]:
    if isinstance(steps, str):
        raise ParameterError(f"steps must be a list of step names, got the single string {steps!r}; "
                             f"write steps=[{steps!r}, ...].", "steps")
    if isinstance(steps, (pd.DataFrame, dict)) or not isinstance(steps, Iterable):
        raise ParameterError(f"steps must be a list of event names, got {type(steps).__name__} {steps!r}; "
                             "write e.g. steps=['visit', 'purchase'].", "steps")
    steps = list(steps)
    if not steps:
        raise ParameterError("steps is empty; a funnel needs at least one step, e.g. steps=['visit', 'purchase'].",
                             "steps")
    out = []
    for i, step in enumerate(steps, start=1):
        names = (step,) if isinstance(step, str) else tuple(step) if isinstance(step, (list, tuple)) else ()
        if not names or not all(isinstance(n, str) and n for n in names):
            raise ParameterError(f"step {i} must be an event name or a non-empty list of event names, "
                                 f"got {step!r}.", "steps")
        out.append(names)
    return out


def _labels(steps: list[tuple[str, ...]]) -> list[str]:
    labels = [" | ".join(step) for step in steps]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [f"{label} (step {i})" if seen[label] > 1 else label for i, label in enumerate(labels, start=1)]


def _window(window) -> np.int64 | None:
    if window is None:
        return None
    return _NS(duration(window, "window").value)


# ---------------------------------------------------------------------------
# The engine: every attempt, every user's furthest step
# ---------------------------------------------------------------------------


@dataclass
class _Result:
    """Per entering user: furthest step (1-based) and the time of each step of their best attempt."""

    users: pd.DataFrame  # user_id, [segment], furthest_step, window_closed, t_1 .. t_K
    labels: list[str]
    segment: str | None
    window: pd.Timedelta | None
    data_end: pd.Timestamp

    def attrs(self) -> dict:
        """What travels with every result: the definition's parameters and the censoring count."""
        open_users = int((~self.users["window_closed"]).sum())
        return {"segment": self.segment, "steps": list(self.labels), "window": self.window,
                "data_end": self.data_end, "open_window_users": open_users}


def _run(events: pd.DataFrame, steps: Sequence[Step], window, by: str | None, order: str,
         exclude: Sequence[str] | None, user_col: str, time_col: str, event_col: str, same=None,
         segment_from: int | str = "first") -> _Result:
    """The funnel's definition, in four steps: check the arguments, lay the rows out as arrays, advance every
    attempt step by step, keep each user's best attempt."""
    spec, labels, limit, exclude, by, order, ev = _checked(events, steps, window, by, order, exclude, user_col,
                                                           time_col, event_col)
    source = _segment_source(segment_from, labels, by)
    data_end = ev["timestamp"].max()
    same = params.names(same, "same", allow_none=True) or []
    everything = ev
    if same:
        ev = _held_constant(ev, same, by)
    strict = order == "strict"
    rows = _step_rows(ev, spec, exclude, by, strict)
    if order == "any":
        starts, furthest, used = _advance_any(rows, len(spec), limit)
    else:
        starts, furthest, used = _advance(rows, len(spec), limit, exclude, strict)
    result = _best_attempts(rows, starts, furthest, used, len(spec), labels, limit, by, data_end, source,
                            any_order=order == "any")
    if not same:
        return result
    result = _per_person(result, ev)
    if by is not None and source is None:  # as without same=: the value on the user's first step-1 event
        entries = sort_events(everything[everything["event"].isin(spec[0])])
        result.users[by] = result.users["user_id"].map(first_value(entries, ["user_id"], by)).to_numpy()
    return result


def _order(order: str, strict: bool | None) -> str:
    """``order``, or the old ``strict=`` for one release (True is ``"strict"``, False ``"ordered"``), with a warning."""
    if strict is None:
        return order
    old = "strict" if params.flag(strict, "strict") else "ordered"
    return params.renamed(order, old, "order", "strict", "ordered")


def _segment_source(segment_from, labels: list[str], by: str | None) -> int | None:
    """Where a user's segment comes from: None for their first step-1 event, -1 for the furthest step of their
    best attempt, k (0-based) for step k of it."""
    if isinstance(segment_from, str) and segment_from in ("first", "last") and segment_from not in labels:
        source = None if segment_from == "first" else -1
    else:
        source = _step_number(segment_from, labels, "segment_from") - 1
    if source is not None and by is None:
        raise ParameterError("segment_from chooses which event gives a user's segment, and there is no segment: "
                             "pass by= too (e.g. by='device').", "segment_from")
    return source


def _held_constant(ev: pd.DataFrame, same: list[str], by: str | None) -> pd.DataFrame:
    """Events keyed by user and the values held constant: an attempt only joins events that share them."""
    require_columns(ev, same, "events")
    own = [c for c in same if c in ("user_id", "timestamp", "event") or c == by]
    if own:
        raise ParameterError(f"same={own} names the segment (by=) or one of the log's own columns; hold constant a "
                             "context column such as 'session_id' or 'device'.", "same")
    kept = ev.dropna(subset=same)  # an event without the value cannot share it with another
    if kept.empty:
        raise SchemaError([f"no event has a value in {same}; nothing can be held constant."], "events")
    key = kept["user_id"].astype(str)
    for column in same:
        key = key + "\x1f" + kept[column].astype(str)
    return kept.assign(user_id=key, person=kept["user_id"])


def _per_person(result: _Result, ev: pd.DataFrame) -> _Result:
    """From the best attempt per (user, held values) to each user's best: furthest step, then earliest start."""
    person = ev.drop_duplicates("user_id").set_index("user_id")["person"]
    users = result.users.assign(person=result.users["user_id"].map(person))
    closed = users.groupby("person")["window_closed"].transform("all")
    users = users.sort_values(["person", "furthest_step", "t_1"], ascending=[True, False, True], kind="stable")
    best = users.drop_duplicates("person", keep="first")
    converted = best["furthest_step"] == len(result.labels)
    best = best.assign(window_closed=converted | closed.loc[best.index], user_id=best["person"])
    result.users = best.drop(columns="person").reset_index(drop=True)
    return result


def _checked(events, steps, window, by, order, exclude, user_col, time_col, event_col):
    """The arguments checked and normalised, and the validated events."""
    spec = _normalise_steps(steps)
    labels = _labels(spec)
    limit = _window(window)
    exclude = params.names(exclude, "exclude", allow_none=True, allow_empty=True) or []
    by = params.column(by, "by", allow_none=True)
    order = params.choice(order, "order", ORDERS)
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    if by is not None:
        require_columns(ev, [by], "events")
        if by in ("user_id", "timestamp", "event"):
            raise ParameterError(f"by={by!r} is one of the funnel's own columns; segment by a context column "
                                 "such as 'channel' or 'device'.", "by")
    known = ev["event"].unique()
    unknown_names([n for step in spec for n in step], known, "steps")
    unknown_names(exclude, known, "exclude")
    step_names = {n for step in spec for n in step}
    clash = sorted(step_names.intersection(exclude))
    if clash:
        raise ParameterError(f"{', '.join(map(repr, clash))} is both a funnel step and excluded; an event cannot "
                             "be both.", "exclude")
    if order != "ordered":
        counts = pd.Series([n for step in spec for n in set(step)]).value_counts()
        if (counts > 1).any():
            raise ParameterError(f"order={order!r} needs each event name in one step only; "
                                 f"{list(counts[counts > 1].index)} appear in several steps.", "order")
    if order == "any" and exclude:
        raise ParameterError("exclude= blocks an event between two consecutive steps, and in any order steps have "
                             "no sequence; use order='ordered' or drop exclude.", "exclude")
    return spec, labels, limit, exclude, by, order, ev


@dataclass
class _Rows:
    """The funnel's rows (step events and exclusions) as arrays in the kit's order, and how they group."""

    user: np.ndarray
    t: np.ndarray
    user_index: pd.Index
    segment_values: np.ndarray | None
    order: np.ndarray
    member: np.ndarray
    is_excl: np.ndarray
    group_start: np.ndarray
    group_end: np.ndarray
    step_pos: list[np.ndarray]
    excl_pos: np.ndarray
    prefix: np.ndarray | None
    funnel_prefix: np.ndarray | None


def _step_rows(ev: pd.DataFrame, spec: list, exclude: list[str], by: str | None, strict: bool
               ) -> _Rows:
    """Plain arrays of the rows that matter, sorted; the candidate rows of each step; prefix sums for strictness."""
    # Work on plain arrays of the rows that matter: funnel steps and exclusions.
    k_steps = len(spec)
    name_codes, names = pd.factorize(ev["event"], sort=True)
    serves = np.array([[name in step for step in spec] for name in names], dtype=bool).reshape(len(names), k_steps)
    excluded_name = np.isin(np.asarray(names, dtype=object), exclude)
    keep = (serves.any(axis=1) | excluded_name)[name_codes]
    name_codes = name_codes[keep]
    user_codes, user_index = factorize_sorted(ev["user_id"][keep])
    times = ev["timestamp"].to_numpy()[keep].astype("datetime64[ns]").astype(np.int64)
    segment_values = ev[by].to_numpy()[keep] if by is not None else None
    # Ties in time are ordered by the earliest step an event can serve (exclusions first), then by name and,
    # where a segment is read, by the other columns as the kit orders tied events: never by row position, so
    # that row order cannot change a result.
    first_step_of_name = np.where(serves.any(axis=1), serves.argmax(axis=1), -1)
    order = sort_order(user_codes, times, first_step_of_name[name_codes] + 1, name_codes)
    if by is not None:
        kept = np.flatnonzero(keep)
        order = np.searchsorted(kept, order_ties(ev, kept[order], [user_codes[order], times[order],
                                                                    name_codes[order]]))
    user = user_codes[order]
    t = times[order]
    sorted_names = name_codes[order]
    member = serves[sorted_names].T  # (K, n): row serves step k
    is_excl = excluded_name[sorted_names]

    # Rows with the same user and time form a group; any order within a group counts as in order.
    n = len(t)
    new_group = np.r_[True, (user[1:] != user[:-1]) | (t[1:] != t[:-1])] if n else np.zeros(0, dtype=bool)
    firsts = np.flatnonzero(new_group)
    group_of_row = np.cumsum(new_group) - 1
    group_start, group_end = firsts[group_of_row], np.r_[firsts[1:], n][group_of_row]
    # Candidates for step k: rows serving it, in group order; within a group, rows whose name serves fewer later
    # steps first, so a tie never spends an event that a later step needs.
    later_uses = np.cumsum(serves[:, ::-1], axis=1)[:, ::-1]  # [name, k]: steps k..K-1 that the name serves
    step_pos = []
    for k in range(k_steps):
        pos_k = np.flatnonzero(member[k])
        spare = later_uses[sorted_names[pos_k], k + 1] if k + 1 < k_steps else None
        if spare is not None and spare.any() and (spare != spare[0]).any():
            pos_k = pos_k[np.lexsort((pos_k, spare, group_start[pos_k]))]
        step_pos.append(pos_k)
    excl_pos = np.flatnonzero(is_excl)
    prefix = np.concatenate([np.zeros((k_steps, 1), dtype=np.int64), np.cumsum(member, axis=1)], axis=1) \
        if strict else None
    funnel_prefix = np.concatenate([[0], np.cumsum(member.any(axis=0))]) if strict else None
    return _Rows(user, t, user_index, segment_values, order, member, is_excl, group_start, group_end, step_pos,
                 excl_pos, prefix, funnel_prefix)


def _advance(rows: _Rows, k_steps: int, limit, exclude: list[str], strict: bool
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every attempt (a start at step 1) advanced step by step: (starts, furthest step, the row each step used)."""
    user, t, step_pos, group_start, group_end = rows.user, rows.t, rows.step_pos, rows.group_start, rows.group_end
    excl_pos, prefix, funnel_prefix = rows.excl_pos, rows.prefix, rows.funnel_prefix
    starts = step_pos[0]
    if limit is None and not exclude and not strict:
        # Without a window, exclusions or strictness the first start dominates every later one.
        starts = starts[np.r_[True, user[starts][1:] != user[starts][:-1]]] if starts.size else starts
    start_t = t[starts]
    furthest = np.ones(len(starts), dtype=np.int64)
    # the row each step of each attempt used; set for steps 1 .. furthest of the attempt, never read beyond
    used = np.empty((k_steps, len(starts)), dtype=np.int64)
    used[0] = starts
    alive = np.arange(len(starts))
    for k in range(1, k_steps):
        if alive.size == 0:
            break
        cur = used[k - 1, alive]
        candidates = step_pos[k]
        if candidates.size == 0:
            break
        # first candidate in the current row's group or later, skipping rows this attempt already used
        j = np.searchsorted(group_start[candidates], group_start[cur], side="left")
        # only a candidate at the same moment as the current step can be a row this attempt already used
        tied = np.flatnonzero((j < candidates.size)
                              & (group_start[candidates[np.minimum(j, candidates.size - 1)]] == group_start[cur]))
        if tied.size:
            jt, owners = j[tied], alive[tied]
            for _ in range(k):
                at = candidates[np.minimum(jt, candidates.size - 1)]
                hit = (jt < candidates.size) & (used[:k, owners] == at).any(axis=0)
                if not hit.any():
                    break
                jt = jt + hit
            j[tied] = jt
        has = j < candidates.size
        nxt = candidates[np.minimum(j, candidates.size - 1)]
        ok = has & (user[nxt] == user[cur])
        if limit is not None:
            ok &= (t[nxt] - start_t[alive]) <= limit
        if exclude:
            # the first exclusion strictly later than step k blocks if it is also strictly earlier than step k+1
            e = np.searchsorted(excl_pos, group_end[cur], side="left")
            e_next = excl_pos[np.minimum(e, excl_pos.size - 1)] if excl_pos.size else cur
            ok &= ~((e < excl_pos.size) & (user[e_next] == user[cur]) & (t[e_next] < t[nxt]))
        if strict:
            # funnel events strictly between the two steps in time must all be repeats of step k
            lo, hi = group_end[cur], np.maximum(group_start[nxt], group_end[cur])
            between_all = funnel_prefix[hi] - funnel_prefix[lo]
            between_same = prefix[k - 1][hi] - prefix[k - 1][lo]
            ok &= between_all == between_same
        alive = alive[ok]
        used[k, alive] = nxt[ok]
        furthest[alive] = k + 1
    return starts, furthest, used


def _advance_any(rows: _Rows, k_steps: int, limit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Attempts in any order: every row of a step may open a window; from it, each step's first occurrence at
    the same moment or later. (starts, furthest step, the row each step used); attempts that never reach step 1
    are dropped.

    The earliest event of the best window is one of the candidate starts, so trying all of them finds it."""
    user, t, step_pos, group_start = rows.user, rows.t, rows.step_pos, rows.group_start
    starts = np.unique(np.concatenate(step_pos)) if k_steps else np.zeros(0, dtype=np.int64)
    used = np.empty((k_steps, len(starts)), dtype=np.int64)
    within = np.ones(len(starts), dtype=bool)
    furthest = np.zeros(len(starts), dtype=np.int64)
    for k in range(k_steps):
        candidates = step_pos[k]
        j = np.searchsorted(candidates, group_start[starts], side="left")
        nxt = candidates[np.minimum(j, max(candidates.size - 1, 0))] if candidates.size else starts
        ok = (j < candidates.size) & (user[nxt] == user[starts])
        if limit is not None:
            ok &= (t[nxt] - t[starts]) <= limit
        used[k] = nxt
        within &= ok
        furthest[within] = k + 1
    entered = furthest > 0
    return starts[entered], furthest[entered], used[:, entered]


def _best_attempts(rows: _Rows, starts: np.ndarray, furthest: np.ndarray, used: np.ndarray, k_steps: int,
                   labels: list[str], limit, by: str | None, data_end: pd.Timestamp,
                   source: int | None = None, any_order: bool = False) -> _Result:
    """Each user's best attempt (furthest step, then earliest start), whether their window has closed, step times."""
    user, t, user_index, order, step_pos = rows.user, rows.t, rows.user_index, rows.order, rows.step_pos
    segment_values = rows.segment_values
    # Best attempt per user: furthest step, then earliest start.
    attempt_user = user[starts]
    best = np.lexsort((starts, -furthest, attempt_user))
    first = best[np.r_[True, attempt_user[best][1:] != attempt_user[best][:-1]]]
    out = pd.DataFrame({"user_id": user_index[attempt_user[first]], "furthest_step": furthest[first]})
    if by is not None and source is None:
        # Step-1 rows are in (user, time) order, so each user's first is their first occurrence of step 1; the
        # users with one are the entrants, in the same (code) order as in `first`.
        entries = step_pos[0]
        first_entry = entries[np.r_[True, user[entries][1:] != user[entries][:-1]]] if entries.size else entries
        out.insert(1, by, segment_values[order[first_entry]])
    elif by is not None:
        # the value on one step of the best attempt: its furthest step (-1), or step `source` where reached
        step = furthest[first] - 1 if source == -1 else np.full(len(first), source)
        reached = furthest[first] > step
        row = used[np.where(reached, step, 0), first]
        values = np.asarray(segment_values[order[row]], dtype=object)
        out.insert(1, by, np.where(reached, values, None))
    # A user who has not converted may still do so while an attempt's window is open at the end of the data.
    # In order, a new attempt opens with step 1; in any order, with any step.
    openers = np.concatenate(step_pos) if any_order else step_pos[0]
    last_start = np.full(len(user_index), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last_start, user[openers], t[openers])
    converted = furthest[first] == k_steps
    if limit is None:
        closed = converted
    else:
        closed = converted | (last_start[attempt_user[first]] + limit <= data_end.value)
    out["window_closed"] = closed
    for k in range(k_steps):
        reached = furthest[first] > k
        col = np.where(reached, t[np.where(reached, used[k, first], 0)], 0)
        out[f"t_{k + 1}"] = pd.to_datetime(np.where(reached, col.astype("datetime64[ns]"), np.datetime64("NaT")))
    return _Result(out, labels, by, None if limit is None else pd.Timedelta(int(limit), "ns"), data_end)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

_COMMON = """    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    steps : list of str or list of lists of str
        Ordered steps; each is an event name or a list of names (any counts).
    window : str, Timedelta or None, default None
        Longest time allowed from step 1 to the last step reached
        (``"30min"``, ``"24h"``, ``"7D"``); None for no limit.
    by : str, optional
        Column to segment users by, e.g. ``"channel"`` or ``"device"``; a
        user's segment is the value on their first occurrence of step 1.
    order : {"ordered", "strict", "any"}, default "ordered"
        How the steps must follow each other: in order with anything in
        between; in order with no event of another step in between; or in
        any sequence within one window.
    exclude : list of str, optional
        Event names that, when they happen strictly between two consecutive
        steps, stop the attempt at the earlier step.
    same : str or list of str, optional
        Hold these columns constant: every step of an attempt must carry the
        same values (``same="session_id"``: within one session). Events
        without a value take no part; each user still counts once, at the
        furthest step of their best attempt.
    segment_from : {"first", "last"}, step label or number, default "first"
        With ``by``, whose value is a user's segment: their first step-1
        event ("first"), the furthest step of their best attempt ("last"), or
        a given step of it (users who did not reach that step get no value).
    user_col, time_col, event_col : str
        Column names in ``events``.
    strict : bool, optional
        Old name of ``order``: ``strict=True`` is ``order="strict"``; it
        warns and will be removed in the next release."""


@described
def funnel(events: pd.DataFrame, steps: Sequence[Step], *, window=None, by: str | None = None,
           order: str = "ordered", exclude: Sequence[str] | None = None, same=None,
           segment_from: int | str = "first", user_col: str = "user_id",
           time_col: str = "timestamp", event_col: str = "event",
           strict: bool | None = None) -> pd.DataFrame:
    """Count the users who reach each step of a funnel.

    A user **enters** with any occurrence of step 1 and **reaches step k** if
    there are occurrences t1 ≤ t2 ≤ … ≤ tk of steps 1…k with tk − t1 ≤
    ``window``. Any occurrence of step 1 may start the attempt; each user
    counts once, at the furthest step that any attempt reaches. Equal
    timestamps count as in order. See the module documentation for repeats of
    a name, ``order`` and ``exclude``.

    Parameters
    ----------
{common}

    Returns
    -------
    DataFrame
        One row per step (per segment with ``by``, segment column first):
        ``step`` (label; a list step is labelled ``"a | b"``), ``users``,
        ``conversion_from_start`` (users ÷ users at step 1),
        ``conversion_from_previous`` (users ÷ users at the previous step; 1 at
        step 1) and ``drop_off`` (users lost since the previous step; 0 at step 1).
        ``attrs`` carries ``segment``, ``steps``, ``window``, ``data_end`` (the
        last timestamp in the data) and ``open_window_users``: entrants who
        have not converted and started less than one window before
        ``data_end``, so their drop-off may not be final (see
        :func:`funnel_users`' ``window_closed``); :func:`plot_funnel` notes them.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract.
    ParameterError
        For an empty step list, a step name that no event has (with the
        closest names), or a window that is not a duration with a unit.

    See Also
    --------
    funnel_users : each user's furthest step.
    time_to_convert : how long each step takes.
    funnel_confidence : intervals and small-sample flags.

    Examples
    --------
    Three users: ``a`` views at 10:00 and buys at 10:30; ``b`` views, then buys two days later; ``c``
    only views.

    >>> events = pd.DataFrame({{
    ...     "user_id": ["a", "a", "b", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:30", "2025-01-01 09:00",
    ...                                  "2025-01-03 09:00", "2025-01-02 12:00"]),
    ...     "event": ["view", "buy", "view", "buy", "view"],
    ... }})
    >>> funnel(events, ["view", "buy"])
        step  users  conversion_from_start  conversion_from_previous  drop_off
    0   view      3               1.000000                  1.000000         0
    1    buy      2               0.666667                  0.666667         1
    >>> funnel(events, ["view", "buy"], window="1D")["users"].tolist()
    [3, 1]
    """
    result = _run(events, steps, window, by, _order(order, strict), exclude, user_col, time_col, event_col, same,
                  segment_from)
    out = _counts(result)
    out.attrs.update(result.attrs())
    return out


funnel.__doc__ = funnel.__doc__.format(common=_COMMON)


def _counts(result: _Result) -> pd.DataFrame:
    """Tally users by furthest step; users reaching step k are those whose furthest step is k or later."""
    users = result.users
    segments = users[result.segment] if result.segment else None
    return count_table(result.labels, result.segment, users["furthest_step"].to_numpy(), segments)


def count_table(labels: list[str], segment: str | None, furthest: np.ndarray, segments=None,
                weights: np.ndarray | None = None) -> pd.DataFrame:
    """The funnel's table from each user's furthest step (1-based) and segment value; ``weights`` counts users
    per row when the rows are already tallied (as the engine returns them)."""
    k_steps = len(labels)
    furthest = np.asarray(furthest, dtype=np.int64) - 1
    weights = np.ones(len(furthest), dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    if segment:
        codes, segments = pd.factorize(segments, sort=True, use_na_sentinel=False)
    else:
        codes, segments = np.zeros(len(furthest), dtype=np.int64), [None]
    at_furthest = np.zeros((len(segments), k_steps), dtype=np.int64)
    np.add.at(at_furthest, (codes, furthest), weights)
    reached = at_furthest[:, ::-1].cumsum(axis=1)[:, ::-1]
    previous = np.concatenate([reached[:, :1], reached[:, :-1]], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "step": np.tile(labels, len(segments)),
            "users": reached.ravel(),
            "conversion_from_start": (reached / reached[:, :1]).ravel(),
            "conversion_from_previous": (reached / previous).ravel(),
            "drop_off": (previous - reached).ravel(),
        })
    if segment:
        out.insert(0, segment, np.repeat(np.asarray(segments, dtype=object), k_steps))
    return out


@described
def funnel_users(events: pd.DataFrame, steps: Sequence[Step], *, window=None, by: str | None = None,
                 order: str = "ordered", exclude: Sequence[str] | None = None, same=None,
                 segment_from: int | str = "first", user_col: str = "user_id",
                 time_col: str = "timestamp", event_col: str = "event",
                 strict: bool | None = None) -> pd.DataFrame:
    """Each entering user's furthest step, ready to join onto other tables.

    Parameters
    ----------
{common}

    Returns
    -------
    DataFrame
        One row per user who entered the funnel: ``user_id``, the ``by``
        segment if given, ``furthest_step`` (1-based number),
        ``furthest_step_label``, ``converted`` (reached the last step),
        ``entered_at`` / ``reached_at``: when the counted attempt started and
        when it reached its furthest step (the earliest such attempt; in any
        order, its first and last event), and
        ``window_closed``: False for a user who has not converted and whose
        latest step-1 event is less than ``window`` before the end of the
        data, so they may still convert (without a window, every user who has
        not converted). Users who never did step 1 are not in it. The
        parameters travel in ``attrs`` (see :func:`funnel`).

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, or ``by`` names a column that
        ``events`` does not have.
    ParameterError
        If ``steps`` is not a non-empty list of event names (or of lists of
        names); a step or ``exclude`` name does not occur in the events (the
        message suggests the closest names); an event is both a step and
        excluded; with ``order="strict"`` or ``"any"``, a name appears in
        several steps; ``order="any"`` comes with ``exclude``; ``window`` is
        not a positive duration with a unit; ``order`` is not one of the
        three; or ``by`` is not a column name or is one of
        ``user_id``, ``timestamp`` and ``event``.

    Examples
    --------
    >>> events = pd.DataFrame({{
    ...     "user_id": ["a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:30", "2025-01-01 09:00"]),
    ...     "event": ["view", "buy", "view"],
    ... }})
    >>> funnel_users(events, ["view", "buy"])[["user_id", "furthest_step", "furthest_step_label", "converted"]]
      user_id  furthest_step furthest_step_label  converted
    0       a              2                 buy       True
    1       b              1                view      False
    """
    result = _run(events, steps, window, by, _order(order, strict), exclude, user_col, time_col, event_col, same,
                  segment_from)
    out = _user_table(result)
    out.attrs.update(result.attrs())
    return out


funnel_users.__doc__ = funnel_users.__doc__.format(common=_COMMON)


def _user_table(result: _Result) -> pd.DataFrame:
    users = result.users
    k_steps = len(result.labels)
    times = users[[f"t_{k}" for k in range(1, k_steps + 1)]]  # NaT beyond a user's furthest step
    out = users[["user_id", *([result.segment] if result.segment else []), "furthest_step"]].copy()
    out["furthest_step_label"] = np.array(result.labels, dtype=object)[out["furthest_step"].to_numpy() - 1]
    out["converted"] = out["furthest_step"] == k_steps
    # the counted attempt's first and last event: steps 1 and furthest in order; in any order, whichever came first
    out["entered_at"] = times.min(axis=1)
    out["reached_at"] = times.max(axis=1)
    out["window_closed"] = users["window_closed"].to_numpy()
    return out.sort_values("user_id", ignore_index=True)


@described
def dropped_users(events: pd.DataFrame, steps: Sequence[Step], at: int | str, *, window=None,
                  by: str | None = None, order: str = "ordered", exclude: Sequence[str] | None = None, same=None,
                  segment_from: int | str = "first", user_col: str = "user_id", time_col: str = "timestamp",
                  event_col: str = "event",
                  strict: bool | None = None) -> pd.DataFrame:
    """The users who reached the step before ``at`` but not ``at``: the drop-off, as people.

    Save the result as a segment for follow-up (a reminder e-mail, a survey, a
    usability test) or join it to other tables.

    Parameters
    ----------
    at : int or str
        The step they did not reach: its number (2 … number of steps) or its label.
    events, steps, window, by, order, exclude, same, segment_from, user_col, time_col, event_col
        As in :func:`funnel`.

    Returns
    -------
    DataFrame
        The rows of :func:`funnel_users` for those users.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, or ``by`` names a column that
        ``events`` does not have.
    ParameterError
        If ``steps`` is not a non-empty list of event names (or of lists of
        names); a step or ``exclude`` name does not occur in the events (the
        message suggests the closest names); an event is both a step and
        excluded; with ``order="strict"`` or ``"any"``, a name appears in
        several steps; ``order="any"`` comes with ``exclude``; ``window`` is
        not a positive duration with a unit; ``order`` is not one of the
        three; or ``by`` is not a column name or is one of
        ``user_id``, ``timestamp`` and ``event``.
        Also if ``at`` is neither a step label nor a step number from 2 to
        the number of steps (step 1 is refused: nobody drops before entering).

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:30", "2025-01-01 09:00"]),
    ...     "event": ["view", "buy", "view"],
    ... })
    >>> dropped_users(events, ["view", "buy"], at="buy")["user_id"].tolist()
    ['b']
    """
    result = _run(events, steps, window, by, _order(order, strict), exclude, user_col, time_col, event_col, same,
                  segment_from)
    k = _step_number(at, result.labels)
    if k == 1:
        raise ParameterError("nobody drops before step 1 (it is how users enter); choose at=2 or later.", "at")
    table = _user_table(result)
    return table[table["furthest_step"] == k - 1].reset_index(drop=True)


def _step_number(at: int | str, labels: list[str], parameter: str = "at") -> int:
    if isinstance(at, str):
        if at not in labels:
            raise ParameterError(f"no step labelled {at!r}; the steps are {labels}.", parameter)
        return labels.index(at) + 1
    at = params.integer(at, parameter)
    if not 1 <= at <= len(labels):
        raise ParameterError(f"step number must be between 1 and {len(labels)}, got {at}.", parameter)
    return at


@described
def time_to_convert(events: pd.DataFrame, steps: Sequence[Step], *, window=None, by: str | None = None,
                    order: str = "ordered", exclude: Sequence[str] | None = None, same=None,
                    segment_from: int | str = "first", user_col: str = "user_id",
                    time_col: str = "timestamp", event_col: str = "event",
                    strict: bool | None = None) -> pd.DataFrame:
    """How long each user took between consecutive steps, and from the first step to the last.

    Times come from the attempt that the funnel counts for the user (the
    earliest attempt reaching their furthest step), so they are consistent
    with :func:`funnel`.

    Parameters
    ----------
{common}

    Returns
    -------
    DataFrame
        One row per user and transition they completed: ``user_id``, the
        ``by`` segment if given, ``from_step``, ``to_step``, ``duration``
        (Timedelta) and ``hours`` (float). The row with ``from_step`` = first
        step and ``to_step`` = last step is the end-to-end time of users who converted.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, or ``by`` names a column that
        ``events`` does not have.
    ParameterError
        If ``steps`` is not a non-empty list of event names (or of lists of
        names); a step or ``exclude`` name does not occur in the events (the
        message suggests the closest names); an event is both a step and
        excluded; with ``order="strict"`` or ``"any"``, a name appears in
        several steps; ``order="any"`` comes with ``exclude``; ``window`` is
        not a positive duration with a unit; ``order`` is not one of the
        three; or ``by`` is not a column name or is one of
        ``user_id``, ``timestamp`` and ``event``.
        Also if ``steps`` has only one step (there is no transition to
        time), and for ``order="any"`` (the steps have no sequence).

    Examples
    --------
    >>> events = pd.DataFrame({{
    ...     "user_id": ["a", "a", "a"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:30", "2025-01-01 12:00"]),
    ...     "event": ["view", "cart", "buy"],
    ... }})
    >>> time_to_convert(events, ["view", "cart", "buy"])[["from_step", "to_step", "hours"]]
      from_step to_step  hours
    0      view    cart    0.5
    1      cart     buy    1.5
    2      view     buy    2.0
    """
    order = _order(order, strict)
    if params.choice(order, "order", ORDERS) == "any":
        raise ParameterError("time between consecutive steps needs the steps in order; in any order a step can "
                             "come before the one listed ahead of it. Use funnel_users' t_ columns, or "
                             "order='ordered'.", "order")
    result = _run(events, steps, window, by, order, exclude, user_col, time_col, event_col, same,
                  segment_from)
    users, labels = result.users, result.labels
    keys = ["user_id", *([result.segment] if result.segment else [])]
    pairs = [(k, k + 1) for k in range(1, len(labels))]
    if len(labels) > 2:
        pairs.append((1, len(labels)))
    frames = []
    for a, b in pairs:
        done = users[users["furthest_step"] >= b]
        frames.append(done[keys].assign(from_step=labels[a - 1], to_step=labels[b - 1],
                                        duration=done[f"t_{b}"] - done[f"t_{a}"]))
    if not frames:
        raise ParameterError("time to convert needs at least two steps.", "steps")
    out = pd.concat(frames, ignore_index=True)
    out["hours"] = out["duration"] / pd.Timedelta(hours=1)
    return out


time_to_convert.__doc__ = time_to_convert.__doc__.format(common=_COMMON)


@described
def time_to_convert_summary(times: pd.DataFrame) -> pd.DataFrame:
    """Median and spread of :func:`time_to_convert` per transition (and segment).

    Parameters
    ----------
    times : DataFrame
        The output of :func:`time_to_convert`. Every column other than
        ``user_id``, ``from_step``, ``to_step``, ``duration`` and ``hours`` is
        taken as a segment (the ``by`` column) and kept in the result.

    Returns
    -------
    DataFrame
        Per ``from_step``, ``to_step`` (and segment): ``users``, ``median``,
        ``p25``, ``p75`` and ``p90`` as Timedeltas rounded to the second. The median is the number to
        quote: conversion times have long right tails that drag the mean.

    Raises
    ------
    Nothing
        It raises none of the kit's errors: ``times`` is not checked, and a
        table without ``from_step``, ``to_step`` and ``duration`` columns
        fails with pandas' ``KeyError``.

    Examples
    --------
    Three users view and buy after 1, 2 and 6 hours:

    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "b", "b", "c", "c"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 11:00", "2025-01-02 10:00",
    ...                                  "2025-01-02 12:00", "2025-01-03 10:00", "2025-01-03 16:00"]),
    ...     "event": ["view", "buy"] * 3,
    ... })
    >>> summary = time_to_convert_summary(time_to_convert(events, ["view", "buy"]))
    >>> summary[["from_step", "to_step", "users", "median", "p25", "p75"]]
      from_step to_step  users          median             p25             p75
    0      view     buy      3 0 days 02:00:00 0 days 01:30:00 0 days 04:00:00

    The median is the middle time, 2 hours; the quartiles fall halfway between
    neighbours: 1.5 hours (between 1 and 2) and 4 hours (between 2 and 6).
    """
    keys = [c for c in times.columns if c not in ("user_id", "from_step", "to_step", "duration", "hours")]
    group = times.groupby([*keys, "from_step", "to_step"], sort=False, dropna=False)["duration"]
    out = group.agg(users="count", median="median")
    for name, q in (("p25", 0.25), ("p75", 0.75), ("p90", 0.9)):
        out[name] = group.quantile(q)
    for name in ("median", "p25", "p75", "p90"):
        out[name] = out[name].dt.round("s")
    return out.reset_index()


_RESULT_COLUMNS = ("step", "users", "conversion_from_start", "conversion_from_previous", "drop_off", "ci_low",
                   "ci_high", "small_sample")


def _segment_column(result: pd.DataFrame) -> str | None:
    """The segment column of a funnel result, found by name: from ``attrs``, else the one non-funnel column."""
    if not isinstance(result, pd.DataFrame) or not {"step", "users"} <= set(result.columns):
        raise ParameterError(f"expected the table returned by jk.funnel (with 'step' and 'users' columns), got "
                             f"{type(result).__name__}.", "result")
    if "segment" in result.attrs:
        segment = result.attrs["segment"]
        if segment is None or segment in result.columns:
            return segment
    others = [c for c in result.columns if c not in _RESULT_COLUMNS]
    if len(others) > 1:
        raise ParameterError(f"cannot tell which of {others} is the segment column of this funnel result; pass "
                             "the table as jk.funnel returned it, or drop the extra columns.", "result")
    return others[0] if others else None


@described
def funnel_confidence(result: pd.DataFrame, *, level: float = 0.95, min_sample: int = MIN_SAMPLE,
                      min_users: int | None = None) -> pd.DataFrame:
    """Add Wilson intervals and small-sample flags to a :func:`funnel` result.

    Parameters
    ----------
    result : DataFrame
        The output of :func:`funnel`.
    level : float, default 0.95
        Confidence level.
    min_sample : int, default MIN_SAMPLE (30)
        Segments with fewer users at step 1 are flagged ``small_sample``.
    min_users : int, optional
        Old name of ``min_sample``; it warns and will be removed in the next release.

    Returns
    -------
    DataFrame
        ``result`` with ``ci_low`` and ``ci_high`` (interval of
        ``conversion_from_start``) and ``small_sample``.

    Raises
    ------
    ParameterError
        If ``result`` is not a funnel table (with ``step`` and ``users``
        columns) or its segment column cannot be told apart from extra
        columns; if ``level`` is not strictly between 0 and 1; or if both
        ``min_sample`` and its old name ``min_users`` are given.

    Examples
    --------
    >>> res = pd.DataFrame({"step": ["view", "buy"], "users": [10, 8], "conversion_from_start": [1.0, 0.8],
    ...                     "conversion_from_previous": [1.0, 0.8], "drop_off": [0, 2]})
    >>> funnel_confidence(res)[["step", "ci_low", "ci_high", "small_sample"]].round(3)
       step  ci_low  ci_high  small_sample
    0  view   0.722    1.000          True
    1   buy   0.490    0.943          True
    """
    min_sample = params.renamed(min_sample, min_users, "min_sample", "min_users", MIN_SAMPLE)
    params.integer(min_sample, "min_sample", minimum=1)
    out = result.copy()
    segment = _segment_column(result)
    keys = [segment] if segment else []
    start = out.groupby(keys, sort=False, dropna=False)["users"].transform("first") if keys else out["users"].iloc[0]
    low, high = wilson_interval(out["users"], start, level=level)
    out["ci_low"], out["ci_high"] = low, high
    out["small_sample"] = np.asarray(start) < min_sample if keys else bool(start < min_sample)
    return out


@described
def compare_funnel_segments(result: pd.DataFrame, a, b, *, step: int | str = -1, level: float = 0.95,
                            min_sample: int = MIN_SAMPLE, min_users: int | None = None) -> pd.Series:
    """Do two segments convert differently, or is the gap noise?

    Parameters
    ----------
    result : DataFrame
        A :func:`funnel` result computed with ``by=``.
    a, b : segment values
        The two segments to compare, e.g. ``"mobile"`` and ``"desktop"``.
    step : int or str, default -1
        Compare conversion from the start to this step (number, label, or -1 for the last step).
    level, min_sample
        See :func:`journeykit.analysis.stats.compare_proportions`.
    min_users : int, optional
        Old name of ``min_sample``; it warns and will be removed in the next release.

    Returns
    -------
    Series
        ``rate_a``, ``rate_b``, ``difference``, ``ci_low``, ``ci_high``, ``p_value``, ``small_sample`` and a
        ``verdict`` sentence.

    Raises
    ------
    ParameterError
        If ``result`` is not a funnel table or was computed without ``by``;
        if ``a`` or ``b`` is not a segment in it; if ``step`` is not a step
        label, a step number from 1 to the number of steps, or -1; if
        ``level`` is not strictly between 0 and 1; or if both ``min_sample``
        and its old name ``min_users`` are given.

    Examples
    --------
    A funnel by device (as ``funnel(events, ["view", "buy"], by="device")``
    returns it, reduced to the columns used): 40 of 200 mobile users buy, and
    70 of 200 desktop users.

    >>> result = pd.DataFrame({"device": ["mobile", "mobile", "desktop", "desktop"],
    ...                        "step": ["view", "buy", "view", "buy"], "users": [200, 40, 200, 70]})
    >>> comparison = compare_funnel_segments(result, "mobile", "desktop")
    >>> comparison[["rate_a", "rate_b", "difference"]].astype(float).round(2).tolist()
    [0.2, 0.35, -0.15]
    >>> comparison["verdict"]
    'desktop converts better than mobile (35.0% vs 20.0%, p < 0.001)'
    """
    min_sample = params.renamed(min_sample, min_users, "min_sample", "min_users", MIN_SAMPLE)
    params.integer(min_sample, "min_sample", minimum=1)
    segment = _segment_column(result)
    if segment is None:
        raise ParameterError("this funnel has no segments; compute it with by='<column>' first.", "result")
    labels = result["step"].drop_duplicates().tolist()
    k = len(labels) if step == -1 else _step_number(step, labels)
    values = []
    for name in (a, b):
        rows = result[result[segment] == name]
        if rows.empty:
            known = result[segment].drop_duplicates().tolist()
            raise ParameterError(f"no segment {name!r} in column {segment!r}; the segments are {known}.", "a, b")
        values += [int(rows["users"].iloc[k - 1]), int(rows["users"].iloc[0])]
    return compare_proportions(values[0], values[1], values[2], values[3], level=level, min_sample=min_sample,
                               names=(str(a), str(b)))


