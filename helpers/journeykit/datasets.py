"""Load the course's sample datasets by name, offline.

The tables live as compressed CSV files in the repository's ``datasets/``
folder (their data dictionary is ``datasets/README.md``). Set the environment
variable ``JOURNEYKIT_DATA`` to read them from another folder.

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
from journeykit.schema import validate_events, validate_orders, validate_surveys

__all__ = ["names", "describe", "load", "load_business", "path", "data_dir"]

# name -> (validator kind, one-line description)
_CATALOG: dict[str, tuple[str, str]] = {
    "shop_events": ("events", "Online shop: every visit, product view, cart, checkout, purchase, delivery, "
                              "support contact, review and referral."),
    "shop_orders": ("orders", "Online shop: one row per order with its revenue and number of items."),
    "shop_surveys": ("surveys", "Online shop: NPS and CSAT answers at checkout, delivery, support and cart, "
                                "with comments."),
    "shop_users": ("users", "Online shop: one row per person, with first visit, acquisition channel, device "
                            "and referrer."),
    "subscription_events": ("events", "Subscription app: visits, trials, setup, feature use, subscriptions, "
                                      "renewals and cancellations."),
    "subscription_invoices": ("orders", "Subscription app: one row per payment (first subscription or renewal)."),
    "subscription_surveys": ("surveys", "Subscription app: onboarding CSAT and in-app NPS answers."),
    "subscription_users": ("users", "Subscription app: one row per person, with first visit, acquisition "
                                    "channel and device."),
}

_DTYPES = {"user_id": "str", "event": "str", "channel": "str", "device": "str", "session_id": "str",
           "revenue": "float64", "order_id": "str", "items": "Int64", "plan": "str", "touchpoint": "str",
           "stage": "str", "nps": "Int64", "csat": "Int64", "comment": "str", "response_id": "str",
           "acquisition_channel": "str", "referred_by": "str", "phase": "str"}


def data_dir() -> Path:
    """The folder the sample files are read from.

    ``$JOURNEYKIT_DATA`` when set, otherwise the ``datasets/`` folder at the
    top of the repository this package was installed from.
    """
    configured = os.environ.get("JOURNEYKIT_DATA")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "datasets"


def names() -> list[str]:
    """Names of every sample table, in catalogue order."""
    return list(_CATALOG)


def describe() -> pd.DataFrame:
    """One row per sample table: its name, business, kind (which contract it follows) and description.

    Examples
    --------
    >>> describe().loc[0, ["name", "business", "kind"]].tolist()
    ['shop_events', 'shop', 'events']
    """
    rows = [{"name": name, "business": name.split("_")[0], "kind": kind, "description": text}
            for name, (kind, text) in _CATALOG.items()]
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
    file = data_dir() / f"{name}.csv.gz"
    if not file.exists():
        raise MissingFileError(
            file, "sample file is missing. Run the course from the repository folder, or set "
            "JOURNEYKIT_DATA to the folder holding the files, or regenerate them with "
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
        fresh copy on every call: changing it never changes the file.

    Examples
    --------
    >>> orders = load("shop_orders")
    >>> orders["timestamp"].dtype
    dtype('<M8[ns]')
    """
    file = path(name)
    header = pd.read_csv(file, nrows=0).columns
    df = pd.read_csv(file, dtype={c: t for c, t in _DTYPES.items() if c in header}, keep_default_na=True)
    kind = _CATALOG[name][0]
    if kind == "events":
        return validate_events(df)
    if kind == "orders":
        return validate_orders(df)
    if kind == "surveys":
        return validate_surveys(df)
    df["first_seen"] = pd.to_datetime(df["first_seen"], format="%Y-%m-%d %H:%M:%S").astype("datetime64[ns]")
    return df


def load_business(business: str) -> dict[str, pd.DataFrame]:
    """Load every table of one sample business (``"shop"`` or ``"subscription"``).

    Returns
    -------
    dict of str to DataFrame
        Keyed by table, e.g. ``{"events": ..., "orders": ..., "surveys": ..., "users": ...}``.
    """
    tables = {name.removeprefix(f"{business}_"): load(name) for name in _CATALOG if name.startswith(f"{business}_")}
    if not tables:
        raise ParameterError(f"no sample business called {business!r}; choose 'shop' or 'subscription'.", "business")
    return tables
