"""Exercises of lesson 07: each check names the typical mistakes and accepts the right answer however it is written."""

import pytest

import journeykit as jk

REASON = "nothing in the file says which customer is right, so I would drop it and ask"


@pytest.mark.parametrize("answer", [(2, 44.0), [2, 44], (2.0, 88 / 2)])
def test_by_hand_orders_right_however_written(answer):
    assert jk.check("7.1", answer)


@pytest.mark.parametrize("answer, message", [
    ((2, 48.0), "subtract it from the revenue"),
    ((3, 48.0), "invoice 101 has no customer"),
    ((3, 44.0), "an invoice with no value is not an order"),
    ((4, 44.0), "neither is an order"),
])
def test_by_hand_orders_names_the_mistake(answer, message):
    feedback = jk.check("7.1", answer)
    assert not feedback and message in feedback.message


@pytest.mark.parametrize("answer", [{"decision": "drop", "reason": REASON}, {"DECISION": "Drop.", "Reason": REASON}])
def test_shared_invoice_decision_right_however_written(answer):
    feedback = jk.check("7.2", answer)
    assert feedback and "\nRubric: " in feedback.message


@pytest.mark.parametrize("answer, message", [
    ({"decision": "fix", "reason": REASON}, "from the file alone it would be a guess"),
    ({"decision": "drop", "reason": "guess"}, "give your reason"),
])
def test_shared_invoice_decision_names_the_mistake(answer, message):
    feedback = jk.check("7.2", answer)
    assert not feedback and message in feedback.message


@pytest.mark.parametrize("answer", ["refuse", "Refuse.", " REFUSE "])
def test_first_week_prediction_right_however_written(answer):
    assert jk.check("7.3", answer)


@pytest.mark.parametrize("answer, message", [
    ("day first", "nothing in those lines settles it"),
    ("Month-first", "never guesses month first"),
])
def test_first_week_prediction_names_the_mistake(answer, message):
    feedback = jk.check("7.3", answer)
    assert not feedback and message in feedback.message
