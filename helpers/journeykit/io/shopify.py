"""Reader of a Shopify-like orders export.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from journeykit.errors import SchemaError
from journeykit.io.contract import validate_orders
from journeykit.io.files import _check_unique, _EXAMPLES, _header, _no_id, _numbers, _read_table, _report, _require, _Source, _validated

__all__ = ["read_shopify_orders"]


def read_shopify_orders(path: str | Path, *, sep: str = ",", encoding: str = "utf-8") -> pd.DataFrame:
    """Read a Shopify-like orders export (one row per line item) into one row per order.

    Columns used: ``Name`` (the order number, e.g. ``#1001``), ``Email`` (or
    ``Customer ID`` when present) as the customer, ``Created at`` (with its
    UTC offset, converted to UTC), ``Total``, ``Lineitem quantity``, and
    optionally ``Financial Status``, ``Refunded Amount`` and ``Source``
    (→ ``channel``). Order-level fields are read from each order's first row.
    Ids are read as text, exactly as written.

    Dropped, and counted in the report: refunded or voided orders, orders
    refunded in full (``Refunded Amount`` equal to ``Total``), and orders
    without a customer. Partially refunded orders count net of ``Refunded Amount``.
    Refused: rows without an order ``Name``, and amounts or quantities that are
    not numbers.

    Parameters
    ----------
    path : str or Path
        The export (CSV, compressed or not, or Parquet).
    sep : str, default ","
        The CSV separator, one character.
    encoding : str, default "utf-8"
        The CSV's text encoding.

    Returns
    -------
    DataFrame
        Validated orders (see :func:`journeykit.validate_orders`), one row
        per order in the order of their first line: ``order_id`` (from
        ``Name``), ``user_id``, ``timestamp`` (naive UTC), ``revenue``, and
        ``items`` and ``channel`` when the file has their columns. The rows
        dropped are listed by :func:`journeykit.import_report`.

    Raises
    ------
    journeykit.errors.MissingFileError
        The path does not exist.
    journeykit.errors.ReadError
        The file cannot be read as a table (a folder, empty, truncated,
        another encoding or separator, rows with too many fields, ...).
    SchemaError
        A required column is missing (``Name``, ``Created at``, ``Total``,
        and ``Email`` when there is no ``Customer ID``); a row has no
        ``Name``; ``Total``, ``Refunded Amount`` or ``Lineitem quantity``
        holds text that is not a number; a line item quantity is missing or
        not whole; no order is left (all refunded, voided or without a
        customer); or the orders break the contract (e.g. a missing total).
    journeykit.errors.ParameterError
        If ``path`` is not a str or Path, ``sep`` is not one character or
        ``encoding`` is unknown.

    Examples
    --------
    Order #1001 has two line items; #1002 was refunded in full.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "orders_export.csv").write_text(
    ...     "Name,Email,Created at,Total,Lineitem quantity,Financial Status,Source\\n"
    ...     "#1001,ann@example.com,2025-01-02 10:00:00 +0100,40.00,1,paid,web\\n"
    ...     "#1001,,,,2,,\\n"
    ...     "#1002,bob@example.com,2025-01-03 12:00:00 +0100,25.00,1,refunded,web\\n")
    >>> orders = read_shopify_orders(folder / "orders_export.csv")
    >>> orders
      order_id          user_id           timestamp  revenue  items channel
    0    #1001  ann@example.com 2025-01-02 09:00:00     40.0      3     web
    >>> orders.attrs["import_report"]
    [{'file': 'orders_export.csv', 'reason': 'refunded or voided orders', 'rows': 1}]
    """
    source = _Source(path, sep=sep, encoding=encoding)
    header = _header(source)
    _require(source, ["Name", "Created at", "Total"], " Expected a Shopify orders export.", mappable=False)
    customer_col = "Customer ID" if "Customer ID" in header else "Email"
    _require(source, [customer_col], " Expected a Shopify orders export.", mappable=False)
    wanted = [c for c in ["Name", customer_col, "Created at", "Total", "Lineitem quantity", "Financial Status",
                          "Refunded Amount", "Source"] if c in header]
    _check_unique(source, wanted)
    frame = _read_table(source, wanted, text=wanted)
    rows_read = len(frame)
    no_name = _no_id(frame["Name"])
    if no_name.any():
        rows = ", ".join(map(str, frame.index[no_name][:_EXAMPLES]))
        raise SchemaError([f"column 'Name' has {int(no_name.sum())} rows without an order number (rows {rows}); "
                           "every line item needs its order's Name. Fix or drop those rows."], source.name)
    total = _numbers(frame["Total"], source, "Total", required=False)
    refunded_amount = (_numbers(frame["Refunded Amount"], source, "Refunded Amount", required=False)
                       if "Refunded Amount" in frame else None)
    quantity = (_numbers(frame["Lineitem quantity"], source, "Lineitem quantity", whole=True)
                if "Lineitem quantity" in frame else None)
    frame = frame.assign(Total=total, _row=frame.index)
    if refunded_amount is not None:
        frame["Refunded Amount"] = refunded_amount
    grouped = frame.groupby("Name", sort=False)
    first = grouped.first()  # order-level fields are filled on the first row only; first() skips blanks
    orders = pd.DataFrame({"order_id": first.index, "user_id": first[customer_col].to_numpy(),
                           "timestamp": first["Created at"].to_numpy(), "revenue": first["Total"].to_numpy()},
                          index=first["_row"].to_numpy())
    if quantity is not None:
        orders["items"] = quantity.groupby(frame["Name"], sort=False).sum().to_numpy().astype("int64")
    if "Source" in frame:
        orders["channel"] = first["Source"].to_numpy()
    dropped = {}
    if "Refunded Amount" in frame:  # partial refunds are netted, with or without a Financial Status column
        orders["revenue"] = orders["revenue"] - first["Refunded Amount"].fillna(0).to_numpy()
    if "Financial Status" in frame:
        status = first["Financial Status"].fillna("").str.strip().str.lower().to_numpy()
        refunded = np.isin(status, ["refunded", "voided"])
        dropped["refunded or voided orders"] = int(refunded.sum())
        orders = orders[~refunded]
    fully_refunded = (orders["revenue"] <= 0).to_numpy()  # refunded in full, whatever the status says
    if fully_refunded.any():
        dropped["orders refunded in full"] = int(fully_refunded.sum())
        orders = orders[~fully_refunded]
    no_customer = _no_id(orders["user_id"])
    dropped["orders without a customer"] = int(no_customer.sum())
    orders = orders[~no_customer.to_numpy()]
    names = {"order_id": "Name", "user_id": customer_col, "timestamp": "Created at", "revenue": "Total"}
    out = _validated(validate_orders, orders, source, names=names).reset_index(drop=True)
    return _report(out, source.path, rows_read, dropped)
