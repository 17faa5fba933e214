"""Lesson 03's exercises: best channel, by-hand funnel, budget decision, halved window and the open month."""

import pandas as pd
import pytest

import journeykit as jk
from journeykit.course.lessons import lesson_03

REASON = "the interval of the difference contains 0, so ads and e-mail cannot be told apart"


def test_the_tiny_log_is_served_as_written():
    table = jk.exercise_data("3.2")
    assert table["user_id"].nunique() == 6
    assert table.loc[0, "timestamp"] == "2025-03-01 10:00"  # text, as written


def test_by_hand_count_is_the_kits():
    assert lesson_03._tiny_funnel() == (6, 5, 3)


@pytest.mark.parametrize("answer", [(6, 5, 3), [6, 5, 3], (6.0, 5.0, 3.0)])
def test_by_hand_right_answers(answer):
    assert jk.check("3.2", answer).message.startswith("Correct!")


@pytest.mark.parametrize("answer, mistake", [
    ((8, 6, 5), "that counts events"),
    ((6, 6, 5), "cleo added to cart before she viewed"),
    ((6, 4, 2), "his second view may start the attempt"),
    ((6, 5, 4), "fay bought two days after"),
    ((6, 5, 2), "equal timestamps count as in order"),
])
def test_by_hand_names_the_mistake(answer, mistake):
    feedback = jk.check("3.2", answer)
    assert not feedback and mistake in feedback.message


def test_the_email_ads_gap_is_within_its_uncertainty():
    gap = lesson_03._email_vs_ads()
    assert gap["ci_low"] < 0 < gap["ci_high"]
    assert lesson_03._move_email_budget() == "keep"


@pytest.mark.parametrize("answer", [{"decision": "keep", "reason": REASON}, {"DECISION": " Keep ", "Reason": REASON}])
def test_decision_right_answers_show_the_rubric(answer):
    feedback = jk.check("3.3", answer)
    assert feedback and "\nRubric: " in feedback.message and "contains 0" in feedback.message


@pytest.mark.parametrize("answer, message", [
    ({"decision": "move", "reason": REASON}, "less than the uncertainty"),
    ({"decision": "Move.", "reason": REASON}, "less than the uncertainty"),
    ({"decision": "keep"}, "answer with a dict"),
    (0.537, "Not quite"),
])
def test_decision_wrong_answers(answer, message):
    feedback = jk.check("3.3", answer)
    assert not feedback and message in feedback.message


def test_the_halved_window_loses_buyers_but_no_carts():
    events = jk.datasets.load("shop_events")
    long, short = (jk.funnel(events, lesson_03.STEPS, window=w).set_index("step")["users"] for w in ("7D", "84h"))
    assert long["add_to_cart"] == short["add_to_cart"] and short["purchase"] < long["purchase"]


@pytest.mark.parametrize("answer", ["falls", "Falls.", " FALLS "])
def test_prediction_right_answers(answer):
    assert jk.check("3.4", answer)


@pytest.mark.parametrize("answer, mistake", [
    ("rises", "never adds a buyer"),
    ("stays", "finish their cart days later"),
])
def test_prediction_names_the_mistake(answer, mistake):
    feedback = jk.check("3.4", answer)
    assert not feedback and mistake in feedback.message


def test_the_open_month_rises_once_its_windows_close():
    events = jk.datasets.load("shop_events")
    cut = jk.funnel_trends(events[events["timestamp"] < "2026-03-01"], lesson_03.STEPS, window="7D", period="M")
    full = jk.funnel_trends(events, lesson_03.STEPS, window="7D", period="M")
    february = pd.Timestamp("2026-02-01")
    early, late = (t.set_index("period").loc[february] for t in (cut, full))
    assert not early["complete"] and early["open_entrants"] > 100
    assert late["converted"] > early["converted"] and late["entrants"] == early["entrants"]
    assert lesson_03._open_month() == "rises"


@pytest.mark.parametrize("answer", ["rises", " Rises. "])
def test_open_month_right_answers(answer):
    assert jk.check("3.5", answer)


@pytest.mark.parametrize("answer, mistake", [
    ("falls", "never lose a purchase"),
    ("stays", "some of them will"),
])
def test_open_month_names_the_mistake(answer, mistake):
    feedback = jk.check("3.5", answer)
    assert not feedback and mistake in feedback.message


@pytest.mark.parametrize("answer", [1199, 1199.0, "1199", " 1199 "])
def test_any_order_count_right_however_written(answer):
    assert jk.check("3.6", answer)


@pytest.mark.parametrize("answer, message", [
    (9, "listed order"),
    (0, "strict order"),
    (1636, "without a window"),
    (1466, "within seven days"),
    (6724, "step 1"),
])
def test_any_order_count_names_the_mistake(answer, message):
    feedback = jk.check("3.6", answer)
    assert not feedback and message in feedback.message
