"""The data contract: validate and normalise events, orders and survey answers.

Every analysis function in journeykit reads its input through one of the three
validators here, so a problem in the data is reported once, in the same words,
whichever lesson or function meets it first.

The contract
------------
events
    One row per customer interaction: ``user_id``, ``timestamp``, ``event``, and
    optional context columns such as ``channel``, ``device``, ``session_id`` and
    ``revenue``.
orders
    One row per order: ``order_id``, ``user_id``, ``timestamp``, ``revenue``
    (plus optional ``items`` and ``channel``).
surveys
    One row per survey answer: ``user_id``, ``timestamp``, ``touchpoint`` and/or
    ``stage``, ``nps`` (0-10) and/or ``csat`` (1-5), and an optional free-text
    ``comment``.

Timestamps
----------
Every validator returns ``timestamp`` as a time-zone-naive ``datetime64``
column holding wall-clock time in one zone, ``tz`` (``"UTC"`` by default).
Time-zone-aware input (``2025-03-01T10:00:00+01:00`` or an aware dtype) is
converted to ``tz`` and the zone label dropped; naive input is taken to be in
``tz`` already. A column that mixes aware and naive values is an error, because
there is no safe way to guess the zone of the naive ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "SchemaError",
    "validate_events",
    "validate_orders",
    "validate_surveys",
    "DEFAULT_TZ",
    "NPS_RANGE",
    "CSAT_RANGE",
]

DEFAULT_TZ = "UTC"
"""The zone every timestamp is expressed in after validation, unless ``tz`` says otherwise."""

NPS_RANGE = (0, 10)
"""Inclusive scale of the "How likely are you to recommend us?" question."""

CSAT_RANGE = (1, 5)
"""Inclusive scale of the "How satisfied were you?" question."""

_EXAMPLES = 3  # how many offending rows an error message shows
_AWARE_PATTERN = r"(?:Z|[+-]\d{2}:?\d{2}|\s?(?:UTC|GMT))$"


class SchemaError(ValueError):
    """The data does not follow the journeykit data contract.

    The message lists every problem found, one per line, each saying what is
    wrong, where (column and example rows) and how to fix it. The same
    problems are available as a list of strings in :attr:`problems`.

    Parameters
    ----------
    problems : sequence of str
        One human-readable sentence per problem.
    table : str, default "data"
        Which table was being validated ("events", "orders", "surveys").
    """

    def __init__(self, problems: Sequence[str], table: str = "data") -> None:
        self.problems = list(problems)
        self.table = table
        n = len(self.problems)
        header = f"{table} failed validation with {n} problem{'s' if n != 1 else ''}:"
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))


# ---------------------------------------------------------------------------
# Public validators
# ---------------------------------------------------------------------------


def validate_events(
    df: pd.DataFrame,
    *,
    user_col: str = "user_id",
    time_col: str = "timestamp",
    event_col: str = "event",
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Check an event log against the contract and return a normalised copy.

    Parameters
    ----------
    df : DataFrame
        One row per customer interaction. Extra columns (``channel``,
        ``device``, ``session_id``, ``revenue``, ...) are kept unchanged.
    user_col, time_col, event_col : str
        Names of the user id, timestamp and event-name columns in ``df``.
        They are renamed to ``user_id``, ``timestamp`` and ``event``.
    tz : str, default "UTC"
        Zone that the returned timestamps are expressed in (see the module
        notes on time zones).

    Returns
    -------
    DataFrame
        A new frame with canonical column names, ``timestamp`` as naive
        ``datetime64`` in ``tz`` and ``event`` as strings. Row order and index
        are those of ``df``; ``df`` itself is never modified.

    Raises
    ------
    SchemaError
        Listing every problem at once: an empty frame, missing columns (with
        the closest existing names), null user ids or event names, timestamps
        that cannot be parsed (with a count and example rows), or a mix of
        zone-aware and naive timestamps.

    See Also
    --------
    validate_orders, validate_surveys

    Examples
    --------
    >>> raw = pd.DataFrame({
    ...     "customer": ["a", "a", "b", "b", "c"],
    ...     "time": ["2025-01-01 09:00", "2025-01-01 09:05", "2025-01-02 10:00",
    ...              "2025-01-02 10:01", "2025-01-03 11:00"],
    ...     "event": ["visit", "purchase", "visit", "view_product", "visit"],
    ... })
    >>> events = validate_events(raw, user_col="customer", time_col="time")
    >>> list(events.columns)
    ['user_id', 'timestamp', 'event']
    >>> events["timestamp"].dtype
    dtype('<M8[ns]')
    >>> validate_events(raw)
    Traceback (most recent call last):
    ...
    journeykit.schema.SchemaError: events failed validation with 2 problems:
      - column 'user_id' not found; closest columns: 'customer'. Pass user_col='customer'.
      - column 'timestamp' not found; closest columns: 'time'. Pass time_col='time'.
    """
    spec = {user_col: ("user_id", "user_col"), time_col: ("timestamp", "time_col"),
            event_col: ("event", "event_col")}
    problems = _check_frame(df, spec, "events")
    if problems is None:  # not a usable frame at all
        raise SchemaError([_not_frame_message(df)], "events")
    if problems:
        raise SchemaError(problems, "events")

    out = _rename(df, spec)
    problems += _check_no_nulls(out, "user_id", user_col, "user ids")
    problems += _check_no_nulls(out, "event", event_col, "event names")
    ts, ts_problems = _parse_timestamps(out["timestamp"], time_col, tz)
    problems += ts_problems
    if problems:
        raise SchemaError(problems, "events")
    out["timestamp"] = ts
    out["event"] = out["event"].astype(str)
    return out


def validate_orders(
    df: pd.DataFrame,
    *,
    order_col: str = "order_id",
    user_col: str = "user_id",
    time_col: str = "timestamp",
    revenue_col: str = "revenue",
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Check an order table against the contract and return a normalised copy.

    Parameters
    ----------
    df : DataFrame
        One row per order. Extra columns (``items``, ``channel``, ...) are kept.
    order_col, user_col, time_col, revenue_col : str
        Names of the order id, customer id, order time and order value
        columns in ``df``; renamed to ``order_id``, ``user_id``, ``timestamp``
        and ``revenue``.
    tz : str, default "UTC"
        Zone that the returned timestamps are expressed in.

    Returns
    -------
    DataFrame
        A new frame with canonical names, ``timestamp`` as naive
        ``datetime64`` in ``tz`` and ``revenue`` as ``float64``.

    Raises
    ------
    SchemaError
        For everything :func:`validate_events` checks, plus: order ids that
        repeat (an order is one row), revenue that is missing, not a number,
        or negative (remove refunds and cancellations first, or net them into
        their order).

    Examples
    --------
    >>> raw = pd.DataFrame({
    ...     "order_id": [1, 2, 3, 4, 5],
    ...     "user_id": ["a", "a", "b", "c", "c"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05",
    ...                                  "2025-01-07", "2025-03-01"]),
    ...     "revenue": [20, 35.5, 12, 80, 15],
    ... })
    >>> validate_orders(raw)["revenue"].sum()
    np.float64(162.5)
    """
    spec = {order_col: ("order_id", "order_col"), user_col: ("user_id", "user_col"),
            time_col: ("timestamp", "time_col"), revenue_col: ("revenue", "revenue_col")}
    problems = _check_frame(df, spec, "orders")
    if problems is None:
        raise SchemaError([_not_frame_message(df)], "orders")
    if problems:
        raise SchemaError(problems, "orders")

    out = _rename(df, spec)
    problems += _check_no_nulls(out, "order_id", order_col, "order ids")
    problems += _check_no_nulls(out, "user_id", user_col, "user ids")
    dup = out["order_id"].duplicated(keep=False) & out["order_id"].notna()
    if dup.any():
        problems.append(
            f"column '{order_col}' has {dup.sum()} rows sharing {out.loc[dup, 'order_id'].nunique()} "
            f"order ids (e.g. {_examples(out.loc[dup, 'order_id'])}); an order is one row. "
            "Drop exact duplicate rows with df.drop_duplicates(), or aggregate order lines "
            "to one row per order first."
        )
    ts, ts_problems = _parse_timestamps(out["timestamp"], time_col, tz)
    problems += ts_problems
    revenue, rev_problems = _parse_numbers(out["revenue"], revenue_col, "revenue")
    problems += rev_problems
    if not rev_problems:
        negative = revenue < 0
        if negative.any():
            problems.append(
                f"column '{revenue_col}' has {negative.sum()} negative values "
                f"(e.g. {_examples(out.loc[negative, 'revenue'])}); revenue per order must be >= 0. "
                "Remove refunds and cancellations first, or net them into the order they reverse."
            )
    if problems:
        raise SchemaError(problems, "orders")
    out["timestamp"] = ts
    out["revenue"] = revenue
    return out


def validate_surveys(
    df: pd.DataFrame,
    *,
    user_col: str = "user_id",
    time_col: str = "timestamp",
    touchpoint_col: str = "touchpoint",
    stage_col: str = "stage",
    nps_col: str = "nps",
    csat_col: str = "csat",
    comment_col: str = "comment",
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Check survey answers against the contract and return a normalised copy.

    A survey table needs ``user_id`` and ``timestamp``, at least one of
    ``touchpoint`` / ``stage`` (where in the journey the question was asked)
    and at least one of ``nps`` / ``csat`` (the scores). ``comment`` is
    optional. A missing score (an unanswered question) is allowed and kept as
    missing.

    Parameters
    ----------
    df : DataFrame
        One row per survey answer.
    user_col, time_col, touchpoint_col, stage_col, nps_col, csat_col, comment_col : str
        Names of those columns in ``df``; renamed to ``user_id``,
        ``timestamp``, ``touchpoint``, ``stage``, ``nps``, ``csat``, ``comment``.
    tz : str, default "UTC"
        Zone that the returned timestamps are expressed in.

    Returns
    -------
    DataFrame
        A new frame with canonical names; ``nps`` and ``csat`` as nullable
        integers (``Int64``), ``timestamp`` as naive ``datetime64`` in ``tz``.

    Raises
    ------
    SchemaError
        For everything :func:`validate_events` checks, plus: neither
        touchpoint nor stage present, neither score present, and scores that
        are not whole numbers on their scale (NPS 0-10, CSAT 1-5), naming the
        offending values.

    Examples
    --------
    >>> raw = pd.DataFrame({
    ...     "user_id": ["a", "b", "c", "d", "e"],
    ...     "timestamp": ["2025-01-01"] * 5,
    ...     "touchpoint": ["delivery"] * 5,
    ...     "nps": [10, 9, 7, None, 11],
    ... })
    >>> validate_surveys(raw)
    Traceback (most recent call last):
    ...
    journeykit.schema.SchemaError: surveys failed validation with 1 problem:
      - column 'nps' has 1 value off the 0-10 scale (e.g. 11 in row 4); scores must be whole numbers from 0 to 10. Fix or drop those answers, or check that nps_col names the right column.
    """
    spec = {user_col: ("user_id", "user_col"), time_col: ("timestamp", "time_col")}
    problems = _check_frame(df, spec, "surveys")
    if problems is None:
        raise SchemaError([_not_frame_message(df)], "surveys")
    optional = {touchpoint_col: ("touchpoint", "touchpoint_col"), stage_col: ("stage", "stage_col"),
                nps_col: ("nps", "nps_col"), csat_col: ("csat", "csat_col"),
                comment_col: ("comment", "comment_col")}
    present = {name: canon for name, canon in optional.items() if name in df.columns}
    if touchpoint_col not in df.columns and stage_col not in df.columns:
        problems.append(_missing_one_of(df, (touchpoint_col, "touchpoint_col"), (stage_col, "stage_col"),
                                        "where in the journey the answer was given"))
    if nps_col not in df.columns and csat_col not in df.columns:
        problems.append(_missing_one_of(df, (nps_col, "nps_col"), (csat_col, "csat_col"), "a score"))
    if problems:
        raise SchemaError(problems, "surveys")

    out = _rename(df, {**spec, **present})
    problems += _check_no_nulls(out, "user_id", user_col, "user ids")
    ts, ts_problems = _parse_timestamps(out["timestamp"], time_col, tz)
    problems += ts_problems
    scores = {}
    for canon, original, (low, high) in (("nps", nps_col, NPS_RANGE), ("csat", csat_col, CSAT_RANGE)):
        if canon in out.columns:
            scores[canon], score_problems = _parse_scale(out[canon], original, canon, low, high)
            problems += score_problems
    if problems:
        raise SchemaError(problems, "surveys")
    out["timestamp"] = ts
    for canon, values in scores.items():
        out[canon] = values
    return out


# ---------------------------------------------------------------------------
# Building blocks shared by the validators (and by analysis functions)
# ---------------------------------------------------------------------------


def _not_frame_message(df: object) -> str:
    return (f"expected a pandas DataFrame, got {type(df).__name__}. "
            "Load your file with pd.read_csv(...) or jk.datasets.load(...) first.")


def _check_frame(df: object, spec: dict[str, tuple[str, str]], table: str) -> list[str] | None:
    """Problems with the frame's shape: empty, missing or clashing columns.

    Returns None when ``df`` is not a DataFrame at all.
    """
    if not isinstance(df, pd.DataFrame):
        return None
    problems: list[str] = []
    if len(df) == 0:
        problems.append(f"the {table} table is empty (0 rows); there is nothing to analyse. "
                        "Check the file you loaded and any filter applied before this call.")
    if df.columns.duplicated().any():
        dupes = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        problems.append(f"column names appear more than once: {', '.join(map(repr, dupes))}; "
                        "rename them so that each column name is unique.")
    for name, (canonical, param) in spec.items():
        if name not in df.columns:
            problems.append(_missing_column(df, name, param))
        elif canonical != name and canonical in df.columns and canonical not in spec:
            problems.append(
                f"both '{name}' ({param}) and a column already called '{canonical}' exist; "
                f"'{name}' would be renamed to '{canonical}'. Drop or rename the existing "
                f"'{canonical}' column first."
            )
    return problems


