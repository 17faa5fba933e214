"""Journey stages in DuckDB SQL: placing events in stages, entries, furthest stage, summary, transitions,
backtracks, and the event-derived lanes of the journey map.

A stage model (a preset name or a ``jk.StageModel``) is read as data: its stages, its event → stage mapping and
its rules. The rules are pandas query strings; :func:`rule_sql` rewrites them to SQL expressions (comparisons,
``in`` lists, ``and``/``or``/``not``) over the event columns and the user's history: ``occurrence`` (the 1-based
count of this event name for the user so far), ``reached`` (the furthest stage that the user's strictly earlier
events map to by name, 0 if none) and ``customer`` (a purchase strictly earlier). All the work on rows is SQL;
Python only writes the queries and formats the few cells of a journey map.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import duckdb
import numpy as np
import pandas as pd

import journeykit as jk
from sql_reference.compare import Case
from sql_reference.core import _bind

__all__ = ["duckdb_assign_stages", "duckdb_stage_entries", "duckdb_furthest_stage", "duckdb_stage_summary",
           "duckdb_stage_transitions", "duckdb_backtracks", "duckdb_journey_map", "rule_sql", "CASES"]

LANES = ["goal", "touchpoints", "channels", "actions", "quotes", "emotion", "pain_points", "opportunities", "kpis",
         "owner"]
"""The lanes of a journey map, top to bottom (as the glossary lists them)."""


# ---------------------------------------------------------------------------
# Rules and the staged events
# ---------------------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<quoted>`[^`]*`)"""
                    r"""|(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|(?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|~|&|\||-|\+)"""
                    r"""|(?P<name>[A-Za-z_][A-Za-z_0-9]*))""")
_WORDS = {"and": "AND", "or": "OR", "not": "NOT", "in": "IN", "True": "TRUE", "False": "FALSE"}
_OPS = {"==": "IS NOT DISTINCT FROM", "!=": "IS DISTINCT FROM", "[": "(", "]": ")", "~": "NOT", "&": "AND",
        "|": "OR"}


def _lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    """A SQL quoted identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def rule_sql(query: str) -> str:
    """The SQL expression of a rule written as a pandas query string.

    Covers what stage rules are made of: column names (backquoted or not), text and number literals, ``==``,
    ``!=`` (as ``IS [NOT] DISTINCT FROM``, so that a missing value equals nothing, as in pandas), ``<``, ``<=``,
    ``>``, ``>=``, ``in``/``not in`` lists, ``and``/``or``/``not`` (and ``&``/``|``/``~``), parentheses, ``True``
    and ``False``. Method calls and arithmetic on missing values are not covered.

    Examples
    --------
    >>> print(rule_sql("event in ['visit', 'read_article'] and customer"))
    "event" IN ('visit', 'read_article') AND "customer"
    >>> print(rule_sql("event == 'purchase' and occurrence > 1"))
    "event" IS NOT DISTINCT FROM 'purchase' AND "occurrence" > 1
    """
    out, position = [], 0
    while position < len(query):
        if not query[position:].strip():
            break
        match = _TOKEN.match(query, position)
        if match is None:
            raise ValueError(f"rule {query!r}: cannot translate from position {position}")
        position = match.end()
        kind, token = match.lastgroup, match.group(match.lastgroup)
        if kind == "string":
            out.append(_lit(bytes(token[1:-1], "utf-8").decode("unicode_escape")))
        elif kind == "quoted":
            out.append(_ident(token[1:-1]))
        elif kind == "number":
            out.append(token)
        elif kind == "op":
            out.append(_OPS.get(token, token))
        else:
            out.append(_WORDS.get(token, _ident(token)))
    text = ""
    for i, part in enumerate(out):  # spaced as written by hand: "f(a, b)", not "f ( a , b )"
        text += part if i == 0 or part in (")", ",") or out[i - 1] == "(" else " " + part
    return text


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, type) of the columns of the view ``events``, in table order."""
    return [(name, str(kind)) for name, kind, *_ in con.execute("DESCRIBE events").fetchall()]


def _canonical(con: duckdb.DuckDBPyConnection, user_col: str, time_col: str, event_col: str):
    """The SELECT list giving the validated columns in table order (user ids as text, times as naive UTC, event
    names as text), their names, and the ORDER BY keys of the other columns (text compared as text, missing
    values last)."""
    select, names, others = [], [], []
    canonical = {user_col: "user_id", time_col: "timestamp", event_col: "event"}
    for name, kind in _columns(con):
        names.append(canonical.get(name, name))
        column = _ident(name)
        if name == user_col:
            if kind in ("DOUBLE", "FLOAT"):
                column = f"CAST(CAST({column} AS BIGINT) AS VARCHAR)"
            select.append(f"CAST({column} AS VARCHAR) AS user_id")
        elif name == time_col:
            if kind.startswith("TIMESTAMP WITH TIME ZONE"):
                select.append(f"timezone('UTC', {column}) AS timestamp")
            elif kind.startswith("TIMESTAMP"):
                select.append(f"{column} AS timestamp")
            else:
                select.append(f"CAST({column} AS TIMESTAMP) AS timestamp")
        elif name == event_col:
            select.append(f"CAST({column} AS VARCHAR) AS event")
        else:
            select.append(column)
            key = f"CAST({column} AS VARCHAR)" if kind.startswith("ENUM") else column
            others.append(f"{key} NULLS LAST")
    return select, names, others


def _staged_sql(con: duckdb.DuckDBPyConnection, model: jk.StageModel, keep_unmapped: str | None,
                user_col: str, time_col: str, event_col: str) -> tuple[str, list[str], list[str]]:
    """The CTEs ``base`` (the validated events) and ``staged`` (with ``stage_number``, NULL when unmapped), the
    output columns and the ORDER BY keys of the other columns."""
    select, columns, others = _canonical(con, user_col, time_col, event_col)
    names = model.stage_names
    number = {stage: i for i, stage in enumerate(names, start=1)}
    by_name = "CASE event " + " ".join(f"WHEN {_lit(e)} THEN {number[s]}" for e, s in model.events.items()) \
        + " ELSE 0 END" if model.events else "0"
    rules = [(rule_sql(query), number[stage]) for query, stage in model.rules]
    uses = {word: any(re.search(rf"\b{word}\b", query) for query, _ in model.rules)
            for word in ("occurrence", "reached", "customer")}
    counted, history, per_user = "", [], []
    if uses["occurrence"]:
        counted = (", row_number() OVER (PARTITION BY user_id, event ORDER BY "
                   f"{', '.join(['timestamp', *others])}) AS occurrence")
    if uses["customer"]:  # the user's first purchase, compared with each event's time
        per_user.append(f"min(timestamp) FILTER (WHERE event = {_lit(model.purchase_event)}) AS _first_purchase")
        history.append("coalesce(timestamp > _first_purchase, false) AS customer")
    if uses["reached"]:  # the furthest stage k (by name) whose first event in it comes strictly earlier
        per_user += [f"min(timestamp) FILTER (WHERE _by_name = {k}) AS _first_{k}" for k in range(1, len(names) + 1)]
        history.append("greatest(0, " + ", ".join(f"CASE WHEN timestamp > _first_{k} THEN {k} ELSE 0 END"
                                                  for k in range(1, len(names) + 1)) + ") AS reached")
    stage = "CASE " + " ".join(f"WHEN coalesce(({sql}), false) THEN {k}" for sql, k in rules) \
        + " ELSE nullif(_by_name, 0) END" if rules else "nullif(_by_name, 0)"
    listed = ", ".join(map(_ident, columns))
    base = f"base AS (SELECT {', '.join(select)} FROM events)"
    joined = "counted"  # the per-user times join after the window, which then sorts fewer columns
    if per_user:
        joined = (f"(SELECT * FROM counted JOIN (SELECT user_id AS _user, {', '.join(per_user)} FROM named "
                  "GROUP BY user_id) ON _user = user_id)")
    ctes = f"""
    {base},
    named AS (SELECT *, {by_name} AS _by_name FROM base),
    counted AS (SELECT *{counted} FROM named),
    history AS (SELECT *{''.join(', ' + h for h in history)} FROM {joined}),
    staged AS (SELECT {listed}, {stage} AS stage_number FROM history)"""
    _check_mapped(con, model, keep_unmapped, base, ctes)
    return ctes, columns, others


