"""Exercises of lesson 05: Value and satisfaction."""

from __future__ import annotations


from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data


def _delivery_csat(touchpoint: str | None = "delivery") -> dict[str, float]:
    from journeykit.analysis.satisfaction import csat

    surveys = _data("shop_surveys").merge(_data("shop_users")[["user_id", "acquisition_channel"]], on="user_id")
    if touchpoint is not None:
        surveys = surveys[surveys["touchpoint"] == touchpoint]
    surveys = surveys[surveys["acquisition_channel"].isin(["ads", "referral"])]
    return csat(surveys, by="acquisition_channel").set_index("acquisition_channel")["csat"].round(4).to_dict()


def _at_risk(as_percent: bool = False) -> tuple[int, float]:
    from journeykit.analysis.value import rfm

    segments = rfm(_data("shop_orders"))
    at_risk = segments[segments["segment"] == "At risk"]
    share = at_risk["revenue"].sum() / segments["revenue"].sum()
    return (len(at_risk), float(100 * share if as_percent else share))


EXERCISES = [
    _Exercise("5.1", "05_value_and_satisfaction.ipynb", "delivery CSAT of ads and referral customers, as "
                                                     "{'ads': ..., 'referral': ...}, shares between 0 and 1",
              _delivery_csat,
              [(lambda: _delivery_csat(None), "Close: those are CSATs over every touchpoint; keep delivery "
                                              "answers only."),
               (lambda: {k: 100 * v for k, v in _delivery_csat().items()}, "Close: give each CSAT as a share "
                                                                           "between 0 and 1, not in %.")],
              tolerance=0.001),
    _Exercise("5.2", "05_value_and_satisfaction.ipynb", "(number of At risk customers, their share of all revenue)",
              _at_risk,
              [(lambda: _at_risk(as_percent=True), "Close: give the revenue share between 0 and 1, not in %.")]),
]

HINTS: dict[str, tuple[str, str, str]] = {
    "5.1": ("CSAT of one touchpoint for two groups: filter to the touchpoint, then split by group.",
            "The acquisition channel is in the users table; join it to the surveys.",
            "Filter to the delivery touchpoint, add acquisition_channel, then jk.csat with by='acquisition_channel'."),
    "5.2": ("A segment's weight is both how many customers it has and how much they spend.",
            "The RFM table has one row per customer with a segment and their revenue.",
            "Count the rows whose segment is 'At risk', and divide their revenue by the total revenue."),
}
