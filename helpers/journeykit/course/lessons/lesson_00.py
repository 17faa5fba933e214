"""Exercises of lesson 00: Start here."""

from __future__ import annotations


from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data


def _buyer_share() -> float:
    return _data("shop_orders")["user_id"].nunique() / len(_data("shop_users"))


def _december(by_visits: bool = False) -> str:
    if by_visits:
        visits = _data("shop_events").query("event == 'visit'")
        return visits[visits["timestamp"].dt.to_period("M") == "2025-12"]["channel"].value_counts().index[0]
    users = _data("shop_users")
    return users[users["first_seen"].dt.to_period("M") == "2025-12"]["acquisition_channel"].value_counts().index[0]


def _busiest_hour(count: bool = False) -> int:
    visits = _data("shop_events").query("event == 'visit'")
    by_hour = visits["timestamp"].dt.hour.value_counts()
    return int(by_hour.max() if count else by_hour.idxmax())


EXERCISES = [
    _Exercise("0.1", "00_start_here.ipynb", "share of shop users who placed at least one order",
              _buyer_share,
              [(lambda: 100 * _buyer_share(), _PERCENT),
               (lambda: float(_data("shop_orders")["user_id"].nunique()),
                "That is the number of buyers; divide it by the number of users to get a share."),
               (lambda: len(_data("shop_orders")) / len(_data("shop_users")),
                "Close: you divided orders by users, but some customers ordered several times. Count distinct "
                "customers (nunique).")]),
    _Exercise("0.2", "00_start_here.ipynb", "acquisition channel with most new people in December 2025",
              _december,
              [(lambda: _december(by_visits=True), "That channel brought the most *visits* in December; the "
                                                   "question is about new people (the users table).")]),
    _Exercise("0.3", "00_start_here.ipynb", "hour of the day (UTC) at which most visits start",
              _busiest_hour,
              [(lambda: _busiest_hour(count=True), "That is the number of visits in the busiest hour; answer with "
                                                   "the hour itself (0 to 23).")]),
]

HINTS: dict[str, tuple[str, str, str]] = {
    "0.1": ("A share is a part divided by a whole: here, buyers divided by everyone.",
            "Buyers are the distinct customers in the orders table; everyone is a row of the users table.",
            "Count distinct user_id values in the orders table (nunique), then divide by the number of users."),
    "0.2": ("'New people' means when someone was first seen, not when they visited.",
            "The users table has one row per person with first_seen and acquisition_channel.",
            "Filter users to first_seen in December 2025, then value_counts() of acquisition_channel."),
    "0.3": ("A visit starts a session; other events happen during it.",
            "Keep the visit events, then look at the hour of their timestamps.",
            "Filter events to event == 'visit', then value_counts() of timestamp.dt.hour."),
}
