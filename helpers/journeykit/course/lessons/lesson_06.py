"""Exercises of lesson 06: The buyer and the customer journey."""

from __future__ import annotations

import pandas as pd

from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data
from journeykit.course.exercise_kinds import tiny_table as _tiny_table

# Four people's visits and first purchases, for exercise 6.2: small enough to credit by hand.
_TINY_TOUCHES = """user_id,timestamp,event,channel
A,2025-03-01 09:00,visit,social
A,2025-03-03 18:00,visit,email
A,2025-03-03 18:20,purchase,email
A,2025-03-10 12:00,visit,email
B,2025-03-02 08:00,visit,search
B,2025-03-03 21:00,visit,social
B,2025-03-04 07:30,visit,email
B,2025-03-05 19:00,visit,direct
B,2025-03-05 19:15,purchase,direct
C,2025-03-02 12:00,visit,email
C,2025-03-02 12:10,purchase,email
D,2025-03-01 10:00,visit,email
D,2025-03-06 10:00,visit,email
"""


def _tiny_touches() -> pd.DataFrame:
    return _tiny_table(_TINY_TOUCHES)


def _after_path(collapse: str = "loops") -> str:
    from journeykit.analysis.paths import top_paths

    return top_paths(_data("shop_events"), part="after", level="stage", collapse=collapse, top=1)["path"].iloc[0]


def _email_credit(model: str = "linear", mistake: str | None = None) -> float:
    """First purchases credited to email in the tiny table, as the kit computes them or as a typical mistake would."""
    from journeykit.analysis.attribution import attribute

    touches = _tiny_touches().assign(timestamp=lambda t: pd.to_datetime(t["timestamp"]))
    if mistake == "after":  # A's visit after the purchase counted as a touch before it
        touches = touches.assign(timestamp=touches["timestamp"].mask(touches.index == 3,
                                                                    pd.Timestamp("2025-03-03 18:10")))
    if mistake == "non-buyer":  # D's visits credited as if D had bought
        extra = pd.DataFrame({"user_id": ["D"], "timestamp": [pd.Timestamp("2025-03-06 10:05")],
                              "event": ["purchase"], "channel": ["email"]})
        touches = pd.concat([touches, extra], ignore_index=True)
    table = attribute(touches, model=model, touch_events=["visit"])
    return round(float(table.set_index("channel").loc["email", "conversions"]), 4)


def _content_share(lookback: str | None = "7D") -> float:
    from journeykit.analysis.attribution import attribute

    table = attribute(_data("shop_events"), model="first_touch", touch_events=["visit"], lookback=lookback)
    return float(table.set_index("channel").loc["content", "share"])


def _lookback_effect() -> str:
    """What a 7-day lookback does to content's first-touch share: 'rises', 'falls' or 'stays'."""
    change = _content_share("7D") - _content_share(None)
    return "stays" if abs(change) < 0.005 else ("rises" if change > 0 else "falls")


def _bought_after_failure(mistake: str | None = None) -> float:
    """Share of people whose three events after their first failed payment include a purchase."""
    from journeykit.analysis.paths import paths_around

    direction = "before" if mistake == "before" else "after"
    top = 20 if mistake == "top" else None  # 20 is paths_around's default: the rare paths are left out
    paths = paths_around(_data("shop_events"), "payment_failed", direction=direction, steps=3, top=top)
    steps = paths[["step_1"]] if mistake == "next only" else paths.filter(regex=r"^step_[1-9]")
    bought = steps.eq("purchase").any(axis=1)
    return round(float(paths.loc[bought, "users"].sum() / paths.attrs["users"]), 4)


def _keep_content() -> str:
    return "keep"


def _content_rubric() -> str:
    from journeykit.analysis.attribution import compare_attribution
    from journeykit.analysis.comparison import journey_comparison
    from journeykit.analysis.stats import compare_proportions
    from journeykit.analysis.value import repeat_purchase_rate

    events = _data("shop_events")
    credited = compare_attribution(events, touch_events=["visit"]).loc["content"]
    table = journey_comparison(events, _data("shop_orders"), _data("shop_surveys"), by="channel",
                               within="90D", horizon="180D").set_index("channel")
    orders = _data("shop_orders").drop(columns="channel").merge(
        _data("shop_users")[["user_id", "acquisition_channel"]], on="user_id")
    repeat = repeat_purchase_rate(orders, within="90D", by="acquisition_channel").set_index("acquisition_channel")
    test = compare_proportions(repeat.loc["content", "repeaters"], repeat.loc["content", "customers"],
                               repeat.loc["ads", "repeaters"], repeat.loc["ads", "customers"], names=("content", "ads"))
    return (f"A good answer weighs three things. (1) Which question the report answers: last touch credits content "
            f"with {credited['last_touch']:.0f} first purchases, first touch with {credited['first_touch']:.0f}; "
            "content introduces people who buy later through another channel, so last touch hides most of its work. "
            f"(2) What its customers are worth: a CLV of {table.loc['content', 'clv']:.2f} EUR over 180 days against "
            f"{table.loc['ads', 'clv']:.2f} for ads, rank {table.loc['content', 'rank_customer_journey']} of "
            f"{len(table)} on the whole journey. (3) Whether the difference is more than noise: {test['rate_a']:.1%} of "
            f"content's customers buy again within 90 days against {test['rate_b']:.1%} of ads' (95% interval of the "
            f"difference {test['ci_low']:.1%} to {test['ci_high']:.1%}, far from zero). Model answer: keep "
            "it, and judge it by first touch and by what its customers do next, not by last touch alone.")


