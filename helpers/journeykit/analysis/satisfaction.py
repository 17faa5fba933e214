"""Net Promoter Score and customer satisfaction (CSAT) from survey answers.

- **NPS** asks "How likely are you to recommend us to a friend?" on 0–10.
  Promoters answer 9–10, passives 7–8, detractors 0–6. NPS = share of
  promoters − share of detractors, from −1 (all detractors) to +1 (all
  promoters). It is usually quoted in points, ×100: an NPS of 0.19 is "+19".
- **CSAT** asks "How satisfied are you with …?" on 1–5. CSAT = share of
  answers that are 4 or 5 ("satisfied" or "very satisfied"), from 0 to 1.

Like every rate of the kit (conversion, retention, repeat rate), both are
fractions; percent and points are for labels. Missing answers are ignored; a
value off the scale is an error that names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.stats import MIN_SAMPLE, wilson_interval
from journeykit.errors import ParameterError, SchemaError
from journeykit.io.contract import CSAT_RANGE, NPS_RANGE, _parse_scale, require_columns
from journeykit.results import described

__all__ = ["nps", "csat"]


def _answers(scores, name: str, low: int, high: int) -> pd.Series:
    """Answers on the scale as numbers, missing ones dropped; anything else (text, booleans) is refused."""
    if isinstance(scores, (str, bytes, dict)) or np.ndim(scores) != 1:
        raise ParameterError(f"{name} scores must be a list or Series of answers, got {type(scores).__name__} "
                             f"{scores!r}.", "scores")
    values = pd.Series(scores) if not isinstance(scores, pd.Series) else scores
    numbers, problems = _parse_scale(values, values.name if isinstance(values.name, str) else name.lower(),
                                     name.lower(), low, high)
    if problems:
        raise SchemaError(problems, f"{name} answers")
    return numbers.dropna().astype("float64")


def _grouped(scores, by, name: str, column: str) -> tuple[pd.Series, pd.Series | None]:
    """The scores and, with ``by``, a group label per score, matched by index (never by position)."""
    if isinstance(scores, pd.DataFrame):
        if column not in scores.columns:
            raise SchemaError([f"no {column!r} column in the survey table; pass the scores column itself, "
                               f"e.g. {name.lower()}(surveys['likelihood'], by=surveys['stage'])."], "surveys")
        if by is None:
            return scores[column], None
        if isinstance(by, str):
            require_columns(scores, [by], "surveys")
            return scores[column], scores[by]
        return scores[column], _labels(by, scores.index)
    if by is None:
        return scores, None
    if isinstance(by, str):
        raise ParameterError(f"by={by!r} names a column, so pass the whole survey table: "
                             f"{name.lower()}(surveys, by={by!r}).", "by")
    index = scores.index if isinstance(scores, pd.Series) else pd.RangeIndex(np.size(scores))
    return scores, _labels(by, index)


def _labels(by, index: pd.Index) -> pd.Series:
    """Group labels for scores with ``index``: a Series is aligned on the index; a plain list must match in length."""
    if isinstance(by, pd.Series):
        if not by.index.is_unique or not index.isin(by.index).all():
            raise ParameterError("by is a Series whose index does not cover the scores' index; labels are matched "
                                 "to scores by index, so pass labels from the same table (e.g. surveys['stage']).",
                                 "by")
        return by.reindex(index)
    if isinstance(by, (dict, set)) or np.ndim(by) != 1 or len(by) != len(index):
        raise ParameterError(f"by must be a column name, a Series sharing the scores' index, or a list with one "
                             f"label per score ({len(index)}), got {type(by).__name__}.", "by")
    return pd.Series(list(by), index=index)


def _scored(scores, by, level: float, min_sample: int, name: str, column: str, scale: tuple[int, int]
            ) -> tuple[pd.Series, pd.Series | None]:
    """The checked arguments' answers on the scale (missing ones dropped) and their group labels, for nps and csat."""
    params.number(level, "level", low=0, high=1, inclusive=False)
    params.integer(min_sample, "min_sample", minimum=1)
    values, labels = _grouped(scores, by, name, column)
    answers = _answers(values, name, *scale)
    if answers.empty:
        raise SchemaError([f"no {name} answers left after dropping missing values; there is nothing to score."],
                          f"{name} answers")
    return answers, labels


