"""Lesson 05's exercises: the by-hand order metrics (5.1), the window prediction (5.2), At risk customers (5.3) and
the decision on the delivery CSAT gap (5.4): right answers written differently are right, mistakes are named."""

import numpy as np
import pytest

import journeykit as jk
from journeykit.course.lessons.lesson_05 import _at_risk, _delivery_gap, _holdout_gap, _longer_window, _tiny_value

REASON = "referral has few delivery answers and the interval of the gap includes zero"


def test_the_tiny_orders_are_served_as_written():
    table = jk.exercise_data("5.1")
    assert table.columns.tolist() == ["order_id", "user_id", "timestamp", "revenue"]
    assert table["revenue"].tolist()[:2] == ["40.00", "30.00"] and table["timestamp"].iloc[-1] == "2025-03-31"


def test_the_by_hand_values_are_what_the_kit_computes():
    assert _tiny_value() == pytest.approx((32.5, 1.6, 1 / 3))  # worked out by hand in the solution of 5.1


@pytest.mark.parametrize("answer", [(260 / 8, 8 / 5, 1 / 3), [32.5, 1.6, 0.333], (np.float64(32.5), 1.6, 0.33)])
def test_5_1_right_answers_written_differently(answer):
    feedback = jk.check("5.1", answer)
    assert feedback and feedback.message.startswith("Correct!")


@pytest.mark.parametrize("answer, mistake", [
    ((32.5, 1.6, 0.4), "d and e ordered for the first time less than 30 days"),   # recent customers counted
    ((32.5, 1.6, 2 / 3), "b's second order came 64 days after the first"),         # window ignored
    ((52.0, 1.6, 1 / 3), "the first number is revenue per customer"),
    ((32.5, 1.6, 33.3), "Looks like a percentage"),
    ((32.5, 1.6, 0.5), "Not quite"),
])
def test_5_1_names_the_mistake(answer, mistake):
    feedback = jk.check("5.1", answer)
    assert not feedback and mistake in feedback.message


def test_5_2_the_rate_rises_with_a_longer_window():
    assert _longer_window() == "rises"


@pytest.mark.parametrize("answer", ["rises", "Rises.", " RISES "])
def test_5_2_right_answers_written_differently(answer):
    assert jk.check("5.2", answer)


@pytest.mark.parametrize("answer, mistake", [
    ("falls", "fewer customers are eligible"),
    ("stays", "the window is part of the definition"),
    (0.385, "Not quite"),
])
def test_5_2_names_the_mistake(answer, mistake):
    feedback = jk.check("5.2", answer)
    assert not feedback and mistake in feedback.message


def test_5_3_right_and_wrong():
    customers, share = _at_risk()
    assert jk.check("5.3", (customers, share)) and jk.check("5.3", [float(customers), round(share, 3)])
    assert "not in %" in jk.check("5.3", (customers, 100 * share)).message
    assert "Not quite" in jk.check("5.3", (customers + 50, share)).message


def test_5_4_the_gap_is_noise():
    assert _delivery_gap() == "noise"


@pytest.mark.parametrize("answer", [{"decision": "noise", "reason": REASON},
                                    {"DECISION": "Noise.", "Reason": REASON}])
def test_5_4_right_decisions_written_differently(answer):
    feedback = jk.check("5.4", answer)
    assert feedback and "\nRubric: " in feedback.message and "includes zero" in feedback.message


@pytest.mark.parametrize("answer, mistake", [
    ({"decision": "real", "reason": REASON}, "Not the call the data support"),
    ({"decision": "noise", "reason": "too few"}, "give your reason in a sentence or two"),
    ({"decision": "act", "reason": REASON}, "the decision is one of 'noise' or 'real'"),
])
def test_5_4_names_the_mistake(answer, mistake):
    feedback = jk.check("5.4", answer)
    assert not feedback and mistake in feedback.message


def test_5_5_the_model_under_forecasts_group_3_most():
    assert _holdout_gap() == "3"


@pytest.mark.parametrize("answer", ["3", " 3. "])
def test_5_5_right_answers_written_differently(answer):
    feedback = jk.check("5.5", answer)
    assert feedback and feedback.message.startswith("Correct!")


@pytest.mark.parametrize("answer, mistake", [
    ("7+", "there the model forecasts *more* purchases than customers made"),   # the most over-forecast group
    ("0", "that is the biggest group"),                                          # the group with most customers
])
def test_5_5_names_the_mistake(answer, mistake):
    feedback = jk.check("5.5", answer)
    assert not feedback and mistake in feedback.message


@pytest.mark.parametrize("exercise", ["5.1", "5.2", "5.3", "5.4", "5.5"])
def test_three_hints_and_a_solution_that_checks_the_answer(exercise):
    assert [jk.hint(exercise, step=k).startswith(f"Hint {k} of 3") for k in (1, 2, 3)] == [True] * 3
    assert f'jk.check("{exercise}", answer)' in jk.solution(exercise)
