"""The same definitions on an engine: Parquet files through embedded DuckDB, or an Ibis table on any backend.

Every public analysis function accepts, in place of a DataFrame, a path or glob
of Parquet or CSV files or an Ibis table (see :mod:`journeykit.io.sources`).
What happens then:

1. **In the engine**, for the functions that have an engine implementation
   here (:func:`journeykit.funnel`, :func:`journeykit.cohort_retention`,
   :func:`journeykit.attribute` with a rule-based model and
   :func:`journeykit.top_paths` at event level, for the options listed in
   their modules): the definition is written as one Ibis expression,
   compiled to the engine's SQL and run there; only counts come back to
   Python. The checks run in the engine too (the columns and their types, then
   one grouped pass for nulls, event names and the end of the data); when one
   fails, the rows are collected and the pandas implementation raises the same
   error it raises for a DataFrame.
2. **Otherwise**, the table's rows are collected (for the funnel family, only
   the columns it reads) and the pandas implementation, the readable
   reference that the lessons show, runs on them.

A DataFrame of ``ROUTE_ROWS`` rows or more (a million; the environment
variable ``JOURNEYKIT_ENGINE_ROWS`` changes it, 0 turns it off) goes through
embedded DuckDB too for :func:`journeykit.top_paths` and first- or last-touch
:func:`journeykit.attribute`, where pandas is several times slower and the
counts are the same to the last digit.

Either way the result is the same DataFrame, row for row, as for a pandas
input; ``tests/test_engines.py`` checks this on DuckDB and on Spark.
:func:`to_sql` prints the SQL an engine implementation runs, for a named
dialect, so that warehouse users can read it before running it.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import uuid
import warnings

import pandas as pd

from journeykit import params
from journeykit.errors import ParameterError
from journeykit.io.sources import collect, is_ibis_table, open_source
from journeykit.results import use_engine

__all__ = ["to_sql", "ENGINE_FUNCTIONS", "DIALECTS"]

# dialect names accepted by to_sql, as Ibis's compilers call them
DIALECTS = ("duckdb", "bigquery", "snowflake", "pyspark", "databricks", "postgres", "trino")


# the functions with an engine implementation, and the module of journeykit.analysis.engine that holds it
_MODULES = {"funnel": "funnel", "cohort_retention": "retention", "attribute": "attribution", "top_paths": "paths"}
ENGINE_FUNCTIONS = tuple(_MODULES)


def _implementations() -> dict:
    """Function name -> the ``build`` of its engine implementation (imported when first needed)."""
    import importlib

    return {name: importlib.import_module(f"journeykit.analysis.engine.{module}").build
            for name, module in _MODULES.items()}


@contextlib.contextmanager
def quiet():
    """Ibis 12 calls a DuckDB 2.0 method that DuckDB has deprecated and reads a pandas option that pandas 3 has
    deprecated, and PySpark 4.0 passes pandas a deprecated keyword; the warnings are about those libraries, not the
    user's analysis, so they are not shown (the calls work)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"The copy keyword is deprecated")
        warnings.filterwarnings("ignore", message=r"fetch_arrow_table\(\) is deprecated", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=r"The 'future\.infer_string' option is deprecated")
        yield


# DataFrames with at least this many rows go through embedded DuckDB for the functions listed in _ROUTED, where the
# pandas implementation is several times slower and the engine's result is the same to the last digit (counts).
ROUTE_ROWS = int(os.environ.get("JOURNEYKIT_ENGINE_ROWS", "1000000"))
# The predicates keep out the options that the engine leaves to pandas, so that a frame is not copied for nothing.
_ROUTED = {"top_paths": lambda arguments: arguments.get("level") == "event",
           "attribute": lambda arguments: arguments.get("model") != "markov" and arguments.get("conversion_event") is None}


def _run(function, signature: inspect.Signature, sources: list[str], args: tuple, kwargs: dict):
    """Open the sources; compute in the engine where an implementation accepts the options, else in pandas. With no
    source, route a large DataFrame through DuckDB where that gives the same result, or return None."""
    with quiet():
        if sources:
            return _dispatch(function, signature, sources, args, kwargs)
        return _routed(function, signature, args, kwargs)


def _routed(function, signature: inspect.Signature, args: tuple, kwargs: dict):
    """The result of a large DataFrame computed in embedded DuckDB (through Arrow), or None for pandas to compute."""
    name = function.__name__
    if name not in _ROUTED or ROUTE_ROWS <= 0:
        return None
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    frame = arguments.get("events")
    if not isinstance(frame, pd.DataFrame) or len(frame) < ROUTE_ROWS or not _ROUTED[name](arguments):
        return None
    import pyarrow as pa

    from journeykit.io.sources import ARROW_TABLES, duckdb_connection

    try:
        # the frame as Arrow (text, number and time columns without a copy), scanned in place by DuckDB
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):  # mixed types Arrow cannot hold: pandas reads the contract
        return None
    for i, field in enumerate(arrow.schema):  # zoned times as the naive UTC they hold (the kit compares instants)
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            arrow = arrow.set_column(i, field.name, arrow.column(i).cast(pa.timestamp(field.type.unit)))
    con = duckdb_connection()
    registered = f"events_{uuid.uuid4().hex}"
    con.con.register(registered, arrow)
    ARROW_TABLES[registered] = arrow
    try:
        plan = _implementations()[name](con.table(registered), arguments)
        return None if plan is None else plan.result()
    finally:
        del ARROW_TABLES[registered]


