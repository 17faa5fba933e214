"""Reader of Mixpanel- or Amplitude-like exports: one JSON record per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import SchemaError, did_you_mean
from journeykit.errors import examples as _examples
from journeykit.io.contract import validate_events
from journeykit.io.files import _about, _DAMAGED, _no_id, _numbers, _report, _shown_columns, _Source, _validated
from journeykit.io.ga4 import channel_from_source

__all__ = ["read_product_analytics"]


def _text_id(value: object) -> object:
    """A JSON id as text: integers become their digits (Python ints are exact, whatever their size)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _json_records(source: _Source, chunksize: int) -> Iterator[list[dict]]:
    """The file's JSON objects, ``chunksize`` at a time, with the line of any problem."""
    batch: list[dict] = []
    seen = False
    with source.binary() as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise source.error(f"line {number} is not UTF-8 (byte 0x{raw[exc.start:exc.start + 1].hex()} at "
                                   f"position {exc.start} of the line); JSON lines must be UTF-8. Export the file "
                                   "again as UTF-8.") from None
            if not line.strip():
                continue
            if not seen and line.lstrip().startswith("["):
                raise SchemaError(["the file holds one JSON array, not one JSON object per line (JSON lines). "
                                   "Convert it, e.g. pd.read_json(path).to_json('events.jsonl', orient='records', "
                                   "lines=True), and read that file."], source.name)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SchemaError([f"line {number} is not JSON ({exc.msg}); expected one JSON object per line."],
                                  source.name) from None
            if not isinstance(record, dict):
                raise SchemaError([f"line {number} is a JSON {type(record).__name__}, not an object; expected one "
                                   "JSON object per line."], source.name)
            seen = True
            batch.append(record)
            if len(batch) >= chunksize:
                yield batch
                batch = []
    if batch:
        yield batch


def read_product_analytics(path: str | Path, *, flavour: str | None = None, channel_property: str | None = None,
                           chunksize: int = 100_000, time_unit: str = "s") -> pd.DataFrame:
    """Read Mixpanel- or Amplitude-like JSON lines with nested event properties.

    - **Mixpanel**: ``{"event": ..., "properties": {"distinct_id": ..., "time":
      <seconds since 1970>, ...}}``.
    - **Amplitude**: ``{"event_type": ..., "user_id": ..., "device_id": ...,
      "event_time": "2025-01-01 10:00:00.123", "event_properties": {...},
      "user_properties": {...}}`` (``device_id`` is used when ``user_id`` is empty).

    Nested properties become columns named ``<parent>.<key>``. ``channel``
    comes from ``channel_property`` when given, otherwise from the usual UTM
    properties (``utm_source`` / ``utm_medium``) when present. Numeric ids
    become their digits (``17850`` → ``"17850"``); the file may be compressed.

    Parameters
    ----------
    path : str or Path
        The JSON lines file (one JSON object per line), compressed or not.
    flavour : {"mixpanel", "amplitude"}, optional
        Detected from the first line when not given.
    channel_property : str, optional
        Flattened property holding the channel, e.g. ``"properties.campaign_channel"``.
    chunksize : int, default 100_000
        Lines parsed at a time, to keep memory flat on large exports.
    time_unit : {"s", "ms"}, default "s"
        Unit of Mixpanel's ``properties.time``: seconds (the export API's) or
        milliseconds since 1970. Values that fall outside 2000-2100 in this
        unit are refused rather than guessed.

    Returns
    -------
    DataFrame
        Validated events (see :func:`journeykit.validate_events`):
        ``user_id``, ``timestamp`` (naive UTC), ``event`` and, when the
        file has it, ``channel``. When the channel comes from the UTM
        properties, an event without them gets ``direct``. Records without a
        user id are dropped and counted in :func:`journeykit.import_report`.

    Raises
    ------
    journeykit.errors.MissingFileError
        The path does not exist.
    journeykit.errors.ReadError
        The file cannot be read: a folder, empty or only blank lines, a
        Parquet file, a line that is not UTF-8, damaged compression.
    SchemaError
        A line that is not one JSON object (or the whole file one JSON
        array), a flavour that cannot be told from line 1, a required field
        missing (``event``, ``properties.distinct_id``, ``properties.time``
        for Mixpanel; ``event_type``, ``event_time`` for Amplitude), times
        that are not numbers or fall outside 2000-2100 in ``time_unit``, a
        ``channel_property`` not in the file, or events that break the
        contract.
    journeykit.errors.ParameterError
        An argument has the wrong type or value: ``path`` is not a str or
        Path, ``flavour`` or ``time_unit`` is not one of the choices,
        ``channel_property`` is not a name, ``chunksize`` is not a whole
        number of at least 1.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> records = [
    ...     {"event": "visit", "properties": {"distinct_id": 17850, "time": 1735808400,
    ...                                       "utm_source": "google", "utm_medium": "cpc"}},
    ...     {"event": "purchase", "properties": {"distinct_id": 17850, "time": 1735808700}},
    ...     {"event": "visit", "properties": {"time": 1735808800}}]
    >>> _ = (folder / "mixpanel.jsonl").write_text("\\n".join(json.dumps(r) for r in records))
    >>> events = read_product_analytics(folder / "mixpanel.jsonl")
    >>> events
      user_id           timestamp     event channel
    0   17850 2025-01-02 09:00:00     visit     ads
    1   17850 2025-01-02 09:05:00  purchase  direct
    >>> events.attrs["import_report"]
    [{'file': 'mixpanel.jsonl', 'reason': 'no user id', 'rows': 1}]
    """
    with _about(path):
        if flavour is not None:
            params.choice(flavour, "flavour", ["mixpanel", "amplitude"])
        params.name(channel_property, "channel_property", allow_none=True)
        params.integer(chunksize, "chunksize", minimum=1)
        params.choice(time_unit, "time_unit", ["s", "ms"])
    source = _Source(path, expect="jsonl")
    frame, flavour = _records(source, flavour, chunksize)
    rows_read = len(frame)
    columns = list(frame.columns)
    if flavour == "mixpanel":
        out, names = _mixpanel_events(frame, source, columns, time_unit)
        props = "properties."
    else:
        out, names = _amplitude_events(frame, source, columns)
        props = "event_properties."
    no_user = _no_id(out["user_id"])
    if channel_property is not None:
        if channel_property not in frame:
            close = did_you_mean(channel_property, columns)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise SchemaError([f"channel_property {channel_property!r} not found in {source.name}.{hint} Its fields "
                               f"are: {_shown_columns(columns, 20)}."], source.name)
        out["channel"] = frame[channel_property]
    elif f"{props}utm_source" in frame or f"{props}utm_medium" in frame:
        out["channel"] = channel_from_source(frame.get(f"{props}utm_source", pd.Series("", index=frame.index)),
                                             frame.get(f"{props}utm_medium"))
    out = out[~no_user.to_numpy()]
    return _report(_validated(validate_events, out, source, names=names), source.path, rows_read,
                   {"no user id": no_user.sum()})


