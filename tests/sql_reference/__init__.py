"""The course's metric definitions written independently in DuckDB SQL.

Used twice: by the tests, as a cross-check of journeykit on small and hostile
logs, and by the benchmarks, as the speed reference on large ones. Each module
holds one family of definitions; every function takes the events (a DataFrame,
or a Parquet path or glob) and an optional DuckDB connection.
"""

from sql_reference.core import (  # noqa: F401
    duckdb_cohort_retention,
    duckdb_first_touch,
    duckdb_funnel,
    duckdb_top_paths,
)
