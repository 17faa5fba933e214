"""Learner copies, slides and README images build from the current notebooks."""

import json
import re
from pathlib import Path

import nbformat

import journeykit as jk
from journeykit.cli import main
from journeykit.course.build import lesson_notebooks, slides_notebook


def test_learner_copies_and_slides_build(tmp_path):
    assert main(["build", "--out", str(tmp_path)]) == 0
    lessons = lesson_notebooks()
    assert len(lessons) >= 8
    for lesson in lessons:
        learner = nbformat.read(tmp_path / "learner" / lesson.name, as_version=4)
        full = nbformat.read(lesson, as_version=4)
        assert not [c for c in learner.cells if "solution" in c.metadata.get("tags", [])]
        assert len(learner.cells) == len(full.cells) + 1  # plus the note on checks, hints and solutions
        deck = (tmp_path / "slides" / f"{lesson.stem}.slides.html").read_text()
        headings = sum(1 for c in full.cells if c.cell_type == "markdown"
                       and "".join(c.source).lstrip().startswith(("# ", "## ")))
        assert deck.count("<section") >= headings
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", deck), "a deck loads nothing from the network"
        assert "data:image/png;base64" in deck or "<img" not in deck, "figures are embedded"
        marked = slides_notebook(full)
        assert marked.cells[0].metadata["slideshow"]["slide_type"] == "slide"


def test_readme_images_are_drawn(tmp_path):
    assert main(["images", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["funnel_by_device.png", "journey_map.png"]


def test_setup_check_passes(capsys):
    assert main(["check"]) == 0
    assert "Ready for the course." in capsys.readouterr().out


def test_every_lesson_is_listed_in_the_readme_agenda_and_instructor_notes():
    from pathlib import Path

    root = Path(__file__).parents[1]
    agenda = (root / "instructors" / "agenda.md").read_text()
    notes = (root / "instructors" / "lesson_notes.md").read_text()
    for lesson in lesson_notebooks():
        number = lesson.name[:2]
        assert f"| {number} " in agenda or f"{number} ·" in agenda, f"{lesson.name} missing from the agenda"
        assert f"## {number} ·" in notes, f"{lesson.name} missing from the lesson notes"
    assert json.loads(lesson_notebooks()[0].read_text())["cells"]
    assert jk.exercises()["lesson"].isin([p.name for p in lesson_notebooks()]).all()


def test_the_api_reference_page_is_written_from_the_current_docstrings():
    from journeykit.course.build import api_reference

    page = (Path(__file__).parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    assert page == api_reference(), "docs/api.md is out of date: run python -m journeykit api"
    for name in jk.__all__:
        assert f"`jk.{name}" in page, f"jk.{name} is missing from the API reference"
