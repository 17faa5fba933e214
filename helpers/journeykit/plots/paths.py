"""Flow diagrams: stage-to-stage transitions, and the paths around an anchor event (a Sankey diagram).

Every function takes the result of :mod:`journeykit.analysis.paths` and an optional ``ax``
(or returns a Figure where the drawing needs its own), as seaborn does.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyArrowPatch, PathPatch, Rectangle
from matplotlib.path import Path

from journeykit.analysis.paths import END, START

__all__ = ["plot_flow", "plot_paths_around"]


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


_OTHER = "other"


def _columns(paths: pd.DataFrame, max_nodes: int) -> tuple[list[str], pd.DataFrame]:
    """The step columns in path order, with rare labels of each column grouped as "other"."""
    columns = sorted((c for c in paths.columns if c.startswith("step_")), key=lambda c: int(c.split("_")[1]))
    frame = paths[columns + ["users"]].copy()
    for column in columns:
        weight = frame.groupby(column)["users"].sum().sort_values(ascending=False, kind="stable")
        keep = set(weight.index[:max_nodes]) if len(weight) > max_nodes else set(weight.index)
        frame[column] = frame[column].where(frame[column].isin(keep) | frame[column].isna(), _OTHER)
    return columns, frame


def _band(ax: plt.Axes, x0: float, x1: float, y0: tuple[float, float], y1: tuple[float, float], color) -> None:
    """A band from the span y0 at x0 to the span y1 at x1, with smooth (cubic Bezier) edges."""
    mid = (x0 + x1) / 2
    vertices = [(x0, y0[0]), (mid, y0[0]), (mid, y1[0]), (x1, y1[0]), (x1, y1[1]), (mid, y1[1]), (mid, y0[1]),
                (x0, y0[1]), (x0, y0[0])]
    codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO, Path.CURVE4, Path.CURVE4,
             Path.CURVE4, Path.CLOSEPOLY]
    ax.add_patch(PathPatch(Path(vertices, codes), facecolor=color, edgecolor="none", alpha=0.45))


def plot_paths_around(paths: pd.DataFrame, *, ax: plt.Axes | None = None, max_nodes: int = 6,
                      title: str | None = None) -> plt.Axes:
    """A Sankey diagram of the paths around an anchor event, from :func:`journeykit.paths_around`.

    One column of boxes per position (the anchor's step at one end), each box
    as tall as the users at that step; bands join consecutive steps, as wide
    as the users who went that way. Steps beyond the ``max_nodes`` most
    common of a position are drawn as "other"; paths that ended are drawn to
    ``(end)`` (or come from ``(start)``). Boxes under 2% of the users are
    left unlabelled, so that labels never overlap.

    Parameters
    ----------
    paths : DataFrame
        Output of :func:`journeykit.paths_around` (pass ``top=None`` to draw
        every path).
    ax : matplotlib Axes, optional
        Axes to draw on; the current Axes by default.
    max_nodes : int, default 6
        Boxes per position, the most common steps first.
    title : str, optional
        Title of the plot.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on.

    Raises
    ------
    KeyError
        If ``paths`` lacks ``users`` or ``step_`` columns. The table is not
        checked by the kit, so no error of the kit is raised.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> paths = pd.DataFrame({"path": ["cart → buy", "cart → (end)"], "users": [3, 1], "share": [0.75, 0.25],
    ...                       "step_0": ["cart", "cart"], "step_1": ["buy", "(end)"]})
    >>> ax = plot_paths_around(paths, title="After the cart")
    >>> sorted(t.get_text() for t in ax.texts)
    ['(end)  1', 'buy  3', 'cart  4']
    >>> plt.close("all")
    """
    ax = ax if ax is not None else plt.gca()
    columns, frame = _columns(paths, max_nodes)
    total = float(frame["users"].sum())
    gap, width = 0.04 * total, 0.12
    palette = plt.get_cmap("tab10")
    colors: dict[str, object] = {END: "0.75", START: "0.75", _OTHER: "0.6"}
    spans: list[dict[str, list[float]]] = []
    for x, column in enumerate(columns):
        weight = frame.groupby(column)["users"].sum().sort_values(ascending=False, kind="stable")
        top, placed = total + gap * (len(weight) - 1), {}
        for label, users in weight.items():
            colors.setdefault(label, palette(len(colors) % 10))
            placed[label] = [top - users, top, top - users, top]  # node span; then the free in/out slots
            ax.add_patch(Rectangle((x - width / 2, top - users), width, users, facecolor=colors[label],
                                   edgecolor="white"))
            if users >= 0.02 * total:  # smaller boxes stay unlabelled rather than overlap
                ax.text(x + width / 2 + 0.03, top - users / 2, f"{label}  {users:,.0f}", va="center",
                        fontsize="small", bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1})
            top -= users + gap
        spans.append(placed)
    for x in range(len(columns) - 1):
        left, right = columns[x], columns[x + 1]
        moves = frame.dropna(subset=[left, right]).groupby([left, right], sort=False)["users"].sum()
        moves = moves.sort_values(ascending=False, kind="stable")
        for (source, target), users in moves.items():
            out_top, in_top = spans[x][source][1], spans[x + 1][target][3]
            _band(ax, x + width / 2, x + 1 - width / 2, (out_top - users, out_top), (in_top - users, in_top),
                  colors[target])
            spans[x][source][1] -= users
            spans[x + 1][target][3] -= users
    # room on the right for the last column's labels, which are written beside their boxes
    ax.set(xlim=(-0.3, len(columns) - 1 + 1.1), ylim=(-gap * max_nodes, total + gap * max_nodes))
    ax.set_xticks(range(len(columns)), [c.replace("step_", "step ") for c in columns])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("steps from the anchor event (0 = the anchor); box and band heights are users")
    if title:
        ax.set_title(title)
    return ax
