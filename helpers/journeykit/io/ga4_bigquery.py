"""Reader of GA4's BigQuery export as it is (nested), written with Ibis so that it runs inside the warehouse.

:func:`ga4_events` turns an Ibis table of GA4's ``events_YYYYMMDD`` shape into
an Ibis table that follows the kit's event contract; nothing runs until you
ask for rows (``.to_pandas()``), and then it runs in the table's engine
(BigQuery, Snowflake, Spark, DuckDB, ...). :func:`ga4_events_sql` writes the
same query as SQL for one dialect, to read or to run in the warehouse.

Ibis is imported when a function is called, so ``journeykit`` imports without
it: ``python -m pip install 'ibis-framework[duckdb]'`` (or ``[bigquery]``,
``[snowflake]``, ``[pyspark]``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from journeykit.errors import ParameterError, SchemaError, did_you_mean
from journeykit.io.ga4 import _CHANNEL_RULES
from journeykit.params import choice

__all__ = ["ga4_events", "ga4_events_sql", "GA4_EXPORT_SCHEMA"]

GA4_EXPORT_SCHEMA = {
    "event_date": "string",
    "event_timestamp": "int64",
    "event_name": "string",
    "event_params": "array<struct<key: string, value: struct<string_value: string, int_value: int64, "
                    "float_value: float64, double_value: float64>>>",
    "user_pseudo_id": "string",
    "user_id": "string",
    "traffic_source": "struct<name: string, medium: string, source: string>",
    "device": "struct<category: string>",
    "geo": "struct<country: string>",
    "ecommerce": "struct<transaction_id: string, purchase_revenue: float64>",
    "collected_traffic_source": "struct<manual_source: string, manual_medium: string>",
}
"""The columns of GA4's BigQuery export that this module knows, as Ibis types (the real structs hold more
fields). ``ibis.table(GA4_EXPORT_SCHEMA, name="events_20250102")`` is enough to write the SQL."""

_REQUIRED = ("event_timestamp", "event_name", "user_pseudo_id", "event_params")
_OPTIONAL = {"traffic_source": ("source", "medium"), "device": ("category",), "ecommerce": ("purchase_revenue",)}
_VALUES = ("string_value", "int_value", "double_value", "float_value")  # the order a parameter's value is taken in
_CONTRACT = ("user_id", "timestamp", "event", "session_id", "channel", "device", "revenue")
_ALIASES = {"spark": "pyspark"}


def _ibis():
    try:
        import ibis
    except ImportError:  # pragma: no cover - the test environment has Ibis
        raise ImportError("reading GA4's BigQuery export needs Ibis: python -m pip install "
                          "'ibis-framework[duckdb]' (or [bigquery], [snowflake], [pyspark]).") from None
    return ibis


def ga4_events(table, *, user: str = "user_pseudo_id", params=("page_location",)):
    """GA4's BigQuery export, nested as it is, as an event table of the kit's contract, computed in the engine.

    Builds an Ibis expression and runs nothing: the query runs where
    ``table`` lives (BigQuery, Snowflake, Spark, DuckDB, ...) when you ask
    for rows, e.g. with ``.to_pandas()``. One row per GA4 event, in no
    particular order (the kit's functions sort by time themselves). Only the
    schema of ``table`` is checked, never its rows.

    Columns of the result:

    - ``user_id`` (text): ``user_pseudo_id`` (the browser or app instance),
      or the site's own ``user_id`` with ``user="user_id"``. Rows whose id is
      missing or blank are dropped: with ``user_pseudo_id``, events sent
      without consent; with ``user_id``, every event of a visitor who is not
      signed in, including the events before they signed in.
    - ``timestamp``: ``event_timestamp`` (microseconds since 1970, UTC) as a
      timestamp without zone, in UTC, to the microsecond.
    - ``event``: ``event_name``.
    - ``session_id`` (text): ``user_pseudo_id + "-" + ga_session_id``, the
      session key GA4 documents (``ga_session_id`` is the session's start
      time in seconds, unique only per user); missing when the event has no
      ``ga_session_id``.
    - ``channel``: from ``traffic_source.source`` and ``.medium`` by the rules
      of :func:`journeykit.read_ga4` (``channel_from_source``), evaluated in
      the engine. ``traffic_source`` is the user's *first* acquisition, so
      every event of a user has the same channel (newer exports hold the
      source of each session in ``collected_traffic_source``, on the events
      that carried campaign parameters).
    - ``device``: ``device.category`` (``desktop``, ``mobile``, ``tablet``).
    - ``revenue``: ``ecommerce.purchase_revenue`` (missing on events that are
      not purchases).
    - one text column per event parameter in ``params``.

    ``channel``, ``device`` and ``revenue`` are left out when ``table`` has
    no ``traffic_source``, ``device`` or ``ecommerce`` column.

    Parameters
    ----------
    table : ibis.expr.types.Table, str or Path
        GA4's export, one row per event: Parquet files of it (a path, folder
        or glob, read by embedded DuckDB), or an Ibis table, e.g.
        ``con.table("events_20250102",
        database="my-project.analytics_123456")`` or, for several days,
        ``con.sql("SELECT * FROM `my-project.analytics_123456.events_*`
        WHERE _TABLE_SUFFIX BETWEEN '20250101' AND '20250131'")``. Needs
        ``event_timestamp``, ``event_name``, ``user_pseudo_id`` and
        ``event_params`` (see :data:`GA4_EXPORT_SCHEMA`).
    user : {"user_pseudo_id", "user_id"}, default "user_pseudo_id"
        The column that identifies a user (see above).
    params : sequence of str, or mapping of str to str, default ("page_location",)
        Event parameters (keys of ``event_params``) to add as columns, named
        after the key, or ``{key: column}`` to name them. Each holds the
        first of ``string_value``, ``int_value``, ``double_value`` and
        ``float_value`` that is set, as text (``1735808400``, ``"https://..."``;
        the engine writes decimals, so ``100.0`` may read ``"100.0"`` or
        ``"100"``): cast it yourself, e.g. ``.cast("int64")``. A key that no
        event has gives a column of missing values, not an error: check the
        spelling when a column is all empty. GA4 writes a key once per event;
        should one appear twice, the smaller text is kept.

    Returns
    -------
    ibis.expr.types.Table
        Unevaluated: ``user_id``, ``timestamp``, ``event``, ``session_id``,
        then ``channel``, ``device``, ``revenue`` when available, then one
        column per parameter. ``.to_pandas()`` gives a frame that the kit's
        functions accept (``jk.funnel(frame, [...])``).

    Raises
    ------
    SchemaError
        If ``table`` lacks a column GA4's export has, or a column has
        another type (e.g. an export flattened to CSV: read it with
        :func:`journeykit.read_ga4`). Every problem is listed at once.
    journeykit.errors.ParameterError
        If ``table`` is not an Ibis table, ``user`` is neither
        ``"user_pseudo_id"`` nor ``"user_id"``, or ``params`` holds something
        other than names, or a name that the other columns already use.

    Notes
    -----
    The channel rules are the regular expressions of ``channel_from_source``
    with plain groups ``(...)`` for ``(?:...)`` (Snowflake has no
    non-capturing groups). RE2 (BigQuery, DuckDB), Snowflake and Java 19 or
    later (Spark) count only ASCII letters, digits and ``_`` as word
    characters for ``\\b``, and ASCII blanks for ``\\s``, where Python
    counts every Unicode letter and space. So the channels agree except when
    a keyword touches a non-ASCII letter or digit (``"adsé"`` is ``ads`` in
    DuckDB, ``other`` in pandas) or the source holds unusual white space or
    line breaks.

    Timestamps are whole seconds plus microseconds: Ibis turns microseconds
    since 1970 into a timestamp directly only for BigQuery and Snowflake.
    They are UTC when the session's time zone is UTC, which Ibis's DuckDB and
    PySpark connections set; BigQuery's column is a ``TIMESTAMP`` (UTC),
    DuckDB's a ``TIMESTAMPTZ``. When running :func:`ga4_events_sql`'s SQL
    yourself in Spark or DuckDB, set the session time zone to UTC.

    DuckDB 2.0 refuses the ``x -> ...`` lambdas that Ibis 12 writes for array
    functions unless the connection allows them:
    ``ibis.duckdb.connect(lambda_syntax="ENABLE_SINGLE_ARROW")``.

    Examples
    --------
    With a connection, ``export = con.table("events_20250102")``; here a
    table of the export's shape without one, since nothing runs:

    >>> import ibis
    >>> export = ibis.table(GA4_EXPORT_SCHEMA, name="events_20250102")
    >>> events = ga4_events(export, params=["page_location", "engagement_time_msec"])
    >>> events.schema()
    ibis.Schema {
      user_id               string
      timestamp             timestamp
      event                 string
      session_id            string
      channel               string
      device                string
      revenue               float64
      page_location         string
      engagement_time_msec  string
    }

    ``events.to_pandas()`` then runs the query where the export lives, and
    ``jk.funnel(events.to_pandas(), ["session_start", "purchase"])`` works
    on the rows.
    """
    names = _names(params)
    if isinstance(table, (str, os.PathLike)):  # Parquet files of the export, read by embedded DuckDB
        from journeykit.io.sources import open_source

        table = open_source(table, "table")
    columns = _checked(table, user)
    events = table.filter(table[user].notnull() & (table[user].strip() != ""))
    seconds, micros = events.event_timestamp // 1_000_000, events.event_timestamp % 1_000_000
    session = _param(events.event_params, "ga_session_id")
    out = {
        "user_id": events[user].cast("string"),
        "timestamp": seconds.as_timestamp("s") + micros.as_interval("us"),
        "event": events.event_name.cast("string"),
        "session_id": events.user_pseudo_id.cast("string") + "-" + session,
    }
    if "traffic_source" in columns:
        out["channel"] = _channel(events.traffic_source.source, events.traffic_source.medium)
    if "device" in columns:
        out["device"] = events.device.category.cast("string")
    if "ecommerce" in columns:
        out["revenue"] = events.ecommerce.purchase_revenue.cast("float64")
    out.update({column: _param(events.event_params, key) for key, column in names.items()})
    return events.select(**out)


def ga4_events_sql(table, dialect: str = "bigquery", *, pretty: bool = True, **options) -> str:
    """The SQL of :func:`ga4_events` for one warehouse, to read or to run there.

    Parameters
    ----------
    table : ibis.expr.types.Table
        GA4's export, as for :func:`ga4_events`. A table of any connection
        works, or one without a connection:
        ``ibis.table(GA4_EXPORT_SCHEMA, name="events_20250102")``.
    dialect : str, default "bigquery"
        The SQL dialect: the name of an Ibis SQL backend, e.g.
        ``"bigquery"``, ``"snowflake"``, ``"pyspark"`` (or ``"spark"``),
        ``"databricks"``, ``"duckdb"``, ``"trino"``.
    pretty : bool, default True
        Indented over several lines, or on as few lines as possible.
    **options
        ``user`` and ``params``, as for :func:`ga4_events`.

    Returns
    -------
    str
        One ``SELECT`` statement, reading the table by the name it has in
        ``table``.

    Raises
    ------
    SchemaError
        As for :func:`ga4_events`.
    journeykit.errors.ParameterError
        If ``dialect`` is not an Ibis SQL dialect (the message suggests the
        closest), Ibis cannot write this query in it, or an option is wrong
        or unknown.

    Examples
    --------
    >>> import ibis
    >>> export = ibis.table(GA4_EXPORT_SCHEMA, name="events_20250102")
    >>> sql = ga4_events_sql(export, "bigquery", params=["page_location", "engagement_time_msec"])
    >>> "UNNEST(`t0`.`event_params`)" in sql and "TIMESTAMP_SECONDS" in sql
    True
    >>> ga4_events_sql(export, "snowflakes")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: dialect='snowflakes' is not an SQL dialect of Ibis (did you mean 'snowflake'?). ...
    """
    ibis = _ibis()
    import ibis.backends.sql.compilers as compilers
    from ibis.common.exceptions import IbisError

    backends = {n for n in dir(compilers) if not n.startswith("_") and hasattr(getattr(compilers, n), "compiler")}
    known = sorted(backends | set(_ALIASES))
    if not isinstance(dialect, str) or dialect.lower() not in known:
        close = did_you_mean(dialect, known) if isinstance(dialect, str) else []
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        raise ParameterError(f"dialect={dialect!r} is not an SQL dialect of Ibis{hint}. Known: "
                             f"{', '.join(map(repr, known))}.", "dialect")
    unknown = sorted(set(options) - {"user", "params"})
    if unknown:
        raise ParameterError(f"ga4_events_sql() got unknown options {', '.join(map(repr, unknown))}; it takes "
                             "user= and params=, as ga4_events() does.", unknown[0])
    events = ga4_events(table, **options)
    name = _ALIASES.get(dialect.lower(), dialect.lower())
    try:
        return str(ibis.to_sql(events, dialect=name, pretty=pretty))
    except IbisError as error:
        raise ParameterError(f"dialect={dialect!r}: Ibis cannot write this query for {name} ({error}). It writes it "
                             "for bigquery, snowflake, pyspark (spark), databricks, trino and duckdb.",
                             "dialect") from None


def _names(params) -> dict[str, str]:
    """``params`` as ``{key: column}``, checked."""
    if isinstance(params, str) or params is None:
        raise ParameterError(f"params must be a list of event parameter keys (or a mapping key -> column), got "
                             f"{params!r}; write params=[{params!r}] for one key.", "params")
    pairs = params.items() if isinstance(params, Mapping) else ((key, key) for key in params)
    names = {}
    for key, column in pairs:
        if not (isinstance(key, str) and key and isinstance(column, str) and column):
            raise ParameterError(f"params: keys and column names must be non-empty text, got {key!r}: {column!r}.",
                                 "params")
        names[key] = column
    taken = [c for c in names.values() if c in _CONTRACT or list(names.values()).count(c) > 1]
    if taken:
        raise ParameterError(f"params: the column name{'s' if len(set(taken)) > 1 else ''} "
                             f"{', '.join(map(repr, dict.fromkeys(taken)))} would be used twice (the result already "
                             f"has {', '.join(_CONTRACT)}); name the column yourself, e.g. "
                             f"params={{{taken[0]!r}: 'param_{taken[0]}'}}.", "params")
    return names


def _checked(table, user: str) -> set[str]:
    """The columns of ``table`` this module reads; SchemaError listing every difference from GA4's export."""
    ibis = _ibis()
    if not isinstance(table, ibis.expr.types.Table):
        raise ParameterError(f"table must be an Ibis table (e.g. con.table('events_20250102')) or the path of the "
                             f"export's Parquet files (jk.ga4_events('ga4/*.parquet')), got "
                             f"{type(table).__name__}. A GA4 export flattened to CSV is read by read_ga4().", "table")
    choice(user, "user", ["user_pseudo_id", "user_id"])
    schema = table.schema()
    problems = [_missing(name, schema) for name in (*_REQUIRED, *(["user_id"] if user == "user_id" else []))
                if name not in schema]
    problems += [p for name in schema if (p := _wrong_type(name, schema[name])) is not None]
    if problems:
        flat = [c for c in schema if "." in c or c in ("ga_session_id", "traffic_source_source", "device_category")]
        fix = ("these columns look like an export flattened to CSV: read it with read_ga4()." if flat else
               "pass GA4's BigQuery export as it is: table events_YYYYMMDD, or events_* (see GA4_EXPORT_SCHEMA).")
        raise SchemaError(problems, _name(table), fix)
    return {name for name in _OPTIONAL if name in schema}


def _missing(name: str, schema) -> str:
    close = did_you_mean(name, list(schema))
    near = f" (closest: {', '.join(map(repr, close))})" if close else ""
    return (f"column {name!r} not found{near}. GA4's BigQuery export has event_date, event_timestamp, "
            "event_name, event_params, user_pseudo_id, user_id, traffic_source, device, geo, ecommerce, ...")


def _wrong_type(name: str, dtype) -> str | None:
    """What is wrong with the type of a column GA4's export has, or None."""
    wanted = {"event_timestamp": "an integer (microseconds since 1970, UTC)", "event_name": "text",
              "user_pseudo_id": "text", "user_id": "text",
              "event_params": "an array of structs <key: text, value: struct<string_value, int_value, "
                              "float_value, double_value>>"}
    wanted.update({s: f"a struct with {' and '.join(fields)}" for s, fields in _OPTIONAL.items()})
    if name not in wanted:
        return None
    if name == "event_timestamp":
        ok = dtype.is_integer()
    elif name in ("event_name", "user_pseudo_id", "user_id"):
        ok = dtype.is_string()
    elif name == "event_params":
        record = dtype.value_type if dtype.is_array() and dtype.value_type.is_struct() else None
        value = record["value"] if record is not None and "value" in record.names else None
        ok = (value is not None and value.is_struct() and any(f in value.names for f in _VALUES)
              and "key" in record.names and record["key"].is_string())
    else:
        ok = dtype.is_struct() and all(f in dtype.names for f in _OPTIONAL[name])
    return None if ok else f"column {name!r} is {dtype}; GA4's export has {wanted[name]}."


def _name(table) -> str:
    try:
        return str(table.get_name())
    except AttributeError:  # an expression, not a named table
        return "table"


def _param(records, key: str):
    """The value of event parameter ``key`` as text, per event; missing where the event has none."""
    ibis = _ibis()
    fields = [f for f in _VALUES if f in records.type().value_type["value"].names]

    def text(record):
        values = [record.value[f].cast("string") for f in fields]
        return ibis.coalesce(*values) if len(values) > 1 else values[0]

    # Only records with a value (BigQuery's arrays cannot hold a NULL), then the smallest, as GA4 writes a key
    # once per event: min rather than [0], which Spark 4 (ANSI mode) refuses on an empty array.
    return records.filter(lambda r: (r.key == key) & text(r).notnull()).map(text).mins()


def _channel(source, medium):
    """``channel_from_source`` in the engine: the same rules, first match wins, on "source / medium" in lower case."""
    ibis = _ibis()
    text = source.cast("string").fill_null("").lower() + " / " + medium.cast("string").fill_null("").lower()
    # (?:...) -> (...): Snowflake's POSIX patterns have no non-capturing groups. The outer group keeps
    # each rule whole where Ibis wraps it in ".*...*" (Snowflake's REGEXP_LIKE matches the whole text).
    rules = [(text.re_search("(" + pattern.replace("(?:", "(") + ")"), channel) for pattern, channel in _CHANNEL_RULES]
    return ibis.cases(*rules, else_="other")
