"""Exercises of lesson 08: Capstone."""

from __future__ import annotations


from journeykit.course.exercise_kinds import PERCENT as _PERCENT
from journeykit.course.exercise_kinds import Exercise as _Exercise
from journeykit.course.exercise_kinds import data as _data


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


EXERCISES = [
    _Exercise("8.1", "08_capstone.ipynb", "share of activated users who go on to subscribe (subscription preset)",
              _cap_stage_share,
              [(lambda: 100 * _cap_stage_share(), _PERCENT)]),
    _Exercise("8.2", "08_capstone.ipynb", "share of trialists who complete setup within 3 days",
              _cap_setup,
              [(lambda: _cap_setup(None), "Close: that is setup at any time; count setups within 3 days of the "
                                          "trial start (window='3D').")]),
    _Exercise("8.3", "08_capstone.ipynb", "share of subscribers who renew in the month after subscribing or later",
              _cap_month_one,
              [(lambda: _cap_month_one(renewals_only=False), "Close: with return_event=None any event counts, "
                                                         "including app use; count renewals only.")]),
    _Exercise("8.4", "08_capstone.ipynb", "revenue per subscriber over 180 days (historical CLV, EUR)",
              _cap_clv,
              [(lambda: _cap_clv("365D"), "Close: that is the 365-day CLV; use horizon='180D'.")], tolerance=0.01),
    _Exercise("8.5", "08_capstone.ipynb", "NPS of the in-app survey, as a fraction between -1 and 1",
              _cap_nps,
              [(lambda: 100 * _cap_nps(), "Close: that is the NPS in points; the kit gives it as a fraction "
                                          "between -1 and 1 (0.19 is +19 points)."),
               (lambda: _cap_nps(added=True), "NPS is the share of promoters minus the share of detractors; did "
                                              "you add instead of subtract?")], tolerance=0.0001),
    _Exercise("8.6", "08_capstone.ipynb", "acquisition channel ranked last in the customer journey",
              _cap_worst_channel,
              [(lambda: _cap_worst_channel("buyer"), "That channel is last in the *buyer* journey (conversion); "
                                                     "the question asks about the customer journey (CLV).")]),
]

HINTS: dict[str, tuple[str, str, str]] = {
    "8.1": ("'Of the activated users' sets the denominator: people who reached Activation.",
            "The subscription preset maps the app's events onto stages; a stage summary gives shares.",
            "jk.stage_summary with the 'subscription' preset: share_of_previous of Subscription."),
    "8.2": ("'Within 3 days' is a window measured from the first step.",
            "A two-step funnel from the trial start to the setup answers it.",
            "jk.funnel from start_trial to complete_setup with a 3-day window."),
    "8.3": ("Renewing in the month after or later is on-or-after retention of subscribers.",
            "Cohorts start at subscribe; only renewals count as coming back.",
            "jk.cohort_retention with subscribe and renew, unbounded; jk.retention_curve, period 1."),
    "8.4": ("Historical CLV is revenue per customer over a fixed horizon after their first payment.",
            "Only customers observed for the whole horizon can be counted fairly.",
            "jk.historical_clv on the invoices with a 180-day horizon."),
    "8.5": ("NPS is the share of promoters minus the share of detractors; the kit gives it between -1 and 1.",
            "Only one survey in the app asks the recommend question.",
            "jk.nps on the surveys' nps column."),
    "8.6": ("Judge channels by what their customers are worth after buying, not by how many buy.",
            "The journey comparison ranks segments both ways; subscriptions are the purchase here.",
            "jk.journey_comparison with purchase_event='subscribe': the largest rank_customer_journey."),
}
