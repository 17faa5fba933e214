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

Ids
---
User and order ids are text. Numbers are turned into their digits (``17850``
becomes ``"17850"``, never ``"17850.0"``), so the same customer has the same id
in events, orders and surveys whether a file stored it as a number or as text.
Ids read as decimal numbers with a fraction, or too large for a float to hold
exactly, are refused: digits were already lost. Read such columns as text
(``pd.read_csv(..., dtype={"user_id": str})``).

Timestamps
----------
Every validator returns ``timestamp`` as a time-zone-naive ``datetime64[ns]``
column holding wall-clock time in one zone, ``output_tz`` (``"UTC"`` by
default). One format is used per column, day-first dates must be decidable or
settled with ``dayfirst=``, times without a date are refused, and naive local
times are placed with ``input_tz`` under an explicit daylight-saving policy:
see :mod:`journeykit.io.timestamps` for the rules.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from journeykit.errors import SchemaError, did_you_mean
from journeykit.errors import examples as _examples
from journeykit.io.timestamps import TimeOptions, parse_timestamps

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
"""The zone every timestamp is expressed in after validation, unless ``output_tz`` says otherwise."""

NPS_RANGE = (0, 10)
"""Inclusive scale of the "How likely are you to recommend us?" question."""

CSAT_RANGE = (1, 5)
"""Inclusive scale of the "How satisfied were you?" question."""

_EXAMPLES = 3  # how many offending rows an error message shows
_MAX_EXACT_FLOAT = 2**53  # integers above this are not all representable as float64


# ---------------------------------------------------------------------------
# Public validators
# ---------------------------------------------------------------------------

_TIME_DOC = """    time_format : str, optional
        ``strftime`` format of every timestamp, e.g. ``"%d/%m/%Y %H:%M"``.
        By default ISO 8601 is recognised, and otherwise one format is taken
        from the column (see :mod:`journeykit.io.timestamps`).
    dayfirst : bool, optional
        For dates like ``03/04/2025``: True for day/month/year, False for
        month/day/year. Needed only when the values do not settle it.
    input_tz : str, optional
        Zone of naive timestamps, e.g. ``"Europe/London"``; by default they
        are taken to be in ``output_tz`` already.
    output_tz : str, default "UTC"
        Zone the returned timestamps are expressed in, as naive wall time.
    ambiguous : {{"raise", "earliest", "latest"}}, default "raise"
        With ``input_tz``: a local time that happens twice (clocks go back).
    nonexistent : {{"raise", "shift_forward", "shift_backward"}}, default "raise"
        With ``input_tz``: a local time that never happens (clocks go forward).
    tz : str, optional
        Deprecated name of ``output_tz``."""


def _time_options(time_format, dayfirst, input_tz, output_tz, ambiguous, nonexistent, tz) -> TimeOptions:
    if tz is not None:
        warnings.warn("tz= is deprecated; it is the output zone, so write output_tz= (and input_tz= for the zone "
                      "of naive input).", FutureWarning, stacklevel=3)
        output_tz = tz
    return TimeOptions(time_format=time_format, dayfirst=dayfirst, input_tz=input_tz, output_tz=output_tz,
                       ambiguous=ambiguous, nonexistent=nonexistent)


