"""Sessions, web analytics, the emotion scale and the journey map table and figure."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit.analysis.journey_map import LANES

matplotlib.use("Agg")

MODEL = jk.StageModel("m", stages=[("See", "sees"), ("Buy", "buys"), ("Stay", "stays")],
                      events={"visit": "See", "view": "See", "buy": "Buy", "delivered": "Stay"},
                      touchpoints={"checkout": "Buy", "delivery": "Stay"})


def events():
    t = pd.Timestamp("2025-03-01 10:00")
    rows = [("a", t, "visit", "ads", "s1"), ("a", t + pd.Timedelta("2min"), "view", "ads", "s1"),
            ("a", t + pd.Timedelta("5min"), "buy", "ads", "s1"), ("a", t + pd.Timedelta("3D"), "delivered", "service",
                                                                   None),
            ("b", t, "visit", "social", "s2"),
            ("c", t, "visit", "social", "s3"), ("c", t + pd.Timedelta("1min"), "view", "social", "s3"),
            ("c", t + pd.Timedelta("9min"), "buy", "social", "s3")]
    return pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "channel", "session_id"])


def surveys():
    return pd.DataFrame({"user_id": ["a", "c", "a"], "timestamp": pd.to_datetime(["2025-03-01"] * 3),
                         "touchpoint": ["checkout", "checkout", "delivery"], "nps": [None, None, 10],
                         "csat": [5, 1, 5], "comment": ["Easy", "Card declined", "Lovely"]})


def test_sessions_split_after_thirty_minutes_of_inactivity():
    t = pd.Timestamp("2025-01-01 10:00")
    ev = pd.DataFrame({"user_id": ["a"] * 4 + ["b"], "event": "x",
                       "timestamp": [t, t + pd.Timedelta("30min"), t + pd.Timedelta("61min"),
                                     t + pd.Timedelta("62min"), t]})
    assert jk.sessionize(ev)["session"].tolist() == ["a#1", "a#1", "a#2", "a#2", "b#1"]
    assert jk.sessionize(ev, timeout="10min")["session"].tolist() == ["a#1", "a#2", "a#3", "a#3", "b#1"]
    with pytest.raises(ValueError, match="timeout must be a positive duration"):
        jk.sessionize(ev, timeout="0min")


def test_web_analytics_from_session_ids_and_from_inactivity():
    web = jk.web_analytics(events()).set_index("channel")
    assert web.loc["social", ["sessions", "visitors"]].tolist() == [2, 2]
    assert web.loc["social", "bounce_rate"] == 0.5           # b's single visit
    assert web.loc["ads", "events_per_session"] == 3          # the delivery is not a web interaction
    derived = jk.web_analytics(events().drop(columns="session_id"), by=None).iloc[0]
    assert derived["sessions"] == 4 and derived["visitors"] == 3   # a's delivery three days later is a session
    landing = jk.web_analytics(events().drop(columns="session_id"), by=None, entry_events=["visit"]).iloc[0]
    assert landing["sessions"] == 3 and landing["bounce_rate"] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="no session starts with one of \\['buy'\\]"):
        jk.web_analytics(events(), entry_events=["buy"])
    with pytest.raises(jk.errors.ParameterError, match="entry_events: 'login' does not occur in the events"):
        jk.web_analytics(events(), entry_events=["login"])


def test_emotion_scale():
    answers = jk.emotion_scores(pd.DataFrame({
        "user_id": list("abcdef"), "timestamp": pd.to_datetime(["2025-01-01"] * 6),
        "touchpoint": ["checkout"] * 6, "csat": [1, 5, 3, None, None, 5], "nps": [None, None, None, 0, 10, 0]}), MODEL)
    assert answers["emotion"].tolist() == [-2.0, 2.0, 0.0, -2.0, 2.0, 0.0]  # the last has both: (2 + -2) / 2
    assert (answers["stage"] == "Buy").all()


def test_journey_map_is_tidy_and_built_from_the_data():
    journey = jk.journey_map(events(), MODEL, surveys=surveys(), text={"owner": {"Buy": "Payments team"}})
    assert list(journey.columns) == ["lane", "stage", "stage_number", "text", "value", "low", "high", "highlight"]
    assert len(journey) == len(LANES) * 3
    cell = journey.set_index(["lane", "stage"])
    assert cell.loc[("touchpoints", "See"), "text"] == "visit · view"
    assert cell.loc[("channels", "Buy"), "text"] == "ads 50% · social 50%"
    assert cell.loc[("emotion", "Buy"), "value"] == 0.0       # CSAT 5 and 1: +2 and -2
    assert cell.loc[("emotion", "Stay"), "value"] == 2.0      # CSAT 5 and NPS 10
    assert cell.loc[("emotion", "See"), "text"] == "no survey"
    assert cell.loc[("owner", "Buy"), "text"] == "Payments team"
    assert cell.loc[("kpis", "See"), "text"].startswith("3 visitors; 3 sessions; bounce 33%")
    assert cell.loc[("kpis", "Buy"), "text"].startswith("2 users; 67% of previous stage")
    # the largest drop-off (Buy -> Stay keeps 50%, See -> Buy 67%) is a pain point
    assert cell.loc[("pain_points", "Stay"), "highlight"] and not cell.loc[("pain_points", "See"), "highlight"]
    assert "Largest drop-off: 50% of Buy users get here" in cell.loc[("pain_points", "Stay"), "text"]
    assert "“Card declined” ×1" in cell.loc[("quotes", "Buy"), "text"]


def test_table_and_markdown_exports(tmp_path):
    journey = jk.journey_map(events(), MODEL, surveys=surveys())
    table = jk.journey_map_table(journey)
    assert table.shape == (len(LANES), 3) and list(table.columns) == ["See", "Buy", "Stay"]
    text = jk.journey_map_markdown(journey)
    assert text.startswith("| lane | See | Buy | Stay |")
    assert "**Largest drop-off: 50% of Buy users get here**" in text
    journey.to_csv(tmp_path / "map.csv", index=False)
    assert pd.read_csv(tmp_path / "map.csv").shape == journey.shape


def test_text_errors():
    with pytest.raises(ValueError, match="unknown lane 'mood'"):
        jk.journey_map(events(), MODEL, text={"mood": {"See": "happy"}})
    with pytest.raises(ValueError, match="names stage 'Sea', which is not a stage of model 'm'"):
        jk.journey_map(events(), MODEL, text={"goal": {"Sea": "look"}})


def test_figure_and_side_by_side_comparison(tmp_path):
    as_is = jk.journey_map(events(), MODEL, surveys=surveys())
    to_be = as_is.copy()
    to_be.loc[(to_be["lane"] == "emotion") & (to_be["stage"] == "Buy"), ["value", "low", "high"]] = [1.0, 0.5, 1.5]
    fig = jk.plot_journey_map(as_is, persona="Maya", scenario="buys a lamp")
    assert len(fig.axes) == 1
    fig.savefig(tmp_path / "map.png")
    fig.savefig(tmp_path / "map.svg")
    assert (tmp_path / "map.png").stat().st_size > 10_000 and (tmp_path / "map.svg").exists()
    both = jk.plot_journey_map(as_is, compare=to_be)
    assert len(both.axes) == 2 and [ax.get_title(loc="left") for ax in both.axes] == ["As-is", "To-be"]
    matplotlib.pyplot.close("all")


def test_input_is_not_modified():
    ev, sv = events(), surveys()
    before_e, before_s = ev.copy(deep=True), sv.copy(deep=True)
    jk.journey_map(ev, MODEL, surveys=sv)
    pd.testing.assert_frame_equal(ev, before_e)
    pd.testing.assert_frame_equal(sv, before_s)
    assert not np.isnan(jk.journey_map(ev, MODEL, surveys=sv).query("lane == 'emotion' and stage == 'Buy'")["value"]).any()


def test_a_log_without_the_first_stages_landing_events_still_maps():
    """Orders-only logs (purchases, no visits) or logs with some of the preset's awareness events: no crash."""
    only_orders = pd.DataFrame({"user_id": ["a", "b", "a"], "event": ["purchase", "purchase", "purchase"],
                                "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-02-01"])})
    journey = jk.journey_map(only_orders, "4-stage")
    assert jk.journey_map_table(journey).loc["touchpoints", "Purchase"] == "purchase"
    assert "visitors" not in jk.journey_map_table(journey).loc["kpis", "Awareness"]
    visits_only = only_orders.assign(event=["visit", "visit", "purchase"])  # 'read_article' never occurs
    kpis = jk.journey_map_table(jk.journey_map(visits_only, "6-stage")).loc["kpis", "Awareness"]
    assert kpis.startswith("2 visitors; 2 sessions")
