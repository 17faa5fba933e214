"""Retention figures: the cohort heat map, the average curve and the lifecycle bars.

Every function takes the result of :mod:`journeykit.analysis.retention` and an optional ``ax``
(or returns a Figure where the drawing needs its own), as seaborn does.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from journeykit.errors import ParameterError

__all__ = ["plot_retention", "plot_retention_curve", "plot_lifecycle"]


def plot_retention(table: pd.DataFrame, *, ax: plt.Axes | None = None, annot: bool = True,
                   cmap: str = "Blues", title: str | None = None) -> plt.Axes:
    """Cohort heatmap: one row per cohort, one column per offset, shaded by retention.

    Cells of the period still in progress (``complete == False``) are hatched
    and their numbers shown in grey, so nobody reads a half-month as a drop.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cohort_retention` without ``by`` (filter one segment first).
    ax : matplotlib Axes, optional
        Axes to draw on; the current Axes by default.
    annot : bool, default True
        Write the retention percentage in each cell.
    cmap : str, default "Blues"
        Colour map.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    segment = table.attrs.get("segment")
    if segment is not None and segment in table.columns and table[segment].nunique(dropna=False) > 1:
        raise ParameterError(f"plot_retention draws one set of cohorts; this table has several {segment!r} "
                             f"segments. Filter it to one first, e.g. table[table[{segment!r}] == "
                             f"{table[segment].iloc[0]!r}].", "table")
    if table.duplicated(["cohort", "period"]).any():
        raise ParameterError("plot_retention draws one set of cohorts; this table has several rows per cohort "
                             "and period (one per segment?). Filter it to one segment first.", "table")
    ax = ax if ax is not None else plt.gca()
    labels = table["cohort"].dt.strftime("%Y-%m-%d")
    if (table["cohort"].dt.day == 1).all() and (table["cohort"].dt.hour == 0).all():
        labels = table["cohort"].dt.strftime("%Y-%m")
    shown = table.assign(label=labels)
    grid = shown.pivot(index="label", columns="period", values="retention")
    sizes = shown.drop_duplicates("label").set_index("label")["cohort_size"]
    grid.index = [f"{label}  (n={sizes[label]:,})" for label in grid.index]
    incomplete = shown.pivot(index="label", columns="period", values="complete").eq(False).to_numpy()
    sns.heatmap(grid, ax=ax, cmap=cmap, vmin=0, vmax=max(float(table.loc[table["period"] > 0, "retention"].max()
                                                              if (table["period"] > 0).any() else 1), 0.05),
                annot=annot, fmt=".0%", annot_kws={"fontsize": "x-small"}, cbar_kws={"format": "{x:.0%}"},
                linewidths=0.5, linecolor="white")
    for (i, j) in zip(*np.nonzero(incomplete)):
        ax.add_patch(plt.Rectangle((j, i), 1, 1, fill=False, hatch="///", edgecolor="#999999", lw=0))
    if annot:
        for text, flag in zip(ax.texts, incomplete[~np.isnan(grid.to_numpy())]):
            if flag:
                text.set_color("#777777")
    ax.set(xlabel="periods since cohort start", ylabel="cohort (size)")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def plot_retention_curve(curve: pd.DataFrame, *, ax: plt.Axes | None = None, palette: dict | None = None,
                         title: str | None = None) -> plt.Axes:
    """Retention curve(s) from :func:`retention_curve`; one line per segment when it has one.

    Returns
    -------
    matplotlib Axes
    """
    from journeykit.plots.style import CHANNEL_COLORS, DEVICE_COLORS

    ax = ax if ax is not None else plt.gca()
    segment = curve.attrs.get("segment")
    if segment is None or segment not in curve.columns:
        others = [c for c in curve.columns if c not in ("period", "cohorts", "users", "retained", "retention",
                                                         "churn_from_previous")]
        segment = others[0] if len(others) == 1 else None
    colors = {**CHANNEL_COLORS, **DEVICE_COLORS, **(palette or {})}
    groups = curve.groupby(segment, sort=True) if segment else [(None, curve)]
    for name, rows in groups:
        ax.plot(rows["period"], rows["retention"], marker="o", ms=3, label=name, color=colors.get(name))
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set(xlabel="periods since cohort start", ylabel="retention", ylim=(0, None))
    if segment:
        ax.legend(title=segment, fontsize="small", title_fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def plot_lifecycle(table: pd.DataFrame, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Stacked bars of new, returning and resurrected users per period, dormant users below zero.

    Returns
    -------
    matplotlib Axes
    """
    ax = ax if ax is not None else plt.gca()
    wide = table.pivot(index="period", columns="status", values="users")
    x = np.arange(len(wide))
    bottom = np.zeros(len(wide))
    colors = {"new": "#55A868", "returning": "#4C72B0", "resurrected": "#CCB974", "dormant": "#C44E52"}
    for status in ("new", "returning", "resurrected"):
        ax.bar(x, wide[status], bottom=bottom, color=colors[status], label=status, width=0.8)
        bottom += wide[status].to_numpy()
    ax.bar(x, -wide["dormant"], color=colors["dormant"], label="dormant", width=0.8)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylim(-wide["dormant"].max() * 1.1, bottom.max() * 1.25)  # headroom for the legend
    step = max(1, len(wide) // 12)
    ax.set_xticks(x[::step], [d.strftime("%Y-%m-%d" if d.day != 1 else "%Y-%m") for d in wide.index[::step]],
                  rotation=45, ha="right")
    ax.set(ylabel="users")
    ax.legend(fontsize="small", ncols=4, loc="upper left")
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax
