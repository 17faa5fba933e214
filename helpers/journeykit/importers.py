"""Read the exports people actually have and map them onto the data contract.

Every importer reads one file (CSV, compressed or not, or Parquet), keeps only
the columns it needs with compact types, maps them onto the contract of
:mod:`journeykit.schema`, and returns a validated table. What it dropped and why
is in ``df.attrs["import_report"]`` (see :func:`import_report`); a problem it
cannot fix raises :class:`journeykit.SchemaError` naming the file, the column
and example rows.

=====================================  =======================================================
importer                               reads
=====================================  =======================================================
:func:`read_events`                    any event log, with a column mapping
:func:`read_ga4`                       a GA4-style flattened event export
:func:`read_product_analytics`         Mixpanel- or Amplitude-like JSON lines
:func:`read_online_retail`             an invoice-line table like the UCI Online Retail data
:func:`read_shopify_orders`            a Shopify-like orders export
:func:`read_orders`                    any order table, with a column mapping
:func:`read_surveys`                   a survey export with NPS and/or CSAT columns
=====================================  =======================================================
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from journeykit.errors import SchemaError
from journeykit.schema import DEFAULT_TZ, validate_events, validate_orders, validate_surveys
from journeykit.timestamps import TimeOptions, parse_timestamps

__all__ = ["read_events", "read_ga4", "read_product_analytics", "read_online_retail", "read_shopify_orders",
           "read_orders", "read_surveys", "import_report", "channel_from_source"]

_CHANNEL_RULES = [  # (pattern on "source / medium", channel), first match wins
    (r"\b(?:cpc|ppc|paid|display|cpm|ads?)\b", "ads"),
    (r"\b(?:e-?mail|newsletter)\b", "email"),
    (r"\b(?:facebook|instagram|tiktok|pinterest|twitter|x\.com|linkedin|social|youtube)\b", "social"),
    (r"\b(?:organic|google|bing|duckduckgo|yahoo|ecosia)\b", "search"),
    (r"\b(?:referral|affiliate|partner)\b", "referral"),
    (r"\b(?:blog|content)\b", "content"),
    (r"\(direct\)|\(none\)|\bdirect\b|^\s*/?\s*$", "direct"),
]


def channel_from_source(source: pd.Series, medium: pd.Series | None = None) -> pd.Series:
    """Map traffic source and medium values onto the course's channels.

    Rules, first match wins, on ``"source / medium"`` in lower case: paid
    (cpc, ppc, paid, display, ads) → ``ads``; e-mail or newsletter → ``email``;
    social networks → ``social``; organic or a search engine → ``search``;
    referral, affiliate or partner → ``referral``; blog or content →
    ``content``; (direct), (none) or empty → ``direct``; anything else →
    ``other``.

    Examples
    --------
    >>> channel_from_source(pd.Series(["google", "facebook", "newsletter", "(direct)"]),
    ...                     pd.Series(["organic", "paid", "email", "(none)"])).tolist()
    ['search', 'ads', 'email', 'direct']
    """
    text = source.fillna("").astype(str).str.lower()
    if medium is not None:
        text = text + " / " + medium.fillna("").astype(str).str.lower()
    conditions = [text.str.contains(pattern, regex=True) for pattern, _ in _CHANNEL_RULES]
    return pd.Series(np.select(conditions, [c for _, c in _CHANNEL_RULES], default="other"), index=source.index)


# ---------------------------------------------------------------------------
# Shared plumbing
# ---------------------------------------------------------------------------


def _path(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file. Check the path (it is relative to the folder the notebook or "
                                "command runs in).")
    if p.is_dir():
        raise SchemaError([f"{p} is a folder; pass the file itself."], p.name)
    return p


def _read_table(path: Path, columns: Sequence[str] | None = None, dtype: Mapping | None = None) -> pd.DataFrame:
    """Read CSV (any compression pandas knows) or Parquet, keeping only ``columns`` when given."""
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        if columns is not None:
            frame = frame[[c for c in columns if c in frame.columns]]
        return frame
    header = pd.read_csv(path, nrows=0).columns
    wanted = [c for c in header if columns is None or c in columns]
    return pd.read_csv(path, usecols=wanted, dtype={c: t for c, t in (dtype or {}).items() if c in wanted},
                       low_memory=False)


def _header(path: Path) -> list[str]:
    """The file's column names, without reading its rows."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    return [str(c) for c in pd.read_csv(path, nrows=0).columns]


