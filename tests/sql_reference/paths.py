"""Paths through the journey: the buyer journey split, top paths (events or stages), the stage transition matrix,
purchase timing and paths around an anchor event.

Stages come from a stage model (a preset name or a ``jk.StageModel``): its event names and its rules, the rules
translated from their query text to SQL (``==``, ``!=``, comparisons, ``in [...]``, ``and``, ``or``, ``not``), with
``occurrence``, ``reached`` and ``customer`` computed in SQL from the user's history as the stage model notes define
them. A user's events are read in the kit's one order: time, then (where stages are in play) the stage number, then
the event name, then every other column (missing values last); the last keys are used only where they can change
a result (the order of the rows of ``split_journeys``; ``occurrence`` when a rule reads another column).
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

import journeykit as jk
from sql_reference.compare import Case
from sql_reference.core import _bind

END = "(end)"
START = "(start)"

_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def _text(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _open(events, con: duckdb.DuckDBPyConnection | None) -> tuple[duckdb.DuckDBPyConnection, tuple[bool, bool]]:
    """A connection (``con``, or a new one) with ``events`` bound as the view ``events``, and what to undo."""
    owned = con is None
    con = duckdb.connect() if owned else con
    return con, (_bind(con, events), owned)


def _close(con: duckdb.DuckDBPyConnection, undo: tuple[bool, bool]) -> None:
    """Unregister a registered DataFrame; close a connection opened by :func:`_open`."""
    registered, owned = undo
    if owned:
        con.close()
    elif registered:
        con.unregister("events")


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The result of ``sql`` as a DataFrame (through Arrow: several times faster than ``.df()`` for long text)."""
    return con.sql(sql).to_arrow_table().to_pandas()


