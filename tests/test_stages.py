"""Stage models: mapping events to stages, furthest stage, summaries, non-linear journeys and crosswalks."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import journeykit as jk

SIMPLE = jk.StageModel("simple", stages=[("See", "sees"), ("Think", "thinks"), ("Buy", "buys"), ("Stay", "stays")],
                       events={"visit": "See", "view": "Think", "buy": "Buy", "review": "Stay"},
                       rules=(("event == 'buy' and occurrence > 1", "Stay"),))


def log(*rows):
    df = pd.DataFrame(rows, columns=["user_id", "timestamp", "event"][: len(rows[0])] if len(rows[0]) == 3
                      else ["user_id", "timestamp", "event", "phase"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601")
    return df


def test_names_and_rules_place_every_event():
    events = log(("a", "2025-01-01 10:00", "visit"), ("a", "2025-01-01 10:05", "buy"), ("a", "2025-02-01", "buy"))
    out = jk.assign_stages(events, SIMPLE)
    assert out["stage"].tolist() == ["See", "Buy", "Stay"]  # the second purchase is retention (a rule)
    assert out["stage_number"].tolist() == [1, 3, 4]
    assert out["stage"].cat.ordered and list(out["stage"].cat.categories) == ["See", "Think", "Buy", "Stay"]


def test_rules_on_other_columns_win_over_names():
    model = jk.stage_model("subscription")
    events = log(("a", "2025-01-01", "use_feature", "trial"), ("a", "2025-02-01", "use_feature", "paid"))
    assert jk.assign_stages(events, model)["stage"].tolist() == ["Activation", "Subscription"]


def test_subscription_stages_mean_what_their_names_say():
    # Using the app while paying is the subscription; Renewal is paying again; a cancellation is no step forward.
    model = jk.stage_model("subscription")
    events = log(("a", "2025-01-01", "start_trial", "trial"), ("a", "2025-01-15", "subscribe", "paid"),
                 ("a", "2025-01-20", "use_feature", "paid"), ("a", "2025-02-10", "cancel", "paid"),
                 ("b", "2025-01-01", "subscribe", "paid"), ("b", "2025-02-01", "renew", "paid"),
                 ("b", "2025-02-03", "use_feature", "paid"), ("b", "2025-03-02", "cancel", "paid"))
    out = jk.assign_stages(events, model)
    assert out["stage"].tolist() == ["Trial", "Subscription", "Subscription", "Subscription",
                                     "Subscription", "Renewal", "Subscription", "Renewal"]
    assert jk.furthest_stage(events, model).set_index("user_id")["furthest_stage"].to_dict() == {
        "a": "Subscription", "b": "Renewal"}


def test_awareness_is_first_contact_only():
    # A return visit is Consideration; a customer's return visit or article read comes after the purchase.
    events = log(("a", "2025-01-01 10:00", "visit"), ("a", "2025-01-01 10:01", "read_article"),
                 ("a", "2025-01-04 09:00", "visit"), ("a", "2025-01-04 09:02", "read_article"),
                 ("a", "2025-01-04 09:05", "purchase"), ("a", "2025-02-01 08:00", "visit"),
                 ("a", "2025-02-01 08:01", "read_article"))
    assert jk.assign_stages(events, "6-stage")["stage"].tolist() == [
        "Awareness", "Awareness", "Consideration", "Awareness", "Purchase", "Retention", "Retention"]
    # a prospect who filled a cart but did not pay is no customer, even where the cart and the purchase share a
    # stage (the 4-stage model puts both in Purchase)
    cart = log(("c", "2025-01-01 10:00", "visit"), ("c", "2025-01-01 10:05", "add_to_cart"),
               ("c", "2025-01-03 09:00", "visit"))
    assert jk.assign_stages(cart, "4-stage")["stage"].tolist() == ["Awareness", "Purchase", "Consideration"]
    assert jk.assign_stages(cart, "5-stage-advocacy")["stage"].tolist()[-1] == "Consideration"
    # models without a stage for buying again send the customer back to Consideration
    assert jk.assign_stages(events, "5-stage-evaluation")["stage"].tolist()[-2:] == ["Consideration"] * 2
    assert jk.assign_stages(events, "4-stage")["stage"].tolist()[-2:] == ["Post-purchase"] * 2


def test_reached_counts_strictly_earlier_moments_only():
    model = jk.StageModel("m", stages=[("See", ""), ("Buy", ""), ("Again", "")],
                          events={"visit": "See", "buy": "Buy"}, rules=(("event == 'visit' and reached >= 2", "Again"),))
    # a visit at the same second as the purchase does not come after it, whatever the row order
    events = log(("a", "2025-01-01 10:00", "buy"), ("a", "2025-01-01 10:00", "visit"),
                 ("a", "2025-01-01 10:01", "visit"), ("b", "2025-01-01 09:00", "visit"))
    for frame in (events, events.iloc[::-1]):
        out = jk.assign_stages(frame, model)
        assert list(zip(out["user_id"], out["event"], out["stage"].astype(str))) == [
            ("a", "visit", "See"), ("a", "buy", "Buy"), ("a", "visit", "Again"), ("b", "visit", "See")]


def test_unmapped_events_are_named_or_kept_under_a_label():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-02", "wishlist"), ("b", "2025-01-02", "wishlist"),
                 ("b", "2025-01-03", "chat"))
    with pytest.raises(ValueError, match=r"2 event names are not mapped to a stage of model 'simple': "
                                         r"'wishlist' \(2\), 'chat' \(1\)"):
        jk.assign_stages(events, SIMPLE)
    kept = jk.assign_stages(events, SIMPLE, keep_unmapped="Other")
    assert kept["stage"].tolist() == ["See", "Other", "Other", "Other"]
    assert kept["stage_number"].isna().tolist() == [False, True, True, True]
    with pytest.raises(ValueError, match="keep_unmapped='Buy' is a stage of the model"):
        jk.assign_stages(events, SIMPLE, keep_unmapped="Buy")


def test_a_bad_rule_is_reported():
    model = jk.StageModel("bad", stages=[("A", "a")], events={"visit": "A"}, rules=(("colour == 'red'", "A"),))
    with pytest.raises(ValueError, match=r"rule \"colour == 'red'\" of model 'bad' could not be evaluated"):
        jk.assign_stages(log(("a", "2025-01-01", "visit")), model)


def test_model_definitions_are_checked():
    with pytest.raises(ValueError, match="point to stages that are not in it: \\['Buy'\\]"):
        jk.StageModel("m", stages=[("See", "")], events={"buy": "Buy"})
    with pytest.raises(ValueError, match="stage names must be unique"):
        jk.StageModel("m", stages=[("See", ""), ("See", "")], events={})
    with pytest.raises(ValueError, match="no stage preset called '6stage'. Did you mean '6-stage'"):
        jk.stage_model("6stage")


def test_furthest_stage_and_first_entries_with_skips_and_repeats():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-03", "buy"),  # skips Think
                 ("a", "2025-01-05", "visit"), ("a", "2025-01-09", "review"),
                 ("b", "2025-01-02", "view"), ("b", "2025-01-04", "visit"))     # starts in Think
    out = jk.furthest_stage(events, SIMPLE).set_index("user_id")
    assert out["furthest_stage"].tolist() == ["Stay", "Think"]
    assert out.loc["a", "first_See"] == pd.Timestamp("2025-01-01")  # first entry, not the later visit
    assert pd.isna(out.loc["a", "first_Think"])
    assert out.loc["b", "first_See"] == pd.Timestamp("2025-01-04")


def test_summary_counts_users_and_median_time_between_first_entries():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-03", "view"), ("a", "2025-01-04", "buy"),
                 ("b", "2025-01-01", "visit"), ("b", "2025-01-05", "view"),
                 ("c", "2025-01-10", "view"), ("c", "2025-01-11", "visit"),  # entered Think before See: not timed
                 ("d", "2025-01-01", "visit"))
    summary = jk.stage_summary(events, SIMPLE).set_index("stage")
    assert summary["users"].tolist() == [4, 3, 1, 0]
    assert summary.loc["Think", "share_of_previous"] == 0.75
    assert summary.loc["Think", "median_time_from_previous"] == pd.Timedelta(days=3)  # 2 and 4 days
    assert summary.loc["Think", "timed_users"] == 2
    assert pd.isna(summary.loc["Stay", "median_time_from_previous"])


def test_backtracks_show_where_journeys_loop():
    events = log(("a", "2025-01-01 10:00", "visit"), ("a", "2025-01-01 10:01", "view"),
                 ("a", "2025-01-02 10:00", "visit"), ("a", "2025-01-02 10:01", "view"), ("a", "2025-01-02 10:02", "buy"),
                 ("b", "2025-01-01", "visit"), ("b", "2025-01-02", "view"))
    back = jk.backtracks(events, SIMPLE)
    assert back[["from_stage", "to_stage", "moves", "users"]].values.tolist() == [["Think", "See", 1, 1]]
    assert back["share_of_users"].iloc[0] == 0.5
    moves = jk.stage_transitions(events, SIMPLE)
    assert moves.groupby("from_stage")["probability"].sum().round(12).eq(1).all()
    assert moves.set_index(["from_stage", "to_stage"])["moves"].to_dict() == {
        ("See", "Think"): 3, ("Think", "Buy"): 1, ("Think", "See"): 1}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 5), st.sampled_from(["visit", "view", "buy"])),
                min_size=1, max_size=15), st.randoms(use_true_random=False))
def test_row_order_and_ties_do_not_change_results(rows, rnd):
    events = pd.DataFrame({"user_id": [r[0] for r in rows], "event": [r[2] for r in rows],
                           "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta([r[1] for r in rows], unit="h")})
    shuffled = events.sample(frac=1, random_state=rnd.randint(0, 10**6))
    pd.testing.assert_frame_equal(jk.stage_summary(shuffled, SIMPLE), jk.stage_summary(events, SIMPLE))
    pd.testing.assert_frame_equal(jk.stage_transitions(shuffled, SIMPLE), jk.stage_transitions(events, SIMPLE))


def test_crosswalk_reads_one_log_in_several_frameworks():
    table = jk.crosswalk(["4-stage", "6-stage"])
    row = table.set_index("event").loc["add_to_cart"]
    assert (row["4-stage"], row["6-stage"]) == ("Purchase", "Decision")
    events = log(("a", "2025-01-01", "purchase"), ("a", "2025-02-01", "purchase"))
    with_log = jk.crosswalk(["5-stage-advocacy", "6-stage"], events)
    assert with_log[["5-stage-advocacy", "6-stage", "events"]].values.tolist() == [
        ["Decision", "Purchase", 1], ["Post-purchase", "Retention", 1]]


def test_presets_are_listed_with_a_description_for_every_stage():
    presets = jk.stage_presets()
    assert {"4-stage", "5-stage-intent", "5-stage-evaluation", "5-stage-advocacy", "6-stage"} <= set(presets["name"])
    assert presets.set_index("name").loc["5-stage-intent", "sequence"] == \
        "Awareness → Consideration → Intent → Purchase → Post-purchase"
    for name in presets["name"]:
        described = jk.stage_model(name).describe()
        assert described["description"].str.len().gt(10).all()


@pytest.mark.parametrize("name", ["4-stage", "5-stage-intent", "5-stage-evaluation", "5-stage-advocacy", "6-stage"])
def test_each_shop_preset_covers_the_sample_shop(name):
    out = jk.assign_stages(jk.datasets.load("shop_events"), name)
    assert out["stage"].notna().all()
    answers = jk.emotion_scores(jk.datasets.load("shop_surveys"), name)
    assert len(answers) == jk.datasets.load("shop_surveys")["csat"].notna().sum()


def test_the_subscription_preset_covers_the_subscription_app():
    out = jk.assign_stages(jk.datasets.load("subscription_events"), "subscription")
    assert out["stage"].notna().all()
    assert set(out["stage"]) == set(jk.stage_model("subscription").stage_names)


def test_a_column_named_like_a_history_fact_is_refused_not_overwritten():
    events = log(("a", "2025-01-01", "visit"), ("a", "2025-01-02", "visit")).assign(customer="yes")
    with pytest.raises(jk.SchemaError, match="column named 'customer'"):
        jk.assign_stages(events, "6-stage")
