"""The report's figures: drawn without pyplot's global state, labelled for people, returned as PNG bytes.

Axes that count things (users, orders, customers) get whole-number ticks
with thousands separators; shares get percentages. Periods still in progress
are hatched and never read as a drop.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

__all__ = ["figure", "png", "count_axis", "money_axis", "percent_axis", "period_bars", "retention_heatmap"]

_STYLE = {
    "font.size": 9.5, "axes.titlesize": 10.5, "axes.titleweight": "bold", "axes.titlelocation": "left",
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.color": "#e6e6e6",
    "axes.edgecolor": "#999999", "axes.axisbelow": True, "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-99, 99), "hatch.color": "#9a9a9a",
}
BLUE, GREY, RED = "#4C72B0", "#B8B8B8", "#C44E52"


@contextlib.contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(_STYLE):
        yield


def figure(width: float = 8.0, height: float = 3.2, ncols: int = 1, **kwargs) -> tuple[Figure, object]:
    """A new figure (not registered with pyplot) and its axes, in the report's style.

    Examples
    --------
    >>> fig, ax = figure()
    >>> count_axis(ax.yaxis); ax.bar(["a", "b"], [1200, 3400])  # doctest: +ELLIPSIS
    <BarContainer object of 2 artists>
    >>> png(fig)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    with _style():
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, ncols, **kwargs)
    return fig, axes


def png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes.

    Examples
    --------
    >>> fig, ax = figure(width=2, height=1)
    >>> png(fig).startswith(b"\\x89PNG")
    True
    """
    buffer = io.BytesIO()
    with _style():
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def count_axis(axis) -> None:
    """Whole-number ticks with thousands separators, for an axis that counts things.

    Examples
    --------
    >>> fig, ax = figure()
    >>> _ = ax.bar(["a", "b"], [1, 3]); count_axis(ax.yaxis); _ = png(fig)
    >>> [tick.get_text() for tick in ax.get_yticklabels()][:4]
    ['0', '1', '2', '3']
    """
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))


def money_axis(axis, currency: str | None = None) -> None:
    """Amounts with thousands separators (and the currency symbol or code, when given).

    Examples
    --------
    >>> fig, ax = figure()
    >>> money_axis(ax.yaxis, "£"); ax.yaxis.get_major_formatter()(2500000, 0)
    '£2,500,000'
    """
    from journeykit.report.fmt import money

    axis.set_major_formatter(FuncFormatter(lambda value, _: money(value, currency, decimals=0)))


def percent_axis(axis) -> None:
    """Shares (0 to 1) shown as percentages.

    Examples
    --------
    >>> fig, ax = figure()
    >>> percent_axis(ax.yaxis); ax.yaxis.get_major_formatter()(0.25, 0)
    '25%'
    """
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def period_bars(ax, labels: list[str], values: np.ndarray, complete: np.ndarray, *, ylabel: str,
                title: str | None = None, counts: bool = True, currency: str | None = None) -> None:
    """Bars per period; the period still in progress is hatched and marked "still in progress".

    Examples
    --------
    >>> fig, ax = figure()
    >>> period_bars(ax, ["2025-01", "2025-02"], np.array([120, 40]), np.array([True, False]), ylabel="orders")
    >>> ax.patches[1].get_hatch(), ax.get_legend().get_texts()[0].get_text()
    ('///', 'still in progress')
    """
    with _style():
        x = np.arange(len(labels))
        colors = [BLUE if done else "white" for done in complete]
        bars = ax.bar(x, values, color=colors, edgecolor=BLUE, width=0.75)
        for bar, done in zip(bars, complete):
            if not done:
                bar.set_hatch("///")
        step = max(1, int(np.ceil(len(labels) / 14)))
        ax.set_xticks(x[::step], [labels[i] for i in range(0, len(labels), step)], rotation=45, ha="right")
        ax.grid(axis="x", visible=False)
        ax.set_ylabel(ylabel)
        (count_axis if counts else (lambda a: money_axis(a, currency)))(ax.yaxis)
        if not complete.all():
            ax.legend(handles=[matplotlib.patches.Patch(facecolor="white", edgecolor=BLUE, hatch="///",
                                                        label="still in progress")],
                      loc="upper left", fontsize="small", frameon=False)
        if title:
            ax.set_title(title)


def retention_heatmap(ax, table: pd.DataFrame, *, title: str, period_name: str, max_cohorts: int = 24,
                      max_offsets: int = 24) -> None:
    """Cohorts × periods since the cohort's start, shaded by retention; periods still in progress are blank and hatched.

    ``table`` is a :func:`journeykit.cohort_retention` table (one segment).
    The latest ``max_cohorts`` cohorts and the first ``max_offsets`` offsets are shown.

    Examples
    --------
    >>> table = pd.DataFrame({"cohort": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01"]),
    ...                       "period": [0, 1, 0], "cohort_size": [10, 10, 4], "retained": [10, 3, 4],
    ...                       "retention": [1.0, 0.3, 1.0], "complete": [True, False, False]})
    >>> fig, ax = figure()
    >>> retention_heatmap(ax, table, title="Customers", period_name="month")
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['2025-01 (n=10)', '2025-02 (n=4)']
    """
    with _style():
        cohorts = sorted(table["cohort"].unique())[-max_cohorts:]
        shown = table[table["cohort"].isin(cohorts) & (table["period"] <= max_offsets)]
        grid = shown.pivot(index="cohort", columns="period", values="retention").reindex(cohorts)
        done = shown.pivot(index="cohort", columns="period", values="complete").reindex(cohorts)
        sizes = shown.drop_duplicates("cohort").set_index("cohort")["cohort_size"].reindex(cohorts)
        values = grid.to_numpy(dtype=float)
        complete = done.fillna(False).to_numpy(dtype=bool)
        masked = np.where(complete, values, np.nan)
        later = masked[:, 1:] if masked.shape[1] > 1 else masked
        top = float(np.nanmax(later)) if np.isfinite(later).any() else 1.0
        image = ax.imshow(np.ma.masked_invalid(masked), cmap="Blues", vmin=0, vmax=max(top, 0.05), aspect="auto",
                          interpolation="nearest")
        in_progress = ~complete & ~np.isnan(values)
        for i, j in zip(*np.nonzero(in_progress)):
            ax.add_patch(matplotlib.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                                                      edgecolor="#9a9a9a", lw=0))
        if values.shape[1] <= 18 and values.shape[0] <= 24:
            for i, j in zip(*np.nonzero(complete & ~np.isnan(values))):
                share = values[i, j]
                ax.text(j, i, f"{share:.0%}", ha="center", va="center", fontsize=7,
                        color="white" if share > 0.6 * max(top, 0.05) else "#222222")
        monthly = all(pd.Timestamp(c).day == 1 for c in cohorts) and period_name == "month"
        labels = [f"{pd.Timestamp(c):%Y-%m}" if monthly else f"{pd.Timestamp(c):%Y-%m-%d}" for c in cohorts]
        ax.set_yticks(range(len(cohorts)), [f"{label} (n={int(n):,})" for label, n in zip(labels, sizes)],
                      fontsize=7.5)
        columns = list(grid.columns)
        step = max(1, int(np.ceil(len(columns) / 16)))
        ax.set_xticks(range(0, len(columns), step), [str(c) for c in columns[::step]])
        ax.set_xlabel(f"{period_name}s since the cohort's first {period_name}")
        ax.set_ylabel("cohort (size)")
        ax.grid(False)
        ax.set_title(title)
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
