"""Readers of any CSV or Parquet table of events, orders or survey answers, with a column mapping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from journeykit import params
from journeykit.errors import SchemaError
from journeykit.io.contract import validate_events, validate_orders, validate_surveys
from journeykit.io.files import _about, _header, _read_contract, _report, _shown_columns, _validated

__all__ = ["read_events", "read_orders", "read_surveys"]


_EVENT_TEXT = ("user_id", "event", "channel", "device", "session_id")


def read_events(path: str | Path, *, columns: Mapping[str, str] | None = None, keep: Sequence[str] | None = None,
                time_format: str | None = None, dayfirst: bool | None = None,
                input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                sep: str = ",", encoding: str = "utf-8", tz: str | None = None) -> pd.DataFrame:
    """Read any event log and map it onto the events contract.

    Parameters
    ----------
    path : str or Path
        A CSV (``.csv``, ``.csv.gz``, ``.zip``, ...) or Parquet file; the
        format is recognised from the content.
    columns : mapping, optional
        Your column → contract column, e.g. ``{"customer": "user_id", "time":
        "timestamp", "action": "event", "source": "channel"}``. Errors name
        your columns.
    keep : sequence of str, optional
        Extra columns to keep besides the required ones (each must be in the
        file, under its own name or through ``columns``); by default
        ``channel``, ``device``, ``session_id`` and ``revenue`` when present.
    time_format : str, optional
        ``strftime`` format of the timestamps (``"%d/%m/%Y %H:%M"``) when they
        are not ISO 8601; a value that does not match is an error.
    dayfirst : bool, optional
        For dates like ``03/04/2025`` whose order the file does not settle:
        True for day/month/year, False for month/day/year.
    input_tz : str, optional
        Zone the file's naive timestamps are in (``"Europe/London"``); they
        are converted to UTC. Timestamps with an offset are converted anyway.
    ambiguous, nonexistent : str, default "raise"
        What to do with local times that daylight saving repeats or skips
        (see :func:`journeykit.validate_events`).
    sep : str, default ","
        The CSV separator, one character: ``";"`` for files written by Excel
        in many European locales, ``"\\t"`` for tab-separated files.
    encoding : str, default "utf-8"
        The CSV's text encoding, e.g. ``"cp1252"`` for files saved by Excel on
        Windows. A UTF-8 byte-order mark is ignored.
    tz : str, optional
        Deprecated name of ``input_tz``.

    Returns
    -------
    DataFrame
        Validated events (see :func:`journeykit.validate_events`); ids and
        event names as text, exactly as written in the file.

    Raises
    ------
    journeykit.errors.MissingFileError
        The path does not exist.
    journeykit.errors.ReadError
        The file cannot be read as a table (a folder, empty, truncated,
        another encoding or separator, rows with too many fields, ...).
    SchemaError
        The table breaks the contract, or the mapping does not fit the file.
    journeykit.errors.ParameterError
        An argument has the wrong type or value: ``path`` is not a str or
        Path, ``columns`` is not a mapping, ``keep`` is not a list of names,
        ``sep`` is not one character, ``encoding`` or ``input_tz`` is unknown,
        ``ambiguous`` or ``nonexistent`` is not an accepted policy.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "log.csv").write_text(
    ...     "customer,time,action,source\\n"
    ...     "017850,2025-01-02 09:00,visit,ads\\n"
    ...     "017850,2025-01-02 09:05,purchase,ads\\n"
    ...     "013047,2025-01-03 18:30,visit,search\\n")
    >>> events = read_events(folder / "log.csv", columns={
    ...     "customer": "user_id", "time": "timestamp", "action": "event", "source": "channel"})
    >>> events
      user_id           timestamp     event channel
    0  017850 2025-01-02 09:00:00     visit     ads
    1  017850 2025-01-02 09:05:00  purchase     ads
    2  013047 2025-01-03 18:30:00     visit  search
    >>> read_events(folder / "log.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    journeykit.errors.SchemaError: log.csv failed validation with 3 problems:
      - column 'user_id' not found in log.csv; its columns are: 'customer', 'time', 'action', 'source'. ...
    ...
    """
    required = ["user_id", "timestamp", "event"]
    default_keep = keep is None
    with _about(path):
        extra = ["channel", "device", "session_id", "revenue"] if default_keep else params.names(
            keep, "keep", allow_empty=True)
    extra = [c for c in extra if c not in required]
    source, frame, plan, options = _read_contract(
        path, columns, required, extra, _EVENT_TEXT, (time_format, dayfirst, input_tz, tz, ambiguous,
                                                                 nonexistent), sep, encoding)
    if not default_keep:
        missing = [c for c in extra if c not in plan]
        if missing:
            raise SchemaError([f"keep: column {c!r} not found in {source.name}; its columns are: "
                               f"{_shown_columns(_header(source))}." for c in missing], source.name)
    return _report(_validated(validate_events, frame, source, options, plan), source.path, len(frame), {})


def read_orders(path: str | Path, *, columns: Mapping[str, str] | None = None,
                time_format: str | None = None, dayfirst: bool | None = None,
                input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                sep: str = ",", encoding: str = "utf-8", tz: str | None = None) -> pd.DataFrame:
    """Read any order table (one row per order) and map it onto the orders contract.

    Parameters are as in :func:`read_events`; ``columns`` maps your names onto
    ``order_id``, ``user_id``, ``timestamp``, ``revenue`` (and optional ``items``, ``channel``).
    ``order_id`` and ``user_id`` are read as text, exactly as written.
    Other columns of the file are not read.

    Parameters
    ----------
    path : str or Path
        A CSV (``.csv``, ``.csv.gz``, ``.zip``, ...) or Parquet file; the
        format is recognised from the content.
    columns : mapping, optional
        Your column → contract column, e.g. ``{"invoice": "order_id",
        "customer": "user_id", "paid_at": "timestamp", "amount": "revenue"}``.
        Columns already named as in the contract need no entry. Errors name
        your columns.
    time_format : str, optional
        ``strftime`` format of the timestamps, e.g. ``"%d/%m/%Y %H:%M"``. By
        default ISO 8601 is recognised, and otherwise one format is taken
        from the column (see :mod:`journeykit.io.timestamps`).
    dayfirst : bool, optional
        For dates like ``03/04/2025`` whose order the file does not settle:
        True for day/month/year, False for month/day/year.
    input_tz : str, optional
        Zone the file's naive timestamps are in; they are converted to UTC.
    ambiguous, nonexistent : str, default "raise"
        What to do with local times that daylight saving repeats or skips
        (see :func:`journeykit.validate_events`).
    sep : str, default ","
        The CSV separator, one character.
    encoding : str, default "utf-8"
        The CSV's text encoding, e.g. ``"cp1252"``.
    tz : str, optional
        Deprecated name of ``input_tz`` (gives a ``FutureWarning``).

    Returns
    -------
    DataFrame
        Validated orders (see :func:`journeykit.validate_orders`): ids as
        text, ``timestamp`` as naive UTC, ``revenue`` as float, and ``items``
        and ``channel`` when the file has them. Nothing is dropped, so
        :func:`journeykit.import_report` is empty.

    Raises
    ------
    journeykit.errors.MissingFileError
        The path does not exist.
    journeykit.errors.ReadError
        The file cannot be read as a table (a folder, empty, truncated,
        another encoding or separator, rows with too many fields, ...).
    SchemaError
        The mapping does not fit the file (a required column missing, a
        mapped column not in the file, two columns onto one), or the table
        breaks the orders contract: repeated order ids, missing, negative or
        non-numeric revenue, unusable ids or timestamps.
    journeykit.errors.ParameterError
        An argument has the wrong type or value (``path``, ``columns``,
        ``sep``, ``encoding``, ``input_tz``, ``ambiguous``, ``nonexistent``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "orders.csv").write_text(
    ...     "invoice,customer,paid_at,amount\\n"
    ...     "A-1,007,2025-01-02 09:05,25.50\\n"
    ...     "A-2,042,2025-01-03 14:00,12.00\\n")
    >>> orders = read_orders(folder / "orders.csv", columns={
    ...     "invoice": "order_id", "customer": "user_id", "paid_at": "timestamp", "amount": "revenue"})
    >>> orders
      order_id user_id           timestamp  revenue
    0      A-1     007 2025-01-02 09:05:00     25.5
    1      A-2     042 2025-01-03 14:00:00     12.0
    >>> orders["user_id"].tolist()
    ['007', '042']
    """
    source, frame, plan, options = _read_contract(
        path, columns, ["order_id", "user_id", "timestamp", "revenue"], ["items", "channel"],
        ("order_id", "user_id", "channel"), (time_format, dayfirst, input_tz, tz, ambiguous, nonexistent), sep,
        encoding)
    return _report(_validated(validate_orders, frame, source, options, plan), source.path, len(frame), {})


_PLAIN_SCORE = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*")


# a number, then a label with no digit: "10 - Extremely likely", "9 (very likely)", "0 = Not at all likely"
_LABELLED_SCORE = re.compile(r"\s*(\d+(?:\.\d+)?)(?:\s*[-–—=:]\s*|\s*\(\s*|\s+)[^\W\d_][^\d]*")


def _leading_number(values: pd.Series) -> pd.Series:
    """Survey answers as numbers where the whole answer is one: a number, or a number and its label.

    ``"9"``, ``" 10 "``, ``"9.0"``, ``"10 - Extremely likely"``, ``"9 (very
    likely)"`` and ``"0 = Not at all likely"`` become numbers. Anything else
    (``"9,5"``, ``"7-8"``, ``"7/8"``, ``"9 or 10"``) is left as written, so the
    validator refuses it with its rows rather than a guess being kept.

    Examples
    --------
    >>> _leading_number(pd.Series(["10 - Extremely likely", " 6 ", "9,5", "7-8", None])).tolist()
    [10, 6, '9,5', '7-8', nan]
    """
    if pd.api.types.is_numeric_dtype(values):
        return values

    def number(value: object) -> object:
        if not isinstance(value, str):
            return value
        match = _PLAIN_SCORE.fullmatch(value) or _LABELLED_SCORE.fullmatch(value)
        if match is None:
            return value
        parsed = float(match.group(1))
        return int(parsed) if parsed.is_integer() else parsed

    return values.astype(object).map(number)


def read_surveys(path: str | Path, *, columns: Mapping[str, str] | None = None,
                 time_format: str | None = None, dayfirst: bool | None = None,
                 input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                 sep: str = ",", encoding: str = "utf-8", tz: str | None = None) -> pd.DataFrame:
    """Read a survey export with NPS and/or CSAT answers.

    ``columns`` maps your names onto ``user_id``, ``timestamp``,
    ``touchpoint`` / ``stage``, ``nps``, ``csat`` and ``comment``. Answers
    written with their label (``"9 - Very likely"``, ``"9 (very likely)"``)
    are read by their number; any other text (``"9,5"``, ``"7-8"``) and
    anything off the scale is an error naming the rows. Other parameters are
    as in :func:`read_events`.

    Parameters
    ----------
    path : str or Path
        A CSV (``.csv``, ``.csv.gz``, ``.zip``, ...) or Parquet file; the
        format is recognised from the content.
    columns : mapping, optional
        Your column → contract column, e.g. ``{"answered_at": "timestamp",
        "How likely are you to recommend us?": "nps"}``. The file needs
        ``user_id``, ``timestamp``, at least one of ``touchpoint`` and
        ``stage``, and at least one of ``nps`` and ``csat``; ``comment`` is
        optional. Other columns of the file are not read.
    time_format : str, optional
        ``strftime`` format of the timestamps, e.g. ``"%d/%m/%Y %H:%M"``. By
        default ISO 8601 is recognised, and otherwise one format is taken
        from the column (see :mod:`journeykit.io.timestamps`).
    dayfirst : bool, optional
        For dates like ``03/04/2025`` whose order the file does not settle:
        True for day/month/year, False for month/day/year.
    input_tz : str, optional
        Zone the file's naive timestamps are in; they are converted to UTC.
    ambiguous, nonexistent : str, default "raise"
        What to do with local times that daylight saving repeats or skips
        (see :func:`journeykit.validate_events`).
    sep : str, default ","
        The CSV separator, one character.
    encoding : str, default "utf-8"
        The CSV's text encoding, e.g. ``"cp1252"``.
    tz : str, optional
        Deprecated name of ``input_tz`` (gives a ``FutureWarning``).

    Returns
    -------
    DataFrame
        Validated survey answers (see :func:`journeykit.validate_surveys`):
        ``user_id`` as text, ``timestamp`` as naive UTC, ``nps`` and ``csat``
        as whole numbers. Nothing is dropped, so
        :func:`journeykit.import_report` is empty.

    Raises
    ------
    journeykit.errors.MissingFileError
        The path does not exist.
    journeykit.errors.ReadError
        The file cannot be read as a table (a folder, empty, truncated,
        another encoding or separator, rows with too many fields, ...).
    SchemaError
        The mapping does not fit the file (a required column missing, neither
        ``touchpoint`` nor ``stage``, neither ``nps`` nor ``csat``), or the
        table breaks the surveys contract: answers that are not one number or
        are off the scale (NPS 0-10, CSAT 1-5), unusable ids or timestamps.
    journeykit.errors.ParameterError
        An argument has the wrong type or value (``path``, ``columns``,
        ``sep``, ``encoding``, ``input_tz``, ``ambiguous``, ``nonexistent``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "survey.csv").write_text(
    ...     "user_id,answered_at,touchpoint,How likely are you to recommend us?\\n"
    ...     "007,03/01/2025 10:00,delivery,10 - Extremely likely\\n"
    ...     "042,04/01/2025 18:30,delivery,6\\n")
    >>> answers = read_surveys(folder / "survey.csv", dayfirst=True, columns={
    ...     "answered_at": "timestamp", "How likely are you to recommend us?": "nps"})
    >>> answers
      user_id           timestamp touchpoint  nps
    0     007 2025-01-03 10:00:00   delivery   10
    1     042 2025-01-04 18:30:00   delivery    6
    """
    source, frame, plan, options = _read_contract(
        path, columns, ["user_id", "timestamp"], ["touchpoint", "stage", "nps", "csat", "comment"],
        ("user_id", "touchpoint", "stage", "comment", "nps", "csat"),
        (time_format, dayfirst, input_tz, tz, ambiguous, nonexistent), sep, encoding,
        one_of=[("touchpoint", "stage"), ("nps", "csat")])
    for score in ("nps", "csat"):
        if score in frame:
            frame[score] = _leading_number(frame[score])
    return _report(_validated(validate_surveys, frame, source, options, plan), source.path, len(frame), {})
