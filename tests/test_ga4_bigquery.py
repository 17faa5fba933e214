"""GA4's BigQuery export, nested as it is, read with Ibis (journeykit.io.ga4_bigquery).

The export is built in an in-memory DuckDB with exactly GA4's nested types, and every expected value below is
written by hand. One optional test runs the same on Spark (skipped when pyspark or Java is missing).
"""


import pandas as pd
import pytest

ibis = pytest.importorskip("ibis")
pa = pytest.importorskip("pyarrow")

import journeykit as jk  # noqa: E402
from journeykit.errors import ParameterError, SchemaError  # noqa: E402
from journeykit.io.ga4 import channel_from_source  # noqa: E402
from journeykit.io.ga4_bigquery import GA4_EXPORT_SCHEMA, ga4_events, ga4_events_sql  # noqa: E402

# Ibis 12 calls DuckDB 2.0's deprecated fetch_arrow_table() on every query, and reads pandas 3's deprecated
# future.infer_string option when it makes a frame: their warnings, not ours.
pytestmark = [pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning"),
              pytest.mark.filterwarnings("ignore:The 'future.infer_string' option is deprecated")]

# ---------------------------------------------------------------------------
# The export: GA4's schema, as pyarrow types
# ---------------------------------------------------------------------------

VALUE = pa.struct([("string_value", pa.string()), ("int_value", pa.int64()), ("float_value", pa.float64()),
                   ("double_value", pa.float64())])
SCHEMA = pa.schema([
    ("event_date", pa.string()),
    ("event_timestamp", pa.int64()),
    ("event_name", pa.string()),
    ("event_params", pa.list_(pa.struct([("key", pa.string()), ("value", VALUE)]))),
    ("user_pseudo_id", pa.string()),
    ("user_id", pa.string()),
    ("traffic_source", pa.struct([("name", pa.string()), ("medium", pa.string()), ("source", pa.string())])),
    ("device", pa.struct([("category", pa.string()), ("operating_system", pa.string())])),
    ("geo", pa.struct([("country", pa.string()), ("city", pa.string())])),
    ("ecommerce", pa.struct([("transaction_id", pa.string()), ("purchase_revenue", pa.float64())])),
    ("collected_traffic_source", pa.struct([("manual_source", pa.string()), ("manual_medium", pa.string())])),
])

A, B, C, D = "1111.1735800000", "2222.1735800001", "3333.1735800002", "4444.1735800003"
SESSION = 1735808400  # 2025-01-02 09:00:00 UTC, the session start of both A and B
NINE = 1735808400 * 1_000_000  # 2025-01-02 09:00:00 UTC in microseconds


def text(key, value):
    return {"key": key, "value": {"string_value": value, "int_value": None, "float_value": None,
                                  "double_value": None}}


def number(key, value):
    return {"key": key, "value": {"string_value": None, "int_value": value, "float_value": None,
                                  "double_value": None}}


def double(key, value):
    return {"key": key, "value": {"string_value": None, "int_value": None, "float_value": None,
                                  "double_value": value}}


SOURCES = {  # user -> (source, medium, device)
    A: ("google", "cpc", "desktop"),
    B: ("google", "organic", "mobile"),
    C: ("(direct)", "(none)", "tablet"),
    D: ("newsletter", "email", "mobile"),
    None: ("facebook", "social", "mobile"),
}


def event(user, micros, name, params, *, site_id=None, revenue=None):
    source, medium, device = SOURCES[user]
    return {"event_date": "20250102", "event_timestamp": micros, "event_name": name, "event_params": params,
            "user_pseudo_id": user, "user_id": site_id,
            "traffic_source": {"name": "(organic)" if medium == "organic" else "spring", "medium": medium,
                               "source": source},
            "device": {"category": device, "operating_system": "Android"},
            "geo": {"country": "France", "city": "Lyon"},
            "ecommerce": {"transaction_id": "T1" if revenue else None, "purchase_revenue": revenue},
            "collected_traffic_source": None}


