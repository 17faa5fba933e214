"""Exercises with feedback: check an answer, ask for a hint, see the solution.

Each exercise of the lessons asks for a value stored in ``answer``::

    answer = ...                 # your code
    jk.check("3.1", answer)      # a verdict, and the likely mistake when it is wrong
    jk.hint("3.1")               # a nudge
    jk.solution("3.1")           # the worked solution, read from the lesson notebook

The expected answer is computed from the sample data each time, with the kit's
own functions, so checks never drift from the data. Typical wrong answers
(a count instead of a share, a percentage instead of a share, the wrong
population) are recognised and named.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from journeykit import params
from journeykit.errors import JourneyKitError, MissingFileError, ParameterError

__all__ = ["check", "hint", "solution", "exercises", "exercise_data", "Feedback"]
# ``check_exercise_3_1(answer)``, ``hint_exercise_3_1()`` and ``solution_exercise_3_1()`` are aliases of
# ``check("3.1", answer)``, ``hint("3.1")`` and ``solution("3.1")``; see :func:`named`.

@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer. Shown as one line in a notebook; ``bool(feedback)`` is True when correct.

    An exercise cell that has not been answered yet (``answer = ...``) shows
    nothing in the notebook, so a lesson run from top to bottom shows no
    verdict under any exercise; :attr:`message` still says what to do.
    """

    correct: bool
    message: str
    answered: bool = True

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        if self.answered:
            print(self.message)


class _Text(str):
    """Text shown as is in a notebook (no quotes), e.g. a hint or a solution."""

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class _Exercise:
    id: str
    notebook: str
    question: str
    expected: Callable[[], object]
    mistakes: list[tuple[Callable[[], object], str]] = field(default_factory=list)
    tolerance: float = 0.005  # absolute, for numbers
    explain: Callable[[object], str] | None = None
    relative: float = 1e-3  # relative, for numbers; the looser of the two decides
    rubric: Callable[[], str] | None = None  # a decision with its reason: the rubric is shown after any attempt


@functools.lru_cache(maxsize=None)
def _data(name: str) -> pd.DataFrame:
    from journeykit.course import datasets

    return datasets.load(name)


def _same(answer: object, expected: object, tolerance: float, relative: float = 1e-3) -> bool:
    """Equal, with numbers within ``tolerance`` (absolute) or ``relative`` (share of the expected value)."""
    if isinstance(expected, float) or isinstance(expected, int) and not isinstance(expected, bool):
        try:
            return math.isclose(float(answer), float(expected), abs_tol=tolerance, rel_tol=relative)
        except (TypeError, ValueError):
            return False
    if isinstance(expected, tuple):
        return isinstance(answer, (tuple, list)) and len(answer) == len(expected) and all(
            _same(a, e, tolerance, relative) for a, e in zip(answer, expected))
    if isinstance(expected, dict):
        if not isinstance(answer, dict):
            return False
        keys = {_text(k): v for k, v in answer.items()}
        return len(keys) == len(answer) and set(keys) == {_text(k) for k in expected} and all(
            _same(keys[_text(k)], v, tolerance, relative) for k, v in expected.items())
    if isinstance(expected, str):
        return isinstance(answer, str) and _text(answer) == _text(expected)
    return answer == expected


def _text(value: object) -> object:
    """Text compared as a reader would: case, spaces, hyphens, a final full stop and ASCII arrows do not matter.

    Examples
    --------
    >>> _text("Day-first.") == _text("dayfirst") == _text(" day first ")
    True
    >>> _text("Awareness -> Purchase") == _text("awareness → purchase")
    True
    """
    if not isinstance(value, str):
        return value
    text = value.replace("->", "→").lower().strip().rstrip(".")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-_")


# ---------------------------------------------------------------------------
# The exercises, lesson by lesson
# ---------------------------------------------------------------------------


def _buyer_share() -> float:
    return _data("shop_orders")["user_id"].nunique() / len(_data("shop_users"))


def _december(by_visits: bool = False) -> str:
    if by_visits:
        visits = _data("shop_events").query("event == 'visit'")
        return visits[visits["timestamp"].dt.to_period("M") == "2025-12"]["channel"].value_counts().index[0]
    users = _data("shop_users")
    return users[users["first_seen"].dt.to_period("M") == "2025-12"]["acquisition_channel"].value_counts().index[0]


def _busiest_hour(count: bool = False) -> int:
    visits = _data("shop_events").query("event == 'visit'")
    by_hour = visits["timestamp"].dt.hour.value_counts()
    return int(by_hour.max() if count else by_hour.idxmax())


def _intent_to_purchase(share_of: str = "previous") -> float:
    from journeykit.analysis.stages import stage_summary

    row = stage_summary(_data("shop_events"), "5-stage-intent").set_index("stage").loc["Purchase"]
    return float(row["share_of_previous"] if share_of == "previous" else row["share_of_users"])


def _backtrack(rank: int) -> tuple[str, str]:
    from journeykit.analysis.stages import backtracks

    row = backtracks(_data("shop_events"), "4-stage").iloc[rank]
    return (row["from_stage"], row["to_stage"])


def _three_stage_after(with_rule: bool = True) -> int:
    """Events in the After stage of the three-stage model of exercise 1.3."""
    from journeykit.analysis.stages import StageModel, assign_stages, stage_model

    coarse = {"Awareness": "Before", "Consideration": "Before", "Decision": "Before", "Purchase": "Buy",
              "Retention": "After", "Advocacy": "After"}
    six = stage_model("6-stage")
    model = StageModel("three", stages=[("Before", ""), ("Buy", ""), ("After", "")],
                       events={e: coarse[s] for e, s in six.events.items()},
                       rules=[("event == 'purchase' and occurrence > 1", "After")] if with_rule else [])
    return int((assign_stages(_data("shop_events"), model)["stage"] == "After").sum())


