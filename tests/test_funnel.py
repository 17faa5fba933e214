"""Funnels: hand-computed cases for every rule of the definition, properties, and two independent references."""

import itertools

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import journeykit as jk
from sql_reference import duckdb_funnel

matplotlib.use("Agg")
T0 = pd.Timestamp("2025-01-01 10:00")


def log(*rows, extra=None):
    """rows: (user, minutes after T0, event[, channel])"""
    df = pd.DataFrame([r[:3] for r in rows], columns=["user_id", "minutes", "event"])
    df["timestamp"] = T0 + pd.to_timedelta(df.pop("minutes"), unit="min")
    if rows and len(rows[0]) > 3:
        df["channel"] = [r[3] for r in rows]
    return df[["user_id", "timestamp", "event", *(["channel"] if "channel" in df else [])]]


def users_per_step(df, steps, **kw):
    return jk.funnel(df, steps, **kw)["users"].tolist()


# --- the definition, rule by rule -------------------------------------------------------------------


def test_output_columns_and_rates():
    df = log(("a", 0, "view"), ("a", 5, "cart"), ("a", 9, "buy"), ("b", 0, "view"), ("b", 3, "cart"),
             ("c", 0, "view"), ("d", 0, "cart"))
    result = jk.funnel(df, ["view", "cart", "buy"])
    assert list(result.columns) == ["step", "users", "conversion_from_start", "conversion_from_previous", "drop_off"]
    assert result["step"].tolist() == ["view", "cart", "buy"]
    assert result["users"].tolist() == [3, 2, 1]  # d never viewed: not in the funnel
    assert result["conversion_from_start"].tolist() == pytest.approx([1, 2 / 3, 1 / 3])
    assert result["conversion_from_previous"].tolist() == pytest.approx([1, 2 / 3, 1 / 2])
    assert result["drop_off"].tolist() == [0, 1, 1]


def test_order_matters_and_equal_timestamps_count_as_in_order():
    df = log(("a", 10, "buy"), ("a", 20, "view"),   # bought before viewing: not converted
             ("b", 5, "buy"), ("b", 5, "view"))     # same second, rows in reverse order: converted
    assert users_per_step(df, ["view", "buy"]) == [2, 1]
    assert jk.funnel_users(df, ["view", "buy"]).set_index("user_id")["converted"].to_dict() == {"a": False, "b": True}


def test_repeats_count_a_user_once():
    df = log(("a", 0, "view"), ("a", 1, "view"), ("a", 2, "buy"), ("a", 3, "buy"), ("a", 60, "view"))
    assert users_per_step(df, ["view", "buy"]) == [1, 1]


def test_window_is_inclusive_and_measured_from_step_one():
    df = log(("a", 0, "view"), ("a", 60, "cart"), ("a", 120, "buy"),
             ("b", 0, "view"), ("b", 60, "cart"), ("b", 121, "buy"))
    assert users_per_step(df, ["view", "cart", "buy"], window="2h") == [2, 2, 1]
    assert users_per_step(df, ["view", "cart", "buy"], window=pd.Timedelta(minutes=59)) == [2, 0, 0]
    assert users_per_step(df, ["view", "cart", "buy"]) == [2, 2, 2]


def test_a_later_start_succeeds_where_an_earlier_one_timed_out():
    day = 24 * 60
    df = log(("a", 0, "view"), ("a", 10 * day, "view"), ("a", 10 * day + 60, "buy"))
    assert users_per_step(df, ["view", "buy"], window="7D") == [1, 1]
    times = jk.time_to_convert(df, ["view", "buy"], window="7D")
    assert times["duration"].tolist() == [pd.Timedelta(hours=1)]  # measured on the attempt that counts


def test_user_counts_at_the_furthest_step_of_any_attempt():
    day = 24 * 60
    # first attempt reaches cart then times out; second reaches buy within the window
    df = log(("a", 0, "view"), ("a", 30, "cart"), ("a", 9 * day, "buy"),
             ("a", 8 * day, "view"), ("a", 8 * day + 5, "cart"))
    assert users_per_step(df, ["view", "cart", "buy"], window="7D") == [1, 1, 1]


