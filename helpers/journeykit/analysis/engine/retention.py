"""Cohort retention (:func:`journeykit.cohort_retention`) as one Ibis expression that runs in the engine.

The definition is the pandas one (see :mod:`journeykit.analysis.retention`):
a user's cohort is the period of their first ``cohort_event``; they are
retained at offset k if they have a ``return_event`` in period cohort + k (or,
``unbounded``, in any later period); offsets run up to the period of the last
timestamp. Periods are numbered as the pandas implementation numbers them:
months since January 1970, weeks from Monday (days since 1970-01-01 plus 3,
divided by 7, rounded down) or days. With ``by``, a user's segment is the value
on their first cohort event; of several events at that moment, the first in
the kit's order of tied events (event name, then the other columns).

Only the cells come back to Python: users per (segment, cohort) and retained
users per (segment, cohort, offset); the table is then finished by the same
code as for a DataFrame. Runs in the engine when the time column has a
timestamp type and user ids are text or integers; otherwise the columns are
collected and the pandas implementation runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.engine.checks import facts, fits, naive_time, tie_order
from journeykit.errors import unknown_names

__all__ = ["build"]


@dataclass
class Plan:
    """The cells' expression and how to finish the table."""

    expression: object
    last: object
    by: str | None
    period: str
    cohort_event: str | None
    return_event: str | None
    unbounded: bool

    def result(self) -> pd.DataFrame:
        from journeykit.analysis.retention import cohort_table

        cells = self.expression.to_pyarrow().to_pandas()
        last = int(self.last if isinstance(self.last, (int, np.integer)) else self.last.execute())
        sizes_rows = cells[cells["kind"] == 0]
        if sizes_rows.empty:
            raise_empty(self.cohort_event)
        if self.by:
            codes, seg_values = pd.factorize(cells["segment"], sort=True, use_na_sentinel=False)
        else:
            codes, seg_values = np.zeros(len(cells), dtype=np.int64), [None]
        c0 = int(sizes_rows["cohort"].min())
        n_cohorts = last - c0 + 1
        size_cells = codes[cells["kind"] == 0] * n_cohorts + (sizes_rows["cohort"].to_numpy() - c0)
        sizes = np.bincount(size_cells, weights=sizes_rows["users"].to_numpy(),
                            minlength=len(seg_values) * n_cohorts).astype(np.int64)
        returns = cells[cells["kind"] == 1]
        row = codes[cells["kind"] == 1] * n_cohorts + (returns["cohort"].to_numpy() - c0)
        retained = np.zeros((len(seg_values) * n_cohorts, n_cohorts), dtype=np.int64)
        np.add.at(retained, (row, returns["offset"].to_numpy()), returns["users"].to_numpy())
        if self.unbounded:  # the rows counted users at their furthest offset
            retained = retained[:, ::-1].cumsum(axis=1)[:, ::-1]
        return cohort_table(sizes, retained, seg_values, c0, last, self.period, self.by, self.cohort_event,
                            self.return_event, self.unbounded)


def raise_empty(cohort_event: str | None) -> None:
    from journeykit.errors import SchemaError

    raise SchemaError([f"no user has a {cohort_event or 'first'} event, so there is no cohort."], "events")


def _period_index(ts, period: str):
    """The pandas implementation's period numbers, as an Ibis expression."""
    import ibis

    if period == "M":
        return (ts.year() - 1970) * 12 + ts.month() - 1
    days = ts.date().delta(ibis.date(1970, 1, 1), unit="day")
    return days if period == "D" else (days + 3) // 7


