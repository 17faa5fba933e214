"""Lesson 04's exercises: the by-hand churn (4.3), the decision on the referral curve (4.2), the threshold prediction
(4.4): right answers written differently are right, and each typical mistake is named."""

import pytest

import journeykit as jk
from journeykit.course.lessons.lesson_04 import _halved_threshold, _recurring_vs_first, _referral_rise, _tiny_churn

REASON = "months 7 and 8 rest on a few dozen customers and the interval of the difference includes zero"


def test_the_tiny_table_is_served_as_written():
    table = jk.exercise_data("4.3")
    assert table.columns.tolist() == ["user_id", "timestamp", "event"]
    assert table["user_id"].tolist() == ["a", "b", "c", "a", "d", "c", "b", "e"]
    assert table["timestamp"].iloc[-1] == "2025-06-30" and (table["event"] == "visit").sum() == 1


def test_the_by_hand_churn_is_what_the_kit_computes():
    assert _tiny_churn() == pytest.approx(2 / 3)  # worked out by hand in the solution of 4.3


@pytest.mark.parametrize("answer", [2 / 3, 0.667, 0.67, 66.7 / 100])
def test_4_3_right_answers_written_differently(answer):
    feedback = jk.check("4.3", answer)
    assert feedback and feedback.message.startswith("Correct!")


@pytest.mark.parametrize("answer, mistake", [
    (2 / 5, "d and e bought for the first time less than 60 days"),       # every buyer counted
    (0.4, "cannot have churned yet"),
    (1 / 3, "b's visit on 2025-06-10 is not a purchase"),                 # visits counted as activity
    (1.0, "inactivity runs from the last purchase"),                      # measured from the first purchase
    (66.7, "Looks like a percentage"),
    (0.5, "Not quite"),                                                   # unrelated
])
def test_4_3_names_the_mistake(answer, mistake):
    feedback = jk.check("4.3", answer)
    assert not feedback and mistake in feedback.message


def test_4_2_the_rise_is_noise():
    assert _referral_rise() == "noise"


@pytest.mark.parametrize("answer", [{"decision": "noise", "reason": REASON},
                                    {"Decision": " Noise. ", "REASON": REASON}])
def test_4_2_right_decisions_written_differently(answer):
    feedback = jk.check("4.2", answer)
    assert feedback and "\nRubric: " in feedback.message
    assert "includes 0" in feedback.message and "referred customers" in feedback.message


@pytest.mark.parametrize("answer, mistake", [
    ({"decision": "real", "reason": REASON}, "Not the call the data support"),
    ({"decision": "noise", "reason": "small"}, "give your reason in a sentence or two"),
    ("noise", "answer with a dict of two texts"),
    ({"decision": "comeback", "reason": REASON}, "the decision is one of 'noise' or 'real'"),
])
def test_4_2_names_the_mistake(answer, mistake):
    feedback = jk.check("4.2", answer)
    assert not feedback and mistake in feedback.message


def test_4_2_wrong_decision_still_shows_the_rubric():
    assert "\nRubric: " in jk.check("4.2", {"decision": "real", "reason": REASON}).message


def test_4_4_churn_rises_when_the_threshold_halves():
    assert _halved_threshold() == "rises"


@pytest.mark.parametrize("answer", ["rises", " Rises. ", "RISES"])
def test_4_4_right_answers_written_differently(answer):
    assert jk.check("4.4", answer)


@pytest.mark.parametrize("answer, mistake", [
    ("falls", "a shorter threshold calls a customer churned sooner"),
    ("stays", "the threshold is the definition of churn"),
    ("up", "Not quite"),
])
def test_4_4_names_the_mistake(answer, mistake):
    feedback = jk.check("4.4", answer)
    assert not feedback and mistake in feedback.message


def test_4_5_recurring_retention_is_higher():
    assert _recurring_vs_first() == "higher"


@pytest.mark.parametrize("answer", ["higher", " Higher. "])
def test_4_5_right_answers_written_differently(answer):
    feedback = jk.check("4.5", answer)
    assert feedback and feedback.message.startswith("Correct!")


@pytest.mark.parametrize("answer, mistake", [
    ("lower", "loyal customers, who buy again and again, enter many times"),
    ("same", "the two ask different questions and count different entrants"),
])
def test_4_5_names_the_mistake(answer, mistake):
    feedback = jk.check("4.5", answer)
    assert not feedback and mistake in feedback.message


@pytest.mark.parametrize("exercise", ["4.1", "4.2", "4.3", "4.4", "4.5"])
def test_three_hints_and_a_solution_that_checks_the_answer(exercise):
    assert [jk.hint(exercise, step=k).startswith(f"Hint {k} of 3") for k in (1, 2, 3)] == [True] * 3
    assert f'jk.check("{exercise}", answer)' in jk.solution(exercise)