def _map_pain_stage(model: str) -> str:
    from journeykit.analysis.journey_map import SHOP_MAP_TEXT, journey_map

    journey = journey_map(_data("shop_events"), model, surveys=_data("shop_surveys"), text=SHOP_MAP_TEXT)
    pains = journey[(journey["lane"] == "pain_points") & journey["text"].str.startswith("Largest drop-off")]
    return pains["stage"].iloc[0]


def _bounce_device(rate: bool = False) -> str | float:
    from journeykit.analysis.journey_map import web_analytics

    top = web_analytics(_data("shop_events"), by="device").sort_values("bounce_rate", ascending=False).iloc[0]
    return float(top["bounce_rate"]) if rate else top["device"]


def _purchase_emotion(device: str | None) -> float:
    from journeykit.analysis.journey_map import emotion_scores

    surveys = _data("shop_surveys")
    if device is not None:
        users = _data("shop_users")
        surveys = surveys[surveys["user_id"].isin(users.loc[users["device"] == device, "user_id"])]
    answers = emotion_scores(surveys, "6-stage")
    return float(answers.loc[answers["stage"] == "Purchase", "emotion"].mean())


def _best_channel(metric: str = "conversion") -> str:
    from journeykit.analysis.funnel import funnel

    result = funnel(_data("shop_events"), ["view_product", "add_to_cart", "purchase"], window="1D", by="channel")
    last = result[result["step"] == "purchase"]
    column = "conversion_from_start" if metric == "conversion" else "users"
    return last.sort_values(column, ascending=False)["channel"].iloc[0]


def _mobile_dropped(count: bool = False) -> float:
    from journeykit.analysis.funnel import dropped_users

    dropped = dropped_users(_data("shop_events"), ["begin_checkout", "purchase"], at="purchase", window="1D",
                            by="device")
    mobile = dropped["device"] == "mobile"
    return float(mobile.sum() if count else mobile.mean())


def _referral_vs_search(field_name: str = "p_value") -> float:
    from journeykit.analysis.funnel import compare_funnel_segments, funnel

    steps = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]
    result = funnel(_data("shop_events"), steps, window="7D", by="channel")
    return float(compare_funnel_segments(result, "referral", "search")[field_name])


def _week_one(unbounded: bool = False, return_event: str | None = None, weighted: bool = True) -> float:
    from journeykit.analysis.retention import cohort_retention, retention_curve

    table = cohort_retention(_data("shop_events"), period="W", unbounded=unbounded, return_event=return_event)
    if not weighted:  # the mistake: every cohort counts the same, whatever its size
        return float(table.loc[table["complete"] & (table["period"] == 1), "retention"].mean())
    curve = retention_curve(table)
    return float(curve.loc[curve["period"] == 1, "retention"].iloc[0])


def _delivery_csat(touchpoint: str | None = "delivery") -> dict[str, float]:
    from journeykit.analysis.satisfaction import csat

    surveys = _data("shop_surveys").merge(_data("shop_users")[["user_id", "acquisition_channel"]], on="user_id")
    if touchpoint is not None:
        surveys = surveys[surveys["touchpoint"] == touchpoint]
    surveys = surveys[surveys["acquisition_channel"].isin(["ads", "referral"])]
    return csat(surveys, by="acquisition_channel").set_index("acquisition_channel")["csat"].round(4).to_dict()


def _at_risk(as_percent: bool = False) -> tuple[int, float]:
    from journeykit.analysis.value import rfm

    segments = rfm(_data("shop_orders"))
    at_risk = segments[segments["segment"] == "At risk"]
    share = at_risk["revenue"].sum() / segments["revenue"].sum()
    return (len(at_risk), float(100 * share if as_percent else share))


def _after_path(collapse: str = "loops") -> str:
    from journeykit.analysis.paths import top_paths

    return top_paths(_data("shop_events"), part="after", level="stage", collapse=collapse, top=1)["path"].iloc[0]


def _content_share(lookback: str | None = "7D") -> float:
    from journeykit.analysis.attribution import attribute

    table = attribute(_data("shop_events"), model="first_touch", touch_events=["visit"], lookback=lookback)
    return float(table.set_index("channel").loc["content", "share"])


def _clv_gap(sign: int = 1) -> float:
    from journeykit.analysis.comparison import journey_comparison

    table = journey_comparison(_data("shop_events"), _data("shop_orders"), _data("shop_surveys"), by="device")
    clv = table.set_index("device")["clv"]
    return float(sign * (clv["desktop"] - clv["mobile"]))


# A tiny invoice-line export for exercise 6.1, small enough to work out by hand.
_TINY_EXPORT = """Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID
100,LAMP,2,02/03/2025 10:00,12.00,007
100,MUG,3,02/03/2025 10:00,4.00,007
101,MUG,1,05/03/2025 16:30,4.00,
102,LAMP,1,14/03/2025 09:15,12.00,042
C103,MUG,-1,20/03/2025 11:00,4.00,007
104,CARD,5,21/03/2025 12:00,0.00,042
"""
_EXPORT_COLUMNS = {"Invoice": "InvoiceNo", "Customer ID": "CustomerID", "Price": "UnitPrice"}


