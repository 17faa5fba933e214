"""Load the course's sample datasets by name, offline.

The tables live in the course's ``datasets/`` folder (their data dictionary is
``datasets/README.md``): compressed CSV files that follow the data contract,
and one raw export, ``shop_export``, as an order system writes it (lesson 07
reads it). The course folder is found by :func:`course_dir`; set the
environment variable ``JOURNEYKIT_DATA`` to read the tables from another
folder.

Examples
--------
>>> from journeykit import datasets
>>> datasets.names()[:4]
['shop_events', 'shop_orders', 'shop_surveys', 'shop_users']
>>> events = datasets.load("shop_events")
>>> list(events.columns)
['user_id', 'timestamp', 'event', 'channel', 'device', 'session_id', 'revenue']
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from journeykit.errors import MissingFileError, ParameterError, did_you_mean
from journeykit.io.contract import validate_events, validate_orders, validate_surveys

__all__ = ["names", "describe", "load", "load_business", "path", "data_dir", "course_dir", "sample_folder"]

# name -> (kind: the contract it follows, or "export" for a raw file; file name; one-line description)
_CATALOG: dict[str, tuple[str, str, str]] = {
    "shop_events": ("events", "shop_events.csv.gz",
                    "Online shop: every visit, product view, cart, checkout, purchase, delivery, support contact, "
                    "review and referral."),
    "shop_orders": ("orders", "shop_orders.csv.gz",
                    "Online shop: one row per order with its revenue and number of items."),
    "shop_surveys": ("surveys", "shop_surveys.csv.gz",
                     "Online shop: NPS and CSAT answers at checkout, delivery, support and cart, with comments."),
    "shop_users": ("users", "shop_users.csv.gz",
                   "Online shop: one row per person, with first visit, acquisition channel, device and referrer."),
    "shop_export": ("export", "shop_export.csv",
                    "Online shop: a fifth of its customers' orders as its order system exports them (invoice "
                    "lines, day-first dates, cancellations, guest checkouts); raw, for lesson 07."),
    "subscription_events": ("events", "subscription_events.csv.gz",
                            "Subscription app: visits, trials, setup, feature use, subscriptions, renewals and "
                            "cancellations."),
    "subscription_invoices": ("orders", "subscription_invoices.csv.gz",
                              "Subscription app: one row per payment (first subscription or renewal)."),
    "subscription_surveys": ("surveys", "subscription_surveys.csv.gz",
                             "Subscription app: onboarding CSAT and in-app NPS answers."),
    "subscription_users": ("users", "subscription_users.csv.gz",
                           "Subscription app: one row per person, with first visit, acquisition channel and "
                           "device."),
    "mealkit_events": ("events", "mealkit_events.csv.gz",
                       "Meal-kit service (the capstone's business): visits, sign-up steps, first box, weekly "
                       "deliveries, recipe choices, skips, pauses, support contacts, referrals and cancellations."),
    "mealkit_orders": ("orders", "mealkit_orders.csv.gz",
                       "Meal-kit service: one row per box charged, with its number, discount and delivery outcome."),
    "mealkit_surveys": ("surveys", "mealkit_surveys.csv.gz",
                        "Meal-kit service: CSAT at sign-up, delivery, support and cancellation; in-app NPS."),
    "mealkit_users": ("users", "mealkit_users.csv.gz",
                      "Meal-kit service: one row per person, with first visit, acquisition channel, device, "
                      "household size and referrer."),
}

_DTYPES = {"user_id": "str", "event": "str", "channel": "str", "device": "str", "session_id": "str",
           "revenue": "float64", "order_id": "str", "items": "Int64", "plan": "str", "touchpoint": "str",
           "stage": "str", "nps": "Int64", "csat": "Int64", "comment": "str", "response_id": "str",
           "acquisition_channel": "str", "referred_by": "str", "phase": "str", "box_number": "Int64",
           "discount": "float64", "delivery": "str", "household": "Int64"}
_MARKERS = ("datasets/README.md", "notebooks")  # what makes a folder the course's top folder


def _is_course(folder: Path) -> bool:
    return all((folder / marker).exists() for marker in _MARKERS)


def course_dir() -> Path:
    """The course's top folder: the one that holds ``datasets/`` and ``notebooks/``.

    ``$JOURNEYKIT_COURSE`` when set; otherwise the current folder or the
    nearest folder above it that holds both (a notebook runs in
    ``notebooks/``, a command in the top folder). The package itself does not
    need the course: it is found only for the sample data, the lessons and
    their solutions.

    Raises
    ------
    MissingFileError
        If no course folder is found, saying how to point at one.

    Examples
    --------
    >>> (course_dir() / "datasets" / "README.md").is_file()
    True
    """
    configured = os.environ.get("JOURNEYKIT_COURSE")
    if configured:
        folder = Path(configured).expanduser()
        if not _is_course(folder):
            raise MissingFileError(folder, "is not the course folder (JOURNEYKIT_COURSE): it should hold "
                                           "datasets/README.md and notebooks/.")
        return folder
    here = Path.cwd()
    for folder in (here, *here.parents):
        if _is_course(folder):
            return folder
    raise MissingFileError(here, "is not inside the course folder (the one holding datasets/ and notebooks/). "
                                 "Run from the course folder, or set JOURNEYKIT_COURSE to it.")


def data_dir() -> Path:
    """The folder the sample files are read from.

    ``$JOURNEYKIT_DATA`` when set, otherwise ``datasets/`` in :func:`course_dir`.
    """
    configured = os.environ.get("JOURNEYKIT_DATA")
    return Path(configured) if configured else course_dir() / "datasets"


def sample_folder(path: str | Path) -> Path | None:
    """The sample-data folder that ``path`` is in (or is), or None.

    A sample-data folder is ``$JOURNEYKIT_DATA``, or a ``datasets/`` folder
    of a course (beside its ``notebooks/``). Commands never write into one.

    Examples
    --------
    >>> sample_folder(course_dir() / "datasets" / "new_report") == course_dir() / "datasets"
    True
    >>> sample_folder(course_dir() / "reports") is None
    True
    """
    path = Path(path).expanduser().resolve()
    configured = os.environ.get("JOURNEYKIT_DATA")
    candidates = [Path(configured).expanduser().resolve()] if configured else []
    candidates += [folder for folder in (path, *path.parents) if folder.name == "datasets" and
                   _is_course(folder.parent)]
    return next((folder for folder in candidates if folder == path or folder in path.parents), None)


def names() -> list[str]:
    """Names of every sample table, in catalogue order."""
    return list(_CATALOG)


def describe() -> pd.DataFrame:
    """One row per sample table: its name, business, kind (the contract it follows, or ``export``), file and description.

    Examples
    --------
    >>> describe().loc[0, ["name", "business", "kind"]].tolist()
    ['shop_events', 'shop', 'events']
    """
    rows = [{"name": name, "business": name.split("_")[0], "kind": kind, "file": file, "description": text}
            for name, (kind, file, text) in _CATALOG.items()]
    return pd.DataFrame(rows)


def path(name: str) -> Path:
    """The file behind a sample table.

    Raises
    ------
    ParameterError
        If ``name`` is not a sample table (the message suggests the closest names).
    MissingFileError
        If the file is missing (with the command that regenerates it).
    """
    if not isinstance(name, str) or name not in _CATALOG:
        close = did_you_mean(name, list(_CATALOG), cutoff=0.4)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ParameterError(f"no sample table called {name!r}.{hint} Known tables: {', '.join(_CATALOG)}.", "name")
    file = data_dir() / _CATALOG[name][1]
    if not file.exists():
        raise MissingFileError(
            file, "sample file is missing. Run the course from its folder (or set JOURNEYKIT_COURSE to it), "
            "set JOURNEYKIT_DATA to the folder holding the files, or regenerate them with "
            "`python -m journeykit generate --out datasets`."
        )
    return file


def load(name: str) -> pd.DataFrame:
    """Load one sample table, validated against the data contract.

    Parameters
    ----------
    name : str
        One of :func:`names`, e.g. ``"shop_events"``.

    Returns
    -------
    DataFrame
        The table with timestamps parsed (naive, UTC) and ids as strings. A
        fresh copy on every call: changing it never changes the file. The raw
        export ``shop_export`` comes back as written, every column text and
        nothing checked; read it with :func:`journeykit.read_online_retail`
        as lesson 07 shows.

    Examples
    --------
    >>> orders = load("shop_orders")
    >>> orders["timestamp"].dtype
    dtype('<M8[ns]')
    >>> load("shop_export").loc[0, ["Invoice", "InvoiceDate", "Customer ID"]].tolist()
    ['536000', '04/01/2025 10:15', '012570']
    """
    file = path(name)
    kind = _CATALOG[name][0]
    if kind == "export":
        return pd.read_csv(file, dtype=str, keep_default_na=False)
    header = pd.read_csv(file, nrows=0).columns
    df = pd.read_csv(file, dtype={c: t for c, t in _DTYPES.items() if c in header}, keep_default_na=True)
    if kind == "events":
        return validate_events(df)
    if kind == "orders":
        return validate_orders(df)
    if kind == "surveys":
        return validate_surveys(df)
    df["first_seen"] = pd.to_datetime(df["first_seen"], format="%Y-%m-%d %H:%M:%S").astype("datetime64[ns]")
    return df


def load_business(business: str) -> dict[str, pd.DataFrame]:
    """Load every table of one sample business (``"shop"``, ``"subscription"`` or ``"mealkit"``).

    Returns
    -------
    dict of str to DataFrame
        Keyed by table, e.g. ``{"events": ..., "orders": ..., "surveys": ..., "users": ...}``.
    """
    tables = {name.removeprefix(f"{business}_"): load(name) for name, (kind, _, _) in _CATALOG.items()
              if name.startswith(f"{business}_") and kind != "export"}
    if not tables:
        raise ParameterError(f"no sample business called {business!r}; choose 'shop', 'subscription' or 'mealkit'.", "business")
    return tables
