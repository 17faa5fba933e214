"""Exercises of lesson 02: The journey map."""

from __future__ import annotations

import pandas as pd

from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data
from journeykit.course.exercise_kinds import tiny_table as _tiny_table

# A tiny survey export for exercise 2.1, small enough to put on the emotion scale by hand.
_TINY_SURVEYS = """user_id,timestamp,touchpoint,csat,nps
ana,2025-03-01 10:00,cart,2,
ben,2025-03-01 11:00,cart,1,5
cleo,2025-03-02 09:00,cart,,10
dev,2025-03-02 12:00,checkout,5,
eli,2025-03-03 14:00,cart,4,
"""


def _tiny_surveys() -> pd.DataFrame:
    return _tiny_table(_TINY_SURVEYS)


def _tiny_decision_emotion(mistake: str | None = None) -> float:
    """Mean emotion of the Decision stage in the tiny survey table, as the kit computes it or as a mistake would."""
    from journeykit.analysis.journey_map import emotion_scores

    table = _tiny_surveys()
    surveys = pd.DataFrame({
        "user_id": table["user_id"], "timestamp": pd.to_datetime(table["timestamp"]),
        "touchpoint": table["touchpoint"],
        "csat": pd.to_numeric(table["csat"]).astype("Float64"), "nps": pd.to_numeric(table["nps"]).astype("Float64"),
    })
    if mistake == "csat only":  # an answer with both scores read from its CSAT alone
        surveys.loc[surveys["csat"].notna(), "nps"] = pd.NA
    answers = emotion_scores(surveys, "6-stage")
    if mistake == "every stage":  # the checkout answer kept
        return float(answers["emotion"].mean())
    return float(answers.loc[answers["stage"] == "Decision", "emotion"].mean())


def _unscaled_nps(table: pd.DataFrame) -> float:
    """The Decision mean when an NPS answer n counts as n - 5 (not divided by 2.5)."""
    cart = table[table["touchpoint"] == "cart"]
    csat = pd.to_numeric(cart["csat"]) - 3
    nps = pd.to_numeric(cart["nps"]) - 5
    return float(pd.concat([csat, nps], axis=1).mean(axis=1).mean())


def _map_pain_stage(model: str) -> str:
    from journeykit.analysis.journey_map import SHOP_MAP_TEXT, journey_map

    journey = journey_map(_data("shop_events"), model, surveys=_data("shop_surveys"), text=SHOP_MAP_TEXT)
    pains = journey[(journey["lane"] == "pain_points") & journey["text"].str.startswith("Largest drop-off")]
    return pains["stage"].iloc[0]


def _purchase_emotion(device: str | None) -> pd.Series:
    """The emotion cell of the Purchase stage (value, low, high) in the map of one device's users, or everyone's."""
    from journeykit.analysis.journey_map import journey_map

    events, surveys = _data("shop_events"), _data("shop_surveys")
    if device is not None:
        users = _data("shop_users")
        chosen = users.loc[users["device"] == device, "user_id"]
        events, surveys = events[events["user_id"].isin(chosen)], surveys[surveys["user_id"].isin(chosen)]
    journey = journey_map(events, "6-stage", surveys=surveys)
    return journey.loc[(journey["lane"] == "emotion") & (journey["stage"] == "Purchase"),
                       ["value", "low", "high"]].iloc[0]


def _mobile_vs_everyone() -> str:
    """'lower', 'higher' or 'about the same': mobile users' Purchase emotion against everyone's, beyond its interval."""
    mobile, everyone = _purchase_emotion("mobile"), _purchase_emotion(None)
    if mobile["high"] < everyone["value"]:
        return "lower"
    if mobile["low"] > everyone["value"]:
        return "higher"
    return "about the same"


def _bounce_by_device() -> pd.DataFrame:
    """Sessions, bounced sessions and bounce rate per device, highest bounce rate first."""
    from journeykit.analysis.journey_map import web_analytics

    table = web_analytics(_data("shop_events"), by="device").sort_values("bounce_rate", ascending=False)
    return table.assign(bounced=(table["bounce_rate"] * table["sessions"]).round().astype(int))


def _bounce_test() -> pd.Series:
    """The device that bounces most against the runner-up: is the gap more than noise?"""
    from journeykit.analysis.stats import compare_proportions

    first, second = _bounce_by_device().iloc[0], _bounce_by_device().iloc[1]
    return compare_proportions(int(first["bounced"]), int(first["sessions"]), int(second["bounced"]),
                               int(second["sessions"]), names=(first["device"], second["device"]))


def _tablet_first() -> str:
    test = _bounce_test()
    return "go" if test["p_value"] < 0.05 and not test["small_sample"] else "hold"