def _check_mapped(con: duckdb.DuckDBPyConnection, model: jk.StageModel, keep_unmapped: str | None, base: str,
                  ctes: str) -> None:
    """Refuse events that no rule or name maps, unless ``keep_unmapped`` is given (as the kit does)."""
    if keep_unmapped is not None:
        if keep_unmapped in model.stage_names:
            raise ValueError(f"keep_unmapped={keep_unmapped!r} is a stage of the model")
        return
    distinct = [row[0] for row in con.execute(f"WITH {base} SELECT DISTINCT event FROM base").fetchall()]
    if all(event in model.events for event in distinct):
        return  # every name is mapped, and rules only move events between stages
    (unmapped,) = con.execute(f"WITH {ctes} SELECT count(*) FROM staged WHERE stage_number IS NULL").fetchone()
    if unmapped:
        raise ValueError(f"{unmapped} events are not mapped to a stage of model {model.name!r}")


def _prepare(events, model, keep_unmapped, user_col, time_col, event_col, con):
    con = con or duckdb.connect()
    try:
        registered = _bind(con, events)
    except duckdb.Error as error:  # DuckDB 2.0 cannot scan a strided view (``df.iloc[::-1]``): scan a copy
        if not (isinstance(events, pd.DataFrame) and "bad_cast" in str(error)):
            raise
        registered = _bind(con, events.copy())
    model = jk.stage_model(model)
    ctes, columns, others = _staged_sql(con, model, keep_unmapped, user_col, time_col, event_col)
    return con, registered, model, ctes, columns, others


def _done(con: duckdb.DuckDBPyConnection, registered: bool) -> None:
    if registered:
        con.unregister("events")


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The result of ``sql`` as a DataFrame, through Arrow (several times faster than ``.df()`` for text)."""
    return con.sql(sql).to_arrow_table().to_pandas()


def _names_list(model: jk.StageModel) -> str:
    """The stage names as a DuckDB list, indexed by stage number."""
    return "[" + ", ".join(_lit(s) for s in model.stage_names) + "]"


# ---------------------------------------------------------------------------
# The references
# ---------------------------------------------------------------------------


def duckdb_assign_stages(events, model: jk.StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                         user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
                         con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Every event placed in a stage, as ``jk.assign_stages``.

    An event's stage is that of the first of the model's rules it matches, else that of its name; the rules see
    the event's columns and the user's history: ``occurrence`` counts the user's events of that name in order of
    time and then the other columns, ``reached`` is the furthest stage by name of the user's strictly earlier
    events (0 if none), ``customer`` whether the user made the model's purchase event strictly earlier. The rows
    come in the kit's order: user, time, stage number (unmapped events last), event name, then the other columns
    in table order (missing values last). Returns the validated columns plus ``stage`` and ``stage_number``.
    Covers any preset or ``StageModel`` whose rules :func:`rule_sql` translates, ``keep_unmapped`` and the
    column-name parameters; times may be naive or time-zone-aware (read as UTC).
    """
    con, registered, model, ctes, columns, others = _prepare(events, model, keep_unmapped, user_col, time_col,
                                                             event_col, con)
    unmapped = _lit(keep_unmapped) if keep_unmapped is not None else "NULL"
    sql = f"""
    WITH {ctes}
    SELECT {', '.join(map(_ident, columns))},
           coalesce({_names_list(model)}[stage_number], {unmapped}) AS stage, stage_number
    FROM staged
    ORDER BY {', '.join(['user_id', 'timestamp', f'coalesce(stage_number, {len(model.stages) + 1})', 'event',
                         *others])}
    """
    out = _frame(con, sql)
    _done(con, registered)
    return out


