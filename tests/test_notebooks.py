"""Every lesson notebook reads as a finished lesson.

nbval (run by the same test command) executes each notebook and compares its
outputs with the stored ones; these tests check what nbval does not: that the
notebook was committed executed in order, without unexpected errors, warnings
or machine-local paths, and that it has the parts every lesson needs.
"""

import json
import re
from pathlib import Path

import pytest

import journeykit as jk

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LOCAL_PATH = re.compile(r"(/work/|/tmp/|/root/|/home/[^/\s]+/|/Users/[^/\s]+/|C:\\\\Users)")


def cells(path, kind=None):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if kind is None or c["cell_type"] == kind]


def source(cell):
    return "".join(cell["source"])


def test_there_are_lessons():
    assert NOTEBOOKS, "no lesson notebooks found in notebooks/"
    assert NOTEBOOKS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_executed_in_order(path):
    counts = [c["execution_count"] for c in cells(path, "code") if source(c).strip()]
    assert counts == list(range(1, len(counts) + 1)), "Restart the kernel and run all cells, then save"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_clean(path):
    for cell in cells(path, "code"):
        expected_error = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        assert bool(errors) == expected_error, f"cell {source(cell)[:60]!r}: error output does not match its tag"
        for out in cell.get("outputs", []):
            text = json.dumps(out)
            assert not LOCAL_PATH.search(text), f"machine-local path in output of {source(cell)[:60]!r}"
            if out.get("name") == "stderr":
                assert "Warning" not in "".join(out["text"]), f"warning in output of {source(cell)[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_has_the_parts_of_a_lesson(path):
    markdown = [source(c) for c in cells(path, "markdown")]
    opening = markdown[0]
    assert opening.startswith("# "), "the first cell is the lesson's title"
    assert "**Goals.**" in opening and "**Time.**" in opening, "the first cell states goals and time"
    assert re.search(r"\*\*Time\.\*\* About \d+ minutes", opening)
    headings = [line for text in markdown for line in text.splitlines() if line.startswith("## ")]
    assert headings[-1] == "## Recap", "ends with a recap"
    checks = [c for c in cells(path, "code") if "jk.check(" in source(c)]
    assert checks, "has exercises checked with jk.check"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_starts_empty_and_has_a_solution_outside_the_lesson(path):
    exercises = [c for c in cells(path, "code") if "exercise" in c.get("metadata", {}).get("tags", [])]
    assert len(exercises) >= 2
    for cell in exercises:
        assert source(cell).startswith("answer = ..."), "an exercise cell starts as a skeleton"
        assert not cell["outputs"], "no output (and no verdict) under an exercise before the learner tries"
        assert jk.solution(cell["metadata"]["exercise"]).startswith("Solution of exercise")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_imports_the_course_kit(path):
    assert any("import journeykit as jk" in source(c) for c in cells(path, "code"))
