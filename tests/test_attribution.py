"""Attribution rules (credits per conversion sum to 1), the Markov removal effect, and the journey comparison."""

import pandas as pd
import pytest

import journeykit as jk
from journeykit.analysis.attribution import ATTRIBUTION_MODELS


def log(*rows):
    """rows: (user, day, event, channel)"""
    df = pd.DataFrame(rows, columns=["user_id", "day", "event", "channel"])
    df["timestamp"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(df.pop("day"), unit="D")
    return df


JOURNEYS = log(("a", 0, "visit", "social"), ("a", 1, "visit", "email"), ("a", 2, "visit", "search"),
               ("a", 3, "visit", "ads"), ("a", 3.01, "purchase", "ads"),
               ("b", 0, "visit", "search"), ("b", 0.01, "purchase", "search"),
               ("c", 0, "visit", "social"), ("c", 1, "visit", "ads"), ("c", 1.01, "purchase", "ads"),
               ("d", 0, "visit", "social"),                                   # never buys
               ("e", 0, "purchase", None))                                    # buys with no touch


@pytest.mark.parametrize("model", ["first_touch", "last_touch", "linear", "position_based"])
def test_credits_per_conversion_sum_to_one(model):
    credits = jk.touch_credits(JOURNEYS, model=model, touch_events=["visit"])
    assert credits.groupby("user_id")["credit"].sum().round(12).eq(1).all()
    assert sorted(credits["user_id"].unique()) == ["a", "b", "c", "e"]


def test_each_rule_by_hand():
    def credit(model):
        c = jk.touch_credits(JOURNEYS, model=model, touch_events=["visit"])
        return c[c["user_id"] == "a"].set_index("channel")["credit"].to_dict()

    assert credit("first_touch") == {"social": 1.0}
    assert credit("last_touch") == {"ads": 1.0}
    assert credit("linear") == {"ads": 0.25, "email": 0.25, "search": 0.25, "social": 0.25}
    assert credit("position_based") == pytest.approx({"social": 0.4, "email": 0.1, "search": 0.1, "ads": 0.4})
    two = jk.touch_credits(JOURNEYS, model="position_based", touch_events=["visit"])
    assert two[two["user_id"] == "c"].set_index("channel")["credit"].to_dict() == {"ads": 0.5, "social": 0.5}
    assert jk.touch_credits(JOURNEYS, model="last_touch").query("user_id == 'e'")["channel"].tolist() == [jk.NO_TOUCH]


def test_lookback_drops_old_touches():
    credits = jk.touch_credits(JOURNEYS, model="first_touch", touch_events=["visit"], lookback="1D")
    assert credits.query("user_id == 'a'")["channel"].tolist() == ["ads"]  # the other touches are over a day old


def test_markov_removal_effect_by_hand():
    # A -> conversion, B -> null, A -> B -> conversion: P(conv) = 2/3; without A 1/6; without B 1/3
    events = log(("u1", 0, "visit", "A"), ("u1", 1, "purchase", "A"),
                 ("u2", 0, "visit", "B"),
                 ("u3", 0, "visit", "A"), ("u3", 1, "visit", "B"), ("u3", 2, "purchase", "B"))
    result = jk.attribute(events, model="markov", touch_events=["visit"]).set_index("channel")
    assert result.loc["A", "conversions"] == pytest.approx(2 * 0.75 / 1.25)
    assert result.loc["B", "conversions"] == pytest.approx(2 * 0.5 / 1.25)


def test_markov_counts_non_converting_journeys():
    converting_only = log(("u1", 0, "visit", "A"), ("u1", 1, "purchase", "A"), ("u3", 0, "visit", "A"),
                          ("u3", 1, "visit", "B"), ("u3", 2, "purchase", "B"))
    with_losers = pd.concat([converting_only, log(("u2", 0, "visit", "B"), ("u4", 0, "visit", "B"))])

    def share(ev):
        return jk.attribute(ev, model="markov", touch_events=["visit"]).set_index("channel")["share"]["B"]

    # converting only: P = 1, without A 0, without B 1/2 -> B gets 0.5 / 1.5
    assert share(converting_only) == pytest.approx(1 / 3)
    # with two B-only dead ends: P = 1/2, without A 1/6, without B 1/4 -> effects 2/3 and 1/2 -> B gets 3/7
    assert share(with_losers) == pytest.approx(3 / 7)


def test_every_model_credits_every_buyer_once():
    table = jk.compare_attribution(JOURNEYS, touch_events=["visit"])
    assert list(table.columns) == list(ATTRIBUTION_MODELS)
    assert table.sum().round(9).eq(4).all()  # a, b, c and e bought
    shop = jk.compare_attribution(jk.datasets.load("shop_events"), touch_events=["visit"])
    buyers = jk.datasets.load("shop_orders")["user_id"].nunique()
    assert shop.sum().round(6).eq(buyers).all()


def test_attribution_errors():
    with pytest.raises(ValueError, match="model='u_shaped' is not one of 'first_touch'"):
        jk.attribute(JOURNEYS, model="u_shaped")
    with pytest.raises(ValueError, match="use jk.attribute"):
        jk.touch_credits(JOURNEYS, model="markov")
    with pytest.raises(jk.SchemaError, match="column 'source' not found"):
        jk.attribute(JOURNEYS, channel_col="source")


def test_journey_comparison_by_hand():
    events = log(("a", 0, "visit", "ads"), ("a", 0.1, "purchase", "ads"),
                 ("b", 0, "visit", "ads"),
                 ("c", 0, "visit", "ref"), ("c", 0.1, "purchase", "ref"), ("c", 30, "purchase", "email"),
                 ("c", 40, "refer_friend", "ref"), ("z", 300, "visit", "ref"), ("z", 300.1, "purchase", "ref"))
    # the last order (day 300) makes a and c eligible for the 60-day and 90-day windows; z is too recent
    orders = pd.DataFrame({"order_id": [1, 2, 3, 4], "user_id": ["a", "c", "c", "z"],
                           "timestamp": events.loc[events["event"] == "purchase", "timestamp"].to_numpy(),
                           "revenue": [50.0, 40.0, 60.0, 10.0]})
    surveys = pd.DataFrame({"user_id": ["a", "c"], "timestamp": pd.to_datetime(["2025-01-05", "2025-01-05"]),
                            "touchpoint": "delivery", "nps": [3, 10]})
    table = jk.journey_comparison(events, orders, surveys, within="60D", horizon="90D").set_index("channel")
    assert table.loc["ads", ["users", "buyers", "conversion"]].tolist() == [2, 1, 0.5]
    assert table.loc["ref", ["users", "buyers", "conversion"]].tolist() == [2, 2, 1.0]
    assert table.loc["ref", "rank_buyer_journey"] == 1 and table.loc["ads", "rank_buyer_journey"] == 2
    assert table.loc["ads", "repeat_rate"] == 0 and table.loc["ref", "repeat_rate"] == 1
    assert table.loc["ref", "clv"] == 100 and table.loc["ref", "repeat_revenue"] == 60
    assert table.loc["ads", "nps"] == -1 and table.loc["ref", "nps"] == 1  # NPS as a fraction, like every rate
    assert table.loc["ref", "referrals_per_customer"] == 0.5 and table.loc["ads", "referrals_per_customer"] == 0
    assert table.loc["ref", "rank_customer_journey"] == 1 and table.loc["ads", "rank_customer_journey"] == 2
    # without any referral event in the log, referrals are not measured (left out), which is not zero
    no_referrals = events[events["event"] != "refer_friend"]
    table = jk.journey_comparison(no_referrals, orders, within="60D", horizon="90D")
    assert "referrals_per_customer" not in table.columns and "refer_friend" in table.attrs["left_out"]
    with pytest.raises(jk.ParameterError, match="referral_event='invite' does not occur"):
        jk.journey_comparison(events, orders, within="60D", horizon="90D", referral_event="invite")


def test_touch_events_that_only_happen_after_a_purchase_are_refused():
    events = pd.DataFrame({"user_id": ["a", "a", "a"], "event": ["visit", "purchase", "review"],
                           "channel": ["ads", "ads", "email"],
                           "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
    with pytest.raises(jk.ParameterError, match=r"\['review'\] occur only after users' first 'purchase'"):
        jk.touch_credits(events, touch_events=["review"])
    with pytest.raises(jk.ParameterError, match="did you mean 'visit'"):
        jk.attribute(events, model="markov", touch_events=["vist"])