ROWS = [
    # A: paid search; signs in before buying; microseconds in every timestamp
    event(A, NINE + 123_456, "session_start",
          [number("ga_session_id", SESSION), text("page_location", "https://shop.example/"),
           text("session_engaged", "1")]),
    event(A, NINE + 65_000_001, "page_view",
          [number("ga_session_id", SESSION), text("page_location", "https://shop.example/boots"),
           text("page_title", "Boots"), number("engagement_time_msec", 5000)]),
    event(A, NINE + 300_999_999, "purchase",
          [number("ga_session_id", SESSION), text("page_location", "https://shop.example/checkout"),
           double("value", 49.9)], site_id="site-42", revenue=49.9),
    # B: organic search, never signed in, the same ga_session_id as A
    event(B, NINE + 1_000_000, "session_start",
          [number("ga_session_id", SESSION), text("page_location", "https://shop.example/")]),
    event(B, NINE + 2_000_000, "page_view",
          [text("page_location", "https://shop.example/boots"), number("ga_session_id", SESSION),
           text("engagement_time_msec", "1200")]),  # the same key as text, not a number
    # C: direct; a user_engagement event without ga_session_id
    event(C, NINE + 3_600_000_000, "session_start",
          [number("ga_session_id", SESSION + 3600), text("page_location", "https://shop.example/sale")],
          site_id="site-7"),
    event(C, NINE + 3_660_000_000, "user_engagement", [number("engagement_time_msec", 60000)], site_id="site-7"),
    # D: e-mail; ga_session_id written as text
    event(D, NINE + 7_200_000_000, "session_start",
          [text("ga_session_id", str(SESSION + 7200)), text("page_location", "https://shop.example/news")]),
    event(D, NINE + 7_260_000_000, "purchase",
          [text("ga_session_id", str(SESSION + 7200)), text("page_location", "https://shop.example/checkout")],
          revenue=20.0),
    # consent mode: no user_pseudo_id, cannot be followed
    event(None, NINE + 9_000_000_000, "page_view", [number("ga_session_id", SESSION + 9000)]),
]


@pytest.fixture(scope="module")
def con():
    connection = ibis.duckdb.connect(lambda_syntax="ENABLE_SINGLE_ARROW")
    connection.create_table("events_20250102", pa.Table.from_pylist(ROWS, schema=SCHEMA))
    return connection


@pytest.fixture(scope="module")
def export(con):
    return con.table("events_20250102")


@pytest.fixture(scope="module")
def events(export):
    params = ["page_location", "page_title", "engagement_time_msec", "session_engaged", "value", "no_such_key"]
    return ga4_events(export, params=params).to_pandas().sort_values("timestamp", ignore_index=True)


def ts(text):
    return pd.Timestamp(text)


def listed(column):
    """The values of a column, missing ones as None (pandas 3 text columns hold NaN)."""
    return column.astype(object).where(column.notna(), None).tolist()


# ---------------------------------------------------------------------------
# The columns of the contract
# ---------------------------------------------------------------------------

def test_the_result_is_lazy_and_has_the_contract_columns(export):
    result = ga4_events(export)
    assert isinstance(result, ibis.expr.types.Table)
    assert result.columns == ("user_id", "timestamp", "event", "session_id", "channel", "device", "revenue",
                              "page_location")
    assert result.schema()["timestamp"] == ibis.dtype("timestamp")


def test_user_ids_are_user_pseudo_ids_and_events_without_one_are_dropped(events):
    assert events["user_id"].tolist() == [A, B, B, A, A, C, C, D, D]
    assert events["event"].tolist() == ["session_start", "session_start", "page_view", "page_view", "purchase",
                                        "session_start", "user_engagement", "session_start", "purchase"]


def test_timestamps_are_naive_utc_to_the_microsecond(events):
    assert events["timestamp"].dt.tz is None
    assert events["timestamp"].tolist() == [
        ts("2025-01-02 09:00:00.123456"), ts("2025-01-02 09:00:01"), ts("2025-01-02 09:00:02"),
        ts("2025-01-02 09:01:05.000001"), ts("2025-01-02 09:05:00.999999"), ts("2025-01-02 10:00:00"),
        ts("2025-01-02 10:01:00"), ts("2025-01-02 11:00:00"), ts("2025-01-02 11:01:00")]


def test_session_ids_join_the_pseudo_id_and_ga_session_id(events):
    a, b = f"{A}-1735808400", f"{B}-1735808400"
    assert listed(events["session_id"]) == [a, b, b, a, a, f"{C}-1735812000", None, f"{D}-1735815600",
                                             f"{D}-1735815600"]
    assert a != b  # the same ga_session_id for two users is two sessions


def test_channels_follow_channel_from_source(events):
    assert events["channel"].tolist() == ["ads", "search", "search", "ads", "ads", "direct", "direct", "email",
                                          "email"]
    sources = pd.Series([SOURCES[u][0] for u in events["user_id"]])
    media = pd.Series([SOURCES[u][1] for u in events["user_id"]])
    assert events["channel"].tolist() == channel_from_source(sources, media).tolist()


def test_device_and_revenue(events):
    assert events["device"].tolist() == ["desktop", "mobile", "mobile", "desktop", "desktop", "tablet", "tablet",
                                         "mobile", "mobile"]
    assert events["revenue"].tolist()[4] == 49.9 and events["revenue"].tolist()[8] == 20.0
    assert events["revenue"].isna().sum() == 7


def test_event_parameters_are_extracted_as_text(events):
    assert listed(events["page_location"]) == [
        "https://shop.example/", "https://shop.example/", "https://shop.example/boots",
        "https://shop.example/boots", "https://shop.example/checkout", "https://shop.example/sale", None,
        "https://shop.example/news", "https://shop.example/checkout"]
    assert listed(events["page_title"]) == [None, None, None, "Boots", None, None, None, None, None]
    assert listed(events["engagement_time_msec"]) == [None, None, "1200", "5000", None, None, "60000", None,
                                                       None]
    assert listed(events["session_engaged"]) == ["1"] + [None] * 8
    assert events["value"].tolist()[4] == "49.9"


def test_a_key_that_no_event_has_gives_an_empty_column(events):
    assert "no_such_key" in events and events["no_such_key"].isna().all()


def test_parameters_can_be_named(export):
    result = ga4_events(export, params={"page_location": "page", "ga_session_id": "ga_session"}).to_pandas()
    assert {"page", "ga_session"} <= set(result.columns) and "page_location" not in result
    assert set(listed(result["ga_session"])) == {"1735808400", "1735812000", "1735815600", None}


def test_user_id_uses_the_site_id_and_drops_events_without_one(export):
    result = ga4_events(export, user="user_id").to_pandas().sort_values("timestamp", ignore_index=True)
    assert result["user_id"].tolist() == ["site-42", "site-7", "site-7"]
    assert result["event"].tolist() == ["purchase", "session_start", "user_engagement"]
    assert result["session_id"].tolist()[0] == f"{A}-1735808400"  # sessions stay those of the pseudo id


def test_the_result_feeds_the_kit(export):
    frame = ga4_events(export).to_pandas()
    jk.validate_events(frame)
    funnel = jk.funnel(frame, ["session_start", "purchase"])
    assert funnel["users"].tolist() == [4, 2]
    within = jk.funnel(frame, ["session_start", "page_view"], same="session_id")
    assert within["users"].tolist() == [4, 2]


# ---------------------------------------------------------------------------
# The channel rules in the engine against channel_from_source
# ---------------------------------------------------------------------------

PAIRS = [("google", "organic"), ("google", "cpc"), ("bing", "ppc"), ("facebook", "paid"), ("facebook", "social"),
         ("instagram", "referral"), ("x.com", "referral"), ("xcom", "referral"), ("t.co", "referral"),
         ("newsletter", "email"), ("mailchimp", "e-mail"), ("Newsletter", "E-Mail"), ("YouTube", "video"),
         ("(direct)", "(none)"), ("", ""), (None, None), ("  ", None), ("direct", "link"), ("(not set)", "(not set)"),
         ("partner-site", "affiliate"), ("blog.example", "content"), ("adsense", "display"), ("badsite", "cpm"),
         ("googleads", "banner"), ("shop.example", "ads"), ("ecosia.org", "organic"), ("duckduckgo", "(none)"),
         ("linkedin.com", "social"), ("tiktok", "ad"), ("newsletters", "mail"), ("content_hub", "web")]


def test_every_channel_rule_gives_the_same_channel_in_the_engine(con):
    rows = [dict(ROWS[0], user_pseudo_id=f"u{i}",
                 traffic_source={"name": None, "source": source, "medium": medium})
            for i, (source, medium) in enumerate(PAIRS)]
    con.create_table("channels", pa.Table.from_pylist(rows, schema=SCHEMA), overwrite=True)
    got = ga4_events(con.table("channels"), params=[]).to_pandas()
    got = got.set_index("user_id").loc[[f"u{i}" for i in range(len(PAIRS))], "channel"].tolist()
    expected = channel_from_source(pd.Series([s for s, _ in PAIRS]), pd.Series([m for _, m in PAIRS])).tolist()
    assert got == expected
    assert set(expected) == {"ads", "email", "social", "search", "referral", "content", "direct", "other"}


def test_the_documented_difference_a_keyword_next_to_a_non_ascii_letter(con):
    """RE2's \\b counts only ASCII letters as word characters, Python's every letter (see the Notes)."""
    rows = [dict(ROWS[0], traffic_source={"name": None, "source": "adsé", "medium": None})]
    con.create_table("accents", pa.Table.from_pylist(rows, schema=SCHEMA), overwrite=True)
    assert ga4_events(con.table("accents"), params=[]).to_pandas()["channel"].tolist() == ["ads"]
    assert channel_from_source(pd.Series(["adsé"]), pd.Series([None])).tolist() == ["other"]


# ---------------------------------------------------------------------------
# Errors, from the schema alone
# ---------------------------------------------------------------------------

def test_missing_columns_are_named_with_what_a_ga4_export_has():
    table = ibis.table({"event_timestamp": "int64", "event_name": "string", "user_pseudo": "string"},
                       name="my_events")
    with pytest.raises(SchemaError) as error:
        ga4_events(table)
    message = str(error.value)
    assert message.startswith("my_events failed validation with 2 problems:")
    assert "column 'user_pseudo_id' not found (closest: 'user_pseudo')" in message
    assert "column 'event_params' not found" in message
    assert "GA4's BigQuery export has event_date, event_timestamp, event_name, event_params" in message


def test_user_id_is_needed_only_when_asked_for():
    schema = {k: v for k, v in GA4_EXPORT_SCHEMA.items() if k != "user_id"}
    ga4_events(ibis.table(schema, name="t"))
    with pytest.raises(SchemaError, match="column 'user_id' not found"):
        ga4_events(ibis.table(schema, name="t"), user="user_id")


def test_optional_structs_add_their_columns_only_when_present():
    core = {k: GA4_EXPORT_SCHEMA[k] for k in ("event_timestamp", "event_name", "user_pseudo_id", "event_params")}
    assert ga4_events(ibis.table(core, name="t"), params=[]).columns == ("user_id", "timestamp", "event",
                                                                         "session_id")


def test_wrong_types_are_reported():
    schema = dict(GA4_EXPORT_SCHEMA, event_timestamp="string", traffic_source="struct<source: string>",
                  event_params="array<string>")
    with pytest.raises(SchemaError) as error:
        ga4_events(ibis.table(schema, name="t"))
    assert "column 'event_timestamp' is string; GA4's export has an integer (microseconds since 1970, UTC)" in str(
        error.value)
    assert "column 'traffic_source' is struct<source: string>; GA4's export has a struct with source and medium" in \
        str(error.value)
    assert "column 'event_params' is array<string>" in str(error.value)


def test_a_flattened_export_is_sent_to_read_ga4():
    flat = ibis.table({"event_name": "string", "event_timestamp": "int64", "user_pseudo_id": "string",
                       "traffic_source.source": "string", "ga_session_id": "string"}, name="export.csv")
    with pytest.raises(SchemaError, match="flattened to CSV: read it with read_ga4"):
        ga4_events(flat)


