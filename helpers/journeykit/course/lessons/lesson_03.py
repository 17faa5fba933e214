"""Exercises of lesson 03: Funnels."""

from __future__ import annotations

import pandas as pd

from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data
from journeykit.course.exercise_kinds import tiny_table as _tiny_table

STEPS = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]

# A tiny event log for exercise 3.2, small enough to follow user by user.
_TINY_LOG = """user_id,timestamp,event
ana,2025-03-01 10:00,view
ana,2025-03-01 10:05,cart
ana,2025-03-01 10:09,buy
ben,2025-03-01 11:00,view
ben,2025-03-01 11:03,view
ben,2025-03-01 11:20,cart
cleo,2025-03-01 09:00,cart
cleo,2025-03-01 09:30,view
cleo,2025-03-01 09:40,buy
dev,2025-03-01 12:00,view
dev,2025-03-03 12:00,view
dev,2025-03-03 12:10,cart
dev,2025-03-03 12:15,buy
eli,2025-03-01 14:00,view
eli,2025-03-01 14:02,cart
eli,2025-03-01 14:02,buy
fay,2025-03-01 16:00,view
fay,2025-03-01 16:30,cart
fay,2025-03-03 16:00,buy
"""


def _tiny_log() -> pd.DataFrame:
    return _tiny_table(_TINY_LOG)


def _tiny_funnel(window: str | None = "1D", mistake: str | None = None) -> tuple[int, int, int]:
    """(users at view, cart, buy) in the tiny log, as the kit counts them, or as a typical mistake would."""
    from journeykit.analysis.funnel import funnel

    log = _tiny_log().assign(timestamp=lambda t: pd.to_datetime(t["timestamp"]))
    if mistake == "events":  # every event counted, not every user
        counts = log["event"].value_counts()
        return tuple(int(counts.get(step, 0)) for step in ("view", "cart", "buy"))
    if mistake == "first entry":  # the window runs from the user's first view only
        views = log["event"] == "view"
        first = log["timestamp"].where(views).groupby(log["user_id"]).transform("min")
        log = log[~views | (log["timestamp"] == first)]
    if mistake == "ties":  # equal timestamps not counted as in order: a tied later step is moved a second back
        tied = log.duplicated(["user_id", "timestamp"], keep="first")
        log.loc[tied, "timestamp"] -= pd.Timedelta("1s")
    if mistake == "any order":  # steps counted whenever they happened
        reached = log.groupby("event")["user_id"].nunique()
        return tuple(int(reached.get(step, 0)) for step in ("view", "cart", "buy"))
    return tuple(int(n) for n in funnel(log, ["view", "cart", "buy"], window=window)["users"])


def _best_channel(metric: str = "conversion") -> str:
    from journeykit.analysis.funnel import funnel

    result = funnel(_data("shop_events"), ["view_product", "add_to_cart", "purchase"], window="1D", by="channel")
    last = result[result["step"] == "purchase"]
    column = {"conversion": "conversion_from_start", "users": "users", "last step": "conversion_from_previous"}[metric]
    return last.sort_values(column, ascending=False)["channel"].iloc[0]


def _email_vs_ads() -> pd.Series:
    from journeykit.analysis.funnel import compare_funnel_segments, funnel

    result = funnel(_data("shop_events"), STEPS, window="7D", by="channel")
    return compare_funnel_segments(result, "ads", "email")


def _move_email_budget() -> str:
    test = _email_vs_ads()
    return "move" if test["p_value"] < 0.05 and test["difference"] > 0 else "keep"


