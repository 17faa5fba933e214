"""Check that this computer is ready for the course."""

from __future__ import annotations

import sys
from importlib import metadata

import pandas as pd

__all__ = ["check_environment"]

# Oldest versions the course is known to work with (requirements.txt pins the tested ones).
_MINIMUM = {"python": "3.11", "pandas": "2.2", "numpy": "1.26", "matplotlib": "3.8", "seaborn": "0.13",
            "jupyterlab": "4.0", "nbval": "0.11", "pytest": "8.0"}


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def check_environment() -> pd.DataFrame:
    """Report whether Python, the course's packages and the sample data are ready.

    Returns
    -------
    DataFrame
        One row per component: ``component``, ``needed`` (minimum version or
        what must be present), ``found`` and ``ok`` (bool). Anything with
        ``ok == False`` comes with the fix in ``found``.

    Raises
    ------
    None
        Every problem is reported in the table instead: a missing package, a
        version too old, a course folder that is not found or sample files
        that are missing give a row with ``ok == False``. No error of the kit
        is raised.

    Examples
    --------
    >>> report = check_environment()
    >>> bool(report["ok"].all())
    True
    """
    from journeykit.course import datasets  # imported here so this module stays importable on its own

    rows = []
    for name, minimum in _MINIMUM.items():
        if name == "python":
            found = ".".join(map(str, sys.version_info[:3]))
        else:
            try:
                found = metadata.version(name)
            except metadata.PackageNotFoundError:
                rows.append((name, f">= {minimum}", "missing: run pip install -r requirements.txt", False))
                continue
        rows.append((name, f">= {minimum}", found, _version_tuple(found) >= _version_tuple(minimum)))
    files = datasets.describe()["file"]
    needed = f"{len(files)} files in datasets/"
    try:
        folder = datasets.data_dir()
    except FileNotFoundError as error:  # not run from the course folder
        rows.append(("sample data", needed, f"not found: {error}", False))
    else:
        missing = [f for f in files if not (folder / f).exists()]
        rows.append(("sample data", needed, "all present" if not missing else
                     f"missing {', '.join(missing)}: run python -m journeykit generate", not missing))
    return pd.DataFrame(rows, columns=["component", "needed", "found", "ok"])