def _missing_column(df: pd.DataFrame, name: str, param: str) -> str:
    columns = [str(c) for c in df.columns]
    lowered = {c.lower(): c for c in columns}
    close = [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.5)]
    close += [c for c in columns if (name.lower() in c.lower() or c.lower() in name.lower()) and c not in close]
    close = close[:3]
    if close:
        hint = f"closest columns: {', '.join(map(repr, close))}. Pass {param}={close[0]!r}."
    else:
        shown = ", ".join(map(repr, columns[:8])) + (", ..." if len(columns) > 8 else "")
        hint = f"the columns are: {shown or '(none)'}. Pass {param}='<your column>'."
    return f"column {name!r} not found; {hint}"


def _missing_one_of(df: pd.DataFrame, first: tuple[str, str], second: tuple[str, str], what: str) -> str:
    (a, pa), (b, pb) = first, second
    columns = [str(c) for c in df.columns]
    close = difflib.get_close_matches(a, columns, n=2, cutoff=0.5) + difflib.get_close_matches(b, columns, n=2, cutoff=0.5)
    hint = f" Closest columns: {', '.join(map(repr, dict.fromkeys(close)))}." if close else ""
    return (f"neither {a!r} nor {b!r} found; survey answers need {what}. "
            f"Pass {pa}= or {pb}= to name your column.{hint}")


def _rename(df: pd.DataFrame, spec: dict[str, tuple[str, str]]) -> pd.DataFrame:
    mapping = {name: canonical for name, (canonical, _) in spec.items() if name != canonical}
    return df.rename(columns=mapping) if mapping else df.copy()


def _examples(values: pd.Series, n: int = _EXAMPLES) -> str:
    """A few offending values with their row labels, e.g. "'x' in row 3, 'y' in row 7"."""
    shown = values.head(n)
    return ", ".join(f"{v!r} in row {i}" if not isinstance(v, (int, np.integer, float, np.floating)) or isinstance(v, bool)
                     else f"{_fmt_number(v)} in row {i}" for i, v in shown.items())


def _fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _check_no_nulls(df: pd.DataFrame, column: str, original: str, what: str) -> list[str]:
    missing = df[column].isna()
    if not missing.any():
        return []
    rows = ", ".join(map(str, df.index[missing][:_EXAMPLES]))
    return [f"column {original!r} has {missing.sum()} missing {what} (rows {rows}{', ...' if missing.sum() > _EXAMPLES else ''}); "
            f"every row needs one. Drop those rows (df.dropna(subset=[{original!r}])) or fill them."]