def exercise_data(exercise: str) -> pd.DataFrame:
    """The small table an exercise asks you to work on by hand, as written in its file (all text).

    Only exercise 6.1 has such a table: an invoice-line export of a few
    lines, to work out by hand before reading it with
    :func:`journeykit.read_online_retail`.

    Parameters
    ----------
    exercise : str
        The exercise number, ``"6.1"``.

    Returns
    -------
    DataFrame
        The table's rows, every column text as written (empty text for an
        empty cell, leading zeros kept). A new copy at each call.

    Raises
    ------
    ParameterError
        If ``exercise`` is not an exercise of the course, or is one without a
        table of its own (any but 6.1).

    Examples
    --------
    >>> exercise_data("6.1").loc[0, ["Invoice", "Quantity", "Price", "Customer ID"]].tolist()
    ['100', '2', '12.00', '007']
    """
    import io

    ex = _get(exercise)
    if ex.id != "6.1":
        raise ParameterError(f"exercise {ex.id} has no table of its own; only exercise 6.1 has.", "exercise")
    return pd.read_csv(io.StringIO(_TINY_EXPORT), dtype=str, keep_default_na=False)


def _read_export_text(text: str, **options) -> pd.DataFrame:
    import tempfile

    from journeykit.io.online_retail import read_online_retail

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_text(text, encoding="utf-8")
        return read_online_retail(path, columns=_EXPORT_COLUMNS, **options)


def _tiny_orders(mistake: str | None = None) -> tuple[int, float]:
    """(orders, net revenue) of the tiny export, as the kit reads it, or as a typical mistake would."""
    orders = _read_export_text(_TINY_EXPORT)
    count, revenue = len(orders), round(float(orders["revenue"].sum()), 2)
    cancelled = orders.attrs["cancellations"]["value"]
    if mistake == "gross":  # the cancellation not subtracted
        return count, round(revenue + cancelled, 2)
    if mistake == "guest":  # the line without a customer kept
        return count + 1, round(revenue + 4.0, 2)
    if mistake == "free":  # the invoice worth nothing counted as an order
        return count + 1, revenue
    if mistake == "every invoice":  # the free invoice and the cancellation counted as orders
        return count + 2, revenue
    return count, revenue


def _first_week_reading() -> str:
    """What the kit does with the export's lines up to 7 January 2025: 'day first', 'month first' or 'refuse'."""
    from journeykit.course import datasets

    lines = datasets.path("shop_export").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    dates = pd.to_datetime(pd.Series(rows).str.extract(r"(\d\d/\d\d/\d{4} \d\d:\d\d)")[0],
                           format="%d/%m/%Y %H:%M")
    first_week = [row for row, when in zip(rows, dates) if when < pd.Timestamp("2025-01-08")]
    try:
        orders = _read_export_text("\n".join([header, *first_week]) + "\n", drop_shared_invoices=True)
    except JourneyKitError:
        return "refuse"
    return "day first" if orders["timestamp"].dt.day.max() <= 7 else "month first"


def _shared_invoice() -> str:
    return "drop"


def _shared_invoice_rubric() -> str:
    from journeykit.course import datasets

    raw = datasets.load("shop_export")
    sales = raw[~raw["Invoice"].str.startswith("C") & raw["Customer ID"].ne("")]
    customers = sales.groupby("Invoice")["Customer ID"].nunique()
    shared = customers[customers > 1].index
    value = sales["Quantity"].astype(float) * sales["Price"].astype(float)
    at_stake = value[sales["Invoice"].isin(shared)].sum()
    return (f"A good answer weighs three things. (1) What is at stake: {len(shared)} invoice "
            f"({', '.join(shared)}), {int(sales['Invoice'].isin(shared).sum())} lines, {at_stake:,.2f} EUR, "
            f"{at_stake / value.sum():.2%} of the export's sales. (2) Whether the file can say which customer is "
            "right: it cannot, both numbers belong to real customers, so 'fixing' it here would be a guess. "
            "(3) That the choice is visible: drop_shared_invoices=True counts the dropped lines in the import "
            "report, and the reconciliation shows the order missing. Model answer: drop it, say so in the report, "
            "and ask the order system's owner which customer is right; fix it at the source once you know.")


# capstone (lesson 07): the subscription app


def _cap_stage_share() -> float:
    from journeykit.analysis.stages import stage_summary

    return float(stage_summary(_data("subscription_events"), "subscription").set_index("stage")
                 .loc["Subscription", "share_of_previous"])


def _cap_setup(window: str | None = "3D") -> float:
    from journeykit.analysis.funnel import funnel

    result = funnel(_data("subscription_events"), ["start_trial", "complete_setup"], window=window)
    return float(result["conversion_from_start"].iloc[-1])


def _cap_month_one(renewals_only: bool = True) -> float:
    from journeykit.analysis.retention import cohort_retention, retention_curve

    events = _data("subscription_events")
    table = cohort_retention(events, cohort_event="subscribe", return_event="renew" if renewals_only else None,
                             unbounded=True)
    curve = retention_curve(table)
    return float(curve.loc[curve["period"] == 1, "retention"].iloc[0])


def _cap_clv(horizon: str = "180D") -> float:
    from journeykit.analysis.value import historical_clv

    return float(historical_clv(_data("subscription_invoices"), horizon=horizon)["clv"].iloc[0])


