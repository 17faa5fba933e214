"""The same result from a DataFrame, a Parquet path, an Ibis table on DuckDB and an Ibis table on Spark.

The engine implementations (funnel, cohort retention) run in DuckDB or Spark and must give the pandas result to the
row; every other function collects the columns it needs and runs in pandas, and must give it too. Errors are the
same as for a DataFrame.
"""

import shutil

import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit.course.datasets import load

ibis = pytest.importorskip("ibis")

# Ibis 12 calls a method DuckDB 2.0 deprecates; the kit silences it in its own calls, the tests' direct ones here
pytestmark = [pytest.mark.filterwarnings(r"ignore:fetch_arrow_table\(\) is deprecated:DeprecationWarning"),
              pytest.mark.filterwarnings(r"ignore:The 'future\.infer_string' option is deprecated"),
              pytest.mark.filterwarnings(r"ignore:The copy keyword is deprecated"),  # PySpark 4.0 with pandas 3
              pytest.mark.filterwarnings("ignore::ResourceWarning"),  # Py4J's sockets to the JVM
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

STEPS = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]
FUNNEL_OPTIONS = [dict(), dict(window="7D"), dict(window="1D", by="channel"), dict(by="device", window="30min")]
RETENTION_OPTIONS = [dict(), dict(period="W", by="channel"), dict(period="D", cohort_event="purchase"),
                     dict(cohort_event="purchase", return_event="purchase", unbounded=True, by="device")]


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b)
    own = {k: v for k, v in a.attrs.items() if k != "parameters"}
    assert own == {k: v for k, v in b.attrs.items() if k != "parameters"}
    assert a.attrs["function"] == b.attrs["function"]


@pytest.fixture(scope="module")
def shop():
    events = load("shop_events")
    return events[events["user_id"].isin(events["user_id"].drop_duplicates().sample(6000, random_state=1))]


@pytest.fixture(scope="module")
def parquet(shop, tmp_path_factory):
    path = tmp_path_factory.mktemp("engines") / "events.parquet"
    shop.to_parquet(path)
    return str(path)


def hostile_log(seed: int = 3, n: int = 4000) -> pd.DataFrame:
    """Ties, repeats, unsorted rows, int ids, a missing segment value: what the property tests throw at pandas."""
    rng = np.random.default_rng(seed)
    names = np.array(["visit", "view_product", "add_to_cart", "purchase", "other"])
    df = pd.DataFrame({
        "user_id": rng.integers(0, 300, n),
        "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 90 * 24 * 6, n) * 10, unit="min"),
        "event": names[rng.integers(0, len(names), n)],
        "channel": np.array(["ads", "email", "search", None], dtype=object)[rng.integers(0, 4, n)],
    })
    return df.sample(frac=1, random_state=seed).reset_index(drop=True)


# --- DuckDB: Parquet paths and Ibis tables --------------------------------------------------------------------


@pytest.mark.parametrize("options", FUNNEL_OPTIONS, ids=str)
def test_funnel_from_parquet_is_the_pandas_funnel(shop, parquet, options):
    same(jk.funnel(shop, STEPS, **options), jk.funnel(parquet, STEPS, **options))


@pytest.mark.parametrize("options", RETENTION_OPTIONS, ids=str)
def test_retention_from_parquet_is_the_pandas_retention(shop, parquet, options):
    same(jk.cohort_retention(shop, **options), jk.cohort_retention(parquet, **options))


@pytest.mark.parametrize("zone", [None, "Europe/Paris"])
def test_hostile_logs_on_an_ibis_table(tmp_path, zone):
    df = hostile_log()
    if zone:  # the same instants, written with a zone: pandas converts to UTC, and so must the engine
        df = df.assign(timestamp=df["timestamp"].dt.tz_localize("UTC").dt.tz_convert(zone))
    table = ibis.duckdb.connect().create_table("events", df)
    steps = ["visit", "view_product", "add_to_cart", "purchase"]
    for options in (dict(), dict(window="2D", by="channel"), dict(window="10min")):
        same(jk.funnel(df, steps, **options), jk.funnel(table, steps, **options))
    for options in (dict(by="channel"), dict(period="W", unbounded=True), dict(period="D", by="channel")):
        same(jk.cohort_retention(df, **options), jk.cohort_retention(table, **options))


