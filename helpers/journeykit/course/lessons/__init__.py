"""The course's exercises, one module per lesson: questions, expected answers, typical mistakes and hints.

Each module defines ``EXERCISES`` (a list of
:class:`journeykit.course.exercise_kinds.Exercise`), ``HINTS`` (three steps per
exercise: the idea, a pointer, then the function to use) and, for exercises
done by hand on a tiny table, ``DATA`` (exercise id → a function returning
that table).
"""

from __future__ import annotations

from journeykit.course.lessons import (lesson_00, lesson_01, lesson_02, lesson_03, lesson_04, lesson_05, lesson_06,
                                       lesson_07, lesson_08)

_LESSONS = (lesson_00, lesson_01, lesson_02, lesson_03, lesson_04, lesson_05, lesson_06, lesson_07, lesson_08)

EXERCISES = [exercise for lesson in _LESSONS for exercise in lesson.EXERCISES]
HINTS = {key: steps for lesson in _LESSONS for key, steps in lesson.HINTS.items()}
DATA = {key: table for lesson in _LESSONS for key, table in getattr(lesson, "DATA", {}).items()}
