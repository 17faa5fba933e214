"""Inputs beyond a DataFrame: a path or glob of Parquet or CSV files, or an Ibis table on any engine.

Every public analysis function takes one of these in place of a DataFrame
(``jk.funnel("events/*.parquet", steps, window="7D")``). This module says what
an input is and turns it into something an analysis can use:

- a **Parquet** path, folder or glob is opened by DuckDB, embedded (no server),
  as an Ibis table: nothing is read until a function asks, and then only the
  columns it needs;
- a **CSV** path or glob is read as text by the kit's own reader and parsed by
  the data contract's rules (one timestamp format per column, an ambiguous day
  order refused), not by DuckDB's type sniffer, which decides formats on a
  sample of rows;
- an **Ibis table** on any backend (DuckDB, PySpark, BigQuery, Snowflake, ...)
  is used as it is: the work runs in that engine.

An analysis either runs in the engine (see :mod:`journeykit.analysis.engine`) or
collects the columns it needs (:func:`collect`) and runs the pandas reference
implementation on them, so a result never depends on the kind of input.
"""

from __future__ import annotations

import glob as _glob
import os
from pathlib import Path

import pandas as pd

from journeykit.errors import MissingFileError, ParameterError

__all__ = ["is_ibis_table", "open_source", "collect"]

_PARQUET = (".parquet", ".parq", ".pq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".csv.zst", ".csv.xz")


def is_ibis_table(value: object) -> bool:
    """Whether ``value`` is an Ibis table expression (checked without importing Ibis)."""
    return type(value).__module__.startswith("ibis.") and hasattr(value, "schema") and hasattr(value, "select")


def _files(path: str | os.PathLike, parameter: str) -> list[str]:
    """The files a path, folder or glob names, sorted; a clear error when there are none."""
    text = os.fspath(path)
    if any(ch in text for ch in "*?["):
        found = sorted(_glob.glob(text, recursive=True))
    elif Path(text).is_dir():
        found = sorted(str(p) for p in Path(text).rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
    else:
        found = [text] if Path(text).is_file() else []
    if not found:
        raise MissingFileError(text, f"no file matches it ({parameter}); give a Parquet or CSV file, a folder of "
                                     "them or a glob such as 'events/*.parquet'.")
    return found


def _kind(files: list[str], parameter: str) -> str:
    kinds = {"parquet" if f.lower().endswith(_PARQUET) else "csv" if f.lower().endswith(_CSV) else "other"
             for f in files}
    if kinds == {"parquet"} or kinds == {"csv"}:
        return kinds.pop()
    shown = ", ".join(Path(f).name for f in files[:3]) + (", ..." if len(files) > 3 else "")
    raise ParameterError(f"{parameter} names {len(files)} files ({shown}) that are not all Parquet (.parquet) or "
                         "all CSV (.csv); point it at one kind.", parameter)


# The files behind each table opened from Parquet, by the table's name: the engine's checks read null counts from
# the files' statistics instead of scanning the columns.
PARQUET_FILES: dict[str, list[str]] = {}
# The Arrow table behind each DataFrame routed through DuckDB, by the name it is registered under, while the analysis
# runs: the checks read null counts, event names and the last time from it without a query.
ARROW_TABLES: dict[str, object] = {}


def duckdb_connection():
    """A new embedded DuckDB connection through Ibis, in UTC, so that zoned times convert the same everywhere."""
    try:
        import ibis
    except ImportError as exc:  # the course's requirements install it; a bare install of the kit may not
        raise ParameterError("reading Parquet files through DuckDB needs Ibis: pip install 'ibis-framework[duckdb]' "
                             "(or load the file with pd.read_parquet and pass the DataFrame).", "events") from exc

    # DuckDB 2.0 reads the array lambdas Ibis 12 writes (x -> ...) only with this setting
    con = ibis.duckdb.connect(lambda_syntax="ENABLE_SINGLE_ARROW")
    con.raw_sql("SET TimeZone = 'UTC'")
    # DuckDB's default is 80% of the machine's memory; a funnel over 100 million events took 10 GB with it. Beyond
    # this limit DuckDB spills to a temporary folder: slower, but it runs on a laptop. JOURNEYKIT_DUCKDB_MEMORY changes it.
    con.raw_sql(f"SET memory_limit = '{os.environ.get('JOURNEYKIT_DUCKDB_MEMORY', '3GB')}'")
    return con


def open_source(value: object, parameter: str = "events"):
    """The input as an Ibis table (Parquet, or an Ibis table as it is) or as a DataFrame (CSV, read by the kit).

    Parameters
    ----------
    value : str, Path or Ibis table
        A Parquet or CSV file, a folder of them, a glob (``"events/*.parquet"``)
        or an Ibis table.
    parameter : str
        The argument's name, for messages.

    Returns
    -------
    Ibis table or DataFrame

    Raises
    ------
    MissingFileError
        If no file matches the path.
    ParameterError
        If the files are of mixed or unknown kinds.
    """
    if is_ibis_table(value):
        return value
    files = _files(value, parameter)
    if _kind(files, parameter) == "csv":
        return pd.concat([_csv_as_text(f) for f in files], ignore_index=True)
    table = duckdb_connection().read_parquet(files)
    PARQUET_FILES[table.get_name()] = files
    return table


def _csv_as_text(path: str) -> pd.DataFrame:
    """Every column of a CSV file as text, as written: the analysis then parses it by the contract's rules."""
    from journeykit.io.files import _read_table, _Source

    source = _Source(path)
    return _read_table(source, source.header, text=source.header)


def collect(table, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of ``table`` (only ``columns``, when given) as a DataFrame, through Arrow.

    Text comes back as pandas' string type and times as ``datetime64``, as a
    Parquet file read by pandas would give them, so the pandas implementation
    sees the same values either way.
    """
    if isinstance(table, pd.DataFrame):
        return table if columns is None else table[[c for c in table.columns if c in columns]]
    if columns is not None:
        table = table.select([c for c in table.columns if c in columns])
    return table.to_pyarrow().to_pandas()
