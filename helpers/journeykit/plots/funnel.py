"""Funnel charts: users per step with conversion, or conversion per segment side by side.

Every function takes the result of :mod:`journeykit.analysis.funnel` and an optional ``ax``
(or returns a Figure where the drawing needs its own), as seaborn does.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from journeykit.analysis.funnel import _segment_column

__all__ = ["plot_funnel"]


def _readable(delta: pd.Timedelta) -> str:
    """A window as people write it: "7 days", "6 hours", "30 minutes"."""
    for unit, name in (("1D", "day"), ("1h", "hour"), ("1min", "minute"), ("1s", "second")):
        count = delta / pd.Timedelta(unit)
        if count >= 1 and float(count).is_integer():
            return f"{int(count)} {name}{'s' if count != 1 else ''}"
    return str(delta)


def plot_funnel(result: pd.DataFrame, *, ax: plt.Axes | None = None, palette: dict | None = None,
                title: str | None = None) -> plt.Axes:
    """Draw a funnel result: bars of users per step, labelled with conversion and drop-off.

    With one segment (no ``by``), each bar is labelled with its users,
    conversion from the start and (above the arrow to the next bar) the
    step-to-step conversion. With segments, bars show conversion from the
    start side by side per step, so segments of different sizes compare fairly.

    Parameters
    ----------
    result : DataFrame
        The output of :func:`funnel` (with or without ``by``).
    ax : matplotlib Axes, optional
        Axes to draw on; the current Axes by default.
    palette : dict, optional
        Colour per segment value (defaults to the course's channel and device colours).
    title : str, optional
        Title of the plot.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on.

    Raises
    ------
    KeyError
        If ``result`` lacks a column of :func:`funnel`'s output (``step``,
        ``users``, ``conversion_from_start``, ...). The table is not
        checked by the kit, so no error of the kit is raised.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from journeykit import funnel
    >>> events = pd.DataFrame({
    ...     "user_id": ["u1", "u1", "u1", "u2", "u2", "u3"],
    ...     "timestamp": pd.to_datetime(["2025-01-02 09:00", "2025-01-02 09:05", "2025-01-02 09:10",
    ...                                  "2025-01-03 10:00", "2025-01-03 10:02", "2025-01-04 11:00"]),
    ...     "event": ["visit", "add_to_cart", "purchase", "visit", "add_to_cart", "visit"]})
    >>> result = funnel(events, ["visit", "add_to_cart", "purchase"])
    >>> ax = plot_funnel(result, title="Checkout funnel")
    >>> type(ax).__name__, ax.get_title(loc=plt.rcParams["axes.titlelocation"])  # where the style puts titles
    ('Axes', 'Checkout funnel')
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['visit', 'add_to_cart', 'purchase']
    >>> plt.close("all")
    """
    from journeykit.plots.style import CHANNEL_COLORS, DEVICE_COLORS

    ax = ax if ax is not None else plt.gca()
    labels = result["step"].drop_duplicates().tolist()
    x = np.arange(len(labels))
    segment = _segment_column(result)
    if segment is None:
        users = result["users"].to_numpy()
        bars = ax.bar(x, users, color="#4C72B0", width=0.62)
        top = users.max() if users.size else 1
        for i, (bar, row) in enumerate(zip(bars, result.itertuples(index=False))):
            ax.annotate(f"{row.users:,}\n{row.conversion_from_start:.0%}", (bar.get_x() + bar.get_width() / 2,
                        bar.get_height()), ha="center", va="bottom", fontsize="small", xytext=(0, 2),
                        textcoords="offset points")
            if i > 0:
                ax.annotate(f"→ {row.conversion_from_previous:.0%}\n−{row.drop_off:,}", (i - 0.5, top * 1.1),
                            ha="center", va="bottom", fontsize="small", color="#C44E52")
        ax.set_ylim(0, top * 1.32)
        ax.set_ylabel("users")
    else:
        colors = {**CHANNEL_COLORS, **DEVICE_COLORS, **(palette or {})}
        segments = result[segment].drop_duplicates().tolist()
        width = 0.8 / max(len(segments), 1)
        for j, name in enumerate(segments):
            rows = result[result[segment] == name]
            offset = (j - (len(segments) - 1) / 2) * width
            ax.bar(x + offset, rows["conversion_from_start"].to_numpy(), width=width * 0.95,
                   label=f"{name} ({int(rows['users'].iloc[0]):,})", color=colors.get(name))
        ax.set_ylim(0, 1.05)
        ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
        ax.set_ylabel("conversion from step 1")
        ax.legend(title=f"{segment} (users at step 1)", fontsize="small", title_fontsize="small",
                  loc="upper right")
    still_open = result.attrs.get("open_window_users", 0)
    if still_open and result.attrs.get("window") is not None:
        ax.text(0.0, -0.2, f"{still_open:,} entrants who have not converted started less than "
                f"{_readable(result.attrs['window'])} before the end of the data and may still convert.",
                transform=ax.transAxes, fontsize="x-small", color="#555555", va="top")
    long_labels = sum(len(label) for label in labels) > 60
    ax.set_xticks(x, labels, rotation=20 if long_labels else 0, ha="right" if long_labels else "center")
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax
