"""Exercises of lesson 02: The journey map."""

from __future__ import annotations


from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data


def _map_pain_stage(model: str) -> str:
    from journeykit.analysis.journey_map import SHOP_MAP_TEXT, journey_map

    journey = journey_map(_data("shop_events"), model, surveys=_data("shop_surveys"), text=SHOP_MAP_TEXT)
    pains = journey[(journey["lane"] == "pain_points") & journey["text"].str.startswith("Largest drop-off")]
    return pains["stage"].iloc[0]


def _bounce_device(rate: bool = False) -> str | float:
    from journeykit.analysis.journey_map import web_analytics

    top = web_analytics(_data("shop_events"), by="device").sort_values("bounce_rate", ascending=False).iloc[0]
    return float(top["bounce_rate"]) if rate else top["device"]


def _purchase_emotion(device: str | None) -> float:
    from journeykit.analysis.journey_map import emotion_scores

    surveys = _data("shop_surveys")
    if device is not None:
        users = _data("shop_users")
        surveys = surveys[surveys["user_id"].isin(users.loc[users["device"] == device, "user_id"])]
    answers = emotion_scores(surveys, "6-stage")
    return float(answers.loc[answers["stage"] == "Purchase", "emotion"].mean())


EXERCISES = [
    _Exercise("2.1", "02_journey_map.ipynb", "stage holding the largest drop-off in the 4-stage map",
              lambda: _map_pain_stage("4-stage"),
              [(lambda: _map_pain_stage("6-stage"), "That is the answer for the six-stage map; in four stages, "
                                                    "cart and checkout belong to another stage.")]),
    _Exercise("2.2", "02_journey_map.ipynb", "device with the highest bounce rate",
              _bounce_device,
              [(lambda: _bounce_device(rate=True), "That is the highest bounce rate; answer with the name of the "
                                                   "device that has it.")]),
    _Exercise("2.3", "02_journey_map.ipynb", "mean emotion of the Purchase stage for mobile users",
              lambda: _purchase_emotion("mobile"),
              [(lambda: _purchase_emotion(None), "That is the emotion of everyone; keep mobile users only.")],
              tolerance=0.05),
]

HINTS: dict[str, tuple[str, str, str]] = {
    "2.1": ("The map marks pain points; one kind is where the most people are lost.",
            "Build the 4-stage map and read its pain-point lane.",
            "jk.journey_map with the '4-stage' model: the pain point that starts with 'Largest drop-off'."),
    "2.2": ("Bounce rate is the share of sessions with a single interaction; compare it across devices.",
            "Sessions belong to the device of their first event.",
            "jk.web_analytics split by device, then sort by bounce_rate."),
    "2.3": ("Emotion comes from survey answers, placed in stages; keep only the people the question is about.",
            "Which users are on mobile is in the users table; join it to the surveys first.",
            "Filter the surveys to mobile users, then jk.emotion_scores and the mean emotion of Purchase."),
}