def test_steps_given_as_lists_accept_any_of_their_names():
    df = log(("a", 0, "view"), ("a", 1, "wishlist"), ("a", 2, "buy"),
             ("b", 0, "search"), ("b", 1, "cart"), ("b", 2, "buy"),
             ("c", 0, "view"), ("c", 1, "buy"))
    result = jk.funnel(df, [["view", "search"], ["cart", "wishlist"], "buy"])
    assert result["step"].tolist() == ["view | search", "cart | wishlist", "buy"]
    assert result["users"].tolist() == [3, 2, 2]


def test_a_name_in_two_steps_needs_two_events():
    df = log(("a", 0, "view"), ("b", 0, "view"), ("b", 0, "view"), ("c", 0, "view"), ("c", 5, "view"))
    result = jk.funnel(df, ["view", "view"])
    assert result["step"].tolist() == ["view (step 1)", "view (step 2)"]
    assert result["users"].tolist() == [3, 2]


def test_segment_is_taken_from_the_first_occurrence_of_step_one():
    df = log(("a", 0, "view", "ads"), ("a", 100, "view", "email"), ("a", 101, "buy", "email"),
             ("b", 0, "view", "email"), ("c", 5, "cart", "ads"), ("c", 6, "view", "social"))
    result = jk.funnel(df, ["view", "buy"], by="channel")
    assert list(result.columns[:2]) == ["channel", "step"]
    table = result.set_index(["channel", "step"])["users"]
    assert table.to_dict() == {("ads", "view"): 1, ("ads", "buy"): 1, ("email", "view"): 1, ("email", "buy"): 0,
                               ("social", "view"): 1, ("social", "buy"): 0}
    assert result.loc[result["channel"] == "email", "conversion_from_start"].tolist() == [1.0, 0.0]


def test_segments_without_converters_still_show_every_step():
    df = log(("a", 0, "view", "ads"), ("b", 0, "view", "email"), ("b", 1, "buy", "email"))
    result = jk.funnel(df, ["view", "buy"], by="channel")
    assert len(result) == 4
    assert result["drop_off"].tolist() == [0, 1, 0, 0]


def test_strict_mode_forbids_other_funnel_events_in_between():
    df = log(("a", 0, "view"), ("a", 1, "buy"), ("a", 2, "cart"), ("a", 3, "buy"),   # buy between view and cart
             ("b", 0, "view"), ("b", 1, "view"), ("b", 2, "cart"), ("b", 3, "buy"),  # repeats are fine
             ("c", 0, "view"), ("c", 1, "other"), ("c", 2, "cart"), ("c", 3, "buy"))  # non-funnel events are fine
    assert users_per_step(df, ["view", "cart", "buy"]) == [3, 3, 3]
    assert users_per_step(df, ["view", "cart", "buy"], order="strict") == [3, 2, 2]


def test_strict_mode_tries_later_starts():
    df = log(("a", 0, "view"), ("a", 1, "buy"), ("a", 2, "view"), ("a", 3, "cart"), ("a", 4, "buy"))
    assert users_per_step(df, ["view", "cart", "buy"], order="strict") == [1, 1, 1]


def test_exclusion_between_steps_stops_the_attempt():
    df = log(("a", 0, "checkout"), ("a", 1, "payment_failed"), ("a", 2, "buy"),  # excluded
             ("b", 0, "checkout"), ("b", 1, "buy"), ("b", 2, "payment_failed"),  # after the last step: converts
             ("c", 0, "payment_failed"), ("c", 0, "checkout"), ("c", 1, "buy"),  # same time as step 1: not between
             ("d", 0, "checkout"), ("d", 1, "payment_failed"), ("d", 2, "checkout"), ("d", 3, "buy"))  # retry works
    result = jk.funnel_users(df, ["checkout", "buy"], exclude=["payment_failed"]).set_index("user_id")
    assert result["converted"].to_dict() == {"a": False, "b": True, "c": True, "d": True}


def test_exclusion_at_the_same_time_as_the_next_step_does_not_block():
    df = log(("a", 0, "checkout"), ("a", 1, "payment_failed"), ("a", 1, "buy"))
    assert users_per_step(df, ["checkout", "buy"], exclude=["payment_failed"]) == [1, 1]


# --- the users behind the numbers ---------------------------------------------------------------------