def duckdb_stage_entries(events, model: jk.StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                         user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
                         con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """When each user first entered each stage they reached, as ``jk.stage_entries``.

    Events are placed in stages as in :func:`duckdb_assign_stages`; a user's entry into a stage is the time of
    their earliest event in it (unmapped events kept under ``keep_unmapped`` enter no stage). One row per user and
    stage entered: ``user_id``, ``stage``, ``stage_number``, ``first_at``, by user and stage number. Covers the
    options of :func:`duckdb_assign_stages`.
    """
    con, registered, model, ctes, _, _ = _prepare(events, model, keep_unmapped, user_col, time_col, event_col, con)
    sql = f"""
    WITH {ctes}
    SELECT user_id, {_names_list(model)}[stage_number] AS stage, stage_number, min(timestamp) AS first_at
    FROM staged WHERE stage_number IS NOT NULL
    GROUP BY user_id, stage_number ORDER BY user_id, stage_number
    """
    out = _frame(con, sql)
    _done(con, registered)
    return out


def duckdb_furthest_stage(events, model: jk.StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                          user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
                          con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Each user's furthest stage and their first entry into every stage, as ``jk.furthest_stage``.

    The furthest stage is the highest stage number among the user's events (placed as in
    :func:`duckdb_assign_stages`), whatever the order in which they got there; ``first_<stage>`` is the time of
    their earliest event in that stage (missing when they have none). One row per user with an event in a stage,
    sorted by user. Covers the options of :func:`duckdb_assign_stages`.
    """
    con, registered, model, ctes, _, _ = _prepare(events, model, keep_unmapped, user_col, time_col, event_col, con)
    firsts = ", ".join(f"min(timestamp) FILTER (WHERE stage_number = {k}) AS {_ident('first_' + s)}"
                       for k, s in enumerate(model.stage_names, start=1))
    sql = f"""
    WITH {ctes}
    SELECT user_id, {_names_list(model)}[max(stage_number)] AS furthest_stage,
           max(stage_number) AS furthest_stage_number, {firsts}
    FROM staged WHERE stage_number IS NOT NULL
    GROUP BY user_id ORDER BY user_id
    """
    out = _frame(con, sql)
    _done(con, registered)
    return out


def _summary_sql(model: jk.StageModel) -> str:
    """One row: users with a mapped event, then per stage k the users reaching it (``u{k}``), the median gap in
    seconds from the previous stage's first entry (``m{k}``) and how many users that median rests on (``t{k}``)."""
    n = len(model.stages)
    firsts = ", ".join(f"min(timestamp) FILTER (WHERE stage_number = {k}) AS f{k}" for k in range(1, n + 1))
    parts = ["count(*) AS n_users"]
    for k in range(1, n + 1):
        parts.append(f"count(f{k}) AS u{k}")
        if k > 1:
            gap = f"(epoch_ns(f{k}) - epoch_ns(f{k - 1}))"
            parts.append(f"round_even(median({gap}) FILTER (WHERE f{k} >= f{k - 1}) / 1e9, 0) AS m{k}")
            parts.append(f"count(*) FILTER (WHERE f{k} >= f{k - 1}) AS t{k}")
    return f"""
    wide AS (SELECT user_id, {firsts} FROM staged WHERE stage_number IS NOT NULL GROUP BY user_id)
    SELECT {', '.join(parts)} FROM wide"""


def _summary_frame(row: Mapping, model: jk.StageModel) -> pd.DataFrame:
    """The per-stage table from the one row of :func:`_summary_sql` (a few numbers per stage)."""
    n = len(model.stages)
    users = np.array([row[f"u{k}"] for k in range(1, n + 1)], dtype="int64")
    previous = np.r_[users[:1], users[:-1]]
    median = [np.nan] + [row[f"m{k}"] for k in range(2, n + 1)]
    return pd.DataFrame({
        "stage": model.stage_names, "stage_number": range(1, n + 1), "users": users,
        "share_of_users": users / row["n_users"] if row["n_users"] else np.full(n, np.nan),
        "share_of_previous": [u / p if p > 0 else np.nan for u, p in zip(users, previous)],
        "median_time_from_previous": pd.to_timedelta([np.nan if m is None else float(m) for m in median], unit="s"),
        "timed_users": [0] + [row[f"t{k}"] for k in range(2, n + 1)]})


def duckdb_stage_summary(events, model: jk.StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                         user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
                         con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Users reaching each stage and the median time from the previous stage, as ``jk.stage_summary``.

    A user reaches a stage with any event in it (events placed as in :func:`duckdb_assign_stages`).
    ``share_of_users`` divides by the users with an event in some stage, ``share_of_previous`` by the users of
    the previous stage (1 for the first stage, missing after a stage nobody reached); the median time from the
    previous stage is over the users whose first entry into it comes at or after their first entry into the
    previous one (``timed_users`` of them), rounded to the second (half to even). Covers the options of
    :func:`duckdb_assign_stages`.
    """
    con, registered, model, ctes, _, _ = _prepare(events, model, keep_unmapped, user_col, time_col, event_col, con)
    row = con.execute(f"WITH {ctes}, {_summary_sql(model).strip()}").df().iloc[0]
    _done(con, registered)
    return _summary_frame(row.where(row.notna(), None), model)


def _transitions_sql() -> str:
    """CTE ``transitions``: (from_number, to_number, moves, users, probability) over the mapped events."""
    return """
    steps AS (
        SELECT user_id, stage_number AS to_number,
               lag(stage_number) OVER (PARTITION BY user_id ORDER BY timestamp, stage_number) AS from_number
        FROM staged WHERE stage_number IS NOT NULL),
    pairs AS (
        SELECT from_number, to_number, count(*) AS moves, count(DISTINCT user_id) AS users
        FROM steps WHERE from_number <> to_number GROUP BY from_number, to_number),
    transitions AS (
        SELECT *, moves / sum(moves) OVER (PARTITION BY from_number) AS probability FROM pairs)"""


def duckdb_stage_transitions(events, model: jk.StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                             user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
                             con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Every move from one stage to another, counted, as ``jk.stage_transitions``.

    A user's events in stages (placed as in :func:`duckdb_assign_stages`, unmapped ones left out) are read in the
    kit's order (time, then stage order at the same moment); each consecutive pair in different stages is a move.
    One row per (from_stage, to_stage) that occurs, in model order: ``moves``, ``users`` (who made it at least
    once), ``probability`` (share of the moves out of ``from_stage``) and ``backward`` (to an earlier stage).
    Covers the options of :func:`duckdb_assign_stages`.
    """
    con, registered, model, ctes, _, _ = _prepare(events, model, keep_unmapped, user_col, time_col, event_col, con)
    names = _names_list(model)
    sql = f"""
    WITH {ctes}, {_transitions_sql().strip()}
    SELECT {names}[from_number] AS from_stage, {names}[to_number] AS to_stage, moves, users, probability,
           to_number < from_number AS backward
    FROM transitions ORDER BY from_number, to_number
    """
    out = _frame(con, sql)
    _done(con, registered)
    return out


def duckdb_backtracks(events, model: jk.StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                      user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
                      con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Moves back to an earlier stage, as ``jk.backtracks``.

    The backward moves of :func:`duckdb_stage_transitions` with ``share_of_users``: the users making the move ÷
    all the users of the log (those with only unmapped events included). Most moves first; ties by the name of
    the stage moved from, then in model order. Covers the options of :func:`duckdb_assign_stages`.
    """
    con, registered, model, ctes, _, _ = _prepare(events, model, keep_unmapped, user_col, time_col, event_col, con)
    names = _names_list(model)
    sql = f"""
    WITH {ctes}, {_transitions_sql().strip()},
    everyone AS (SELECT count(DISTINCT user_id) AS n FROM base)
    SELECT {names}[from_number] AS from_stage, {names}[to_number] AS to_stage, moves, users, probability,
           users / everyone.n AS share_of_users
    FROM transitions, everyone WHERE to_number < from_number
    ORDER BY moves DESC, from_stage, from_number, to_number
    """
    out = _frame(con, sql)
    _done(con, registered)
    return out


# ---------------------------------------------------------------------------
# Journey map (the lanes that come from events)
# ---------------------------------------------------------------------------


def _percent(share: float) -> str:
    return f"{share:.0%}"


def duckdb_journey_map(events, model: jk.StageModel | str = "6-stage", *,
                       text: Mapping[str, Mapping[str, str]] | None = None, top: int = 3,
                       keep_unmapped: str | None = None, user_col: str = "user_id", time_col: str = "timestamp",
                       event_col: str = "event", con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """A journey map without surveys, as ``jk.journey_map(events, model)``: one row per (lane, stage).

    Events are placed as in :func:`duckdb_assign_stages` (unmapped ones kept under ``keep_unmapped`` are left out
    of the map). Touchpoints: a stage's ``top`` most frequent events; channels: its ``top`` most frequent channels
    with their share of its events with a channel (ties by name). KPIs: for every stage after the first, the users
    reaching it and their share of the previous stage's users; for the first, the web analytics of the sessions
    (``session_id`` where the log has it, rows without one left out; otherwise runs of events with no gap over
    30 minutes) whose first event (by time, name, other columns) is an event named to the first stage: visitors,
    sessions, bounce rate (share of one-event sessions) and the channel (of the first event) with the highest
    bounce rate; shown when some user's first event is one of those and at least one such session exists. Pain
    point: the stage after the first with the lowest share of the previous stage's users. The analyst's lanes are
    ``text`` or "—"; without surveys quotes and emotion are "—" and ``value``/``low``/``high`` are missing.
    Covers ``top``, ``text``, ``keep_unmapped`` and the column-name parameters.
    """
    con, registered, model, ctes, columns, others = _prepare(events, model, keep_unmapped, user_col, time_col,
                                                             event_col, con)
    names = model.stage_names
    n = len(names)
    has_channel = "channel" in columns
    table = "_journey_map_staged"  # the staged events, computed once for the few queries below
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS WITH {ctes} "
                f"SELECT * FROM staged WHERE stage_number IS NOT NULL")
    _done(con, registered)
    try:
        staged = f"staged AS (SELECT * FROM {table})"
        summary = con.execute(f"WITH {staged}, {_summary_sql(model).strip()}").df().iloc[0]
        entry = _summary_frame(summary.where(summary.notna(), None), model)
        # events and channels counted per stage (a few dozen rows); the top ones are picked below
        events_by_stage = con.execute(f"SELECT stage_number, event, count(*) FROM {table} GROUP BY ALL").fetchall()
        channels_by_stage = con.execute(
            f"SELECT stage_number, CAST(channel AS VARCHAR), count(*) FROM {table} WHERE channel IS NOT NULL "
            "GROUP BY ALL").fetchall() if has_channel else []
        present = {event for _, event, _ in events_by_stage}
        web = _web_kpi(con, table, others, columns, model, present)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    touchpoints = {k: " · ".join(name for name, _ in _top(events_by_stage, k, top)) for k in range(1, n + 1)}
    channels = {}
    for k in range(1, n + 1):
        counted = _top(channels_by_stage, k, top)
        total = sum(count for stage, _, count in channels_by_stage if stage == k)
        channels[k] = " · ".join(f"{name} {_percent(count / total)}" for name, count in counted)

    cells = {(lane, s): "—" for lane in LANES for s in names}
    highlight = {(lane, s): False for lane in LANES for s in names}
    for k, s in enumerate(names, start=1):
        cells[("touchpoints", s)] = touchpoints[k] or "—"
        cells[("channels", s)] = channels[k] or "—"
    kpis = {s: [] for s in names}
    for k in range(1, n):
        row = entry.iloc[k]
        kpis[names[k]].append(f"{int(row['users']):,} users; {_percent(row['share_of_previous'])} of previous stage")
    if web is not None:
        kpis[names[0]].append(web)
    for s in names:
        cells[("kpis", s)] = "\n".join(kpis[s]) if kpis[s] else "—"
    conversions = entry["share_of_previous"].iloc[1:].dropna()
    if len(conversions):
        worst = int(conversions.index[conversions.to_numpy().argmin()])
        cells[("pain_points", names[worst])] = (f"Largest drop-off: {_percent(conversions.min())} of "
                                                f"{names[worst - 1]} users get here")
        highlight[("pain_points", names[worst])] = True
    for lane, by_stage in (text or {}).items():
        for s, value in by_stage.items():
            if s in names:
                cells[(lane, s)] = value
    return pd.DataFrame([{"lane": lane, "stage": s, "stage_number": k, "text": cells[(lane, s)], "value": np.nan,
                          "low": np.nan, "high": np.nan, "highlight": highlight[(lane, s)]}
                         for lane in LANES for k, s in enumerate(names, start=1)])


def _top(counts: list[tuple[int, str, int]], stage: int, top: int) -> list[tuple[str, int]]:
    """The ``top`` (name, count) of one stage from (stage, name, count) rows: most frequent first, ties by name."""
    return sorted(((name, count) for k, name, count in counts if k == stage), key=lambda x: (-x[1], x[0]))[:top]


def _web_kpi(con: duckdb.DuckDBPyConnection, table: str, others: list[str], columns: list[str],
             model: jk.StageModel, present: set[str]) -> str | None:
    """The first stage's web-analytics KPI text (see :func:`duckdb_journey_map`), or None when it is not shown."""
    has_channel = "channel" in columns
    landing = [e for e, s in model.events.items() if s == model.stage_names[0] and e in present]
    if model.events and not landing:
        return None
    order = ", ".join(["timestamp", "event", *others])
    rank_order = ", ".join(["timestamp", "stage_number", "event", *others])
    entry_list = "(" + ", ".join(_lit(e) for e in landing) + ")"
    if "session_id" in columns:
        sessions = f"SELECT *, CAST(session_id AS VARCHAR) AS _session FROM {table} WHERE session_id IS NOT NULL"
    else:
        sessions = f"""
            SELECT *, sum(CASE WHEN previous IS NULL OR timestamp - previous > INTERVAL 30 MINUTE THEN 1 ELSE 0 END)
                      OVER (PARTITION BY user_id ORDER BY {order} ROWS UNBOUNDED PRECEDING) AS _session
            FROM (SELECT *, lag(timestamp) OVER (PARTITION BY user_id ORDER BY {order}) AS previous FROM {table})"""
    channel = f"first(CAST(channel AS VARCHAR) ORDER BY {order})" if has_channel else "NULL"
    keep = f"WHERE first_event IN {entry_list}" if landing else ""
    # some user's first event (in the kit's order, stages first at a tie) must be one of the landing events
    starts = (f"(SELECT count(*) FROM (SELECT first(event ORDER BY {rank_order}) AS e FROM {table} GROUP BY user_id) "
              f"WHERE e IN {entry_list})" if model.events else "1")
    rows = con.execute(f"""
        WITH sessions AS ({sessions}),
        per_session AS (
            SELECT user_id, _session, count(*) AS n, first(event ORDER BY {order}) AS first_event,
                   {channel} AS channel
            FROM sessions GROUP BY user_id, _session),
        kept AS (SELECT * FROM per_session {keep}),
        by_channel AS (
            SELECT channel, count(*) FILTER (WHERE n = 1) / count(*) AS bounce FROM kept GROUP BY channel)
        SELECT (SELECT count(DISTINCT user_id) FROM kept), (SELECT count(*) FROM kept),
               (SELECT count(*) FILTER (WHERE n = 1) / count(*) FROM kept), channel, bounce
        FROM by_channel WHERE {starts} > 0 ORDER BY bounce DESC, channel NULLS LAST LIMIT 1
        """).fetchall()
    if not rows:  # no user starts on the site, or no session does (e.g. all session ids missing): no web KPI
        return None
    visitors, sessions_n, bounce, worst, worst_bounce = rows[0]
    label = f"{visitors:,} visitors; {sessions_n:,} sessions; bounce {_percent(bounce)}"
    if has_channel:
        label += f" ({'nan' if worst is None else worst} {_percent(worst_bounce)})"
    return label


# ---------------------------------------------------------------------------
# Benchmark cases
# ---------------------------------------------------------------------------


def _case(function: str, model: str, **options) -> Case:
    """A case calling ``jk.<function>(events, model, **options)`` and its reference with the same arguments."""
    shown = ", ".join([f"{model!r}", *(f"{k}={v!r}" for k, v in options.items())])
    reference = globals()[f"duckdb_{function}"]
    return Case(name=f"{function} {model}" + "".join(f" {k}={v}" for k, v in options.items()),
                call=f"jk.{function}(events, {shown})",
                kit=lambda events: getattr(jk, function)(events, model, **options),
                sql=lambda events, con: reference(events, model, con=con, **options))


CASES = [
    _case("assign_stages", "6-stage"),
    _case("assign_stages", "5-stage-intent"),
    _case("stage_entries", "6-stage"),
    _case("stage_entries", "4-stage"),
    _case("furthest_stage", "6-stage"),
    _case("furthest_stage", "5-stage-advocacy"),
    _case("stage_summary", "6-stage"),
    _case("stage_summary", "5-stage-evaluation"),
    _case("stage_transitions", "6-stage"),
    _case("stage_transitions", "4-stage"),
    _case("backtracks", "6-stage"),
    _case("backtracks", "5-stage-evaluation"),
    _case("journey_map", "6-stage"),
    _case("journey_map", "5-stage-intent", top=5),
]
"""One or more cases per function, with the default model and another preset, for the generated log."""
