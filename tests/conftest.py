"""Fixtures shared by several test files."""

import importlib.util
import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory):
    """One local Spark session for the whole run (starting one takes about 20 seconds); skipped without pyspark or
    Java. Its time zone is UTC, as the kit's, and it writes nothing outside a temporary folder."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java: Spark needs it")
    from pyspark.sql import SparkSession

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (SparkSession.builder.master("local[2]").appName("journeykit-tests")
               .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4").config("spark.sql.warehouse.dir", str(warehouse))
               .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def generated_folder(tmp_path_factory) -> Path:
    """A folder with one Parquet file of 30,000 events written by the benchmark generator (the benchmarks' cases
    checked on a small log)."""
    spec = importlib.util.spec_from_file_location("generate_log", ROOT / "benchmarks" / "generate_log.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("generated") / "events"
    module.generate_log(folder, events=30_000, files=1)
    return folder


@pytest.fixture(scope="session")
def generated(generated_folder) -> pd.DataFrame:
    """That log read as the benchmarks read it: text user ids and event names. Shared: do not modify it."""
    return pd.read_parquet(generated_folder).astype({"user_id": "str", "event": "str"})


@pytest.fixture(scope="module")
def con():
    """One embedded DuckDB connection per test file, for the SQL references (each binds and releases its own
    views); files that need another kind of connection define their own."""
    import duckdb

    connection = duckdb.connect()
    yield connection
    connection.close()
