"""A report on your own data that you can hand to a manager.

``python -m journeykit report`` reads your files once, checks them, saves the
validated tables (:func:`save_inputs`), runs the template notebook that ships
with the package (:data:`TEMPLATE`) and writes into ``--out``:

- ``report.html``: one self-contained page (figures embedded, nothing loaded
  from the network, no code), made by :func:`notebook_to_html`;
- ``report.ipynb``: the executed template;
- ``tables/<name>.csv``: the numbers of every table shown;
- ``summary.json``: the headline numbers (see :func:`summary`).

The template's cells are one call each; the computations are in
:class:`Report`, which works from whichever of events, orders and survey
answers were given, and leaves out, with the reason, the sections they cannot
support.

Examples
--------
>>> import pandas as pd
>>> from journeykit.report import Report
>>> events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["visit", "purchase", "visit"],
...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05", "2025-01-02 09:00"])})
>>> report = Report(events=events)
>>> report.section("funnel").tables["funnel"][["step", "users"]]
       step  users
0     visit      2
1  purchase      1
>>> report.section("value").skipped.startswith("customer value is measured on orders")
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from journeykit.report.handover import INPUTS, load_inputs, save_inputs
from journeykit.report.page import notebook_to_html
from journeykit.report.sections import DEFAULT_STEPS, SECTIONS, Report, Section, summary

__all__ = ["Report", "Section", "SECTIONS", "DEFAULT_STEPS", "INPUTS", "TEMPLATE", "template_path", "summary",
           "save_inputs", "load_inputs", "notebook_to_html"]

TEMPLATE = "template.ipynb"
"""File name of the report template, shipped inside this package."""


def template_path() -> Path:
    """Where the report template is, inside the installed package (also from a wheel).

    Examples
    --------
    >>> template_path().name, template_path().is_file()
    ('template.ipynb', True)
    """
    return Path(str(resources.files(__name__).joinpath(TEMPLATE)))
