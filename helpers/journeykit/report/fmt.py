"""Numbers and tables written for people: thousands separators, fixed decimals, %, currency; never 1.2e+06.

Every number on the report page goes through one of these functions, so the
same kind of number always looks the same. Missing values are shown as "–".
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

__all__ = ["integer", "decimal", "percent", "money", "date", "days", "table", "MISSING"]

MISSING = "–"
"""How a missing number is shown."""


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def integer(value: object) -> str:
    """A count, rounded to a whole number, with thousands separators.

    Examples
    --------
    >>> integer(1234567), integer(3.6), integer(float("nan"))
    ('1,234,567', '4', '–')
    """
    if _missing(value):
        return MISSING
    return f"{round(float(value)):,d}"


def decimal(value: object, decimals: int = 2) -> str:
    """A number with ``decimals`` fixed decimals and thousands separators (never scientific notation).

    Examples
    --------
    >>> decimal(1234567.891), decimal(0.000012, 4), decimal(2.5e12, 1)
    ('1,234,567.89', '0.0000', '2,500,000,000,000.0')
    """
    if _missing(value):
        return MISSING
    number = float(value)
    if not math.isfinite(number):
        return MISSING
    text = f"{number:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def percent(share: object, decimals: int = 1) -> str:
    """A share (0.123) as a percentage ("12.3%").

    Examples
    --------
    >>> percent(0.1234), percent(1), percent(0.5, 0)
    ('12.3%', '100.0%', '50%')
    """
    if _missing(share):
        return MISSING
    return f"{decimal(100 * float(share), decimals)}%"


def money(value: object, currency: str | None = None, decimals: int = 2) -> str:
    """An amount of money: a plain number without ``currency``; a symbol goes before it, a code after it.

    Examples
    --------
    >>> money(8313294.95), money(1234.5, "£"), money(-20, "$"), money(1234.5, "EUR")
    ('8,313,294.95', '£1,234.50', '-$20.00', '1,234.50 EUR')
    """
    if _missing(value):
        return MISSING
    text = decimal(value, decimals)
    if not currency:
        return text
    if len(currency) <= 2 and not currency.isalnum():
        return f"-{currency}{text[1:]}" if text.startswith("-") else f"{currency}{text}"
    return f"{text} {currency}"


def date(value: object) -> str:
    """A day written for people: "9 Dec 2011".

    Examples
    --------
    >>> date(pd.Timestamp("2011-12-09 12:50")), date(None)
    ('9 Dec 2011', '–')
    """
    if _missing(value):
        return MISSING
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp:%b %Y}"


def days(value: object) -> str:
    """A duration with its unit and one decimal: days from one day up, else hours, else minutes.

    ``value`` is a Timedelta or a number of days.

    Examples
    --------
    >>> days(pd.Timedelta(hours=60)), days(1), days(pd.Timedelta(minutes=150)), days(0.01), days(pd.NaT)
    ('2.5 days', '1.0 day', '2.5 hours', '14.4 minutes', '–')
    """
    if _missing(value):
        return MISSING
    number = value / pd.Timedelta(days=1) if isinstance(value, (pd.Timedelta, np.timedelta64)) else float(value)
    for size, unit in ((1, "day"), (1 / 24, "hour"), (1 / 1440, "minute")):
        if abs(number) >= size or unit == "minute":
            text = decimal(number / size, 1)
            return f"{text} {unit}" if text == "1.0" else f"{text} {unit}s"
    return MISSING


_NUM = ' class="num"'
_FORMATS: dict[str, Callable[[object], str]] = {
    "int": integer, "pct": percent, "pct0": lambda v: percent(v, 0), "num1": lambda v: decimal(v, 1),
    "num2": decimal, "date": date, "days": days,
}


def _cell(value: object, spec: str | Callable[[object], str] | None) -> tuple[str, bool]:
    """The text of one cell and whether it is a number (aligned right)."""
    if callable(spec):
        return spec(value), True
    if spec in _FORMATS:
        return _FORMATS[spec](value), True
    if isinstance(value, (bool, np.bool_)):
        return ("yes" if value else "no"), False
    if isinstance(value, numbers.Integral):
        return integer(value), True
    if isinstance(value, numbers.Real):
        return decimal(value), True
    if isinstance(value, pd.Timestamp):
        return date(value), False
    return (MISSING if _missing(value) else str(value)), False


def table(frame: pd.DataFrame, formats: Mapping[str, str | Callable[[object], str]] | None = None, *,
          labels: Mapping[str, str] | None = None, name: str | None = None, caption: str | None = None,
          max_rows: int = 40) -> str:
    """An HTML table with every number formatted for people.

    Parameters
    ----------
    frame : DataFrame
        The rows to show (its index is not shown).
    formats : mapping, optional
        Column → ``"int"``, ``"pct"``, ``"pct0"``, ``"num1"``, ``"num2"``,
        ``"date"``, ``"days"`` or a function returning text. Other columns:
        integers and decimals get separators, text is shown as it is.
    labels : mapping, optional
        Column → header shown (with its unit).
    name : str, optional
        The table's name; the caption then says which CSV file in
        ``tables/`` holds its numbers.
    caption : str, optional
        A title above the table.
    max_rows : int, default 40
        Longer tables show their first ``max_rows`` rows and say so.

    Examples
    --------
    >>> print(table(pd.DataFrame({"step": ["visit"], "users": [12345]}), labels={"users": "users (people)"}))
    <table>
    <thead><tr><th>step</th><th class="num">users (people)</th></tr></thead>
    <tbody>
    <tr><td>visit</td><td class="num">12,345</td></tr>
    </tbody>
    </table>
    """
    formats, labels = dict(formats or {}), dict(labels or {})
    head = "".join(f"<th{_NUM if _numeric(frame[c], formats.get(c)) else ''}>"
                   f"{html.escape(labels.get(c, str(c)))}</th>" for c in frame.columns)
    rows = []
    for record in frame.head(max_rows).itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record):
            text, is_number = _cell(value, formats.get(column))
            cells.append(f"<td{_NUM if is_number else ''}>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    title = []
    if caption or name:
        where = f' <span class="file">tables/{html.escape(name)}.csv</span>' if name else ""
        title.append(f"<caption>{html.escape(caption or '')}{where}</caption>")
    more = (f'<p class="note">Showing the first {max_rows:,} of {len(frame):,} rows; all are in '
            f"tables/{html.escape(name or 'the CSV file')}.csv.</p>" if len(frame) > max_rows else "")
    return "\n".join(["<table>", *title, f"<thead><tr>{head}</tr></thead>", "<tbody>", *rows, "</tbody>",
                      "</table>"]) + (f"\n{more}" if more else "")


def _numeric(column: pd.Series, spec: object) -> bool:
    if spec is not None:
        return spec not in ("date",)
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
