"""Every exercise check: right on the right answer, and naming each typical mistake."""

import json
from pathlib import Path

import pytest

import journeykit as jk
from journeykit.course.exercises import _BY_ID, _get

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
IDS = jk.exercises()["id"].tolist()
REASON = "nothing in the file says which customer is right, and the invoice is tiny"


def as_answer(exercise, value):
    """The answer as the learner gives it: a decision exercise takes the decision with a reason."""
    return {"decision": value, "reason": REASON} if _get(exercise).rubric else value


@pytest.mark.parametrize("exercise", IDS)
def test_the_expected_answer_is_correct(exercise):
    feedback = jk.check(exercise, as_answer(exercise, _get(exercise).expected()))
    assert feedback and feedback.message.startswith("Correct!")


@pytest.mark.parametrize("exercise", IDS)
def test_each_typical_mistake_gets_its_own_message(exercise):
    ex = _get(exercise)
    assert ex.mistakes, f"exercise {exercise} recognises no typical mistake"
    for wrong, message in ex.mistakes:
        value = as_answer(exercise, wrong())
        feedback = jk.check(exercise, value)
        assert not feedback, f"{exercise}: the mistake {value!r} is accepted as correct"
        assert message in feedback.message


@pytest.mark.parametrize("exercise", IDS)
def test_unanswered_and_unrelated_answers(exercise):
    unanswered = jk.check(exercise, ...)
    assert unanswered.message.startswith(f"Exercise {exercise}: not answered yet")
    assert not unanswered.answered, "an unanswered exercise shows nothing in the notebook"
    wrong = jk.check(exercise, "certainly not the answer")
    assert not wrong and "Not quite" in wrong.message


@pytest.mark.parametrize("exercise", IDS)
def test_hint_and_solution_come_from_one_source(exercise):
    assert jk.hint(exercise).startswith("Hint ") and f"for exercise {exercise}:" in jk.hint(exercise)
    solution = jk.solution(exercise)
    assert f'jk.check("{exercise}", answer)' in solution
    notebook = json.loads((NOTEBOOKS / _get(exercise).notebook).read_text())
    learner_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"
                     and f'jk.check("{exercise}", answer)' in "".join(c["source"])
                     and "solution" not in c["metadata"].get("tags", [])]
    assert len(learner_cells) == 1, "each exercise has one cell for the learner's answer"


def _written_differently(value):
    """The same answer as a learner might write it: rounded, as numpy types, lists for tuples, other case."""
    import numpy as np

    if isinstance(value, bool):
        return [value]
    if isinstance(value, float):
        digits = max(3, 2 - int(np.floor(np.log10(abs(value))))) if value else 3
        return [np.float64(value), float(f"{value:.{digits}g}") if abs(value) < 1e-3 else round(value, digits)]
    if isinstance(value, int):
        return [np.int64(value), float(value)]
    if isinstance(value, str):
        return [value.upper(), f"  {value.replace(' → ', '->')} "]
    if isinstance(value, tuple):
        return [list(value), tuple(_written_differently(v)[0] for v in value)]
    if isinstance(value, dict):
        return [{k.upper(): v for k, v in value.items()}, {k: _written_differently(v)[0] for k, v in value.items()}]
    return [value]


@pytest.mark.parametrize("exercise", IDS)
def test_right_answers_written_differently_are_right(exercise):
    for variant in _written_differently(as_answer(exercise, _get(exercise).expected())):
        assert jk.check(exercise, variant), f"{exercise}: {variant!r} is the right answer, written differently"


@pytest.mark.parametrize("exercise, wrong, mistake", [
    ("3.2", (6, 5, 4), "window"),                 # one number off is a different answer, and it is named
    ("5.3", "one customer more", "Not quite"),    # a count off by one is wrong, however close
    ("4.1", "unweighted", "plain mean of the cohorts' rates"),
    ("4.1", "visits only", "counted only visits"),
])
def test_checks_judge_the_number_not_its_rough_size(exercise, wrong, mistake):
    from journeykit.course.lessons.lesson_04 import _week_one

    value = {"unweighted": lambda: _week_one(weighted=False),
             "visits only": lambda: _week_one(return_event="visit"),
             "one customer more": lambda: (_get("5.3").expected()[0] + 1, _get("5.3").expected()[1]),
             }.get(wrong, lambda: wrong)()
    feedback = jk.check(exercise, value)
    assert not feedback and mistake in feedback.message


def test_a_decision_needs_its_reason_and_is_shown_the_rubric_either_way():
    decision = [e for e in IDS if _get(e).rubric]
    assert decision, "at least one exercise asks for a decision and its reason"
    for exercise in decision:
        expected = _get(exercise).expected()
        assert "Not quite: answer with a dict" in jk.check(exercise, expected).message  # no reason given
        assert "give your reason" in jk.check(exercise, {"decision": expected, "reason": "because"}).message
        for value in [expected, *(wrong() for wrong, _ in _get(exercise).mistakes)]:
            feedback = jk.check(exercise, {"Decision": value.upper(), "REASON": REASON})
            assert "\nRubric: " in feedback.message and bool(feedback) == (value == expected)
        assert "the decision is one of" in jk.check(exercise, {"decision": "ignore", "reason": REASON}).message


