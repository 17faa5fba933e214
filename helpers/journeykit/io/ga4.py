"""Reader of a GA4 event export (its BigQuery export, flattened to CSV), and channels from source/medium.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from journeykit.errors import SchemaError, did_you_mean
from journeykit.errors import examples as _examples
from journeykit.io.contract import validate_events
from journeykit.io.files import _check_unique, _header, _no_id, _read_table, _report, _shown_columns, _Source, _validated

__all__ = ["read_ga4", "channel_from_source"]


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

    Parameters
    ----------
    source : Series
        Traffic source per row (``"google"``, ``"facebook"``, ``"(direct)"``,
        ...); missing values count as empty text.
    medium : Series, optional
        Traffic medium per row (``"organic"``, ``"cpc"``, ``"email"``, ...),
        aligned with ``source`` on the index. Without it the rules look at
        the source alone.

    Returns
    -------
    Series
        One channel per row of ``source``, with its index: ``ads``,
        ``email``, ``social``, ``search``, ``referral``, ``content``,
        ``direct`` or ``other``.

    Raises
    ------
    AttributeError
        If ``source`` or ``medium`` is not a pandas Series (e.g. a list).
        The arguments are not checked by the kit, so no error of the kit is
        raised.

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


def read_ga4(path: str | Path, *, sep: str = ",", encoding: str = "utf-8") -> pd.DataFrame:
    """Read a GA4-style flattened event export.

    Expected columns (dots or underscores both work): ``event_name``,
    ``event_timestamp`` (microseconds since 1970, UTC), ``user_pseudo_id``;
    optional ``traffic_source.source`` / ``traffic_source.medium`` (mapped to
    ``channel`` by :func:`channel_from_source`), ``device.category`` (→
    ``device``) and ``ga_session_id`` (→ ``session_id``, made unique per user).
    Rows without ``user_pseudo_id`` (consent mode) cannot be followed across
    events and are dropped; the report says how many. ``user_pseudo_id`` is
    read as text, exactly as written (``"1197196453.1700000000"``).

    Parameters
    ----------
    path : str or Path
        A CSV (compressed or not) or Parquet file.
    sep : str, default ","
        The CSV separator, one character.
    encoding : str, default "utf-8"
        The CSV's text encoding.

    Returns
    -------
    DataFrame
        Validated events (see :func:`journeykit.validate_events`):
        ``user_id`` (from ``user_pseudo_id``), ``timestamp`` (naive UTC),
        ``event`` (from ``event_name``), and ``channel``, ``device`` and
        ``session_id`` when the file has their columns. The rows dropped
        are listed by :func:`journeykit.import_report`.

    Raises
    ------
    journeykit.errors.ReadError, journeykit.errors.MissingFileError, SchemaError
        As for :func:`read_events`; also when ``event_timestamp`` is not
        microseconds since 1970 (a date before 2000 or after 2100).
    journeykit.errors.ParameterError
        If ``path`` is not a str or Path, ``sep`` is not one character or
        ``encoding`` is unknown.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ga4.csv").write_text(
    ...     "event_name,event_timestamp,user_pseudo_id,traffic_source.source,traffic_source.medium\\n"
    ...     "session_start,1735808400000000,1197196453.1700000000,google,organic\\n"
    ...     "purchase,1735808700000000,1197196453.1700000000,google,organic\\n"
    ...     "session_start,1735812000000000,,(direct),(none)\\n")
    >>> events = read_ga4(folder / "ga4.csv")
    >>> events
                     user_id           timestamp          event channel
    0  1197196453.1700000000 2025-01-02 09:00:00  session_start  search
    1  1197196453.1700000000 2025-01-02 09:05:00       purchase  search
    >>> events.attrs["import_report"][0]["rows"]  # the event without user_pseudo_id
    1
    """
    source = _Source(path, sep=sep, encoding=encoding)
    header = _header(source)
    normal = {c: c.replace(".", "_") for c in header}
    by_normal: dict[str, list[str]] = {}
    for raw, flat in normal.items():
        by_normal.setdefault(flat, []).append(raw)
    needed = ["event_name", "event_timestamp", "user_pseudo_id"]
    optional = ["traffic_source_source", "traffic_source_medium", "device_category", "ga_session_id"]
    missing = [c for c in needed if c not in by_normal]
    if missing:
        problems = []
        for column in missing:
            close = did_you_mean(column, header)
            near = f" Closest: {', '.join(map(repr, close))}." if close else ""
            problems.append(f"column {column!r} not found in {source.name}; its columns are: "
                            f"{_shown_columns(header)}.{near} A GA4 export needs event_name, event_timestamp and "
                            "user_pseudo_id.")
        raise SchemaError(problems, source.name)
    twice = [f"{' and '.join(map(repr, by_normal[c]))} both read as {c!r}" for c in needed + optional
             if len(by_normal.get(c, [])) > 1]
    if twice:
        raise SchemaError([f"{t}; which one to use would be a guess. Remove one of them." for t in twice], source.name)
    raw_of = {c: by_normal[c][0] for c in needed + optional if c in by_normal}
    _check_unique(source, list(raw_of.values()))
    frame = _read_table(source, list(raw_of.values()), text=list(raw_of.values()))
    frame.columns = list(raw_of)
    rows_read = len(frame)
    stamps = pd.to_numeric(frame["event_timestamp"], errors="coerce")
    bad = stamps.isna() & frame["event_timestamp"].notna()
    if bad.any():
        raise SchemaError([f"column 'event_timestamp' should hold microseconds since 1970; {bad.sum()} values are "
                           f"not numbers (e.g. {_examples(frame.loc[bad, 'event_timestamp'])})."], source.name)
    low, high = pd.Timestamp("2000-01-01").value // 1000, pd.Timestamp("2100-01-01").value // 1000
    outside = stamps.notna() & ((stamps < low) | (stamps > high))
    if outside.any():
        raise SchemaError([f"column 'event_timestamp' has {int(outside.sum())} values that are not microseconds "
                           f"since 1970 between 2000 and 2100 (e.g. {_examples(frame.loc[outside, 'event_timestamp'])}"
                           "); GA4 exports hold 16-digit microseconds. If yours are seconds or milliseconds, "
                           "multiply them by 1,000,000 or 1,000 first."], source.name)
    no_user = _no_id(frame["user_pseudo_id"])
    out = pd.DataFrame({"user_id": frame["user_pseudo_id"], "timestamp": pd.to_datetime(stamps, unit="us"),
                        "event": frame["event_name"]})
    if "traffic_source_source" in frame or "traffic_source_medium" in frame:
        out["channel"] = channel_from_source(frame.get("traffic_source_source", pd.Series("", index=frame.index)),
                                             frame.get("traffic_source_medium"))
    if "device_category" in frame:
        out["device"] = frame["device_category"]
    if "ga_session_id" in frame:
        session = frame["ga_session_id"].str.strip()
        out["session_id"] = (out["user_id"] + "-" + session).where(session.notna() & session.ne(""))
    out = out[~no_user.to_numpy()]
    names = {"user_id": raw_of["user_pseudo_id"], "timestamp": raw_of["event_timestamp"],
             "event": raw_of["event_name"]}
    return _report(_validated(validate_events, out, source, names=names), source.path, rows_read,
                   {"no user_pseudo_id (consent mode): cannot be followed across events": no_user.sum()})
