"""The checks an engine runs before an analysis, in one pass over the table.

One grouped query returns, per event name, the number of rows, of rows without
a user id or a time, and the latest time: from it come the event names (for
"did you mean"), whether any contract column has nulls, and the end of the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Facts", "facts", "fits", "naive_time", "with_first_purchase", "tie_order"]


@dataclass
class Facts:
    """What the checks found: rows, whether any user id, time or event name is missing, the event names and the
    last time (naive, in UTC)."""

    rows: int
    has_nulls: bool
    events: list[str]
    end: pd.Timestamp | None


def facts(table, user: str, time: str, event: str) -> Facts:
    """Run the checks' query on ``table`` (one scan) and return what it found."""
    found = _arrow_facts(table, user, time, event)
    if found is not None:
        return found
    known = _parquet_nulls(table, (user, time))
    if known is not None:  # the files' statistics say whether user ids or times are missing: only two columns read
        per_event = table.group_by(e=table[event]).aggregate(rows=table.count(),
                                                             end=table[time].max()).to_pyarrow().to_pandas()
        missing = known
    else:  # counting the values that are there is cheaper than testing each for a null
        per_event = table.group_by(e=table[event]).aggregate(rows=table.count(), users=table[user].count(),
                                                             times=table[time].count(),
                                                             end=table[time].max()).to_pyarrow().to_pandas()
        missing = bool((per_event["users"] < per_event["rows"]).any() or (per_event["times"] < per_event["rows"]).any())
    null_event = per_event["e"].isna()
    end = per_event["end"].max() if len(per_event) else None
    return Facts(rows=int(per_event["rows"].sum()), has_nulls=bool(null_event.any() or missing),
                 events=sorted(per_event.loc[~null_event, "e"].tolist()),
                 end=None if end is None or pd.isna(end) else naive_utc(end))


def _arrow_facts(table, user: str, time: str, event: str) -> Facts | None:
    """For a DataFrame routed through DuckDB as an Arrow table: the same facts read from the Arrow columns (null
    counts are kept with the data, the event names are one hash, the last time one pass), without a query; None
    for any other table, or a time column that is not a time (the query's rules apply then)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from journeykit.io.sources import ARROW_TABLES

    try:
        arrow = ARROW_TABLES.get(table.get_name())
    except Exception:  # noqa: BLE001 - an expression, not a table: no name
        return None
    if arrow is None or not pa.types.is_timestamp(arrow.schema.field(time).type):
        return None
    names = pc.unique(arrow.column(event)).drop_null()
    if pa.types.is_dictionary(names.type):
        names = names.dictionary_decode()
    end = pc.max(arrow.column(time)).as_py()
    has_nulls = any(arrow.column(c).null_count for c in (user, time, event))
    return Facts(rows=arrow.num_rows, has_nulls=bool(has_nulls), events=sorted(names.to_pylist()),
                 end=None if end is None else naive_utc(end))


def _parquet_nulls(table, columns: tuple[str, ...]) -> bool | None:
    """For a table opened straight from Parquet files: whether any of ``columns`` has a null, from the files' own
    statistics (every row group of every file must carry a null count); None when that cannot be told so."""
    from journeykit.io.sources import PARQUET_FILES

    try:
        files = PARQUET_FILES.get(table.get_name())
    except Exception:  # noqa: BLE001 - an expression, not a table: no name
        return None
    if not files:
        return None
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    wanted = ", ".join("'" + c.replace("'", "''") + "'" for c in columns)
    try:
        (nulls, unknown, seen), = table._find_backend().raw_sql(
            f"SELECT sum(stats_null_count), count(*) FILTER (WHERE stats_null_count IS NULL), "
            f"count(DISTINCT path_in_schema) FROM parquet_metadata([{listed}]) "
            f"WHERE path_in_schema IN ({wanted})").fetchall()
    except Exception:  # noqa: BLE001 - no statistics to read: count the values instead
        return None
    if unknown or seen != len(set(columns)):
        return None
    return bool(nulls)


def naive_utc(value) -> pd.Timestamp:
    """A time as a naive Timestamp in UTC, as the pandas implementation gives times."""
    stamp = pd.Timestamp(value)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp


def with_first_purchase(ev, purchase: str, how: str):
    """``ev`` (with ``user_id``, ``ts``, ``e``) and each user's ``first_purchase`` time: a grouped aggregate over
    the purchases joined back (``how="inner"`` keeps buyers only, ``"left"`` everyone, None for non-buyers), which
    engines run far faster than a window over every event."""
    purchases = ev.filter(ev.e == purchase)
    first = purchases.group_by(buyer="user_id").aggregate(first_purchase=purchases.ts.min())
    joined = ev.join(first, ev.user_id == first.buyer, how=how)
    return joined.select(*ev.columns, "first_purchase")


def _plain(dtype) -> bool:
    return dtype.is_primitive() or dtype.is_string() or dtype.is_temporal() or dtype.is_decimal()


def fits(table, user: str, time: str, event: str, extra=(), sortable: bool = False, segment: str | None = None) -> bool:
    """Whether the table has the columns, with types the engine implementations read exactly as pandas does: a
    timestamp, text event names, text or integer user ids (and, with ``sortable``, only plain columns, which the
    kit's order of tied events sorts by); a ``segment`` must be a column of its own, not one of the contract's
    (pandas refuses ``by="user_id"``, in its words)."""
    if segment is not None and segment in ("user_id", "timestamp", "event"):
        return False
    schema = table.schema()
    if any(c not in schema for c in (user, time, event, *extra, *([segment] if segment else []))):
        return False
    types = (schema[time].is_timestamp() and schema[event].is_string()
             and (schema[user].is_string() or schema[user].is_integer()))
    return types and (not sortable or all(_plain(schema[c]) for c in schema))


def naive_time(table, time: str):
    """The time column as naive UTC, as the pandas implementation reads times (zoned values converted)."""
    ts = table[time]
    return ts.cast(ts.type().copy(timezone=None)) if ts.type().timezone is not None else ts


def tie_order(t, columns: int, reverse: bool = False) -> list:
    """The kit's order of a user's events (time, event name, then the other columns ``c0``.. with missing values
    last), or exactly its reverse."""
    import ibis

    keys = [t.ts, t.e]
    others = [t[f"c{i}"] for i in range(columns)]
    if reverse:
        return [*map(ibis.desc, keys), *[ibis.desc(k, nulls_first=True) for k in others]]
    return [*map(ibis.asc, keys), *[ibis.asc(k, nulls_first=False) for k in others]]