def _check_mapping(path: Path, mapping: Mapping[str, str], required: Sequence[str]) -> None:
    """Every required contract column must come from a column of the file, named as is or through the mapping."""
    header = _header(path)
    provided = {mapping.get(c, c) for c in header}
    problems = [f"mapped column {src!r} is not in {path.name}." for src in mapping if src not in header]
    shown = ", ".join(map(repr, header[:12])) + (", ..." if len(header) > 12 else "")
    for column in required:
        if column not in provided:
            problems.append(f"column {column!r} not found in {path.name}; its columns are: {shown}. "
                            f"Map yours with columns={{'<your column>': {column!r}}}.")
    if problems:
        raise SchemaError(problems, path.name)


def _require(frame: pd.DataFrame, path: Path, columns: Sequence[str], hint: str = "") -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        shown = ", ".join(map(repr, list(frame.columns)[:12])) + (", ..." if len(frame.columns) > 12 else "")
        raise SchemaError([f"column {c!r} not found in {path.name}; its columns are: {shown}.{hint}" for c in missing],
                          path.name)


def _report(frame: pd.DataFrame, path: Path, rows_read: int, dropped: Mapping[str, int]) -> pd.DataFrame:
    # plain records, not a DataFrame: pandas compares attrs when combining frames
    frame.attrs["import_report"] = [{"file": path.name, "reason": reason, "rows": int(n)}
                                    for reason, n in dropped.items() if n]
    frame.attrs["rows_read"] = int(rows_read)
    return frame


def import_report(frame: pd.DataFrame) -> pd.DataFrame:
    """What an importer dropped from the file and why: ``file``, ``reason``, ``rows`` (empty if nothing)."""
    return pd.DataFrame(frame.attrs.get("import_report", []), columns=["file", "reason", "rows"])


_PARAM_TO_COLUMN = {"user_col": "user_id", "time_col": "timestamp", "event_col": "event", "order_col": "order_id",
                    "revenue_col": "revenue", "nps_col": "nps", "csat_col": "csat", "touchpoint_col": "touchpoint",
                    "stage_col": "stage", "comment_col": "comment"}


def _importer_hint(problem: str) -> str:
    """Validators suggest ``user_col='x'``; an importer takes a column mapping instead."""
    def mapping(match: re.Match) -> str:
        param, column = match.group(1), match.group(2)
        return f"Map your column with columns={{{column!r}: {_PARAM_TO_COLUMN.get(param, param)!r}}}."
    return re.sub(r"Pass (\w+_col)='([^']*)'\.", mapping, problem)


def _validated(validator, frame: pd.DataFrame, path: Path, options: TimeOptions | None = None) -> pd.DataFrame:
    """Run a contract validator, naming the file in any error and phrasing hints for importers."""
    times = {} if options is None else {"time_format": options.time_format, "dayfirst": options.dayfirst,
                                        "input_tz": options.input_tz, "output_tz": options.output_tz,
                                        "ambiguous": options.ambiguous, "nonexistent": options.nonexistent}
    try:
        return validator(frame, **times)
    except SchemaError as error:
        raise SchemaError([_importer_hint(p) for p in error.problems], path.name) from None


def _options(time_format: str | None, dayfirst: bool | None, input_tz: str | None, tz: str | None,
             ambiguous: str = "raise", nonexistent: str = "raise") -> TimeOptions:
    """The reader's time options; ``tz`` is the old name of ``input_tz``."""
    if tz is not None:
        warnings.warn("tz= is deprecated for readers; it is the zone of the file's naive times, so write "
                      "input_tz=.", FutureWarning, stacklevel=3)
        input_tz = tz
    return TimeOptions(time_format=time_format, dayfirst=dayfirst, input_tz=input_tz, output_tz=DEFAULT_TZ,
                       ambiguous=ambiguous, nonexistent=nonexistent)


