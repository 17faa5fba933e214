"""Lesson 00's exercises: the by-hand table (0.2), the prediction (0.3) and the decision (0.4)."""

import pytest

import journeykit as jk
from journeykit.course.lessons.lesson_00 import _newcomers_repeat, _repeat_share, _tiny_repeat_share

REASON = "growth is people the shop did not have, and visits also count customers coming back"


def test_the_tiny_table_is_served_as_written():
    tiny = jk.exercise_data("0.2")
    assert len(tiny) == 8 and tiny["user_id"].nunique() == 5
    assert tiny["revenue"].tolist()[:2] == ["40.00", "25.50"]  # text, as written


def test_the_by_hand_answer_is_two_customers_of_five():
    assert _tiny_repeat_share() == pytest.approx(0.4)


@pytest.mark.parametrize("answer", [0.4, 2 / 5, 40 / 100])
def test_by_hand_right_answers_written_differently(answer):
    assert jk.check("0.2", answer)


@pytest.mark.parametrize("answer, mistake", [
    (5 / 8, "share of *orders* placed by repeat customers"),
    (3 / 8, "orders that were not a customer's first"),
    (1 / 5, "includes customers with exactly two"),
    (2, "number of repeat customers"),
    (40, "not 25"),
])
def test_by_hand_mistakes_are_named(answer, mistake):
    feedback = jk.check("0.2", answer)
    assert not feedback and mistake in feedback.message


def test_the_prediction_is_computed_from_the_data():
    assert _repeat_share("2026-01-01") < _repeat_share()
    assert _newcomers_repeat() == "lower"


@pytest.mark.parametrize("answer", ["lower", "Lower", " LOWER. "])
def test_prediction_right_answers_written_differently(answer):
    assert jk.check("0.3", answer)


@pytest.mark.parametrize("answer, mistake", [
    ("higher", "time each group has had to order again"),
    (0.22, "Not quite"),
])
def test_prediction_wrong_answers(answer, mistake):
    feedback = jk.check("0.3", answer)
    assert not feedback and mistake in feedback.message


@pytest.mark.parametrize("answer", [{"decision": "people", "reason": REASON},
                                    {"Decision": "People.", "REASON": REASON}])
def test_decision_right_answers_written_differently_show_the_rubric(answer):
    feedback = jk.check("0.4", answer)
    assert feedback and "\nRubric: " in feedback.message and "social" in feedback.message


@pytest.mark.parametrize("answer, mistake", [
    ({"decision": "visits", "reason": REASON}, "credits channels for people the shop already had"),
    ({"decision": "people", "reason": "growth"}, "give your reason in a sentence or two"),
    ("people", "answer with a dict of two texts"),
])
def test_decision_mistakes_are_named(answer, mistake):
    feedback = jk.check("0.4", answer)
    assert not feedback and mistake in feedback.message
