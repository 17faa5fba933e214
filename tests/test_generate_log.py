"""The benchmark log generator (benchmarks/generate_log.py): schema, exact size, determinism, planted patterns."""

import filecmp
import importlib.util
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import journeykit as jk

ROOT = Path(__file__).resolve().parents[1]
EVENTS = 200_000


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_log", ROOT / "benchmarks" / "generate_log.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """One log of 200,000 events in three files, and what generate_log said about it."""
    folder = tmp_path_factory.mktemp("log") / "events"
    return folder, gen.generate_log(folder, events=EVENTS, seed=1, files=3)


@pytest.fixture(scope="module")
def con(written):
    folder, _ = written
    connection = duckdb.connect()
    connection.execute(f"CREATE VIEW log AS SELECT * FROM read_parquet('{folder}/*.parquet')")
    yield connection
    connection.close()


def _table(folder: Path) -> pa.Table:
    return pa.concat_tables(pq.read_table(path) for path in sorted(folder.glob("*.parquet")))


def test_columns_and_types(written):
    folder, _ = written
    for path in folder.glob("*.parquet"):
        schema = pq.read_schema(path)
        assert schema.names == ["user_id", "timestamp", "event", "channel", "device", "session_id"]
        assert [schema.field(name).type for name in schema.names if name != "timestamp"] == [pa.string()] * 5
        assert schema.field("timestamp").type == pa.timestamp("us")  # naive: no time zone


def test_exact_row_count_and_reported_figures(written, con):
    folder, result = written
    rows, users = con.execute("SELECT count(*), count(DISTINCT user_id) FROM log").fetchone()
    assert rows == result["rows"] == EVENTS
    assert users == result["users"]
    assert EVENTS / 25 < users < EVENTS / 15  # about one user per 20 events
    files = sorted(folder.glob("*.parquet"))
    assert [path.name for path in files] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert result["files"] == 3 and result["bytes"] == sum(path.stat().st_size for path in files)
    assert [pq.read_metadata(path).num_rows for path in files] == pytest.approx([EVENTS / 3] * 3, rel=0.02)


def test_a_smaller_log_is_the_start_of_a_larger_one_cut_within_a_user(tmp_path):
    small = gen.generate_log(tmp_path / "small", events=12_345, seed=5, files=2)
    gen.generate_log(tmp_path / "large", events=13_000, seed=5, files=1)
    assert small["rows"] == 12_345
    assert sorted(path.name for path in tmp_path.iterdir()) == ["large", "small"]  # no staging folder left
    head, large = _table(tmp_path / "small"), _table(tmp_path / "large")
    assert head.num_rows == 12_345
    assert large.slice(0, 12_345).equals(head)
    last_user = head["user_id"][-1]
    assert large["user_id"][12_345] == last_user  # the last user was cut short to make the count exact


def test_vocabulary_is_the_shops_and_has_the_funnel(con):
    shop = set(jk.datasets.load("shop_events")["event"].unique())
    ours = {row[0] for row in con.execute("SELECT DISTINCT event FROM log").fetchall()}
    assert ours <= shop
    assert set(gen.FUNNEL) <= ours
    assert set(gen.EVENTS) == shop  # the generator's list is the sample's


def test_timestamps_are_whole_seconds_in_the_15_months(con):
    first, last, fractions = con.execute(
        "SELECT min(timestamp), max(timestamp), count(*) FILTER (WHERE microsecond(timestamp) % 1000000 <> 0) "
        "FROM log").fetchone()
    assert str(first) >= "2025-01-01" and str(last) < "2026-04-01"
    assert str(first) < "2025-01-08" and str(last) > "2026-03-24"
    assert fractions == 0


def test_each_user_has_one_channel_and_one_device(con):
    mixed = con.execute("SELECT count(*) FROM (SELECT user_id FROM log GROUP BY user_id "
                        "HAVING count(DISTINCT channel) > 1 OR count(DISTINCT device) > 1)").fetchone()[0]
    assert mixed == 0
    channels = {row[0] for row in con.execute("SELECT DISTINCT channel FROM log").fetchall()}
    assert channels == set(gen.CHANNELS)
    devices = {row[0] for row in con.execute("SELECT DISTINCT device FROM log").fetchall()}
    assert devices == {"mobile", "desktop"}


def test_rows_are_sorted_by_user_then_time_and_ties_are_rare(written):
    table = _table(written[0]).to_pandas()
    same_user = table["user_id"].eq(table["user_id"].shift())
    assert table["user_id"].is_monotonic_increasing
    step = table["timestamp"].diff()[same_user]
    assert (step >= pd.Timedelta(0)).all()
    assert (step == pd.Timedelta(0)).mean() < 0.002
    sessions = table["session_id"].dropna()
    blocks = sessions.ne(sessions.shift()).sum()
    assert blocks == sessions.nunique()  # a session's rows are together, so in time order too