def test_a_tie_does_not_spend_the_event_a_later_step_needs():
    # steps [[a, b], a]: b and a at the same moment; b serves step 1 and a step 2 (equal times count as in order)
    df = log(("u", 2, "a"), ("u", 2, "b"))
    assert users_per_step(df, [["a", "b"], "a"]) == [1, 1]
    assert jk.funnel_users(df, [["a", "b"], "a"])["converted"].tolist() == [True]
    # a repeated step needs two events, tied or not
    assert users_per_step(log(("u", 2, "a"), ("u", 2, "b")), ["a", "b", "a"]) == [1, 1, 0]
    assert users_per_step(log(("u", 2, "a"), ("u", 2, "b"), ("u", 2, "a")), ["a", "b", "a"]) == [1, 1, 1]


def test_entrants_whose_window_is_still_open_are_flagged_not_dropped():
    df = log(("a", 0, "visit"),                                      # day 0: window closed at day 3, dropped
             ("b", 8 * 1440, "visit"),                               # day 8: window open until day 11
             ("c", 9 * 1440, "visit"), ("c", 9 * 1440 + 5, "buy"),   # converted: final whatever the window
             ("d", 10 * 1440, "visit"))                              # the last event of the data: open
    users = jk.funnel_users(df, ["visit", "buy"], window="3D").set_index("user_id")["window_closed"]
    assert users.to_dict() == {"a": True, "b": False, "c": True, "d": False}
    result = jk.funnel(df, ["visit", "buy"], window="3D")
    assert result.attrs["open_window_users"] == 2 and result.attrs["data_end"] == df["timestamp"].max()
    unbounded = jk.funnel_users(df, ["visit", "buy"]).set_index("user_id")["window_closed"]
    assert unbounded.to_dict() == {"a": False, "b": False, "c": True, "d": False}


def test_funnel_results_find_their_segment_by_name():
    df = log(("a", 0, "visit", "ads"), ("a", 1, "buy", "ads"), ("b", 0, "visit", "email"))
    result = jk.funnel(df, ["visit", "buy"], by="channel")
    moved = result[["step", "users", "channel", "conversion_from_start", "conversion_from_previous", "drop_off"]]
    pd.testing.assert_frame_equal(jk.funnel_confidence(moved)[result.columns],
                                  jk.funnel_confidence(result)[result.columns])
    assert jk.compare_funnel_segments(moved, "ads", "email")["rate_a"] == 1.0
    bare = moved.copy()
    bare.attrs = {}  # e.g. after a round trip through CSV: the one column that is not the funnel's is the segment
    assert jk.compare_funnel_segments(bare, "ads", "email")["rate_a"] == 1.0
    with pytest.raises(jk.ParameterError, match="cannot tell which of"):
        jk.funnel_confidence(bare.assign(note="x"))


def test_funnel_users_and_dropped_users():
    df = log(("a", 0, "view", "ads"), ("a", 1, "cart", "ads"), ("a", 2, "buy", "ads"),
             ("b", 0, "view", "email"), ("b", 5, "cart", "email"),
             ("c", 0, "view", "ads"), ("d", 0, "buy", "ads"))
    users = jk.funnel_users(df, ["view", "cart", "buy"], by="channel")
    assert users["user_id"].tolist() == ["a", "b", "c"]
    assert users["furthest_step"].tolist() == [3, 2, 1]
    assert users["furthest_step_label"].tolist() == ["buy", "cart", "view"]
    assert users["channel"].tolist() == ["ads", "email", "ads"]
    assert users["reached_at"].tolist() == [T0 + pd.Timedelta(minutes=2), T0 + pd.Timedelta(minutes=5), T0]
    assert jk.dropped_users(df, ["view", "cart", "buy"], at="buy")["user_id"].tolist() == ["b"]
    assert jk.dropped_users(df, ["view", "cart", "buy"], at=2)["user_id"].tolist() == ["c"]
    with pytest.raises(ValueError, match="nobody drops before step 1"):
        jk.dropped_users(df, ["view", "cart", "buy"], at=1)
    with pytest.raises(ValueError, match="no step labelled 'pay'"):
        jk.dropped_users(df, ["view", "cart", "buy"], at="pay")


