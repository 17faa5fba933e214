"""Importers on small well-formed and malformed files written by the tests."""

import json
import re

import pandas as pd
import pytest

import journeykit as jk


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


# --- generic event log ------------------------------------------------------------------------------


def test_generic_events_with_mapping_format_and_time_zone(tmp_path):
    path = write(tmp_path, "log.csv", """
customer,when,action,source,unused
c1,31/03/2025 00:30,visit,ads,x
c1,31/03/2025 02:30,purchase,ads,y
c2,01/01/2025 12:00,visit,social,z
""")
    events = jk.read_events(path, columns={"customer": "user_id", "when": "timestamp", "action": "event",
                                           "source": "channel"}, time_format="%d/%m/%Y %H:%M", input_tz="Europe/London")
    assert list(events.columns) == ["user_id", "timestamp", "event", "channel"]  # unused columns are not read
    # London is on summer time (UTC+1) from 30 March 2025, on winter time (UTC) in January
    assert events["timestamp"].tolist() == [pd.Timestamp("2025-03-30 23:30"), pd.Timestamp("2025-03-31 01:30"),
                                            pd.Timestamp("2025-01-01 12:00")]
    assert jk.import_report(events).empty


def test_time_zone_with_mixed_iso_strings(tmp_path):
    path = write(tmp_path, "log.csv", """
user_id,timestamp,event
a,2025-07-01 10:00:00,visit
a,2025-07-01T10:05,visit
""")
    events = jk.read_events(path, input_tz="Europe/Paris")  # summer time: UTC+2
    assert events["timestamp"].tolist() == [pd.Timestamp("2025-07-01 08:00"), pd.Timestamp("2025-07-01 08:05")]


def test_parquet_is_read(tmp_path):
    frame = pd.DataFrame({"user_id": ["a", "b"], "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02"]),
                          "event": ["visit", "visit"]})
    frame.to_parquet(tmp_path / "log.parquet")
    assert len(jk.read_events(tmp_path / "log.parquet")) == 2


def test_generic_events_errors_name_the_file_column_and_rows(tmp_path):
    path = write(tmp_path, "log.csv", """
customer,when,action
c1,31/03/2025 00:30,visit
c1,2025-03-31,purchase
""")
    with pytest.raises(jk.SchemaError, match=r"(?s)log.csv failed validation.*column 'timestamp' not found in "
                                             r"log.csv; its columns are: 'customer', 'when', 'action'. Map yours"):
        jk.read_events(path, columns={"customer": "user_id", "action": "event"})
    with pytest.raises(jk.SchemaError, match=r"mapped column 'client' is not in log.csv"):
        jk.read_events(path, columns={"client": "user_id", "when": "timestamp", "action": "event"})
    # the message names the column as the file does ('when'), not by its contract name ('timestamp')
    with pytest.raises(jk.SchemaError, match=r"(?s)log.csv.*column 'when' has 1 of 2 timestamps that could not "
                                             r"be parsed \(e.g. '2025-03-31' in row 1\); the column's format is "
                                             r"time_format='%d/%m/%Y %H:%M'"):
        jk.read_events(path, columns={"customer": "user_id", "when": "timestamp", "action": "event"},
                       time_format="%d/%m/%Y %H:%M")
    with pytest.raises(FileNotFoundError, match="missing.csv: no such file"):
        jk.read_events(tmp_path / "missing.csv")


# --- GA4 ----------------------------------------------------------------------------------------------


def test_ga4_export(tmp_path):
    path = write(tmp_path, "ga4.csv", """
event_date,event_timestamp,event_name,user_pseudo_id,traffic_source.source,traffic_source.medium,device.category,ga_session_id
20250101,1735725600000000,page_view,111.222,google,organic,mobile,17357
20250101,1735725660000000,purchase,111.222,google,organic,mobile,17357
20250101,1735729200000000,page_view,,facebook,paid,desktop,17358
20250101,1735729260000000,session_start,333.444,(direct),(none),desktop,17359
""")
    events = jk.read_ga4(path)
    assert events["timestamp"].iloc[0] == pd.Timestamp("2025-01-01 10:00:00")
    assert events["channel"].tolist() == ["search", "search", "direct"]
    assert events["session_id"].iloc[0] == "111.222-17357"
    assert events["device"].tolist() == ["mobile", "mobile", "desktop"]
    report = jk.import_report(events)
    assert report["rows"].tolist() == [1] and "consent mode" in report["reason"].iloc[0]


