"""Exercises of lesson 06: The buyer and the customer journey."""

from __future__ import annotations


from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data


def _after_path(collapse: str = "loops") -> str:
    from journeykit.analysis.paths import top_paths

    return top_paths(_data("shop_events"), part="after", level="stage", collapse=collapse, top=1)["path"].iloc[0]


def _content_share(lookback: str | None = "7D") -> float:
    from journeykit.analysis.attribution import attribute

    table = attribute(_data("shop_events"), model="first_touch", touch_events=["visit"], lookback=lookback)
    return float(table.set_index("channel").loc["content", "share"])


def _clv_gap(sign: int = 1) -> float:
    from journeykit.analysis.comparison import journey_comparison

    table = journey_comparison(_data("shop_events"), _data("shop_orders"), _data("shop_surveys"), by="device")
    clv = table.set_index("device")["clv"]
    return float(sign * (clv["desktop"] - clv["mobile"]))


EXERCISES = [
    _Exercise("6.1", "06_buyer_vs_customer_journey.ipynb", "most common stage path after the first purchase, "
                                                           "loops collapsed",
              _after_path,
              [(lambda: _after_path("repeats"), "That path has only repeats collapsed; use collapse='loops'.")]),
    _Exercise("6.2", "06_buyer_vs_customer_journey.ipynb", "first-touch share of content with a 7-day lookback",
              _content_share,
              [(lambda: _content_share(None), "That is the share without a lookback; pass lookback='7D'.")]),
    _Exercise("6.3", "06_buyer_vs_customer_journey.ipynb", "how much more a desktop customer is worth than a "
                                                           "mobile one: CLV difference in EUR",
              _clv_gap,
              [(lambda: _clv_gap(-1), "Close: that is mobile minus desktop; the question asks desktop minus "
                                      "mobile.")], tolerance=0.01),
]

HINTS: dict[str, tuple[str, str, str]] = {
    "6.1": ("After the first purchase, people loop between stages; collapsing loops keeps the first visit of each.",
            "Paths can be counted per part of the journey, at event or stage level.",
            "jk.top_paths for the part after the first purchase, at stage level, with loops collapsed."),
    "6.2": ("First touch credits the channel of the first visit, but only visits close enough to the purchase count.",
            "A lookback limits how far before the purchase a touch may be.",
            "jk.attribute with the first-touch model, visits as touches and a 7-day lookback; content's share."),
    "6.3": ("Worth is lifetime value, and the question compares two devices.",
            "The journey comparison table has one row per segment with its CLV.",
            "jk.journey_comparison split by device; desktop's clv minus mobile's."),
}