def test_time_to_convert_per_transition_and_end_to_end():
    df = log(("a", 0, "view"), ("a", 30, "cart"), ("a", 90, "buy"),
             ("b", 0, "view"), ("b", 10, "cart"))
    times = jk.time_to_convert(df, ["view", "cart", "buy"])
    assert times[["user_id", "from_step", "to_step", "hours"]].values.tolist() == [
        ["a", "view", "cart", 0.5], ["b", "view", "cart", 10 / 60], ["a", "cart", "buy", 1.0],
        ["a", "view", "buy", 1.5]]
    summary = jk.time_to_convert_summary(times)
    first = summary.iloc[0]
    assert (first["from_step"], first["to_step"], first["users"]) == ("view", "cart", 2)
    assert first["median"] == pd.Timedelta(minutes=20)


# --- uncertainty ----------------------------------------------------------------------------------------


def test_wilson_interval_known_values():
    low, high = jk.wilson_interval([0, 5, 10], [10, 10, 10])
    assert low.round(4).tolist() == [0.0, 0.2366, 0.7225]
    assert high.round(4).tolist() == [0.2775, 0.7634, 1.0]


def test_funnel_confidence_flags_small_segments():
    df = log(*[(f"u{i}", 0, "view", "ads") for i in range(40)], *[(f"u{i}", 1, "buy", "ads") for i in range(20)],
             *[(f"v{i}", 0, "view", "email") for i in range(5)], ("v0", 1, "buy", "email"))
    result = jk.funnel_confidence(jk.funnel(df, ["view", "buy"], by="channel"))
    assert result["small_sample"].tolist() == [False, False, True, True]
    ads_buy = result.iloc[1]
    assert ads_buy["ci_low"] < 0.5 < ads_buy["ci_high"]


def test_compare_segments_says_whether_a_gap_is_noise():
    rows = [(f"m{i}", 0, "view", "mobile") for i in range(400)] + [(f"d{i}", 0, "view", "desktop") for i in range(400)]
    rows += [(f"m{i}", 1, "buy", "mobile") for i in range(80)] + [(f"d{i}", 1, "buy", "desktop") for i in range(120)]
    result = jk.funnel(log(*rows), ["view", "buy"], by="channel")
    verdict = jk.compare_funnel_segments(result, "desktop", "mobile")
    assert verdict["rate_a"] == pytest.approx(0.3) and verdict["rate_b"] == pytest.approx(0.2)
    assert verdict["p_value"] < 0.01
    assert verdict["verdict"] == "desktop converts better than mobile (30.0% vs 20.0%, p = 0.001)"
    close = jk.compare_proportions(21, 100, 20, 100)
    assert close["verdict"].startswith("no clear difference")
    tiny = jk.compare_proportions(9, 10, 1, 10)
    assert tiny["small_sample"] and tiny["verdict"].startswith("too few users to tell")
    with pytest.raises(ValueError, match="no segment 'tablet'"):
        jk.compare_funnel_segments(result, "tablet", "mobile")


# --- errors ---------------------------------------------------------------------------------------------


def test_unknown_step_names_are_named_with_suggestions():
    df = log(("a", 0, "view_product"), ("a", 1, "purchase"))
    with pytest.raises(ValueError, match=r"steps: 'purchse' \(did you mean 'purchase'\?\) does not occur"):
        jk.funnel(df, ["view_product", "purchse"])
    with pytest.raises(ValueError, match=r"exclude: 'refund' does not occur"):
        jk.funnel(df, ["view_product", "purchase"], exclude=["refund"])


@pytest.mark.parametrize("steps, message", [
    ([], "steps is empty"),
    ("view", "got the single string 'view'"),
    (["view", []], "step 2 must be an event name or a non-empty list"),
])
def test_bad_steps(steps, message):
    with pytest.raises(ValueError, match=message):
        jk.funnel(log(("a", 0, "view")), steps)


@pytest.mark.parametrize("window", ["0D", "-1h", pd.Timedelta(0)])
def test_window_must_be_positive(window):
    with pytest.raises(ValueError, match="window must be a positive duration"):
        jk.funnel(log(("a", 0, "view")), ["view"], window=window)


def test_window_must_be_a_duration():
    with pytest.raises(ValueError, match="window='a week' is not a duration"):
        jk.funnel(log(("a", 0, "view")), ["view"], window="a week")