EXERCISES = [
    _Exercise("6.1", "06_buyer_vs_customer_journey.ipynb", "most common stage path after the first purchase, "
                                                           "loops collapsed, as text",
              _after_path,
              [(lambda: _after_path("repeats"), "That path has only repeats collapsed; use collapse='loops'."),
               (lambda: _after_path("none"), "That path keeps every step, so one stage repeats; collapse the loops "
                                             "(collapse='loops').")]),
    _Exercise("6.2", "06_buyer_vs_customer_journey.ipynb", "by hand: first purchases credited to email by linear "
                                                           "attribution in jk.exercise_data('6.2'), a number",
              _email_credit,
              [(lambda: _email_credit("last_touch"), "Not quite: that is last touch, all the credit to the visit "
                                                     "just before the purchase; linear shares it equally."),
               (lambda: _email_credit("first_touch"), "Not quite: that is first touch; linear gives every visit "
                                                      "before the purchase an equal share."),
               (lambda: _email_credit("position_based"), "Not quite: that is position-based (40/20/40); linear "
                                                         "gives every visit the same share, B's middle ones too."),
               (lambda: _email_credit(mistake="after"), "Close: A's email visit on 10 March comes after A's "
                                                        "purchase; it belongs to the customer journey, not to the "
                                                        "path to the first purchase."),
               (lambda: _email_credit(mistake="non-buyer"), "Not quite: D never bought, so D's visits earn no "
                                                            "credit; only first purchases are shared out.")],
              tolerance=0.01, relative=0.0),
    _Exercise("6.3", "06_buyer_vs_customer_journey.ipynb", "predict: with a 7-day lookback, content's first-touch "
                                                           "share 'rises', 'falls' or 'stays'?",
              _lookback_effect,
              [(lambda: "rises", "Not quite: a lookback only removes touches (those more than 7 days before the "
                                 "purchase); content's visits come early in the journey, so it loses first touches."),
               (lambda: "stays", "Not quite: a quarter of first purchases come more than five days after the first "
                                 "visit, so a 7-day lookback drops many first touches; which channel brought them?")]),
    _Exercise("6.4", "06_buyer_vs_customer_journey.ipynb", "decide: {'decision': 'keep' or 'cut', 'reason': '...'} "
                                                           "for content's budget, which last touch credits little",
              _keep_content,
              [(lambda: "cut", "Not the choice the data supports: last touch is only the last step of the buyer "
                               "journey. Content brings people first, and its customers stay and are worth more.")],
              rubric=_content_rubric),
    _Exercise("6.5", "06_buyer_vs_customer_journey.ipynb", "share (0 to 1) of the people with a failed payment "
                                                           "whose next three events, after their first one, "
                                                           "include a purchase",
              _bought_after_failure,
              [(lambda: _bought_after_failure("next only"), "Close: that counts a purchase as the very next event "
                                                            "only; some people visit or retry the checkout first, "
                                                            "and a purchase at step 2 or 3 counts too."),
               (lambda: _bought_after_failure("top"), "Close: by default paths_around keeps the 20 most common "
                                                      "paths only; pass top=None so that rare paths count too."),
               (lambda: _bought_after_failure("before"), "That looks before the failure (direction='before'); "
                                                         "the question is what happens after it."),
               (lambda: 100 * _bought_after_failure(), _PERCENT)],
              tolerance=0.002, relative=0.0),
]

DATA = {"6.2": _tiny_touches}

HINTS: dict[str, tuple[str, str, str]] = {
    "6.1": ("After the first purchase, people loop between stages; collapsing loops keeps the first visit of each.",
            "Paths can be counted per part of the journey, at event or stage level.",
            "jk.top_paths for the part after the first purchase, at stage level, with loops collapsed."),
    "6.2": ("Linear attribution splits each first purchase equally among the visits that led to it.",
            "Person by person: which visits come before the first purchase, and who bought at all?",
            "For each buyer, email's visits before the purchase divided by all their visits before it; add up."),
    "6.3": ("A lookback keeps only the touches in the days just before the purchase.",
            "Which channels bring people early in the journey, and which bring them back to buy?",
            "Compare jk.attribute with the first-touch model, with and without lookback='7D', for content."),
    "6.4": ("Each attribution model answers a different question; the whole journey adds what customers do next.",
            "Compare content under first and last touch, then its row in the journey comparison.",
            "jk.compare_attribution, then jk.journey_comparison by channel and jk.compare_proportions on repeats."),
    "6.5": ("Anchor on the failed payment and read forwards: a purchase may come right away or after a retry.",
            "Each row of an anchored-path table is one path with its number of people; a purchase can sit in any of "
            "the step columns after the anchor.",
            "jk.paths_around(events, 'payment_failed', direction='after', steps=3, top=None); keep the rows with "
            "'purchase' in step_1, step_2 or step_3; their users over .attrs['users']."),
}
