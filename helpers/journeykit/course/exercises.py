"""Exercises with feedback: check an answer, ask for a hint, see the solution.

Each exercise of the lessons asks for a value stored in ``answer``::

    answer = ...                 # your code
    jk.check("3.1", answer)      # a verdict, and the likely mistake when it is wrong
    jk.hint("3.1")               # a nudge
    jk.solution("3.1")           # the worked solution, read from the lesson notebook

The expected answer is computed from the sample data each time, with the kit's
own functions, so checks never drift from the data. Typical wrong answers
(a count instead of a share, a percentage instead of a share, the wrong
population) are recognised and named.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from journeykit import params
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.lessons import DATA as _DATA
from journeykit.course.lessons import EXERCISES as _EXERCISES
from journeykit.course.lessons import HINTS as _HINTS
from journeykit.errors import JourneyKitError, MissingFileError, ParameterError

__all__ = ["check", "hint", "solution", "exercises", "exercise_data", "Feedback"]
# ``check_exercise_3_1(answer)``, ``hint_exercise_3_1()`` and ``solution_exercise_3_1()`` are aliases of
# ``check("3.1", answer)``, ``hint("3.1")`` and ``solution("3.1")``; see :func:`named`.

@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer. Shown as one line in a notebook; ``bool(feedback)`` is True when correct.

    An exercise cell that has not been answered yet (``answer = ...``) shows
    nothing in the notebook, so a lesson run from top to bottom shows no
    verdict under any exercise; :attr:`message` still says what to do.
    """

    correct: bool
    message: str
    answered: bool = True

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        if self.answered:
            print(self.message)


class _Text(str):
    """Text shown as is in a notebook (no quotes), e.g. a hint or a solution."""

    def __repr__(self) -> str:
        return str(self)


def _same(answer: object, expected: object, tolerance: float, relative: float = 1e-3) -> bool:
    """Equal, with numbers within ``tolerance`` (absolute) or ``relative`` (share of the expected value)."""
    if isinstance(expected, float) or isinstance(expected, int) and not isinstance(expected, bool):
        try:
            return math.isclose(float(answer), float(expected), abs_tol=tolerance, rel_tol=relative)
        except (TypeError, ValueError):
            return False
    if isinstance(expected, tuple):
        return isinstance(answer, (tuple, list)) and len(answer) == len(expected) and all(
            _same(a, e, tolerance, relative) for a, e in zip(answer, expected))
    if isinstance(expected, dict):
        if not isinstance(answer, dict):
            return False
        keys = {_text(k): v for k, v in answer.items()}
        return len(keys) == len(answer) and set(keys) == {_text(k) for k in expected} and all(
            _same(keys[_text(k)], v, tolerance, relative) for k, v in expected.items())
    if isinstance(expected, str):
        return isinstance(answer, str) and _text(answer) == _text(expected)
    return answer == expected


def _text(value: object) -> object:
    """Text compared as a reader would: case, spaces, hyphens, a final full stop and ASCII arrows do not matter.

    Examples
    --------
    >>> _text("Day-first.") == _text("dayfirst") == _text(" day first ")
    True
    >>> _text("Awareness -> Purchase") == _text("awareness → purchase")
    True
    """
    if not isinstance(value, str):
        return value
    text = value.replace("->", "→").lower().strip().rstrip(".")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-_")


def exercise_data(exercise: str) -> pd.DataFrame:
    """The small table an exercise asks you to work on by hand, as written in its file (all text).

    Exercise 8.1, for example, has an invoice-line export of a few lines, to
    work out by hand before reading it with
    :func:`journeykit.read_online_retail`.

    Parameters
    ----------
    exercise : str
        The exercise number, e.g. ``"7.1"``.

    Returns
    -------
    DataFrame
        The table's rows, every column text as written (empty text for an
        empty cell, leading zeros kept). A new copy at each call.

    Raises
    ------
    ParameterError
        If ``exercise`` is not an exercise of the course, or is one without a
        table of its own (the message lists those that have one).

    Examples
    --------
    >>> exercise_data("7.1").loc[0, ["Invoice", "Quantity", "Price", "Customer ID"]].tolist()
    ['100', '2', '12.00', '007']
    """
    ex = _get(exercise)
    if ex.id not in _DATA:
        raise ParameterError(f"exercise {ex.id} has no table of its own; exercises with one: "
                             f"{', '.join(_DATA)}.", "exercise")
    return _DATA[ex.id]()



_BY_ID = {e.id: e for e in _EXERCISES}  # in lesson order


def _get(exercise: str) -> _Exercise:
    key = str(exercise)
    if key not in _BY_ID:
        raise ParameterError(f"no exercise {key!r}; exercises are {', '.join(_BY_ID)}.", "exercise")
    return _BY_ID[key]


