"""The check of a lifetime-value model: predicted against actual purchases in the holdout period.

Takes the result of :func:`journeykit.clv_holdout` and an optional ``ax``, as seaborn does.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["plot_clv_holdout"]


def plot_clv_holdout(check: pd.DataFrame, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Mean purchases in the holdout by calibration frequency: what the model predicted beside what happened.

    Parameters
    ----------
    check : DataFrame
        Output of :func:`journeykit.clv_holdout`.
    ax : matplotlib Axes, optional
        Axes to draw on; the current Axes by default.
    title : str, optional
        Title of the plot; by default one that states the overall gap.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on, with paired bars per frequency and a legend
        beside them.

    Raises
    ------
    KeyError
        If ``check`` lacks ``frequency``, ``actual`` or ``predicted``. The
        table is not checked by the kit, so no error of the kit is raised.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> check = pd.DataFrame({"frequency": ["0", "1", "2+", "all"], "customers": [50, 30, 20, 100],
    ...                       "actual": [0.2, 0.7, 1.9, 0.69], "predicted": [0.25, 0.6, 1.8, 0.665]})
    >>> ax = plot_clv_holdout(check)
    >>> ax.get_title(loc=plt.rcParams["axes.titlelocation"])
    'The model predicts 4% fewer holdout purchases than customers made'
    >>> plt.close("all")
    """
    ax = ax if ax is not None else plt.gca()
    rows = check[check["frequency"].astype(str) != "all"]
    total = check[check["frequency"].astype(str) == "all"]
    x = np.arange(len(rows))
    ax.bar(x - 0.2, rows["actual"], width=0.4, label="actual", color="#4C72B0")
    ax.bar(x + 0.2, rows["predicted"], width=0.4, label="predicted by the model", color="#DD8452")
    ax.set_xticks(x, rows["frequency"].astype(str))
    unit = check.attrs.get("holdout_units")
    ax.set(xlabel="repeat purchases in the calibration period",
           ylabel="mean purchases per customer in the holdout" + (f"\n({unit:.0f} weeks)" if unit else ""))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if title is None and len(total):
        gap = float(total["predicted"].iloc[0] / total["actual"].iloc[0] - 1)
        title = (f"The model predicts {abs(gap):.0%} {'more' if gap > 0 else 'fewer'} holdout purchases than "
                 "customers made")
    if title:
        ax.set_title(title)
    return ax
