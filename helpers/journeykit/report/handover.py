"""Validated tables handed from the command to the report template, so that each file is read once.

The command reads and checks every input file, then saves the validated
tables here as Parquet, with what the readers recorded (rows read, rows
dropped and why, cancellations netted) in ``inputs.json``. The template loads
them back in a moment, whatever the size and format of the original export.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from journeykit.errors import MissingFileError, ParameterError

__all__ = ["INPUTS", "save_inputs", "load_inputs"]

INPUTS = ("events", "orders", "surveys")
"""The kinds of table a report reads, in the order the report shows them."""

_META = "inputs.json"


def save_inputs(folder: str | Path, tables: Mapping[str, pd.DataFrame | None],
                sources: Mapping[str, Mapping] | None = None) -> Path:
    """Save validated tables and what their readers recorded into ``folder``.

    Parameters
    ----------
    folder : str or Path
        Created if missing.
    tables : mapping
        ``"events"``, ``"orders"`` and/or ``"surveys"`` → validated table (or
        None for an input not given).
    sources : mapping, optional
        Per input, what to tell the reader of the report about its file:
        ``file`` (name), ``format``, ``columns`` (the mapping used), ...

    Returns
    -------
    Path
        The folder.

    Examples
    --------
    >>> import tempfile
    >>> orders = pd.DataFrame({"order_id": ["1"], "user_id": ["a"], "timestamp": pd.to_datetime(["2025-01-01"]),
    ...                        "revenue": [9.5]})
    >>> folder = save_inputs(tempfile.mkdtemp(), {"orders": orders}, {"orders": {"file": "orders.csv"}})
    >>> tables, sources = load_inputs(folder)
    >>> list(tables), sources["orders"]["file"], tables["orders"]["revenue"].tolist()
    (['orders'], 'orders.csv', [9.5])
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    meta: dict[str, dict] = {}
    for name, frame in tables.items():
        if name not in INPUTS:
            raise ParameterError(f"tables: {name!r} is not one of {', '.join(INPUTS)}.", "tables")
        if frame is None:
            continue
        plain = frame.copy(deep=False)
        plain.attrs = {}
        plain.to_parquet(folder / f"{name}.parquet", index=False)
        meta[name] = {"rows_read": frame.attrs.get("rows_read"),
                      "import_report": list(frame.attrs.get("import_report", [])),
                      "cancellations": frame.attrs.get("cancellations"),
                      **dict((sources or {}).get(name, {}))}
    (folder / _META).write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    return folder


def load_inputs(folder: str | Path) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """The tables saved by :func:`save_inputs`, with their readers' records back in ``attrs``, and the sources.

    Examples
    --------
    >>> load_inputs("no/such/folder")
    Traceback (most recent call last):
    ...
    journeykit.errors.MissingFileError: no/such/folder: no report inputs here (inputs.json is missing). The report command writes them; run it instead of the template.
    """
    folder = Path(folder)
    if not (folder / _META).is_file():
        raise MissingFileError(folder, f"no report inputs here ({_META} is missing). The report command writes "
                                       "them; run it instead of the template.")
    meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    tables = {}
    for name in INPUTS:
        if name not in meta:
            continue
        frame = pd.read_parquet(folder / f"{name}.parquet")
        frame.attrs = {"import_report": meta[name].get("import_report") or []}
        if meta[name].get("rows_read") is not None:
            frame.attrs["rows_read"] = int(meta[name]["rows_read"])
        if meta[name].get("cancellations"):
            frame.attrs["cancellations"] = meta[name]["cancellations"]
        tables[name] = frame
    return tables, meta