def _types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The columns of ``events`` and their DuckDB types, in table order."""
    return dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE events)").fetchall())


def _source(con: duckdb.DuckDBPyConnection) -> str:
    """SELECT of the events as the kit validates them: integer user ids as their digits, aware times as naive UTC."""
    types = _types(con)
    replace = []
    if types["user_id"] in _INTEGERS:
        replace.append("CAST(user_id AS VARCHAR) AS user_id")
    if "WITH TIME ZONE" in types["timestamp"]:
        replace.append("timezone('UTC', \"timestamp\") AS \"timestamp\"")
    return "SELECT * " + (f"REPLACE ({', '.join(replace)}) " if replace else "") + "FROM events"


def _others(con: duckdb.DuckDBPyConnection) -> list[str]:
    """ORDER BY keys of the columns other than user, time and event name: table order, missing values last (the
    last keys of ``core._tie_order``, read from the table's description rather than from an empty result)."""
    return [f'"{c}" NULLS LAST' for c in _types(con) if c not in ("user_id", "timestamp", "event")]


def _order(con: duckdb.DuckDBPyConnection) -> str:
    """ORDER BY keys of the kit's order of a user's events without stages: time, event name, the other columns."""
    return ", ".join(["timestamp", "event", *_others(con)])


def _model(model) -> jk.StageModel:
    return jk.stage_model(model if model is not None else "6-stage")


def _rule(query: str) -> str:
    """A stage rule's query text as a SQL condition."""
    sql = query.replace("==", "=").replace("!=", "<>")
    sql = re.sub(r"\bin\s*\[([^\]]*)\]", r"IN (\1)", sql)
    sql = re.sub(r"\bTrue\b", "TRUE", sql)
    return re.sub(r"\bFalse\b", "FALSE", sql)


def _staged(model: jk.StageModel, others: list[str]) -> str:
    """CTEs from ``src`` to ``staged``: the events with their stage number ``_sn`` and stage name ``_step``.

    A stage by name is the event's mapping; rules are checked first, in order, the first match winning.
    ``occurrence`` counts the user's events of that name so far, in time order (ties by the other columns, ``others``
    keys, when a rule reads one of them); ``reached`` is the furthest stage by name of the user's strictly earlier
    events (0 if none); ``customer`` is a purchase (the model's ``purchase_event``) strictly earlier.
    """
    number = {name: i for i, name in enumerate(model.stage_names, start=1)}
    by_name = " ".join(f"WHEN {_text(e)} THEN {number[s]}" for e, s in model.events.items())
    by_name = f"CASE r.event {by_name} ELSE 0 END" if by_name else "0"
    queries = " ".join(q for q, _ in model.rules)
    uses = {name: bool(re.search(rf"\b{name}\b", queries)) for name in ("occurrence", "reached", "customer")}
    words = set(re.findall(r"\w+", re.sub(r"'[^']*'|\"[^\"]*\"", "", queries)))
    ties = "".join(", " + k for k in others if k.split('"')[1] in words)
    history = []
    if uses["occurrence"]:
        history.append(f"row_number() OVER (PARTITION BY user_id, event ORDER BY timestamp{ties}) AS occurrence")
    if uses["reached"]:
        history.append("coalesce(max(_by_name) OVER (PARTITION BY user_id ORDER BY timestamp RANGE BETWEEN "
                       "UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP), 0) AS reached")
    customer, bought = "", ""
    if uses["customer"]:
        customer = ", coalesce(r.timestamp > cp._cp, false) AS customer"
        bought = "LEFT JOIN cp ON cp.user_id = r.user_id"
    rules = " ".join(f"WHEN {_rule(q)} THEN {number[s]}" for q, s in model.rules)
    names = " ".join(f"WHEN {i} THEN {_text(s)}" for s, i in number.items())
    helpers = ", ".join(["_by_name", *[name for name, used in uses.items() if used]])
    return f""",
    cp AS (SELECT user_id, min(timestamp) AS _cp FROM src WHERE event = {_text(model.purchase_event)}
           GROUP BY user_id),
    named AS (SELECT r.*, {by_name} AS _by_name{customer} FROM src r {bought}),
    hist AS (SELECT *{''.join(', ' + h for h in history)} FROM named),
    numbered AS (SELECT * EXCLUDE ({helpers}), CASE {rules} WHEN _by_name > 0 THEN _by_name END AS _sn FROM hist),
    staged AS (SELECT *, CASE _sn {names} END AS _step FROM numbered)"""


def _steps_ctes(con: duckdb.DuckDBPyConnection, level: str, model) -> tuple[str, str]:
    """CTEs ``src`` (the events) and ``staged`` (with the step ``_step``, and the stage number ``_sn`` at stage
    level); and the ORDER BY of a user's steps: time, the stage number at stage level, the event name.

    The kit's order goes on with the other columns, but events equal in user, time (stage) and name are the same
    step: their order cannot change a path, a move or a count, so it is left out (it matters only to
    ``occurrence``, when a rule reads another column; see :func:`_staged`)."""
    ctes = f"src AS ({_source(con)})"
    if level == "stage":
        return ctes + _staged(_model(model), _others(con)), "timestamp, _sn, event"
    return ctes + ", staged AS (SELECT *, event AS _step FROM src)", "timestamp, event"


def _part(part: str | None, purchase_event: str) -> str:
    """CTE ``parted``: the steps of one part of each history, with ``_converted`` (the user ever purchased)."""
    where = {"buyer": "fp._fp IS NULL OR s.timestamp <= fp._fp", "after": "s.timestamp > fp._fp", None: "TRUE"}[part]
    return f"""
    fp AS (SELECT user_id, min(timestamp) AS _fp FROM src WHERE event = {_text(purchase_event)} GROUP BY user_id),
    parted AS (SELECT s.*, fp._fp IS NOT NULL AS _converted FROM staged s LEFT JOIN fp ON fp.user_id = s.user_id
               WHERE {where})"""


def duckdb_split_journeys(events, purchase_event: str = "purchase",
                          con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Every event labelled buyer or after, as ``jk.split_journeys(events, purchase_event=...)``.

    A user's first purchase is the earliest ``purchase_event``; their events at or before that moment are the buyer
    journey (``part`` "buyer"), later ones "after"; a user who never purchased has only a buyer journey. Returns the
    events (every column) in the kit's order (user, time, event name, the other columns with missing values last),
    with ``first_purchase_at``, ``converted`` and ``part``. Covers the default column names only; aware times come
    back as naive UTC, as the kit's validation gives them.
    """
    con, undo = _open(events, con)
    try:
        sql = f"""
        WITH src AS ({_source(con)}),
        fp AS (SELECT user_id, min(timestamp) AS _fp FROM src WHERE event = {_text(purchase_event)} GROUP BY user_id)
        SELECT s.*, fp._fp AS first_purchase_at, fp._fp IS NOT NULL AS converted,
               CASE WHEN s.timestamp > fp._fp THEN 'after' ELSE 'buyer' END AS part
        FROM src s LEFT JOIN fp ON fp.user_id = s.user_id
        ORDER BY s.user_id, {', '.join('s.' + k for k in _order(con).split(', '))}
        """
        return _fetch(con, sql)
    finally:
        _close(con, undo)


def duckdb_top_paths(events, part: str | None = "buyer", level: str = "event", model=None,
                     collapse: str = "repeats", max_steps: int = 8, top: int = 10, purchase_event: str = "purchase",
                     con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The most common paths, as ``jk.top_paths`` (every option but the column names), as a DataFrame.

    A user's steps are their event names (``level="event"``) or the stages of ``model`` (``"stage"``, default the
    "6-stage" preset; every event must map to a stage), in the kit's order, stages assigned on the whole history.
    ``part`` keeps the buyer journey (up to and including the moment of the first ``purchase_event``; all events of
    a user who never purchased), what comes after it, or everything (None). ``collapse`` merges consecutive equal
    steps ("repeats"), keeps each step's first time only ("loops") or keeps all ("none"). A path is the first
    ``max_steps`` steps joined by " → ", with " → …" when there were more; ``users`` counts the users with each
    path, ``share`` divides by the users with a step in the part, ``converted_share`` is the share of the path's
    users who ever purchased. The ``top`` most common, ties by the steps compared as text in order (a path before
    its own extensions), then the uncut path first.
    """
    con, undo = _open(events, con)
    try:
        ctes, order = _steps_ctes(con, level, model)
        if collapse == "repeats":
            kept = f"""kept AS (SELECT * FROM parted
                       QUALIFY lag(_step) OVER (PARTITION BY user_id ORDER BY {order}) IS DISTINCT FROM _step)"""
        elif collapse == "loops":
            kept = f"""kept AS (SELECT * FROM parted
                       QUALIFY row_number() OVER (PARTITION BY user_id, _step ORDER BY {order}) = 1)"""
        else:
            kept = "kept AS (SELECT * FROM parted)"
        cells = [f"s{k}" for k in range(1, max_steps + 1)]
        sql = f"""
        WITH {ctes}, {_part(part, purchase_event)}, {kept},
        positioned AS (SELECT user_id, _step, _converted,
                              row_number() OVER (PARTITION BY user_id ORDER BY {order}) AS _pos FROM kept),
        paths AS (SELECT user_id, {', '.join(f'max(_step) FILTER (WHERE _pos = {k}) AS s{k}' for k in
                                             range(1, max_steps + 1))},
                         least(count(*), {max_steps}) AS steps, count(*) > {max_steps} AS _cut,
                         bool_or(_converted) AS _converted
                  FROM positioned GROUP BY user_id),
        counted AS (SELECT {', '.join(cells)}, steps, _cut, count(*) AS users,
                           count(*) FILTER (WHERE _converted) AS _buyers
                    FROM paths GROUP BY ALL)
        SELECT concat_ws(' → ', {', '.join(cells)}) || CASE WHEN _cut THEN ' → …' ELSE '' END AS path,
               steps, users, users / (SELECT count(*) FROM paths) AS share, _buyers / users AS converted_share
        FROM counted ORDER BY users DESC, {', '.join(c + ' NULLS FIRST' for c in cells)}, _cut LIMIT {top}
        """
        return _fetch(con, sql)
    finally:
        _close(con, undo)


def duckdb_transition_matrix(events, model="6-stage", part: str | None = None, long: bool = False,
                             purchase_event: str = "purchase",
                             con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Stage-to-stage move probabilities, as ``jk.transition_matrix`` (every option but the column names).

    Each user's events (of ``part``, cut as in :func:`duckdb_top_paths`) are placed in the stages of ``model`` and
    read in the kit's order; an event followed by an event of another stage is a move from its stage to that one,
    and the user's last event a move to ``(end)``. ``probability`` is the moves from A to B over all moves out of A.
    ``long=True`` gives ``from_stage``, ``to_stage``, ``moves``, ``probability`` sorted in the model's order (``(end)``
    last); otherwise the matrix: the stages left as rows, the stages entered and ``(end)`` as columns, both in the
    model's order and only those that occur, 0.0 where there is no move.
    """
    stage_names = _model(model).stage_names
    con, undo = _open(events, con)
    try:
        ctes, order = _steps_ctes(con, "stage", model)
        end = len(stage_names) + 1
        sql = f"""
        WITH {ctes}, {_part(part, purchase_event)},
        moves AS (SELECT _sn AS f, lead(_sn) OVER (PARTITION BY user_id ORDER BY {order}) AS t FROM parted)
        SELECT f, coalesce(t, {end}) AS t, count(*) AS moves,
               count(*) / sum(count(*)) OVER (PARTITION BY f) AS probability
        FROM moves WHERE t IS NULL OR t <> f GROUP BY 1, 2 ORDER BY 1, 2
        """
        counts = _fetch(con, sql)
    finally:
        _close(con, undo)
    labels = dict(enumerate([*stage_names, END], start=1))
    out = pd.DataFrame({"from_stage": counts["f"].map(labels), "to_stage": counts["t"].map(labels),
                        "moves": counts["moves"].astype("int64"), "probability": counts["probability"]})
    if long:
        return out
    rows = [labels[i] for i in sorted(counts["f"].unique())]
    columns = [labels[i] for i in sorted(counts["t"].unique())]
    return out.pivot(index="from_stage", columns="to_stage", values="probability").reindex(
        index=rows, columns=columns).fillna(0.0)


def duckdb_purchase_timing(events, purchase_event: str = "purchase", touch_events: list[str] | None = None,
                           con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Time and touches to the first and the second purchase, as ``jk.purchase_timing`` (every option but the names).

    One row per user with a ``purchase_event``, by user id: ``first_seen`` (their earliest event),
    ``first_purchase_at`` and ``second_purchase_at`` (the earliest and second earliest purchase events; two purchases
    at one moment make a second purchase at that moment), the days between them as fractions of 24 hours, the
    touches (events named in ``touch_events``, every event when None) at or before the first purchase's moment, and
    those after it up to and including the second's moment (missing without a second purchase).
    """
    touch = "TRUE" if touch_events is None else f"s.event IN ({', '.join(map(_text, touch_events))})"
    con, undo = _open(events, con)
    try:
        sql = f"""
        WITH src AS ({_source(con)}),
        buys AS (SELECT user_id, min(timestamp, 2) AS _b FROM src WHERE event = {_text(purchase_event)}
                 GROUP BY user_id),
        per AS (SELECT s.user_id, min(s.timestamp) AS first_seen, any_value(b._b[1]) AS f, any_value(b._b[2]) AS g,
                       count(*) FILTER (WHERE {touch} AND s.timestamp <= b._b[1]) AS t1,
                       count(*) FILTER (WHERE {touch} AND s.timestamp > b._b[1] AND s.timestamp <= b._b[2]) AS t2
                FROM src s JOIN buys b ON b.user_id = s.user_id GROUP BY s.user_id)
        SELECT user_id, first_seen, f AS first_purchase_at, g AS second_purchase_at,
               (epoch_ns(f) - epoch_ns(first_seen)) / 86400e9 AS days_to_first_purchase,
               t1 AS touches_to_first_purchase,
               (epoch_ns(g) - epoch_ns(f)) / 86400e9 AS days_first_to_second,
               CASE WHEN g IS NOT NULL THEN t2 END AS touches_first_to_second
        FROM per ORDER BY user_id
        """
        return _fetch(con, sql)
    finally:
        _close(con, undo)


def duckdb_paths_around(events, anchor: str, direction: str = "after", steps: int = 3, level: str = "event",
                        model=None, collapse: str = "repeats", top: int | None = 20,
                        con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The commonest steps after or before each user's first ``anchor``, as ``jk.paths_around`` (every option but the
    column names), with the anchor's users in ``attrs["users"]``.

    A user's steps are their events (or stages of ``model``) in the kit's order, consecutive equal steps merged into
    one with ``collapse="repeats"``. The user's first ``anchor`` event falls in step 0; positions 1 … ``steps`` are
    the steps after it (``direction="after"``) or -1 … -``steps`` those before it. The first position past the end of
    the history holds ``(end)`` (after) or ``(start)`` (before), later ones nothing. Users with the same positions
    are counted together; ``share`` divides by the users who did ``anchor``; ``path`` joins the filled positions
    (earliest first) with " → ". Most users first, ties by the positions from earliest to latest (nothing first),
    the first ``top`` (all when None).
    """
    after = direction == "after"
    con, undo = _open(events, con)
    try:
        ctes, order = _steps_ctes(con, level, model)
        new_run = "_prev IS NULL OR _prev <> _step" if collapse == "repeats" else "TRUE"
        run = (f"sum(CASE WHEN {new_run} THEN 1 ELSE 0 END) OVER (PARTITION BY user_id ORDER BY _rn)"
               if collapse == "repeats" else "_rn")
        positions = range(steps + 1) if after else range(0, -steps - 1, -1)
        filler = f"CASE WHEN {'max' if after else 'min'}(_off) = {{edge}} THEN {_text(END if after else START)} END"
        cells = []
        for k in positions:
            cell = f"max(_step) FILTER (WHERE _off = {k})"
            if k != 0:
                cell = f"coalesce({cell}, {filler.format(edge=k - 1 if after else k + 1)})"
            cells.append(f'{cell} AS "step_{k}"')
        names = [f'"step_{k}"' for k in (positions if after else reversed(positions))]
        window = f"_off BETWEEN 0 AND {steps}" if after else f"_off BETWEEN {-steps} AND 0"
        sql = f"""
        WITH {ctes},
        first AS (SELECT user_id, min(timestamp) AS _first FROM src WHERE event = {_text(anchor)} GROUP BY user_id),
        side AS (SELECT s.* FROM staged s JOIN first f ON f.user_id = s.user_id
                 WHERE s.timestamp {'>=' if after else '<='} f._first),
        ordered AS (SELECT user_id, event, _step, row_number() OVER w AS _rn, lag(_step) OVER w AS _prev
                    FROM side WINDOW w AS (PARTITION BY user_id ORDER BY {order})),
        runs AS (SELECT user_id, event, _step, _rn, {new_run} AS _new, {run} AS _run FROM ordered),
        anchors AS (SELECT user_id, arg_min(_run, _rn) AS _at FROM runs WHERE event = {_text(anchor)}
                    GROUP BY user_id),
        near AS (SELECT r.user_id, r._step, r._run - a._at AS _off FROM runs r JOIN anchors a ON a.user_id = r.user_id
                 WHERE r._new AND {window.replace('_off', '(r._run - a._at)')}),
        wide AS (SELECT user_id, {', '.join(cells)} FROM near GROUP BY user_id),
        counted AS (SELECT {', '.join(names)}, count(*) AS users FROM wide GROUP BY ALL)
        SELECT concat_ws(' → ', {', '.join(names)}) AS path, users, users / (SELECT count(*) FROM anchors) AS share,
               {', '.join(names)}, (SELECT count(*) FROM anchors) AS _users
        FROM counted ORDER BY users DESC, {', '.join(f"coalesce({n}, '')" for n in names)}
        {'' if top is None else f'LIMIT {top}'}
        """
        out = _fetch(con, sql)
        out.attrs["users"] = int(out.pop("_users").iloc[0])
        return out
    finally:
        _close(con, undo)


CASES = [
    Case("split_journeys", "jk.split_journeys(events)", kit=lambda events: jk.split_journeys(events),
         sql=lambda events, con: duckdb_split_journeys(events, con=con)),
    Case("top_paths_stage", 'jk.top_paths(events, level="stage")',
         kit=lambda events: jk.top_paths(events, level="stage"),
         sql=lambda events, con: duckdb_top_paths(events, level="stage", con=con)),
    Case("top_paths_after_loops", 'jk.top_paths(events, part="after", collapse="loops", max_steps=4, top=20)',
         kit=lambda events: jk.top_paths(events, part="after", collapse="loops", max_steps=4, top=20),
         sql=lambda events, con: duckdb_top_paths(events, part="after", collapse="loops", max_steps=4, top=20,
                                                  con=con)),
    Case("transition_matrix", "jk.transition_matrix(events)", kit=lambda events: jk.transition_matrix(events),
         sql=lambda events, con: duckdb_transition_matrix(events, con=con)),
    Case("purchase_timing", "jk.purchase_timing(events)", kit=lambda events: jk.purchase_timing(events),
         sql=lambda events, con: duckdb_purchase_timing(events, con=con)),
    Case("paths_around_after", 'jk.paths_around(events, "add_to_cart")',
         kit=lambda events: jk.paths_around(events, "add_to_cart"),
         sql=lambda events, con: duckdb_paths_around(events, "add_to_cart", con=con)),
    Case("paths_around_before", 'jk.paths_around(events, "purchase", direction="before", steps=4)',
         kit=lambda events: jk.paths_around(events, "purchase", direction="before", steps=4),
         sql=lambda events, con: duckdb_paths_around(events, "purchase", direction="before", steps=4, con=con)),
    Case("paths_around_stage_none",
         'jk.paths_around(events, "payment_failed", level="stage", collapse="none", top=None)',
         kit=lambda events: jk.paths_around(events, "payment_failed", level="stage", collapse="none", top=None),
         sql=lambda events, con: duckdb_paths_around(events, "payment_failed", level="stage", collapse="none",
                                                     top=None, con=con)),
]
"""Benchmark cases of this module (see ``benchmarks/bench_memory.py``)."""
