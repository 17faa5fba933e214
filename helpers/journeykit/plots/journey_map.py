"""The journey map figure: stages across, lanes down, pain points marked.

Every function takes the result of :mod:`journeykit.analysis.journey_map` and an optional ``ax``
(or returns a Figure where the drawing needs its own), as seaborn does.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from journeykit.analysis.journey_map import LANES, _LANE_TITLES, _PAIN

__all__ = ["plot_journey_map"]


def _wrapped(text: str, wrap: int) -> str:
    return "\n".join(textwrap.fill(part, wrap) for part in str(text).split("\n"))


def _lane_heights(journey: pd.DataFrame, wrap: int) -> list[float]:
    """Each lane as tall as its longest cell, in axis units (about 0.15 per line of text)."""
    lines = journey.assign(n=journey["text"].map(lambda t: _wrapped(t, wrap).count("\n") + 1))
    longest = lines.groupby("lane")["n"].max()
    return [1.5 if lane == "emotion" else max(0.7, 0.3 + 0.15 * longest.get(lane, 1)) for lane in LANES]


def _draw(ax: plt.Axes, journey: pd.DataFrame, title: str | None, wrap: int,
          heights: list[float] | None = None) -> None:
    stages = journey.drop_duplicates("stage").sort_values("stage_number")["stage"].tolist()
    k = len(stages)
    heights = heights or _lane_heights(journey, wrap)
    tops = np.concatenate([[0], np.cumsum(heights)])
    total = tops[-1]
    label_w = 1.25
    ax.set_xlim(-label_w, k)
    ax.set_ylim(total + 0.55, -0.05)
    ax.axis("off")
    cell = journey.set_index(["lane", "stage"])
    for j, s in enumerate(stages):
        ax.add_patch(plt.Rectangle((j + 0.02, -0.0), 0.96, 0.5, color="#2F4B7C", zorder=1))
        pain = cell.loc[("pain_points", s), "highlight"]
        ax.text(j + 0.5, 0.25, f"{j + 1}. {s}" + ("  ⚠" if pain else ""), ha="center", va="center", color="white",
                fontsize=10.5, fontweight="bold", zorder=2)
    for i, lane in enumerate(LANES):
        y0 = tops[i] + 0.55
        h = heights[i]
        ax.add_patch(plt.Rectangle((-label_w, y0), label_w - 0.03, h - 0.04, color="#E8EDF3", zorder=0))
        ax.text(-label_w + 0.06, y0 + h / 2, _LANE_TITLES[lane], ha="left", va="center", fontsize=9.5,
                fontweight="bold", color="#2F4B7C")
        if lane == "emotion":
            values = [cell.loc[(lane, s), "value"] for s in stages]
            lows = [cell.loc[(lane, s), "low"] for s in stages]
            highs = [cell.loc[(lane, s), "high"] for s in stages]
            ax.add_patch(plt.Rectangle((0.02, y0), k - 0.04, h - 0.04, color="#F7F7F7", zorder=0))

            def to_y(v):
                return y0 + (h - 0.04) * (1 - (np.asarray(v, dtype=float) + 2) / 4)

            ax.plot([0.02, k - 0.02], [to_y(0)] * 2, color="#999999", lw=0.8, ls="--", zorder=1)
            xs = np.arange(k) + 0.5
            known = ~np.isnan(np.asarray(values, dtype=float))
            if known.any():
                ax.fill_between(xs[known], to_y(np.asarray(lows)[known]), to_y(np.asarray(highs)[known]),
                                color="#4C72B0", alpha=0.18, zorder=1, lw=0)
                ax.plot(xs[known], to_y(np.asarray(values)[known]), color="#4C72B0", lw=2, marker="o", zorder=2)
            for x, v, s in zip(xs, values, stages):
                label = cell.loc[(lane, s), "text"]
                y = to_y(v) if not np.isnan(v) else y0 + h / 2
                ax.text(x, y - 0.12 if not np.isnan(v) else y, label, ha="center", va="bottom", fontsize=8,
                        color="#333333" if not np.isnan(v) else "#999999", zorder=3)
            ax.text(k - 0.04, to_y(2) + 0.02, "+2", ha="right", va="top", fontsize=7, color="#999999")
            ax.text(k - 0.04, to_y(-2) - 0.02, "−2", ha="right", va="bottom", fontsize=7, color="#999999")
            continue
        for j, s in enumerate(stages):
            highlight = bool(cell.loc[(lane, s), "highlight"])
            ax.add_patch(plt.Rectangle((j + 0.02, y0), 0.96, h - 0.04, facecolor="#FBE9EA" if highlight else "white",
                                       edgecolor=_PAIN if highlight else "#D5DCE4", lw=1.6 if highlight else 0.8,
                                       zorder=0))
            body = _wrapped(cell.loc[(lane, s), "text"], wrap)
            ax.text(j + 0.5, y0 + (h - 0.04) / 2, body, ha="center", va="center", fontsize=7.6,
                    color=_PAIN if highlight else "#222222", linespacing=1.15, wrap=False)
    if title:
        ax.set_title(title, loc="left", fontsize=13, fontweight="bold", pad=6)


def plot_journey_map(journey: pd.DataFrame, *, persona: str | None = None, scenario: str | None = None,
                     title: str | None = None, compare: pd.DataFrame | None = None,
                     titles: Sequence[str] = ("As-is", "To-be"), wrap: int = 26) -> plt.Figure:
    """Draw the classic journey-map figure: stage columns, lane rows, the emotion curve, pain points in red.

    Parameters
    ----------
    journey : DataFrame
        Output of :func:`journey_map` (possibly edited).
    persona, scenario : str, optional
        Shown as the map's header, e.g. ``"Maya, 34, furnishes her first flat"``.
    title : str, optional
        Title above the map.
    compare : DataFrame, optional
        A second map (typically the "to-be" journey) drawn below the first, at the same width.
    titles : pair of str, default ("As-is", "To-be")
        Titles of the two maps when ``compare`` is given.
    wrap : int, default 26
        Characters per line in a cell.

    Returns
    -------
    matplotlib Figure
        Save it with ``fig.savefig("map.png")`` or ``"map.svg"``.

    Raises
    ------
    KeyError
        If ``journey`` (or ``compare``) lacks a column of :func:`journey_map`'s
        output, or a cell of a lane of :data:`journeykit.LANES` for one of its
        stages. The tables are not checked by the kit, so no error of the kit
        is raised.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from journeykit import journey_map
    >>> events = pd.DataFrame({
    ...     "user_id": ["u1", "u1", "u1", "u1", "u2", "u2"],
    ...     "timestamp": pd.to_datetime(["2025-01-02 09:00", "2025-01-02 09:05", "2025-01-02 09:10",
    ...                                  "2025-01-09 12:00", "2025-01-03 10:00", "2025-01-03 10:02"]),
    ...     "event": ["visit", "view_product", "purchase", "write_review", "visit", "read_article"]})
    >>> journey = journey_map(events, "4-stage")
    >>> fig = plot_journey_map(journey, title="Shop journey", persona="Maya, 34")
    >>> type(fig).__name__, len(fig.axes)
    ('Figure', 1)
    >>> print(fig.get_suptitle())
    Shop journey
    Persona: Maya, 34
    >>> plt.close("all")
    """
    maps = [journey] if compare is None else [journey, compare]
    k = journey["stage"].nunique()
    # both maps share lane heights, and are drawn one above the other at full width, so that the text stays
    # legible and the lanes can be compared row by row
    heights = np.max([_lane_heights(m, wrap) for m in maps], axis=0).tolist()
    width = 2.3 * k + 2.0
    fig, axes = plt.subplots(len(maps), 1, figsize=(width, (1.6 + 0.95 * sum(heights)) * len(maps)), squeeze=False)
    for ax, data, name in zip(axes[:, 0], maps, titles if compare is not None else [title]):
        _draw(ax, data, name if compare is not None else None, wrap, heights)
    header = [part for part in (title if compare is not None else None, persona and f"Persona: {persona}",
                                scenario and f"Scenario: {scenario}") if part]
    if compare is None and title:
        header.insert(0, title)
    if header:
        fig.suptitle("\n".join(header), x=0.01, ha="left", fontsize=12, fontweight="bold" if title else "normal",
                     y=0.995)
    fig.tight_layout(rect=(0, 0, 1, 0.95 if header else 1))
    return fig