def test_segments_of_tied_first_events_follow_the_kit_s_order(tmp_path):
    """Users whose first events share a moment: the segment is the value on the first of them in the kit's order
    (event name, then the other columns in table order), in pandas and in the engine, whichever column segments."""
    df = hostile_log(seed=11).assign(
        timestamp=lambda d: d["timestamp"].dt.floor("1D"),  # whole days: many ties at a user's first moment
        device=lambda d: np.array(["mobile", "desktop", None], dtype=object)[d.index % 3])
    table = ibis.duckdb.connect().create_table("events", df)
    steps = ["visit", "view_product", "purchase"]
    for by in ("channel", "device"):
        same(jk.funnel(df, steps, window="3D", by=by), jk.funnel(table, steps, window="3D", by=by))
        same(jk.cohort_retention(df, period="W", by=by), jk.cohort_retention(table, period="W", by=by))
        same(jk.cohort_retention(df, cohort_event="visit", by=by),
             jk.cohort_retention(table, cohort_event="visit", by=by))
    # by hand: each user's first row in the kit's order carries their segment
    from journeykit.io.ordering import sort_events

    first = sort_events(df).drop_duplicates("user_id").set_index("user_id")["device"]
    sizes = jk.cohort_retention(df, period="W", by="device").query("period == 0")
    expected = first.fillna("(missing)").value_counts().sort_index()
    got = sizes.assign(device=sizes["device"].astype(object).fillna("(missing)")).groupby("device")[
        "cohort_size"].sum().sort_index()
    assert got.to_dict() == expected.to_dict()


ATTRIBUTION_OPTIONS = [dict(model="first_touch"), dict(model="last_touch", touch_events=["visit"]),
                       dict(model="linear", lookback="7D"), dict(model="position_based", lookback="30D")]


@pytest.mark.parametrize("options", ATTRIBUTION_OPTIONS, ids=str)
def test_attribution_from_parquet_is_the_pandas_attribution(shop, parquet, options):
    pd.testing.assert_frame_equal(jk.attribute(shop, **options), jk.attribute(parquet, **options), rtol=1e-12)


def test_attribution_breaks_ties_as_the_kit_orders_events():
    """Touches at the same moment from different channels: the first and last touch follow the kit's order of tied
    events (event name, then the other columns), in pandas, in the engine and in an independent SQL statement."""
    from sql_reference import duckdb_first_touch

    df = hostile_log(seed=5)
    table = ibis.duckdb.connect().create_table("events", df)
    for model in ("first_touch", "last_touch", "linear", "position_based"):
        pd.testing.assert_frame_equal(jk.attribute(df, model=model), jk.attribute(table, model=model), rtol=1e-12)
    first = jk.attribute(df, model="first_touch")
    assert dict(zip(first["channel"], first["conversions"].astype(int))) == duckdb_first_touch(df.astype(
        {"user_id": str}))


PATH_OPTIONS = [dict(), dict(part=None, top=30), dict(part="after", collapse="loops", max_steps=4),
                dict(collapse="none", max_steps=3, top=50)]


@pytest.mark.parametrize("options", PATH_OPTIONS, ids=str)
def test_top_paths_from_parquet_are_the_pandas_paths(shop, parquet, options):
    same(jk.top_paths(shop, **options), jk.top_paths(parquet, **options))


def test_top_paths_on_a_hostile_log_and_against_independent_sql():
    from sql_reference import duckdb_top_paths

    df = hostile_log(seed=9)
    table = ibis.duckdb.connect().create_table("events", df)
    for options in (dict(top=40), dict(part=None, collapse="loops", max_steps=3, top=40)):
        same(jk.top_paths(df, **options), jk.top_paths(table, **options))
    paths = jk.top_paths(df, top=40)
    assert list(zip(paths["path"], paths["users"])) == duckdb_top_paths(df.astype({"user_id": str}), top=40)
    mapped = df[df["event"] != "other"]  # stage paths run in pandas; every event must map to a stage
    same(jk.top_paths(mapped, level="stage", top=5),
         jk.top_paths(ibis.duckdb.connect().create_table("mapped", mapped), level="stage", top=5))