def _cap_nps(touchpoint: str | None = "in_app", added: bool = False) -> float:
    from journeykit.analysis.satisfaction import nps

    surveys = _data("subscription_surveys")
    if touchpoint is not None:
        surveys = surveys[surveys["touchpoint"] == touchpoint]
    answers = surveys["nps"].dropna()
    if added:  # the typical slip: promoters plus detractors
        return float((answers >= 9).mean() + (answers <= 6).mean())
    return float(nps(answers))


def _cap_worst_channel(view: str = "customer") -> str:
    from journeykit.analysis.comparison import journey_comparison

    table = journey_comparison(_data("subscription_events"), _data("subscription_invoices"),
                               _data("subscription_surveys"), by="channel", purchase_event="subscribe",
                               referral_event=None)
    return table.sort_values(f"rank_{view}_journey", ascending=False)["channel"].iloc[0]


_PERCENT = "Looks like a percentage; give a share between 0 and 1 (e.g. 0.25, not 25)."

_EXERCISES = [
    _Exercise("0.1", "00_start_here.ipynb", "share of shop users who placed at least one order",
              _buyer_share,
              [(lambda: 100 * _buyer_share(), _PERCENT),
               (lambda: float(_data("shop_orders")["user_id"].nunique()),
                "That is the number of buyers; divide it by the number of users to get a share."),
               (lambda: len(_data("shop_orders")) / len(_data("shop_users")),
                "Close: you divided orders by users, but some customers ordered several times. Count distinct "
                "customers (nunique).")]),
    _Exercise("0.2", "00_start_here.ipynb", "acquisition channel with most new people in December 2025",
              _december,
              [(lambda: _december(by_visits=True), "That channel brought the most *visits* in December; the "
                                                   "question is about new people (the users table).")]),
    _Exercise("0.3", "00_start_here.ipynb", "hour of the day (UTC) at which most visits start",
              _busiest_hour,
              [(lambda: _busiest_hour(count=True), "That is the number of visits in the busiest hour; answer with "
                                                   "the hour itself (0 to 23).")]),
    _Exercise("1.1", "01_defining_stages.ipynb", "share of Intent users who reach Purchase (5-stage-intent)",
              _intent_to_purchase,
              [(lambda: _intent_to_purchase("users"), "That is the share of *all* users who purchase; divide by "
                                                      "the users who reached Intent (share_of_previous)."),
               (lambda: 100 * _intent_to_purchase(), _PERCENT)]),
    _Exercise("1.2", "01_defining_stages.ipynb", "second most common backtrack of the 4-stage model, as a tuple "
                                                 "(from_stage, to_stage)",
              lambda: _backtrack(1),
              [(lambda: _backtrack(0), "That is the most common backtrack; the question asks for the second."),
               (lambda: tuple(reversed(_backtrack(1))), "Close: the order is (from_stage, to_stage).")]),
    _Exercise("1.3", "01_defining_stages.ipynb", "number of events in the After stage of your three-stage model",
              _three_stage_after,
              [(lambda: _three_stage_after(with_rule=False), "Close: without the rule, second purchases stay in "
                                                             "Buy. Add ('event == \"purchase\" and occurrence > 1', "
                                                             "'After') to the rules.")]),
    _Exercise("2.1", "02_journey_map.ipynb", "stage holding the largest drop-off in the 4-stage map",
              lambda: _map_pain_stage("4-stage"),
              [(lambda: _map_pain_stage("6-stage"), "That is the answer for the six-stage map; in four stages, "
                                                    "cart and checkout belong to another stage.")]),
    _Exercise("2.2", "02_journey_map.ipynb", "device with the highest bounce rate",
              _bounce_device,
              [(lambda: _bounce_device(rate=True), "That is the highest bounce rate; answer with the name of the "
                                                   "device that has it.")]),
    _Exercise("2.3", "02_journey_map.ipynb", "mean emotion of the Purchase stage for mobile users",
              lambda: _purchase_emotion("mobile"),
              [(lambda: _purchase_emotion(None), "That is the emotion of everyone; keep mobile users only.")],
              tolerance=0.05),
    _Exercise("3.1", "03_funnels.ipynb",
              "channel with the highest view → cart → purchase conversion (1-day window)",
              _best_channel,
              [(lambda: _best_channel("users"), "That channel has the most buyers, not the highest conversion: "
                                                "compare conversion_from_start, not users.")]),
    _Exercise("3.2", "03_funnels.ipynb", "share of the users who began a checkout but did not pay within a day "
                                         "who were on mobile",
              _mobile_dropped,
              [(lambda: _mobile_dropped(count=True), "That is the number of mobile users who dropped; divide by all "
                                                     "users who dropped to get a share."),
               (lambda: 100 * _mobile_dropped(), _PERCENT)]),
    _Exercise("3.3", "03_funnels.ipynb", "p-value of the referral vs search difference in visit-to-purchase "
                                         "conversion",
              _referral_vs_search,
              [(lambda: _referral_vs_search("difference"), "That is the difference in conversion; the question "
                                                           "asks for the p-value.")], tolerance=0.0, relative=0.02),
    _Exercise("4.1", "04_retention_and_value.ipynb", "share of visitors who come back in the week after their first "
                                                     "visit, any event counting as coming back",
              _week_one,
              [(lambda: _week_one(unbounded=True), "Close: that is 'on or after' retention (in week 1 or later); "
                                                   "the question asks about week 1 itself."),
               (lambda: _week_one(weighted=False), "Close: that is the plain mean of the cohorts' rates, where a "
                                                   "cohort of 20 people counts as much as one of 2,000. Weight by "
                                                   "cohort size: jk.retention_curve does."),
               (lambda: _week_one(return_event="visit"), "Close: you counted only visits as coming back; this "
                                                         "question counts any event (a delivery, an e-mail opened)."),
               (lambda: 100 * _week_one(), _PERCENT)], tolerance=0.0005),
    _Exercise("4.2", "04_retention_and_value.ipynb", "delivery CSAT of ads and referral customers, as "
                                                     "{'ads': ..., 'referral': ...}, shares between 0 and 1",
              _delivery_csat,
              [(lambda: _delivery_csat(None), "Close: those are CSATs over every touchpoint; keep delivery "
                                              "answers only."),
               (lambda: {k: 100 * v for k, v in _delivery_csat().items()}, "Close: give each CSAT as a share "
                                                                           "between 0 and 1, not in %.")],
              tolerance=0.001),
    _Exercise("4.3", "04_retention_and_value.ipynb", "(number of At risk customers, their share of all revenue)",
              _at_risk,
              [(lambda: _at_risk(as_percent=True), "Close: give the revenue share between 0 and 1, not in %.")]),
    _Exercise("5.1", "05_buyer_vs_customer_journey.ipynb", "most common stage path after the first purchase, "
                                                           "loops collapsed",
              _after_path,
              [(lambda: _after_path("repeats"), "That path has only repeats collapsed; use collapse='loops'.")]),
    _Exercise("5.2", "05_buyer_vs_customer_journey.ipynb", "first-touch share of content with a 7-day lookback",
              _content_share,
              [(lambda: _content_share(None), "That is the share without a lookback; pass lookback='7D'.")]),
    _Exercise("5.3", "05_buyer_vs_customer_journey.ipynb", "how much more a desktop customer is worth than a "
                                                           "mobile one: CLV difference in EUR",
              _clv_gap,
              [(lambda: _clv_gap(-1), "Close: that is mobile minus desktop; the question asks desktop minus "
                                      "mobile.")], tolerance=0.01),
    _Exercise("6.1", "06_your_own_data.ipynb", "by hand: (number of orders, net revenue in EUR) in the tiny "
                                               "export of jk.exercise_data('6.1')",
              _tiny_orders,
              [(lambda: _tiny_orders("gross"), "Close: the count is right, but C103 cancels a mug of invoice 100; "
                                               "subtract it from the revenue."),
               (lambda: _tiny_orders("guest"), "Not quite: invoice 101 has no customer, so it cannot be anyone's "
                                               "order; it is dropped (and counted as dropped)."),
               (lambda: _tiny_orders("free"), "Not quite: invoice 104 is worth nothing (five cards at 0.00); an "
                                              "invoice with no value is not an order."),
               (lambda: _tiny_orders("every invoice"), "Not quite: C103 is a cancellation and 104 is worth "
                                                       "nothing; neither is an order.")],
              tolerance=0.001, relative=0.0),
    _Exercise("6.2", "06_your_own_data.ipynb", "decide: {'decision': 'drop' or 'fix', 'reason': '...'} for the "
                                               "invoice that names two customers",
              _shared_invoice,
              [(lambda: "fix", "Not the choice we would make here: fixing is right only when someone (the order "
                               "system, the shop) can tell you which customer is right; from the file alone it would "
                               "be a guess. Drop it, say so, and ask.")],
              rubric=_shared_invoice_rubric),
    _Exercise("6.3", "06_your_own_data.ipynb", "predict: what does the kit do with the export's lines up to 7 "
                                               "January 2025: 'day first', 'month first' or 'refuse'?",
              _first_week_reading,
              [(lambda: "day first", "Not quite: the kit decides the day order from the column it is given. "
                                     "Up to 7 January no day is above 12, so nothing in those lines settles it."),
               (lambda: "month first", "Not quite: the kit never guesses month first (nor day first) when the "
                                       "dates read both ways; look at the days of the first week.")]),
    _Exercise("7.1", "07_capstone.ipynb", "share of activated users who go on to subscribe (subscription preset)",
              _cap_stage_share,
              [(lambda: 100 * _cap_stage_share(), _PERCENT)]),
    _Exercise("7.2", "07_capstone.ipynb", "share of trialists who complete setup within 3 days",
              _cap_setup,
              [(lambda: _cap_setup(None), "Close: that is setup at any time; count setups within 3 days of the "
                                          "trial start (window='3D').")]),
    _Exercise("7.3", "07_capstone.ipynb", "share of subscribers who renew in the month after subscribing or later",
              _cap_month_one,
              [(lambda: _cap_month_one(renewals_only=False), "Close: with return_event=None any event counts, "
                                                         "including app use; count renewals only.")]),
    _Exercise("7.4", "07_capstone.ipynb", "revenue per subscriber over 180 days (historical CLV, EUR)",
              _cap_clv,
              [(lambda: _cap_clv("365D"), "Close: that is the 365-day CLV; use horizon='180D'.")], tolerance=0.01),
    _Exercise("7.5", "07_capstone.ipynb", "NPS of the in-app survey, as a fraction between -1 and 1",
              _cap_nps,
              [(lambda: 100 * _cap_nps(), "Close: that is the NPS in points; the kit gives it as a fraction "
                                          "between -1 and 1 (0.19 is +19 points)."),
               (lambda: _cap_nps(added=True), "NPS is the share of promoters minus the share of detractors; did "
                                              "you add instead of subtract?")], tolerance=0.0001),
    _Exercise("7.6", "07_capstone.ipynb", "acquisition channel ranked last in the customer journey",
              _cap_worst_channel,
              [(lambda: _cap_worst_channel("buyer"), "That channel is last in the *buyer* journey (conversion); "
                                                     "the question asks about the customer journey (CLV).")]),
]
# Three hints per exercise, given one per call of jk.hint: the idea, a concrete pointer, then the function to use.
_HINTS: dict[str, tuple[str, str, str]] = {
    "0.1": ("A share is a part divided by a whole: here, buyers divided by everyone.",
            "Buyers are the distinct customers in the orders table; everyone is a row of the users table.",
            "Count distinct user_id values in the orders table (nunique), then divide by the number of users."),
    "0.2": ("'New people' means when someone was first seen, not when they visited.",
            "The users table has one row per person with first_seen and acquisition_channel.",
            "Filter users to first_seen in December 2025, then value_counts() of acquisition_channel."),
    "0.3": ("A visit starts a session; other events happen during it.",
            "Keep the visit events, then look at the hour of their timestamps.",
            "Filter events to event == 'visit', then value_counts() of timestamp.dt.hour."),
    "1.1": ("'Of the Intent users' means the denominator is the people who reached Intent, not everyone.",
            "A stage summary lists, per stage, how many users reached it and their share of the previous stage.",
            "jk.stage_summary with the '5-stage-intent' preset: the Purchase row's share_of_previous."),
    "1.2": ("A backtrack is a move from a stage to an earlier one; some moves are more common than others.",
            "The kit lists backtracks with their number of moves, most common first.",
            "jk.backtracks with the '4-stage' model; the second row, as (from_stage, to_stage)."),
    "1.3": ("Your three stages are a coarser cut of the six: decide where each of the six goes.",
            "Keep the preset's rule that sends second purchases to the stage after buying.",
            "Build a jk.StageModel with your mapping and rule, then count the After events of jk.assign_stages."),
    "2.1": ("The map marks pain points; one kind is where the most people are lost.",
            "Build the 4-stage map and read its pain-point lane.",
            "jk.journey_map with the '4-stage' model: the pain point that starts with 'Largest drop-off'."),
    "2.2": ("Bounce rate is the share of sessions with a single interaction; compare it across devices.",
            "Sessions belong to the device of their first event.",
            "jk.web_analytics split by device, then sort by bounce_rate."),
    "2.3": ("Emotion comes from survey answers, placed in stages; keep only the people the question is about.",
            "Which users are on mobile is in the users table; join it to the surveys first.",
            "Filter the surveys to mobile users, then jk.emotion_scores and the mean emotion of Purchase."),
    "3.1": ("Compare channels by their conversion, not by how many buyers they bring.",
            "Segment the funnel by channel and look at the last step's conversion from the start.",
            "jk.funnel with by='channel'; on the purchase rows, sort by conversion_from_start."),
    "3.2": ("A share of the dropped users: the denominator is everyone in `dropped`.",
            "Each dropped user has a device; count the mobile ones relative to all of them.",
            "In `dropped`, compare the device column with 'mobile' and take the mean."),
    "3.3": ("A difference between two rates can be noise; a test says how surprising it would be if there were none.",
            "The kit compares two segments of a funnel result and returns a verdict with a p-value.",
            "jk.compare_funnel_segments on by_channel, for 'referral' and 'search'; read its p_value."),
    "4.1": ("Retention at week 1 averages the cohorts, and big cohorts should count more than small ones.",
            "Build weekly cohorts, then average them into one curve over complete weeks only.",
            "jk.cohort_retention with period='W', then jk.retention_curve; the row with period 1."),
    "4.2": ("CSAT of one touchpoint for two groups: filter to the touchpoint, then split by group.",
            "The acquisition channel is in the users table; join it to the surveys.",
            "Filter to the delivery touchpoint, add acquisition_channel, then jk.csat with by='acquisition_channel'."),
    "4.3": ("A segment's weight is both how many customers it has and how much they spend.",
            "The RFM table has one row per customer with a segment and their revenue.",
            "Count the rows whose segment is 'At risk', and divide their revenue by the total revenue."),
    "5.1": ("After the first purchase, people loop between stages; collapsing loops keeps the first visit of each.",
            "Paths can be counted per part of the journey, at event or stage level.",
            "jk.top_paths for the part after the first purchase, at stage level, with loops collapsed."),
    "5.2": ("First touch credits the channel of the first visit, but only visits close enough to the purchase count.",
            "A lookback limits how far before the purchase a touch may be.",
            "jk.attribute with the first-touch model, visits as touches and a 7-day lookback; content's share."),
    "5.3": ("Worth is lifetime value, and the question compares two devices.",
            "The journey comparison table has one row per segment with its CLV.",
            "jk.journey_comparison split by device; desktop's clv minus mobile's."),
    "6.1": ("An order is a sales invoice with a customer; its value is what it sold minus what was cancelled.",
            "Go invoice by invoice: which have no customer, which start with C, which are worth nothing?",
            "Per invoice, Σ Quantity × Price; a C line is subtracted from the same customer's invoice with the same "
            "product; an invoice without a customer, or with no value left, is not an order."),
    "6.2": ("Weigh how much is at stake against what you would have to guess.",
            "Look at the invoice's lines and value: does anything in the file say which customer is right?",
            "Compare dropping it (drop_shared_invoices=True, counted in the import report) with picking one."),
    "6.3": ("The kit decides a column's day order from every value in it, and never guesses.",
            "Look at the days in the first week of January: can any of them only be read one way?",
            "A date like 13/01/2025 settles day first; without one, the kit refuses and asks for dayfirst=."),
    "7.1": ("'Of the activated users' sets the denominator: people who reached Activation.",
            "The subscription preset maps the app's events onto stages; a stage summary gives shares.",
            "jk.stage_summary with the 'subscription' preset: share_of_previous of Subscription."),
    "7.2": ("'Within 3 days' is a window measured from the first step.",
            "A two-step funnel from the trial start to the setup answers it.",
            "jk.funnel from start_trial to complete_setup with a 3-day window."),
    "7.3": ("Renewing in the month after or later is on-or-after retention of subscribers.",
            "Cohorts start at subscribe; only renewals count as coming back.",
            "jk.cohort_retention with subscribe and renew, unbounded; jk.retention_curve, period 1."),
    "7.4": ("Historical CLV is revenue per customer over a fixed horizon after their first payment.",
            "Only customers observed for the whole horizon can be counted fairly.",
            "jk.historical_clv on the invoices with a 180-day horizon."),
    "7.5": ("NPS is the share of promoters minus the share of detractors; the kit gives it between -1 and 1.",
            "Only one survey in the app asks the recommend question.",
            "jk.nps on the surveys' nps column."),
    "7.6": ("Judge channels by what their customers are worth after buying, not by how many buy.",
            "The journey comparison ranks segments both ways; subscriptions are the purchase here.",
            "jk.journey_comparison with purchase_event='subscribe': the largest rank_customer_journey."),
}


