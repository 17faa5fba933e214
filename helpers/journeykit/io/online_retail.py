"""Reader of invoice lines like the UCI Online Retail data: orders net of cancellations.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import ParameterError, SchemaError, did_you_mean
from journeykit.io.contract import validate_orders
from journeykit.io.files import _about, _check_unique, _EXAMPLES, _header, _importer_hint, _no_id, _numbers, _options, _parse_times, _read_table, _report, _require, _shown_columns, _Source, _validated
from journeykit.io.timestamps import TimeOptions, parse_timestamps

__all__ = ["read_online_retail"]


_RETAIL_LAYOUT = ("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
                  "Country")


_RETAIL_CONTRACT = {"order_id": "InvoiceNo", "user_id": "CustomerID", "timestamp": "InvoiceDate"}


_SHOWN_SHARED = 20


def _retail_plan(source: _Source, mapping: object) -> dict[str, str]:
    """Which column of the file plays which part of the invoice-line layout: ``{layout column: file column}``.

    ``mapping`` is your column → a layout column (``"Quantity"``) or its
    contract name (``order_id`` for ``InvoiceNo``, ``user_id`` for
    ``CustomerID``, ``timestamp`` for ``InvoiceDate``).
    """
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise ParameterError(f"{source.name}: columns must be a mapping your column → layout column, e.g. "
                             f"{{'Customer': 'CustomerID'}}, got {type(mapping).__name__} {mapping!r}.", "columns")
    header = _header(source)
    allowed = [*_RETAIL_LAYOUT, *_RETAIL_CONTRACT]
    plan: dict[str, str] = {}
    problems = []
    for src, dst in mapping.items():
        if not isinstance(src, str) or not isinstance(dst, str):
            problems.append(f"columns={{{src!r}: {dst!r}}}: both names must be text (str).")
            continue
        if dst not in allowed:
            close = did_you_mean(dst, allowed)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"columns maps {src!r} onto {dst!r}{hint}, which is not a column of the invoice-line "
                            f"layout; map your columns onto {_shown_columns(allowed, 20)}.")
            continue
        target = _RETAIL_CONTRACT.get(dst, dst)
        if target in plan:
            problems.append(f"columns maps {plan[target]!r} and {src!r} both onto {target!r}; one column of the "
                            "layout can come from only one of your columns. Keep one of them.")
        elif src not in header:
            close = did_you_mean(src, header)
            hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
            problems.append(f"mapped column {src!r} is not in {source.name}{hint}; its columns are: "
                            f"{_shown_columns(header)}.")
        else:
            plan[target] = src
    if problems:
        raise SchemaError(problems, source.name)
    return {target: src for target, src in plan.items() if target != src}


def _net_cancellations(sales: pd.DataFrame, cancels: pd.DataFrame, orders: pd.DataFrame) -> tuple[pd.Series, dict]:
    """Each order's revenue net of the cancellations matched to it, and what could not be netted.

    ``sales`` and ``cancels`` are invoice lines with a customer, as integer
    codes: ``order``, ``user``, ``timestamp``, ``value`` and, when the file
    has stock codes, ``stock``; ``cancels`` values are negative. ``orders`` is
    one row per sales invoice (index ``order``; ``user``, ``timestamp``,
    ``revenue``). See :func:`read_online_retail` for the rules.
    """
    matched = np.full(len(cancels), -1, dtype=np.int64)
    if len(cancels) and len(sales):
        keys = [["user", "stock"], ["user"], ["user"]] if "stock" in cancels else [["user"], ["user"]]
        directions = ["backward", "backward", "forward"][-len(keys):]
        wanted = sales["user"].isin(cancels["user"].unique()).to_numpy()
        right_all = sales.loc[wanted, ["timestamp", "user", *(["stock"] if "stock" in sales else []), "order"]]
        right_all = right_all.sort_values("timestamp", kind="stable")
        left_all = cancels.assign(_line=np.arange(len(cancels))).sort_values("timestamp", kind="stable")
        for by, direction in zip(keys, directions):
            todo = matched[left_all["_line"].to_numpy()] < 0
            if not todo.any():
                break
            left = left_all.loc[todo, ["timestamp", *by, "_line"]]
            right = right_all[["timestamp", *by, "order"]]
            hit = pd.merge_asof(left, right, on="timestamp", by=by, direction=direction, allow_exact_matches=True)
            found = hit["order"].notna().to_numpy()
            matched[hit["_line"].to_numpy()[found]] = hit["order"].to_numpy()[found].astype(np.int64)
    unmatched = matched < 0
    values = cancels["value"].to_numpy()
    netted = pd.Series(values[~unmatched]).groupby(matched[~unmatched]).sum()
    net = (orders["revenue"] + netted.reindex(orders.index, fill_value=0.0)).round(2)
    # value cancelled beyond an order is taken from the customer's earlier orders (latest first), then from later
    # ones (earliest first); a customer's orders never go below zero in total
    left_over = 0.0
    if (net < 0).any():
        frame = pd.DataFrame({"user": orders["user"], "timestamp": orders["timestamp"], "net": net})
        frame = frame.rename_axis("_order").reset_index().sort_values(["user", "timestamp", "_order"],
                                                                      kind="stable", ignore_index=True)
        backward = frame.iloc[::-1]
        users = backward["user"]
        total = backward["net"].groupby(users, sort=False).cumsum()
        carry = total - total.groupby(users, sort=False).cummax().clip(lower=0)
        before = carry.groupby(users, sort=False).shift(1, fill_value=0.0)
        after_back = (backward["net"] + before - carry)[::-1]
        remaining = carry.groupby(users, sort=False).last()  # what the earliest order could not absorb (<= 0)
        start = frame["user"].map(remaining).to_numpy()
        running = np.minimum(0.0, start + after_back.groupby(frame["user"], sort=False).cumsum().to_numpy())
        previous = pd.Series(running).groupby(frame["user"], sort=False).shift(1).to_numpy()
        previous = np.where(np.isnan(previous), start, previous)
        final = after_back.to_numpy() + previous - running
        left_over = float(-running[frame["user"].ne(frame["user"].shift(-1)).to_numpy()].sum())
        net = pd.Series(final, index=frame["_order"].to_numpy()).reindex(orders.index).round(2)
    info = {"lines": int(len(cancels)), "netted_lines": int((~unmatched).sum()),
            "value": round(float(-values.sum()), 2),
            "unnetted_lines": int(unmatched.sum()),
            "unnetted_value": round(float(-values[unmatched].sum()) + left_over, 2)}
    return net, info


def read_online_retail(path: str | Path, *, columns: Mapping[str, str] | None = None,
                       drop_shared_invoices: bool = False, time_format: str | None = None,
                       dayfirst: bool | None = None, input_tz: str | None = None, ambiguous: str = "raise",
                       nonexistent: str = "raise", sep: str = ",", encoding: str = "utf-8",
                       tz: str | None = None) -> pd.DataFrame:
    """Read an invoice-line table like the UCI Online Retail data and build one row per order, net of cancellations.

    Columns: ``InvoiceNo``, ``InvoiceDate``, ``CustomerID``, ``Quantity``,
    ``UnitPrice`` and, when present, ``StockCode`` (``Description`` and
    ``Country`` are not needed and not read). ``InvoiceNo``, ``CustomerID``
    and ``StockCode`` are read as text, exactly as written: a file that stores
    ``17850.0`` gives the id ``"17850.0"``, not ``"17850"``.

    Definitions
    -----------
    - A **cancellation line** is a line of an invoice whose number starts
      with ``"C"``, or a line with a negative ``Quantity``; its value is
      −|Quantity × UnitPrice|. Every other line is a **sale**.
    - An **order** is a sales invoice with a customer: ``revenue`` = Σ
      Quantity × UnitPrice of its lines, net of the cancellations matched to
      it; ``items`` = Σ Quantity of its lines as invoiced; ``timestamp`` = its
      first line's date.
    - **Matching**: cancellations are netted against the revenue of the same
      customer. A cancellation line is matched to that customer's latest
      sales invoice at or before it holding the same ``StockCode``; failing
      that, to the customer's latest invoice at or before it; failing that
      (the sale happened before the file starts), to the customer's first
      invoice after it. Value cancelled beyond an invoice's own value is taken
      from the customer's earlier invoices, latest first, then from later
      ones; so a customer's revenue is their sales minus their cancellations,
      and never below zero.
    - An invoice whose net value is zero or less (free, or cancelled in full)
      is **not an order**. A cancelled invoice (``"C..."``) is never an order.

    Dropped, and counted in the report (:func:`import_report`): lines
    without a ``CustomerID``; cancellation lines of customers with no sale in
    the file (nothing to net them against); invoices with a net value of zero
    or less; with ``drop_shared_invoices=True``, the lines of invoices that
    name more than one customer. What was netted is in
    ``df.attrs["cancellations"]``: ``lines``, ``value`` (the cancelled value,
    a positive number), ``netted_lines``, ``unnetted_lines`` and
    ``unnetted_value``.

    Refused: lines without an invoice number, quantities or prices that are
    not numbers, and (unless ``drop_shared_invoices``) invoices whose lines
    name different customers, all listed.

    Parameters
    ----------
    path : str or Path
        The file (CSV, compressed or not, or Parquet).
    columns : mapping, optional
        Your column → a column of the layout (``"Quantity"``, ``"UnitPrice"``,
        ...) or its contract name (``"order_id"`` for ``InvoiceNo``,
        ``"user_id"`` for ``CustomerID``, ``"timestamp"`` for
        ``InvoiceDate``), e.g. ``{"Customer ID": "user_id", "Price": "UnitPrice"}``.
    drop_shared_invoices : bool, default False
        Drop, and count, the invoices that name more than one customer
        instead of refusing the file.
    time_format : str, optional
        Format of ``InvoiceDate``; by default ISO 8601 (``2010-12-01 08:26:00``)
        is recognised, and the day order of dates like the original file's
        ``12/1/2010 8:26`` is decided from the whole column (see
        :mod:`journeykit.io.timestamps`).
    dayfirst : bool, optional
        Settles the day order when the column does not.
    input_tz : str, optional
        Zone of the naive invoice dates (``"Europe/London"`` for the UCI data);
        they are converted to UTC. By default they are kept as they are.
    ambiguous, nonexistent : str, default "raise"
        Daylight-saving policy with ``input_tz`` (see :func:`journeykit.validate_events`).
    sep : str, default ","
        The CSV separator, one character.
    encoding : str, default "utf-8"
        The CSV's text encoding; the UCI file saved by Excel on Windows is
        ``"cp1252"``.
    tz : str, optional
        Deprecated name of ``input_tz``.

    Returns
    -------
    DataFrame
        Validated orders (see :func:`journeykit.validate_orders`) with
        ``items``, in the order of their first line in the file.

    Raises
    ------
    journeykit.errors.MissingFileError
        The path does not exist.
    journeykit.errors.ReadError
        The file cannot be read as a table (a folder, empty, truncated,
        another encoding or separator, rows with too many fields, ...).
    SchemaError
        A column of the layout is missing or ``columns`` does not fit the
        file; a line has no invoice number; a quantity or price is missing
        or not a number, or a quantity is not whole; dates cannot be parsed
        or their day order is undecided; an invoice names more than one
        customer (unless ``drop_shared_invoices``); or no order is left, or
        the orders break the contract.
    journeykit.errors.ParameterError
        An argument has the wrong type or value: ``path``, ``columns`` (not
        a mapping), ``drop_shared_invoices`` (not True or False), ``sep``,
        ``encoding``, ``input_tz``, ``ambiguous``, ``nonexistent``.

    Examples
    --------
    Customer 17850 buys two lanterns and a sign, then returns one lantern;
    customer 13047's invoice is cancelled in full.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "retail.csv").write_text(
    ...     "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\\n"
    ...     "536365,LANTERN,2,2010-12-01 08:26,10.00,17850\\n"
    ...     "536365,SIGN,1,2010-12-01 08:26,3.50,17850\\n"
    ...     "C536370,LANTERN,-1,2010-12-03 09:00,10.00,17850\\n"
    ...     "536371,MUG,4,2010-12-03 10:00,2.00,13047\\n"
    ...     "C536372,MUG,-4,2010-12-03 11:00,2.00,13047\\n")
    >>> orders = read_online_retail(folder / "retail.csv")
    >>> orders[["order_id", "user_id", "revenue", "items"]]
      order_id user_id  revenue  items
    0   536365   17850     13.5      3
    >>> from journeykit import import_report
    >>> import_report(orders)[["reason", "rows"]].to_dict("records")
    [{'reason': 'invoices with a net value of zero or less (free, or cancelled in full)', 'rows': 1}]
    >>> orders.attrs["cancellations"]["value"]
    18.0
    """
    options = _options(path, time_format, dayfirst, input_tz, tz, ambiguous, nonexistent)
    with _about(path):
        params.flag(drop_shared_invoices, "drop_shared_invoices")
    source = _Source(path, sep=sep, encoding=encoding)
    plan = _retail_plan(source, columns)
    name = {c: plan.get(c, c) for c in _RETAIL_LAYOUT}  # layout column → the file's name for it
    needed = ["InvoiceNo", "InvoiceDate", "CustomerID", "Quantity", "UnitPrice"]
    _require(source, [name[c] for c in needed], " Expected the UCI Online Retail layout (one row per invoice line); "
                                                "rename your columns to these names or map them with columns=.")
    lines, invoices, customers, rows_read, no_customer = _invoice_lines(source, name, needed, options)
    dropped = {f"lines without {name['CustomerID']}": no_customer}
    lines, in_shared = _shared_invoices(lines, invoices, customers, source, name, drop_shared_invoices)
    if in_shared:
        dropped["lines of invoices naming more than one customer"] = in_shared
    is_cancel = lines["cancelled"].to_numpy()
    sales, cancels = lines[~is_cancel].drop(columns="cancelled"), lines[is_cancel].drop(columns="cancelled")
    del lines, is_cancel  # a file of millions of lines: hold its lines once
    orders, cancellations = _net_orders(sales, cancels)
    del sales, cancels
    non_positive = orders["revenue"] <= 0
    dropped["cancellation lines of customers with no sale in the file (nothing to net them against)"] = \
        cancellations["unnetted_lines"]
    dropped["invoices with a net value of zero or less (free, or cancelled in full)"] = int(non_positive.sum())
    orders = orders[~non_positive]
    out = pd.DataFrame({"order_id": invoices[orders.index.to_numpy()], "user_id": customers[orders["user"].to_numpy()],
                        "timestamp": orders["timestamp"].to_numpy(), "revenue": orders["revenue"].to_numpy(),
                        "items": orders["items"].to_numpy().astype("int64")}, index=orders["row"].to_numpy())
    names = {"order_id": name["InvoiceNo"], "user_id": name["CustomerID"], "timestamp": name["InvoiceDate"]}
    out = _validated(validate_orders, out, source, names=names).reset_index(drop=True)
    out = _report(out, source.path, rows_read, dropped)
    out.attrs["cancellations"] = cancellations
    return out



def _invoice_lines(source: _Source, name: dict[str, str], needed: list[str], options: TimeOptions
                   ) -> tuple[pd.DataFrame, pd.Index, pd.Index, int, int]:
    """The file's lines with a customer, ids as integer codes: (lines, invoices, customers, rows read, lines dropped).

    Columns are consumed one by one (pop) and ids turned into integer codes, so
    that a file of millions of lines is held about once in memory.
    """
    layout = needed + (["StockCode"] if name["StockCode"] in _header(source) else [])
    _check_unique(source, [name[c] for c in layout])
    text = [name[c] for c in ("InvoiceNo", "InvoiceDate", "CustomerID", "StockCode") if c in layout]
    frame = _read_table(source, [name[c] for c in layout], text=text)
    frame.columns = layout
    rows_read = len(frame)
    invoice = frame.pop("InvoiceNo").str.strip()
    no_invoice = _no_id(invoice)
    if no_invoice.any():
        rows = ", ".join(map(str, frame.index[no_invoice.to_numpy()][:_EXAMPLES]))
        raise SchemaError([f"column {name['InvoiceNo']!r} has {int(no_invoice.sum())} lines without an invoice "
                           f"number (rows {rows}); every line belongs to an invoice. Fix or drop those rows."],
                          source.name)
    quantity = _numbers(frame.pop("Quantity"), source, name["Quantity"], whole=True).to_numpy()
    price = _numbers(frame.pop("UnitPrice"), source, name["UnitPrice"]).to_numpy()
    times = _parse_distinct_times(frame.pop("InvoiceDate"), options, source, name["InvoiceDate"])
    cancelled = invoice.str.upper().str.startswith("C").to_numpy(dtype=bool, na_value=False) | (quantity < 0)
    invoice_code, invoices = pd.factorize(invoice)
    del invoice
    customer = frame.pop("CustomerID").str.strip()
    no_customer = _no_id(customer).to_numpy()
    customer_code, customers = pd.factorize(customer.where(~no_customer))
    del customer
    stock_code = pd.factorize(frame.pop("StockCode").str.strip())[0] if "StockCode" in frame else None
    del frame
    value = np.abs(quantity * price)
    value[cancelled] *= -1
    kept = np.flatnonzero(~no_customer)
    lines = pd.DataFrame({"order": invoice_code[kept], "user": customer_code[kept], "timestamp": times[kept],
                          "value": value[kept], "quantity": quantity[kept], "row": kept, "cancelled": cancelled[kept]})
    if stock_code is not None:
        lines["stock"] = stock_code[kept]
    return lines, invoices, customers, rows_read, int(no_customer.sum())


def _shared_invoices(lines: pd.DataFrame, invoices: pd.Index, customers: pd.Index, source: _Source,
                     name: dict[str, str], drop: bool) -> tuple[pd.DataFrame, int]:
    """Refuse invoices whose lines name more than one customer, listing them; or drop them: (lines, lines dropped)."""
    pairs = lines[["order", "user"]].drop_duplicates()
    shared = pairs.loc[pairs["order"].duplicated(), "order"].unique()
    if not len(shared):
        return lines, 0
    if not drop:
        shown = []
        for order in shared[:_SHOWN_SHARED]:
            ids = customers[pairs.loc[pairs["order"] == order, "user"].to_numpy()].tolist()
            shown.append(f"{invoices[order]!r} ({', '.join(map(repr, ids[:3]))}{', ...' if len(ids) > 3 else ''})")
        more = f" and {len(shared) - _SHOWN_SHARED} more" if len(shared) > _SHOWN_SHARED else ""
        raise SchemaError([f"column {name['CustomerID']!r} names more than one customer on {len(shared)} "
                           f"invoice{'s' if len(shared) > 1 else ''}: {'; '.join(shown)}{more}. An invoice "
                           "belongs to one customer: fix those lines, or pass drop_shared_invoices=True "
                           "(--drop-shared-invoices on the command line) to drop them and have them counted."],
                          source.name)
    in_shared = lines["order"].isin(shared).to_numpy()
    return lines[~in_shared], int(in_shared.sum())


def _net_orders(sales: pd.DataFrame, cancels: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """One row per sales invoice, its revenue net of the cancellations matched to it; and what was netted."""
    orders = sales.groupby("order", sort=False).agg(user=("user", "first"), timestamp=("timestamp", "min"),
                                                    revenue=("value", "sum"), items=("quantity", "sum"),
                                                    row=("row", "first"))
    net, cancellations = _net_cancellations(sales, cancels, orders)
    orders["revenue"] = net
    return orders, cancellations


def _parse_distinct_times(values: pd.Series, options: TimeOptions, source: _Source, column: str) -> np.ndarray:
    """A timestamp column parsed by the kit's rules, each distinct value once (invoice lines repeat their date).

    The distinct values keep the order, and the row, of their first line, so
    the column's format and day order are decided as for the whole column;
    when a value is refused the whole column is parsed again, so that the
    message counts and names the rows of the file.
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    first_rows = np.full(len(distinct), len(values), dtype=np.int64)
    np.minimum.at(first_rows, codes, np.arange(len(values)))
    parsed, problems = parse_timestamps(pd.Series(distinct, index=values.index[first_rows]), column, options)
    if problems:
        _parse_times(values, options, source, column)  # raises, naming the file's rows
        raise SchemaError([_importer_hint(p) for p in problems], source.name)
    return parsed.to_numpy()[codes]