def exercises() -> pd.DataFrame:
    """Every exercise: ``id``, ``lesson`` notebook and the ``question`` its ``answer`` should hold.

    Returns
    -------
    DataFrame
        One row per exercise, in lesson order: ``id`` (e.g. ``"3.1"``, the
        number :func:`check`, :func:`hint` and :func:`solution` take),
        ``lesson`` (the notebook's file name) and ``question``.

    Raises
    ------
    None
        The table is built from the kit's own list of exercises; no error of
        the kit is raised.

    Examples
    --------
    >>> table = exercises()
    >>> list(table.columns)
    ['id', 'lesson', 'question']
    >>> table.loc[0, ["id", "lesson"]].tolist()
    ['0.1', '00_start_here.ipynb']
    """
    return pd.DataFrame([{"id": e.id, "lesson": e.notebook, "question": e.question} for e in _EXERCISES])


def check(exercise: str, answer: object) -> Feedback:
    """Check an answer to an exercise and say what is wrong with it.

    Parameters
    ----------
    exercise : str
        The exercise number, e.g. ``"3.1"``.
    answer : object
        Your answer (a number, a name, a tuple...; the exercise says which).
        ``...`` or None means not answered yet: the feedback says what to
        do and is not shown in the notebook.

    Returns
    -------
    Feedback
        Shown as one line: ``Correct``, ``Close`` or ``Not quite``, with the
        likely mistake. ``bool(feedback)`` is True when the answer is right.

    Raises
    ------
    ParameterError
        If ``exercise`` is not an exercise of the course (the message lists
        them).
    MissingFileError
        If the sample data the expected answer is computed from cannot be
        found: no course folder around the working folder (see
        :func:`journeykit.datasets.course_dir`) and no ``JOURNEYKIT_DATA``,
        or a sample file is missing. An unanswered exercise needs no data.

    Examples
    --------
    >>> check("0.1", ...)
    Exercise 0.1: not answered yet. Replace ... with your answer (share of shop users who placed at least one order).
    >>> feedback = check("0.1", "half")
    >>> feedback
    Exercise 0.1: Not quite: expected a number, got str.
    >>> bool(feedback)
    False
    """
    ex = _get(exercise)
    if answer is Ellipsis or answer is None:
        return Feedback(False, f"Exercise {ex.id}: not answered yet. Replace ... with your answer "
                               f"({ex.question}).", answered=False)
    if ex.rubric is not None:
        return _judge_decision(ex, answer)
    expected = _once(ex, "expected", ex.expected)
    if _same(answer, expected, ex.tolerance, ex.relative):
        return Feedback(True, f"Correct! Exercise {ex.id}: {_show(expected)}.")
    for index, (wrong, message) in enumerate(ex.mistakes):
        if not message:
            continue
        try:
            if _same(answer, _once(ex, index, wrong), ex.tolerance, relative=0.01):  # mistakes are recognised when roughly right
                prefix = "" if message.startswith(("Close", "Not quite")) else "Not quite: "
                return Feedback(False, f"Exercise {ex.id}: {prefix}{message}")
        except Exception:  # a mistake that cannot be computed is simply not recognised
            continue
    kind = type(expected).__name__ if not isinstance(expected, tuple) else "tuple"
    if isinstance(expected, (int, float)) and not isinstance(answer, (int, float)):
        return Feedback(False, f"Exercise {ex.id}: Not quite: expected a number, got {type(answer).__name__}.")
    return Feedback(False, f"Exercise {ex.id}: Not quite ({kind} expected: {ex.question}). Try jk.hint({ex.id!r}).")


# Expected answers, typical mistakes and rubrics, computed once per session: the sample data they come from is
# loaded once too (see exercise_kinds.data), and some take seconds (a whole journey map).
_COMPUTED: dict[tuple[str, object], object] = {}


def _once(ex: _Exercise, key: object, compute: Callable[[], object]) -> object:
    """``compute()`` for this exercise and key, remembered for the rest of the session."""
    if (ex.id, key) not in _COMPUTED:
        _COMPUTED[ex.id, key] = compute()
    return _COMPUTED[ex.id, key]


def _judge_decision(ex: _Exercise, answer: object) -> Feedback:
    """A decision and its reason: the decision is checked, the reason is for you to hold against the rubric."""
    keys = {_text(k): v for k, v in answer.items()} if isinstance(answer, dict) else {}
    decision, reason = keys.get("decision"), keys.get("reason")
    if not isinstance(decision, str) or not isinstance(reason, str):
        return Feedback(False, f"Exercise {ex.id}: Not quite: answer with a dict of two texts, "
                               f"{{'decision': ..., 'reason': ...}} ({ex.question}).")
    if len(reason.split()) < 5:
        return Feedback(False, f"Exercise {ex.id}: Not quite: give your reason in a sentence or two; the reason "
                               "is the point of this exercise.")
    rubric = f"\nRubric: {_once(ex, 'rubric', ex.rubric)}"
    expected = _once(ex, "expected", ex.expected)
    if _text(decision) == _text(expected):
        return Feedback(True, f"Correct! Exercise {ex.id}: {expected!r}. Now hold your reason against the rubric."
                              f"{rubric}")
    for index, (wrong, message) in enumerate(ex.mistakes):
        if _text(decision) == _text(_once(ex, index, wrong)):
            return Feedback(False, f"Exercise {ex.id}: {message}{rubric}")
    return Feedback(False, f"Exercise {ex.id}: Not quite: the decision is one of {expected!r} or "
                           f"{', '.join(repr(w()) for w, _ in ex.mistakes)}.")


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return repr(value)


