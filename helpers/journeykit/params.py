"""One way to check an argument: durations, names, lists of names, choices and numbers.

Every public function checks its arguments through these helpers, so the same
mistake gets the same message everywhere, and each message names the
parameter, shows the value given and says what would be accepted. They raise
:class:`journeykit.errors.ParameterError`.
"""

from __future__ import annotations

import datetime as _dt
import numbers
import re
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from journeykit.errors import ParameterError, did_you_mean

__all__ = ["duration", "name", "names", "choice", "integer", "number", "flag", "column", "moment", "renamed"]


def duration(value: object, parameter: str, *, allow_none: bool = False,
             allow_zero: bool = False) -> pd.Timedelta | None:
    """A positive duration: ``"30min"``, ``"24h"``, ``"7D"``, a ``pd.Timedelta`` or a ``datetime.timedelta``.

    A bare number is refused, because its unit would be a guess (pandas
    reads ``7`` as seven nanoseconds).

    Examples
    --------
    >>> duration("7D", "window")
    Timedelta('7 days 00:00:00')
    >>> duration(7, "window")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: window=7 is a number without a unit; write window='7D' for days, '7h' for hours or '7min' for minutes.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, numbers.Number)
                                                and not isinstance(value, np.timedelta64)):
        raise ParameterError(
            f"{parameter}={value!r} is a number without a unit; write {parameter}='{value}D' for days, "
            f"'{value}h' for hours or '{value}min' for minutes.", parameter)
    if isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit():
        raise ParameterError(
            f"{parameter}={value!r} has no unit; write '{value.strip()}D' for days, '{value.strip()}h' for hours "
            f"or '{value.strip()}min' for minutes.", parameter)
    if not isinstance(value, (str, pd.Timedelta, _dt.timedelta, np.timedelta64)):
        raise ParameterError(
            f"{parameter} must be a duration such as '30min', '24h' or '7D' (or a pd.Timedelta), "
            f"got {type(value).__name__} {value!r}.", parameter)
    try:
        delta = pd.Timedelta(value)
    except (ValueError, TypeError, OverflowError):
        calendar = isinstance(value, str) and re.search(r"(?i)\d\s*(M|months?|y|years?|w[a-z]*ly)\s*$", value)
        hint = (" Months and years are not fixed durations: write days, e.g. '30D' or '365D'." if calendar else "")
        raise ParameterError(f"{parameter}={value!r} is not a duration; use a string such as '30min', '24h', "
                             f"'7D' or '90D', or a pd.Timedelta.{hint}", parameter) from None
    if pd.isna(delta) or delta < pd.Timedelta(0) or (delta == pd.Timedelta(0) and not allow_zero):
        raise ParameterError(f"{parameter} must be a positive duration, got {value!r}.", parameter)
    return delta


def name(value: object, parameter: str, *, allow_none: bool = False) -> str | None:
    """A single name (an event, a column, a stage): a non-empty string.

    Examples
    --------
    >>> name("purchase", "conversion_event")
    'purchase'
    >>> name(["purchase"], "conversion_event")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: conversion_event must be one name (a string), got list ['purchase'].
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, str) or not value:
        raise ParameterError(f"{parameter} must be one name (a string), got {type(value).__name__} {value!r}.",
                             parameter)
    return value


def names(value: object, parameter: str, *, allow_none: bool = False, allow_empty: bool = False) -> list[str] | None:
    """A list of names. A single string is one name, never its letters.

    Examples
    --------
    >>> names("visit", "touch_events")
    ['visit']
    >>> names(("visit", "read_article"), "touch_events")
    ['visit', 'read_article']
    >>> names(["visit", 3], "touch_events")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: touch_events must be names (strings); item 2 is int 3.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (pd.DataFrame, dict)) or not isinstance(value, Iterable):
        raise ParameterError(f"{parameter} must be a list of names, got {type(value).__name__} {value!r}.", parameter)
    out = list(value.tolist() if isinstance(value, (pd.Series, pd.Index, np.ndarray)) else value)
    for i, item in enumerate(out, start=1):
        if not isinstance(item, str) or not item:
            raise ParameterError(f"{parameter} must be names (strings); item {i} is {type(item).__name__} {item!r}.",
                                 parameter)
    if not out and not allow_empty:
        raise ParameterError(f"{parameter} is empty; give at least one name.", parameter)
    return out


def choice(value: object, parameter: str, options: Sequence[object]) -> object:
    """One of ``options``, with a suggestion when the value is close to one.

    Examples
    --------
    >>> choice("M", "period", ["D", "W", "M"])
    'M'
    >>> choice("month", "period", ["D", "W", "M"])
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: period='month' is not one of 'D', 'W', 'M'. Did you mean 'M'?
    """
    ok = any(value is o or (type(value) is type(o) and value == o) for o in options)
    if not ok:
        close = did_you_mean(value, [o for o in options if o is not None]) if isinstance(value, str) else []
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ParameterError(f"{parameter}={value!r} is not one of {', '.join(map(repr, options))}.{hint}", parameter)
    return value


def integer(value: object, parameter: str, *, minimum: int | None = None, allow_none: bool = False) -> int | None:
    """A whole number (not a bool, not a float), at least ``minimum``.

    Examples
    --------
    >>> integer(5, "top", minimum=1)
    5
    >>> integer(2.5, "top", minimum=1)
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: top must be a whole number, got float 2.5.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral,)):
        raise ParameterError(f"{parameter} must be a whole number, got {type(value).__name__} {value!r}.", parameter)
    if minimum is not None and value < minimum:
        raise ParameterError(f"{parameter} must be at least {minimum}, got {value!r}.", parameter)
    return int(value)


