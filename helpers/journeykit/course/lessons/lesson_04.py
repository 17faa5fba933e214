"""Exercises of lesson 04: Retention and churn."""

from __future__ import annotations


from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data


def _week_one(unbounded: bool = False, return_event: str | None = None, weighted: bool = True) -> float:
    from journeykit.analysis.retention import cohort_retention, retention_curve

    table = cohort_retention(_data("shop_events"), period="W", unbounded=unbounded, return_event=return_event)
    if not weighted:  # the mistake: every cohort counts the same, whatever its size
        return float(table.loc[table["complete"] & (table["period"] == 1), "retention"].mean())
    curve = retention_curve(table)
    return float(curve.loc[curve["period"] == 1, "retention"].iloc[0])


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
]

HINTS: dict[str, tuple[str, str, str]] = {
    "4.1": ("Retention at week 1 averages the cohorts, and big cohorts should count more than small ones.",
            "Build weekly cohorts, then average them into one curve over complete weeks only.",
            "jk.cohort_retention with period='W', then jk.retention_curve; the row with period 1."),
}
