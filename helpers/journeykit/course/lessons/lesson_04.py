"""Exercises of lesson 04: Retention and churn."""

from __future__ import annotations

import io

import pandas as pd

from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data
from journeykit.course.exercise_kinds import tiny_table as _tiny_table


def _week_one(unbounded: bool = False, return_event: str | None = None, weighted: bool = True) -> float:
    from journeykit.analysis.retention import cohort_retention, retention_curve

    table = cohort_retention(_data("shop_events"), period="W", unbounded=unbounded, return_event=return_event)
    if not weighted:  # the mistake: every cohort counts the same, whatever its size
        return float(table.loc[table["complete"] & (table["period"] == 1), "retention"].mean())
    curve = retention_curve(table)
    return float(curve.loc[curve["period"] == 1, "retention"].iloc[0])


def _referral_curve():
    from journeykit.analysis.retention import cohort_retention, retention_curve

    events = _data("shop_events").merge(_data("shop_users")[["user_id", "acquisition_channel"]], on="user_id")
    curve = retention_curve(cohort_retention(events, cohort_event="purchase", return_event="purchase",
                                             unbounded=True, by="acquisition_channel"))
    return curve[curve["acquisition_channel"] == "referral"].set_index("period")


def _referral_rise() -> str:
    """'real' when referral's month-8 point is significantly above its month-7 point, else 'noise'."""
    from journeykit.analysis.stats import compare_proportions

    curve = _referral_curve()
    test = compare_proportions(int(curve.loc[8, "retained"]), int(curve.loc[8, "users"]),
                               int(curve.loc[7, "retained"]), int(curve.loc[7, "users"]))
    return "real" if test["p_value"] < 0.05 else "noise"


def _referral_rise_rubric() -> str:
    from journeykit.analysis.stats import compare_proportions

    curve = _referral_curve()
    m7, m8 = curve.loc[7], curve.loc[8]
    test = compare_proportions(int(m8["retained"]), int(m8["users"]), int(m7["retained"]), int(m7["users"]),
                               names=("month 8", "month 7"))
    return (f"A good answer weighs three things. (1) Size: month 7 rests on {int(m7['users'])} referred customers "
            f"from {int(m7['cohorts'])} cohorts, month 8 on {int(m8['users'])} from {int(m8['cohorts'])}; the rise is "
            f"{100 * (m8['retention'] - m7['retention']):+.1f} points, and its 95% interval runs from "
            f"{100 * test['ci_low']:+.1f} to {100 * test['ci_high']:+.1f} points (p = {test['p_value']:.2f}): it "
            "includes 0. (2) Definition: on-or-after retention can only fall for one cohort; the curve rises "
            "because month 8 averages a different, older set of cohorts than month 7. (3) Consequence: do not "
            "tell the team that referred customers come back after month 7; say that referral keeps best and that "
            "the tail rests on too few customers to read month by month.")


_TINY_EVENTS = """user_id,timestamp,event
a,2025-01-10,purchase
b,2025-01-20,purchase
c,2025-02-05,purchase
a,2025-03-01,purchase
d,2025-05-10,purchase
c,2025-05-20,purchase
b,2025-06-10,visit
e,2025-06-30,purchase
"""


def _tiny_events() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_TINY_EVENTS), parse_dates=["timestamp"])


def _tiny_churn(mistake: str | None = None) -> float:
    """Buyer churn of the tiny table with a 60-day threshold, as the kit computes it, or as a typical mistake would."""
    from journeykit.analysis.retention import churn_rate

    events = _tiny_events()
    as_of, threshold = events["timestamp"].max(), pd.Timedelta("60D")
    if mistake == "visits":  # any event counts as activity: b's visit keeps b
        return float(churn_rate(events, threshold="60D").loc[0, "churn_rate"])
    buys = events[events["event"] == "purchase"]
    first, last = buys.groupby("user_id")["timestamp"].min(), buys.groupby("user_id")["timestamp"].max()
    if mistake == "everyone":  # recent buyers (d, e) counted although they could not have churned yet
        return float((last < as_of - threshold).mean())
    if mistake == "first purchase":  # inactivity measured from the first purchase instead of the last
        return float((first[first <= as_of - threshold] < as_of - threshold).mean())
    return float(churn_rate(events, threshold="60D", activity_event="purchase").loc[0, "churn_rate"])


def _halved_threshold() -> str:
    """How overall buyer churn moves when the threshold goes from 120 to 60 days: 'rises', 'falls' or 'stays'."""
    from journeykit.analysis.retention import churn_rate

    rates = [float(churn_rate(_data("shop_events"), threshold=t, activity_event="purchase").loc[0, "churn_rate"])
             for t in ("120D", "60D")]
    return "rises" if rates[1] > rates[0] + 0.005 else "falls" if rates[1] < rates[0] - 0.005 else "stays"


def _recurring_vs_first(bracket: str = "days 8-30") -> str:
    """Recurring against first-time buyer retention in a bracket: 'higher', 'lower' or 'same' (within a point)."""
    from journeykit.analysis.retention import bracket_retention

    rates = [float(bracket_retention(_data("shop_events"), brackets=[(1, 7), (8, 30), (31, 90), (91, 180)],
                                     cohort_event="purchase", return_event="purchase", start=start)
                   .set_index("bracket").loc[bracket, "retention"]) for start in ("first", "every")]
    return "higher" if rates[1] > rates[0] + 0.01 else "lower" if rates[1] < rates[0] - 0.01 else "same"


