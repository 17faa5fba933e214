"""Speed and memory of journeykit's metrics on a large log, against DuckDB SQL of the same definitions.

Usage, from the repository's top folder with the course environment active::

    python benchmarks/bench.py funnel            # 10 million events, 1 million users
    python benchmarks/bench.py retention         # monthly cohort retention, same log size
    python benchmarks/bench.py funnel --users 100000 --events 1000000   # a quick run

Each engine runs in its own process on the same seeded log, so that its peak
memory (resident set size, including the log itself) is measured alone. The
script checks that both engines give the same numbers and prints both times.
Targets and recorded results: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

FUNNEL_STEPS = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]
FUNNEL_WINDOW = "7D"
_EVENTS = np.array(["visit", "view_product", "add_to_cart", "begin_checkout", "purchase", "search", "read_reviews"])
_EVENT_P = [0.25, 0.35, 0.1, 0.06, 0.04, 0.12, 0.08]


def make_log(n_users: int, n_events: int, seed: int = 0, days: int = 30) -> pd.DataFrame:
    """A random event log: text user ids (ids are text in the data contract), seven event names, ``days`` of
    timestamps to the second."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "user_id": pd.Series(rng.integers(0, n_users, n_events)).astype("str"),
        "timestamp": (np.datetime64("2025-01-01T00:00:00", "s")
                      + rng.integers(0, days * 86400, n_events).astype("timedelta64[s]")).astype("datetime64[ns]"),
        "event": pd.Series(_EVENTS[rng.choice(len(_EVENTS), n_events, p=_EVENT_P)], dtype="str"),
    })


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_engine(metric: str, engine: str, n_users: int, n_events: int) -> dict:
    # a month is too short for cohorts: retention gets 15 months of data
    events = make_log(n_users, n_events, days=30 if metric == "funnel" else 456)
    start = time.perf_counter()
    if metric == "funnel" and engine == "journeykit":
        import journeykit as jk

        result = jk.funnel(events, FUNNEL_STEPS, window=FUNNEL_WINDOW)["users"].tolist()
    elif metric == "funnel" and engine == "duckdb":
        from sql_reference import duckdb_funnel

        result = duckdb_funnel(events, FUNNEL_STEPS, FUNNEL_WINDOW)
    elif metric == "retention" and engine == "journeykit":
        import journeykit as jk

        table = jk.cohort_retention(events, period="M")
        result = table[["period", "cohort_size", "retained"]].to_numpy().tolist()
    elif metric == "retention" and engine == "duckdb":
        from sql_reference import duckdb_cohort_retention

        result = duckdb_cohort_retention(events)[["period", "cohort_size", "retained"]].to_numpy().tolist()
    else:
        raise ValueError(f"unknown metric/engine {metric}/{engine}")
    seconds = time.perf_counter() - start
    return {"engine": engine, "seconds": round(seconds, 2), "peak_mb": round(_peak_mb()), "result": result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("metric", choices=["funnel", "retention"])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--engine", choices=["journeykit", "duckdb"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine:  # child process: run one engine and report as JSON
        sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))  # the SQL oracle lives with the tests
        print(json.dumps(run_engine(args.metric, args.engine, args.users, args.events)))
        return 0

    print(f"{args.metric}: {args.events:,} events, {args.users:,} users")
    runs = []
    for engine in ("journeykit", "duckdb"):
        out = subprocess.run([sys.executable, __file__, args.metric, "--engine", engine, "--users", str(args.users),
                              "--events", str(args.events)], check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  {engine:<10} {runs[-1]['seconds']:>7.2f} s   peak {runs[-1]['peak_mb']:>6,} MB")
    same = runs[0]["result"] == runs[1]["result"]
    ratio = runs[0]["seconds"] / max(runs[1]["seconds"], 1e-9)
    shown = runs[0]["result"] if len(runs[0]["result"]) <= 8 else f"({len(runs[0]['result'])} rows)"
    print(f"  same result: {same} {shown}")
    print(f"  journeykit / duckdb time: {ratio:.2f}x (target <= 2x); journeykit peak {runs[0]['peak_mb']:,} MB "
          "(target < 4,096 MB)")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
