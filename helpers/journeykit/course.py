"""Build what the course hands out from its one source, the lesson notebooks.

- **Learner copies**: each lesson with a note on how exercises work. Lessons hold
  no solutions (they are in ``notebooks/solutions/``, shown by
  ``jk.solution("3.1")`` when a learner asks), and exercise cells show no output.
- **Slides**: one reveal.js deck per lesson, built with nbconvert from the same
  notebook: every ``#`` or ``##`` heading starts a slide, ``###`` a sub-slide.
- **Images** for the README: the journey map and the funnel chart, drawn by the kit.

Run ``python -m journeykit build --out build`` (and ``python -m journeykit images``).
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

__all__ = ["lesson_notebooks", "learner_copy", "slides_notebook", "build", "draw_readme_images"]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def lesson_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The lessons, in order (``00_…`` to the last)."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def learner_copy(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The lesson with a note at the top on checking answers, hints and solutions."""
    out = copy.deepcopy(notebook)
    note = nbformat.v4.new_markdown_cell(
        "*Learner copy: the worked solutions are not in this notebook. Check an answer with `jk.check(\"…\", "
        "answer)`, ask for a hint with `jk.hint(\"…\")`, and show a solution with `jk.solution(\"…\")`.*")
    note["id"] = "learner-note"
    out.cells.insert(1, note)
    return out


def slides_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with slideshow metadata: headings start slides, ``###`` headings sub-slides."""
    out = copy.deepcopy(notebook)
    for cell in out.cells:
        source = "".join(cell.source) if isinstance(cell.source, list) else cell.source
        if cell.cell_type == "markdown" and source.lstrip().startswith(("# ", "## ")):
            kind = "slide"
        elif cell.cell_type == "markdown" and source.lstrip().startswith("### "):
            kind = "subslide"
        else:
            kind = "-"
        cell.metadata["slideshow"] = {"slide_type": kind}
    return out


def build(out: str | Path, notebooks: list[Path] | None = None) -> dict[str, list[Path]]:
    """Write learner copies to ``out/learner`` and slide decks to ``out/slides``.

    Returns
    -------
    dict
        ``{"learner": [...], "slides": [...]}``, the files written.
    """
    from nbconvert import SlidesExporter

    out = Path(out)
    (out / "learner").mkdir(parents=True, exist_ok=True)
    (out / "slides").mkdir(parents=True, exist_ok=True)
    exporter = SlidesExporter()
    exporter.reveal_scroll = True  # long slides scroll instead of overflowing
    written: dict[str, list[Path]] = {"learner": [], "slides": []}
    for path in notebooks or lesson_notebooks():
        notebook = nbformat.read(path, as_version=4)
        learner = out / "learner" / path.name
        nbformat.write(learner_copy(notebook), learner)
        written["learner"].append(learner)
        html, _ = exporter.from_notebook_node(slides_notebook(notebook))
        deck = out / "slides" / f"{path.stem}.slides.html"
        deck.write_text(html, encoding="utf-8")
        written["slides"].append(deck)
    return written


def draw_readme_images(out: str | Path) -> list[Path]:
    """Draw the README's pictures (the shop's journey map and its funnel by device) into ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import journeykit as jk

    jk.use_course_style()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shop = jk.datasets.load_business("shop")
    journey = jk.journey_map(shop["events"], "6-stage", surveys=shop["surveys"], text=jk.SHOP_MAP_TEXT)
    fig = jk.plot_journey_map(journey, title="Online shop: the customer journey, built from data",
                              persona="Maya, 34, furnishing her first flat on a budget")
    paths = [out / "journey_map.png", out / "funnel_by_device.png"]
    fig.savefig(paths[0], dpi=80, metadata={"Software": None})
    plt.close(fig)
    steps = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    jk.plot_funnel(jk.funnel(shop["events"], steps, window="7D", by="device"), ax=ax,
                   title="Purchase funnel by device: the mobile checkout leaks")
    fig.savefig(paths[1], dpi=100, metadata={"Software": None})
    plt.close(fig)
    return paths
