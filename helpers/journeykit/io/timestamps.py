"""Reading a timestamp column: one format per column, never a guess per row.

The rules
---------
- **One format per column.** ISO 8601 (``2025-03-01 14:30``, with or without
  seconds, ``T`` or an offset) is recognised first. Otherwise the format is
  taken from the column's first value and applied to every row, as pandas
  does since 2.0; a row that does not fit is an error that lists it.
- **Day or month first** (``03/04/2025``) is decided for the whole column from
  its values: a first number above 12 means day first, a second number above
  12 means month first. A column where nothing settles it is refused, with
  examples, unless ``dayfirst=True``/``False`` or ``time_format=`` says which.
  A column with evidence both ways is refused as mixed.
- **A time without a date** (``"10:00"``) is refused: the date would be invented.
- **Numbers** (Unix seconds, Excel serials) are refused: their unit would be a
  guess. Convert them with ``pd.to_datetime(values, unit="s")`` first.
- **Time zones.** Values with an offset (``+01:00``, ``Z``, ``UTC``) are
  converted to ``output_tz``. Naive values are in ``input_tz`` when given,
  otherwise taken to be in ``output_tz`` already. A column that mixes the two
  is refused. The result is naive wall-clock time in ``output_tz``.
- **Daylight saving.** With ``input_tz``, a local time that happens twice (the
  autumn hour) or never (the spring hour) follows ``ambiguous=`` and
  ``nonexistent=``; by default both are refused with the rows listed.
- **Range.** Times must fall between 1677-09-22 and 2262-04-11 (what a
  nanosecond timestamp holds); dates outside are usually placeholders such as
  ``0001-01-01`` or ``9999-12-31`` and are refused with the rows listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from journeykit.errors import ParameterError
from journeykit.errors import examples as _examples
from journeykit.params import choice, flag

__all__ = ["TimeOptions", "parse_timestamps", "AMBIGUOUS", "NONEXISTENT"]

AMBIGUOUS = ("raise", "earliest", "latest")
"""Choices for a local time that happens twice: refuse, or take its first or second occurrence."""

NONEXISTENT = ("raise", "shift_forward", "shift_backward")
"""Choices for a local time skipped by daylight saving: refuse, or move it to the next or previous valid time."""

_EXAMPLES = 3
_AWARE = re.compile(r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s?(?:Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)$")
_UTC_SUFFIX = re.compile(r"\s?(?:UTC|GMT|Z)$")
_TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[ T,])")
_NUMERIC_TIME = re.compile(r"^[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*([AaPp][Mm])?$")
_BOUNDS = (pd.Timestamp.min.ceil("s"), pd.Timestamp.max.floor("s"))


@dataclass(frozen=True)
class TimeOptions:
    """How to read a timestamp column; the same options in every validator and reader.

    Parameters
    ----------
    time_format : str, optional
        ``strftime`` format of every value, e.g. ``"%d/%m/%Y %H:%M"``.
    dayfirst : bool, optional
        For dates like ``03/04/2025``: True for day/month/year, False for
        month/day/year. Needed only when the column's values do not settle it.
    input_tz : str, optional
        Zone of naive values, e.g. ``"Europe/London"``.
    output_tz : str, default "UTC"
        Zone the result is expressed in (as naive wall-clock time).
    ambiguous : {"raise", "earliest", "latest"}, default "raise"
        A local time that happens twice when clocks go back.
    nonexistent : {"raise", "shift_forward", "shift_backward"}, default "raise"
        A local time that never happens when clocks go forward.
    """

    time_format: str | None = None
    dayfirst: bool | None = None
    input_tz: str | None = None
    output_tz: str = "UTC"
    ambiguous: str = "raise"
    nonexistent: str = "raise"

    def __post_init__(self) -> None:
        if self.time_format is not None and (not isinstance(self.time_format, str) or "%" not in self.time_format):
            raise ParameterError(f"time_format={self.time_format!r} is not a strftime format; write e.g. "
                                 "'%d/%m/%Y %H:%M' for 31/12/2025 23:59.", "time_format")
        if self.dayfirst is not None:
            flag(self.dayfirst, "dayfirst")
        for param in ("input_tz", "output_tz"):
            _check_zone(getattr(self, param), param, allow_none=param == "input_tz")
        choice(self.ambiguous, "ambiguous", AMBIGUOUS)
        choice(self.nonexistent, "nonexistent", NONEXISTENT)


def _check_zone(zone: object, param: str, allow_none: bool) -> None:
    if zone is None and allow_none:
        return
    try:
        pd.Timestamp("2025-01-01").tz_localize(zone)
    except Exception:  # noqa: BLE001 - any failure means the zone is unusable
        raise ParameterError(f"{param}={zone!r} is not a time zone; use an IANA name such as 'Europe/London', "
                             "'America/New_York' or 'UTC'.", param) from None


def parse_timestamps(values: pd.Series, column: str, options: TimeOptions = TimeOptions()
                     ) -> tuple[pd.Series, list[str]]:
    """Parse one timestamp column to naive ``datetime64[ns]`` wall time in ``options.output_tz``.

    Parameters
    ----------
    values : Series
        The column as read (text, datetimes, aware datetimes, ...).
    column : str
        Its name as the caller knows it, for messages.
    options : TimeOptions
        Format, day order, zones and daylight-saving policy.

    Returns
    -------
    (Series, list of str)
        The parsed column (index of ``values``) and the problems found, each a
        sentence naming the column, example rows and the fix; empty when all is
        well. When there are problems the series must not be used.

    Examples
    --------
    >>> parsed, problems = parse_timestamps(pd.Series(["13/04/2025 10:00", "03/04/2025 11:00"]), "time")
    >>> parsed.tolist(), problems
    ([Timestamp('2025-04-13 10:00:00'), Timestamp('2025-04-03 11:00:00')], [])
    >>> parsed, problems = parse_timestamps(pd.Series(["03/04/2025", "05/06/2025"]), "time")
    >>> print(problems[0])  # doctest: +ELLIPSIS
    column 'time' has dates like '03/04/2025' in row 0, '05/06/2025' in row 1 that read either day first ...
    """
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _finish(values.dt.tz_convert(options.output_tz).dt.tz_localize(None), values, column)
    if pd.api.types.is_datetime64_dtype(dtype):
        return _localise(values, values, column, options)
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype) \
            or pd.api.types.is_timedelta64_dtype(dtype):
        return values, [
            f"column {column!r} holds {dtype} values, not dates; the unit would be a guess. Convert them first, "
            f"e.g. pd.to_datetime(df[{column!r}], unit='s') for Unix seconds, unit='ms' for milliseconds or "
            "unit='us' for microseconds (GA4's event_timestamp)."]

    objects = dtype == object and pd.api.types.infer_dtype(values, skipna=True)
    if objects in ("datetime", "datetime64", "date"):
        return _from_objects(values, column, options)
    if objects not in (False, "string", "empty") and objects is not None:
        kinds = sorted({type(v).__name__ for v in values.dropna()})
        if kinds != ["str"]:
            return values, [f"column {column!r} holds values of type {', '.join(kinds)}; timestamps must all be "
                            f"text or all be datetimes. Parse it yourself with pd.to_datetime(df[{column!r}], "
                            "format=...) first."]

    text = values.astype("str").str.strip()
    present = values.notna() & text.ne("")
    text = text.where(present)
    if not present.any():
        return _finish(pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), values.where(present), column)
    time_only = text.str.match(_TIME_ONLY, na=False)
    if time_only.any():
        return values, [f"column {column!r} has {int(time_only.sum())} times without a date (e.g. "
                        f"{_examples(values[time_only])}); a date would have to be invented. Combine the date "
                        "and time columns first, e.g. df['date'] + ' ' + df['time']."]
    aware = text.str.contains(_AWARE, regex=True, na=False)
    naive = present & ~aware
    if aware.any() and naive.any():
        return values, [f"column {column!r} mixes {int(aware.sum())} time-zone-aware timestamps (e.g. "
                        f"{_examples(values[aware], 2)}) with {int(naive.sum())} naive ones (e.g. "
                        f"{_examples(values[naive], 2)}); the zone of the naive ones is unknown. Make them all "
                        "aware (add the offset) or all naive (same local zone), then pass input_tz= for the zone."]
    source = text[present]
    if aware.any():
        source = source.str.replace(_UTC_SUFFIX, "+00:00", regex=True)
    fmt, problems = _column_format(source, column, options)
    if problems:
        return values, problems
    parsed = pd.to_datetime(source, format=fmt, errors="coerce", utc=bool(aware.any()))
    bad = parsed.isna()
    if bad.any():
        shown = f"time_format={options.time_format!r}" if options.time_format else (
            "ISO 8601" if fmt == "ISO8601" else f"the format of the first value, {fmt!r}")
        return values, [f"column {column!r} has {int(bad.sum())} of {len(values)} timestamps that could not be "
                        f"parsed (e.g. {_examples(values[bad.index[bad]])}); the column's format is {shown}, and "
                        "one format is used per column. Fix those rows, pass time_format= with the format of "
                        f"every row, or parse the column yourself with pd.to_datetime(df[{column!r}], format=...)."]
    full = pd.Series(pd.NaT, index=values.index, dtype=parsed.dtype)
    full[present] = parsed
    if aware.any():
        return _finish(full.dt.tz_convert(options.output_tz).dt.tz_localize(None), values.where(present), column)
    return _localise(full, values.where(present), column, options)


def _column_format(source: pd.Series, column: str, options: TimeOptions) -> tuple[str | None, list[str]]:
    """The one format for the column: given, ISO 8601, or inferred from the first value and the day order."""
    if options.time_format is not None:
        return options.time_format, []
    first = source.iloc[0]
    if not pd.isna(pd.to_datetime(pd.Series([first]), format="ISO8601", errors="coerce").iloc[0]):
        return "ISO8601", []
    match = _NUMERIC_DATE.match(first)
    if match:
        return _numeric_format(source, first, match, column, options)
    fmt = guess_datetime_format(first, dayfirst=bool(options.dayfirst))
    if fmt is None:
        hint = (" It looks like a number; convert it with pd.to_datetime(values, unit='s') (or 'ms') first."
                if re.fullmatch(r"\d+(\.\d+)?", first) else "")
        return None, [f"column {column!r}: cannot tell the format of {first!r} (row {source.index[0]}).{hint} "
                      "Pass time_format= with its strftime format, e.g. time_format='%d %b %Y %H:%M'."]
    return fmt, []


def _numeric_format(source: pd.Series, first: str, match: re.Match, column: str,
                    options: TimeOptions) -> tuple[str | None, list[str]]:
    """Format of dates like 03/04/2025 14:30: day order from the whole column, the rest from the first value."""
    sep, year = match.group(2), match.group(4)
    parts = source.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]", expand=True)
    a = pd.to_numeric(parts[0], errors="coerce")
    b = pd.to_numeric(parts[1], errors="coerce")
    day_first, month_first = a > 12, b > 12
    if options.dayfirst is None:
        if day_first.any() and month_first.any():
            return None, [f"column {column!r} mixes day-first dates (e.g. {_examples(source[day_first], 2)}) "
                          f"with month-first ones (e.g. {_examples(source[month_first], 2)}); one column must "
                          "use one order. Fix the source, or pass time_format= and fix the rows it rejects."]
        if day_first.any() or month_first.any():
            dayfirst = bool(day_first.any())
        elif (a == b).all():
            dayfirst = True  # every date reads the same either way
        else:
            unclear = source[(a != b) & a.notna()]
            return None, [f"column {column!r} has dates like {_examples(unclear, 2)} that read either day first "
                          f"or month first, and no value in the column settles it (no number above 12). Pass "
                          "dayfirst=True for day/month/year or dayfirst=False for month/day/year (on the command "
                          "line --dayfirst, --monthfirst or --time-format), or time_format= such as '%d/%m/%Y %H:%M'."]
    else:
        dayfirst = options.dayfirst
    date = f"%d{sep}%m" if dayfirst else f"%m{sep}%d"
    date += f"{sep}{'%Y' if len(year) == 4 else '%y'}"
    rest = first[match.end():]
    if not rest:
        return date, []
    time = _NUMERIC_TIME.match(rest)
    if time is None:
        return None, [f"column {column!r}: cannot tell the format of the time in {first!r} (row "
                      f"{source.index[0]}). Pass time_format= with the whole format, e.g. '%d/%m/%Y %H:%M'."]
    joiner = rest[: len(rest) - len(rest.lstrip(" T,"))]
    clock = ("%I" if time.group(5) else "%H") + ":%M" + (":%S" if time.group(3) else "") + \
        (".%f" if time.group(4) else "")
    if time.group(5):
        clock += " %p" if re.search(r"\s[AaPp][Mm]$", rest) else "%p"
    return date + joiner + clock, []


def _from_objects(values: pd.Series, column: str, options: TimeOptions) -> tuple[pd.Series, list[str]]:
    """A column of Python datetime objects, aware or naive (not both)."""
    present = values.notna()
    aware = values.map(lambda v: getattr(v, "tzinfo", None) is not None) & present
    if aware.any() and (present & ~aware).any():
        return values, [f"column {column!r} mixes time-zone-aware and naive datetimes (e.g. "
                        f"{_examples(values[aware], 1)} and {_examples(values[present & ~aware], 1)}); make them "
                        "all aware or all naive first."]
    parsed = pd.to_datetime(values, utc=bool(aware.any()), errors="coerce")
    if aware.any():
        return _finish(parsed.dt.tz_convert(options.output_tz).dt.tz_localize(None), values, column)
    return _localise(parsed, values, column, options)


def _localise(naive: pd.Series, original: pd.Series, column: str, options: TimeOptions) -> tuple[pd.Series, list[str]]:
    """Naive wall time in ``input_tz`` → naive wall time in ``output_tz``, by the daylight-saving policy."""
    if options.input_tz is None:
        return _finish(naive, original, column)
    problems = _range_problems(naive, original, column)
    if problems:
        return original, problems
    probe = naive.dt.tz_localize(options.input_tz, ambiguous="NaT", nonexistent="NaT")
    lost = probe.isna() & naive.notna()
    if lost.any():
        twice = lost & naive.dt.tz_localize(options.input_tz, ambiguous="NaT", nonexistent="shift_forward").isna()
        never = lost & ~twice
        refused = []
        if twice.any() and options.ambiguous == "raise":
            refused.append(f"column {column!r} has {int(twice.sum())} local times that happen twice in "
                           f"{options.input_tz} when clocks go back (e.g. {_examples(original[twice])}); pass "
                           "ambiguous='earliest' (the first, summer-time occurrence) or 'latest', or give the "
                           "times with their UTC offset.")
        if never.any() and options.nonexistent == "raise":
            refused.append(f"column {column!r} has {int(never.sum())} local times that do not exist in "
                           f"{options.input_tz} (clocks go forward; e.g. {_examples(original[never])}); pass "
                           "nonexistent='shift_forward' or 'shift_backward', or fix those rows.")
        if refused:
            return original, refused
    ambiguous = np.full(len(naive), options.ambiguous == "earliest")
    nonexistent = "raise" if options.nonexistent == "raise" else options.nonexistent
    local = naive.dt.tz_localize(options.input_tz, ambiguous=ambiguous, nonexistent=nonexistent)
    return _finish(local.dt.tz_convert(options.output_tz).dt.tz_localize(None), original, column)


def _range_problems(parsed: pd.Series, original: pd.Series, column: str) -> list[str]:
    outside = parsed.notna() & ((parsed < _BOUNDS[0]) | (parsed > _BOUNDS[1]))
    if not outside.any():
        return []
    return [f"column {column!r} has {int(outside.sum())} timestamps outside the years 1677-2262 (e.g. "
            f"{_examples(original[outside])}); such dates are usually placeholders for 'unknown'. Drop or fix "
            "those rows."]


def _finish(parsed: pd.Series, original: pd.Series, column: str) -> tuple[pd.Series, list[str]]:
    """Range and missing-value checks, then nanosecond resolution."""
    problems = _range_problems(parsed, original, column)
    missing = parsed.isna()
    if missing.any():
        rows = ", ".join(map(str, parsed.index[missing][:_EXAMPLES]))
        problems.append(f"column {column!r} has {int(missing.sum())} missing timestamps (rows {rows}"
                        f"{', ...' if missing.sum() > _EXAMPLES else ''}); every row needs one. Drop those rows "
                        f"(df.dropna(subset=[{column!r}])) or fill them.")
    if problems:
        return original, problems
    return parsed.astype("datetime64[ns]"), []