def _move_email_budget_rubric() -> str:
    test = _email_vs_ads()
    return (f"A good answer weighs three things. (1) The gap and its uncertainty: ads {test['rate_a']:.1%} against "
            f"e-mail {test['rate_b']:.1%}, a difference of {100 * test['difference']:+.1f} points whose 95% interval "
            f"runs from {100 * test['ci_low']:+.1f} to {100 * test['ci_high']:+.1f} points "
            f"(p = {test['p_value']:.2f}): it contains 0, so the data do not say that ads convert better. "
            "(2) What conversion leaves out: what a visitor costs, and what a buyer is worth afterwards (e-mail "
            "reaches people who already know the shop; lesson 06 follows buyers after the purchase). (3) What would "
            "change your mind: a gap whose interval excludes 0, on the same window, and a cost per buyer. Model "
            "answer: keep; the two channels convert at rates the data cannot tell apart, and conversion alone is not "
            "a reason to move budget.")


def _halved_window() -> str:
    """What happens to the shop funnel's conversion to purchase when the window halves from 7 to 3.5 days."""
    from journeykit.analysis.funnel import funnel

    events = _data("shop_events")
    before = funnel(events, STEPS, window="7D")["conversion_from_start"].iloc[-1]
    after = funnel(events, STEPS, window="84h")["conversion_from_start"].iloc[-1]
    return "rises" if after > before else "falls" if after < before else "stays"


def _cart_and_compare(order: str = "any", window: str | None = "1D", step: int = -1) -> int:
    """People who add to cart, compare prices and buy within a day, in any order (or as a mistake would count)."""
    from journeykit.analysis.funnel import funnel

    steps = ["add_to_cart", "compare_prices", "purchase"]
    return int(funnel(_data("shop_events"), steps, window=window, order=order)["users"].iloc[step])


def _open_month() -> str:
    """What the conversion of a month with open windows does once they close, watched on the newest month that
    the full log has closed: the log cut at the start of the newest month against the full log."""
    from journeykit.analysis.conversion import funnel_trends

    events = _data("shop_events")
    full = funnel_trends(events, STEPS, window="7D", period="M").set_index("period")["conversion"]
    month, cut_at = full.index[-2], full.index[-1]
    early = funnel_trends(events[events["timestamp"] < cut_at], STEPS, window="7D",
                          period="M").set_index("period")["conversion"]
    return "rises" if full[month] > early[month] else "falls" if full[month] < early[month] else "stays"