def test_other_functions_collect_their_columns_and_agree(shop, parquet, tmp_path):
    same(jk.stage_summary(shop), jk.stage_summary(parquet))
    same(jk.funnel(shop, STEPS, order="any", window="7D"), jk.funnel(parquet, STEPS, order="any", window="7D"))
    with pytest.warns(FutureWarning, match="strict= is now called order="):  # the old name, still honoured
        pd.testing.assert_frame_equal(jk.funnel(parquet, STEPS, strict=True), jk.funnel(shop, STEPS, order="strict"))
    same(jk.funnel_users(shop, STEPS, window="1D", same="session_id", by="device"),
         jk.funnel_users(parquet, STEPS, window="1D", same="session_id", by="device"))  # only these columns read
    orders = load("shop_orders")
    orders.to_parquet(tmp_path / "orders.parquet")
    same(jk.repeat_purchase_rate(orders, within="90D"), jk.repeat_purchase_rate(tmp_path / "orders.parquet",
                                                                                within="90D"))


def test_a_folder_or_glob_of_parquet_files_is_one_log(shop, tmp_path):
    users = shop["user_id"].drop_duplicates()
    for part, chunk in enumerate(np.array_split(users.to_numpy(), 3)):
        shop[shop["user_id"].isin(chunk)].to_parquet(tmp_path / f"part-{part}.parquet")
    expected = jk.funnel(shop, STEPS, window="7D")
    same(expected, jk.funnel(str(tmp_path / "*.parquet"), STEPS, window="7D"))
    same(expected, jk.funnel(tmp_path, STEPS, window="7D"))


def test_csv_paths_follow_the_contract_rules_not_a_sniffer(tmp_path):
    text = "user_id,timestamp,event\n007,03/04/2025 10:00,visit\n008,05/04/2025 11:00,visit\n"
    (tmp_path / "events.csv").write_text(text)
    with pytest.raises(jk.SchemaError, match="dayfirst"):  # 03/04 could be March or April: refused, never guessed
        jk.funnel(tmp_path / "events.csv", ["visit"])
    (tmp_path / "events.csv").write_text(text.replace("05/04", "25/04"))
    users = jk.funnel_users(tmp_path / "events.csv", ["visit"])
    assert users["user_id"].tolist() == ["007", "008"]  # ids stay text, leading zeros kept


def test_engine_errors_are_the_pandas_errors(shop, tmp_path):
    renamed = shop.rename(columns={"user_id": "customer"})
    renamed.to_parquet(tmp_path / "renamed.parquet")
    with pytest.raises(jk.SchemaError) as pandas_error:
        jk.funnel(renamed, STEPS)
    with pytest.raises(jk.SchemaError) as engine_error:
        jk.funnel(tmp_path / "renamed.parquet", STEPS)
    assert str(engine_error.value) == str(pandas_error.value)
    with pytest.raises(jk.ParameterError, match="did you mean 'purchase'"):
        jk.funnel(ibis.duckdb.connect().create_table("e", shop), ["visit", "purchse"])
    nulls = shop.reset_index(drop=True)  # rows are named by position, as in a file
    nulls = nulls.assign(user_id=nulls["user_id"].where(nulls.index % 97 != 0))
    with pytest.raises(jk.SchemaError) as pandas_error:
        jk.cohort_retention(nulls)
    with pytest.raises(jk.SchemaError) as engine_error:
        jk.cohort_retention(ibis.duckdb.connect().create_table("e", nulls))
    assert str(engine_error.value) == str(pandas_error.value)
    for column in ("user_id", "timestamp"):  # from Parquet, the files' statistics tell that values are missing
        holes = shop.reset_index(drop=True)
        holes[column] = holes[column].where(holes.index % 89 != 5)
        holes.to_parquet(tmp_path / f"holes-{column}.parquet")
        with pytest.raises(jk.SchemaError) as pandas_error:
            jk.attribute(holes, model="first_touch")
        with pytest.raises(jk.SchemaError) as engine_error:
            jk.attribute(tmp_path / f"holes-{column}.parquet", model="first_touch")
        assert str(engine_error.value) == str(pandas_error.value)
    with pytest.raises(jk.MissingFileError, match="no file matches it"):
        jk.funnel(tmp_path / "nothing-*.parquet", STEPS)
    with pytest.raises(jk.SchemaError, match="list of paths. Pass one path, a folder or a glob"):
        jk.funnel([str(tmp_path / "renamed.parquet")], STEPS)