def test_ga4_malformed(tmp_path):
    path = write(tmp_path, "ga4.csv", """
event_timestamp,event_name,user_pseudo_id
2025-01-01 10:00,page_view,1
""")
    with pytest.raises(jk.SchemaError, match=r"(?s)ga4.csv.*should hold microseconds since 1970.*'2025-01-01 10:00'"):
        jk.read_ga4(path)
    missing = write(tmp_path, "bad.csv", "event_name,user_pseudo_id\npage_view,1")
    with pytest.raises(jk.SchemaError, match="column 'event_timestamp' not found in bad.csv"):
        jk.read_ga4(missing)


# --- Mixpanel / Amplitude -----------------------------------------------------------------------------


def test_mixpanel_json_lines(tmp_path):
    lines = [{"event": "Signed up", "properties": {"distinct_id": "u1", "time": 1735725600, "utm_source": "newsletter",
                                                    "utm_medium": "email", "plan": "pro"}},
             {"event": "Viewed", "properties": {"distinct_id": "u1", "time": 1735725660}},
             {"event": "Viewed", "properties": {"time": 1735725700}}]
    path = write(tmp_path, "mixpanel.jsonl", "\n".join(json.dumps(line) for line in lines))
    events = jk.read_product_analytics(path, chunksize=2)
    assert events["event"].tolist() == ["Signed up", "Viewed"]
    assert events["channel"].tolist()[0] == "email"
    assert jk.import_report(events)["rows"].tolist() == [1]


def test_amplitude_json_lines_with_device_fallback(tmp_path):
    lines = [{"event_type": "open", "user_id": None, "device_id": "d1", "event_time": "2025-01-01 10:00:00.123",
              "event_properties": {"campaign": "spring"}},
             {"event_type": "buy", "user_id": "u9", "device_id": "d2", "event_time": "2025-01-01 10:05:00.000",
              "event_properties": {"campaign": "spring"}}]
    path = write(tmp_path, "amp.jsonl", "\n".join(json.dumps(line) for line in lines))
    events = jk.read_product_analytics(path, channel_property="event_properties.campaign")
    assert events["user_id"].tolist() == ["d1", "u9"]
    assert events["channel"].tolist() == ["spring", "spring"]


def test_product_analytics_malformed(tmp_path):
    with pytest.raises(jk.SchemaError, match="line 1 is not JSON"):
        jk.read_product_analytics(write(tmp_path, "x.jsonl", "event,time\nv,1"))
    with pytest.raises(jk.SchemaError, match="pass flavour='mixpanel' or 'amplitude'"):
        jk.read_product_analytics(write(tmp_path, "y.jsonl", json.dumps({"name": "v"})))


# --- orders ---------------------------------------------------------------------------------------------

RETAIL = """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,LANTERN,6,12/1/2010 8:26,2.55,17850,United Kingdom
536365,71053,METAL SIGN,2,12/1/2010 8:26,3.40,17850,United Kingdom
C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527,United Kingdom
536414,22139,MISSING CUSTOMER,56,12/1/2010 11:52,0.00,,United Kingdom
536400,22,FREE SAMPLE,1,12/1/2010 10:00,0.00,13047,France
536401,21,GIFT,3,12/2/2010 10:00,1.25,13047,France
"""