_BY_ID = {e.id: e for e in _EXERCISES}


def _get(exercise: str) -> _Exercise:
    key = str(exercise)
    if key not in _BY_ID:
        raise ParameterError(f"no exercise {key!r}; exercises are {', '.join(_BY_ID)}.", "exercise")
    return _BY_ID[key]


def exercises() -> pd.DataFrame:
    """Every exercise: ``id``, ``lesson`` notebook and the ``question`` its ``answer`` should hold.

    Returns
    -------
    DataFrame
        One row per exercise, in lesson order: ``id`` (e.g. ``"3.1"``, the
        number :func:`check`, :func:`hint` and :func:`solution` take),
        ``lesson`` (the notebook's file name) and ``question``.

    Raises
    ------
    None
        The table is built from the kit's own list of exercises; no error of
        the kit is raised.

    Examples
    --------
    >>> table = exercises()
    >>> list(table.columns)
    ['id', 'lesson', 'question']
    >>> table.loc[0, ["id", "lesson"]].tolist()
    ['0.1', '00_start_here.ipynb']
    """
    return pd.DataFrame([{"id": e.id, "lesson": e.notebook, "question": e.question} for e in _EXERCISES])


def check(exercise: str, answer: object) -> Feedback:
    """Check an answer to an exercise and say what is wrong with it.

    Parameters
    ----------
    exercise : str
        The exercise number, e.g. ``"3.1"``.
    answer : object
        Your answer (a number, a name, a tuple...; the exercise says which).
        ``...`` or None means not answered yet: the feedback says what to
        do and is not shown in the notebook.

    Returns
    -------
    Feedback
        Shown as one line: ``Correct``, ``Close`` or ``Not quite``, with the
        likely mistake. ``bool(feedback)`` is True when the answer is right.

    Raises
    ------
    ParameterError
        If ``exercise`` is not an exercise of the course (the message lists
        them).
    MissingFileError
        If the sample data the expected answer is computed from cannot be
        found: no course folder around the working folder (see
        :func:`journeykit.datasets.course_dir`) and no ``JOURNEYKIT_DATA``,
        or a sample file is missing. An unanswered exercise needs no data.

    Examples
    --------
    >>> check("0.1", ...)
    Exercise 0.1: not answered yet. Replace ... with your answer (share of shop users who placed at least one order).
    >>> feedback = check("0.1", "half")
    >>> feedback
    Exercise 0.1: Not quite: expected a number, got str.
    >>> bool(feedback)
    False
    """
    ex = _get(exercise)
    if answer is Ellipsis or answer is None:
        return Feedback(False, f"Exercise {ex.id}: not answered yet. Replace ... with your answer "
                               f"({ex.question}).", answered=False)
    if ex.rubric is not None:
        return _judge_decision(ex, answer)
    expected = ex.expected()
    if _same(answer, expected, ex.tolerance, ex.relative):
        return Feedback(True, f"Correct! Exercise {ex.id}: {_show(expected)}.")
    for wrong, message in ex.mistakes:
        if not message:
            continue
        try:
            if _same(answer, wrong(), ex.tolerance, relative=0.01):  # mistakes are recognised when roughly right
                prefix = "" if message.startswith(("Close", "Not quite")) else "Not quite: "
                return Feedback(False, f"Exercise {ex.id}: {prefix}{message}")
        except Exception:  # a mistake that cannot be computed is simply not recognised
            continue
    kind = type(expected).__name__ if not isinstance(expected, tuple) else "tuple"
    if isinstance(expected, (int, float)) and not isinstance(answer, (int, float)):
        return Feedback(False, f"Exercise {ex.id}: Not quite: expected a number, got {type(answer).__name__}.")
    return Feedback(False, f"Exercise {ex.id}: Not quite ({kind} expected: {ex.question}). Try jk.hint({ex.id!r}).")