def test_by_hand_and_predict_exercises_are_computed_by_the_kit():
    from journeykit.course.lessons.lesson_07 import _first_week_reading, _tiny_orders

    assert _tiny_orders() == (2, 44.0)  # worked out by hand in the solution of 7.1
    assert jk.check("7.1", [2, 44]) and not jk.check("7.1", (2, 48.0)) and not jk.check("7.1", (3, 44.0))
    assert _first_week_reading() == "refuse"
    table = jk.exercise_data("7.1")
    assert table["Customer ID"].tolist() == ["007", "007", "", "042", "007", "042"]  # ids as written
    with pytest.raises(jk.ParameterError, match="has no table of its own"):
        jk.exercise_data("3.1")


def test_numbers_accept_rounding_but_not_a_different_value():
    expected = _get("0.1").expected()
    assert jk.check("0.1", round(expected, 2))
    assert not jk.check("0.1", expected + 0.05)
    assert jk.check("0.1", 100 * expected).message.endswith("not 25).")


def test_unknown_exercise():
    with pytest.raises(jk.ParameterError, match="no exercise '9.9'"):
        jk.check("9.9", 1)
    assert set(IDS) == set(_BY_ID)


def test_per_exercise_aliases():
    expected = _get("3.1").expected()
    assert jk.check_exercise_3_1(expected).message == jk.check("3.1", expected).message
    assert jk.hint_exercise_0_2(step=2) == jk.hint("0.2", step=2)
    assert "jk.check(\"8.6\", answer)" in jk.solution_exercise_8_6()
    with pytest.raises(AttributeError, match="has no attribute 'check_exercise_9_9'"):
        jk.check_exercise_9_9


LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_no_answer_is_visible_in_a_committed_lesson(lesson):
    notebook = json.loads(lesson.read_text())
    exercise_cells = [c for c in notebook["cells"] if "exercise" in c["metadata"].get("tags", [])]
    for cell in exercise_cells:
        assert cell["outputs"] == [], f"exercise {cell['metadata']['exercise']} shows output under its cell"
        assert "".join(cell["source"]).startswith("answer = ...")
    for cell in notebook["cells"]:
        assert "solution" not in cell["metadata"].get("tags", []), "solutions live in notebooks/solutions/"
        shown = json.dumps(cell.get("outputs", []))
        assert "Correct!" not in shown, "a verdict is shown before the learner tried"
    ids = {c["metadata"]["exercise"] for c in exercise_cells}
    assert ids == {e for e in IDS if _get(e).notebook == lesson.name}


@pytest.mark.parametrize("exercise", IDS)
def test_hints_come_in_three_steps_and_never_give_the_solution_away(exercise, monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("journeykit.course.exercises"), "_HINTS_GIVEN", {})
    hints = [jk.hint(exercise) for _ in range(4)]
    assert [h.split(" for exercise")[0] for h in hints] == ["Hint 1 of 3", "Hint 2 of 3", "Hint 3 of 3", "Hint 3 of 3"]
    assert len({h.split(": ", 1)[1] for h in hints[:3]}) == 3, "each call says something new"
    assert "jk.solution" in hints[3], "after the last hint, the way to the solution"
    code = jk.solution(exercise).split("\n\n", 1)[1]
    for text in (h.split(": ", 1)[1] for h in hints[:3]):
        assert text.strip() not in code and code.strip() not in text
        for line in code.splitlines():
            if line.startswith("answer ="):
                assert line.removeprefix("answer =").strip() not in text, "a hint must not hold the answer line"


@pytest.mark.parametrize("lesson", [p for p in LESSONS if (NOTEBOOKS / "solutions" / f"{p.stem}.md").exists()],
                         ids=lambda p: p.stem)
def test_every_solution_runs_in_its_lesson_and_is_judged_correct(lesson):
    """Run the lesson with each exercise cell replaced by its solution, as a learner who solved it would."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(lesson, as_version=4)
    solved = []
    for cell in notebook.cells:
        if "exercise" in cell.metadata.get("tags", []):
            cell.source = jk.solution(cell.metadata["exercise"]).split("\n\n", 1)[1]
            solved.append(cell)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for cell in solved:
        printed = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        assert f"Correct! Exercise {cell.metadata['exercise']}" in printed, printed


def test_every_check_recognises_at_least_two_wrong_answers():
    # a decision's wrong choice is named, and so are a reason too short and an answer that is not a dict
    few = [e.id for e in _BY_ID.values() if e.rubric is None and len([m for m in e.mistakes if m[1]]) < 2]
    assert not few, f"exercises with fewer than two named mistakes: {few}"