EXERCISES = [
    _Exercise("3.1", "03_funnels.ipynb",
              "channel with the highest view → cart → purchase conversion (1-day window)",
              _best_channel,
              [(lambda: _best_channel("users"), "That channel has the most buyers, not the highest conversion: "
                                                "compare conversion_from_start, not users."),
               (lambda: _best_channel("last step"), "Close: that channel converts best from cart to purchase "
                                                    "(conversion_from_previous); the question is about the whole "
                                                    "funnel, from view to purchase.")]),
    _Exercise("3.2", "03_funnels.ipynb", "by hand: (users at view, users at cart, users at buy) with a 1-day window "
                                         "in the tiny log of jk.exercise_data('3.2')",
              _tiny_funnel,
              [(lambda: _tiny_funnel(mistake="events"), "Not quite: that counts events; a funnel counts users, "
                                                        "each once (ben viewed twice)."),
               (lambda: _tiny_funnel(mistake="any order"), "Not quite: cleo added to cart before she viewed; order "
                                                           "matters, so she stops at view."),
               (lambda: _tiny_funnel(mistake="first entry"), "Not quite: dev's first view is two days before his "
                                                             "purchase, but his second view may start the attempt."),
               (lambda: _tiny_funnel(window=None), "Close: fay bought two days after her view, outside the 1-day "
                                                   "window."),
               (lambda: _tiny_funnel(mistake="ties"), "Not quite: eli added to cart and bought in the same minute; "
                                                      "equal timestamps count as in order.")]),
    _Exercise("3.3", "03_funnels.ipynb", "decide: {'decision': 'move' or 'keep', 'reason': '...'} on moving the "
                                         "e-mail budget to ads because ads convert visitors better",
              _move_email_budget,
              [(lambda: "move", "Not the choice the data support: ads convert better by less than the uncertainty "
                                "of the two rates, and conversion is not what a buyer is worth.")],
              rubric=_move_email_budget_rubric),
    _Exercise("3.4", "03_funnels.ipynb", "predict: when the window of the shop's purchase funnel halves from 7 days "
                                         "to 3.5 days, what does the conversion to purchase do: 'rises', 'falls' "
                                         "or 'stays'?",
              _halved_window,
              [(lambda: "rises", "Not quite: a shorter window can only take attempts away; it never adds a buyer."),
               (lambda: "stays", "Close, but not quite: most buyers pay within the hour, yet some finish their cart "
                                 "days later in a new session, and a shorter window loses them.")]),
    _Exercise("3.5", "03_funnels.ipynb", "predict: once the open windows of the trend's last month close, what "
                                         "does its conversion do: 'rises', 'falls' or 'stays'?",
              _open_month,
              [(lambda: "falls", "Not quite: an entrant whose window is open counts as not converted yet; when the "
                                 "window closes they can only become a buyer, never lose a purchase."),
               (lambda: "stays", "Close, but not quite: hundreds of entrants still had days left to buy when the "
                                 "data ended, and some of them will.")]),
    _Exercise("3.6", "03_funnels.ipynb", "people who add to cart, compare prices and buy, in any order, within one "
                                         "day (a whole number)",
              _cart_and_compare,
              [(lambda: _cart_and_compare("ordered"), "That counts the steps in the listed order: cart, then "
                                                      "comparison, then purchase. Most people compare before the "
                                                      "cart; in any order (order='any') they count."),
               (lambda: _cart_and_compare("strict"), "That is strict order; the question asks for any order."),
               (lambda: _cart_and_compare(window=None), "Close: that is without a window; all three steps must "
                                                        "fall within one day (window='1D')."),
               (lambda: _cart_and_compare(window="7D"), "Close: that is within seven days; the question asks for "
                                                        "one day (window='1D')."),
               (lambda: _cart_and_compare(step=0), "That is everyone who added to the cart (step 1); the answer "
                                                   "is the last step.")]),
]

DATA = {"3.2": _tiny_log}

HINTS: dict[str, tuple[str, str, str]] = {
    "3.1": ("Compare channels by their conversion, not by how many buyers they bring.",
            "Segment the funnel by channel and look at the last step's conversion from the start.",
            "jk.funnel with by='channel'; on the purchase rows, sort by conversion_from_start."),
    "3.2": ("Go user by user: each counts once, at the furthest step reached in order, within a day of a view.",
            "Look at cleo's order, dev's two views, eli's tie and fay's two days.",
            "Check your count with jk.funnel on the table, timestamps parsed with pd.to_datetime, window='1D'."),
    "3.3": ("A difference between two rates can be noise, and a rate is not a value.",
            "Compare ads and e-mail in by_channel: look at the interval of the difference, not only the rates.",
            "jk.compare_funnel_segments(by_channel, 'ads', 'email'): its ci_low, ci_high and p_value."),
    "3.4": ("A shorter window can only exclude attempts; the question is whether any attempt needs more than 3.5 days.",
            "Look at the time-to-convert table: how long do the slowest buyers take from visit to purchase?",
            "After predicting, compare jk.funnel(events, steps, window='84h') with shop_funnel."),
    "3.5": ("An entrant whose window is still open is counted, for now, as someone who has not bought.",
            "When more data arrives, what can happen to such an entrant? Can a purchase be taken back from the count?",
            "To check, run jk.funnel_trends with period='M' on the log cut at 2026-03-01 and compare February with "
            "trends."),
    "3.6": ("Any order counts the steps whenever they happen, as long as all of them fall within one window.",
            "The funnel's order= chooses the mode; the window is the longest time from the earliest to the latest "
            "step.",
            "jk.funnel(events, ['add_to_cart', 'compare_prices', 'purchase'], window='1D', order='any'); the last "
            "row's users."),
}