def _judge_decision(ex: _Exercise, answer: object) -> Feedback:
    """A decision and its reason: the decision is checked, the reason is for you to hold against the rubric."""
    keys = {_text(k): v for k, v in answer.items()} if isinstance(answer, dict) else {}
    decision, reason = keys.get("decision"), keys.get("reason")
    if not isinstance(decision, str) or not isinstance(reason, str):
        return Feedback(False, f"Exercise {ex.id}: Not quite: answer with a dict of two texts, "
                               f"{{'decision': ..., 'reason': ...}} ({ex.question}).")
    if len(reason.split()) < 5:
        return Feedback(False, f"Exercise {ex.id}: Not quite: give your reason in a sentence or two; the reason "
                               "is the point of this exercise.")
    rubric = f"\nRubric: {ex.rubric()}"
    expected = ex.expected()
    if _text(decision) == _text(expected):
        return Feedback(True, f"Correct! Exercise {ex.id}: {expected!r}. Now hold your reason against the rubric."
                              f"{rubric}")
    for wrong, message in ex.mistakes:
        if _text(decision) == _text(wrong()):
            return Feedback(False, f"Exercise {ex.id}: {message}{rubric}")
    return Feedback(False, f"Exercise {ex.id}: Not quite: the decision is one of {expected!r} or "
                           f"{', '.join(repr(w()) for w, _ in ex.mistakes)}.")


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return repr(value)