def _parse_times(values: pd.Series, options: TimeOptions, path: Path, column: str) -> pd.Series:
    """Parse a timestamp column by the kit's rules, naming the file in any error."""
    parsed, problems = parse_timestamps(values, column, options)
    if problems:
        raise SchemaError([_importer_hint(p) for p in problems], path.name)
    return parsed


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def read_events(path: str | Path, *, columns: Mapping[str, str] | None = None, keep: Sequence[str] | None = None,
                time_format: str | None = None, dayfirst: bool | None = None,
                input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                tz: str | None = None) -> pd.DataFrame:
    """Read any event log and map it onto the events contract.

    Parameters
    ----------
    path : str or Path
        A CSV (``.csv``, ``.csv.gz``, ``.zip``, ...) or Parquet file.
    columns : mapping, optional
        Your column → contract column, e.g. ``{"customer": "user_id", "time":
        "timestamp", "action": "event", "source": "channel"}``.
    keep : sequence of str, optional
        Extra contract columns to keep besides the required ones; by default
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
    tz : str, optional
        Deprecated name of ``input_tz``.

    Returns
    -------
    DataFrame
        Validated events (see :func:`journeykit.validate_events`).
    """
    path = _path(path)
    mapping = dict(columns or {})
    _check_mapping(path, mapping, ["user_id", "timestamp", "event"])
    keep = list(keep) if keep is not None else ["channel", "device", "session_id", "revenue"]
    wanted = {**{c: c for c in ["user_id", "timestamp", "event", *keep]}, **mapping}
    source_columns = [src for src, dst in wanted.items() if dst in {"user_id", "timestamp", "event", *keep}]
    frame = _read_table(path, source_columns, dtype={src: "str" for src, dst in wanted.items()
                                                     if dst in ("user_id", "event", "channel", "device", "session_id")})
    frame = frame.rename(columns=mapping)
    options = _options(time_format, dayfirst, input_tz, tz, ambiguous, nonexistent)
    return _report(_validated(validate_events, frame, path, options), path, len(frame), {})


def read_ga4(path: str | Path) -> pd.DataFrame:
    """Read a GA4-style flattened event export.

    Expected columns (dots or underscores both work): ``event_name``,
    ``event_timestamp`` (microseconds since 1970, UTC), ``user_pseudo_id``;
    optional ``traffic_source.source`` / ``traffic_source.medium`` (mapped to
    ``channel`` by :func:`channel_from_source`), ``device.category`` (→
    ``device``) and ``ga_session_id`` (→ ``session_id``, made unique per user).
    Rows without ``user_pseudo_id`` (consent mode) cannot be followed across
    events and are dropped; the report says how many.
    """
    path = _path(path)
    frame = _read_table(path)
    frame.columns = [c.replace(".", "_") for c in frame.columns]
    _require(frame, path, ["event_name", "event_timestamp", "user_pseudo_id"],
             " A GA4 export needs event_name, event_timestamp and user_pseudo_id.")
    rows_read = len(frame)
    stamps = pd.to_numeric(frame["event_timestamp"], errors="coerce")
    bad = stamps.isna() & frame["event_timestamp"].notna()
    if bad.any():
        examples = ", ".join(f"{v!r} in row {i}" for i, v in frame.loc[bad, "event_timestamp"].head(3).items())
        raise SchemaError([f"column 'event_timestamp' should hold microseconds since 1970; {bad.sum()} values are "
                           f"not numbers (e.g. {examples})."], path.name)
    no_user = frame["user_pseudo_id"].isna()
    out = pd.DataFrame({"user_id": frame["user_pseudo_id"].astype("str"),
                        "timestamp": pd.to_datetime(stamps, unit="us"), "event": frame["event_name"]})
    if "traffic_source_source" in frame or "traffic_source_medium" in frame:
        out["channel"] = channel_from_source(frame.get("traffic_source_source", pd.Series("", index=frame.index)),
                                             frame.get("traffic_source_medium"))
    if "device_category" in frame:
        out["device"] = frame["device_category"].astype("str")
    if "ga_session_id" in frame:
        out["session_id"] = out["user_id"] + "-" + frame["ga_session_id"].astype("str")
    out = out[~no_user.to_numpy()]
    return _report(_validated(validate_events, out, path), path, rows_read,
                   {"no user_pseudo_id (consent mode): cannot be followed across events": no_user.sum()})