def validate_events(
    df: pd.DataFrame,
    *,
    user_col: str = "user_id",
    time_col: str = "timestamp",
    event_col: str = "event",
    time_format: str | None = None,
    dayfirst: bool | None = None,
    input_tz: str | None = None,
    output_tz: str = DEFAULT_TZ,
    ambiguous: str = "raise",
    nonexistent: str = "raise",
    tz: str | None = None,
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
{time}

    Returns
    -------
    DataFrame
        A new frame with canonical column names, ``user_id`` and ``event`` as
        text, ``timestamp`` as naive ``datetime64[ns]`` in ``output_tz``. Row
        order and index values are those of ``df`` (index names are dropped,
        so they cannot clash with columns); ``df`` itself is never modified.

    Raises
    ------
    SchemaError
        Listing every problem at once: an empty frame, missing columns (with
        the closest existing names), two parameters naming one column, null
        or unusable user ids, null event names, timestamps that cannot be
        parsed with one format, whose day order is undecided, that lack a
        date, mix aware and naive values or fall in a daylight-saving gap.
    ParameterError
        For an option of the wrong kind (an unknown zone, a bare ``tz``, ...).

    See Also
    --------
    validate_orders, validate_surveys

    Examples
    --------
    >>> raw = pd.DataFrame({{
    ...     "customer": [101, 101, 102, 102, 103],
    ...     "time": ["02/01/2025 09:00", "02/01/2025 09:05", "13/01/2025 10:00",
    ...              "13/01/2025 10:01", "14/01/2025 11:00"],
    ...     "event": ["visit", "purchase", "visit", "view_product", "visit"],
    ... }})
    >>> events = validate_events(raw, user_col="customer", time_col="time")
    >>> events
      user_id           timestamp         event
    0     101 2025-01-02 09:00:00         visit
    1     101 2025-01-02 09:05:00      purchase
    2     102 2025-01-13 10:00:00         visit
    3     102 2025-01-13 10:01:00  view_product
    4     103 2025-01-14 11:00:00         visit
    >>> events["user_id"].tolist()
    ['101', '101', '102', '102', '103']
    >>> validate_events(raw)
    Traceback (most recent call last):
    ...
    journeykit.errors.SchemaError: events failed validation with 2 problems:
      - column 'user_id' not found; closest columns: 'customer'. Pass user_col='customer'.
      - column 'timestamp' not found; closest columns: 'time'. Pass time_col='time'.
    """
    options = _time_options(time_format, dayfirst, input_tz, output_tz, ambiguous, nonexistent, tz)
    spec = {"user_id": (user_col, "user_col"), "timestamp": (time_col, "time_col"), "event": (event_col, "event_col")}
    out = _frame(df, spec, "events")
    problems: list[str] = []
    out["user_id"], id_problems = _text_ids(out["user_id"], user_col, "user ids")
    problems += id_problems
    problems += _check_no_nulls(out, "event", event_col, "event names")
    out["timestamp"], ts_problems = parse_timestamps(out["timestamp"], time_col, options)
    problems += ts_problems
    if problems:
        raise SchemaError(problems, "events")
    out["event"] = _as_text(out["event"])
    return out


validate_events.__doc__ = validate_events.__doc__.format(time=_TIME_DOC)


def _repeats_values(ids: pd.Series) -> bool:
    """Whether a text id column holds a value twice (Arrow's hash of distinct values where the column has one,
    faster than marking every duplicate row; the rows are found only when there are some)."""
    data = getattr(ids.array, "_pa_array", None)
    if data is None:
        return bool(ids.duplicated().any())
    import pyarrow.compute as pc

    return len(pc.unique(data)) < len(ids)


def validate_orders(
    df: pd.DataFrame,
    *,
    order_col: str = "order_id",
    user_col: str = "user_id",
    time_col: str = "timestamp",
    revenue_col: str = "revenue",
    time_format: str | None = None,
    dayfirst: bool | None = None,
    input_tz: str | None = None,
    output_tz: str = DEFAULT_TZ,
    ambiguous: str = "raise",
    nonexistent: str = "raise",
    tz: str | None = None,
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
{time}

    Returns
    -------
    DataFrame
        A new frame with canonical names, ids as text, ``timestamp`` as naive
        ``datetime64[ns]`` in ``output_tz`` and ``revenue`` as ``float64``.

    Raises
    ------
    SchemaError
        For everything :func:`validate_events` checks, plus: order ids that
        repeat (an order is one row), revenue that is missing, not a number,
        infinite, or negative (remove refunds and cancellations first, or net
        them into their order).

    Examples
    --------
    >>> raw = pd.DataFrame({{
    ...     "order_id": [1, 2, 3, 4, 5],
    ...     "user_id": ["a", "a", "b", "c", "c"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05",
    ...                                  "2025-01-07", "2025-03-01"]),
    ...     "revenue": [20, 35.5, 12, 80, 15],
    ... }})
    >>> validate_orders(raw)["revenue"].sum()
    np.float64(162.5)
    >>> validate_orders(raw)["order_id"].tolist()
    ['1', '2', '3', '4', '5']
    """
    options = _time_options(time_format, dayfirst, input_tz, output_tz, ambiguous, nonexistent, tz)
    spec = {"order_id": (order_col, "order_col"), "user_id": (user_col, "user_col"),
            "timestamp": (time_col, "time_col"), "revenue": (revenue_col, "revenue_col")}
    out = _frame(df, spec, "orders")
    problems: list[str] = []
    out["order_id"], id_problems = _text_ids(out["order_id"], order_col, "order ids")
    problems += id_problems
    out["user_id"], id_problems = _text_ids(out["user_id"], user_col, "user ids")
    problems += id_problems
    if not problems and _repeats_values(out["order_id"]):
        dup = out["order_id"].duplicated(keep=False)
        if dup.any():
            problems.append(
                f"column '{order_col}' has {dup.sum()} rows sharing {out.loc[dup, 'order_id'].nunique()} "
                f"order ids (e.g. {_examples(out.loc[dup, 'order_id'])}); an order is one row. "
                "Drop exact duplicate rows with df.drop_duplicates(), or aggregate order lines "
                "to one row per order first."
            )
    out["timestamp"], ts_problems = parse_timestamps(out["timestamp"], time_col, options)
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
    out["revenue"] = revenue
    return out


validate_orders.__doc__ = validate_orders.__doc__.format(time=_TIME_DOC)


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
    time_format: str | None = None,
    dayfirst: bool | None = None,
    input_tz: str | None = None,
    output_tz: str = DEFAULT_TZ,
    ambiguous: str = "raise",
    nonexistent: str = "raise",
    tz: str | None = None,
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
{time}

    Returns
    -------
    DataFrame
        A new frame with canonical names; ``user_id`` as text, ``nps`` and
        ``csat`` as nullable integers (``Int64``), ``timestamp`` as naive
        ``datetime64[ns]`` in ``output_tz``.

    Raises
    ------
    SchemaError
        For everything :func:`validate_events` checks, plus: neither
        touchpoint nor stage present, neither score present, and scores that
        are not whole numbers on their scale (NPS 0-10, CSAT 1-5), naming the
        offending values. Text such as ``"9,5"`` or ``"7-8"`` and booleans
        are not scores.

    Examples
    --------
    >>> raw = pd.DataFrame({{
    ...     "user_id": ["a", "b", "c", "d", "e"],
    ...     "timestamp": ["2025-01-01"] * 5,
    ...     "touchpoint": ["delivery"] * 5,
    ...     "nps": [10, 9, 7, None, 11],
    ... }})
    >>> validate_surveys(raw)
    Traceback (most recent call last):
    ...
    journeykit.errors.SchemaError: surveys failed validation with 1 problem:
      - column 'nps' has 1 value off the 0-10 scale (e.g. 11 in row 4); scores must be whole numbers from 0 to 10. Fix or drop those answers, or check that nps_col names the right column.
    """
    options = _time_options(time_format, dayfirst, input_tz, output_tz, ambiguous, nonexistent, tz)
    spec = {"user_id": (user_col, "user_col"), "timestamp": (time_col, "time_col")}
    optional = {"touchpoint": (touchpoint_col, "touchpoint_col"), "stage": (stage_col, "stage_col"),
                "nps": (nps_col, "nps_col"), "csat": (csat_col, "csat_col"), "comment": (comment_col, "comment_col")}
    problems = []
    if isinstance(df, pd.DataFrame):
        if touchpoint_col not in df.columns and stage_col not in df.columns:
            problems.append(_missing_one_of(df, (touchpoint_col, "touchpoint_col"), (stage_col, "stage_col"),
                                            "where in the journey the answer was given"))
        if nps_col not in df.columns and csat_col not in df.columns:
            problems.append(_missing_one_of(df, (nps_col, "nps_col"), (csat_col, "csat_col"), "a score"))
    present = {canon: given for canon, given in optional.items() if isinstance(df, pd.DataFrame) and given[0] in df}
    out = _frame(df, {**spec, **present}, "surveys", problems)
    out["user_id"], id_problems = _text_ids(out["user_id"], user_col, "user ids")
    problems += id_problems
    out["timestamp"], ts_problems = parse_timestamps(out["timestamp"], time_col, options)
    problems += ts_problems
    scores = {}
    for canon, original, (low, high) in (("nps", nps_col, NPS_RANGE), ("csat", csat_col, CSAT_RANGE)):
        if canon in out.columns:
            scores[canon], score_problems = _parse_scale(out[canon], original, canon, low, high)
            problems += score_problems
    if problems:
        raise SchemaError(problems, "surveys")
    for canon, values in scores.items():
        out[canon] = values
    return out


validate_surveys.__doc__ = validate_surveys.__doc__.format(time=_TIME_DOC)


# ---------------------------------------------------------------------------
# Building blocks shared by the validators (and by analysis functions)
# ---------------------------------------------------------------------------


def _frame(df: object, spec: dict[str, tuple[str, str]], table: str, problems: list[str] | None = None
           ) -> pd.DataFrame:
    """Check the frame's shape and return a copy with canonical column names and unnamed index levels.

    ``spec`` maps each canonical column to (the caller's column name, the
    parameter that named it). Raises :class:`SchemaError` with every shape
    problem (plus any in ``problems``) at once.
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError([_not_frame_message(df)], table)
    problems = list(problems or [])
    if len(df) == 0:
        problems.append(f"the {table} table is empty (0 rows); there is nothing to analyse. "
                        "Check the file you loaded and any filter applied before this call.")
    if df.columns.duplicated().any():
        dupes = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        problems.append(f"column names appear more than once: {', '.join(map(repr, dupes))}; "
                        "rename them so that each column name is unique.")
    named: dict[object, list[str]] = {}
    for canonical, (name, param) in spec.items():
        if not isinstance(name, str):
            problems.append(f"{param} must be a column name (a string), got {type(name).__name__} {name!r}. If "
                            "your columns are numbered, name them first, e.g. df.columns = df.columns.astype(str).")
            continue
        named.setdefault(name, []).append(param)
        if name not in df.columns:
            problems.append(_missing_column(df, name, param))
        elif canonical != name and canonical in df.columns and canonical not in {n for n, _ in spec.values()}:
            problems.append(
                f"both '{name}' ({param}) and a column already called '{canonical}' exist; "
                f"'{name}' would be renamed to '{canonical}'. Drop or rename the existing "
                f"'{canonical}' column first."
            )
    for name, params in named.items():
        if len(params) > 1:
            problems.append(f"{' and '.join(params)} all name column {name!r}; each must name its own column.")
    if problems:
        raise SchemaError(problems, table)
    mapping = {name: canonical for canonical, (name, _) in spec.items() if name != canonical}
    out = df.rename(columns=mapping) if mapping else df.copy()
    out.index = out.index.set_names([None] * out.index.nlevels)
    return out


def _not_frame_message(df: object) -> str:
    if isinstance(df, (list, tuple)) and df and all(isinstance(item, (str, os.PathLike)) for item in df):
        return (f"expected a pandas DataFrame, got a {type(df).__name__} of paths. Pass one path, a folder or a "
                "glob instead (e.g. 'events/*.parquet'), or load the files with a jk.read_* function first.")
    return (f"expected a pandas DataFrame, got {type(df).__name__}. Load your file with a jk.read_* function first, "
            "or pass its path (a Parquet or CSV file, a folder or a glob).")


def _missing_column(df: pd.DataFrame, name: str, param: str) -> str:
    columns = [str(c) for c in df.columns]
    close = did_you_mean(name, columns, cutoff=0.5)
    if close:
        hint = f"closest columns: {', '.join(map(repr, close))}. Pass {param}={close[0]!r}."
    else:
        shown = ", ".join(map(repr, columns[:8])) + (", ..." if len(columns) > 8 else "")
        hint = f"the columns are: {shown or '(none)'}. Pass {param}='<your column>'."
    return f"column {name!r} not found; {hint}"


def _missing_one_of(df: pd.DataFrame, first: tuple[str, str], second: tuple[str, str], what: str) -> str:
    (a, pa), (b, pb) = first, second
    columns = [str(c) for c in df.columns]
    close = did_you_mean(a, columns, 2, 0.5) + did_you_mean(b, columns, 2, 0.5)
    hint = f" Closest columns: {', '.join(map(repr, dict.fromkeys(close)))}." if close else ""
    return (f"neither {a!r} nor {b!r} found; survey answers need {what}. "
            f"Pass {pa}= or {pb}= to name your column.{hint}")


def _check_no_nulls(df: pd.DataFrame, column: str, original: str, what: str) -> list[str]:
    missing = df[column].isna()
    if not missing.any():
        return []
    rows = ", ".join(map(str, df.index[missing][:_EXAMPLES]))
    return [f"column {original!r} has {missing.sum()} missing {what} (rows {rows}{', ...' if missing.sum() > _EXAMPLES else ''}); "
            f"every row needs one. Drop those rows (df.dropna(subset=[{original!r}])) or fill them."]


def _as_text(values: pd.Series) -> pd.Series:
    """Values as pandas' text dtype (``str``), missing values kept missing."""
    if values.dtype == "str":
        return values
    return values.astype("str")


def _text_ids(values: pd.Series, original: str, what: str) -> tuple[pd.Series, list[str]]:
    """Ids as text, the same whichever way the file stored them; missing ids are a problem.

    Integers become their digits; floats that hold whole numbers (a column of
    integers with gaps, read by pandas as float) become the digits of the
    whole number; floats with a fraction, or beyond 2**53, are refused.
    Booleans and datetimes are not ids.
    """
    problems = _check_no_nulls(values.to_frame("v"), "v", original, what)
    present = values.dropna()
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return values, problems + [f"column {original!r} holds {dtype} values, which are not {what}; check that "
                                   f"{original!r} is the right column."]
    if pd.api.types.is_float_dtype(dtype):
        numbers = present.astype("float64")
        fractional = ~np.isfinite(numbers) | (numbers % 1 != 0)
        too_big = numbers.abs() > _MAX_EXACT_FLOAT
        if fractional.any() or too_big.any():
            bad = present[fractional | too_big]
            return values, problems + [
                f"column {original!r} holds {what} as decimal numbers (e.g. {_examples(bad)}), so digits may "
                f"already be lost and different people could share an id. Read the column as text, e.g. "
                f"pd.read_csv(path, dtype={{{original!r}: str}})."]
        text = pd.Series(np.nan, index=values.index, dtype="str")
        text[present.index] = numbers.astype("int64").astype("str")
        return text, problems
    if pd.api.types.is_integer_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype) or dtype == "str" \
            or pd.api.types.is_string_dtype(dtype):
        return _as_text(values), problems
    if dtype == object:
        kinds = pd.api.types.infer_dtype(present, skipna=True)
        if kinds in ("string", "empty", "integer"):
            return _as_text(values), problems
        odd = present[present.map(lambda v: not isinstance(v, (str, int, np.integer))
                                  or isinstance(v, (bool, np.bool_)))]
        if len(odd):
            floats = odd[odd.map(lambda v: isinstance(v, (float, np.floating)) and float(v).is_integer()
                                 and abs(v) <= _MAX_EXACT_FLOAT)]
            rest = odd.drop(floats.index)
            if len(rest):
                return values, problems + [
                    f"column {original!r} has {len(rest)} {what} that are neither text nor whole numbers (e.g. "
                    f"{_examples(rest)}); ids must be text. Read the column as text, e.g. "
                    f"pd.read_csv(path, dtype={{{original!r}: str}})."]
            values = values.copy()
            values[floats.index] = floats.astype("int64")
        return _as_text(values), problems
    return _as_text(values), problems