def _parse_timestamps(values: pd.Series, original: str, tz: str) -> tuple[pd.Series, list[str]]:
    """Parse a timestamp column to naive datetime64[ns] wall time in ``tz``.

    Returns the parsed series and a list of problems (empty when all is well).
    """
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(tz).dt.tz_localize(None).astype("datetime64[ns]"), []
    if pd.api.types.is_datetime64_dtype(dtype):
        problems = _check_no_nulls(values.to_frame("t"), "t", original, "timestamps")
        return values.astype("datetime64[ns]"), problems
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return values, [
            f"column {original!r} holds numbers ({dtype}), not dates; convert them first, e.g. "
            f"pd.to_datetime(df[{original!r}], unit='s') for Unix seconds or unit='us' for microseconds."
        ]

    present = values.notna()
    text = values.where(~present, values.astype(str)).str.strip()
    is_object_datetime = dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("datetime", "datetime64")
    if is_object_datetime:
        aware = values.map(lambda v: getattr(v, "tzinfo", None) is not None) & present
    else:
        aware = text.str.contains(_AWARE_PATTERN, regex=True, na=False)
    naive = present & ~aware
    problems: list[str] = []
    if aware.any() and naive.any():
        problems.append(
            f"column {original!r} mixes {aware.sum()} time-zone-aware timestamps (e.g. {_examples(values[aware], 2)}) "
            f"with {naive.sum()} naive ones (e.g. {_examples(values[naive], 2)}); the zone of the naive ones is "
            "unknown. Make them all aware (add the offset) or all naive (same local zone) before validating."
        )
        return values, problems

    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if present.any():
        source = values[present] if is_object_datetime else text[present]
        converted = _to_datetime(source, utc=bool(aware.any()))
        if aware.any():
            converted = converted.dt.tz_convert(tz).dt.tz_localize(None)
        parsed[present] = converted.astype("datetime64[ns]")
    bad = present & parsed.isna()
    if bad.any():
        problems.append(
            f"column {original!r} has {bad.sum()} of {len(values)} timestamps that could not be parsed "
            f"(e.g. {_examples(values[bad])}); use an ISO format such as '2025-03-01 14:30:00', "
            f"or parse the column yourself with pd.to_datetime(df[{original!r}], format=...)."
        )
    problems += _check_no_nulls(values.to_frame("t"), "t", original, "timestamps")
    return parsed, problems


def _to_datetime(text: pd.Series, utc: bool) -> pd.Series:
    """Parse strings fast (ISO 8601) and fall back to the flexible parser for the rest."""
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=utc)
    retry = parsed.isna()
    if retry.any():
        parsed = parsed.copy()
        parsed[retry] = pd.to_datetime(text[retry], errors="coerce", format="mixed", utc=utc)
    return parsed


def _parse_numbers(values: pd.Series, original: str, what: str) -> tuple[pd.Series, list[str]]:
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    problems = []
    bad = numbers.isna() & values.notna()
    if bad.any():
        problems.append(f"column {original!r} has {bad.sum()} values that are not numbers "
                        f"(e.g. {_examples(values[bad])}); {what} must be numeric, without currency symbols "
                        "or thousands separators.")
    missing = values.isna()
    if missing.any():
        rows = ", ".join(map(str, values.index[missing][:_EXAMPLES]))
        problems.append(f"column {original!r} has {missing.sum()} missing values (rows {rows}); "
                        f"every row needs its {what}. Fill or drop those rows.")
    return numbers, problems


def _parse_scale(values: pd.Series, original: str, name: str, low: int, high: int) -> tuple[pd.Series, list[str]]:
    """Validate answers on an integer scale; missing answers stay missing."""
    numbers = pd.to_numeric(values, errors="coerce")
    not_numeric = numbers.isna() & values.notna()
    if not_numeric.any():
        return values, [f"column {original!r} has {not_numeric.sum()} answers that are not numbers "
                        f"(e.g. {_examples(values[not_numeric])}); {name} scores must be whole numbers "
                        f"from {low} to {high}."]
    off = numbers.notna() & ((numbers < low) | (numbers > high) | (numbers % 1 != 0))
    if off.any():
        n = int(off.sum())
        return values, [f"column {original!r} has {n} value{'s' if n != 1 else ''} off the {low}-{high} scale "
                        f"(e.g. {_examples(numbers[off])}); scores must be whole numbers from {low} to {high}. "
                        f"Fix or drop those answers, or check that {name}_col names the right column."]
    return numbers.astype("Int64"), []


def positive_duration(value: object, name: str) -> pd.Timedelta:
    """Parse a duration argument (``"30min"``, ``"7D"``, a Timedelta) and insist that it is positive.

    Raises
    ------
    ValueError
        Naming the argument, for anything that is not a positive duration.
    """
    try:
        delta = pd.Timedelta(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name}={value!r} is not a duration; use a string such as '30min', '24h', '7D' "
                         "or '90D', or a pd.Timedelta.") from None
    if pd.isna(delta) or delta <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive duration, got {value!r}.")
    return delta


def require_columns(df: pd.DataFrame, columns: Iterable[str], table: str, param: str = "by") -> None:
    """Raise :class:`SchemaError` if any of ``columns`` is missing from ``df``.

    Used by analysis functions for optional columns such as a ``by=`` segment.
    """
    missing = [_missing_column(df, c, param) for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(missing, table)
