"""Exercises of lesson 08: Capstone, Fork & Field (a weekly meal-kit service).

Every answer function takes the meal-kit tables (``events``, ``orders``,
``surveys``, ``users``, as :func:`journeykit.course.mealkit.simulate_mealkit`
returns them) so that the tests can check that the answer is the same on
other seeds of the simulator; the exercises compute it from the shipped data.
The answers are directions, rankings and rounded shares where the planted
effect dominates, not values that change from one draw to the next.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data

NOTEBOOK = "08_capstone.ipynb"

# The reference stage model of the capstone (the notebook builds the same one, step by step).
STAGES = [("Awareness", "first contact: hears of Fork & Field (an ad, a podcast, a search result, a friend)"),
          ("Consideration", "looks around: comes back, reads the menu and the recipes"),
          ("Decision", "signs up: starts the sign-up, chooses a plan, enters address and delivery day"),
          ("Purchase", "orders the first box"),
          ("Retention", "gets boxes week after week: chooses recipes, skips, pauses, rates, asks support, cancels"),
          ("Advocacy", "recommends: refers a friend")]
EVENTS = {"visit": "Awareness", "view_menu": "Consideration", "view_recipe": "Consideration",
          "start_signup": "Decision", "choose_plan": "Decision", "enter_address": "Decision",
          "first_box": "Purchase", "box_delivered": "Retention", "choose_recipes": "Retention",
          "skip_week": "Retention", "pause": "Retention", "rate_recipe": "Retention",
          "contact_support": "Retention", "cancel": "Retention", "refer_friend": "Advocacy"}
RULES = [("event in ['visit', 'view_menu', 'view_recipe'] and reached >= 4", "Retention"),  # a subscriber's visit
         ("event == 'visit' and occurrence > 1", "Consideration")]                          # a prospect comes back

# A tiny journey for exercise 8.1: one person, three visits, worked out by hand.
_TINY_JOURNEY = """user_id,timestamp,event
M1,2026-01-05 20:10:00,visit
M1,2026-01-05 20:11:30,view_menu
M1,2026-01-05 20:14:00,view_recipe
M1,2026-01-08 12:30:00,visit
M1,2026-01-08 12:32:00,start_signup
M1,2026-01-08 12:34:00,choose_plan
M1,2026-01-08 12:37:00,enter_address
M1,2026-01-08 12:39:00,first_box
M1,2026-01-12 15:00:00,box_delivered
M1,2026-01-14 19:45:00,visit
M1,2026-01-14 19:47:00,view_recipe
M1,2026-01-14 19:50:00,choose_recipes
"""


def mealkit_model():
    """The capstone's reference stage model (a :class:`journeykit.StageModel`)."""
    from journeykit.analysis.stages import StageModel

    return StageModel("fork-and-field", stages=STAGES, events=EVENTS, rules=RULES,
                      touchpoints={"signup": "Decision", "delivery": "Retention", "support": "Retention",
                                   "cancel": "Retention", "in_app": "Retention"})


def shipped() -> dict[str, pd.DataFrame]:
    """The shipped meal-kit tables, loaded once."""
    return {name: _data(f"mealkit_{name}") for name in ("events", "orders", "surveys", "users")}


def _tiny_journey() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_TINY_JOURNEY), dtype=str)


def visit_stages(mistake: str | None = None) -> tuple[str, ...]:
    """The stages of the tiny journey's three visits, as the model places them, or as a typical slip would."""
    from journeykit.analysis.stages import StageModel, assign_stages

    rules = {None: RULES, "names only": [], "no customer rule": RULES[1:], "no return rule": RULES[:1]}[mistake]
    model = StageModel("tiny", stages=STAGES, events=EVENTS, rules=rules)
    events = _tiny_journey().assign(timestamp=lambda t: pd.to_datetime(t["timestamp"]))
    staged = assign_stages(events, model)
    return tuple(str(s) for s in staged.loc[staged["event"] == "visit", "stage"])


