"""Journey maps: stages × lanes, built from data where data exists, drawn as the classic figure.

A journey map has one column per stage and one row per **lane**:

======================  ==================================================================
lane                    where it comes from
======================  ==================================================================
``goal``                analyst's text: what the customer wants at this stage
``touchpoints``         data: the most frequent events in the stage
``channels``            data: the most frequent channels of the stage's events
``actions``             analyst's text: what the customer does
``quotes``              data: the most frequent survey comments placed in the stage
``emotion``             data: mean survey score rescaled to −2…+2, with a 95% interval
``pain_points``         data: largest drop-off, worst-scored touchpoint, lowest emotion, many negative comments
``opportunities``       analyst's text: what the business could do
``kpis``                data: entry conversion and survey scores; web analytics for awareness
                        (sessions that start with an event of the first stage)
``owner``               analyst's text: the team that owns the stage
======================  ==================================================================

The emotion scale: a CSAT answer s (1–5) counts as s − 3, an NPS answer n
(0–10) as (n − 5) ÷ 2.5, and an answer with both as the mean of the two; so −2
is the worst possible answer, 0 neutral and +2 the best.
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import NormalDist

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.analysis.satisfaction import csat, nps
from journeykit.analysis.sessions import web_analytics
from journeykit.analysis.stages import _PRESETS, StageModel, _model, assign_stages, entries_of, summary_of
from journeykit.errors import ParameterError, SchemaError
from journeykit.io.contract import validate_surveys
from journeykit.results import described

__all__ = ["LANES", "emotion_scores", "journey_map", "journey_map_table", "journey_map_markdown", "SHOP_MAP_TEXT"]

LANES = ["goal", "touchpoints", "channels", "actions", "quotes", "emotion", "pain_points", "opportunities", "kpis",
         "owner"]
"""The lanes of a journey map, top to bottom."""

_LANE_TITLES = {"goal": "Customer goal", "touchpoints": "Touchpoints", "channels": "Channels",
                "actions": "Customer actions", "quotes": "What customers say", "emotion": "Emotion (−2…+2)",
                "pain_points": "Pain points", "opportunities": "Opportunities", "kpis": "KPIs", "owner": "Owner"}

SHOP_MAP_TEXT: dict[str, dict[str, str]] = {
    "goal": {"Awareness": "Find something nice for the home", "Consideration": "Pick the right product at a fair price",
             "Decision": "Buy it quickly and safely", "Intent": "Buy it quickly and safely",
             "Purchase": "Pay without hassle", "Post-purchase": "Get it on time; get help if needed",
             "Retention": "Get it on time; enjoy it; get help if needed", "Evaluation": "Be sure it was a good buy",
             "Advocacy": "Share a good find"},
    "actions": {"Awareness": "Scrolls social media, searches, reads a blog post, hears from a friend",
                "Consideration": "Browses products, reads reviews, compares prices, comes back later",
                "Decision": "Adds to cart, checks delivery costs, starts checkout",
                "Intent": "Adds to cart, checks delivery costs, starts checkout",
                "Purchase": "Enters payment details, pays, gets a confirmation",
                "Post-purchase": "Waits for the parcel, unpacks, contacts support, returns",
                "Retention": "Waits for the parcel, unpacks, contacts support, buys again",
                "Evaluation": "Unpacks, uses, judges, contacts support or returns",
                "Advocacy": "Writes a review, sends a friend a referral link"},
    "opportunities": {"Awareness": "Spend where visitors stay: fix social landing pages that bounce",
                      "Consideration": "Surface reviews and price comparisons on product pages",
                      "Decision": "Show delivery costs early; fewer checkout steps",
                      "Intent": "Show delivery costs early; fewer checkout steps",
                      "Purchase": "Wallet payments and a clear retry on mobile",
                      "Post-purchase": "Proactive delivery updates; faster support",
                      "Retention": "Proactive delivery updates; faster support; a reason to come back",
                      "Evaluation": "Ask for feedback at delivery and act on it",
                      "Advocacy": "Reward referrals; answer reviews"},
    "owner": {"Awareness": "Marketing", "Consideration": "Marketing & Content", "Decision": "E-commerce",
              "Intent": "E-commerce", "Purchase": "Payments & Product", "Post-purchase": "Operations & Service",
              "Retention": "Operations, Service & CRM", "Evaluation": "Service & CRM", "Advocacy": "CRM & Community"},
}
"""Default analyst text for the sample shop's map, by lane and stage name (used where a stage name matches)."""


