"""Lesson 01's exercises: staging a tiny log by hand (1.1), a prediction (1.2), your own model (1.3), a decision (1.4)."""

import pytest

import journeykit as jk
from journeykit.course.lessons.lesson_01 import (_decision_rate, _six_without_return_rules, _three_stage_after,
                                                 _tiny_visit_stages)

RIGHT = ("Awareness", "Consideration", "Retention", "Awareness", "Consideration")
REASON = "the 4-stage Purchase stage starts at the cart, so it counts people who never paid"


def test_the_tiny_log_is_served_as_written_and_staged_as_the_solution_says():
    tiny = jk.exercise_data("1.1")
    assert tiny["user_id"].tolist().count("ANA") == 6 and (tiny["event"] == "visit").sum() == 5
    assert _tiny_visit_stages() == RIGHT


@pytest.mark.parametrize("answer", [RIGHT, list(RIGHT), tuple(s.lower() for s in RIGHT),
                                    ("  AWARENESS", "consideration.", "Retention", "awareness", "CONSIDERATION")])
def test_by_hand_right_answers_written_differently(answer):
    assert jk.check("1.1", answer)


@pytest.mark.parametrize("answer, mistake", [
    (("Awareness",) * 5, "Awareness is first contact only"),
    (("Awareness", "Consideration", "Consideration", "Awareness", "Consideration"), "belongs to Retention"),
    (("Awareness", "Consideration", "Retention", "Awareness", "Awareness"), "Ben's second visit"),
])
def test_by_hand_mistakes_are_named(answer, mistake):
    feedback = jk.check("1.1", answer)
    assert not feedback and mistake in feedback.message


def test_the_prediction_is_computed_from_the_data():
    assert _decision_rate(_six_without_return_rules()) > _decision_rate("6-stage")


@pytest.mark.parametrize("answer", ["rise", "Rise.", " RISE "])
def test_prediction_right_answers_written_differently(answer):
    assert jk.check("1.2", answer)


@pytest.mark.parametrize("answer, mistake", [("fall", "drop out of the denominator"),
                                             ("stay", "the number reaching Consideration changes")])
def test_prediction_mistakes_are_named(answer, mistake):
    feedback = jk.check("1.2", answer)
    assert not feedback and mistake in feedback.message


def test_three_stage_mistakes_are_named_and_right_answers_accepted():
    right = _three_stage_after()
    assert right > _three_stage_after("repeat only") > _three_stage_after("none")
    assert jk.check("1.3", right) and jk.check("1.3", float(right))
    partial = jk.check("1.3", _three_stage_after("repeat only"))
    assert not partial and "'... and customer'" in partial.message
    none = jk.check("1.3", _three_stage_after("none"))
    assert not none and "Start from six.rules" in none.message


@pytest.mark.parametrize("answer", [{"decision": "6-stage", "reason": REASON},
                                    {"DECISION": "6 stage", "Reason": REASON}])
def test_decision_right_answers_written_differently_show_the_rubric(answer):
    feedback = jk.check("1.4", answer)
    assert feedback and "\nRubric: " in feedback.message and "6,724" in feedback.message


@pytest.mark.parametrize("answer, mistake", [
    ({"decision": "4-stage", "reason": REASON}, "counts people who never paid"),
    ({"decision": "6-stage", "reason": "paying"}, "give your reason in a sentence or two"),
    ({"decision": "5-stage", "reason": REASON}, "the decision is one of"),
])
def test_decision_mistakes_are_named(answer, mistake):
    feedback = jk.check("1.4", answer)
    assert not feedback and mistake in feedback.message