def test_same_seed_gives_identical_files_and_another_seed_does_not(written, tmp_path):
    folder, _ = written
    again = gen.generate_log(tmp_path / "again", events=EVENTS, seed=1, files=3)
    other = gen.generate_log(tmp_path / "other", events=EVENTS, seed=2, files=3)
    for path in sorted(folder.glob("*.parquet")):
        assert filecmp.cmp(path, tmp_path / "again" / path.name, shallow=False), path.name
    assert _table(tmp_path / "again").equals(_table(folder))
    assert again["users"] == written[1]["users"]
    assert other["rows"] == EVENTS
    assert not _table(tmp_path / "other").equals(_table(folder))


def test_funnel_narrows_at_every_step(con):
    users = dict(con.execute("SELECT event, count(DISTINCT user_id) FROM log GROUP BY event").fetchall())
    counts = [users[step] for step in gen.FUNNEL]
    assert counts == sorted(counts, reverse=True) and len(set(counts)) == len(counts), counts
    assert users["visit"] == con.execute("SELECT count(DISTINCT user_id) FROM log").fetchone()[0]


def test_checkout_comes_before_purchase_and_delivery_after(con):
    orphans = con.execute("""
        SELECT count(*) FROM log AS p
        WHERE p.event = 'purchase' AND NOT EXISTS (
            SELECT 1 FROM log AS c WHERE c.session_id = p.session_id AND c.event = 'begin_checkout'
                                     AND c.timestamp <= p.timestamp)
    """).fetchone()[0]
    assert orphans == 0
    early = con.execute("""
        SELECT count(*) FROM (
            SELECT user_id, min(timestamp) FILTER (WHERE event = 'purchase') AS bought,
                   min(timestamp) FILTER (WHERE event = 'order_delivered') AS delivered
            FROM log GROUP BY user_id)
        WHERE delivered IS NOT NULL AND (bought IS NULL OR delivered <= bought)
    """).fetchone()[0]
    assert early == 0


def test_mobile_users_have_payments_fail_far_more_often(con):
    share = dict(con.execute("""
        SELECT device, avg(failed::INTEGER) FROM (
            SELECT user_id, any_value(device) AS device, bool_or(event = 'payment_failed') AS failed
            FROM log GROUP BY user_id)
        GROUP BY device
    """).fetchall())
    assert share["mobile"] > 2.5 * share["desktop"] > 0, share


def test_monthly_retention_decays(con):
    retained = [row[1] for row in con.execute("""
        WITH active AS (SELECT DISTINCT user_id, date_trunc('month', timestamp) AS month FROM log
                        WHERE session_id IS NOT NULL),
             cohort AS (SELECT user_id, min(month) AS first FROM active GROUP BY user_id)
        SELECT date_diff('month', first, month) AS months_later, count(*) FROM active JOIN cohort USING (user_id)
        WHERE first < DATE '2025-07-01' GROUP BY months_later ORDER BY months_later
    """).fetchall()]
    rates = [n / retained[0] for n in retained[:7]]
    assert rates == sorted(rates, reverse=True) and len(set(rates)) == 7, rates
    assert 0.2 < rates[1] < 0.8 and rates[6] < 0.2


def test_refuses_a_non_empty_folder_unless_forced(tmp_path, capsys):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        gen.generate_log(folder, events=1_000)
    assert gen.main([str(folder), "--events", "1000"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [path.name for path in folder.iterdir()] == ["keep.txt"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["taken"]  # no staging folder left behind

    assert gen.main([str(folder), "--events", "1000", "--force"]) == 0
    assert "1,000 rows" in capsys.readouterr().out
    assert [path.name for path in folder.iterdir()] == ["part-00000.parquet"]


def test_an_empty_folder_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    assert gen.generate_log(tmp_path / "empty", events=500)["rows"] == 500


def test_a_failed_run_leaves_nothing_behind(tmp_path, monkeypatch):
    written = []

    def fail_on_second_file(con, path, *args):
        if written:
            raise OSError("disk full")
        written.append(path)
        original(con, path, *args)

    original = gen._write_file
    monkeypatch.setattr(gen, "_write_file", fail_on_second_file)
    with pytest.raises(OSError, match="disk full"):
        gen.generate_log(tmp_path / "log", events=5_000, files=2)
    assert written and list(tmp_path.iterdir()) == []
