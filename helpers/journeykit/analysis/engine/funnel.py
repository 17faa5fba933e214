"""The funnel of :func:`journeykit.funnel`, as one Ibis expression that runs in the engine.

The definition is the pandas one (see :mod:`journeykit.analysis.funnel`); this
is another way to compute it, for steps whose event names are all different:

- every occurrence of step 1 starts an attempt (attempts starting at the same
  moment are the same attempt);
- an attempt at step k-1 takes the **earliest** occurrence of step k at the
  same moment or later: for steps with distinct names, taking the earliest
  is never worse, so greedy matching finds the furthest step. On DuckDB each
  "earliest occurrence at or after" is an ASOF join; elsewhere (Spark,
  BigQuery, Snowflake, ...) it is a window minimum over the user's
  step-(k-1) moments and step-k events, sorted by time with the moments
  first. Both give the same rows (the tests run both);
- the attempt stops at the first step beyond ``window`` from its start;
- each user counts once, at the furthest step of any attempt; the segment
  (``by``) is the value on their first step-1 event, ties broken as the kit
  orders tied events (by event name, then by the other columns in the table's
  order, missing values last).

Only the counts per (segment, furthest step) come back to Python.

Runs in the engine for ``order="ordered"`` without ``exclude`` or ``same``, with
``segment_from="first"``, distinct event names across steps, a time column of a
timestamp type and user ids of a text or integer type; any other case runs the
pandas implementation on the collected columns. Zoned times are compared as
instants; engines should run with a UTC session time zone (the kit's own
DuckDB connections do), as the pandas implementation converts times to UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from journeykit import params
from journeykit.analysis.engine.checks import facts, fits, naive_time, tie_order
from journeykit.errors import unknown_names

__all__ = ["build"]


@dataclass
class Plan:
    """The main expression and how to turn its rows into the funnel's table."""

    expression: object
    labels: list[str]
    segment: str | None
    window: pd.Timedelta | None
    data_end: pd.Timestamp | None

    def result(self) -> pd.DataFrame:
        from journeykit.analysis.funnel import count_table

        rows = self.expression.to_pyarrow().to_pandas()
        segments = rows["segment"] if self.segment else None
        out = count_table(self.labels, self.segment, rows["furthest"].to_numpy(), segments,
                          weights=rows["users"].to_numpy())
        out.attrs.update(segment=self.segment, steps=list(self.labels), window=self.window, data_end=self.data_end,
                         open_window_users=int(rows["open"].sum()))
        return out


def _supported(arguments: dict) -> bool:
    """Whether the options are ones the engine implementation computes."""
    return (arguments.get("order", "ordered") == "ordered" and arguments.get("strict") is None
            and not arguments.get("exclude")
            and arguments.get("same") is None and arguments.get("segment_from", "first") == "first")


def _has_asof(table, dialect: str | None) -> bool:
    """Whether to match steps with ASOF joins: on a DuckDB table, or for DuckDB's SQL."""
    if dialect is not None:
        return dialect == "duckdb"
    import ibis

    try:
        return ibis.get_backend(table).name == "duckdb"
    except Exception:  # an unbound table: no engine to ask
        return False


def build(table, arguments: dict, check: bool = True, dialect: str | None = None) -> Plan | None:
    """The funnel on an Ibis table, or None when only the pandas implementation handles the arguments.

    With ``check`` (the default) the data are checked first: nulls in the
    three contract columns, or step names that no event has, return None (or
    raise the pandas implementation's error for names), so that the collected
    rows give the same error as a DataFrame would.
    """
    from journeykit.analysis.funnel import _labels, _normalise_steps, _window

    if not _supported(arguments):
        return None
    user, time, event = arguments["user_col"], arguments["time_col"], arguments["event_col"]
    spec = _normalise_steps(arguments["steps"])
    labels = _labels(spec)
    limit = _window(arguments["window"])
    by = params.column(arguments["by"], "by", allow_none=True)
    names = [n for step in spec for n in step]
    if len(set(names)) != len(names) or not fits(table, user, time, event, segment=by, sortable=by is not None):
        return None
    data_end = None
    if check:
        import ibis

        found = facts(table, user, time, event)
        if found.has_nulls or found.rows == 0:
            return None
        unknown_names(names, found.events, "steps")
        data_end = found.end
        end = ibis.literal(data_end.to_pydatetime())
    else:
        end = table[time].max()
    expression = _expression(table, spec, limit, by, user, time, event, end, asof=_has_asof(table, dialect))
    window = None if limit is None else pd.Timedelta(int(limit), "ns")
    return Plan(expression, labels, by, window, data_end)


