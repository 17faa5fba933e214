"""Build what the course hands out from its one source, the lesson notebooks.

- **Learner copies**: each lesson with a note on how exercises work. Lessons hold
  no solutions (they are in ``notebooks/solutions/``, shown by
  ``jk.solution("3.1")`` when a learner asks), and exercise cells show no output.
- **Slides**: one self-contained HTML deck per lesson, built from the same
  notebook: every ``#``, ``##`` or ``###`` heading starts a slide; arrow keys
  move; nothing is loaded from the network, so decks work offline.
- **Images** for the README: the journey map and the funnel chart, drawn by the kit.
- **The API reference** (``docs/api.md``): every name of the top level with its
  signature and docstring.

Run ``python -m journeykit build --out build`` (and ``python -m journeykit images``,
``python -m journeykit api``).
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

__all__ = ["lesson_notebooks", "learner_copy", "slides_notebook", "slides_html", "build", "draw_readme_images",
           "api_reference"]

def lesson_notebooks(folder: str | Path | None = None) -> list[Path]:
    """The lessons, in order (``00_…`` to the last), from ``folder`` or the course's ``notebooks/``.

    The course folder is found as :func:`journeykit.course.datasets.course_dir` says.
    """
    if folder is None:
        from journeykit.course.datasets import course_dir

        folder = course_dir() / "notebooks"
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


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


_DECK_STYLE = """
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; background: #fff; }
section { box-sizing: border-box; height: 100vh; overflow-y: auto; padding: 3vh 6vw; font-size: 1.35rem; }
section[hidden] { display: none; }
h1 { font-size: 2.2em; } h2 { font-size: 1.7em; } h3 { font-size: 1.3em; }
pre { background: #f6f8fa; padding: .6em .8em; border-radius: 4px; overflow-x: auto; font-size: .8em; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .75em; } td, th { padding: .2em .6em; border-bottom: 1px solid #ddd; }
.jp-OutputArea-output pre { background: none; padding: 0; }
a.anchor-link { display: none; }
.deck-nav { position: fixed; right: 1.5vw; bottom: 1vh; font-size: .9rem; color: #777; }
@media print { section, section[hidden] { display: block; height: auto; page-break-after: always; }
               .deck-nav { display: none; } }
"""

_DECK_SCRIPT = """
const slides = Array.from(document.querySelectorAll("section"));
const nav = document.querySelector(".deck-nav");
let current = 0;
function show(k) {
  current = Math.max(0, Math.min(slides.length - 1, k));
  slides.forEach((s, j) => { s.hidden = j !== current; });
  nav.textContent = (current + 1) + " / " + slides.length + "  (arrow keys)";
  history.replaceState(null, "", "#" + (current + 1));
}
document.addEventListener("keydown", (e) => {
  if (["ArrowRight", "ArrowDown", "PageDown", " "].includes(e.key)) { show(current + 1); e.preventDefault(); }
  if (["ArrowLeft", "ArrowUp", "PageUp"].includes(e.key)) { show(current - 1); e.preventDefault(); }
  if (e.key === "Home") show(0);
  if (e.key === "End") show(slides.length - 1);
});
show((parseInt(location.hash.slice(1), 10) || 1) - 1);
"""


_SLIDE_BREAK = "journeykit-slide-break"


def slides_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """One lesson as a self-contained slide deck: one HTML file, no script, style or font from the network.

    Slides start at ``#`` and ``##`` headings (and ``###`` ones), as marked by
    :func:`slides_notebook`; figures are embedded. Arrow keys move between
    slides, and printing gives one slide per page, so the deck works in a room
    without internet.
    """
    import html

    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter

    marked = slides_notebook(notebook)
    cells = []
    for i, cell in enumerate(marked.cells):
        if i > 0 and cell.metadata["slideshow"]["slide_type"] in ("slide", "subslide"):
            cells.append(nbformat.v4.new_raw_cell(_SLIDE_BREAK, metadata={"raw_mimetype": "text/html"}))
        cells.append(cell)
    marked.cells = cells
    exporter = HTMLExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(marked)
    body = body.replace(_SLIDE_BREAK, "</section>\n<section>")  # raw cells come out escaped; swap the marker
    style = _DECK_STYLE + HtmlFormatter().get_style_defs(".highlight")
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
            f"<section>\n{body}\n</section>\n<div class=\"deck-nav\"></div>\n<script>{_DECK_SCRIPT}</script>\n"
            "</body>\n</html>\n")


def build(out: str | Path, notebooks: list[Path] | None = None) -> dict[str, list[Path]]:
    """Write learner copies to ``out/learner`` and self-contained slide decks to ``out/slides``.

    Returns
    -------
    dict
        ``{"learner": [...], "slides": [...]}``, the files written.
    """
    out = Path(out)
    (out / "learner").mkdir(parents=True, exist_ok=True)
    (out / "slides").mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {"learner": [], "slides": []}
    for path in notebooks or lesson_notebooks():
        notebook = nbformat.read(path, as_version=4)
        learner = out / "learner" / path.name
        nbformat.write(learner_copy(notebook), learner)
        written["learner"].append(learner)
        deck = out / "slides" / f"{path.stem}.slides.html"
        deck.write_text(slides_html(notebook, path.stem.replace("_", " ")), encoding="utf-8")
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


# ---------------------------------------------------------------------------
# The API reference page
# ---------------------------------------------------------------------------

# (module prefix, title) in the order of the layers (see ARCHITECTURE.md)
_API_SECTIONS = (
    ("journeykit.errors", "Errors"),
    ("journeykit.io", "Reading and checking data"),
    ("journeykit.analysis.stages", "Stages"),
    ("journeykit.analysis.journey_map", "Journey map"),
    ("journeykit.analysis.sessions", "Sessions and web analytics"),
    ("journeykit.analysis.funnel", "Funnels"),
    ("journeykit.analysis.conversion", "Around a funnel: trends, drivers, paths after drop-off"),
    ("journeykit.analysis.retention", "Retention, churn and lifecycle"),
    ("journeykit.analysis.engagement", "Engagement: stickiness and active users"),
    ("journeykit.analysis.value", "Customer value"),
    ("journeykit.analysis.clv_model", "Probabilistic lifetime value (BG/NBD, Gamma-Gamma)"),
    ("journeykit.analysis.satisfaction", "Satisfaction: NPS and CSAT"),
    ("journeykit.analysis.paths", "Paths"),
    ("journeykit.analysis.attribution", "Attribution"),
    ("journeykit.analysis.comparison", "Buyer journey versus customer journey"),
    ("journeykit.analysis.stats", "Rates and their uncertainty"),
    ("journeykit.analysis.engine", "Engines: Parquet files, DuckDB, Spark and warehouses"),
    ("journeykit.plots", "Figures"),
    ("journeykit.course", "The course: exercises, sample data, simulators, setup check"),
)


def _api_entry(name: str, value: object) -> str:
    import inspect

    doc = inspect.getdoc(value) or "(no docstring)"
    if inspect.isclass(value) or inspect.isfunction(value):
        try:
            signature = str(inspect.signature(value, eval_str=True))
        except (TypeError, ValueError, NameError):
            signature = "(...)"
        head = f"### `jk.{name}{signature}`" if len(name + signature) < 100 else f"### `jk.{name}`\n\n```python\n{name}{signature}\n```"
        kind = "class" if inspect.isclass(value) else "function"
        where = f"*{kind.capitalize()} in `{value.__module__}`.*"
        return f"{head}\n\n{where}\n\n```text\n{doc}\n```\n"
    if inspect.ismodule(value):
        return f"### `jk.{name}`\n\n*Module `{value.__name__}`.*\n\n```text\n{doc}\n```\n"
    text = repr(value)
    shown = text if len(text) <= 200 else text[:197] + "..."
    return f"### `jk.{name}`\n\n*Constant.* `{shown}`\n"


def _defined_in(value: object) -> str:
    import inspect

    if inspect.ismodule(value):
        return value.__name__
    return getattr(value, "__module__", None) or ""


def api_reference() -> str:
    """The API reference page (Markdown): every name of the curated top level, grouped by layer and concept.

    Written from the docstrings by ``python -m journeykit api --out docs/api.md``; a test checks that the
    committed page matches the code.

    Returns
    -------
    str
        The page, one section per concept, each name with its signature, where it is defined and its docstring.

    Examples
    --------
    >>> page = api_reference()
    >>> page.startswith("# API reference") and "### `jk.funnel`" in page
    True
    """
    import journeykit as jk

    names = {name: getattr(jk, name) for name in jk.__all__}
    placed: dict[str, list[str]] = {title: [] for _, title in _API_SECTIONS}
    constants: dict[str, list[str]] = {title: [] for _, title in _API_SECTIONS}
    for name, value in names.items():
        module = _defined_in(value)
        if not module.startswith("journeykit"):  # constants: find the module that defines them
            module = next((m.__name__ for m in _modules() if name in getattr(m, "__all__", ())), "")
            target = constants
        else:
            target = placed
        title = next((t for prefix, t in _API_SECTIONS if module.startswith(prefix)), None)
        if title is None:
            raise ValueError(f"jk.{name} (from {module}) belongs to no section of the API reference")
        target[title].append(name)
    lines = ["# API reference", "",
             "Every name of the kit's top level, as a lesson or an analysis calls it (`import journeykit as jk`, then",
             "`jk.<name>`), grouped by concept in the order of the layers ([`ARCHITECTURE.md`](../ARCHITECTURE.md)).",
             "Each entry gives the signature, the module that defines it and its docstring. This page is written",
             "from the docstrings by `python -m journeykit api --out docs/api.md`; do not edit it by hand.", "",
             "## Contents", ""]
    lines += [f"- [{title}](#{_anchor(title)})" for _, title in _API_SECTIONS]
    for _, title in _API_SECTIONS:
        lines += ["", f"## {title}", ""]
        for name in sorted(placed[title], key=lambda n: (not n[0].isupper(), n.lower())):
            lines += [_api_entry(name, names[name])]
        if constants[title]:
            lines += ["| constant | value |", "|---|---|"]
            for name in sorted(constants[title]):
                value = names[name]
                text = (f"DataFrame: {', '.join(map(str, value.columns))}" if hasattr(value, "columns") else
                        repr(value)).replace("|", "\\|").replace("\n", " ")
                lines.append(f"| `jk.{name}` | `{text if len(text) <= 120 else text[:117] + '...'}` |")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _modules() -> list:
    import sys

    return [module for name, module in sorted(sys.modules.items()) if name.startswith("journeykit.") and module]


def _anchor(title: str) -> str:
    import re

    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
