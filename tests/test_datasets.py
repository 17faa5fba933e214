"""Loading the sample tables by name."""

import pandas as pd
import pytest

import journeykit as jk


def test_every_catalogued_table_loads_with_parsed_timestamps():
    for name in jk.datasets.names():
        df = jk.datasets.load(name)
        assert len(df) > 0, name
        if name == "shop_export":  # the raw export comes back as written: text, nothing parsed
            assert (df.dtypes == object).all() or all(str(t) == "str" for t in df.dtypes), df.dtypes
            continue
        time_col = "first_seen" if name.endswith("_users") else "timestamp"
        assert df[time_col].dtype == "datetime64[ns]", name


def test_the_raw_export_reads_back_to_the_shops_orders():
    """Read as lesson 07 reads it, the export gives its customers the shop's orders, but for the one dropped."""
    orders = jk.read_online_retail(jk.datasets.path("shop_export"), drop_shared_invoices=True,
                                   columns={"Invoice": "InvoiceNo", "Customer ID": "CustomerID", "Price": "UnitPrice"})
    raw = jk.datasets.load("shop_export")
    shop = jk.datasets.load("shop_orders")
    shop = shop.assign(user_id=shop["user_id"].str.removeprefix("U"))
    shop = shop[shop["user_id"].astype(int) % 5 == 0]  # the customers the export covers
    ours = orders.groupby("user_id").agg(orders=("order_id", "size"), revenue=("revenue", "sum"))
    theirs = shop.groupby("user_id").agg(orders=("order_id", "size"), revenue=("revenue", "sum"))
    # the one invoice with two customer numbers is a real order of its first line's customer, dropped on request
    per_invoice = raw[raw["Customer ID"] != ""].groupby("Invoice")["Customer ID"].agg(["nunique", "first"])
    shared = per_invoice[per_invoice["nunique"] > 1]
    assert len(shared) == 1
    lines = raw[raw["Invoice"] == shared.index[0]]
    value = (lines["Quantity"].astype(float) * lines["Price"].astype(float)).sum()
    owner = shared["first"].iloc[0]
    expected = theirs.copy()
    expected.loc[owner, "orders"] -= 1
    expected.loc[owner, "revenue"] -= value
    expected = expected[expected["orders"] > 0]
    pd.testing.assert_frame_equal(ours.round(2), expected.round(2), check_dtype=False)
    assert ours.index.str.startswith("0").mean() > 0.3  # leading zeros kept
    report = jk.import_report(orders).set_index("reason")["rows"]
    assert report["lines of invoices naming more than one customer"] == 2
    assert report["lines without Customer ID"] > 20
    assert report["invoices with a net value of zero or less (free, or cancelled in full)"] > 10
    assert orders.attrs["cancellations"]["netted_lines"] > 100 and orders.attrs["cancellations"]["unnetted_lines"] == 0
    assert raw["InvoiceDate"].str.match(r"\d\d/\d\d/\d{4} \d\d:\d\d$").all()
    assert (raw["InvoiceDate"].str[:2].astype(int) > 12).any()  # the column itself settles the day order


def test_course_folder_is_found_from_the_working_folder_or_the_environment(tmp_path, monkeypatch):
    root = jk.datasets.course_dir()
    monkeypatch.chdir(root / "notebooks")
    assert jk.datasets.course_dir() == root
    monkeypatch.chdir(tmp_path)
    with pytest.raises(jk.MissingFileError, match="JOURNEYKIT_COURSE"):
        jk.datasets.load("shop_orders")
    with pytest.raises(jk.MissingFileError, match="JOURNEYKIT_COURSE"):
        jk.solution("3.1")
    monkeypatch.setenv("JOURNEYKIT_COURSE", str(root))
    assert len(jk.datasets.load("shop_orders")) > 0 and "Solution of exercise 3.1" in jk.solution("3.1")
    monkeypatch.setenv("JOURNEYKIT_COURSE", str(tmp_path))
    with pytest.raises(jk.MissingFileError, match="is not the course folder"):
        jk.datasets.course_dir()


def test_describe_lists_every_table_once():
    table = jk.datasets.describe()
    assert table["name"].tolist() == jk.datasets.names()
    assert set(table["business"]) == {"shop", "subscription", "mealkit"}
    assert table.set_index("name").loc["shop_export", "kind"] == "export"


def test_each_load_is_a_fresh_copy():
    first = jk.datasets.load("shop_orders")
    first.loc[0, "revenue"] = -1.0
    assert jk.datasets.load("shop_orders").loc[0, "revenue"] >= 0


def test_unknown_name_suggests_the_closest():
    with pytest.raises(jk.ParameterError, match="no sample table called 'shop_event'. Did you mean 'shop_events'"):
        jk.datasets.load("shop_event")
    with pytest.raises(jk.ParameterError, match="choose 'shop', 'subscription' or 'mealkit'"):
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


def test_the_data_dictionary_states_each_tables_row_count():
    import re

    text = (jk.datasets.course_dir() / "datasets" / "README.md").read_text(encoding="utf-8")
    stated = {name: int(count.replace(",", "")) for name, count in re.findall(r"### `(\w+)`: ([\d,]+) rows", text)}
    assert stated, "no row counts found"
    for name, count in stated.items():
        assert len(jk.datasets.load(name)) == count, name