def read_product_analytics(path: str | Path, *, flavour: str | None = None, channel_property: str | None = None,
                           chunksize: int = 100_000) -> pd.DataFrame:
    """Read Mixpanel- or Amplitude-like JSON lines with nested event properties.

    - **Mixpanel**: ``{"event": ..., "properties": {"distinct_id": ..., "time":
      <seconds since 1970>, ...}}``.
    - **Amplitude**: ``{"event_type": ..., "user_id": ..., "device_id": ...,
      "event_time": "2025-01-01 10:00:00.123", "event_properties": {...},
      "user_properties": {...}}`` (``device_id`` is used when ``user_id`` is empty).

    Nested properties become columns named ``<parent>.<key>``. ``channel``
    comes from ``channel_property`` when given, otherwise from the usual UTM
    properties (``utm_source`` / ``utm_medium``) when present.

    Parameters
    ----------
    flavour : {"mixpanel", "amplitude"}, optional
        Detected from the first line when not given.
    channel_property : str, optional
        Flattened property holding the channel, e.g. ``"properties.campaign_channel"``.
    chunksize : int, default 100_000
        Lines parsed at a time, to keep memory flat on large exports.
    """
    path = _path(path)
    with open(path, encoding="utf-8") as handle:
        first = handle.readline()
    try:
        sample = json.loads(first)
    except json.JSONDecodeError as exc:
        raise SchemaError([f"line 1 is not JSON ({exc.msg}); expected one JSON object per line."], path.name) from None
    if flavour is None:
        flavour = "mixpanel" if "properties" in sample else "amplitude" if "event_type" in sample else None
        if flavour is None:
            raise SchemaError(["cannot tell whether this is a Mixpanel or an Amplitude export (line 1 has neither "
                               "'properties' nor 'event_type'); pass flavour='mixpanel' or 'amplitude'."], path.name)
    parts = []
    try:
        for chunk in pd.read_json(path, lines=True, chunksize=chunksize, dtype=False):
            parts.append(pd.json_normalize(chunk.to_dict(orient="records"), sep="."))
    except ValueError as exc:
        raise SchemaError([f"could not read the JSON lines ({exc}); every line must be one JSON object."],
                          path.name) from None
    frame = pd.concat(parts, ignore_index=True)
    rows_read = len(frame)
    if flavour == "mixpanel":
        _require(frame, path, ["event", "properties.distinct_id", "properties.time"])
        out = pd.DataFrame({"user_id": frame["properties.distinct_id"].astype("str"),
                            "timestamp": pd.to_datetime(pd.to_numeric(frame["properties.time"]), unit="s"),
                            "event": frame["event"]})
        props = "properties."
    else:
        _require(frame, path, ["event_type", "event_time"])
        user = frame["user_id"] if "user_id" in frame else pd.Series(pd.NA, index=frame.index)
        if "device_id" in frame:
            user = user.where(user.notna() & (user.astype("str") != ""), frame["device_id"])
        out = pd.DataFrame({"user_id": user, "timestamp": frame["event_time"], "event": frame["event_type"]})
        props = "event_properties."
    no_user = out["user_id"].isna()
    if channel_property is not None:
        _require(frame, path, [channel_property])
        out["channel"] = frame[channel_property]
    elif f"{props}utm_source" in frame or f"{props}utm_medium" in frame:
        out["channel"] = channel_from_source(frame.get(f"{props}utm_source", pd.Series("", index=frame.index)),
                                             frame.get(f"{props}utm_medium"))
    out = out[~no_user.to_numpy()]
    out["user_id"] = out["user_id"].astype("str")
    return _report(_validated(validate_events, out, path), path, rows_read, {"no user id": no_user.sum()})


# ---------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------


def read_orders(path: str | Path, *, columns: Mapping[str, str] | None = None,
                time_format: str | None = None, dayfirst: bool | None = None,
                input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                tz: str | None = None) -> pd.DataFrame:
    """Read any order table (one row per order) and map it onto the orders contract.

    Parameters are as in :func:`read_events`; ``columns`` maps your names onto
    ``order_id``, ``user_id``, ``timestamp``, ``revenue`` (and optional ``items``, ``channel``).
    """
    path = _path(path)
    mapping = dict(columns or {})
    _check_mapping(path, mapping, ["order_id", "user_id", "timestamp", "revenue"])
    wanted = {**{c: c for c in ["order_id", "user_id", "timestamp", "revenue", "items", "channel"]}, **mapping}
    frame = _read_table(path, list(wanted), dtype={src: "str" for src, dst in wanted.items()
                                                   if dst in ("order_id", "user_id", "channel")})
    frame = frame.rename(columns=mapping)
    options = _options(time_format, dayfirst, input_tz, tz, ambiguous, nonexistent)
    return _report(_validated(validate_orders, frame, path, options), path, len(frame), {})


