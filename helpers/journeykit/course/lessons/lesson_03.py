"""Exercises of lesson 03: Funnels."""

from __future__ import annotations


from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data


def _best_channel(metric: str = "conversion") -> str:
    from journeykit.analysis.funnel import funnel

    result = funnel(_data("shop_events"), ["view_product", "add_to_cart", "purchase"], window="1D", by="channel")
    last = result[result["step"] == "purchase"]
    column = "conversion_from_start" if metric == "conversion" else "users"
    return last.sort_values(column, ascending=False)["channel"].iloc[0]


def _mobile_dropped(count: bool = False) -> float:
    from journeykit.analysis.funnel import dropped_users

    dropped = dropped_users(_data("shop_events"), ["begin_checkout", "purchase"], at="purchase", window="1D",
                            by="device")
    mobile = dropped["device"] == "mobile"
    return float(mobile.sum() if count else mobile.mean())


def _referral_vs_search(field_name: str = "p_value") -> float:
    from journeykit.analysis.funnel import compare_funnel_segments, funnel

    steps = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]
    result = funnel(_data("shop_events"), steps, window="7D", by="channel")
    return float(compare_funnel_segments(result, "referral", "search")[field_name])


EXERCISES = [
    _Exercise("3.1", "03_funnels.ipynb",
              "channel with the highest view → cart → purchase conversion (1-day window)",
              _best_channel,
              [(lambda: _best_channel("users"), "That channel has the most buyers, not the highest conversion: "
                                                "compare conversion_from_start, not users.")]),
    _Exercise("3.2", "03_funnels.ipynb", "share of the users who began a checkout but did not pay within a day "
                                         "who were on mobile",
              _mobile_dropped,
              [(lambda: _mobile_dropped(count=True), "That is the number of mobile users who dropped; divide by all "
                                                     "users who dropped to get a share."),
               (lambda: 100 * _mobile_dropped(), _PERCENT)]),
    _Exercise("3.3", "03_funnels.ipynb", "p-value of the referral vs search difference in visit-to-purchase "
                                         "conversion",
              _referral_vs_search,
              [(lambda: _referral_vs_search("difference"), "That is the difference in conversion; the question "
                                                           "asks for the p-value.")], tolerance=0.0, relative=0.02),
]

HINTS: dict[str, tuple[str, str, str]] = {
    "3.1": ("Compare channels by their conversion, not by how many buyers they bring.",
            "Segment the funnel by channel and look at the last step's conversion from the start.",
            "jk.funnel with by='channel'; on the purchase rows, sort by conversion_from_start."),
    "3.2": ("A share of the dropped users: the denominator is everyone in `dropped`.",
            "Each dropped user has a device; count the mobile ones relative to all of them.",
            "In `dropped`, compare the device column with 'mobile' and take the mean."),
    "3.3": ("A difference between two rates can be noise; a test says how surprising it would be if there were none.",
            "The kit compares two segments of a funnel result and returns a verdict with a p-value.",
            "jk.compare_funnel_segments on by_channel, for 'referral' and 'search'; read its p_value."),
}
