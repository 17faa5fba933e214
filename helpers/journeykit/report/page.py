"""The executed report notebook as one self-contained web page.

Only the outputs are kept: no code, no prompts, no markdown of the template.
Figures are embedded as data URIs and the style sheet is inline, so the page
works offline and loads nothing from the network (no script at all).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

__all__ = ["notebook_to_html", "STYLE"]

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0;
       background: #f6f7f9; line-height: 1.45; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; background: #fff; }
h1 { font-size: 1.8rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.3rem; margin: 0 0 0.4rem; border-bottom: 2px solid #4C72B0; padding-bottom: 0.2rem; }
section { margin: 2rem 0 0; }
p.lead { font-size: 1.05rem; color: #444; }
p.needs { color: #555; font-size: 0.9rem; margin-top: 0; }
p.skipped { background: #f3f3f3; border-left: 4px solid #aaa; padding: 0.5rem 0.8rem; }
p.note { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.8rem 0 1.2rem; font-size: 0.88rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
caption .file { font-weight: normal; color: #777; font-size: 0.8rem; margin-left: 0.5rem; }
.file { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.8rem; color: #666; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
th { background: #f0f2f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; display: block; margin: 0.6rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.8rem; }
.card { border: 1px solid #dde2ea; border-radius: 6px; padding: 0.7rem 0.8rem; }
.card .value { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .label { font-weight: 600; }
.card .definition { font-size: 0.82rem; color: #555; margin-top: 0.2rem; }
ul.quality li, ul.method li { margin-bottom: 0.35rem; }
@media print { body { background: #fff; } main { padding: 0; } section { break-inside: avoid-page; } }
"""
"""The page's style sheet, inlined in its ``<head>``."""


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _output(output: Mapping) -> str:
    """One output of a code cell as HTML: its HTML, or its PNG as an image; other kinds are not shown."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return ""
    data = output.get("data", {})
    if "text/html" in data:
        return _text(data["text/html"])
    if "image/png" in data:
        alt = html.escape(_text(data.get("text/plain", "figure")).strip().strip("<>"), quote=True)
        return f'<img src="data:image/png;base64,{_text(data["image/png"]).strip()}" alt="{alt}">'
    return ""


def notebook_to_html(notebook: Mapping, title: str | None = None) -> str:
    """The outputs of an executed report notebook as one standalone HTML page.

    Each code cell's outputs become one ``<section>``; code, prompts,
    markdown cells and printed text are left out. The page's title is
    ``title``, or the text of the first ``<h1>``.

    Parameters
    ----------
    notebook : mapping
        An executed notebook (``nbformat`` node or the parsed JSON).
    title : str, optional

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "source": "report.show('overview')", "outputs": [
    ...     {"output_type": "display_data", "data": {"text/html": "<h1>Shop</h1>", "text/plain": "Shop"}}]}]}
    >>> page = notebook_to_html(nb)
    >>> "<title>Shop</title>" in page, "report.show" in page, "<script" in page
    (True, False, False)
    """
    sections = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        body = "\n".join(part for part in map(_output, cell.get("outputs", [])) if part)
        if body.strip():
            sections.append(f"<section>\n{body}\n</section>")
    if title is None:
        found = next((re.search(r"<h1[^>]*>(.*?)</h1>", s, re.S) for s in sections
                      if re.search(r"<h1[^>]*>", s)), None)
        title = html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else "Report"
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>", "<main>",
        *sections, "</main>", "</body>", "</html>", ""])
