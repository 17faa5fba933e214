"""Every figure of the kit, grouped by concept, with the course's shared style (:mod:`~journeykit.plots.style`).

Plots take a result of :mod:`journeykit.analysis` and ``ax=None``, and return the Axes (or a Figure where the
drawing needs its own), as seaborn does.
"""