def _records(source: _Source, flavour: str | None, chunksize: int) -> tuple[pd.DataFrame, str]:
    """Every JSON record of the file, flattened (``properties.time``), ids as text; and the export's flavour."""
    parts = []
    try:
        for records in _json_records(source, chunksize):
            if flavour is None:
                first = records[0]
                flavour = "mixpanel" if "properties" in first else "amplitude" if "event_type" in first else None
                if flavour is None:
                    raise SchemaError(["cannot tell whether this is a Mixpanel or an Amplitude export (line 1 has "
                                       "neither 'properties' nor 'event_type'); pass flavour='mixpanel' or "
                                       "'amplitude'."], source.name)
            for record in records:
                if flavour == "mixpanel" and isinstance(record.get("properties"), dict):
                    props = record["properties"]
                    if "distinct_id" in props:
                        props["distinct_id"] = _text_id(props["distinct_id"])
                elif flavour == "amplitude":
                    for key in ("user_id", "device_id"):
                        if key in record:
                            record[key] = _text_id(record[key])
            parts.append(pd.json_normalize(records, sep="."))
    except _DAMAGED as exc:
        raise source.damaged(exc) from None
    except OSError as exc:
        raise (source.damaged(exc) if source.compression else source.error(f"cannot be read ({exc}).")) from None
    if not parts:
        raise source.error("holds no JSON objects; the table is empty.")
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return frame, flavour


def _mixpanel_events(frame: pd.DataFrame, source: _Source, columns: list[str], time_unit: str
                     ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Mixpanel's ``event``, ``properties.distinct_id`` and ``properties.time`` (epoch, ``time_unit``) as events."""
    missing = [c for c in ["event", "properties.distinct_id", "properties.time"] if c not in frame]
    if missing:
        raise SchemaError([f"column {c!r} not found in {source.name}; its fields are: {_shown_columns(columns)}."
                           for c in missing], source.name)
    user = frame["properties.distinct_id"]
    seconds = _numbers(frame["properties.time"], source, "properties.time", required=False)
    scale = 1 if time_unit == "s" else 1000
    low, high = pd.Timestamp("2000-01-01").value // 10**9 * scale, pd.Timestamp("2100-01-01").value // 10**9 * scale
    outside = seconds.notna() & ((seconds < low) | (seconds > high))
    if outside.any():
        other = "ms" if time_unit == "s" else "s"
        raise SchemaError([f"column 'properties.time' has {int(outside.sum())} values outside 2000-2100 when read "
                           f"as {'seconds' if time_unit == 's' else 'milliseconds'} since 1970 (e.g. "
                           f"{_examples(frame.loc[outside, 'properties.time'])}); pass time_unit={other!r} if "
                           "that is their unit, or fix those rows."], source.name)
    stamps = pd.to_datetime(seconds, unit=time_unit)
    out = pd.DataFrame({"user_id": user, "timestamp": stamps, "event": frame["event"]})
    return out, {"user_id": "properties.distinct_id", "timestamp": "properties.time", "event": "event"}


def _amplitude_events(frame: pd.DataFrame, source: _Source, columns: list[str]
                      ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Amplitude's ``event_type`` and ``event_time`` as events; the user is ``user_id``, else ``device_id``."""
    missing = [c for c in ["event_type", "event_time"] if c not in frame]
    if missing:
        raise SchemaError([f"column {c!r} not found in {source.name}; its fields are: {_shown_columns(columns)}."
                           for c in missing], source.name)
    user = frame["user_id"] if "user_id" in frame else pd.Series(np.nan, index=frame.index, dtype=object)
    if "device_id" in frame:
        user = user.where(~_no_id(user), frame["device_id"])
    out = pd.DataFrame({"user_id": user, "timestamp": frame["event_time"], "event": frame["event_type"]})
    return out, {"timestamp": "event_time", "event": "event_type"}