def test_bad_segment_and_event_log_errors():
    df = log(("a", 0, "view"))
    with pytest.raises(jk.SchemaError, match="column 'channnel' not found"):
        jk.funnel(df, ["view"], by="channnel")
    with pytest.raises(jk.SchemaError, match="column 'user_id' not found"):
        jk.funnel(df.rename(columns={"user_id": "uid"}), ["view"])
    assert jk.funnel(df.rename(columns={"user_id": "uid"}), ["view"], user_col="uid")["users"].tolist() == [1]


def test_strict_mode_rejects_a_name_in_two_steps():
    with pytest.raises(ValueError, match="order=.strict. needs each event name in one step only"):
        jk.funnel(log(("a", 0, "view")), ["view", "view"], order="strict")


def test_input_is_not_modified():
    df = log(("b", 5, "buy"), ("a", 0, "view"), ("a", 1, "buy"))
    before = df.copy(deep=True)
    jk.funnel(df, ["view", "buy"], window="1h")
    jk.funnel_users(df, ["view", "buy"])
    pd.testing.assert_frame_equal(df, before)


# --- the chart ------------------------------------------------------------------------------------------


def test_plot_funnel_returns_the_axes_it_drew_on():
    import matplotlib.pyplot as plt

    df = log(("a", 0, "view", "ads"), ("a", 1, "buy", "ads"), ("b", 0, "view", "email"))
    fig, ax = plt.subplots()
    assert jk.plot_funnel(jk.funnel(df, ["view", "buy"]), ax=ax) is ax
    assert len(ax.patches) == 2
    fig2, ax2 = plt.subplots()
    assert jk.plot_funnel(jk.funnel(df, ["view", "buy"], by="channel"), ax=ax2) is ax2
    assert len(ax2.patches) == 4 and ax2.get_legend() is not None
    plt.close("all")


# --- references: a brute-force reading of the definition, and DuckDB ------------------------------------


def brute_force(df, steps, window):
    """Literal definition: the longest chain of distinct events t1 <= ... <= tk with tk - t1 <= window."""
    limit = pd.Timedelta(window) if window else None
    counts = [0] * len(steps)
    for _, user in df.groupby("user_id"):
        rows = list(user.itertuples(index=False))
        best = 0
        for k in range(1, len(steps) + 1):
            for chain in itertools.permutations(rows, k):
                if all(chain[i].event in steps[i] for i in range(k)) \
                        and all(chain[i].timestamp <= chain[i + 1].timestamp for i in range(k - 1)) \
                        and (limit is None or chain[-1].timestamp - chain[0].timestamp <= limit):
                    best = k
                    break
            if best < k:
                break
        for k in range(best):
            counts[k] += 1
    return counts


small_logs = st.lists(st.tuples(st.sampled_from("uvw"), st.integers(0, 12), st.sampled_from("abcx")),
                      min_size=1, max_size=14)


@settings(max_examples=120, deadline=None)
@given(small_logs, st.sampled_from([None, "2min", "5min"]),
       st.sampled_from([["a", "b"], ["a", "b", "c"], [["a", "x"], "b", "c"], ["b", "a", "c"], ["a", "b", "a"],
                        [["a", "b"], "a"], ["a", ["a", "b"], "b"], ["a", "a", "b"]]))
def test_matches_a_brute_force_reading_of_the_definition(rows, window, steps):
    df = log(*rows)
    steps_t = [(s,) if isinstance(s, str) else tuple(s) for s in steps]
    if not set(df["event"]) & set(steps_t[0]):
        return
    expected = brute_force(df, steps_t, window)
    known = set(df["event"])
    if not all(n in known for s in steps_t for n in s):
        return
    assert users_per_step(df, steps, window=window) == expected
    furthest = jk.funnel_users(df, steps, window=window)["furthest_step"]
    assert [int((furthest >= k).sum()) for k in range(1, len(steps) + 1)] == expected, "funnel_users agrees"