def with_acquisition(tables: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events and orders with each person's acquisition channel as the column ``acquisition``."""
    acquisition = tables["users"][["user_id", "acquisition_channel"]].rename(
        columns={"acquisition_channel": "acquisition"})
    return (tables["events"].merge(acquisition, on="user_id", how="left"),
            tables["orders"].merge(acquisition, on="user_id", how="left"))


def leaking_device(tables: dict, steps: tuple[str, ...] = ("choose_plan", "enter_address", "first_box"),
                   best: bool = False) -> str:
    """The device whose users convert least (or most) from the first to the last of ``steps``."""
    from journeykit.analysis.funnel import funnel

    result = funnel(tables["events"], list(steps), by="device")
    last = result[result["step"] == steps[-1]].set_index("device")["conversion_from_start"]
    return str(last.idxmax() if best else last.idxmin())


def week_retention(tables: dict, week: int = 4, by: str = "acquisition") -> pd.Series:
    """Share of first-box subscribers still getting boxes at week ``week`` or later, per segment."""
    from journeykit.analysis.retention import cohort_retention, retention_curve

    events, _ = with_acquisition(tables)
    table = cohort_retention(events, period="W", cohort_event="first_box", return_event="box_delivered",
                             unbounded=True, by=by)
    curve = retention_curve(table)
    return curve[curve["period"] == week].set_index(by)["retention"]


def worst_kept(tables: dict, mistake: str | None = None) -> tuple[str, str]:
    """The two acquisition channels that keep the fewest subscribers to week 4, alphabetically."""
    if mistake == "conversion":  # the two channels that convert the fewest visitors into a first box
        from journeykit.analysis.funnel import funnel

        events, _ = with_acquisition(tables)
        result = funnel(events, ["visit", "first_box"], by="acquisition")
        values = result[result["step"] == "first_box"].set_index("acquisition")["conversion_from_start"]
    else:
        values = week_retention(tables, 8 if mistake == "week 8 best" else 4)
    names = values.nlargest(2) if mistake == "week 8 best" else values.nsmallest(2)
    ordered = tuple(sorted(str(n) for n in names.index))
    return ordered[::-1] if mistake == "order" else ordered


def choosing_recipes(tables: dict) -> dict[str, float]:
    """Week-8 retention of subscribers who chose recipes in the 14 days after their first box, and of the others."""
    events = tables["events"]
    first = events[events["event"] == "first_box"].groupby("user_id")["timestamp"].min().rename("first")
    chose = events[events["event"] == "choose_recipes"].join(first, on="user_id")
    early = chose.loc[chose["timestamp"] < chose["first"] + pd.Timedelta("14D"), "user_id"].unique()
    flagged = {**tables, "events": events.assign(chose=np.where(events["user_id"].isin(early), "chose", "did not"))}
    week8 = week_retention(flagged, 8, by="chose")
    return {"share": float(np.isin(first.index, early).mean()), "chose": float(week8["chose"]),
            "did not": float(week8["did not"]), "ratio": float(week8["chose"] / week8["did not"])}


def _choosing_decision() -> str:
    return "test"


def _choosing_rubric() -> str:
    found = choosing_recipes(shipped())
    return (f"A good answer weighs three things. (1) The size of the gap: {found['share']:.0%} of subscribers choose "
            f"their recipes in their first two weeks, and {found['chose']:.0%} of them still get boxes at week 8, "
            f"against {found['did not']:.0%} of the others ({found['ratio']:.1f} times as often). (2) That it is a "
            "correlation: people who care about the food both choose recipes and stay (engaged people do both), "
            "and discount hunters from ads and podcasts rarely do either; forcing a choice does not make anyone "
            "care. (3) How to find out: an experiment (a random half of new subscribers gets the reminder or the "
            "forced choice, the other half does not), judged on week-8 retention. Model answer: test it before "
            "rolling it out; the gap says where to look, not what will happen.")


def delivery_answers(tables: dict) -> pd.DataFrame:
    """Each delivery survey answer with the box it is about: the last box the person received before answering."""
    orders, surveys = tables["orders"], tables["surveys"]
    answers = surveys[(surveys["touchpoint"] == "delivery") & surveys["csat"].notna()].sort_values("timestamp")
    boxes = orders[orders["delivery"].notna()].sort_values("timestamp")[["user_id", "timestamp", "delivery"]]
    linked = pd.merge_asof(answers, boxes, on="timestamp", by="user_id", direction="backward")
    return linked.assign(box=np.where(linked["delivery"] == "on time", "on time", "late or damaged"))


def delivery_csat(tables: dict, mistake: str | None = None) -> tuple[float, float]:
    """Delivery CSAT (share of 4-5 answers) after late-or-damaged and after on-time boxes, rounded to 0.1."""
    from journeykit.analysis.satisfaction import csat

    linked = delivery_answers(tables)
    if mistake == "mean score":
        scores = linked.groupby("box")["csat"].mean()
    else:
        scores = csat(linked, by="box").set_index("box")["csat"]
    pair = (round(float(scores["late or damaged"]), 1), round(float(scores["on time"]), 1))
    return pair[::-1] if mistake == "swapped" else pair


def most_valuable(tables: dict, measure: str = "clv") -> str:
    """The acquisition channel with the highest 120-day historical CLV (or most revenue, or most customers)."""
    from journeykit.analysis.value import historical_clv

    _, orders = with_acquisition(tables)
    if measure == "revenue":
        return str(orders.groupby("acquisition")["revenue"].sum().idxmax())
    if measure == "customers":
        return str(orders.groupby("acquisition")["user_id"].nunique().idxmax())
    clv = historical_clv(orders, horizon="120D", by="acquisition")
    return str(clv.set_index("acquisition")["clv"].idxmax())


EXERCISES = [
    _Exercise("8.1", NOTEBOOK, "by hand: the stages of the three visits in jk.exercise_data('8.1'), as a tuple of "
                               "stage names in time order",
              visit_stages,
              [(lambda: visit_stages("names only"), "Not quite: that is the stage of the event name alone. Only a "
                                                    "first contact is Awareness; look at what the person had done "
                                                    "before each visit (the rules)."),
               (lambda: visit_stages("no customer rule"), "Close: the second visit is right, but by the third visit "
                                                          "M1 has ordered a box; a subscriber's visit belongs after "
                                                          "the purchase, not before it."),
               (lambda: visit_stages("no return rule"), "Close: the third visit is right, but the second visit is "
                                                        "not a first contact: M1 had already seen the menu. A "
                                                        "prospect who comes back is considering.")]),
    _Exercise("8.2", NOTEBOOK, "the device ('web', 'app-ios' or 'app-android') whose users who chose a plan order a "
                               "first box least often",
              lambda: leaking_device(shipped()),
              [(lambda: leaking_device(shipped(), best=True), "Not quite: that device converts best from plan to "
                                                              "first box; the question asks for the leak."),
               (lambda: "app-ios", "Not quite: iOS users who choose a plan order a box about as often as web users; "
                                   "look at the other app.")]),
    _Exercise("8.3", NOTEBOOK, "predict, then check: the two acquisition channels that keep the fewest first-box "
                               "subscribers to week 4, as a tuple in alphabetical order",
              lambda: worst_kept(shipped()),
              [(lambda: worst_kept(shipped(), "order"), "Close: the right channels; give them in alphabetical "
                                                        "order."),
               (lambda: worst_kept(shipped(), "conversion"), "Not quite: those channels turn the fewest visitors "
                                                             "into a first box; the question is about who stays "
                                                             "after it."),
               (lambda: worst_kept(shipped(), "week 8 best"), "Not quite: those channels keep the most subscribers; "
                                                              "the question asks for the fewest.")]),
    _Exercise("8.4", NOTEBOOK, "decide: {'decision': 'roll out' or 'test', 'reason': '...'} for making every new "
                               "subscriber choose their recipes",
              _choosing_decision,
              [(lambda: "roll out", "Not the choice we would make here: the gap is a correlation. Engaged people "
                                    "both choose recipes and stay; making everyone choose may not make anyone stay. "
                                    "Test it on a random half first.")],
              rubric=_choosing_rubric),
    _Exercise("8.5", NOTEBOOK, "delivery CSAT after (late or damaged, on time) boxes, each a share rounded to one "
                               "decimal",
              lambda: delivery_csat(shipped()),
              [(lambda: delivery_csat(shipped(), "swapped"), "Close: the right values the wrong way round; late or "
                                                             "damaged boxes come first."),
               (lambda: tuple(100 * v for v in delivery_csat(shipped())), _PERCENT),
               (lambda: delivery_csat(shipped(), "mean score"), "Not quite: that is the mean score from 1 to 5; "
                                                                "CSAT is the share of answers that are 4 or 5.")],
              tolerance=0.02, relative=0.0),
    _Exercise("8.6", NOTEBOOK, "the acquisition channel whose customers are worth the most over their first 120 days "
                               "(historical CLV)",
              lambda: most_valuable(shipped()),
              [(lambda: most_valuable(shipped(), "revenue"), "Not quite: that channel brings the most revenue in "
                                                             "total, because it brings many customers; CLV is "
                                                             "revenue per customer."),
               (lambda: most_valuable(shipped(), "customers"), "Not quite: that channel brings the most customers; "
                                                               "many of them leave after the discounted boxes. "
                                                               "Compare revenue per customer over 120 days.")]),
]

DATA = {"8.1": _tiny_journey}

HINTS: dict[str, tuple[str, str, str]] = {
    "8.1": ("Awareness is first contact only; what a visit means depends on what the person did before it.",
            "For each visit, look at M1's earlier events: had M1 been here before? Had M1 ordered a box yet?",
            "The rules are checked in order before the event names: 'reached' is the furthest stage of earlier "
            "events, 'occurrence' counts the visits so far."),
    "8.2": ("Compare the devices on the steps where the sign-up asks for something, not on visits.",
            "Start the funnel at choose_plan, so that every device starts from people who wanted a box.",
            "jk.funnel with by='device' from choose_plan to first_box; jk.compare_funnel_segments to test the gap."),
    "8.3": ("Staying is measured from the first box, in weeks, per acquisition channel.",
            "Cohorts start at first_box; a week counts when a box is delivered in it or later.",
            "jk.cohort_retention(period='W', cohort_event='first_box', return_event='box_delivered', unbounded=True, "
            "by=...), then jk.retention_curve and period 4."),
    "8.4": ("A gap between two groups that chose themselves is a correlation, not an effect.",
            "Ask who chooses recipes: which channels, which people, and would they stay anyway?",
            "Compare rolling it out to everyone with a randomised test on new subscribers, judged on week 8."),
    "8.5": ("Each delivery answer is about the box the person had just received.",
            "Link each answer to the last delivered box before it, then split the answers by that box's delivery.",
            "The linked table of the notebook, then jk.csat(..., by='box'); round each share to one decimal."),
    "8.6": ("Value is revenue per customer over the same span for everyone, not revenue in total.",
            "Only customers whose whole 120 days are in the data count; split by acquisition channel.",
            "jk.historical_clv(orders, horizon='120D', by='acquisition'), then the largest clv."),
}