@pytest.mark.parametrize("call, match", [
    (lambda t: ga4_events(t, user="email"), "user='email' is not one of 'user_pseudo_id', 'user_id'"),
    (lambda t: ga4_events(t, user="userid"), "Did you mean 'user_id'"),
    (lambda t: ga4_events(t, params="page_location"), r"write params=\['page_location'\]"),
    (lambda t: ga4_events(t, params=["channel"]), "'channel' would be used twice"),
    (lambda t: ga4_events(t, params={"a": "x", "b": "x"}), "'x' would be used twice"),
    (lambda t: ga4_events(t, params=[""]), "non-empty text"),
    (lambda t: ga4_events(pd.DataFrame()), "table must be an Ibis table"),
    (lambda t: ga4_events_sql(t, "snowflak"), r"dialect='snowflak' is not an SQL dialect of Ibis \(did you mean "
                                              r"'snowflake'\?\)"),
    (lambda t: ga4_events_sql(t, "postgres"), "Ibis cannot write this query for postgres"),
    (lambda t: ga4_events_sql(t, "duckdb", param=["x"]), "unknown options 'param'"),
])
def test_wrong_arguments_raise_parameter_errors(call, match):
    with pytest.raises(ParameterError, match=match):
        call(ibis.table(GA4_EXPORT_SCHEMA, name="events_20250102"))


# ---------------------------------------------------------------------------
# SQL for the warehouses
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dialect, tokens", [
    ("bigquery", ["UNNEST(`t0`.`event_params`)", "TIMESTAMP_SECONDS", "REGEXP_CONTAINS", "`events_20250102`"]),
    ("snowflake", ["FILTER(", "ARRAY_MIN", "REGEXP_LIKE", "DATEADD(", '"events_20250102"']),
    ("pyspark", ["FILTER(\n", "TRANSFORM(", "ARRAY_MIN(", "RLIKE", "microseconds"]),
    ("spark", ["FILTER(\n", "TRANSFORM(", "RLIKE"]),
    ("duckdb", ["LIST_FILTER(", "REGEXP_MATCHES", '"events_20250102"']),
])
def test_the_sql_compiles_for_each_warehouse(dialect, tokens):
    sql = ga4_events_sql(ibis.table(GA4_EXPORT_SCHEMA, name="events_20250102"), dialect)
    assert sql.lstrip().startswith("SELECT")
    for token in tokens:
        assert token in sql, f"{token} not in the {dialect} SQL"


def test_the_duckdb_sql_gives_the_rows_of_the_expression(con, events):
    sql = ga4_events_sql(con.table("events_20250102"), "duckdb", params=["page_location"])
    rows = con.raw_sql(f"SELECT session_id, page_location FROM ({sql}) ORDER BY timestamp").fetchall()
    assert rows == list(zip(listed(events["session_id"]), listed(events["page_location"])))


# ---------------------------------------------------------------------------
# The same on Spark (one local session; skipped without pyspark or Java)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spark(spark_session):
    return spark_session


@pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")  # pyspark 4.0 on pandas 3
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")  # py4j
def test_spark_gives_the_same_rows_as_duckdb(spark, events):
    spark.createDataFrame(pa.Table.from_pylist(ROWS, schema=SCHEMA)).createOrReplaceTempView("events_20250102")
    con = ibis.pyspark.connect(spark)
    params = ["page_location", "page_title", "engagement_time_msec", "session_engaged", "value", "no_such_key"]
    got = ga4_events(con.table("events_20250102"), params=params).to_pandas()
    got = got.sort_values("timestamp", ignore_index=True)
    pd.testing.assert_frame_equal(got, events, check_dtype=False)


def test_parquet_files_of_the_export_give_the_same_rows(export, events, tmp_path):
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(ROWS, schema=SCHEMA), tmp_path / "events_20250102.parquet")
    params = ["page_location", "page_title", "engagement_time_msec", "session_engaged", "value", "no_such_key"]
    from_files = ga4_events(tmp_path / "*.parquet", params=params).to_pandas().sort_values("timestamp",
                                                                                           ignore_index=True)
    pd.testing.assert_frame_equal(from_files, events)
