"""The flow diagram of stage-to-stage transitions.

Every function takes the result of :mod:`journeykit.analysis.paths` and an optional ``ax``
(or returns a Figure where the drawing needs its own), as seaborn does.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyArrowPatch

from journeykit.analysis.paths import END

__all__ = ["plot_flow"]


def plot_flow(transitions: pd.DataFrame, *, ax: plt.Axes | None = None, min_share: float = 0.01,
              title: str | None = None) -> plt.Axes:
    """A Sankey-style flow diagram of stage transitions.

    Stages are boxes from left to right in journey order; each move between two
    stages is a band as wide as its number of moves. Forward moves arc above
    the boxes in blue, moves back to an earlier stage arc below in red, so the
    loops of a non-linear journey are visible at a glance.

    Parameters
    ----------
    transitions : DataFrame
        :func:`transition_matrix` with ``long=True`` (or
        :func:`journeykit.stage_transitions`): ``from_stage``, ``to_stage``, ``moves``.
    ax : matplotlib Axes, optional
        Axes to draw on; the current Axes by default.
    min_share : float, default 0.01
        Bands with fewer than this share of all moves are left out to keep the picture readable.
    title : str, optional
        Title of the plot.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on (its axis lines are turned off).

    Raises
    ------
    KeyError
        If ``transitions`` lacks ``from_stage``, ``to_stage`` or ``moves``.
        The table is not checked by the kit, so no error of the kit is
        raised.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> transitions = pd.DataFrame({
    ...     "from_stage": ["Awareness", "Consideration", "Consideration", "Purchase"],
    ...     "to_stage": ["Consideration", "Purchase", "Awareness", "Post-purchase"],
    ...     "moves": [120, 45, 30, 40]})
    >>> ax = plot_flow(transitions, title="Moves between stages")
    >>> type(ax).__name__, ax.get_title(loc=plt.rcParams["axes.titlelocation"])  # where the style puts titles
    ('Axes', 'Moves between stages')
    >>> [text.get_text() for text in ax.texts][:4]  # the stage boxes, in journey order
    ['Awareness', 'Consideration', 'Purchase', 'Post-purchase']
    >>> plt.close("all")
    """
    ax = ax if ax is not None else plt.gca()
    moves = transitions[transitions["to_stage"] != END]
    # stages in the order they first appear: journey order, as the kit's transition tables are sorted
    stages = list(dict.fromkeys([*transitions["from_stage"], *moves["to_stage"]]))
    x = {s: i for i, s in enumerate(stages)}
    total = moves["moves"].sum()
    widest = moves["moves"].max() if len(moves) else 1
    half_h, rad = 0.16, -0.45  # the same rad bends left-to-right moves up and right-to-left moves down
    for s, i in x.items():
        ax.add_patch(plt.Rectangle((i - 0.42, -half_h), 0.84, 2 * half_h, facecolor="#2F4B7C", zorder=3))
        ax.text(i, 0, s, ha="center", va="center", color="white", fontsize=8, fontweight="bold", zorder=4)
    reach = 0.3
    for row in moves.sort_values("moves", ascending=False).itertuples(index=False):
        if row.moves < min_share * total:
            continue
        a, b = x[row.from_stage], x[row.to_stage]
        backward = b < a
        y = -half_h if backward else half_h
        color = "#C44E52" if backward else "#4C72B0"
        ax.add_patch(FancyArrowPatch((a, y), (b, y), connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                     mutation_scale=10, lw=1 + 12 * row.moves / widest, alpha=0.5, color=color,
                                     zorder=2, shrinkA=0, shrinkB=0))
        peak = 0.5 * abs(rad) * abs(b - a)  # a quadratic Bézier reaches half way to its control point
        reach = max(reach, peak + half_h)
        ax.text((a + b) / 2, y + (-peak if backward else peak), f"{row.moves:,}", ha="center",
                va="top" if backward else "bottom", fontsize=8, color=color, zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
    ax.set_xlim(-0.6, len(stages) - 0.4)
    ax.set_ylim(-reach - 0.15, reach + 0.15)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax
