"""The kit's errors: one small hierarchy, one message style.

Every error the kit raises on user input is a :class:`JourneyKitError`, so
``except jk.JourneyKitError`` catches them all. Each also derives from the
built-in exception a caller would expect (``ValueError``, or ``TypeError`` for
an argument of the wrong type), so existing ``except ValueError`` code keeps
working.

=========================  =============================  =================================================
error                      also a                         raised when
=========================  =============================  =================================================
:class:`SchemaError`       ``ValueError``                 a table breaks the data contract
:class:`ParameterError`    ``ValueError``, ``TypeError``  an argument has the wrong type or value
:class:`ReadError`         ``ValueError``                 a file cannot be read as a table
:class:`MissingFileError`  ``FileNotFoundError``          a file or folder named by the caller is not there
=========================  =============================  =================================================

Messages follow one pattern: what is wrong, where (the table or file, the
column or parameter, a few example rows or values) and what to do about it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["JourneyKitError", "SchemaError", "ParameterError", "ReadError", "MissingFileError", "did_you_mean",
           "unknown_names", "examples"]


class JourneyKitError(Exception):
    """Base class of every error the kit raises on user input.

    Catch it to handle any of the kit's errors in one place; the subclasses
    (:class:`SchemaError`, :class:`ParameterError`, :class:`ReadError`,
    :class:`MissingFileError`) say what kind of problem it is. The kit raises
    it directly only where none of them fits, e.g. a lesson's solution file
    without the solution asked for.

    Parameters
    ----------
    *args : object
        As for :class:`Exception`: usually one str, the whole message.

    Examples
    --------
    >>> try:
    ...     raise ParameterError("top must be a whole number, got float 2.5.", "top")
    ... except JourneyKitError as error:
    ...     print(type(error).__name__, "-", error)
    ParameterError - top must be a whole number, got float 2.5.
    >>> issubclass(SchemaError, JourneyKitError), issubclass(MissingFileError, JourneyKitError)
    (True, True)
    """


class SchemaError(JourneyKitError, ValueError):
    """A table does not follow the journeykit data contract.

    The message lists every problem found, one per line, each saying what is
    wrong, where (column and example rows) and how to fix it. The same
    problems are available as a list of strings in :attr:`problems`.

    Parameters
    ----------
    problems : sequence of str
        One human-readable sentence per problem.
    table : str, default "data"
        Which table was being validated ("events", "orders", "surveys"), or
        the file it came from.
    fix : str, optional
        One sentence after the list, when a single change fixes several
        problems (kept in :attr:`fix`).

    Examples
    --------
    >>> error = SchemaError(["column 'user_id' not found."], "events")
    >>> print(error)
    events failed validation with 1 problem:
      - column 'user_id' not found.
    >>> isinstance(error, ValueError)
    True
    """

    def __init__(self, problems: Sequence[str], table: str = "data", fix: str | None = None) -> None:
        self.problems = list(problems)
        self.table = table
        self.fix = fix
        n = len(self.problems)
        header = f"{table} failed validation with {n} problem{'s' if n != 1 else ''}:"
        footer = [f"Fix: {fix}"] if fix else []
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems), *footer]))


class ParameterError(JourneyKitError, ValueError, TypeError):
    """An argument has the wrong type or value.

    The message names the parameter, shows the value given and says what
    would be accepted. It is both a ``ValueError`` and a ``TypeError``, as
    scikit-learn's ``InvalidParameterError`` is.

    Parameters
    ----------
    message : str
        The whole sentence, starting with the parameter, e.g.
        ``"window=7 has no unit; ..."``.
    parameter : str, optional
        The parameter's name, kept in :attr:`parameter`.

    Examples
    --------
    >>> error = ParameterError("window=7 has no unit; write '7D'.", "window")
    >>> error.parameter, isinstance(error, TypeError), isinstance(error, ValueError)
    ('window', True, True)
    """

    def __init__(self, message: str, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)


class ReadError(JourneyKitError, ValueError):
    """A file cannot be read as a table: it is empty, truncated, not the format its name says, ...

    Parameters
    ----------
    path : str or Path
        The file, as the caller named it; kept as text in :attr:`path`.
    message : str
        What is wrong and how to fix it.

    Examples
    --------
    >>> print(ReadError("events.csv", "the file is empty (0 bytes)."))
    events.csv: the file is empty (0 bytes).
    """

    def __init__(self, path: object, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")


class MissingFileError(JourneyKitError, FileNotFoundError):
    """A file or folder that the caller named does not exist.

    It is also a ``FileNotFoundError``, so ``except FileNotFoundError`` code
    keeps working.

    Parameters
    ----------
    path : str or Path
        The file or folder, as the caller named it; kept as text in
        :attr:`path`.
    message : str
        What is wrong and how to fix it.

    Examples
    --------
    >>> error = MissingFileError("events.csv", "no such file. Check the path.")
    >>> print(error), isinstance(error, FileNotFoundError)
    events.csv: no such file. Check the path.
    (None, True)
    """

    def __init__(self, path: object, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")

    def __str__(self) -> str:
        return self.args[0]


def did_you_mean(name: object, candidates: Iterable[object], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to ``name`` (case-insensitive), best first; empty when none is close.

    Examples
    --------
    >>> did_you_mean("timestmp", ["user_id", "time_stamp", "event"])
    ['time_stamp']
    >>> did_you_mean("purchse", ["visit", "purchase", "Purchase"])
    ['purchase', 'Purchase']
    """
    text = str(name).lower()
    pool = list(dict.fromkeys(str(c) for c in candidates))
    lowered: dict[str, list[str]] = {}
    for c in pool:
        lowered.setdefault(c.lower(), []).append(c)
    close = difflib.get_close_matches(text, list(lowered), n=n, cutoff=cutoff)
    close += [c.lower() for c in pool if len(text) >= 3 and (text in c.lower() or c.lower() in text)]
    out = [c for key in dict.fromkeys(close) for c in lowered[key]]
    return out[:n]


def examples(values, n: int = 3) -> str:
    """A few offending values with their row labels, the way every message shows them.

    Whole numbers are written without a decimal part, text in quotes.

    Examples
    --------
    >>> import pandas as pd
    >>> examples(pd.Series(["x", 17850.0, 2.5], index=[3, 7, 9]))
    "'x' in row 3, 17850 in row 7, 2.5 in row 9"
    """
    def shown(value: object) -> str:
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
            return str(int(value)) if np.isfinite(value) and float(value).is_integer() else str(value)
        return repr(value)

    return ", ".join(f"{shown(v)} in row {i}" for i, v in values.head(n).items())


def _shown(values: Sequence[object], limit: int = 12) -> str:
    values = list(values)
    return ", ".join(map(repr, values[:limit])) + (", ..." if len(values) > limit else "")


def unknown_names(wanted: str | Iterable[object], known: Iterable[object], parameter: str,
                  what: str = "event") -> None:
    """Raise :class:`ParameterError` if ``wanted`` (one name, or several) is not in ``known``, suggesting the closest.

    The one check behind every "this event does not occur in the data"
    message: funnel steps, cohort and return events, conversion events, ...

    Examples
    --------
    >>> unknown_names(["visit"], ["visit", "purchase"], "steps")
    >>> unknown_names("purchse", ["visit", "purchase"], "conversion_event")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: conversion_event='purchse' does not occur in the events (did you mean 'purchase'?). Event names in the data: 'purchase', 'visit'.
    >>> unknown_names(["visit", "cart", "buy"], ["visit", "purchase"], "steps")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: steps: 'cart', 'buy' do not occur in the events. Event names in the data: 'purchase', 'visit'.
    """
    single = isinstance(wanted, str)
    known_set = set(known)
    missing = list(dict.fromkeys(n for n in ([wanted] if single else wanted) if n not in known_set))
    if not missing:
        return
    names = sorted(map(str, known_set))
    parts = []
    for name in missing:
        close = did_you_mean(name, names)
        parts.append(f"{name!r}" + (f" (did you mean {', '.join(map(repr, close))}?)" if close else ""))
    if single:
        head = f"{parameter}={missing[0]!r} does not occur in the {what}s{parts[0][len(repr(missing[0])):]}"
    else:
        head = f"{parameter}: {', '.join(parts)} {'does' if len(missing) == 1 else 'do'} not occur in the {what}s"
    raise ParameterError(f"{head}. {what.capitalize()} names in the data: {_shown(names) or '(none)'}.", parameter)