def test_online_retail_builds_one_row_per_invoice_and_reports_drops(tmp_path):
    # every date in this small file reads either way (12/1 and 12/2), so the day order must be given
    orders = jk.read_online_retail(write(tmp_path, "retail.csv", RETAIL), dayfirst=False)
    table = orders.set_index("order_id")
    assert list(table.index) == ["536365", "536401"]
    assert table.loc["536365", "revenue"] == pytest.approx(6 * 2.55 + 2 * 3.40)
    assert table.loc["536365", "items"] == 8 and table.loc["536365", "user_id"] == "17850"
    assert table.loc["536401", "timestamp"] == pd.Timestamp("2010-12-02 10:00")  # month first
    assert "Description" not in orders.columns
    report = jk.import_report(orders).set_index("reason")["rows"]
    # the cancellation of customer 14527, who bought nothing in the file, has nothing to be netted against
    assert report["cancellation lines of customers with no sale in the file (nothing to net them against)"] == 1
    assert report["lines without CustomerID"] == 1
    assert report["invoices with a net value of zero or less (free, or cancelled in full)"] == 1
    assert orders.attrs["cancellations"] == {"lines": 1, "netted_lines": 0, "value": 27.5, "unnetted_lines": 1,
                                             "unnetted_value": 27.5}


# c1: two invoices; one lantern (A) cancelled from the later one, which it empties, the sign (B) from the first.
# c2: a cancellation of an item not on any invoice is netted from the latest invoice before it, and what it
#     takes beyond that invoice's value from c2's next invoice.
# c3: a cancellation dated before c3's first sale is netted from that sale; a negative quantity on an invoice
#     not numbered "C..." is a cancellation too.
# 1006 names two customers.
NETTING = """
InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID
1001,A,2,2011-01-03 10:00,10.00,c1
1001,B,1,2011-01-03 10:00,5.00,c1
1002,A,1,2011-01-10 10:00,10.00,c1
C2001,A,-1,2011-01-12 10:00,10.00,c1
C2002,B,-1,2011-01-12 11:00,5.00,c1
1003,X,1,2011-01-20 10:00,4.00,c2
C2003,Z,-3,2011-01-21 10:00,4.00,c2
1004,X,5,2011-01-25 10:00,4.00,c2
C2004,A,-2,2010-12-01 10:00,3.00,c3
1005,Y,2,2011-02-01 10:00,5.00,c3
1007,A,-1,2011-02-03 10:00,2.00,c3
1006,Y,1,2011-02-02 10:00,5.00,c4
1006,Z,1,2011-02-02 10:00,5.00,c5
"""


def test_online_retail_nets_cancellations_against_the_customers_revenue(tmp_path):
    path = write(tmp_path, "netting.csv", NETTING)
    with pytest.raises(jk.SchemaError, match=r"names more than one customer on 1 invoice: '1006' \('c4', 'c5'\)"
                                             r".*drop_shared_invoices=True"):
        jk.read_online_retail(path)
    orders = jk.read_online_retail(path, drop_shared_invoices=True)
    assert orders.set_index("order_id")["revenue"].to_dict() == {"1001": 20.0, "1004": 12.0, "1005": 2.0}
    # sales 69 (without the shared invoice) minus cancellations 35
    assert orders["revenue"].sum() == pytest.approx(34.0)
    report = jk.import_report(orders).set_index("reason")["rows"].to_dict()
    assert report == {"lines of invoices naming more than one customer": 2,
                      "invoices with a net value of zero or less (free, or cancelled in full)": 2}
    assert orders.attrs["cancellations"] == {"lines": 5, "netted_lines": 5, "value": 35.0, "unnetted_lines": 0,
                                             "unnetted_value": 0.0}
    # without StockCode, a cancellation is netted from the customer's latest invoice before it: both of c1's
    # go to 1002, and the 5 they take beyond its value comes from 1001
    plain = write(tmp_path, "plain.csv", "\n".join(",".join(line.split(",")[:1] + line.split(",")[2:])
                                                   for line in NETTING.strip().splitlines()))
    orders = jk.read_online_retail(plain, drop_shared_invoices=True)
    assert orders.set_index("order_id")["revenue"].to_dict() == {"1001": 20.0, "1004": 12.0, "1005": 2.0}
    with pytest.raises(jk.errors.ParameterError, match="drop_shared_invoices must be True or False"):
        jk.read_online_retail(path, drop_shared_invoices="yes")