_HINTS_GIVEN: dict[str, int] = {}


def hint(exercise: str, step: int | None = None) -> str:
    """A nudge towards the answer, one step more concrete at each call, never the solution.

    The first call gives the idea behind the exercise, the second a concrete
    pointer, the third the function to use; later calls repeat the third and
    point to :func:`solution`.

    Parameters
    ----------
    exercise : str
        The exercise number, e.g. ``"3.1"``.
    step : {1, 2, 3}, optional
        Ask for one step directly instead of the next one.

    Returns
    -------
    str
        "Hint <n> of 3 for exercise <id>: ..."; shown without quotes in a
        notebook.

    Raises
    ------
    ParameterError
        If ``exercise`` is not an exercise of the course, or ``step`` is not
        a whole number from 1 to 3.

    Examples
    --------
    >>> hint("0.1", step=1)
    Hint 1 of 3 for exercise 0.1: A share is a part divided by a whole: here, buyers divided by everyone.
    >>> hint("0.1", step=3)  # doctest: +ELLIPSIS
    Hint 3 of 3 for exercise 0.1: Count distinct user_id values in the orders table (nunique), ...
    """
    ex = _get(exercise)
    steps = _HINTS[ex.id]
    if step is not None:
        given = params.integer(step, "step", minimum=1) - 1
        if given >= len(steps):
            raise ParameterError(f"step must be between 1 and {len(steps)}, got {step}.", "step")
    else:
        given = _HINTS_GIVEN.get(ex.id, 0)
        _HINTS_GIVEN[ex.id] = given + 1
    if given >= len(steps):
        return _Text(f"Hint {len(steps)} of {len(steps)} for exercise {ex.id}: {steps[-1]} Still stuck? "
                     f"jk.solution({ex.id!r}) shows a worked solution.")
    return _Text(f"Hint {given + 1} of {len(steps)} for exercise {ex.id}: {steps[given]}")


