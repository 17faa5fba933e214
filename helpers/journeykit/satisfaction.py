"""Net Promoter Score and customer satisfaction (CSAT) from survey answers.

- **NPS** asks "How likely are you to recommend us to a friend?" on 0–10.
  Promoters answer 9–10, passives 7–8, detractors 0–6. NPS = % promoters − %
  detractors, from −100 (all detractors) to +100 (all promoters).
- **CSAT** asks "How satisfied are you with …?" on 1–5. CSAT = % of answers
  that are 4 or 5 ("satisfied" or "very satisfied"), from 0 to 100.

Missing answers are ignored; a value off the scale is an error that names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from journeykit.schema import CSAT_RANGE, NPS_RANGE
from journeykit.stats import MIN_SAMPLE, wilson_interval

__all__ = ["nps", "csat"]


def _answers(scores, name: str, low: int, high: int) -> pd.Series:
    values = pd.Series(scores) if not isinstance(scores, pd.Series) else scores
    numbers = pd.to_numeric(values, errors="coerce")
    not_numbers = values[numbers.isna() & values.notna()]
    if len(not_numbers):
        raise ValueError(f"{name} answers must be numbers from {low} to {high}; found {len(not_numbers)} that are not "
                         f"(e.g. {', '.join(map(repr, not_numbers.unique()[:3]))}).")
    off = numbers[numbers.notna() & ((numbers < low) | (numbers > high) | (numbers % 1 != 0))]
    if len(off):
        shown = ", ".join(str(int(v)) if float(v).is_integer() else str(v) for v in pd.unique(off)[:5])
        raise ValueError(f"{name} answers must be whole numbers from {low} to {high}; found {len(off)} off the scale "
                         f"({shown}). Fix or drop them, and check that this column holds {name} scores.")
    return numbers.dropna()


def _grouped(scores, by, name: str, column: str) -> tuple[pd.Series, pd.Series | None]:
    if isinstance(scores, pd.DataFrame):
        if column not in scores.columns:
            raise ValueError(f"no {column!r} column in the survey table; pass the scores column itself, "
                             f"e.g. {name.lower()}(surveys['likelihood'], by=surveys['stage']).")
        labels = None
        if by is not None:
            labels = scores[by] if isinstance(by, str) else pd.Series(by, index=scores.index)
        return scores[column], labels
    if by is not None and isinstance(by, str):
        raise ValueError(f"by={by!r} names a column, so pass the whole survey table: {name.lower()}(surveys, by={by!r}).")
    return scores, (pd.Series(by, index=pd.Series(scores).index) if by is not None else None)


def nps(scores: pd.Series | pd.DataFrame | Sequence[float], *, by: str | Sequence | None = None,
        level: float = 0.95, min_answers: int = MIN_SAMPLE) -> float | pd.DataFrame:
    """Net Promoter Score: % of promoters (9–10) minus % of detractors (0–6).

    Parameters
    ----------
    scores : Series, array-like or DataFrame
        Answers on 0–10; missing answers are ignored. A survey table (with an
        ``nps`` column) when ``by`` names one of its columns.
    by : str or array-like, optional
        Groups to score separately: a column of the survey table (``"stage"``,
        ``"touchpoint"``) or labels aligned with ``scores``.
    level : float, default 0.95
        Confidence level of the interval, per group.
    min_answers : int, default MIN_SAMPLE (30)
        Groups with fewer answers are flagged ``small_sample``.

    Returns
    -------
    float or DataFrame
        Without ``by``: the NPS, between −100 and 100. With ``by``: one row per
        group with ``answers``, ``promoters``, ``passives``, ``detractors``
        (each in % of answers), ``nps``, ``ci_low``, ``ci_high`` (normal
        approximation, in NPS points) and ``small_sample``.

    Raises
    ------
    ValueError
        If any answer is not a whole number from 0 to 10 (naming the values),
        or no answer is left after dropping missing ones.

    Examples
    --------
    >>> nps([10, 9, 8, 7, 6, 0, None])
    0.0
    >>> nps([10, 10, 9])
    100.0
    >>> nps([10, 11, 3])
    Traceback (most recent call last):
    ...
    ValueError: NPS answers must be whole numbers from 0 to 10; found 1 off the scale (11). Fix or drop them, and check that this column holds NPS scores.
    """
    values, labels = _grouped(scores, by, "NPS", "nps")
    answers = _answers(values, "NPS", *NPS_RANGE)
    if labels is None:
        if answers.empty:
            raise ValueError("no NPS answers left after dropping missing values; there is nothing to score.")
        return float(100 * ((answers >= 9).mean() - (answers <= 6).mean()))
    frame = pd.DataFrame({"group": labels.loc[answers.index], "score": answers})
    out = frame.groupby("group", dropna=False)["score"].agg(
        answers="size", promoters=lambda s: 100 * (s >= 9).mean(), passives=lambda s: 100 * s.between(7, 8).mean(),
        detractors=lambda s: 100 * (s <= 6).mean())
    out["nps"] = out["promoters"] - out["detractors"]
    p, d = out["promoters"] / 100, out["detractors"] / 100
    half = NormalDist().inv_cdf(0.5 + level / 2) * 100 * np.sqrt((p + d - (p - d) ** 2) / out["answers"])
    out["ci_low"] = (out["nps"] - half).clip(-100, 100)
    out["ci_high"] = (out["nps"] + half).clip(-100, 100)
    out["small_sample"] = out["answers"] < min_answers
    return out.rename_axis(by if isinstance(by, str) else "group").reset_index()


def csat(scores: pd.Series | pd.DataFrame | Sequence[float], *, by: str | Sequence | None = None,
         level: float = 0.95, min_answers: int = MIN_SAMPLE) -> float | pd.DataFrame:
    """Customer satisfaction score: % of answers that are 4 or 5 on a 1–5 scale.

    Parameters
    ----------
    scores : Series, array-like or DataFrame
        Answers on 1–5; missing answers are ignored. A survey table (with a
        ``csat`` column) when ``by`` names one of its columns.
    by : str or array-like, optional
        Groups to score separately, as in :func:`nps`.
    level : float, default 0.95
        Confidence level of the (Wilson) interval, per group.
    min_answers : int, default MIN_SAMPLE (30)
        Groups with fewer answers are flagged ``small_sample``.

    Returns
    -------
    float or DataFrame
        Without ``by``: the CSAT in %, between 0 and 100. With ``by``: one row
        per group with ``answers``, ``mean_score``, ``csat``, ``ci_low``,
        ``ci_high`` (in %) and ``small_sample``.

    Raises
    ------
    ValueError
        If any answer is not a whole number from 1 to 5 (naming the values),
        or no answer is left after dropping missing ones.

    Examples
    --------
    >>> csat([5, 4, 3, 1])
    50.0
    >>> csat([5, 0])
    Traceback (most recent call last):
    ...
    ValueError: CSAT answers must be whole numbers from 1 to 5; found 1 off the scale (0). Fix or drop them, and check that this column holds CSAT scores.
    """
    values, labels = _grouped(scores, by, "CSAT", "csat")
    answers = _answers(values, "CSAT", *CSAT_RANGE)
    if labels is None:
        if answers.empty:
            raise ValueError("no CSAT answers left after dropping missing values; there is nothing to score.")
        return float(100 * (answers >= 4).mean())
    frame = pd.DataFrame({"group": labels.loc[answers.index], "score": answers})
    out = frame.groupby("group", dropna=False)["score"].agg(answers="size", mean_score="mean",
                                                             satisfied=lambda s: int((s >= 4).sum()))
    out["csat"] = 100 * out["satisfied"] / out["answers"]
    low, high = wilson_interval(out["satisfied"], out["answers"], level=level)
    out["ci_low"], out["ci_high"] = 100 * low, 100 * high
    out["small_sample"] = out["answers"] < min_answers
    return out.drop(columns="satisfied").rename_axis(by if isinstance(by, str) else "group").reset_index()