def test_online_retail_takes_a_column_mapping(tmp_path):
    path = write(tmp_path, "renamed.csv", NETTING.replace("CustomerID", "Customer").replace("UnitPrice", "Price")
                 .replace("InvoiceNo", "Invoice"))
    orders = jk.read_online_retail(path, columns={"Customer": "user_id", "Price": "UnitPrice", "Invoice": "order_id"},
                                   drop_shared_invoices=True)
    assert orders["revenue"].sum() == pytest.approx(34.0)
    with pytest.raises(jk.SchemaError, match="column 'Price' has 1 values that are not numbers"):
        jk.read_online_retail(write(tmp_path, "bad.csv", NETTING.replace("UnitPrice", "Price").replace("5.00,c4", "x,c4")),
                              columns={"Price": "UnitPrice"})
    with pytest.raises(jk.SchemaError, match=r"'Prise' is not in renamed.csv \(did you mean 'Price'\?\)"):
        jk.read_online_retail(path, columns={"Prise": "UnitPrice"})
    with pytest.raises(jk.SchemaError, match=r"'user' \(did you mean 'user_id'\?\), which is not a column"):
        jk.read_online_retail(path, columns={"Customer": "user"})


def test_online_retail_malformed(tmp_path):
    with pytest.raises(jk.SchemaError, match="column 'UnitPrice' not found in retail.csv"):
        jk.read_online_retail(write(tmp_path, "retail.csv", "InvoiceNo,InvoiceDate,CustomerID,Quantity\n1,x,2,3"))


def test_shopify_orders(tmp_path):
    path = write(tmp_path, "shopify.csv", """
Name,Email,Financial Status,Created at,Total,Refunded Amount,Lineitem quantity,Lineitem name,Source
#1001,ann@example.com,paid,2025-03-01 10:00:00 +0100,50.00,0,1,Lamp,web
#1001,,,,,,2,Bulb,
#1002,bob@example.com,refunded,2025-03-02 11:00:00 +0000,20.00,20,1,Mug,web
#1003,ann@example.com,partially_refunded,2025-03-05 09:00:00 -0500,80.00,30,4,Plates,pos
#1004,,paid,2025-03-06 09:00:00 +0000,15.00,0,1,Card,web
""")
    orders = jk.read_shopify_orders(path).set_index("order_id")
    assert list(orders.index) == ["#1001", "#1003"]
    assert orders.loc["#1001", "items"] == 3
    assert orders.loc["#1001", "timestamp"] == pd.Timestamp("2025-03-01 09:00")  # converted to UTC
    assert orders.loc["#1003", "revenue"] == 50.0  # net of the partial refund
    report = jk.import_report(orders).set_index("reason")["rows"]
    assert report["refunded or voided orders"] == 1 and report["orders without a customer"] == 1


def test_generic_orders_and_negative_revenue(tmp_path):
    path = write(tmp_path, "orders.csv", "id,customer,date,amount\n1,a,2025-01-01,10\n2,b,2025-01-02,-5")
    # named as in the file: 'amount', mapped onto revenue
    with pytest.raises(jk.SchemaError, match=r"(?s)orders.csv.*column 'amount' has 1 negative values"):
        jk.read_orders(path, columns={"id": "order_id", "customer": "user_id", "date": "timestamp",
                                      "amount": "revenue"})


# --- surveys --------------------------------------------------------------------------------------------


def test_survey_export_with_labelled_answers(tmp_path):
    path = write(tmp_path, "survey.csv", """
respondent,submitted,question_page,How likely are you to recommend us?,Satisfaction
a,2025-01-01,delivery,10 - Extremely likely,5
b,2025-01-02,delivery,6,
c,2025-01-03,support,,2 - Unsatisfied
""")
    surveys = jk.read_surveys(path, columns={"respondent": "user_id", "submitted": "timestamp",
                                             "question_page": "touchpoint",
                                             "How likely are you to recommend us?": "nps", "Satisfaction": "csat"})
    assert surveys["nps"].tolist()[:2] == [10, 6] and pd.isna(surveys["nps"].iloc[2])
    assert surveys["csat"].iloc[2] == 2
    assert jk.nps(surveys["nps"]) == 0.0


def test_survey_scores_off_scale_name_the_file(tmp_path):
    path = write(tmp_path, "survey.csv", "user_id,timestamp,touchpoint,nps\na,2025-01-01,delivery,85\n")
    with pytest.raises(jk.SchemaError, match=r"(?s)survey.csv failed validation.*column 'nps' has 1 value off the 0-10"):
        jk.read_surveys(path)


