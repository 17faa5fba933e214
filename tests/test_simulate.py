"""The sample-data simulator: reproducible, coherent, and showing the rates it documents."""

import filecmp

import pandas as pd
import pytest

import journeykit as jk
from journeykit.course.simulate import write_datasets


@pytest.fixture(scope="module")
def shop():
    return jk.datasets.load_business("shop")


@pytest.fixture(scope="module")
def app():
    return jk.datasets.load_business("subscription")


# --- reproducibility --------------------------------------------------------------------------------


def test_same_seed_gives_identical_tables_and_another_seed_does_not():
    first, second = jk.simulate_shop(300, seed=11), jk.simulate_shop(300, seed=11)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    assert not first["events"].equals(jk.simulate_shop(300, seed=12)["events"])
    a, b = jk.simulate_subscription(200, seed=3), jk.simulate_subscription(200, seed=3)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_shipped_files_are_regenerated_bit_for_bit(tmp_path):
    written = write_datasets(tmp_path)
    shipped = jk.datasets.data_dir()
    assert sorted(p.name for p in written) == sorted(jk.datasets.describe()["file"])
    for path in written:
        assert filecmp.cmp(path, shipped / path.name, shallow=False), f"{path.name} differs from the shipped file"


# --- the contract and referential integrity ----------------------------------------------------------


def test_every_table_follows_the_contract(shop, app):
    for tables in (shop, app):
        jk.validate_events(tables["events"])
        jk.validate_surveys(tables["surveys"])
    jk.validate_orders(shop["orders"])
    jk.validate_orders(app["invoices"])


def test_shop_span_and_size(shop):
    events = shop["events"]
    assert events["timestamp"].min() >= pd.Timestamp("2025-01-01")
    assert events["timestamp"].max() < pd.Timestamp("2026-04-01")
    assert events["timestamp"].dt.to_period("M").nunique() == 15  # at least 12 monthly cohorts
    assert len(shop["users"]) > 20_000


def test_every_order_is_a_purchase_event(shop):
    purchases = shop["events"].query("event == 'purchase'")[["user_id", "timestamp", "revenue"]]
    orders = shop["orders"][["user_id", "timestamp", "revenue"]]
    merged = orders.merge(purchases, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_every_id_points_to_a_known_user(shop, app):
    for tables in (shop, app):
        known = set(tables["users"]["user_id"])
        assert tables["users"]["user_id"].is_unique
        for name in ("events", "surveys"):
            assert set(tables[name]["user_id"]) <= known, name
    assert set(shop["orders"]["user_id"]) <= set(shop["users"]["user_id"])
    assert set(app["invoices"]["user_id"]) <= set(app["users"]["user_id"])


def test_first_seen_is_the_first_event(shop, app):
    for tables in (shop, app):
        first = tables["events"].groupby("user_id")["timestamp"].min()
        users = tables["users"].set_index("user_id")
        seen = users.loc[first.index, "first_seen"]
        assert (seen == first).all()


def test_referred_users_arrive_after_their_referrer_recommended_the_shop(shop):
    users = shop["users"]
    referred = users.dropna(subset=["referred_by"])
    assert len(referred) > 200
    assert (referred["acquisition_channel"] == "referral").all()
    referrals = shop["events"].query("event == 'refer_friend'").groupby("user_id")["timestamp"].min()
    assert (referred["first_seen"].to_numpy() > referrals.loc[referred["referred_by"]].to_numpy()).all()


def test_subscription_payments_follow_a_trial(app):
    events = app["events"]
    paid = set(events.query("event in ['subscribe', 'renew']")["user_id"])
    trial = set(events.query("event == 'start_trial'")["user_id"])
    assert paid <= trial
    payments = events.query("event in ['subscribe', 'renew']")[["user_id", "timestamp", "revenue"]]
    merged = app["invoices"][["user_id", "timestamp", "revenue"]].merge(payments, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()


# --- documented rates (see instructors/planted_findings.md) ------------------------------------------------------


def test_mobile_payments_fail_far_more_often(shop):
    events = shop["events"]
    attempts = events[events["event"].isin(["payment_failed", "purchase"])]
    failure = attempts.groupby("device")["event"].apply(lambda s: (s == "payment_failed").mean())
    assert failure["mobile"] == pytest.approx(0.42, abs=0.04)
    assert failure["desktop"] == pytest.approx(0.06, abs=0.03)


def test_ads_convert_well_but_customers_rarely_buy_again(shop):
    users, orders = shop["users"], shop["orders"]
    counts = orders.groupby("user_id").size()
    users = users.assign(orders=users["user_id"].map(counts).fillna(0))
    by = users.groupby("acquisition_channel")
    conversion = by["orders"].apply(lambda s: (s > 0).mean())
    repeat = by["orders"].apply(lambda s: (s[s > 0] > 1).mean())
    assert conversion["ads"] > conversion.drop(["ads", "referral"]).max()
    assert repeat["ads"] < 0.5 * repeat.drop("ads").min()


def test_late_deliveries_show_in_delivery_csat(shop):
    delivery = shop["surveys"].query("touchpoint == 'delivery'")
    assert delivery["csat"].mean() == pytest.approx(4.1, abs=0.2)
    low = (delivery["csat"] <= 2).mean()
    assert low == pytest.approx(0.09, abs=0.03)  # one delivery in seven is late; most of those score 1-2


def test_fast_activation_drives_paid_conversion(app):
    events, users = app["events"], app["users"]
    trial = events.query("event == 'start_trial'").groupby("user_id")["timestamp"].min()
    setup = events.query("event == 'complete_setup'").groupby("user_id")["timestamp"].min()
    paid = set(events.query("event == 'subscribe'")["user_id"])
    fast = set(setup[(setup - trial.loc[setup.index]) <= pd.Timedelta("3D")].index)
    trialists = pd.Series(trial.index)
    in_fast = trialists.isin(fast)
    rate_fast = trialists[in_fast].isin(paid).mean()
    rate_other = trialists[~in_fast].isin(paid).mean()
    assert rate_fast > 3 * rate_other
    assert len(users) == 4000