_KNOWN_STAGES = {name for preset in _PRESETS.values() for name in preset.stage_names}

# ---------------------------------------------------------------------------
# Emotion from surveys
# ---------------------------------------------------------------------------


@described
def emotion_scores(surveys: pd.DataFrame, model: StageModel | str = "6-stage", **columns) -> pd.DataFrame:
    """Place survey answers in stages and put them on the −2…+2 emotion scale.

    An answer's stage comes from its touchpoint (``model.touchpoints``), or
    from its ``stage`` value when that is a stage of the model. Answers that
    cannot be placed are dropped.

    Parameters
    ----------
    surveys : DataFrame
        Survey answers (see :func:`journeykit.validate_surveys`).
    model : StageModel or str, default "6-stage"
        The stages, and the touchpoint of each (``model.touchpoints``).
    **columns
        Column names passed to :func:`journeykit.validate_surveys`.

    Returns
    -------
    DataFrame
        The answers with ``stage`` and ``emotion``.

    Raises
    ------
    SchemaError
        If the answers break the survey contract (see :func:`journeykit.validate_surveys`).
    ParameterError
        For an unknown stage model.

    Examples
    --------
    A CSAT of 5 at delivery is +2; an NPS of 0 at checkout is −2.

    >>> import pandas as pd
    >>> surveys = pd.DataFrame({"user_id": ["a", "b"], "touchpoint": ["delivery", "checkout"],
    ...                         "timestamp": pd.to_datetime(["2025-01-03", "2025-01-04"]),
    ...                         "csat": [5, None], "nps": [None, 0]})
    >>> emotion_scores(surveys, "4-stage")[["touchpoint", "stage", "emotion"]]
      touchpoint          stage  emotion
    0   delivery  Post-purchase      2.0
    1   checkout       Purchase     -2.0
    """
    model = _model(model)
    sv = validate_surveys(surveys, **columns)
    stage = pd.Series(pd.NA, index=sv.index, dtype=object)
    if "touchpoint" in sv.columns:
        stage = sv["touchpoint"].map(dict(model.touchpoints)).astype(object)
    if "stage" in sv.columns:
        own = sv["stage"].where(sv["stage"].isin(model.stage_names))
        stage = stage.fillna(own)
    parts = []
    if "csat" in sv.columns:
        parts.append(sv["csat"].astype("Float64") - 3)
    if "nps" in sv.columns:
        parts.append((sv["nps"].astype("Float64") - 5) / 2.5)
    emotion = pd.concat(parts, axis=1).mean(axis=1, skipna=True)
    out = sv.assign(stage=stage, emotion=emotion.astype("float64"))
    return out[out["stage"].notna() & out["emotion"].notna()].reset_index(drop=True)


# ---------------------------------------------------------------------------
# The map
# ---------------------------------------------------------------------------


def _top(counts: pd.Series, n: int, share: bool = False) -> str:
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    if counts.empty:
        return "—"
    total = counts.sum()
    parts = [f"{name} {count / total:.0%}" if share else str(name) for name, count in counts.head(n).items()]
    return " · ".join(parts)


@described
def journey_map(events: pd.DataFrame, model: StageModel | str = "6-stage", *, surveys: pd.DataFrame | None = None,
                text: Mapping[str, Mapping[str, str]] | None = None, top: int = 3, min_sample: int = 20,
                negative_share: float = 0.2, keep_unmapped: str | None = None,
                user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event",
                min_answers: int | None = None) -> pd.DataFrame:
    """Build a journey map from an event log, survey answers and the analyst's text.

    Parameters
    ----------
    events : DataFrame
        Event log; a ``channel`` column fills the channels lane and a
        ``session_id`` column (or derived sessions) the awareness KPIs.
    model : StageModel or str, default "6-stage"
        The stages (columns of the map).
    surveys : DataFrame, optional
        Survey answers; they fill the quotes, emotion and score KPIs.
    text : mapping, optional
        ``{lane: {stage: text}}`` for the analyst's lanes (goal, actions,
        opportunities, owner), or to override any lane's text. Pass
        :data:`SHOP_MAP_TEXT` for the sample shop. Stages of other preset
        frameworks are ignored, so one text can serve several models; any
        other unknown stage name is an error.
    top : int, default 3
        How many touchpoints and channels to list per stage.
    min_sample : int, default 20
        Touchpoints and stages with fewer answers (or comments) are not named as pain points.
    min_answers : int, optional
        Old name of ``min_sample``; it warns and will be removed in the next release.
    negative_share : float, default 0.2
        A stage is a pain point when at least this share of its comments come
        with a negative score.
    keep_unmapped : str, optional
        As in :func:`journeykit.assign_stages`: events no stage takes are an
        error by default; with a label they are left out of the map.

    Returns
    -------
    DataFrame
        Tidy: one row per (lane, stage) with ``lane``, ``stage``,
        ``stage_number``, ``text`` (what the cell says), ``value``, ``low``,
        ``high`` (numbers behind the emotion cell: mean and 95% interval) and
        ``highlight`` (True for pain points). ``journey_map_table`` pivots it
        into the familiar grid; ``df.to_csv`` exports it.

    Raises
    ------
    SchemaError
        If the events or the surveys break the data contract, or an event
        maps to no stage (unless ``keep_unmapped``).
    ParameterError
        For an unknown model, lane or stage in ``text``, or a bad ``top``,
        ``min_sample`` or ``negative_share``.

    Examples
    --------
    Two visitors; one of them buys. Awareness holds the visits, Purchase the
    order; half of Awareness's users reach Purchase in the 4-stage model.

    >>> import pandas as pd
    >>> events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["visit", "purchase", "visit"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:20",
    ...                                                     "2025-01-02 09:00"])})
    >>> journey = journey_map(events, "4-stage")
    >>> journey_map_table(journey).loc["touchpoints"].tolist()
    ['visit', '—', 'purchase', '—']
    >>> journey.loc[journey["highlight"], ["lane", "stage", "text"]].values.tolist()
    [['pain_points', 'Consideration', 'Largest drop-off: 0% of Awareness users get here']]
    """
    min_sample = params.renamed(min_sample, min_answers, "min_sample", "min_answers", 20)
    model = _model(model)
    names = model.stage_names
    assigned = assign_stages(events, model, keep_unmapped=keep_unmapped, user_col=user_col, time_col=time_col,
                             event_col=event_col)
    if keep_unmapped is not None:  # leave the kept-aside events out of the map
        assigned = assigned[assigned["stage_number"].notna()]
        assigned = assigned.assign(stage=pd.Categorical(assigned["stage"].astype(str), categories=names,
                                                        ordered=True))
    entry = summary_of(entries_of(assigned, model), model).set_index("stage")  # the stages assigned once
    cells: dict[tuple[str, str], dict] = {(lane, s): {"text": "—"} for lane in LANES for s in names}
    kpis: dict[str, list[str]] = {s: [] for s in names}
    pains: dict[str, list[str]] = {s: [] for s in names}
    _touchpoint_lanes(cells, assigned, names, top)
    _stage_kpis(kpis, pains, assigned, entry, model)
    if surveys is not None:
        _survey_lanes(cells, kpis, pains, emotion_scores(surveys, model), names, min_sample, negative_share)
    for s in names:
        cells[("kpis", s)]["text"] = "\n".join(kpis[s]) if kpis[s] else "—"
        if pains[s]:
            cells[("pain_points", s)] = {"text": "\n".join(dict.fromkeys(pains[s])), "highlight": True}
    _analyst_text(cells, text, model)
    rows = [{"lane": lane, "stage": s, "stage_number": i, "text": cells[(lane, s)].get("text", "—"),
             "value": cells[(lane, s)].get("value", np.nan), "low": cells[(lane, s)].get("low", np.nan),
             "high": cells[(lane, s)].get("high", np.nan), "highlight": bool(cells[(lane, s)].get("highlight", False))}
            for lane in LANES for i, s in enumerate(names, start=1)]
    out = pd.DataFrame(rows)
    out.attrs["model"] = model.name
    return out


_Cells = dict[tuple[str, str], dict]


def _touchpoint_lanes(cells: _Cells, assigned: pd.DataFrame, names: list[str], top: int) -> None:
    """Touchpoints and channels: the most frequent events and channels of each stage."""
    counts = assigned.groupby(["stage", "event"], observed=True).size()
    for s in names:
        if s in counts.index.get_level_values(0):
            cells[("touchpoints", s)]["text"] = _top(counts.loc[s], top)
    if "channel" in assigned.columns:
        by_channel = assigned.groupby(["stage", "channel"], observed=True).size()
        for s in names:
            if s in by_channel.index.get_level_values(0):
                cells[("channels", s)]["text"] = _top(by_channel.loc[s], top, share=True)


