"""Exercises of lesson 01: Defining stages."""

from __future__ import annotations

import pandas as pd

from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data
from journeykit.course.exercise_kinds import tiny_table as _tiny_table

# A tiny event log for exercise 1.1, small enough to stage by hand: Ana buys on her second visit and comes back,
# Ben reads an article and comes back a week later.
_TINY_LOG = """user_id,timestamp,event
ANA,2025-03-01 10:00,visit
ANA,2025-03-01 10:02,view_product
ANA,2025-03-04 18:30,visit
ANA,2025-03-04 18:33,add_to_cart
ANA,2025-03-04 18:35,purchase
ANA,2025-03-20 09:00,visit
BEN,2025-03-02 12:00,visit
BEN,2025-03-02 12:01,read_article
BEN,2025-03-09 12:00,visit
"""


def _tiny_log() -> pd.DataFrame:
    return _tiny_table(_TINY_LOG)


def _tiny_visit_stages(mistake: str | None = None) -> tuple[str, ...]:
    """Stages of the tiny log's visits, in table order, with the 6-stage preset or as a typical mistake would."""
    from journeykit.analysis.stages import StageModel, assign_stages, stage_model

    six = stage_model("6-stage")
    if mistake == "every visit":  # the old reading: every visit is Awareness
        six = StageModel("names only", six.stages, six.events, rules=[])
    log = _tiny_log().assign(timestamp=lambda d: pd.to_datetime(d["timestamp"]))
    stages = assign_stages(log, six).query("event == 'visit'")["stage"].tolist()
    if mistake == "customer":  # a customer's return visit read as a prospect's
        stages = ["Consideration" if s == "Retention" else s for s in stages]
    if mistake == "quiet return":  # a return visit after only an article kept in Awareness
        stages[-1] = "Awareness"
    return tuple(stages)


def _six_without_return_rules():
    """The 6-stage preset with only its rule for second purchases: every visit is Awareness."""
    from journeykit.analysis.stages import StageModel, stage_model

    six = stage_model("6-stage")
    return StageModel("every visit is Awareness", six.stages, six.events, rules=six.rules[:1])


def _decision_rate(model) -> float:
    from journeykit.analysis.stages import stage_summary

    return float(stage_summary(_data("shop_events"), model).set_index("stage").loc["Decision", "share_of_previous"])


def _when_every_visit_is_awareness() -> str:
    before, after = _decision_rate("6-stage"), _decision_rate(_six_without_return_rules())
    return "rise" if after > before else "fall" if after < before else "stay"


_COARSE = {"Awareness": "Before", "Consideration": "Before", "Decision": "Before", "Purchase": "Buy",
           "Retention": "After", "Advocacy": "After"}


def _three_stage_after(rules: str = "all") -> int:
    """Events in the After stage of the three-stage model of exercise 1.3.

    ``rules``: "all" (the preset's rules, their stages remapped), "repeat only" (only the rule for second
    purchases kept), or "none".
    """
    from journeykit.analysis.stages import StageModel, assign_stages, stage_model

    six = stage_model("6-stage")
    kept = [(query, _COARSE[stage]) for query, stage in six.rules]
    kept = kept if rules == "all" else kept[:1] if rules == "repeat only" else []
    model = StageModel("three", stages=[("Before", ""), ("Buy", ""), ("After", "")],
                       events={e: _COARSE[s] for e, s in six.events.items()}, rules=kept)
    return int((assign_stages(_data("shop_events"), model)["stage"] == "After").sum())


def _purchase_users(model: str) -> int:
    from journeykit.analysis.stages import stage_summary

    return int(stage_summary(_data("shop_events"), model).set_index("stage").loc["Purchase", "users"])


def _buyers_rubric() -> str:
    four, six = _purchase_users("4-stage"), _purchase_users("6-stage")
    customers = _data("shop_orders")["user_id"].nunique()
    return (f"A good answer checks what each stage holds. The 4-stage model's Purchase starts at the cart: "
            f"{four:,} users, everyone who filled a cart. The 6-stage model keeps Purchase for paying: {six:,} "
            f"users; the orders table has {customers:,} distinct customers. Reading the 4-stage "
            f"count would report {four / six - 1:.0%} more buyers than there are. Model answer: '6-stage', because "
            "its Purchase stage holds only people who paid, and the report should say which framework the number "
            "comes from.")


