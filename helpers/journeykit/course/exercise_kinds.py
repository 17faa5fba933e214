"""What an exercise is: the question, how its expected answer is computed, and the mistakes it recognises.

The exercises themselves live lesson by lesson in :mod:`journeykit.course.lessons`;
:mod:`journeykit.course.exercises` checks answers against them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Exercise", "data", "tiny_table", "PERCENT"]

PERCENT = "Looks like a percentage; give a share between 0 and 1 (e.g. 0.25, not 25)."


@dataclass(frozen=True)
class Exercise:
    """One exercise of a lesson.

    ``expected`` computes the right answer from the sample data each time;
    ``mistakes`` pairs a typical wrong answer (computed the same way) with
    the message that names it. A decision exercise has a ``rubric``, shown
    after any attempt.
    """

    id: str
    notebook: str
    question: str
    expected: Callable[[], object]
    mistakes: list[tuple[Callable[[], object], str]] = field(default_factory=list)
    tolerance: float = 0.005  # absolute, for numbers
    explain: Callable[[object], str] | None = None
    relative: float = 1e-3  # relative, for numbers; the looser of the two decides
    rubric: Callable[[], str] | None = None  # a decision with its reason: the rubric is shown after any attempt


@functools.lru_cache(maxsize=None)
def data(name: str) -> pd.DataFrame:
    """A sample table by name, loaded once (see :func:`journeykit.datasets.load`)."""
    from journeykit.course import datasets

    return datasets.load(name)


def tiny_table(text: str) -> pd.DataFrame:
    r"""A small table written as CSV text, every value kept as written (text; an empty cell is empty text).

    The tables that exercises done by hand give out (``jk.exercise_data``).

    Examples
    --------
    >>> tiny_table("user_id,amount\n007,12.50\n008,\n").values.tolist()
    [['007', '12.50'], ['008', '']]
    """
    import io

    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
