"""Exercises of lesson 05: Value and satisfaction."""

from __future__ import annotations

import io

import pandas as pd

from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data
from journeykit.course.exercise_kinds import tiny_table as _tiny_table


_TINY_ORDERS = """order_id,user_id,timestamp,revenue
O1,a,2025-01-05,40.00
O2,b,2025-01-10,30.00
O3,a,2025-01-20,20.00
O4,c,2025-02-01,10.00
O5,b,2025-03-15,50.00
O6,d,2025-03-20,60.00
O7,d,2025-03-25,20.00
O8,e,2025-03-31,30.00
"""


def _tiny_orders() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_TINY_ORDERS), parse_dates=["timestamp"])


def _tiny_value(mistake: str | None = None) -> tuple[float, float, float]:
    """(AOV, purchase frequency, 30-day repeat rate) of the tiny orders, as the kit computes them or a mistake would."""
    from journeykit.analysis.value import order_summary, repeat_purchase_rate

    orders = _tiny_orders()
    summary = order_summary(orders).iloc[0]
    aov, frequency = float(summary["average_order_value"]), float(summary["purchase_frequency"])
    rate = float(repeat_purchase_rate(orders, within="30D").loc[0, "repeat_rate"])
    first = orders.groupby("user_id")["timestamp"].min()
    ordered = orders.sort_values("timestamp")
    second = ordered[ordered.groupby("user_id").cumcount() == 1].set_index("user_id")["timestamp"]
    eligible = first[first <= orders["timestamp"].max() - pd.Timedelta("30D")].index
    if mistake == "everyone":  # d and e counted although they had not had 30 days
        return aov, frequency, float(((second - first.reindex(second.index)) <= pd.Timedelta("30D")).sum()
                                     / len(first))
    if mistake == "any time":  # a second order counted however late it came
        return aov, frequency, float(second.index.isin(eligible).sum() / len(eligible))
    if mistake == "per customer":  # revenue per customer instead of per order
        return float(orders["revenue"].sum() / orders["user_id"].nunique()), frequency, rate
    if mistake == "percent":
        return aov, frequency, 100 * rate
    return aov, frequency, rate


def _longer_window() -> str:
    """How the shop's repeat purchase rate moves when the window doubles from 90 to 180 days."""
    from journeykit.analysis.value import repeat_purchase_rate

    rates = [float(repeat_purchase_rate(_data("shop_orders"), within=w).loc[0, "repeat_rate"]) for w in ("90D", "180D")]
    return "rises" if rates[1] > rates[0] + 0.005 else "falls" if rates[1] < rates[0] - 0.005 else "stays"


def _at_risk(as_percent: bool = False) -> tuple[int, float]:
    from journeykit.analysis.value import rfm

    segments = rfm(_data("shop_orders"))
    at_risk = segments[segments["segment"] == "At risk"]
    share = at_risk["revenue"].sum() / segments["revenue"].sum()
    if as_percent == "customers":  # the mistake: their share of customers instead of revenue
        return (len(at_risk), len(at_risk) / len(segments))
    return (len(at_risk), float(100 * share if as_percent else share))


def _delivery_test():
    from journeykit.analysis.stats import compare_proportions

    surveys = _data("shop_surveys").merge(_data("shop_users")[["user_id", "acquisition_channel"]], on="user_id")
    answers = surveys[surveys["touchpoint"] == "delivery"].dropna(subset=["csat"])
    counts = answers.groupby("acquisition_channel")["csat"].agg(answers="size", satisfied=lambda s: int((s >= 4).sum()))
    return counts, compare_proportions(int(counts.loc["referral", "satisfied"]), int(counts.loc["referral", "answers"]),
                                       int(counts.loc["ads", "satisfied"]), int(counts.loc["ads", "answers"]),
                                       names=("referral", "ads"))


def _holdout_gap(mistake: str | None = None) -> str:
    """The calibration-frequency group of the CLV holdout check the model under-forecasts most (actual - predicted).

    ``mistake="over"``: the group it over-forecasts most instead; ``"biggest"``: the largest group.
    """
    from journeykit.analysis.clv_model import clv_holdout

    check = clv_holdout(_data("shop_orders"), calibration_end="2025-12-31")
    groups = check[check["frequency"] != "all"].set_index("frequency")
    if mistake == "biggest":
        return str(groups["customers"].idxmax())
    gap = groups["actual"] - groups["predicted"]
    return str(gap.idxmin() if mistake == "over" else gap.idxmax())


def _delivery_gap() -> str:
    """'real' when referral's delivery CSAT is significantly different from ads', else 'noise'."""
    return "real" if _delivery_test()[1]["p_value"] < 0.05 else "noise"


def _delivery_gap_rubric() -> str:
    counts, test = _delivery_test()
    return (f"A good answer weighs three things. (1) Size of the gap against its uncertainty: referral "
            f"{test['rate_a']:.1%} of {int(counts.loc['referral', 'answers'])} answers, ads {test['rate_b']:.1%} of "
            f"{int(counts.loc['ads', 'answers'])}; the gap of {100 * test['difference']:.1f} points has a 95% interval "
            f"from {100 * test['ci_low']:+.1f} to {100 * test['ci_high']:+.1f} points (p = {test['p_value']:.2f}), so "
            "it includes zero, no gap at all. (2) The smaller group decides the precision: referral has few "
            "answers, so its own interval is wide. (3) Consequence: do not send the delivery team a finding about "
            "ads customers yet; keep collecting answers, or look at a question the data can answer (the NPS gap "
            "between the channels is far larger than its interval).")