def number(value: object, parameter: str, *, low: float | None = None, high: float | None = None,
           inclusive: bool = True) -> float:
    """A finite real number within ``[low, high]`` (or ``(low, high)`` when not ``inclusive``).

    Examples
    --------
    >>> number(0.95, "level", low=0, high=1, inclusive=False)
    0.95
    >>> number(95, "level", low=0, high=1, inclusive=False)
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: level must be between 0 and 1 (exclusive), got 95.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ParameterError(f"{parameter} must be a finite number, got {type(value).__name__} {value!r}.", parameter)
    below = low is not None and (value < low if inclusive else value <= low)
    above = high is not None and (value > high if inclusive else value >= high)
    if below or above:
        bounds = f"between {low} and {high}" if low is not None and high is not None else (
            f"at least {low}" if low is not None else f"at most {high}")
        raise ParameterError(f"{parameter} must be {bounds}{'' if inclusive else ' (exclusive)'}, got {value!r}.",
                             parameter)
    return float(value)


def flag(value: object, parameter: str) -> bool:
    """A real ``True``/``False``, not a string like ``"False"`` (which is true).

    Examples
    --------
    >>> flag(True, "strict")
    True
    >>> flag("no", "strict")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: strict must be True or False, got str 'no'.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(f"{parameter} must be True or False, got {type(value).__name__} {value!r}.", parameter)
    return bool(value)


def column(value: object, parameter: str, *, allow_none: bool = False) -> str | None:
    """A column name. A Series or list is refused: segments are columns of the table, matched by row.

    Examples
    --------
    >>> column("channel", "by")
    'channel'
    >>> column(pd.Series(["a", "b"]), "by")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: by must be the name of a column, got a Series. Add it to the table first, e.g. events.assign(segment=values), then pass by='segment'.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        kind = "a Series" if isinstance(value, pd.Series) else f"a {type(value).__name__}"
        raise ParameterError(f"{parameter} must be the name of a column, got {kind}. Add it to the table first, "
                             f"e.g. events.assign(segment=values), then pass {parameter}='segment'.", parameter)
    if not isinstance(value, str) or not value:
        raise ParameterError(f"{parameter} must be the name of a column (a string), got "
                             f"{type(value).__name__} {value!r}.", parameter)
    return value


def moment(value: object, parameter: str, *, allow_none: bool = False) -> pd.Timestamp | None:
    """A point in time given as an argument (``as_of="2025-06-30"``), read by the same rules as a column.

    It must be unambiguous (ISO 8601, a ``Timestamp`` or a ``datetime``) and
    naive: wall-clock time in the zone of the validated timestamps.

    Examples
    --------
    >>> moment("2025-06-30", "as_of")
    Timestamp('2025-06-30 00:00:00')
    >>> moment("03/04/2025", "as_of")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: as_of='03/04/2025' is not an unambiguous time; write it as ISO 8601, e.g. '2025-06-30' or '2025-06-30 14:00'.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_, numbers.Number)):
        raise ParameterError(f"{parameter}={value!r} is a number, not a time; write it as ISO 8601, "
                             "e.g. '2025-06-30'.", parameter)
    if isinstance(value, str):
        parsed = pd.to_datetime(pd.Series([value.strip()]), format="ISO8601", errors="coerce").iloc[0]
        if pd.isna(parsed) or getattr(parsed, "tzinfo", None) is not None:
            raise ParameterError(f"{parameter}={value!r} is not an unambiguous time; write it as ISO 8601, "
                                 "e.g. '2025-06-30' or '2025-06-30 14:00'.", parameter)
        return pd.Timestamp(parsed).as_unit("ns")
    if isinstance(value, (pd.Timestamp, _dt.datetime, np.datetime64, _dt.date)):
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            raise ParameterError(f"{parameter} is missing (NaT); give a time such as '2025-06-30'.", parameter)
        if stamp.tzinfo is not None:
            raise ParameterError(f"{parameter}={value!r} has a time zone; give it as naive wall-clock time in the "
                                 "zone of the validated timestamps (output_tz, UTC by default), e.g. "
                                 f"{parameter}=pd.Timestamp(...).tz_convert('UTC').tz_localize(None).", parameter)
        return stamp.as_unit("ns")
    raise ParameterError(f"{parameter} must be a time such as '2025-06-30' or a pd.Timestamp, got "
                         f"{type(value).__name__} {value!r}.", parameter)


def renamed(new_value: object, old_value: object, new: str, old: str, default: object) -> object:
    """The value of a parameter that has a new name, taking its old name for one release with a FutureWarning.

    Parameters
    ----------
    new_value, old_value : object
        What the caller passed under each name (``old_value`` is None when not passed).
    new, old : str
        The two names, for the messages.
    default : object
        The new parameter's default, to tell whether it was passed too.

    Examples
    --------
    >>> renamed(30, None, "min_sample", "min_users", 30)
    30
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     renamed(30, 50, "min_sample", "min_users", 30)
    50
    >>> str(caught[0].message)
    'min_users= is now called min_sample=; the old name will be removed in the next release.'
    """
    if old_value is None:
        return new_value
    if new_value is not default and new_value != default:
        raise ParameterError(f"{old}= is the old name of {new}=; pass only {new}=.", new)
    warnings.warn(f"{old}= is now called {new}=; the old name will be removed in the next release.", FutureWarning,
                  stacklevel=3)
    return old_value