def _stage_kpis(kpis: dict[str, list[str]], pains: dict[str, list[str]], assigned: pd.DataFrame,
                entry: pd.DataFrame, model: StageModel) -> None:
    """Entry conversion of every stage after the first, web analytics of the first; the largest drop-off."""
    names = model.stage_names
    for s in names[1:]:
        kpis[s].append(f"{entry.loc[s, 'users']:,} users; {entry.loc[s, 'share_of_previous']:.0%} of previous stage")
    log = assigned.drop(columns=["stage", "stage_number"])
    # web analytics of the sessions that start on the site: with an event of the first stage that the log holds
    present = set(log["event"].unique())
    landing = [e for e, st in model.events.items() if st == names[0] and e in present]
    first_events = assigned.groupby("user_id", sort=False)["event"].first()
    if not model.events or (landing and first_events.isin(landing).any()):
        try:
            totals = web_analytics(log, by=None, entry_events=landing or None).iloc[0]
        except SchemaError:
            # on a valid log, only: a session_id column empty on every row, or no session starting on the site
            # (a user's first visit without a session id); there are no sessions to describe, so no KPI
            totals = None
        if totals is not None:
            first = f"{int(totals['visitors']):,} visitors; {int(totals['sessions']):,} sessions; " \
                    f"bounce {totals['bounce_rate']:.0%}"
            if "channel" in log.columns:
                worst = web_analytics(log, by="channel", entry_events=landing or None).sort_values(
                    "bounce_rate", ascending=False, kind="stable").iloc[0]
                first += f" ({worst['channel']} {worst['bounce_rate']:.0%})"
            kpis[names[0]].append(first)
    conversions = entry["share_of_previous"].iloc[1:]
    if len(conversions):  # pain point: the stage with the lowest entry conversion
        worst_stage = conversions.idxmin()
        before = names[names.index(worst_stage) - 1]
        pains[worst_stage].append(f"Largest drop-off: {conversions.min():.0%} of {before} users get here")


def _survey_lanes(cells: _Cells, kpis: dict[str, list[str]], pains: dict[str, list[str]], answers: pd.DataFrame,
                  names: list[str], min_sample: int, negative_share: float) -> None:
    """Emotion, quotes and score KPIs from the survey answers placed in stages, and the pain points they show."""
    z = NormalDist().inv_cdf(0.975)
    stats = answers.groupby("stage")["emotion"].agg(["mean", "std", "count"])
    for s in names:
        if s in stats.index:
            m, sd, n = stats.loc[s]
            half = z * sd / np.sqrt(n) if n > 1 else np.nan
            cells[("emotion", s)] = {"text": f"{m:+.1f} (n={int(n):,})", "value": m, "low": m - half,
                                     "high": m + half}
        else:
            cells[("emotion", s)]["text"] = "no survey"
    for s, rows in answers.groupby("stage"):
        if "csat" in rows and rows["csat"].notna().any():
            c = rows["csat"].dropna()
            kpis[s].append(f"CSAT {csat(c):.0%} (n={len(c):,})")
        if "nps" in rows and rows["nps"].notna().any():
            p = rows["nps"].dropna()
            kpis[s].append(f"NPS {100 * nps(p):+.0f} (n={len(p):,})")  # in points, as NPS is quoted
    if "comment" in answers.columns:
        commented = answers[answers["comment"].notna()]
        for s, rows in commented.groupby("stage"):
            quotes = []
            for side in (rows[rows["emotion"] < 0], rows[rows["emotion"] > 0]):
                if len(side):
                    top_comment = side["comment"].value_counts().sort_index().sort_values(
                        ascending=False, kind="stable")
                    quotes.append(f"“{top_comment.index[0]}” ×{top_comment.iloc[0]}")
            cells[("quotes", s)]["text"] = "\n".join(quotes) if quotes else "—"
            # pain point: a stage where many comments are negative
            negative = rows.loc[rows["emotion"] < 0, "comment"].value_counts().sort_index()
            negative = negative.sort_values(ascending=False, kind="stable")
            share = negative.sum() / len(rows)
            if len(rows) >= min_sample and share >= negative_share:
                pains[s].append(f"{share:.0%} of comments negative: “{negative.index[0]}” ({negative.iloc[0]}×)")
    if "touchpoint" in answers.columns:  # pain point: the worst-scored touchpoint with enough answers
        by_touchpoint = answers.groupby(["touchpoint", "stage"])["emotion"].agg(["mean", "count"])
        by_touchpoint = by_touchpoint[by_touchpoint["count"] >= min_sample]
        if len(by_touchpoint):
            (tp, s), row = next(by_touchpoint.sort_values("mean").iterrows())
            if row["mean"] < 0:  # the least liked touchpoint is only a pain point if customers dislike it
                pains[s].append(f"Worst touchpoint: {tp} ({row['mean']:+.1f}, n={int(row['count'])})")
    if len(stats):  # pain point: the stage with the lowest emotion
        low_stage = stats["mean"].idxmin()
        if stats.loc[low_stage, "mean"] < 0:
            pains[low_stage].append(f"Lowest emotion ({stats.loc[low_stage, 'mean']:+.1f})")