def _parse_numbers(values: pd.Series, original: str, what: str) -> tuple[pd.Series, list[str]]:
    if pd.api.types.is_bool_dtype(values.dtype):
        return values, [f"column {original!r} holds True/False values; {what} must be numbers."]
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    problems = []
    bad = numbers.isna() & values.notna()
    if bad.any():
        problems.append(f"column {original!r} has {bad.sum()} values that are not numbers "
                        f"(e.g. {_examples(values[bad])}); {what} must be numeric, without currency symbols "
                        "or thousands separators.")
    infinite = np.isinf(numbers)
    if infinite.any():
        problems.append(f"column {original!r} has {infinite.sum()} infinite values (e.g. {_examples(values[infinite])}); "
                        f"{what} must be finite. Fix or drop those rows.")
    missing = values.isna()
    if missing.any():
        rows = ", ".join(map(str, values.index[missing][:_EXAMPLES]))
        problems.append(f"column {original!r} has {missing.sum()} missing values (rows {rows}); "
                        f"every row needs its {what}. Fill or drop those rows.")
    return numbers, problems


def _parse_scale(values: pd.Series, original: str, name: str, low: int, high: int) -> tuple[pd.Series, list[str]]:
    """Validate answers on an integer scale; missing answers stay missing."""
    if pd.api.types.is_bool_dtype(values.dtype):
        booleans = values.notna()
    elif values.dtype == object:
        booleans = values.map(lambda v: isinstance(v, (bool, np.bool_))).astype(bool)
    else:
        booleans = pd.Series(False, index=values.index)
    if booleans.any():
        return values, [f"column {original!r} has {int(booleans.sum())} True/False answers (e.g. "
                        f"{_examples(values[booleans])}); {name} scores must be whole numbers from {low} to {high}."]
    numbers = pd.to_numeric(values, errors="coerce")
    not_numeric = numbers.isna() & values.notna()
    if not_numeric.any():
        return values, [f"column {original!r} has {not_numeric.sum()} answers that are not numbers "
                        f"(e.g. {_examples(values[not_numeric])}); {name} scores must be whole numbers "
                        f"from {low} to {high}. Text such as '9,5' or '7-8' is not one score: fix or drop those rows."]
    off = numbers.notna() & ((numbers < low) | (numbers > high) | (numbers % 1 != 0))
    if off.any():
        n = int(off.sum())
        return values, [f"column {original!r} has {n} value{'s' if n != 1 else ''} off the {low}-{high} scale "
                        f"(e.g. {_examples(numbers[off])}); scores must be whole numbers from {low} to {high}. "
                        f"Fix or drop those answers, or check that {name}_col names the right column."]
    return numbers.astype("Int64"), []


def require_columns(df: pd.DataFrame, columns: Iterable[str], table: str, param: str = "by") -> None:
    """Raise :class:`SchemaError` if any of ``columns`` is missing from ``df``.

    Used by analysis functions for optional columns such as a ``by=`` segment.
    """
    missing = [_missing_column(df, c, param) for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(missing, table)