_HINTS_GIVEN: dict[str, int] = {}


def hint(exercise: str, step: int | None = None) -> str:
    """A nudge towards the answer, one step more concrete at each call, never the solution.

    The first call gives the idea behind the exercise, the second a concrete
    pointer, the third the function to use; later calls repeat the third and
    point to :func:`solution`.

    Parameters
    ----------
    exercise : str
        The exercise number, e.g. ``"3.1"``.
    step : {1, 2, 3}, optional
        Ask for one step directly instead of the next one.

    Returns
    -------
    str
        "Hint <n> of 3 for exercise <id>: ..."; shown without quotes in a
        notebook.

    Raises
    ------
    ParameterError
        If ``exercise`` is not an exercise of the course, or ``step`` is not
        a whole number from 1 to 3.

    Examples
    --------
    >>> hint("0.1", step=1)
    Hint 1 of 3 for exercise 0.1: A share is a part divided by a whole: here, buyers divided by everyone.
    >>> hint("0.1", step=3)  # doctest: +ELLIPSIS
    Hint 3 of 3 for exercise 0.1: Count distinct user_id values in the orders table (nunique), ...
    """
    ex = _get(exercise)
    steps = _HINTS[ex.id]
    if step is not None:
        given = params.integer(step, "step", minimum=1) - 1
        if given >= len(steps):
            raise ParameterError(f"step must be between 1 and {len(steps)}, got {step}.", "step")
    else:
        given = _HINTS_GIVEN.get(ex.id, 0)
        _HINTS_GIVEN[ex.id] = given + 1
    if given >= len(steps):
        return _Text(f"Hint {len(steps)} of {len(steps)} for exercise {ex.id}: {steps[-1]} Still stuck? "
                     f"jk.solution({ex.id!r}) shows a worked solution.")
    return _Text(f"Hint {given + 1} of {len(steps)} for exercise {ex.id}: {steps[given]}")


def solution(exercise: str) -> str:
    """The worked solution of an exercise, kept out of the lesson in ``notebooks/solutions/<lesson>.md``.

    Each solution is the code block under the heading ``## Exercise <id>``; it
    runs in the lesson's notebook after the cells above the exercise.

    Parameters
    ----------
    exercise : str
        The exercise number, e.g. ``"3.1"``.

    Returns
    -------
    str
        "Solution of exercise <id>:", a blank line, then the code; shown
        without quotes in a notebook.

    Raises
    ------
    ParameterError
        If ``exercise`` is not an exercise of the course.
    MissingFileError
        If the course folder is not found (see
        :func:`journeykit.datasets.course_dir`), or the lesson's solutions
        file in ``notebooks/solutions/`` is missing.
    JourneyKitError
        If the solutions file has no code block for this exercise.

    Examples
    --------
    >>> text = solution("0.1")
    >>> text.splitlines()[0]
    'Solution of exercise 0.1:'
    >>> 'jk.check("0.1", answer)' in text
    True
    """
    from journeykit.course.datasets import course_dir

    ex = _get(exercise)
    path = course_dir() / "notebooks" / "solutions" / ex.notebook.replace(".ipynb", ".md")
    if not path.exists():
        raise MissingFileError(path, "is missing; solutions are read from the course's notebooks/solutions folder.")
    match = re.search(rf"^## Exercise {re.escape(ex.id)}\n+```python\n(.*?)\n```", path.read_text(encoding="utf-8"),
                      flags=re.MULTILINE | re.DOTALL)
    if match is None:
        raise JourneyKitError(f"no solution for exercise {ex.id} in {path}.")
    return _Text(f"Solution of exercise {ex.id}:\n\n{match.group(1)}")


def named(name: str):
    """The per-exercise alias behind a name like ``check_exercise_3_1``, or None when the name is not one.

    Examples
    --------
    >>> named("hint_exercise_3_1")(step=1)
    Hint 1 of 3 for exercise 3.1: Compare channels by their conversion, not by how many buyers they bring.
    """
    match = re.fullmatch(r"(check|hint|solution)_exercise_(\d+)_(\d+)", name)
    if not match or f"{match.group(2)}.{match.group(3)}" not in _BY_ID:
        return None
    kind, exercise = match.group(1), f"{match.group(2)}.{match.group(3)}"
    if kind == "check":
        return functools.partial(check, exercise)
    return functools.partial(hint if kind == "hint" else solution, exercise)