@settings(max_examples=60, deadline=None)
@given(small_logs, st.randoms(use_true_random=False), st.sampled_from([None, "3min"]))
def test_properties(rows, rnd, window):
    df = log(*rows)
    steps = ["a", "b", "c"]
    if not {"a", "b", "c"} <= set(df["event"]):
        return
    counts = users_per_step(df, steps, window=window)
    assert all(x >= y for x, y in zip(counts, counts[1:])), "counts never rise from step to step"
    shuffled = df.sample(frac=1, random_state=rnd.randint(0, 10**6))
    assert users_per_step(shuffled, steps, window=window) == counts, "row order does not matter"
    outsiders = log(("z1", 0, "b"), ("z1", 1, "c"), ("z2", 3, "x"))
    assert users_per_step(pd.concat([df, outsiders]), steps, window=window) == counts, "non-entrants change nothing"
    wider = users_per_step(df, steps, window=None)
    assert all(w >= c for w, c in zip(wider, counts)), "a longer window never loses users"
    assert all(s <= c for s, c in zip(users_per_step(df, steps, window=window, order="strict"), counts))
    if "x" in set(df["event"]):
        assert all(e <= c for e, c in zip(users_per_step(df, steps, window=window, exclude=["x"]), counts))
    result = jk.funnel(df, steps, window=window)
    assert result["conversion_from_start"].between(0, 1).all()


@pytest.mark.parametrize("window", [None, "1D", "6h"])
def test_matches_duckdb_on_a_random_log(window):
    rng = np.random.default_rng(5)
    n = 20_000
    names = np.array(["visit", "view", "cart", "checkout", "buy", "other"])
    df = pd.DataFrame({
        "user_id": rng.integers(0, 2_000, n).astype(str),
        "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 30 * 24 * 3600, n), unit="s"),
        "event": names[rng.choice(6, n, p=[0.3, 0.3, 0.15, 0.1, 0.05, 0.1])],
    })
    steps = ["visit", "view", "cart", "checkout", "buy"]
    assert users_per_step(df, steps, window=window) == duckdb_funnel(df, steps, window)


def _log(*rows):
    df = pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "session_id", "device"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601")
    return df


HELD = _log(("a", "2025-01-01 10:00", "view", "s1", "mobile"), ("a", "2025-01-02 10:00", "cart", "s2", "desktop"),
            ("a", "2025-01-03 10:00", "view", "s3", "desktop"), ("a", "2025-01-03 10:05", "cart", "s3", "desktop"),
            ("a", "2025-01-03 10:09", "buy", "s4", "desktop"),
            ("b", "2025-01-01 11:00", "view", "s5", "mobile"), ("b", "2025-01-01 11:05", "cart", "s5", "mobile"),
            ("b", "2025-01-01 11:09", "buy", "s5", "tablet"),
            ("c", "2025-01-01 12:00", "view", "s6", "mobile"), ("c", "2025-01-01 12:05", "cart", None, "mobile"))


def test_holding_the_session_constant():
    steps = ["view", "cart", "buy"]
    assert jk.funnel(HELD, steps)["users"].tolist() == [3, 3, 2]
    held = jk.funnel(HELD, steps, same="session_id")
    # a reaches the cart within session s3 but pays in s4; b does all three in s5; c's cart has no session
    assert held["users"].tolist() == [3, 2, 1]
    users = jk.funnel_users(HELD, steps, same="session_id").set_index("user_id")
    assert users["furthest_step"].to_dict() == {"a": 2, "b": 3, "c": 1}
    assert users.loc["a", "entered_at"] == pd.Timestamp("2025-01-03 10:00")  # the attempt that went furthest
    shuffled = HELD.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(jk.funnel(shuffled, steps, same=["session_id"]), held)


