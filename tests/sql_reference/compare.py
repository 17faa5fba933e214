"""What "the same result" means between the kit and its SQL reference, and the cases the benchmarks time.

Every reference returns a pandas DataFrame with the kit's columns and row order; :func:`assert_same` compares
values (not dtypes: DuckDB's integers, timestamps and text come back as its own types). A :class:`Case` names
one call of a kit function and the SQL of the same definition, for ``benchmarks/bench_memory.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values only: a named index as columns (a numbered one dropped), categories as their values, missing values
    as NaN/NaT, dates to ns."""
    named = any(name is not None for name in frame.index.names)
    out = frame.reset_index(drop=not named).copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.astype("datetime64[ns]" if values.dt.tz is None else "datetime64[ns, UTC]")
        elif pd.api.types.is_timedelta64_dtype(values):
            values = values.astype("timedelta64[ns]")
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            values = values.astype("float64")  # Int64 with NA, int32/int64 and float all compare as numbers
        else:
            values = values.astype(object).where(values.notna(), None)
        out[column] = values
    return out


def assert_same(kit: pd.DataFrame, sql: pd.DataFrame, *, rtol: float = 1e-9) -> None:
    """Raise AssertionError unless ``sql`` has the kit's columns, rows in the same order and the same values."""
    assert list(sql.columns) == list(kit.columns), f"columns differ: kit {list(kit.columns)}, SQL {list(sql.columns)}"
    assert list(sql.index.names) == list(kit.index.names), f"index differs: kit {kit.index.names}, SQL {sql.index.names}"
    pd.testing.assert_frame_equal(_plain(kit), _plain(sql), check_dtype=False, rtol=rtol, check_exact=False)


def orders_from(events: pd.DataFrame, purchase: str = "purchase") -> pd.DataFrame:
    """An orders table made from the purchase events (for the value cases): one order per purchase, a revenue
    between 5 and 205 drawn from the row's position, ids ``O<position>``."""
    bought = events.loc[events["event"] == purchase, ["user_id", "timestamp"]].reset_index(drop=True)
    position = np.arange(len(bought))
    return pd.DataFrame({"order_id": pd.Series(position).map("O{:09d}".format).astype("str"),
                         "user_id": bought["user_id"].astype("str"), "timestamp": bought["timestamp"],
                         "revenue": (position * 7919 % 20000) / 100 + 5.0})


def surveys_from(events: pd.DataFrame, purchase: str = "purchase") -> pd.DataFrame:
    """A survey table made from the purchase events (for the satisfaction cases): an NPS answer (0-10) and a CSAT
    answer (1-5) per purchase, drawn from the row's position, skewed to the top as real answers are."""
    bought = events.loc[events["event"] == purchase, ["user_id", "timestamp"]].reset_index(drop=True)
    position = np.arange(len(bought))
    nps = np.minimum(10, (position * 2654435761 % 1000) // 80)
    return pd.DataFrame({"user_id": bought["user_id"].astype("str"), "timestamp": bought["timestamp"],
                         "nps": nps.astype("int64"), "csat": (1 + (position * 40503 % 1000) // 200).astype("int64")})


@dataclass(frozen=True)
class Case:
    """One benchmark case: ``kit(data)`` and ``sql(data, con)`` must give the same DataFrame (see assert_same).

    ``prepare`` turns the event log into the case's input (e.g. :func:`orders_from`) before the clock starts.
    """

    name: str
    call: str  # how the kit is called, as shown in the results table
    kit: Callable[[Any], pd.DataFrame]
    sql: Callable[[Any, Any], pd.DataFrame]
    prepare: Callable[[pd.DataFrame], Any] = field(default=lambda events: events)
