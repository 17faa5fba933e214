"""Every reader on hostile files: each is read correctly or refused with the kit's own error naming the file."""

import gzip
import io
import json
import re

import pandas as pd
import pytest

import journeykit as jk
from journeykit.errors import JourneyKitError, MissingFileError, ReadError

# One small, well-formed file per reader. The ids mix leading zeros ("017850"), plain integers (17850) and a
# float-looking text ("17850.0"): all three must come back exactly as written, and stay three different ids.
GOOD = {
    "events": """
user_id,timestamp,event,session_id
017850,2025-01-01 10:00,visit,0001
17850,2025-01-02 10:00,purchase,2
17850.0,2025-01-03 10:00,visit,3.0
""",
    "orders": """
order_id,user_id,timestamp,revenue
0001,017850,2025-01-01 10:00,10.5
2,17850,2025-01-02 10:00,20
3.0,17850.0,2025-01-03 10:00,5
""",
    "surveys": """
user_id,timestamp,touchpoint,nps
017850,2025-01-01 10:00,delivery,10 - Extremely likely
17850,2025-01-02 10:00,delivery,9
17850.0,2025-01-03 10:00,support,0 = Not at all likely
""",
    "ga4": """
event_timestamp,event_name,user_pseudo_id,ga_session_id
1735725600000000,page_view,1197196453.1700000000,17357
1735725660000000,purchase,017850,17358
1735725720000000,page_view,17850,17359
""",
    "online_retail": """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
0536365,85123A,LANTERN,6,2010-12-01 08:26,2.55,017850,United Kingdom
536366,71053,SIGN,2,2010-12-02 08:26,3.40,17850,United Kingdom
536367,71053,SIGN,1,2010-12-03 08:26,3.40,17850.0,France
""",
    "shopify": """
Name,Email,Created at,Total,Lineitem quantity,Customer ID
#1001,ann@example.com,2025-03-01 10:00:00 +0100,50.00,1,017850
#1002,bob@example.com,2025-03-02 11:00:00 +0000,20.00,1,17850
#1003,cid@example.com,2025-03-05 09:00:00 -0500,80.00,4,17850.0
""",
}
READERS = {"events": jk.read_events, "orders": jk.read_orders, "surveys": jk.read_surveys, "ga4": jk.read_ga4,
           "online_retail": jk.read_online_retail, "shopify": jk.read_shopify_orders}
IDS = {  # (column of the result, its values in order)
    "events": ("user_id", ["017850", "17850", "17850.0"]),
    "orders": ("order_id", ["0001", "2", "3.0"]),
    "surveys": ("user_id", ["017850", "17850", "17850.0"]),
    "ga4": ("user_id", ["1197196453.1700000000", "017850", "17850"]),
    "online_retail": ("user_id", ["017850", "17850", "17850.0"]),
    "shopify": ("user_id", ["017850", "17850", "17850.0"]),
}
# the id column each file stores, to build a header that names it twice
ID_COLUMN = {"events": "user_id", "orders": "user_id", "surveys": "user_id", "ga4": "user_pseudo_id",
             "online_retail": "CustomerID", "shopify": "Name"}
NAMES = list(READERS)


def text(name):
    return GOOD[name].strip() + "\n"


def write(tmp_path, filename, data):
    path = tmp_path / filename
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def refused(reader, path, error=JourneyKitError, match=None, **kwargs):
    """The reader raises the kit's own error (of type ``error``), naming the file, and matching ``match``."""
    with pytest.raises(error) as info:
        reader(path, **kwargs)
    assert isinstance(info.value, JourneyKitError)
    message = str(info.value)
    assert path.name in message
    if match:
        assert re.search(match, message), message
    return message


def read_ok(name, path, **kwargs):
    frame = READERS[name](path, **kwargs)
    column, values = IDS[name]
    assert frame[column].tolist() == values
    return frame


def same(a, b):
    a, b = a.copy(), b.copy()
    a.attrs, b.attrs = {}, {}
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("name", NAMES)
def test_well_formed_file_keeps_every_id_as_written(tmp_path, name):
    frame = read_ok(name, write(tmp_path, f"{name}.csv", text(name)))
    assert len(frame) == 3