def test_whose_value_is_the_segment():
    steps = ["view", "cart", "buy"]
    first = jk.funnel_users(HELD, steps, by="device").set_index("user_id")["device"]
    last = jk.funnel_users(HELD, steps, by="device", segment_from="last").set_index("user_id")["device"]
    at_buy = jk.funnel_users(HELD, steps, by="device", segment_from="buy").set_index("user_id")["device"]
    assert first.to_dict() == {"a": "mobile", "b": "mobile", "c": "mobile"}
    assert last.to_dict() == {"a": "desktop", "b": "tablet", "c": "mobile"}
    assert at_buy["b"] == "tablet" and at_buy["a"] == "desktop" and pd.isna(at_buy["c"])
    counts = jk.funnel(HELD, steps, by="device", segment_from=3)
    assert counts.groupby("device", dropna=False)["users"].first().to_dict().get("tablet") == 1
    with pytest.raises(jk.ParameterError, match="pass by= too"):
        jk.funnel(HELD, steps, segment_from="last")
    with pytest.raises(jk.ParameterError, match="no step labelled 'pay'"):
        jk.funnel(HELD, steps, by="device", segment_from="pay")
    with pytest.raises(jk.ParameterError, match="same=\\[.device.\\] names the segment"):
        jk.funnel(HELD, steps, by="device", same="device")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_holding_a_column_constant_is_the_best_funnel_within_each_value(seed):
    rng = np.random.default_rng(seed)
    n = 400
    log = pd.DataFrame({"user_id": rng.integers(0, 30, n).astype(str),
                        "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 20 * 24, n), "h"),
                        "event": rng.choice(["view", "cart", "buy"], n), "session_id": rng.integers(0, 4, n)})
    steps = ["view", "cart", "buy"]
    held = jk.funnel_users(log, steps, window="3D", same="session_id").set_index("user_id")["furthest_step"]
    split = log.assign(user_id=log["user_id"] + "|" + log["session_id"].astype(str))
    per_value = jk.funnel_users(split, steps, window="3D")
    best = per_value.groupby(per_value["user_id"].str.split("|").str[0])["furthest_step"].max()
    pd.testing.assert_series_equal(held.sort_index(), best.sort_index(), check_names=False)


def test_holding_a_column_constant_keeps_the_segment_of_the_first_step_one_event():
    events = pd.DataFrame({"user_id": ["u", "u", "u"], "event": ["view", "view", "buy"], "session": [1, 2, 2],
                           "channel": ["A", "B", "B"],
                           "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-02 10:00", "2025-01-02 10:05"])})
    held = jk.funnel_users(events, ["view", "buy"], by="channel", same="session")
    assert held["channel"].tolist() == ["A"]  # as without same=: turning it on moves nobody between segments
    assert held["converted"].tolist() == [True]


# --- any order ---------------------------------------------------------------------------------------


def test_any_order_counts_steps_done_in_any_sequence():
    df = log(("a", 0, "buy"), ("a", 60, "view"),  # bought first, then viewed
             ("b", 0, "view"), ("b", 10, "buy"),  # in order
             ("c", 0, "cart"), ("c", 5, "buy"))  # never did step 1: not in the funnel
    assert users_per_step(df, ["view", "buy"]) == [2, 1]
    assert users_per_step(df, ["view", "buy"], order="any") == [2, 2]


def test_any_order_needs_all_steps_within_one_window():
    day = 24 * 60
    df = log(("a", 0, "view"), ("a", 3 * day, "cart"), ("a", 1 * day, "buy"),  # view+cart span 3 days
             ("b", 0, "view"), ("b", 10 * day, "cart"), ("b", 11 * day, "view"), ("b", 12 * day, "buy"))
    # a: steps 1..2 need view and cart within 2 days: no. b: a later window (days 10-12) holds all three.
    assert users_per_step(df, ["view", "cart", "buy"], order="any", window="2D") == [2, 1, 1]
    assert users_per_step(df, ["view", "cart", "buy"], order="any") == [2, 2, 2]
    users = jk.funnel_users(df, ["view", "cart", "buy"], order="any", window="2D").set_index("user_id")
    assert users.loc["b", "entered_at"] == T0 + pd.Timedelta(days=10), "the window that converts, from its cart"
    assert users.loc["b", "reached_at"] == T0 + pd.Timedelta(days=12), "to its purchase"
    assert users.loc["a", "reached_at"] == users.loc["a", "entered_at"] == T0


def test_any_order_ties_and_segments():
    df = log(("a", 0, "buy", "ads"), ("a", 0, "view", "email"), ("b", 5, "view", "ads"), ("b", 1, "cart", "seo"))
    result = jk.funnel(df, ["view", "buy"], order="any", by="channel")
    assert result.set_index(["channel", "step"])["users"].to_dict() == {
        ("ads", "view"): 1, ("ads", "buy"): 0, ("email", "view"): 1, ("email", "buy"): 1}
    last = jk.funnel_users(df, ["view", "cart"], order="any", by="channel", segment_from="last")
    assert last.set_index("user_id")["channel"].to_dict() == {"a": "email", "b": "seo"}


