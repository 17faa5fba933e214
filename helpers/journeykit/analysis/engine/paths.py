"""The most common paths (:func:`journeykit.top_paths`) as one Ibis expression that runs in the engine.

The definition is the pandas one (see :mod:`journeykit.analysis.paths`): each
user's events of one part of the journey (up to the time of the first
purchase, after it, or all), in the kit's order (time, then event name, then
the other columns' values, missing values last), with repeats or loops
collapsed; the first ``max_steps`` steps make the path, which is marked cut
when there were more. Paths are counted per user, the most common first, ties
in the order of their steps (a shorter path before its extensions).

Each user's path is laid out as ``max_steps`` columns (the step at each
position), so that every engine runs it (Spark cannot order a string
aggregate); only the ``top`` most common paths come back to Python. Event
level only: stage paths need the stage model's rules, which run in pandas.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from journeykit import params
from journeykit.analysis.engine.checks import facts, fits, naive_time, tie_order, with_first_purchase

__all__ = ["build"]


@dataclass
class Plan:
    """The expression of the top paths and of the number of users with a path."""

    expression: object
    max_steps: int

    def result(self) -> pd.DataFrame | None:
        rows = self.expression.to_pyarrow().to_pandas()
        if rows.empty:  # no event in that part: the pandas implementation says so, in its words
            return None
        total = int(rows["total"].iloc[0])
        grid = rows[[f"s{i}" for i in range(self.max_steps)]].astype(object).to_numpy()
        paths, steps = [], []
        for row, cut in zip(grid, rows["cut"].to_numpy()):  # only the few rows returned are formatted
            parts = [step for step in row if isinstance(step, str)]
            paths.append(" → ".join(parts) + (" → …" if cut else ""))
            steps.append(len(parts))
        out = pd.DataFrame({"path": paths, "steps": steps, "users": rows["users"].to_numpy().astype("int64")})
        out["share"] = out["users"] / total
        out["converted_share"] = rows["converted"].to_numpy() / out["users"]
        return out


def build(table, arguments: dict, check: bool = True, dialect: str | None = None) -> Plan | None:
    """Top paths on an Ibis table, or None when only the pandas implementation handles the arguments."""
    part = params.choice(arguments["part"], "part", ("buyer", "after", None))
    level = params.choice(arguments["level"], "level", ("event", "stage"))
    collapse = params.choice(arguments["collapse"], "collapse", ("repeats", "loops", "none"))
    max_steps = params.integer(arguments["max_steps"], "max_steps", minimum=1)
    top = params.integer(arguments["top"], "top", minimum=1)
    purchase = params.name(arguments["purchase_event"], "purchase_event")
    user, time, event = arguments["user_col"], arguments["time_col"], arguments["event_col"]
    if level != "event" or not fits(table, user, time, event, sortable=True):
        return None
    if check:
        found = facts(table, user, time, event)
        if found.has_nulls or found.rows == 0 or (part is not None and purchase not in found.events):
            return None  # the pandas implementation says what is wrong, in its own words
    return Plan(_expression(table, part, collapse, max_steps, top, purchase, user, time, event), max_steps)


def _expression(table, part, collapse: str, max_steps: int, top: int, purchase: str, user: str, time: str,
                event: str):
    """The top paths: step columns s0.., cut, users, converted, and the number of users with a path (total)."""
    import ibis

    others = [c for c in table.columns if c not in (user, time, event)]
    ev = table.select(user_id=table[user].cast("string"), ts=naive_time(table, time), e=table[event],
                      **{f"c{i}": table[c] for i, c in enumerate(others)})
    ev = with_first_purchase(ev, purchase, how="left")
    ev = ev.mutate(converted=ev.first_purchase.notnull().cast("int64"))
    if part == "buyer":
        ev = ev.filter(ev.first_purchase.isnull() | (ev.ts <= ev.first_purchase))
    elif part == "after":
        ev = ev.filter(ev.first_purchase.notnull() & (ev.ts > ev.first_purchase))

    def order(t):
        return tie_order(t, len(others))

    if collapse == "repeats":
        previous = ev.e.lag().over(ibis.window(group_by=ev.user_id, order_by=order(ev)))
        ev = ev.mutate(previous=previous)
        ev = ev.filter(ev.previous.isnull() | (ev.previous != ev.e))
    elif collapse == "loops":
        ev = ev.mutate(visit=ibis.row_number().over(group_by=[ev.user_id, ev.e], order_by=order(ev)))
        ev = ev.filter(ev.visit == 0)
    ev = ev.mutate(pos=ibis.row_number().over(group_by=ev.user_id, order_by=order(ev)))
    steps = {f"s{i}": ibis.cases((ev.pos == i, ev.e), else_=ibis.null("string")).max() for i in range(max_steps)}
    per_user = ev.group_by("user_id").aggregate(length=ev.count(), converted=ev.converted.max(), **steps)
    per_user = per_user.mutate(cut=per_user.length > max_steps)
    keys = [f"s{i}" for i in range(max_steps)] + ["cut"]
    counted = per_user.group_by(keys).aggregate(users=per_user.count(), converted=per_user.converted.sum())
    counted = counted.mutate(total=counted.users.sum().over())  # users with a path, for the shares
    ranking = [ibis.desc(counted.users), *[ibis.asc(counted[f"s{i}"], nulls_first=True) for i in range(max_steps)],
               ibis.asc(counted.cut)]
    return counted.order_by(ranking).limit(top)
