"""Exercises of lesson 01: Defining stages."""

from __future__ import annotations


from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data


def _intent_to_purchase(share_of: str = "previous") -> float:
    from journeykit.analysis.stages import stage_summary

    row = stage_summary(_data("shop_events"), "5-stage-intent").set_index("stage").loc["Purchase"]
    return float(row["share_of_previous"] if share_of == "previous" else row["share_of_users"])


def _backtrack(rank: int) -> tuple[str, str]:
    from journeykit.analysis.stages import backtracks

    row = backtracks(_data("shop_events"), "4-stage").iloc[rank]
    return (row["from_stage"], row["to_stage"])


def _three_stage_after(with_rule: bool = True) -> int:
    """Events in the After stage of the three-stage model of exercise 1.3."""
    from journeykit.analysis.stages import StageModel, assign_stages, stage_model

    coarse = {"Awareness": "Before", "Consideration": "Before", "Decision": "Before", "Purchase": "Buy",
              "Retention": "After", "Advocacy": "After"}
    six = stage_model("6-stage")
    model = StageModel("three", stages=[("Before", ""), ("Buy", ""), ("After", "")],
                       events={e: coarse[s] for e, s in six.events.items()},
                       rules=[("event == 'purchase' and occurrence > 1", "After")] if with_rule else [])
    return int((assign_stages(_data("shop_events"), model)["stage"] == "After").sum())


EXERCISES = [
    _Exercise("1.1", "01_defining_stages.ipynb", "share of Intent users who reach Purchase (5-stage-intent)",
              _intent_to_purchase,
              [(lambda: _intent_to_purchase("users"), "That is the share of *all* users who purchase; divide by "
                                                      "the users who reached Intent (share_of_previous)."),
               (lambda: 100 * _intent_to_purchase(), _PERCENT)]),
    _Exercise("1.2", "01_defining_stages.ipynb", "second most common backtrack of the 4-stage model, as a tuple "
                                                 "(from_stage, to_stage)",
              lambda: _backtrack(1),
              [(lambda: _backtrack(0), "That is the most common backtrack; the question asks for the second."),
               (lambda: tuple(reversed(_backtrack(1))), "Close: the order is (from_stage, to_stage).")]),
    _Exercise("1.3", "01_defining_stages.ipynb", "number of events in the After stage of your three-stage model",
              _three_stage_after,
              [(lambda: _three_stage_after(with_rule=False), "Close: without the rule, second purchases stay in "
                                                             "Buy. Add ('event == \"purchase\" and occurrence > 1', "
                                                             "'After') to the rules.")]),
]

HINTS: dict[str, tuple[str, str, str]] = {
    "1.1": ("'Of the Intent users' means the denominator is the people who reached Intent, not everyone.",
            "A stage summary lists, per stage, how many users reached it and their share of the previous stage.",
            "jk.stage_summary with the '5-stage-intent' preset: the Purchase row's share_of_previous."),
    "1.2": ("A backtrack is a move from a stage to an earlier one; some moves are more common than others.",
            "The kit lists backtracks with their number of moves, most common first.",
            "jk.backtracks with the '4-stage' model; the second row, as (from_stage, to_stage)."),
    "1.3": ("Your three stages are a coarser cut of the six: decide where each of the six goes.",
            "Keep the preset's rule that sends second purchases to the stage after buying.",
            "Build a jk.StageModel with your mapping and rule, then count the After events of jk.assign_stages."),
}