def _analyst_text(cells: _Cells, text: Mapping[str, Mapping[str, str]] | None, model: StageModel) -> None:
    """The analyst's lanes (goal, actions, opportunities, owner), or text that overrides any lane."""
    names = model.stage_names
    for lane, by_stage in (text or {}).items():
        if lane not in LANES:
            raise ParameterError(f"unknown lane {lane!r} in text; lanes are {LANES}.", "text")
        for s, value in by_stage.items():
            if s in names:
                cells[(lane, s)]["text"] = value
            elif s not in _KNOWN_STAGES:
                raise ParameterError(f"text for lane {lane!r} names stage {s!r}, which is not a stage of model "
                                     f"{model.name!r} ({names}).", "text")


@described
def journey_map_table(journey: pd.DataFrame) -> pd.DataFrame:
    """The familiar grid: one row per lane, one column per stage, the cells' text.

    Parameters
    ----------
    journey : DataFrame
        The output of :func:`journey_map`.

    Returns
    -------
    DataFrame
        Lanes as rows (in :data:`LANES` order), stages as columns (in the model's order).

    Raises
    ------
    KeyError
        If ``journey`` lacks the ``lane``, ``stage``, ``stage_number`` or ``text`` column of a journey map.

    Examples
    --------
    >>> import pandas as pd
    >>> journey = pd.DataFrame({"lane": ["goal", "goal"], "stage": ["Awareness", "Purchase"],
    ...                         "stage_number": [1, 2], "text": ["Find a gift", "Pay quickly"]})
    >>> journey_map_table(journey)
    stage    Awareness     Purchase
    lane
    goal   Find a gift  Pay quickly
    """
    order = journey.drop_duplicates("stage").sort_values("stage_number")["stage"].tolist()
    table = journey.pivot(index="lane", columns="stage", values="text")
    return table.reindex(index=[lane for lane in LANES if lane in table.index], columns=order)


@described
def journey_map_markdown(journey: pd.DataFrame) -> str:
    """The map as a Markdown table (pain points in bold), for a report or a wiki page.

    Parameters
    ----------
    journey : DataFrame
        The output of :func:`journey_map`.

    Returns
    -------
    str
        One Markdown table: a row per lane, a column per stage; line breaks in cells become ``<br>``.

    Raises
    ------
    KeyError
        If ``journey`` lacks a column of a journey map (``lane``, ``stage``, ``stage_number``, ``text``,
        ``highlight``).

    Examples
    --------
    >>> import pandas as pd
    >>> journey = pd.DataFrame({"lane": ["pain_points", "pain_points"], "stage": ["Awareness", "Purchase"],
    ...                         "stage_number": [1, 2], "text": ["—", "Payment fails"], "highlight": [False, True]})
    >>> print(journey_map_markdown(journey))
    | lane | Awareness | Purchase |
    |---|---|---|
    | Pain points | — | **Payment fails** |
    <BLANKLINE>
    """
    table = journey_map_table(journey)
    flags = journey.pivot(index="lane", columns="stage", values="highlight").reindex_like(table)

    def cell(text: str, bold: bool) -> str:
        text = str(text).replace("|", "\\|").replace("\n", "<br>")
        return f"**{text}**" if bold and text != "—" else text

    lines = ["| lane | " + " | ".join(table.columns) + " |", "|---" * (len(table.columns) + 1) + "|"]
    for lane, row in table.iterrows():
        cells = [cell(row[s], bool(flags.loc[lane, s])) for s in table.columns]
        lines.append(f"| {_LANE_TITLES[lane]} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------

_PAIN = "#C44E52"