def test_channel_rules():
    got = jk.channel_from_source(pd.Series(["google", "newsletter", "instagram", "partner-site", "blog", "(direct)",
                                            "weird"]),
                                 pd.Series(["cpc", "email", "social", "referral", "content", "(none)", "unknown"]))
    assert got.tolist() == ["ads", "email", "social", "referral", "content", "direct", "other"]


# --- ids across files, and the files people really have ------------------------------------------------


def test_the_same_customer_matches_across_events_orders_and_surveys(tmp_path):
    # events store the id as a plain integer, orders as quoted text: both are the customer "17850"
    events = jk.read_events(write(tmp_path, "events.csv", """
user_id,timestamp,event
17850,2025-01-01 10:00,visit
17850,2025-01-01 10:05,purchase
017850,2025-01-02 10:00,visit
"""))
    orders = jk.read_orders(write(tmp_path, "orders.csv", """
order_id,user_id,timestamp,revenue
A1,"17850",2025-01-01 10:05,30
A2,"017850",2025-01-02 10:05,10
"""))
    # a float-looking id written in the file is text like any other: kept verbatim, never turned into "17850"
    surveys = jk.read_surveys(write(tmp_path, "surveys.csv", """
user_id,timestamp,touchpoint,nps
17850,2025-01-03 10:00,delivery,9
17850.0,2025-01-03 11:00,delivery,3
"""))
    assert events["user_id"].tolist() == ["17850", "17850", "017850"]
    assert orders["user_id"].tolist() == ["17850", "017850"]
    assert surveys["user_id"].tolist() == ["17850", "17850.0"]
    # "017850" and "17850" are two customers in every table; 17850 and "17850" are one
    buyers = events.merge(orders, on="user_id")
    assert sorted(buyers["user_id"].unique()) == ["017850", "17850"]
    assert set(events["user_id"]) & set(surveys["user_id"]) == {"17850"}
    retail = jk.read_online_retail(write(tmp_path, "retail.csv", """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,1,LAMP,1,2010-12-01 08:26,2.55,17850.0,United Kingdom
536366,1,LAMP,1,2010-12-01 09:26,2.55,17850,United Kingdom
"""))
    assert retail["user_id"].tolist() == ["17850.0", "17850"]  # read as text, not through a float


def test_realistic_files(tmp_path):
    # day-first dates are recognised from the column; a file that never settles the order is refused
    events = jk.read_events(write(tmp_path, "uk.csv", """
user_id,timestamp,event
a,31/12/2024 23:00,visit
b,03/01/2025 09:15,visit
"""))
    assert events["timestamp"].tolist() == [pd.Timestamp("2024-12-31 23:00"), pd.Timestamp("2025-01-03 09:15")]
    undecided = write(tmp_path, "undecided.csv",
                      "user_id,when,event\na,03/04/2025 10:00,visit\nb,05/06/2025 10:00,visit")
    with pytest.raises(jk.SchemaError, match=r"(?s)undecided.csv.*column 'when' has dates like '03/04/2025 10:00'.*"
                                             r"dayfirst=True.*time_format="):
        jk.read_events(undecided, columns={"when": "timestamp"})
    assert jk.read_events(undecided, columns={"when": "timestamp"}, dayfirst=False)["timestamp"].iloc[0] == \
        pd.Timestamp("2025-03-04 10:00")
    # GA4 pseudo ids look like decimal numbers and stay exactly as written
    ga4 = jk.read_ga4(write(tmp_path, "ga4.csv", """
event_timestamp,event_name,user_pseudo_id
1735725600000000,page_view,1197196453.1700000000
1735725660000000,page_view,1197196453.17
"""))
    assert ga4["user_id"].tolist() == ["1197196453.1700000000", "1197196453.17"]
    # Excel on Windows: a byte-order mark, CRLF line endings, a trailing empty line, quoted fields with commas
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeffuser_id,timestamp,event,channel\r\n"
                      'a,2025-01-01 10:00,"visit, home page","ads, spring"\r\n'
                      "b,2025-01-01 11:00,visit,email\r\n\r\n").encode("utf-8"))
    excel = jk.read_events(path)
    assert list(excel.columns) == ["user_id", "timestamp", "event", "channel"]
    assert excel["event"].tolist() == ["visit, home page", "visit"] and excel["channel"].iloc[0] == "ads, spring"