def read_online_retail(path: str | Path, *, time_format: str | None = None, dayfirst: bool | None = None,
                       input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                       tz: str | None = None) -> pd.DataFrame:
    """Read an invoice-line table like the UCI Online Retail data and build one row per order.

    Columns: ``InvoiceNo``, ``InvoiceDate``, ``CustomerID``, ``Quantity``,
    ``UnitPrice`` (``StockCode``, ``Description`` and ``Country`` are not
    needed and not read). Each invoice becomes one order: ``revenue`` = Σ
    Quantity × UnitPrice, ``items`` = Σ Quantity, ``timestamp`` = its first
    line's date, ``channel`` = ``Country`` is not a channel and is left out.

    Dropped, and counted in the report:

    - cancelled invoices (numbers starting with ``"C"``), which reverse earlier sales;
    - lines without a ``CustomerID``: they cannot be tied to a customer;
    - invoices whose total is zero or negative (adjustments, free samples).

    Parameters
    ----------
    time_format : str, optional
        Format of ``InvoiceDate``; by default ISO 8601 (``2010-12-01 08:26:00``)
        is recognised, and the day order of dates like the original file's
        ``12/1/2010 8:26`` is decided from the whole column (see
        :mod:`journeykit.timestamps`).
    dayfirst : bool, optional
        Settles the day order when the column does not.
    input_tz : str, optional
        Zone of the naive invoice dates (``"Europe/London"`` for the UCI data);
        they are converted to UTC. By default they are kept as they are.
    ambiguous, nonexistent : str, default "raise"
        Daylight-saving policy with ``input_tz`` (see :func:`journeykit.validate_events`).
    tz : str, optional
        Deprecated name of ``input_tz``.
    """
    path = _path(path)
    needed = ["InvoiceNo", "InvoiceDate", "CustomerID", "Quantity", "UnitPrice"]
    frame = _read_table(path, needed, dtype={"InvoiceNo": "str", "CustomerID": "str", "Quantity": "float64",
                                             "UnitPrice": "float64"})
    _require(frame, path, needed, " Expected the UCI Online Retail layout (one row per invoice line).")
    rows_read = len(frame)
    invoice = frame["InvoiceNo"].astype("str").str.strip()
    cancelled = invoice.str.upper().str.startswith("C")
    customer = frame["CustomerID"].astype("str").str.strip().str.removesuffix(".0")
    no_customer = frame["CustomerID"].isna() | customer.eq("")
    keep = ~cancelled & ~no_customer
    options = _options(time_format, dayfirst, input_tz, tz, ambiguous, nonexistent)
    lines = pd.DataFrame({"order_id": invoice[keep], "user_id": customer[keep],
                          "timestamp": _parse_times(frame["InvoiceDate"], options, path, "InvoiceDate")[keep],
                          "line_revenue": frame.loc[keep, "Quantity"] * frame.loc[keep, "UnitPrice"],
                          "quantity": frame.loc[keep, "Quantity"]})
    orders = lines.groupby("order_id", sort=False).agg(user_id=("user_id", "first"), timestamp=("timestamp", "min"),
                                                       revenue=("line_revenue", "sum"), items=("quantity", "sum"))
    orders["revenue"] = orders["revenue"].round(2)
    non_positive = orders["revenue"] <= 0
    orders = orders[~non_positive].reset_index()
    orders["items"] = orders["items"].astype("int64")
    out = _validated(validate_orders, orders, path)
    return _report(out, path, rows_read, {
        "cancelled invoice lines (InvoiceNo starts with 'C')": cancelled.sum(),
        "lines without CustomerID": (no_customer & ~cancelled).sum(),
        "invoices with a total of zero or less": non_positive.sum(),
    })


def read_shopify_orders(path: str | Path) -> pd.DataFrame:
    """Read a Shopify-like orders export (one row per line item) into one row per order.

    Columns used: ``Name`` (the order number, e.g. ``#1001``), ``Email`` (or
    ``Customer ID`` when present) as the customer, ``Created at`` (with its
    UTC offset, converted to UTC), ``Total``, ``Lineitem quantity``, and
    optionally ``Financial Status``, ``Refunded Amount`` and ``Source``
    (→ ``channel``). Order-level fields are read from each order's first row.

    Dropped, and counted in the report: refunded or voided orders, and orders
    without a customer. Partially refunded orders count net of ``Refunded Amount``.
    """
    path = _path(path)
    frame = _read_table(path, dtype={"Name": "str", "Email": "str", "Customer ID": "str"})
    _require(frame, path, ["Name", "Created at", "Total"], " Expected a Shopify orders export.")
    customer_col = "Customer ID" if "Customer ID" in frame else "Email"
    _require(frame, path, [customer_col])
    rows_read = len(frame)
    grouped = frame.groupby("Name", sort=False)
    first = grouped.first()  # order-level fields are filled on the first row only; first() skips blanks
    orders = pd.DataFrame({"order_id": first.index, "user_id": first[customer_col].to_numpy(),
                           "timestamp": first["Created at"].to_numpy(),
                           "revenue": pd.to_numeric(first["Total"], errors="coerce").to_numpy()})
    if "Lineitem quantity" in frame:
        orders["items"] = grouped["Lineitem quantity"].sum().to_numpy().astype("int64")
    if "Source" in frame:
        orders["channel"] = first["Source"].to_numpy()
    dropped = {}
    if "Financial Status" in frame:
        status = first["Financial Status"].fillna("").str.lower().to_numpy()
        refunded = np.isin(status, ["refunded", "voided"])
        if "Refunded Amount" in frame:
            orders["revenue"] = orders["revenue"] - pd.to_numeric(first["Refunded Amount"], errors="coerce").fillna(
                0).to_numpy()
        dropped["refunded or voided orders"] = int(refunded.sum())
        orders = orders[~refunded]
    no_customer = orders["user_id"].isna()
    dropped["orders without a customer"] = int(no_customer.sum())
    orders = orders[~no_customer]
    return _report(_validated(validate_orders, orders, path), path, rows_read, dropped)


# ---------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------


def _leading_number(values: pd.Series) -> pd.Series:
    """'10 - Extremely likely' → 10; numbers stay numbers; text without a leading number stays as is."""
    if pd.api.types.is_numeric_dtype(values):
        return values
    text = values.astype("str").str.strip()
    number = text.str.extract(r"^(-?\d+(?:\.\d+)?)\b", expand=False)
    return pd.to_numeric(number, errors="coerce").where(number.notna(), values.where(values.notna()))


def read_surveys(path: str | Path, *, columns: Mapping[str, str] | None = None,
                 time_format: str | None = None, dayfirst: bool | None = None,
                 input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                 tz: str | None = None) -> pd.DataFrame:
    """Read a survey export with NPS and/or CSAT answers.

    ``columns`` maps your names onto ``user_id``, ``timestamp``,
    ``touchpoint`` / ``stage``, ``nps``, ``csat`` and ``comment``. Answers
    written with their label (``"9 - Very likely"``) are read by their leading
    number; anything else off the scale is an error naming the rows.
    """
    path = _path(path)
    mapping = dict(columns or {})
    _check_mapping(path, mapping, ["user_id", "timestamp"])
    wanted = {**{c: c for c in ["user_id", "timestamp", "touchpoint", "stage", "nps", "csat", "comment"]},
              **mapping}
    frame = _read_table(path, list(wanted), dtype={src: "str" for src, dst in wanted.items()
                                                   if dst in ("user_id", "touchpoint", "stage", "comment")})
    frame = frame.rename(columns=mapping)
    for score in ("nps", "csat"):
        if score in frame:
            frame[score] = _leading_number(frame[score])
    options = _options(time_format, dayfirst, input_tz, tz, ambiguous, nonexistent)
    return _report(_validated(validate_surveys, frame, path, options), path, len(frame), {})
