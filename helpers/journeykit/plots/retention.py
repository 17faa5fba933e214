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


_PERIOD_UNITS = {"D": "days", "W": "weeks", "M": "months"}


def _since_label(table: pd.DataFrame) -> str:
    """The x axis of retention figures, with its unit: "months since the cohort's first month"."""
    unit = _PERIOD_UNITS.get(table.attrs.get("period"))
    return f"{unit} since the cohort's first {unit[:-1]} (0 = that {unit[:-1]})" if unit else \
        "periods since the cohort's first period"


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
        Title of the plot.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on; the colour bar gets an Axes of its own.

    Raises
    ------
    ParameterError
        If ``table`` holds several segments (the output of
        :func:`cohort_retention` with ``by``, not filtered to one), or
        several rows for one cohort and period.
    KeyError
        If ``table`` lacks a column of :func:`cohort_retention`'s output
        (``cohort``, ``period``, ``retention``, ``cohort_size``,
        ``complete``); these are not checked by the kit.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from journeykit import cohort_retention
    >>> events = pd.DataFrame({
    ...     "user_id": ["u1", "u1", "u2", "u2", "u3"],
    ...     "timestamp": pd.to_datetime(["2025-01-05", "2025-02-10", "2025-01-20", "2025-03-01", "2025-02-03"]),
    ...     "event": "visit"})
    >>> table = cohort_retention(events, period="M")
    >>> ax = plot_retention(table, title="Monthly cohorts")
    >>> type(ax).__name__, ax.get_title(loc=plt.rcParams["axes.titlelocation"])  # where the style puts titles
    ('Axes', 'Monthly cohorts')
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['2025-01  (n=2)', '2025-02  (n=1)']
    >>> plt.close("all")
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
    ax.set(xlabel=_since_label(table), ylabel="cohort (people in it)")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def plot_retention_curve(curve: pd.DataFrame, *, ax: plt.Axes | None = None, palette: dict | None = None,
                         title: str | None = None) -> plt.Axes:
    """Retention curve(s) from :func:`retention_curve`; one line per segment when it has one.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`retention_curve`: ``period`` and ``retention``, and
        the segment column when the cohorts were split with ``by``.
    ax : matplotlib Axes, optional
        Axes to draw on; the current Axes by default.
    palette : dict, optional
        Colour per segment value (defaults to the course's channel and device colours).
    title : str, optional
        Title of the plot.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on, with a legend when there are segments.

    Raises
    ------
    KeyError
        If ``curve`` lacks ``period`` or ``retention``. The table is not
        checked by the kit, so no error of the kit is raised.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from journeykit import cohort_retention, retention_curve
    >>> events = pd.DataFrame({
    ...     "user_id": ["u1", "u1", "u2", "u2", "u3", "u3"],
    ...     "timestamp": pd.to_datetime(["2025-01-05", "2025-02-10", "2025-01-20", "2025-03-01",
    ...                                  "2025-02-03", "2025-03-04"]),
    ...     "event": "visit",
    ...     "device": ["mobile", "mobile", "desktop", "desktop", "mobile", "mobile"]})
    >>> curve = retention_curve(cohort_retention(events, period="M", by="device"))
    >>> ax = plot_retention_curve(curve, title="Retention by device")
    >>> type(ax).__name__, ax.get_title(loc=plt.rcParams["axes.titlelocation"])  # where the style puts titles
    ('Axes', 'Retention by device')
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['desktop', 'mobile']
    >>> plt.close("all")
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
    ax.set(xlabel=_since_label(curve), ylabel="retention (share of the cohort)", ylim=(0, None))
    if segment:  # beside the axes, never over the lines
        ax.legend(title=segment, fontsize="small", title_fontsize="small", loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if title:
        ax.set_title(title)
    return ax


def plot_lifecycle(table: pd.DataFrame, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Stacked bars of new, returning and resurrected users per period, dormant users below zero.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`lifecycle`: ``period``, ``status`` (``new``,
        ``returning``, ``resurrected``, ``dormant``) and ``users``.
    ax : matplotlib Axes, optional
        Axes to draw on; the current Axes by default.
    title : str, optional
        Title of the plot.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on, with a legend of the four statuses.

    Raises
    ------
    KeyError
        If ``table`` lacks ``period``, ``status`` or ``users``, or one of the
        four statuses. The table is not checked by the kit, so no error of
        the kit is raised.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from journeykit import lifecycle
    >>> events = pd.DataFrame({
    ...     "user_id": ["u1", "u1", "u2", "u2", "u3"],
    ...     "timestamp": pd.to_datetime(["2025-01-05", "2025-02-10", "2025-01-20", "2025-03-01", "2025-02-03"]),
    ...     "event": "visit"})
    >>> ax = plot_lifecycle(lifecycle(events, period="M"), title="Active users per month")
    >>> type(ax).__name__, ax.get_title(loc=plt.rcParams["axes.titlelocation"])  # where the style puts titles
    ('Axes', 'Active users per month')
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['new', 'returning', 'resurrected', 'dormant']
    >>> plt.close("all")
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
