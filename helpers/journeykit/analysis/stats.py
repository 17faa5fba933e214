"""Uncertainty for rates: Wilson intervals and a two-proportion comparison."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import ParameterError
from journeykit.results import described

__all__ = ["wilson_interval", "compare_proportions", "MIN_SAMPLE"]

MIN_SAMPLE = 30
"""Below this many users a rate is flagged as a small sample: report it, do not over-read it."""


def _z(level: float) -> float:
    level = params.number(level, "level", low=0, high=1, inclusive=False)
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(successes, trials, *, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``successes / trials``.

    Unlike the textbook "p ± 1.96 · SE" interval, it stays inside [0, 1] and
    behaves well for small samples and rates near 0 or 1, which is why it is
    the usual choice for conversion rates.

    Parameters
    ----------
    successes, trials : array-like of int
        Counts; ``0 <= successes <= trials``. Where ``trials == 0`` the interval is NaN.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    (low, high) : tuple of ndarray
        Lower and upper bounds, as proportions.

    Raises
    ------
    ParameterError
        If ``successes`` or ``trials`` cannot be read as numbers, are not
        finite, or ``successes`` is negative or larger than ``trials``; or if
        ``level`` is not strictly between 0 and 1.

    Examples
    --------
    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 3), round(float(high), 3)
    (0.49, 0.943)

    When every trial succeeds (10 of 10) the textbook interval collapses to
    [1, 1]; the Wilson interval still has a width. With no trials it is NaN:

    >>> low, high = wilson_interval([10, 0], [10, 0])
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.722, nan], [1.0, nan])
    """
    try:
        k = np.asarray(successes, dtype="float64")
        n = np.asarray(trials, dtype="float64")
    except (TypeError, ValueError):
        raise ParameterError(f"successes and trials must be counts, got {successes!r} and {trials!r}.",
                             "successes") from None
    if np.any(k < 0) or np.any(k > n) or not np.all(np.isfinite(k)) or not np.all(np.isfinite(n)):
        raise ParameterError("successes must be between 0 and trials, and both finite.", "successes")
    z = _z(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return low, high


@described
def compare_proportions(successes_a: int, trials_a: int, successes_b: int, trials_b: int, *,
                        level: float = 0.95, min_sample: int = MIN_SAMPLE,
                        names: tuple[str, str] = ("A", "B")) -> pd.Series:
    """Is the difference between two rates more than noise?

    Uses the two-proportion z-test (pooled standard error) for the p-value and
    a Newcombe interval (built from the two Wilson intervals) for the
    difference ``rate_a - rate_b``.

    Parameters
    ----------
    successes_a, trials_a, successes_b, trials_b : int
        Converted and entering users of group A and of group B.
    level : float, default 0.95
        Confidence level of the interval; the verdict uses ``1 - level`` as significance threshold.
    min_sample : int, default MIN_SAMPLE
        Groups smaller than this are flagged and never called significant.
    names : tuple of two str, default ("A", "B")
        What to call the groups in the verdict.

    Returns
    -------
    Series
        ``rate_a``, ``rate_b``, ``difference``, ``ci_low``, ``ci_high``,
        ``p_value``, ``small_sample`` and ``verdict`` (a sentence naming the
        better group first).

    Raises
    ------
    ParameterError
        If a count is not a whole number or is negative, a number of trials is
        0, successes exceed their trials, or ``level`` is not strictly between
        0 and 1.

    Examples
    --------
    >>> compare_proportions(120, 400, 80, 400)["verdict"]
    'A converts better than B (30.0% vs 20.0%, p = 0.001)'
    >>> compare_proportions(80, 400, 120, 400, names=("mobile", "desktop"))["verdict"]
    'desktop converts better than mobile (30.0% vs 20.0%, p = 0.001)'

    The same rates on 20 users per group are too few to judge:

    >>> compare_proportions(6, 20, 4, 20)["verdict"]
    'too few users to tell (fewer than 30 in a group; 30.0% vs 20.0%)'
    """
    for value, name in ((successes_a, "successes_a"), (trials_a, "trials_a"), (successes_b, "successes_b"),
                        (trials_b, "trials_b")):
        params.integer(value, name, minimum=0)
    for value, name in ((trials_a, "trials_a"), (trials_b, "trials_b")):
        if value <= 0:
            raise ParameterError(f"{name} must be positive, got {value}: there is nothing to compare.", name)
    rate_a, rate_b = successes_a / trials_a, successes_b / trials_b
    (low_a, high_a), (low_b, high_b) = (wilson_interval(successes_a, trials_a, level=level),
                                        wilson_interval(successes_b, trials_b, level=level))
    diff = rate_a - rate_b
    ci_low = diff - np.sqrt((rate_a - low_a) ** 2 + (high_b - rate_b) ** 2)
    ci_high = diff + np.sqrt((high_a - rate_a) ** 2 + (rate_b - low_b) ** 2)
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    se = np.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    p_value = 1.0 if se == 0 else 2 * (1 - NormalDist().cdf(abs(diff) / se))
    small = min(trials_a, trials_b) < min_sample
    name_a, name_b = names
    rates = f"{rate_a:.1%} vs {rate_b:.1%}"
    p_text = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"
    if small:
        verdict = f"too few users to tell (fewer than {min_sample} in a group; {rates})"
    elif p_value < 1 - level:
        (better, high), (worse, low) = sorted([(name_a, rate_a), (name_b, rate_b)], key=lambda x: -x[1])
        verdict = f"{better} converts better than {worse} ({high:.1%} vs {low:.1%}, {p_text})"
    else:
        verdict = f"no clear difference ({rates}, {p_text})"
    return pd.Series({"rate_a": rate_a, "rate_b": rate_b, "difference": diff, "ci_low": float(ci_low),
                      "ci_high": float(ci_high), "p_value": p_value, "small_sample": small, "verdict": verdict})