def build(table, arguments: dict, check: bool = True, dialect: str | None = None) -> Plan | None:
    """Cohort retention on an Ibis table, or None when only the pandas implementation handles the arguments."""
    from journeykit.analysis.retention import _check_period, period_index

    user, time, event = arguments["user_col"], arguments["time_col"], arguments["event_col"]
    period = arguments["period"]
    _check_period(period)
    unbounded = params.flag(arguments["unbounded"], "unbounded")
    by = params.column(arguments["by"], "by", allow_none=True)
    cohort_event = params.name(arguments["cohort_event"], "cohort_event", allow_none=True)
    return_event = params.name(arguments["return_event"], "return_event", allow_none=True)
    if not fits(table, user, time, event, segment=by, sortable=by is not None):
        return None
    last = None
    if check:
        found = facts(table, user, time, event)
        if found.has_nulls or found.rows == 0:
            return None
        for name, parameter in ((cohort_event, "cohort_event"), (return_event, "return_event")):
            if name is not None:
                unknown_names(name, found.events, parameter)
        last = int(period_index(np.array([found.end.to_datetime64()]), period)[0])
    expression, last_expression = _expression(table, period, cohort_event, return_event, unbounded, by, user, time,
                                              event)
    return Plan(expression, last_expression if last is None else last, by, period, cohort_event, return_event,
                unbounded)


def _expression(table, period: str, cohort_event, return_event, unbounded: bool, by, user: str, time: str,
                event: str):
    """Rows (kind 0: users per segment and cohort; kind 1: retained users per segment, cohort and offset)."""
    import ibis

    columns = {"user_id": table[user].cast("string"), "ts": naive_time(table, time), "e": table[event]}
    if by is not None:
        columns["segment"] = table[by]
    ev = table.select(**columns)
    # the start of each event's period (one truncation per row); its number only on the far fewer distinct rows
    ev = ev.mutate(start=ev.ts.truncate(period))
    last = _period_index(ev.start.max(), period)

    returns = ev if return_event is None else ev.filter(ev.e == return_event)
    active = returns.select("user_id", "start").distinct()
    entries = ev if cohort_event is None else ev.filter(ev.e == cohort_event)
    if by is None:
        # when the same events make the cohort and the returns, the cohort is the first of the (far fewer)
        # distinct active periods: one pass over the events instead of two
        source = active if cohort_event == return_event else entries
        cohorts = source.group_by("user_id").aggregate(first=source.start.min())
        cohorts = cohorts.select("user_id", segment=ibis.null("string"), cohort=_period_index(cohorts.first, period))
    else:
        # the value on the first cohort event; of events tied at that moment, the first in the kit's order
        others = [c for c in table.columns if c not in (user, time, event)]
        first = table.select(user_id=table[user].cast("string"), ts=naive_time(table, time), e=table[event],
                             **{f"c{i}": table[c] for i, c in enumerate(others)})
        first = first if cohort_event is None else first.filter(first.e == cohort_event)
        rank = ibis.row_number().over(group_by=first.user_id, order_by=tie_order(first, len(others)))
        first = first.mutate(rank=rank).filter(lambda t: t["rank"] == 0)
        cohorts = first.select("user_id", segment=first[f"c{others.index(by)}"],
                               cohort=_period_index(first.ts, period))
    active = active.select("user_id", p=_period_index(active.start, period))
    joined = active.join(cohorts, "user_id")
    pairs = joined.select("user_id", "segment", "cohort", offset=joined.p - joined.cohort).filter(
        lambda t: t.offset >= 0)
    if unbounded:
        pairs = pairs.group_by(["user_id", "segment", "cohort"]).aggregate(offset=pairs.offset.max())
    retained = pairs.group_by(["segment", "cohort", "offset"]).aggregate(users=pairs.count())
    sizes = cohorts.group_by(["segment", "cohort"]).aggregate(users=cohorts.count())
    sizes = sizes.mutate(offset=ibis.literal(0, "int64"), kind=ibis.literal(0, "int8"))
    retained = retained.mutate(kind=ibis.literal(1, "int8"))
    order = ["kind", "segment", "cohort", "offset", "users"]
    cast = {"cohort": "int64", "offset": "int64", "users": "int64"}
    both = sizes.select(order).cast(cast).union(retained.select(order).cast(cast), distinct=False)
    return both, last