def _expression(table, spec: list, limit, by: str | None, user: str, time: str, event: str, end, asof: bool):
    """Counts of users per (segment, furthest step), with how many of them are still inside their window; ``asof``
    matches steps with ASOF joins (DuckDB), otherwise with window functions that every SQL engine runs."""
    import ibis

    k_steps = len(spec)
    step_of = ibis.cases(*[(table[event].isin(list(names)), k + 1) for k, names in enumerate(spec)], else_=0)
    columns = {"user_id": table[user].cast("string"), "ts": naive_time(table, time), "step": step_of}
    if by is not None:
        columns["segment"] = table[by]
    ev = table.select(**columns).filter(lambda t: t.step > 0)
    span = None if limit is None else ibis.interval(microseconds=int(limit) // 1000)

    attempts = ev.filter(ev.step == 1).select("user_id", t1="ts").distinct()
    previous = "t1"
    for k in range(2, k_steps + 1):
        events = ev.filter(ev.step == k).select(next_user="user_id", nxt="ts")
        if asof:  # one ASOF join: the earliest event at or after the moment, for engines that have it
            joined = attempts.asof_join(events, on=attempts[previous] <= events.nxt,
                                        predicates=[attempts.user_id == events.next_user])
        else:  # portable: a window minimum over the user's moments and events
            nxt = _earliest_at_or_after(attempts, previous, events.rename(user_id="next_user", ts="nxt"))
            nxt = nxt.rename(moment_user="user_id", moment="ts")
            joined = attempts.left_join(nxt, [("user_id", "moment_user"), (previous, "moment")])
        reached = joined.nxt if span is None else ibis.cases((joined.nxt <= joined.t1 + span, joined.nxt),
                                                             else_=ibis.null(ev.ts.type()))
        attempts = joined.select(*attempts.columns, **{f"t{k}": reached}).view()
        previous = f"t{k}"
    furthest = sum((attempts[f"t{k}"].notnull().cast("int64") for k in range(2, k_steps + 1)), ibis.literal(1))
    per_user = attempts.group_by("user_id").aggregate(furthest=furthest.max(), last_start=attempts.t1.max())
    if span is None:
        open_ = per_user.furthest < k_steps
    else:
        open_ = (per_user.furthest < k_steps) & (per_user.last_start + span > end)
    per_user = per_user.mutate(open=open_.cast("int64"))
    keys = ["furthest"]
    if by is not None:
        per_user = per_user.join(_first_segment(table, spec, user, time, event, by), "user_id")
        keys = ["segment", "furthest"]
    return per_user.group_by(keys).aggregate(users=per_user.count(), open=per_user.open.sum()).order_by(keys)


def _earliest_at_or_after(attempts, column: str, events):
    """For each user and distinct moment in ``attempts[column]``, the earliest event time at that moment or later."""
    import ibis

    moments = attempts.filter(attempts[column].notnull()).select("user_id", ts=attempts[column]).distinct()
    both = moments.mutate(tag=ibis.literal(0, "int8")).union(events.mutate(tag=ibis.literal(1, "int8")),
                                                             distinct=False)
    window = ibis.window(group_by=both.user_id, order_by=[both.ts, both.tag], rows=(0, None))
    found = ibis.cases((both.tag == 1, both.ts), else_=ibis.null(both.ts.type())).min().over(window)
    return both.mutate(nxt=found).filter(lambda t: t.tag == 0).select("user_id", "ts", "nxt")


def _first_segment(table, spec: list, user: str, time: str, event: str, by: str):
    """Each user's segment: the value on their first step-1 event (ties: by event name, then the other columns in
    the table's order, missing values last, as the kit orders tied events)."""
    import ibis

    others = [c for c in table.columns if c not in (user, time, event)]
    first = table.filter(table[event].isin(list(spec[0]))).select(
        user_id=table[user].cast("string"), ts=naive_time(table, time), e=table[event],
        **{f"c{i}": table[c] for i, c in enumerate(others)})
    rank = ibis.row_number().over(group_by=first.user_id, order_by=tie_order(first, len(others)))
    first = first.mutate(rank=rank).filter(lambda t: t["rank"] == 0)
    return first.select("user_id", segment=first[f"c{others.index(by)}"])


def columns(arguments: dict) -> list[str]:
    """The columns the funnel reads, for collecting them when it runs in pandas."""
    needed = [arguments["user_col"], arguments["time_col"], arguments["event_col"]]
    for name in ("by", "same"):
        value = arguments.get(name)
        if isinstance(value, str):
            needed.append(value)
        elif isinstance(value, (list, tuple)):
            needed.extend(value)
    return needed
