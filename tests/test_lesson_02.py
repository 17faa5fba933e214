"""Lesson 02's exercises: the by-hand emotion, the mobile prediction, the tablet decision and the 4-stage map."""

import pytest

import journeykit as jk
from journeykit.course.lessons import lesson_02

REASON = "the gap between tablet and mobile is smaller than its uncertainty, so no device stands out"


def test_the_tiny_survey_table_is_served_as_written():
    table = jk.exercise_data("2.1")
    assert table["touchpoint"].tolist() == ["cart", "cart", "cart", "checkout", "cart"]
    assert table["nps"].tolist() == ["", "5", "10", "", ""]  # all text, empty cells kept


def test_by_hand_emotion_is_the_kits():
    assert lesson_02._tiny_decision_emotion() == pytest.approx(0.25)


@pytest.mark.parametrize("answer", [0.25, 25 / 100, 1 / 4])
def test_by_hand_emotion_right_answers(answer):
    assert jk.check("2.1", answer).message.startswith("Correct!")


@pytest.mark.parametrize("answer, mistake", [
    (0.6, "dev answered at checkout"),
    (0.0, "ben gave both a CSAT and an NPS"),
    (1.0, "(n - 5) / 2.5"),
])
def test_by_hand_emotion_names_the_mistake(answer, mistake):
    feedback = jk.check("2.1", answer)
    assert not feedback and mistake in feedback.message


def test_by_hand_emotion_is_not_a_percentage():
    assert not jk.check("2.1", 25)


@pytest.mark.parametrize("answer", ["lower", "Lower.", " LOWER "])
def test_prediction_right_answers(answer):
    assert lesson_02._mobile_vs_everyone() == "lower"
    assert jk.check("2.2", answer)


@pytest.mark.parametrize("answer, mistake", [
    ("higher", "which device do the complaints name"),
    ("about the same", "interval lies wholly below"),
    ("About-the-same", "interval lies wholly below"),
])
def test_prediction_names_the_mistake(answer, mistake):
    feedback = jk.check("2.2", answer)
    assert not feedback and mistake in feedback.message


def test_the_tablet_gap_is_within_its_uncertainty():
    test = lesson_02._bounce_test()
    assert test["ci_low"] < 0 < test["ci_high"]
    assert lesson_02._tablet_first() == "hold"


@pytest.mark.parametrize("answer", [{"decision": "hold", "reason": REASON}, {"Decision": "Hold.", "REASON": REASON}])
def test_decision_right_answers_show_the_rubric(answer):
    feedback = jk.check("2.3", answer)
    assert feedback and "\nRubric: " in feedback.message and "interval" in feedback.message


@pytest.mark.parametrize("answer, message", [
    ({"decision": "go", "reason": REASON}, "less than the uncertainty"),
    ({"decision": "GO", "reason": REASON}, "less than the uncertainty"),
    ({"decision": "hold", "reason": "noise"}, "give your reason"),
    ("hold", "answer with a dict"),
])
def test_decision_wrong_answers(answer, message):
    feedback = jk.check("2.3", answer)
    assert not feedback and message in feedback.message


@pytest.mark.parametrize("answer", ["Purchase", "purchase"])
def test_four_stage_map(answer):
    assert jk.check("2.4", answer)


@pytest.mark.parametrize("answer, mistake", [("Decision", "six-stage map"), ("decision", "six-stage map")])
def test_four_stage_map_names_the_mistake(answer, mistake):
    feedback = jk.check("2.4", answer)
    assert not feedback and mistake in feedback.message