@described
def nps(scores: pd.Series | pd.DataFrame | Sequence[float], *, by: str | Sequence | None = None,
        level: float = 0.95, min_sample: int = MIN_SAMPLE, min_answers: int | None = None) -> float | pd.DataFrame:
    """Net Promoter Score: the share of promoters (9–10) minus the share of detractors (0–6), from −1 to 1.

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
    min_sample : int, default MIN_SAMPLE (30)
        Groups with fewer answers are flagged ``small_sample``.
    min_answers : int, optional
        Old name of ``min_sample``; it warns and will be removed in the next release.

    Returns
    -------
    float or DataFrame
        Without ``by``: the NPS, between −1 and 1 (×100 for the usual points).
        With ``by``: one row per group with ``answers``, ``promoters``,
        ``passives``, ``detractors`` (each a share of the answers), ``nps``,
        ``ci_low``, ``ci_high`` (normal approximation, on the same −1…1 scale)
        and ``small_sample``.

    Raises
    ------
    SchemaError
        If any answer is not a whole number from 0 to 10 (naming the values
        and rows; text such as ``"9,5"`` and booleans included), or no answer
        is left after dropping missing ones.
    ParameterError
        For ``by`` labels that cannot be matched to the scores by index.

    Examples
    --------
    >>> nps([10, 9, 8, 7, 6, 0, None])
    0.0
    >>> nps([10, 10, 9])
    1.0
    >>> round(nps([10, 9, 9, 8, 3]), 2)  # 3 promoters and 1 detractor in 5 answers: +40 in points
    0.4
    >>> nps([10, 11, 3])
    Traceback (most recent call last):
    ...
    journeykit.errors.SchemaError: NPS answers failed validation with 1 problem:
      - column 'nps' has 1 value off the 0-10 scale (e.g. 11 in row 1); scores must be whole numbers from 0 to 10. Fix or drop those answers, or check that nps_col names the right column.
    """
    min_sample = params.renamed(min_sample, min_answers, "min_sample", "min_answers", MIN_SAMPLE)
    answers, labels = _scored(scores, by, level, min_sample, "NPS", "nps", NPS_RANGE)
    if labels is None:
        return float((answers >= 9).mean() - (answers <= 6).mean())
    frame = pd.DataFrame({"group": labels.loc[answers.index], "promoters": answers >= 9,
                          "passives": answers.between(7, 8), "detractors": answers <= 6})
    groups = frame.groupby("group", dropna=False)
    out = groups.size().to_frame("answers").join(groups[["promoters", "passives", "detractors"]].mean())
    out["nps"] = out["promoters"] - out["detractors"]
    p, d = out["promoters"], out["detractors"]
    half = NormalDist().inv_cdf(0.5 + level / 2) * np.sqrt((p + d - (p - d) ** 2) / out["answers"])
    out["ci_low"] = (out["nps"] - half).clip(-1, 1)
    out["ci_high"] = (out["nps"] + half).clip(-1, 1)
    out["small_sample"] = out["answers"] < min_sample
    return out.rename_axis(by if isinstance(by, str) else "group").reset_index()


@described
def csat(scores: pd.Series | pd.DataFrame | Sequence[float], *, by: str | Sequence | None = None,
         level: float = 0.95, min_sample: int = MIN_SAMPLE, min_answers: int | None = None) -> float | pd.DataFrame:
    """Customer satisfaction score: the share of answers that are 4 or 5 on a 1–5 scale, from 0 to 1.

    Parameters
    ----------
    scores : Series, array-like or DataFrame
        Answers on 1–5; missing answers are ignored. A survey table (with a
        ``csat`` column) when ``by`` names one of its columns.
    by : str or array-like, optional
        Groups to score separately, as in :func:`nps`.
    level : float, default 0.95
        Confidence level of the (Wilson) interval, per group.
    min_sample : int, default MIN_SAMPLE (30)
        Groups with fewer answers are flagged ``small_sample``.
    min_answers : int, optional
        Old name of ``min_sample``; it warns and will be removed in the next release.

    Returns
    -------
    float or DataFrame
        Without ``by``: the CSAT, between 0 and 1. With ``by``: one row per
        group with ``answers``, ``mean_score``, ``csat``, ``ci_low``,
        ``ci_high`` (Wilson interval, 0–1) and ``small_sample``.

    Raises
    ------
    SchemaError
        If any answer is not a whole number from 1 to 5 (naming the values
        and rows), or no answer is left after dropping missing ones.
    ParameterError
        For ``by`` labels that cannot be matched to the scores by index.

    Examples
    --------
    >>> csat([5, 4, 3, 1])
    0.5
    >>> csat([5, 0])
    Traceback (most recent call last):
    ...
    journeykit.errors.SchemaError: CSAT answers failed validation with 1 problem:
      - column 'csat' has 1 value off the 1-5 scale (e.g. 0 in row 1); scores must be whole numbers from 1 to 5. Fix or drop those answers, or check that csat_col names the right column.
    """
    min_sample = params.renamed(min_sample, min_answers, "min_sample", "min_answers", MIN_SAMPLE)
    answers, labels = _scored(scores, by, level, min_sample, "CSAT", "csat", CSAT_RANGE)
    if labels is None:
        return float((answers >= 4).mean())
    frame = pd.DataFrame({"group": labels.loc[answers.index], "score": answers, "satisfied": answers >= 4})
    out = frame.groupby("group", dropna=False).agg(answers=("score", "size"), mean_score=("score", "mean"),
                                                    satisfied=("satisfied", "sum"))
    out["csat"] = out["satisfied"] / out["answers"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["satisfied"], out["answers"], level=level)
    out["small_sample"] = out["answers"] < min_sample
    return out.drop(columns="satisfied").rename_axis(by if isinstance(by, str) else "group").reset_index()
