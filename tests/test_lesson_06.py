"""Exercises of lesson 06: each check names the typical mistakes and accepts the right answer however it is written."""

import pytest

import journeykit as jk
from journeykit.course.exercises import _get
from journeykit.course.lessons.lesson_06 import _email_credit

REASON = "last touch hides content's first touches, and its customers stay and are worth more"


def test_the_by_hand_table_is_served_as_written():
    table = jk.exercise_data("6.2")
    assert list(table.columns) == ["user_id", "timestamp", "event", "channel"]
    assert table["user_id"].unique().tolist() == ["A", "B", "C", "D"]
    assert _email_credit() == 1.75  # 1/2 (A) + 1/4 (B) + 1 (C), worked out in the solution


@pytest.mark.parametrize("answer", [1.75, 7 / 4, 1 / 2 + 1 / 4 + 1, "1.75"])
def test_by_hand_linear_credit_right_however_written(answer):
    assert jk.check("6.2", answer)


@pytest.mark.parametrize("answer, message", [
    (2, "that is last touch"),
    (1, "that is first touch"),
    (1.6, "that is position-based"),
    (2 / 3 + 1 / 4 + 1, "comes after A's purchase"),  # A's visit after the purchase counted
    (2.75, "D never bought"),
])
def test_by_hand_linear_credit_names_the_mistake(answer, message):
    feedback = jk.check("6.2", answer)
    assert not feedback and message in feedback.message


@pytest.mark.parametrize("answer", ["falls", "Falls", " falls. ", "FALLS"])
def test_predict_lookback_right_however_written(answer):
    assert jk.check("6.3", answer)


@pytest.mark.parametrize("answer, message", [
    ("rises", "a lookback only removes touches"),
    ("stays", "a 7-day lookback drops many first touches"),
])
def test_predict_lookback_names_the_mistake(answer, message):
    feedback = jk.check("6.3", answer)
    assert not feedback and message in feedback.message


@pytest.mark.parametrize("answer", [{"decision": "keep", "reason": REASON}, {"Decision": "Keep.", "REASON": REASON}])
def test_decision_on_content_right_however_written_and_shows_the_rubric(answer):
    feedback = jk.check("6.4", answer)
    assert feedback and "\nRubric: " in feedback.message and "first touch with 528" in feedback.message


@pytest.mark.parametrize("answer, message", [
    ({"decision": "cut", "reason": REASON}, "last touch is only the last step"),
    ({"decision": "keep", "reason": "yes"}, "give your reason"),
    ({"decision": "keep"}, "answer with a dict of two texts"),
])
def test_decision_on_content_names_the_mistake(answer, message):
    feedback = jk.check("6.4", answer)
    assert not feedback and message in feedback.message


@pytest.mark.parametrize("answer", ["Retention → Consideration", "retention -> consideration"])
def test_after_path_right_however_written(answer):
    assert _get("6.1").expected() == "Retention → Consideration"
    assert jk.check("6.1", answer)


@pytest.mark.parametrize("answer, message", [
    ("Retention", "only repeats collapsed"),
])
def test_after_path_names_the_mistake(answer, message):
    feedback = jk.check("6.1", answer)
    assert not feedback and message in feedback.message


@pytest.mark.parametrize("answer", [0.4426, 0.443, "0.4426"])
def test_bought_after_a_failed_payment_right_however_written(answer):
    assert jk.check("6.5", answer)


@pytest.mark.parametrize("answer, message", [
    (0.3951, "the very next event only"),
    (0.4295, "top=None"),
    (0.0, "looks before the failure"),
    (44.26, "percentage"),
])
def test_bought_after_a_failed_payment_names_the_mistake(answer, message):
    feedback = jk.check("6.5", answer)
    assert not feedback and message in feedback.message
