"""Exercises of lesson 07: Your own data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import tiny_table as _tiny_table
from journeykit.errors import JourneyKitError


# A tiny invoice-line export for exercise 7.1, small enough to work out by hand.
_TINY_EXPORT = """Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID
100,LAMP,2,02/03/2025 10:00,12.00,007
100,MUG,3,02/03/2025 10:00,4.00,007
101,MUG,1,05/03/2025 16:30,4.00,
102,LAMP,1,14/03/2025 09:15,12.00,042
C103,MUG,-1,20/03/2025 11:00,4.00,007
104,CARD,5,21/03/2025 12:00,0.00,042
"""


_EXPORT_COLUMNS = {"Invoice": "InvoiceNo", "Customer ID": "CustomerID", "Price": "UnitPrice"}


def _read_export_text(text: str, **options) -> pd.DataFrame:
    import tempfile

    from journeykit.io.online_retail import read_online_retail

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_text(text, encoding="utf-8")
        return read_online_retail(path, columns=_EXPORT_COLUMNS, **options)


def _tiny_orders(mistake: str | None = None) -> tuple[int, float]:
    """(orders, net revenue) of the tiny export, as the kit reads it, or as a typical mistake would."""
    orders = _read_export_text(_TINY_EXPORT)
    count, revenue = len(orders), round(float(orders["revenue"].sum()), 2)
    cancelled = orders.attrs["cancellations"]["value"]
    if mistake == "gross":  # the cancellation not subtracted
        return count, round(revenue + cancelled, 2)
    if mistake == "guest":  # the line without a customer kept
        return count + 1, round(revenue + 4.0, 2)
    if mistake == "free":  # the invoice worth nothing counted as an order
        return count + 1, revenue
    if mistake == "every invoice":  # the free invoice and the cancellation counted as orders
        return count + 2, revenue
    return count, revenue


def _first_week_reading() -> str:
    """What the kit does with the export's lines up to 7 January 2025: 'day first', 'month first' or 'refuse'."""
    from journeykit.course import datasets

    lines = datasets.path("shop_export").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    dates = pd.to_datetime(pd.Series(rows).str.extract(r"(\d\d/\d\d/\d{4} \d\d:\d\d)")[0],
                           format="%d/%m/%Y %H:%M")
    first_week = [row for row, when in zip(rows, dates) if when < pd.Timestamp("2025-01-08")]
    try:
        orders = _read_export_text("\n".join([header, *first_week]) + "\n", drop_shared_invoices=True)
    except JourneyKitError:
        return "refuse"
    return "day first" if orders["timestamp"].dt.day.max() <= 7 else "month first"


def _shared_invoice() -> str:
    return "drop"


def _shared_invoice_rubric() -> str:
    from journeykit.course import datasets

    raw = datasets.load("shop_export")
    sales = raw[~raw["Invoice"].str.startswith("C") & raw["Customer ID"].ne("")]
    customers = sales.groupby("Invoice")["Customer ID"].nunique()
    shared = customers[customers > 1].index
    value = sales["Quantity"].astype(float) * sales["Price"].astype(float)
    at_stake = value[sales["Invoice"].isin(shared)].sum()
    return (f"A good answer weighs three things. (1) What is at stake: {len(shared)} invoice "
            f"({', '.join(shared)}), {int(sales['Invoice'].isin(shared).sum())} lines, {at_stake:,.2f} EUR, "
            f"{at_stake / value.sum():.2%} of the export's sales. (2) Whether the file can say which customer is "
            "right: it cannot, both numbers belong to real customers, so 'fixing' it here would be a guess. "
            "(3) That the choice is visible: drop_shared_invoices=True counts the dropped lines in the import "
            "report, and the reconciliation shows the order missing. Model answer: drop it, say so in the report, "
            "and ask the order system's owner which customer is right; fix it at the source once you know.")


EXERCISES = [
    _Exercise("7.1", "07_your_own_data.ipynb", "by hand: (number of orders, net revenue in EUR) in the tiny "
                                               "export of jk.exercise_data('7.1')",
              _tiny_orders,
              [(lambda: _tiny_orders("gross"), "Close: the count is right, but C103 cancels a mug of invoice 100; "
                                               "subtract it from the revenue."),
               (lambda: _tiny_orders("guest"), "Not quite: invoice 101 has no customer, so it cannot be anyone's "
                                               "order; it is dropped (and counted as dropped)."),
               (lambda: _tiny_orders("free"), "Not quite: invoice 104 is worth nothing (five cards at 0.00); an "
                                              "invoice with no value is not an order."),
               (lambda: _tiny_orders("every invoice"), "Not quite: C103 is a cancellation and 104 is worth "
                                                       "nothing; neither is an order.")],
              tolerance=0.001, relative=0.0),
    _Exercise("7.2", "07_your_own_data.ipynb", "decide: {'decision': 'drop' or 'fix', 'reason': '...'} for the "
                                               "invoice that names two customers",
              _shared_invoice,
              [(lambda: "fix", "Not the choice we would make here: fixing is right only when someone (the order "
                               "system, the shop) can tell you which customer is right; from the file alone it would "
                               "be a guess. Drop it, say so, and ask.")],
              rubric=_shared_invoice_rubric),
    _Exercise("7.3", "07_your_own_data.ipynb", "predict: what does the kit do with the export's lines up to 7 "
                                               "January 2025: 'day first', 'month first' or 'refuse'?",
              _first_week_reading,
              [(lambda: "day first", "Not quite: the kit decides the day order from the column it is given. "
                                     "Up to 7 January no day is above 12, so nothing in those lines settles it."),
               (lambda: "month first", "Not quite: the kit never guesses month first (nor day first) when the "
                                       "dates read both ways; look at the days of the first week.")]),
]

DATA = {"7.1": lambda: _tiny_table(_TINY_EXPORT)}

HINTS: dict[str, tuple[str, str, str]] = {
    "7.1": ("An order is a sales invoice with a customer; its value is what it sold minus what was cancelled.",
            "Go invoice by invoice: which have no customer, which start with C, which are worth nothing?",
            "Per invoice, Σ Quantity × Price; a C line is subtracted from the same customer's invoice with the same "
            "product; an invoice without a customer, or with no value left, is not an order."),
    "7.2": ("Weigh how much is at stake against what you would have to guess.",
            "Look at the invoice's lines and value: does anything in the file say which customer is right?",
            "Compare dropping it (drop_shared_invoices=True, counted in the import report) with picking one."),
    "7.3": ("The kit decides a column's day order from every value in it, and never guesses.",
            "Look at the days in the first week of January: can any of them only be read one way?",
            "A date like 13/01/2025 settles day first; without one, the kit refuses and asks for dayfirst=."),
}