def _tablet_first_rubric() -> str:
    table, test = _bounce_by_device(), _bounce_test()
    first, second = table.iloc[0], table.iloc[1]
    rates = "; ".join(f"{row.device} {row.bounce_rate:.1%} of {row.sessions:,} sessions" for row in table.itertuples())
    return (f"A good answer weighs three things. (1) The gap and its uncertainty: {rates}. {first['device']} "
            f"against {second['device']}: a difference of {100 * test['difference']:+.1f} points (95% interval "
            f"{100 * test['ci_low']:+.1f} to {100 * test['ci_high']:+.1f} points, p = {test['p_value']:.2f}). "
            "(2) Whether it is more than noise: an interval that contains 0 does not say which device bounces most, "
            "so 'bounces most' is not a finding. (3) Size: the devices bounce at nearly the same rate, and mobile "
            "has several times the sessions, so a landing-page fix helps most people where the traffic is. Model "
            "answer: hold; no device stands out, fix the landing pages (social, lesson 02's channel table) for every "
            "device, starting where the sessions are.")


EXERCISES = [
    _Exercise("2.1", "02_journey_map.ipynb", "by hand: the mean emotion (a number from -2 to +2) of the Decision "
                                             "stage in the tiny survey table of jk.exercise_data('2.1')",
              _tiny_decision_emotion,
              [(lambda: _tiny_decision_emotion("every stage"), "Not quite: dev answered at checkout, which is the "
                                                               "Purchase stage; keep the cart answers only."),
               (lambda: _tiny_decision_emotion("csat only"), "Close: ben gave both a CSAT and an NPS; his emotion is "
                                                             "the mean of the two (s - 3 and (n - 5) / 2.5)."),
               (lambda: _unscaled_nps(_tiny_surveys()), "Not quite: an NPS answer n counts as (n - 5) / 2.5, so that "
                                                        "10 is +2, like a CSAT of 5.")],
              tolerance=0.001, relative=0.0),
    _Exercise("2.2", "02_journey_map.ipynb", "predict: is the Purchase emotion of mobile users 'higher', 'lower' or "
                                             "'about the same' as everyone's?",
              _mobile_vs_everyone,
              [(lambda: "higher", "Not quite: read the Purchase comments again; which device do the complaints name?"),
               (lambda: "about the same", "Not quite: the mobile users' interval lies wholly below everyone's mean: "
                                          "the average hides their pain.")]),
    _Exercise("2.3", "02_journey_map.ipynb", "decide: {'decision': 'go' or 'hold', 'reason': '...'} on redesigning "
                                             "the tablet landing pages first because tablet bounces most",
              _tablet_first,
              [(lambda: "go", "Not the choice the data support: tablet bounces most, but by less than the "
                              "uncertainty of the rates; 'bounces most' is not a finding yet.")],
              rubric=_tablet_first_rubric),
    _Exercise("2.4", "02_journey_map.ipynb", "stage holding the largest drop-off in the 4-stage map",
              lambda: _map_pain_stage("4-stage"),
              [(lambda: _map_pain_stage("6-stage"), "That is the answer for the six-stage map; in four stages, "
                                                    "cart and checkout belong to another stage."),
               (lambda: _map_pain_stage("5-stage-intent"), "That is the answer for the 5-stage-intent map; the "
                                                           "question is about the 4-stage one.")]),
]

DATA = {"2.1": _tiny_surveys}

HINTS: dict[str, tuple[str, str, str]] = {
    "2.1": ("A stage's emotion is the mean of its answers on one scale from -2 to +2.",
            "Place each answer by its touchpoint first (cart is Decision, checkout is Purchase), then convert it.",
            "CSAT s counts as s - 3, NPS n as (n - 5) / 2.5, an answer with both as the mean of the two; "
            "jk.emotion_scores does the same."),
    "2.2": ("An average over everyone can hide one group's pain.",
            "Read the Purchase comments in the map: which device do they name?",
            "Filter events and surveys to the mobile users of shop['users'], then jk.journey_map; compare the "
            "emotion cell's low and high with everyone's value."),
    "2.3": ("A ranking is a finding only when the gap is larger than its uncertainty.",
            "Bounced sessions are bounce_rate × sessions; compare the top device with the runner-up.",
            "jk.web_analytics(events, by='device'), then jk.compare_proportions on the two highest rates."),
    "2.4": ("The map marks pain points; one kind is where the most people are lost.",
            "Build the 4-stage map and read its pain-point lane.",
            "jk.journey_map with the '4-stage' model: the pain point that starts with 'Largest drop-off'."),
}