@pytest.mark.parametrize(("answer", "score"), [("9", 9), ("9.0", 9), (" 10 ", 10), ("10 - Extremely likely", 10),
                                               ("9 (very likely)", 9), ("0 = Not at all likely", 0)])
def test_survey_answers_that_are_one_number(tmp_path, answer, score):
    path = tmp_path / "survey.csv"
    pd.DataFrame({"user_id": ["a"], "timestamp": ["2025-01-01"], "touchpoint": ["delivery"],
                  "nps": [answer]}).to_csv(path, index=False)
    assert jk.read_surveys(path)["nps"].tolist() == [score]


@pytest.mark.parametrize("answer", ["9,5", "7-8", "7/8", "9 or 10", "between 7 and 8"])
def test_survey_answers_that_are_not_one_number_are_refused_with_their_rows(tmp_path, answer):
    path = tmp_path / "survey.csv"
    pd.DataFrame({"user_id": ["a", "b"], "timestamp": ["2025-01-01"] * 2, "touchpoint": ["delivery"] * 2,
                  "score": ["10", answer]}).to_csv(path, index=False)
    with pytest.raises(jk.SchemaError, match=rf"(?s)survey.csv.*column 'score' has 1 answers that are not numbers "
                                             rf"\(e.g. {re.escape(repr(answer))} in row 1\)"):
        jk.read_surveys(path, columns={"score": "nps"})


def test_column_mappings_that_do_not_fit_the_file(tmp_path):
    path = write(tmp_path, "log.csv", "user_id,customer,when,action\na,b,2025-01-01,visit")
    with pytest.raises(jk.SchemaError, match=r"(?s)log.csv.*has both 'customer' \(mapped onto 'user_id' by "
                                             r"columns=\) and a column called 'user_id'"):
        jk.read_events(path, columns={"customer": "user_id", "when": "timestamp", "action": "event"})
    with pytest.raises(jk.SchemaError, match=r"columns maps 'customer' and 'user_id' both onto 'user_id'"):
        jk.read_events(path, columns={"customer": "user_id", "user_id": "user_id", "when": "timestamp",
                                      "action": "event"})
    with pytest.raises(jk.SchemaError, match=r"maps 'when' onto 'time' \(did you mean 'timestamp'\?\), which is not "
                                             r"a contract column; map your columns onto 'user_id', 'timestamp'"):
        jk.read_events(path, columns={"when": "time", "action": "event"})
    # swapping names through the mapping is fine: the file's user_id becomes the session, customer the user
    events = jk.read_events(path, columns={"customer": "user_id", "user_id": "session_id", "when": "timestamp",
                                           "action": "event"})
    assert events[["user_id", "session_id"]].iloc[0].tolist() == ["b", "a"]


def test_shopify_refunds_are_netted_without_a_status_column_and_full_refunds_dropped(tmp_path):
    path = tmp_path / "orders_export.csv"
    path.write_text("Name,Email,Created at,Total,Refunded Amount\n#1,a@x.com,2025-01-02 10:00,30,10\n"
                    "#2,b@x.com,2025-01-03 10:00,20,20\n")
    orders = jk.read_shopify_orders(path)
    assert orders[["order_id", "revenue"]].values.tolist() == [["#1", 20.0]]
    assert jk.import_report(orders).set_index("reason")["rows"].to_dict() == {"orders refunded in full": 1}


def test_a_reader_without_columns_never_proposes_columns(tmp_path):
    path = tmp_path / "orders_export.csv"
    path.write_text("Order,Email,Created,Total\n#1,a@x.com,2025-01-02 10:00,30\n")
    with pytest.raises(jk.SchemaError) as caught:
        jk.read_shopify_orders(path)
    assert caught.value.fix is None and "columns=" not in str(caught.value)