def solution(exercise: str) -> str:
    """The worked solution of an exercise, kept out of the lesson in ``notebooks/solutions/<lesson>.md``.

    Each solution is the code block under the heading ``## Exercise <id>``; it
    runs in the lesson's notebook after the cells above the exercise.

    Parameters
    ----------
    exercise : str
        The exercise number, e.g. ``"3.1"``.

    Returns
    -------
    str
        "Solution of exercise <id>:", a blank line, then the code; shown
        without quotes in a notebook.

    Raises
    ------
    ParameterError
        If ``exercise`` is not an exercise of the course.
    MissingFileError
        If the course folder is not found (see
        :func:`journeykit.datasets.course_dir`), or the lesson's solutions
        file in ``notebooks/solutions/`` is missing.
    JourneyKitError
        If the solutions file has no code block for this exercise.

    Examples
    --------
    >>> text = solution("0.1")
    >>> text.splitlines()[0]
    'Solution of exercise 0.1:'
    >>> 'jk.check("0.1", answer)' in text
    True
    """
    from journeykit.course.datasets import course_dir

    ex = _get(exercise)
    path = course_dir() / "notebooks" / "solutions" / ex.notebook.replace(".ipynb", ".md")
    if not path.exists():
        raise MissingFileError(path, "is missing; solutions are read from the course's notebooks/solutions folder.")
    match = re.search(rf"^## Exercise {re.escape(ex.id)}\n+```python\n(.*?)\n```", path.read_text(encoding="utf-8"),
                      flags=re.MULTILINE | re.DOTALL)
    if match is None:
        raise JourneyKitError(f"no solution for exercise {ex.id} in {path}.")
    return _Text(f"Solution of exercise {ex.id}:\n\n{match.group(1)}")


def named(name: str):
    """The per-exercise alias behind a name like ``check_exercise_3_1``, or None when the name is not one.

    Examples
    --------
    >>> named("hint_exercise_3_1")(step=1)
    Hint 1 of 3 for exercise 3.1: Compare channels by their conversion, not by how many buyers they bring.
    """
    match = re.fullmatch(r"(check|hint|solution)_exercise_(\d+)_(\d+)", name)
    if not match or f"{match.group(2)}.{match.group(3)}" not in _BY_ID:
        return None
    kind, exercise = match.group(1), f"{match.group(2)}.{match.group(3)}"
    if kind == "check":
        return functools.partial(check, exercise)
    return functools.partial(hint if kind == "hint" else solution, exercise)