EXERCISES = [
    _Exercise("1.1", "01_defining_stages.ipynb", "by hand: the 6-stage stage of each visit in jk.exercise_data('1.1'), "
                                                 "in table order, as a tuple of five stage names",
              _tiny_visit_stages,
              [(lambda: _tiny_visit_stages("every visit"), "Not quite: Awareness is first contact only. A return "
                                                           "visit is Consideration, or after the purchase for a "
                                                           "customer."),
               (lambda: _tiny_visit_stages("customer"), "Close: Ana's last visit comes after her purchase; a "
                                                        "customer's return visit belongs to Retention."),
               (lambda: _tiny_visit_stages("quiet return"), "Close: Ben's second visit is a return visit even "
                                                            "though he only read an article before; it is "
                                                            "Consideration.")]),
    _Exercise("1.2", "01_defining_stages.ipynb", "predict, then check: if every visit were Awareness, would the "
                                                 "share of Consideration users who reach Decision 'rise', 'fall' "
                                                 "or 'stay'?",
              _when_every_visit_is_awareness,
              [(lambda: "fall", "Not quite: think of who leaves Consideration. People who only came back for a "
                                "look, and never filled a cart, drop out of the denominator; those who reach "
                                "Decision stay."),
               (lambda: "stay", "Not quite: the number reaching Decision stays, but the number reaching "
                                "Consideration changes: people whose only Consideration event was a return visit "
                                "leave it.")]),
    _Exercise("1.3", "01_defining_stages.ipynb", "number of events in the After stage of your three-stage model "
                                                 "(a whole number)",
              _three_stage_after,
              [(lambda: _three_stage_after("repeat only"), "Close: second purchases are After, but a customer's "
                                                           "return visits and article reads are still Before. Keep "
                                                           "the rule '... and customer' too."),
               (lambda: _three_stage_after("none"), "Not quite: without rules, second purchases stay in Buy and "
                                                    "customers' return visits in Before. Start from six.rules.")]),
    _Exercise("1.4", "01_defining_stages.ipynb", "decide: {'decision': '4-stage' or '6-stage', 'reason': '...'}: "
                                                 "which stage summary answers 'how many people bought?'",
              lambda: "6-stage",
              [(lambda: "4-stage", "Not the choice we would make: the 4-stage model's Purchase stage starts at "
                                   "the cart, so it counts people who never paid.")],
              rubric=_buyers_rubric),
]

DATA = {"1.1": _tiny_log}

HINTS: dict[str, tuple[str, str, str]] = {
    "1.1": ("A visit's stage depends on what the person did before it, not only on the event's name.",
            "Go row by row: is it this person's first visit? Had they already paid before this one?",
            "The preset's rules are in six.rules (and in six.describe()): first contact is Awareness, a return "
            "visit Consideration, a customer's visit Retention."),
    "1.2": ("A share of the previous stage changes when its numerator or its denominator changes.",
            "Which users reach Consideration only because a return visit counts there? Do they reach Decision?",
            "Build a jk.StageModel from six.stages and six.events with only six.rules[0], then compare the "
            "Decision rows of the two jk.stage_summary tables."),
    "1.3": ("Your three stages are a coarser cut of the six: decide where each of the six goes, rules included.",
            "The six-stage rules say where second purchases and a customer's return visits go; they need a stage "
            "of yours too.",
            "Remap six.events and six.rules with one dictionary, build a jk.StageModel and count the After events "
            "of jk.assign_stages."),
    "1.4": ("A stage is defined by the events it holds; read the descriptions before reading the counts.",
            "jk.stage_model('4-stage').describe() lists what its Purchase stage holds; compare with the 6-stage.",
            "Compare the Purchase rows of jk.stage_summary for both presets with the distinct customers of the "
            "orders table."),
}