EXERCISES = [
    _Exercise("4.1", "04_retention_and_churn.ipynb", "share of visitors who come back in the week after their first "
                                                     "visit, any event counting as coming back",
              _week_one,
              [(lambda: _week_one(unbounded=True), "Close: that is 'on or after' retention (in week 1 or later); "
                                                   "the question asks about week 1 itself."),
               (lambda: _week_one(weighted=False), "Close: that is the plain mean of the cohorts' rates, where a "
                                                   "cohort of 20 people counts as much as one of 2,000. Weight by "
                                                   "cohort size: jk.retention_curve does."),
               (lambda: _week_one(return_event="visit"), "Close: you counted only visits as coming back; this "
                                                         "question counts any event (a delivery, an e-mail opened)."),
               (lambda: 100 * _week_one(), _PERCENT)], tolerance=0.0005),
    _Exercise("4.2", "04_retention_and_churn.ipynb", "decide: {'decision': 'real' or 'noise', 'reason': '...'} for "
                                                     "the rise of the referral curve from month 7 to month 8",
              _referral_rise,
              [(lambda: "real", "Not the call the data support: the month-8 point rests on a few dozen customers "
                                "from the oldest cohorts, and its interval against month 7 includes no change at "
                                "all. Call it noise until more cohorts reach month 8.")],
              rubric=_referral_rise_rubric),
    _Exercise("4.3", "04_retention_and_churn.ipynb", "by hand: buyer churn rate (a share between 0 and 1) of the tiny "
                                                     "table of jk.exercise_data('4.3'), threshold 60 days, judged on "
                                                     "its last timestamp",
              _tiny_churn,
              [(lambda: _tiny_churn("everyone"), "Not quite: d and e bought for the first time less than 60 days "
                                                 "before the end; they cannot have churned yet, so they are not "
                                                 "counted at all."),
               (lambda: _tiny_churn("visits"), "Not quite: b's visit on 2025-06-10 is not a purchase; for buyer "
                                               "churn only purchases count as activity."),
               (lambda: _tiny_churn("first purchase"), "Not quite: inactivity runs from the last purchase, not the "
                                                       "first; c bought again on 2025-05-20."),
               (lambda: 100 * _tiny_churn(), _PERCENT)],
              tolerance=0.005, relative=0.0),
    _Exercise("4.4", "04_retention_and_churn.ipynb", "predict: when the churn threshold halves from 120 to 60 days, "
                                                     "does the shop's buyer churn rate 'rises', 'falls' or 'stays'?",
              _halved_threshold,
              [(lambda: "falls", "Not quite: a shorter threshold calls a customer churned sooner, so customers who "
                                 "are merely between orders (many repeat buyers take over 60 days) now count "
                                 "as gone; the recent customers it adds mostly have not bought again either."),
               (lambda: "stays", "Not quite: the threshold is the definition of churn; changing it changes who "
                                 "counts as gone. Think of a customer whose last order was 90 days ago.")]),
    _Exercise("4.5", "04_retention_and_churn.ipynb", "predict: is recurring buyer retention in days 8-30 (the clock "
                                                     "starts on every purchase day) 'higher', 'lower' or 'same' "
                                                     "compared with first-time retention?",
              _recurring_vs_first,
              [(lambda: "lower", "Not quite: recurring retention counts every purchase day as a start, so loyal "
                                 "customers, who buy again and again, enter many times; a first-time buyer is "
                                 "still untested, and many never come back."),
               (lambda: "same", "Not quite: the two ask different questions and count different entrants; loyal "
                                "customers start the recurring clock on each of their orders, and they come back "
                                "more than the average first-time buyer.")]),
]

DATA = {"4.3": lambda: _tiny_table(_TINY_EVENTS)}

HINTS: dict[str, tuple[str, str, str]] = {
    "4.1": ("Retention at week 1 averages the cohorts, and big cohorts should count more than small ones.",
            "Build weekly cohorts, then average them into one curve over complete weeks only.",
            "jk.cohort_retention with period='W', then jk.retention_curve; the row with period 1."),
    "4.2": ("A rise between two neighbouring points is news only if it is larger than its uncertainty.",
            "Look at the users and cohorts columns of the referral curve at periods 7 and 8: how many people, "
            "and are they the same cohorts?",
            "jk.compare_proportions(retained_8, users_8, retained_7, users_7) on the referral rows of by_channel."),
    "4.3": ("Buyer churn: among customers who have had the whole threshold to come back, the share whose last "
            "purchase is older than the threshold.",
            "The data end on the last timestamp; go back 60 days. Who bought for the first time before that date, "
            "and whose last purchase is also before it?",
            "Count eligible customers (first purchase at least 60 days before the end) and churned ones (last "
            "purchase more than 60 days before the end) by hand; jk.churn_rate(..., activity_event='purchase') "
            "does the same."),
    "4.4": ("The threshold is how long a customer may stay silent before we call them gone.",
            "Look at the days from first to second order printed above: how many repeat buyers take over 60 days?",
            "Think before running: jk.churn_rate(events, threshold='60D', activity_event='purchase') against '120D'."),
    "4.5": ("Recurring retention starts the clock on every purchase day, so each customer enters as many times as "
            "they have bought.",
            "Who enters many times: the one-time buyers or the loyal customers? Which of them is more likely to buy "
            "again within a month?",
            "After predicting, compare the 'days 8-30' rows of jk.bracket_retention(..., start='first') and "
            "start='every' (cohort_event and return_event 'purchase')."),
}
