"""Loading the sample tables by name."""

import pandas as pd
import pytest

import journeykit as jk


def test_every_catalogued_table_loads_with_parsed_timestamps():
    for name in jk.datasets.names():
        df = jk.datasets.load(name)
        assert len(df) > 0, name
        time_col = "first_seen" if name.endswith("_users") else "timestamp"
        assert df[time_col].dtype == "datetime64[ns]", name


def test_describe_lists_every_table_once():
    table = jk.datasets.describe()
    assert table["name"].tolist() == jk.datasets.names()
    assert set(table["business"]) == {"shop", "subscription"}


def test_each_load_is_a_fresh_copy():
    first = jk.datasets.load("shop_orders")
    first.loc[0, "revenue"] = -1.0
    assert jk.datasets.load("shop_orders").loc[0, "revenue"] >= 0


def test_unknown_name_suggests_the_closest():
    with pytest.raises(jk.ParameterError, match="no sample table called 'shop_event'. Did you mean 'shop_events'"):
        jk.datasets.load("shop_event")
    with pytest.raises(jk.ParameterError, match="choose 'shop' or 'subscription'"):
        jk.datasets.load_business("bank")


def test_data_folder_can_be_moved_with_an_environment_variable(tmp_path, monkeypatch):
    shipped = jk.datasets.load("shop_users")
    source = jk.datasets.path("shop_users")
    (tmp_path / source.name).write_bytes(source.read_bytes())
    monkeypatch.setenv("JOURNEYKIT_DATA", str(tmp_path))
    assert jk.datasets.path("shop_users") == tmp_path / source.name
    pd.testing.assert_frame_equal(jk.datasets.load("shop_users"), shipped)
    with pytest.raises(FileNotFoundError, match="python -m journeykit generate --out datasets"):
        jk.datasets.load("shop_events")


def test_public_api_is_listed():
    assert {"validate_events", "validate_orders", "validate_surveys", "SchemaError", "datasets"} <= set(jk.__all__)
    for name in jk.__all__:
        assert getattr(jk, name) is not None