def test_the_caller_s_files_are_left_as_they_were(parquet, tmp_path):
    copy = tmp_path / "events.parquet"
    shutil.copy(parquet, copy)
    before = copy.read_bytes()
    jk.funnel(copy, STEPS, window="7D")
    jk.cohort_retention(copy)
    assert copy.read_bytes() == before


@pytest.mark.parametrize("dialect, token", [("duckdb", "ROW_NUMBER"), ("bigquery", "`"), ("snowflake", '"'),
                                            ("pyspark", "`"), ("postgres", '"')])
def test_to_sql_prints_the_query_for_a_dialect(parquet, dialect, token):
    sql = jk.to_sql(jk.funnel, parquet, STEPS, window="7D", by="channel", dialect=dialect)
    assert sql.lstrip().upper().startswith(("WITH", "SELECT")) and token in sql
    assert "ROW_NUMBER" in jk.to_sql(jk.cohort_retention, parquet, by="channel", dialect=dialect).upper()


def test_to_sql_refuses_what_has_no_sql(parquet):
    with pytest.raises(jk.ParameterError, match="no engine implementation"):
        jk.to_sql(jk.journey_map, parquet)
    with pytest.raises(jk.ParameterError, match="Did you mean 'bigquery'"):
        jk.to_sql(jk.funnel, parquet, STEPS, dialect="bigqeury")
    with pytest.raises(jk.ParameterError, match="pandas only"):
        jk.to_sql(jk.funnel, parquet, STEPS, order="any")


# --- Spark (local mode, one session) --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark(spark_session):
    return spark_session, ibis.pyspark.connect(spark_session)


def spark_table(spark, name: str, df: pd.DataFrame):
    """A temporary view of ``df`` in Spark (nothing written to disk), as an Ibis table."""
    session, con = spark
    session.createDataFrame(df).createOrReplaceTempView(name)
    return con.table(name)


def test_spark_gives_the_pandas_results(spark, shop):
    sample = shop[shop["user_id"].isin(shop["user_id"].drop_duplicates().head(1500))]
    table = spark_table(spark, "shop_events", sample)
    for options in (dict(window="7D", by="channel"), dict()):
        same(jk.funnel(sample, STEPS, **options), jk.funnel(table, STEPS, **options))
    for options in (dict(by="channel"), dict(period="W", cohort_event="purchase", unbounded=True)):
        same(jk.cohort_retention(sample, **options), jk.cohort_retention(table, **options))
    pd.testing.assert_frame_equal(jk.attribute(sample, model="position_based", lookback="7D"),
                                  jk.attribute(table, model="position_based", lookback="7D"), rtol=1e-12)
    same(jk.top_paths(sample, top=20), jk.top_paths(table, top=20))


def test_spark_on_a_hostile_log(spark):
    df = hostile_log(seed=8, n=1500)
    table = spark_table(spark, "hostile", df)
    steps = ["visit", "view_product", "add_to_cart", "purchase"]
    same(jk.funnel(df, steps, window="2D", by="channel"), jk.funnel(table, steps, window="2D", by="channel"))
    same(jk.cohort_retention(df, period="W", by="channel"), jk.cohort_retention(table, period="W", by="channel"))
    same(jk.top_paths(df, part=None, collapse="loops", top=30), jk.top_paths(table, part=None, collapse="loops",
                                                                          top=30))
    pd.testing.assert_frame_equal(jk.attribute(df, model="last_touch"), jk.attribute(table, model="last_touch"))


def test_the_portable_funnel_query_gives_the_duckdb_one(shop):
    """On DuckDB the funnel matches steps with ASOF joins; the window-function form that other engines run must
    give the same counts (run here on DuckDB too, so that the form Spark and warehouses use is checked twice)."""
    import inspect

    from journeykit.analysis.engine import funnel as engine_funnel

    df = hostile_log(seed=11)
    table = ibis.duckdb.connect().create_table("events", df)
    steps = ["visit", "view_product", "add_to_cart", "purchase"]
    for options in (dict(window="2D", by="channel"), dict()):
        arguments = inspect.signature(jk.funnel).bind(table, steps, **options)
        arguments.apply_defaults()
        portable = engine_funnel.build(table, dict(arguments.arguments), dialect="postgres").result()
        pd.testing.assert_frame_equal(portable, jk.funnel(df, steps, **options), check_exact=True)


def test_large_frames_routed_through_duckdb_give_the_pandas_result(shop, monkeypatch):
    """top_paths and first/last-touch attribution route DataFrames of ROUTE_ROWS rows or more through DuckDB (several
    times faster at 10 million events); the result must be the pandas one, to the last digit."""
    from journeykit.analysis import engine

    df = hostile_log(seed=4)
    pandas_results = [jk.top_paths(shop, top=25), jk.top_paths(df, part=None, collapse="loops"),
                      jk.attribute(shop, model="first_touch"), jk.attribute(df, model="last_touch"),
                      jk.attribute(shop, model="linear")]
    monkeypatch.setattr(engine, "ROUTE_ROWS", 100)
    from journeykit.analysis.engine import paths

    built = []
    monkeypatch.setattr(paths, "build", lambda *a, _build=paths.build, **k: built.append(1) or _build(*a, **k))
    routed = [jk.top_paths(shop, top=25), jk.top_paths(df, part=None, collapse="loops"),
              jk.attribute(shop, model="first_touch"), jk.attribute(df, model="last_touch"),
              jk.attribute(shop, model="linear")]  # linear credits are fractions: pandas computes them
    assert len(built) == 2, "both top_paths calls went through the engine"
    for expected, got in zip(pandas_results, routed):
        pd.testing.assert_frame_equal(expected, got, check_exact=True)
    with pytest.raises(jk.SchemaError, match="user ids"):  # a bad frame gets the pandas error, not an engine one
        jk.top_paths(shop.assign(user_id=shop["user_id"].where(shop.index % 50 != 0)))


def test_routed_frames_are_checked_from_their_arrow_columns(shop, monkeypatch):
    """A routed frame's checks (event names, nulls, the end of the data) come from its Arrow columns, not a query:
    zoned times and bad input must give what pandas gives."""
    from journeykit.analysis import engine
    from journeykit.analysis.engine import checks

    zoned = shop.assign(timestamp=shop["timestamp"].dt.tz_localize("UTC").dt.tz_convert("America/Sao_Paulo"))
    options = {"model": "position_based", "lookback": "30D", "touch_events": ["visit", "read_reviews"]}
    expected = [jk.attribute(zoned, **options), jk.attribute(shop, model="last_touch")]
    failures = []
    for bad in (dict(touch_events=["vist"]), dict(purchase_event="purchased")):
        with pytest.raises(jk.JourneyKitError) as error:
            jk.attribute(shop, **bad)
        failures.append((bad, type(error.value), str(error.value)))
    monkeypatch.setattr(engine, "ROUTE_ROWS", 100)
    read = []
    monkeypatch.setattr(checks, "_arrow_facts", lambda *a, _facts=checks._arrow_facts: read.append(1) or _facts(*a))
    got = [jk.attribute(zoned, **options), jk.attribute(shop, model="last_touch")]
    assert len(read) == 2, "both calls were routed and checked from Arrow"
    for a, b in zip(expected, got):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    for bad, kind, message in failures:
        with pytest.raises(kind) as error:
            jk.attribute(shop, **bad)
        assert str(error.value) == message
    with pytest.raises(jk.SchemaError, match="user ids"):
        jk.attribute(shop.assign(user_id=shop["user_id"].where(shop.index % 50 != 0)))
