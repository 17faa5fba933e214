"""The course's plot style: one look, and the same colour for a channel in every lesson."""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

__all__ = ["use_course_style", "CHANNEL_COLORS", "DEVICE_COLORS"]

CHANNEL_COLORS: dict[str, str] = {
    "social": "#4C72B0",
    "search": "#55A868",
    "ads": "#C44E52",
    "content": "#8172B3",
    "email": "#CCB974",
    "referral": "#64B5CD",
    "direct": "#8C8C8C",
    "service": "#DD8452",
}
"""Colour of each acquisition or touchpoint channel, used by every plot in the course."""

DEVICE_COLORS: dict[str, str] = {"mobile": "#C44E52", "desktop": "#4C72B0", "tablet": "#55A868"}
"""Colour of each device."""


def use_course_style(*, font_scale: float = 1.0) -> None:
    """Set the plot style the lessons use: white grid, readable fonts, compact figures.

    Parameters
    ----------
    font_scale : float, default 1.0
        Multiply font sizes, e.g. 1.4 when projecting in a workshop.

    Returns
    -------
    None
        The style is set for the rest of the session (seaborn's theme and
        matplotlib's ``rcParams``); figures drawn afterwards use it.

    Raises
    ------
    ValueError
        From matplotlib, if ``font_scale`` is not a number (e.g. ``"big"``).
        The argument is not checked by the kit, so no error of the kit is
        raised.

    Examples
    --------
    >>> use_course_style(font_scale=1.2)
    >>> import matplotlib as mpl
    >>> mpl.rcParams["figure.figsize"], mpl.rcParams["axes.spines.top"]
    ([7.5, 3.6], False)
    """
    sns.set_theme(style="whitegrid", context="notebook", font_scale=font_scale)
    mpl.rcParams.update({
        "figure.figsize": (7.5, 3.6),
        "figure.dpi": 90,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
