"""Results that describe themselves: which function made a table, and with which parameters.

Every public analysis function that returns a DataFrame (or a Series) records
in its ``attrs``:

- ``function``: the name it is called by, e.g. ``"jk.funnel"``;
- ``parameters``: the arguments it was called with, tables left out, defaults
  filled in, as plain values (text, numbers, lists; a stage model by its name;
  anything else as its text), so that a result saved or shown next to another
  says how it was computed.

Functions add their own entries next to these (``segment``, ``window``,
``data_end``, ...), which plots and follow-up functions read instead of
guessing a column by its position.

Examples
--------
>>> import pandas as pd
>>> @described
... def share(events: pd.DataFrame, *, event: str = "purchase") -> pd.DataFrame:
...     return pd.DataFrame({"share": [(events["event"] == event).mean()]})
>>> result = share(pd.DataFrame({"event": ["visit", "purchase"]}))
>>> result.attrs["function"], result.attrs["parameters"]
('jk.share', {'event': 'purchase'})
"""

from __future__ import annotations

import datetime as _dt
import functools
import inspect
import os
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

__all__ = ["described", "use_engine"]

_F = TypeVar("_F", bound=Callable)

# old names of renamed parameters: None unless the caller used them, and then not worth recording
_OLD_NAMES = frozenset({"min_users", "min_answers", "conversion_event", "tz", "event", "strict"})


# Runs a function whose table argument is a path or an Ibis table (installed by journeykit.analysis.engine, since this
# base module cannot import it): it opens the input, then computes in the engine or collects the rows for pandas. For
# a DataFrame it returns None (pandas computes) unless the frame is large enough to route through the engine.
_ENGINE: Callable | None = None


def use_engine(handler: Callable | None) -> None:
    """Install the handler of inputs that are not DataFrames (see :mod:`journeykit.analysis.engine`)."""
    global _ENGINE
    _ENGINE = handler


def _table_parameters(signature: inspect.Signature) -> list[str]:
    """The parameters that take a table (annotated as a DataFrame, and not as a path)."""
    return [name for name, p in signature.parameters.items()
            if "DataFrame" in str(p.annotation) and "Path" not in str(p.annotation)]


def _is_source(value: object) -> bool:
    """A path (text or ``Path``) or an Ibis table, given where a DataFrame goes."""
    return isinstance(value, (str, os.PathLike)) or type(value).__module__.startswith("ibis.")


def _plain(value: object) -> object:
    """A parameter's value as plain data (JSON-friendly), for ``attrs["parameters"]``."""
    if type(value).__module__.startswith("ibis."):
        return "Ibis table"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (pd.Timedelta, pd.Timestamp, _dt.timedelta, _dt.datetime, _dt.date, np.timedelta64)):
        return str(pd.Timedelta(value) if isinstance(value, (_dt.timedelta, np.timedelta64)) else value)
    name = getattr(value, "name", None)  # a stage model, a named object
    if isinstance(name, str):
        return name
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def described(function: _F) -> _F:
    """Make ``function`` record its name and parameters in the ``attrs`` of the table it returns.

    Parameters
    ----------
    function : callable
        A function that returns a DataFrame or a Series (other results are
        returned untouched).

    Returns
    -------
    callable
        The same function, with the same signature and docstring.
    """
    signature = inspect.signature(function)
    tables = _table_parameters(signature)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if _ENGINE is not None and tables:
            given = signature.bind_partial(*args, **kwargs).arguments
            sources = [name for name in tables if _is_source(given.get(name))]
            # a large DataFrame may be routed through the engine too; None means pandas computes it
            result = _ENGINE(function, signature, sources, args, kwargs)
            if result is None:
                result = function(*args, **kwargs)
        else:
            result = function(*args, **kwargs)
        if isinstance(result, (pd.DataFrame, pd.Series)):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            result.attrs["function"] = f"jk.{function.__name__}"
            result.attrs["parameters"] = {
                key: _plain(value) for key, value in bound.arguments.items()
                if not isinstance(value, (pd.DataFrame, pd.Series)) and not (key in _OLD_NAMES and value is None)}
        return result

    return wrapper  # type: ignore[return-value]