def test_any_order_open_windows_count_any_step():
    day = 24 * 60
    # b did view long ago and buy two days before the end of the data: a view now could still complete a window.
    df = log(("a", 0, "view"), ("a", 20 * day, "other"), ("b", 0, "view"), ("b", 18 * day, "buy"))
    users = jk.funnel_users(df, ["view", "buy"], order="any", window="3D").set_index("user_id")
    assert users["window_closed"].to_dict() == {"a": True, "b": False}


def test_any_order_refuses_what_has_no_meaning_without_order():
    df = log(("a", 0, "view"), ("a", 1, "buy"), ("a", 2, "x"))
    with pytest.raises(jk.ParameterError, match="one step only"):
        jk.funnel(df, ["view", ["view", "buy"]], order="any")
    with pytest.raises(jk.ParameterError, match="no sequence"):
        jk.funnel(df, ["view", "buy"], order="any", exclude=["x"])
    with pytest.raises(jk.ParameterError, match="in order"):
        jk.time_to_convert(df, ["view", "buy"], order="any")
    with pytest.raises(jk.ParameterError, match="Did you mean 'any'"):
        jk.funnel(df, ["view", "buy"], order="anz")


def brute_force_any(df, steps, window):
    """Literal definition: steps 1..k each served by a different event, all within one window, any sequence."""
    limit = pd.Timedelta(window) if window else None
    counts = [0] * len(steps)
    for _, user in df.groupby("user_id"):
        best = 0
        for k in range(1, len(steps) + 1):
            times = [user.loc[user["event"].isin(list(steps[i])), "timestamp"].tolist() for i in range(k)]
            if any(not t for t in times):
                break
            found = any(limit is None or max(c) - min(c) <= limit for c in itertools.product(*times))
            if not found:
                break
            best = k
        for k in range(best):
            counts[k] += 1
    return counts


@settings(max_examples=120, deadline=None)
@given(small_logs, st.sampled_from([None, "2min", "5min"]),
       st.sampled_from([["a", "b"], ["a", "b", "c"], [["a", "x"], "b", "c"], ["b", "a", "c"], ["c", ["a", "b"]]]))
def test_any_order_matches_a_brute_force_reading(rows, window, steps):
    df = log(*rows)
    known = set(df["event"])
    if not all(n in known for s in steps for n in ([s] if isinstance(s, str) else s)):
        return
    steps_t = [tuple([s]) if isinstance(s, str) else tuple(s) for s in steps]
    counts = users_per_step(df, steps, window=window, order="any")
    assert counts == brute_force_any(df, steps_t, window)
    ordered = users_per_step(df, steps, window=window)
    assert all(a >= o for a, o in zip(counts, ordered)), "any order never counts fewer than in order"


@settings(max_examples=60, deadline=None)
@given(small_logs, st.randoms(use_true_random=False), st.sampled_from([None, "3min"]))
def test_any_order_properties(rows, rnd, window):
    df = log(*rows)
    if not {"a", "b", "c"} <= set(df["event"]):
        return
    counts = users_per_step(df, ["a", "b", "c"], window=window, order="any")
    assert all(x >= y for x, y in zip(counts, counts[1:])), "counts never rise from step to step"
    shuffled = df.sample(frac=1, random_state=rnd.randint(0, 10**6))
    assert users_per_step(shuffled, ["a", "b", "c"], window=window, order="any") == counts
    for steps in itertools.permutations("abc"):
        assert users_per_step(df, list(steps), window=window, order="any")[-1] == counts[-1], \
            "who does every step within a window does not depend on how the steps are listed"


def test_strict_is_the_old_name_of_order_for_one_release():
    df = log(("a", 0, "view"), ("a", 1, "buy"), ("a", 2, "view"), ("b", 0, "view"), ("b", 1, "x"), ("b", 2, "buy"))
    with pytest.warns(FutureWarning, match="strict= is now called order="):
        old = jk.funnel(df, ["view", "buy"], strict=True)
    pd.testing.assert_frame_equal(old, jk.funnel(df, ["view", "buy"], order="strict"))
    with pytest.warns(FutureWarning):
        assert jk.funnel_trends(df, ["view", "buy"], window="1D", strict=False)["converted"].sum() == 2
    with pytest.raises(jk.ParameterError, match="pass only order="):
        jk.funnel(df, ["view", "buy"], order="any", strict=True)