@pytest.mark.parametrize("name", NAMES)
def test_missing_file(tmp_path, name):
    message = refused(READERS[name], tmp_path / f"{name}.csv", MissingFileError, "no such file")
    assert isinstance(MissingFileError("x", "y"), FileNotFoundError)
    assert message.startswith(str(tmp_path / f"{name}.csv"))


@pytest.mark.parametrize("name", NAMES)
def test_folder(tmp_path, name):
    folder = tmp_path / f"{name}_export"
    folder.mkdir()
    refused(READERS[name], folder, ReadError, "is a folder")


@pytest.mark.parametrize("name", NAMES)
def test_empty_file(tmp_path, name):
    refused(READERS[name], write(tmp_path, f"{name}.csv", b""), ReadError, r"empty \(0 bytes\)")
    refused(READERS[name], write(tmp_path, f"{name}_blank.csv", "\n\n"), ReadError, "only blank lines")


@pytest.mark.parametrize("name", NAMES)
def test_header_only(tmp_path, name):
    header = text(name).splitlines()[0] + "\n"
    refused(READERS[name], write(tmp_path, f"{name}.csv", header), ReadError, "no rows: the table is empty")


@pytest.mark.parametrize("name", NAMES)
def test_truncated_and_damaged_gzip(tmp_path, name):
    packed = gzip.compress(text(name).encode())
    refused(READERS[name], write(tmp_path, f"{name}.csv.gz", packed[: len(packed) // 2]), ReadError,
            "compressed file is truncated or damaged")
    damaged = packed[:12] + bytes(b ^ 0xFF for b in packed[12:40]) + packed[40:]
    refused(READERS[name], write(tmp_path, f"{name}_bad.csv.gz", damaged), ReadError,
            "compressed file is truncated or damaged")
    # whole, it reads, whatever its name says
    read_ok(name, write(tmp_path, f"{name}.gz.csv", packed))


@pytest.mark.parametrize("name", NAMES)
def test_latin1_file_is_refused_until_its_encoding_is_given(tmp_path, name):
    lines = text(name).splitlines()
    latin = "\n".join([lines[0] + ",note", *(line + ",café" for line in lines[1:])]) + "\n"
    path = write(tmp_path, f"{name}.csv", latin.encode("latin-1"))
    message = refused(READERS[name], path, ReadError, r"byte 0xe9 at position \d+ \(line 2")
    assert "encoding='cp1252'" in message and "encoding='latin-1'" in message
    read_ok(name, path, encoding="latin-1")


@pytest.mark.parametrize("name", NAMES)
def test_semicolon_file_is_refused_until_sep_is_given(tmp_path, name):
    path = write(tmp_path, f"{name}.csv", text(name).replace(",", ";"))
    refused(READERS[name], path, ReadError, r"separated by semicolons, not commas\. Pass sep=';'")
    read_ok(name, path, sep=";")
    tabs = write(tmp_path, f"{name}.tsv", text(name).replace(",", "\t"))
    refused(READERS[name], tabs, ReadError, r"Pass sep='\\t'")


@pytest.mark.parametrize("name", NAMES)
def test_parquet_is_recognised_by_its_content(tmp_path, name):
    csv = read_ok(name, write(tmp_path, f"{name}.csv", text(name)))
    table = pd.read_csv(io.StringIO(text(name)), dtype=str)
    table.to_parquet(tmp_path / f"{name}_really_parquet.csv")
    same(read_ok(name, tmp_path / f"{name}_really_parquet.csv"), csv)


@pytest.mark.parametrize("name", NAMES)
def test_file_named_parquet_that_is_not(tmp_path, name):
    refused(READERS[name], write(tmp_path, f"{name}.parquet", text(name)), ReadError, "is not a Parquet file")
    table = pd.read_csv(io.StringIO(text(name)), dtype=str)
    table.to_parquet(tmp_path / "whole.parquet")
    cut = (tmp_path / "whole.parquet").read_bytes()
    refused(READERS[name], write(tmp_path, f"{name}_cut.parquet", cut[: len(cut) // 2]), ReadError,
            "cannot be read as one")


@pytest.mark.parametrize("name", NAMES)
def test_ragged_rows(tmp_path, name):
    lines = text(name).splitlines()
    later = "\n".join([*lines, lines[-1] + ",surplus"]) + "\n"
    refused(READERS[name], write(tmp_path, f"{name}.csv", later), ReadError,
            r"line 5 has \d+ fields but the header has \d+")
    first = "\n".join([lines[0], *(line + ",surplus" for line in lines[1:])]) + "\n"
    refused(READERS[name], write(tmp_path, f"{name}_all.csv", first), ReadError,
            r"line 2 has \d+ fields but the header has \d+")


@pytest.mark.parametrize("name", NAMES)
def test_a_column_named_twice(tmp_path, name):
    lines = text(name).splitlines()
    column = ID_COLUMN[name]
    position = lines[0].split(",").index(column)
    doubled = "\n".join([lines[0] + f",{column}", *(line + "," + line.split(",")[position] for line in lines[1:])])
    refused(READERS[name], write(tmp_path, f"{name}.csv", doubled + "\n"), JourneyKitError,
            rf"column '{column}' appears 2 times in the header")


@pytest.mark.parametrize("name", ["events", "orders", "surveys"])
def test_mapping_that_duplicates_a_column(tmp_path, name):
    lines = text(name).splitlines()
    both = "\n".join([lines[0] + ",customer", *(line + ",c1" for line in lines[1:])]) + "\n"
    path = write(tmp_path, f"{name}.csv", both)
    message = refused(READERS[name], path, jk.SchemaError, r"has both 'customer' \(mapped onto 'user_id'",
                      columns={"customer": "user_id"})
    assert "'user_id'" in message
    with pytest.raises(jk.SchemaError, match=r"columns maps 'customer' and 'timestamp' both onto 'user_id'"):
        READERS[name](path, columns={"customer": "user_id", "timestamp": "user_id"})
    with pytest.raises(jk.SchemaError, match=r"'usr_id' \(did you mean 'user_id'\?\), which is not a contract column"):
        READERS[name](path, columns={"customer": "usr_id"})
    with pytest.raises(jk.errors.ParameterError, match=f"{name}.csv: columns must be a mapping"):
        READERS[name](path, columns=["customer"])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["int64", "float64"])
def test_numeric_ids_in_parquet_become_their_digits(tmp_path, name, dtype):
    # Parquet keeps the type the exporting tool gave: integers, or floats when the column had gaps somewhere
    table = pd.read_csv(io.StringIO(text(name)), dtype=str)
    column = {"orders": "order_id", "shopify": "Customer ID"}.get(name, ID_COLUMN[name])
    table[column] = pd.Series([17850, 17851, 17852], dtype=dtype)
    table.to_parquet(tmp_path / f"{name}.parquet")
    frame = READERS[name](tmp_path / f"{name}.parquet")
    assert frame[IDS[name][0]].tolist() == ["17850", "17851", "17852"]


@pytest.mark.parametrize("name", NAMES)
def test_bom_crlf_and_trailing_empty_line(tmp_path, name):
    windows = ("\ufeff" + text(name) + "\n").replace("\n", "\r\n")
    same(read_ok(name, write(tmp_path, f"{name}.csv", windows)),
         read_ok(name, write(tmp_path, f"{name}_plain.csv", text(name))))


@pytest.mark.parametrize("name", NAMES)
def test_wrong_arguments_name_the_file(tmp_path, name):
    path = write(tmp_path, f"{name}.csv", text(name))
    refused(READERS[name], path, jk.errors.ParameterError, "sep must be one character", sep=";;")
    refused(READERS[name], path, jk.errors.ParameterError, "not an encoding", encoding="utf9")


def test_other_non_csv_content_is_refused(tmp_path):
    refused(jk.read_events, write(tmp_path, "events.csv", '{"user_id": 1}\n'), ReadError, "looks like JSON")
    refused(jk.read_events, write(tmp_path, "utf16.csv", text("events").encode("utf-16")), ReadError,
            "encoding='utf-16'")
    refused(jk.read_events, write(tmp_path, "image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ReadError,
            "binary data")
    refused(jk.read_events, write(tmp_path, "plain.csv.gz", text("events")), ReadError, "not gzip-compressed")
    unclosed = text("events") + '9,"2025-01-04 10:00,visit,4\n10,2025-01-05 10:00,visit,5\n'
    excel_hint = "sep=;\n" + text("events").replace(",", ";")
    refused(jk.read_events, write(tmp_path, "hint.csv", excel_hint), ReadError, "Excel's separator hint", sep=";")
    refused(jk.read_events, write(tmp_path, "quotes.csv", unclosed), ReadError, "starting on line 5 is never closed")


# --- JSON lines -------------------------------------------------------------------------------------------

MIXPANEL = [{"event": "Signed up", "properties": {"distinct_id": 17850, "time": 1735725600}},
            {"event": "Viewed", "properties": {"distinct_id": "017850", "time": 1735725660}},
            {"event": "Viewed", "properties": {"distinct_id": "17850.0", "time": 1735725700}},
            {"event": "Viewed", "properties": {"time": 1735725800}},
            {"event": "Viewed", "properties": {"distinct_id": 12345678901234567890123, "time": 1735725900}}]


def jsonl(records):
    return "\n".join(json.dumps(r) for r in records) + "\n"


def test_product_analytics_ids_and_hostile_files(tmp_path):
    read = jk.read_product_analytics
    events = read(write(tmp_path, "mixpanel.jsonl", jsonl(MIXPANEL)), chunksize=2)
    # numbers become their digits (exactly, however long), text stays as written
    assert events["user_id"].tolist() == ["17850", "017850", "17850.0", "12345678901234567890123"]
    refused(read, tmp_path / "missing.jsonl", MissingFileError, "no such file")
    (tmp_path / "folder.jsonl").mkdir()
    refused(read, tmp_path / "folder.jsonl", ReadError, "is a folder")
    refused(read, write(tmp_path, "empty.jsonl", b""), ReadError, r"empty \(0 bytes\)")
    packed = gzip.compress(jsonl(MIXPANEL).encode())
    assert read(write(tmp_path, "whole.jsonl.gz", packed))["user_id"].tolist()[0] == "17850"
    refused(read, write(tmp_path, "cut.jsonl.gz", packed[: len(packed) // 2]), ReadError, "truncated or damaged")
    latin = jsonl(MIXPANEL[:1]).replace("Signed up", "Inscrit café").encode("latin-1")
    refused(read, write(tmp_path, "latin.jsonl", latin), ReadError, "line 1 is not UTF-8")
    pd.DataFrame({"event": ["v"]}).to_parquet(tmp_path / "events.jsonl")
    refused(read, tmp_path / "events.jsonl", ReadError, "is a Parquet file")
    refused(read, write(tmp_path, "array.json", json.dumps(MIXPANEL, indent=1)), jk.SchemaError, "one JSON array")
    refused(read, write(tmp_path, "cut.jsonl", jsonl(MIXPANEL) + '{"event": "x", "prop'), jk.SchemaError,
            "line 6 is not JSON")
    milliseconds = [{"event": "v", "properties": {"distinct_id": 1, "time": 1735725600000}}]
    path = write(tmp_path, "ms.jsonl", jsonl(milliseconds))
    refused(read, path, jk.SchemaError, "pass time_unit='ms'")
    assert read(path, time_unit="ms")["timestamp"].tolist() == [pd.Timestamp("2025-01-01 10:00")]
    amplitude = [{"event_type": "open", "user_id": None, "device_id": 17850, "event_time": "2025-01-01 10:00:00"},
                 {"event_type": "buy", "user_id": "", "device_id": "d2", "event_time": "2025-01-01 10:05:00"},
                 {"event_type": "buy", "user_id": 17851, "device_id": "d3", "event_time": "2025-01-01 10:06:00"}]
    assert read(write(tmp_path, "amp.jsonl", jsonl(amplitude)))["user_id"].tolist() == ["17850", "d2", "17851"]
