"""Exercises of lesson 00: Start here."""

from __future__ import annotations

import pandas as pd

from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data
from journeykit.course.exercise_kinds import tiny_table as _tiny_table

# A tiny orders table for exercise 0.2, small enough to work out by hand: five customers, eight orders.
_TINY_ORDERS = """order_id,user_id,timestamp,revenue
O1,ANA,2025-03-02 10:15,40.00
O2,BEN,2025-03-05 18:40,25.50
O3,ANA,2025-04-11 09:05,12.00
O4,CLEO,2025-04-20 21:30,80.00
O5,DEV,2025-05-01 13:00,35.00
O6,CLEO,2025-05-03 08:45,15.00
O7,ANA,2025-06-14 17:20,22.00
O8,EMA,2025-06-30 11:10,60.00
"""


def _tiny_orders() -> pd.DataFrame:
    return _tiny_table(_TINY_ORDERS)


def _tiny_repeat_share(mistake: str | None = None) -> float:
    """Share of the tiny table's customers with two or more orders, or what a typical mistake gives."""
    per_customer = _tiny_orders().groupby("user_id").size()
    repeaters = per_customer >= 2
    if mistake == "orders":  # orders placed by repeat customers, as a share of all orders
        return float(per_customer[repeaters].sum() / per_customer.sum())
    if mistake == "repeat orders":  # orders after each customer's first, as a share of all orders
        return float((per_customer - 1).sum() / per_customer.sum())
    if mistake == "more than two":  # three or more orders
        return float((per_customer > 2).mean())
    return float(repeaters.mean())


def _buyer_share() -> float:
    return _data("shop_orders")["user_id"].nunique() / len(_data("shop_users"))


def _repeat_share(since: str | None = None) -> float:
    """Share of customers with two or more orders: all, or those whose first order is on or after ``since``."""
    orders = _data("shop_orders")
    per_customer = orders.groupby("user_id").size()
    if since is not None:
        per_customer = per_customer[orders.groupby("user_id")["timestamp"].min() >= pd.Timestamp(since)]
    return float((per_customer >= 2).mean())


def _newcomers_repeat() -> str:
    return "lower" if _repeat_share("2026-01-01") < _repeat_share() else "higher"


def _december_counts(by_visits: bool = False) -> pd.Series:
    if by_visits:
        visits = _data("shop_events").query("event == 'visit'")
        return visits[visits["timestamp"].dt.to_period("M") == "2025-12"]["channel"].value_counts()
    users = _data("shop_users")
    return users[users["first_seen"].dt.to_period("M") == "2025-12"]["acquisition_channel"].value_counts()


def _december_rubric() -> str:
    people, visits = _december_counts(), _december_counts(by_visits=True)
    return (f"A good answer says what each count measures. New people (users table, first_seen in December): "
            f"{people.index[0]} first with {people.iloc[0]:,}, then {people.index[1]} with {people.iloc[1]:,}. "
            f"Visits in December: {visits.index[0]} first with {visits.iloc[0]:,}, and direct and e-mail bring "
            f"{visits['direct']:,} and {visits['email']:,} visits but only {people['direct']:,} and "
            f"{people['email']:,} new people, because visits also count people who came back (customers typing "
            "the address, opening a newsletter). Growth is new people, so credit channels by first contact: "
            "count people, not visits. Model answer: 'people', because a visit count mixes new people with "
            "returning ones and rewards the channels that bring back those the shop already has.")


EXERCISES = [
    _Exercise("0.1", "00_start_here.ipynb", "share of shop users who placed at least one order",
              _buyer_share,
              [(lambda: 100 * _buyer_share(), _PERCENT),
               (lambda: float(_data("shop_orders")["user_id"].nunique()),
                "That is the number of buyers; divide it by the number of users to get a share."),
               (lambda: len(_data("shop_orders")) / len(_data("shop_users")),
                "Close: you divided orders by users, but some customers ordered several times. Count distinct "
                "customers (nunique).")]),
    _Exercise("0.2", "00_start_here.ipynb", "by hand: share of the customers in jk.exercise_data('0.2') who placed "
                                            "two or more orders, between 0 and 1",
              _tiny_repeat_share,
              [(lambda: 100 * _tiny_repeat_share(), _PERCENT),
               (lambda: _tiny_repeat_share("orders"), "Not quite: that is the share of *orders* placed by repeat "
                                                      "customers; the question counts customers (5 of them)."),
               (lambda: _tiny_repeat_share("repeat orders"), "Not quite: that is the share of orders that were not "
                                                             "a customer's first; count customers instead."),
               (lambda: _tiny_repeat_share("more than two"), "Close: 'two or more' includes customers with exactly "
                                                             "two orders."),
               (lambda: float((_tiny_orders().groupby("user_id").size() >= 2).sum()),
                "That is the number of repeat customers; divide it by the number of customers.")],
              tolerance=0.001, relative=0.0),
    _Exercise("0.3", "00_start_here.ipynb", "predict, then check: is the share of customers with two or more "
                                            "orders 'higher' or 'lower' among customers whose first order was in "
                                            "2026 than among all customers?",
              _newcomers_repeat,
              [(lambda: "higher" if _newcomers_repeat() == "lower" else "lower",
                "Not quite: look at the time each group has had to order again. A customer whose first order was "
                "in 2026 has had at most three months; compute both shares to see by how much."),
               (lambda: "the same", "Not quite: the question offers 'higher' or 'lower'. The shares differ by "
                                    "more than a few points; compute both.")]),
    _Exercise("0.4", "00_start_here.ipynb", "decide: {'decision': 'people' or 'visits', 'reason': '...'}: which "
                                            "count credits channels for December's growth",
              lambda: "people",
              [(lambda: "visits", "Not the choice we would make: December's visits include people who came back, "
                                  "customers among them, so a visit count credits channels for people the shop "
                                  "already had.")],
              rubric=_december_rubric),
]

DATA = {"0.2": _tiny_orders}

HINTS: dict[str, tuple[str, str, str]] = {
    "0.1": ("A share is a part divided by a whole: here, buyers divided by everyone.",
            "Buyers are the distinct customers in the orders table; everyone is a row of the users table.",
            "Count distinct user_id values in the orders table (nunique), then divide by the number of users."),
    "0.2": ("The whole is customers, not orders: first list each customer with their number of orders.",
            "Five names appear in user_id; for each, count its rows, then keep those with 2 or more.",
            "In pandas: groupby('user_id').size(), then (counts >= 2).mean() checks what you found by hand."),
    "0.3": ("Ordering again takes time; think of how long each group has had since its first order.",
            "The data end in March 2026: a customer who first ordered in 2026 has had weeks, not months.",
            "Per customer, groupby('user_id') gives the first order's timestamp (min) and the number of orders "
            "(size); compare the share with 2 or more in both groups."),
    "0.4": ("Growth means people the shop did not have before.",
            "A visit can come from anyone, including a customer coming back; the users table has one row per "
            "person, at first contact.",
            "Compare December's users by acquisition_channel with December's visit events by channel: which "
            "channels bring many visits but few new people?"),
}