EXERCISES = [
    _Exercise("5.1", "05_value_and_satisfaction.ipynb", "by hand: (average order value, purchase frequency, repeat "
                                                        "rate within 30 days) of the tiny orders of "
                                                        "jk.exercise_data('5.1'), rates between 0 and 1",
              _tiny_value,
              [(lambda: _tiny_value("everyone"), "Not quite: d and e ordered for the first time less than 30 days "
                                                 "before the last order; they have not had 30 days to come back, so "
                                                 "the repeat rate leaves them out."),
               (lambda: _tiny_value("any time"), "Not quite: b's second order came 64 days after the first, outside "
                                                 "the 30-day window."),
               (lambda: _tiny_value("per customer"), "Not quite: the first number is revenue per customer; the "
                                                     "average order value divides revenue by orders."),
               (lambda: _tiny_value("percent"), _PERCENT)],
              tolerance=0.005, relative=0.0),
    _Exercise("5.2", "05_value_and_satisfaction.ipynb", "predict: when the window of the repeat purchase rate doubles "
                                                        "from 90 to 180 days, does the shop's rate 'rises', 'falls' or "
                                                        "'stays'?",
              _longer_window,
              [(lambda: "falls", "Not quite: fewer customers are eligible (they need 180 days of history), but each "
                                 "has twice as long to order again, and every second order within 90 days is also "
                                 "within 180."),
               (lambda: "stays", "Not quite: the window is part of the definition; a second order on day 120 counts "
                                 "with 180 days and not with 90.")]),
    _Exercise("5.3", "05_value_and_satisfaction.ipynb", "(number of At risk customers, their share of all revenue)",
              _at_risk,
              [(lambda: _at_risk(as_percent=True), "Close: give the revenue share between 0 and 1, not in %."),
               (lambda: _at_risk(as_percent="customers"), "Close: that is their share of customers; the question "
                                                          "asks for their share of revenue.")]),
    _Exercise("5.4", "05_value_and_satisfaction.ipynb", "decide: {'decision': 'real' or 'noise', 'reason': '...'} for "
                                                        "the gap in delivery CSAT between referral and ads customers",
              _delivery_gap,
              [(lambda: "real", "Not the call the data support: the gap looks large, but referral has few answers "
                                "and the 95% interval of the difference includes zero.")],
              rubric=_delivery_gap_rubric),
    _Exercise("5.5", "05_value_and_satisfaction.ipynb", "the label (text, e.g. '0' or '7+') of the calibration "
                                                        "repeat-purchase group whose holdout purchases the BG/NBD "
                                                        "model under-forecasts most (actual minus predicted)",
              _holdout_gap,
              [(lambda: _holdout_gap("over"), "Not quite: there the model forecasts *more* purchases than "
                                              "customers made (the orange bar is taller); under-forecasting means "
                                              "the blue bar, what customers did, is taller."),
               (lambda: _holdout_gap("biggest"), "Not quite: that is the biggest group, with most customers; "
                                                 "compare the mean purchases per customer, actual minus "
                                                 "predicted, in each group.")]),
]

DATA = {"5.1": lambda: _tiny_table(_TINY_ORDERS)}

HINTS: dict[str, tuple[str, str, str]] = {
    "5.1": ("AOV divides revenue by orders, frequency divides orders by customers, and the repeat rate only counts "
            "customers who have had the whole window.",
            "The last order is on 2025-03-31; go back 30 days. Whose first order is before that date, and which of "
            "them ordered again within 30 days?",
            "By hand: sum the revenue, count orders and customers; jk.order_summary and "
            "jk.repeat_purchase_rate(..., within='30D') do the same."),
    "5.2": ("A longer window gives more time to come back, but fewer customers have had all of it.",
            "Every second order within 90 days is also within 180; what happens to the customers whose second "
            "order came on day 100?",
            "Think before running: jk.repeat_purchase_rate(orders, within='180D') against within='90D'."),
    "5.3": ("A segment's weight is both how many customers it has and how much they spend.",
            "The RFM table has one row per customer with a segment and their revenue.",
            "Count the rows whose segment is 'At risk', and divide their revenue by the total revenue."),
    "5.4": ("A gap between two groups is news only if it is larger than its uncertainty.",
            "Look at the number of delivery answers from referral and from ads customers, and at each CSAT's interval.",
            "jk.compare_proportions(satisfied_referral, answers_referral, satisfied_ads, answers_ads)."),
    "5.5": ("Under-forecasting means customers made more purchases in the holdout than the model predicted.",
            "In the figure, look for the group where the blue bar (actual) is most above the orange one (predicted).",
            "check.set_index('frequency').drop('all') gives actual and predicted per group; subtract, then idxmax."),
}
