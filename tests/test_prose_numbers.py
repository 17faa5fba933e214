"""Every number a lesson states in its prose is computed in the lesson, so the text cannot drift from the data.

A result stated in a markdown cell (a percentage, a decimal, a count with a thousands separator) must appear in
the lesson's executed outputs, or be checked in a *claims* cell: a code cell tagged ``claims`` (collapsed in
Jupyter) that asserts the stated value against the computed one, e.g.
``assert f"{mobile_share:.1%}" == "22.5%"``. Numbers in inline code, exercise numbers and lesson numbers are
not results.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# a percentage, a decimal number, or a whole number with thousands separators, with an optional sign
NUMBER = re.compile(r"(?<![\w.,/])[−+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+(?=\s?%))(?:\s?%)?(?![\w/]|\.\d)")
NOT_RESULTS = [
    re.compile(r"`[^`]*`"),                                    # inline code
    re.compile(r"```.*?```", re.DOTALL),                       # code blocks
    re.compile(r"\b[Ee]xercises? \d\.\d\b"),                   # exercise numbers
    re.compile(r"\]\([^)]*\)"),                                # link targets
    re.compile(r"\bv?\d+\.\d+\.\d+\b"),                        # versions
]


def _text(cell):
    return "".join(cell["source"])


def _plain(number: str) -> str:
    """The digits a reader would search for: no sign, no % sign, no thousands separators."""
    return number.replace("−", "").lstrip("+-").rstrip("%").strip().replace(",", "")


def _computed(nb) -> str:
    """Everything the lesson computes or checks: outputs of every code cell and the source of its claims cells."""
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        if "claims" in cell.get("metadata", {}).get("tags", []):
            parts.append(_text(cell))
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            for kind in ("text/plain", "text/html", "text/markdown"):
                parts.append("".join(out.get("data", {}).get(kind, "")))
    return re.sub(r"(?<=\d),(?=\d{3})", "", "\n".join(parts))


def stated_numbers(nb) -> list[str]:
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = _text(cell)
        for pattern in NOT_RESULTS:
            text = pattern.sub(" ", text)
        found += [m.group(0) for m in NUMBER.finditer(text)]
    return found


def _found(number: str, computed: str) -> bool:
    digits = _plain(number)
    if re.search(rf"(?<![\d.]){re.escape(digits)}(?![\d])", computed):
        return True
    if number.rstrip().endswith("%"):  # 22.5 % may be computed as the share 0.225
        share = float(digits) / 100
        return any(re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", computed)
                   for form in {f"{share:g}", f"{share:.3f}", f"{share:.4f}"})
    return False


def test_the_pattern_finds_results_not_labels():
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "Mobile is 22.5 % of 1,234 people, a rate of 0.41; exercise 3.1 uses `window=\"7D\"` and `x = 0.5`."]}]}
    assert stated_numbers(nb) == ["22.5 %", "1,234", "0.41"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_the_prose_is_computed_in_the_lesson(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    computed = _computed(nb)
    missing = sorted({n for n in stated_numbers(nb) if not _found(n, computed)})
    assert not missing, (f"{path.name} states numbers that none of its outputs or claims cells compute: {missing}. "
                         "Print them in a cell, or check them in a code cell tagged 'claims'.")