def _dispatch(function, signature: inspect.Signature, sources: list[str], args: tuple, kwargs: dict):
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    opened = {name: open_source(arguments[name], name) for name in sources}
    build = _implementations().get(function.__name__)
    if build is not None and len(opened) == 1:
        (name, table), = opened.items()
        if is_ibis_table(table):
            plan = build(table, arguments)
            result = None if plan is None else plan.result()
            if result is not None:  # None: an option or a check that only the pandas implementation handles
                return result
    needed = _needed_columns(function.__name__, arguments, next(iter(opened.values()))) if len(opened) == 1 else None
    for name, table in opened.items():
        arguments[name] = collect(table, needed)
    return function(**arguments)


def _needed_columns(name: str, arguments: dict, table) -> list[str] | None:
    """The columns a function reads, where its engine module knows them; None (all columns) otherwise, and when one
    is missing, so that the error suggests the closest of all the table's columns, as for a DataFrame."""
    from journeykit.analysis.engine import funnel

    if name not in ("funnel", "funnel_users", "dropped_users", "time_to_convert"):
        return None
    needed = funnel.columns(arguments)
    return needed if all(c in table.columns for c in needed) else None


def to_sql(function, events, *args, dialect: str = "duckdb", **kwargs) -> str:
    """The SQL that an analysis runs in an engine, for a named dialect.

    Parameters
    ----------
    function : callable
        A function with an engine implementation: ``jk.funnel``,
        ``jk.cohort_retention``, ``jk.attribute`` or ``jk.top_paths``.
    events : str, Path or Ibis table
        The input, as for the function (a Parquet path or glob, or an Ibis
        table); nothing is computed.
    *args, **kwargs
        The function's other arguments.
    dialect : str, default "duckdb"
        One of ``"duckdb"``, ``"bigquery"``, ``"snowflake"``, ``"pyspark"``
        (Spark SQL), ``"databricks"``, ``"postgres"``, ``"trino"``.

    Returns
    -------
    str
        The SQL of the main query (the one whose rows come back). The checks
        that run before it (nulls, event names, the end of the data) are one
        grouped query of their own.

    Raises
    ------
    ParameterError
        For a function without an engine implementation, an unknown dialect,
        or options that only the pandas implementation supports (the message
        says which).

    Examples
    --------
    A table that only describes its columns, as a warehouse table would:

    >>> import ibis
    >>> import journeykit as jk
    >>> events = ibis.table({"user_id": "string", "timestamp": "timestamp", "event": "string"}, name="events")
    >>> sql = to_sql(jk.funnel, events, ["visit", "purchase"], window="7D", dialect="bigquery")
    >>> "FROM `events`" in sql
    True
    """
    name = getattr(function, "__name__", str(function))
    builders = _implementations()
    if name not in builders:
        raise ParameterError(f"{name} has no engine implementation; the functions that do are "
                             f"{', '.join('jk.' + f for f in ENGINE_FUNCTIONS)}.", "function")
    params.choice(dialect, "dialect", DIALECTS)
    with quiet():
        return _sql(name, builders[name], function, events, args, kwargs, dialect)


def _sql(name: str, build, function, events, args: tuple, kwargs: dict, dialect: str) -> str:
    import ibis

    table = open_source(events, "events")
    if not is_ibis_table(table):
        raise ParameterError("to_sql needs a Parquet path or an Ibis table; a CSV file is read by the kit's own "
                             "reader, not by an engine.", "events")
    signature = inspect.signature(function)
    bound = signature.bind(events, *args, **kwargs)
    bound.apply_defaults()
    plan = build(table, dict(bound.arguments), check=False, dialect=dialect)
    if plan is None:
        raise ParameterError(f"these options of {name} run in pandas only, so there is no SQL to show; see the "
                             f"module journeykit.analysis.engine.{_MODULES[name]}.",
                             "kwargs")
    if dialect == "pyspark":
        ibis.pyspark  # noqa: B018 - loading the backend registers its options, which its SQL compiler reads
    return ibis.to_sql(plan.expression, dialect=dialect)


def install() -> None:
    """Make every analysis function accept a path or an Ibis table (called when the analysis layer is imported)."""
    use_engine(_run)
