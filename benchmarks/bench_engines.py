"""The kit on a folder of Parquet files (run by embedded DuckDB) against hand-written DuckDB SQL of the same definition.

Usage, from the repository's top folder with the course environment active::

    python benchmarks/generate_log.py /tmp/scale20m --events 20000000      # once: the log (see that script)
    python benchmarks/bench_engines.py /tmp/scale20m                       # every case, results to a JSON file
    python benchmarks/bench_engines.py /tmp/scale20m --case funnel          # one case
    python benchmarks/bench_engines.py /tmp/scale20m --repeat 3            # the median of three runs each

Each case runs twice, each time in its own process so that its peak memory (resident set size) is its own: once
as ``jk.<function>("<folder>/*.parquet", ...)``, once as the SQL of ``tests/sql_reference/`` (written
independently of the kit) on the same files, under the same DuckDB memory limit (``JOURNEYKIT_DUCKDB_MEMORY``,
3 GB by default, beyond which DuckDB spills to disk). The script checks that both give the same numbers, prints the times,
the ratio and the peaks, and writes them to ``benchmarks/results/engines-<events>.json``. Targets and recorded
results: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = ["visit", "view_product", "add_to_cart", "begin_checkout", "purchase"]
CASES = {
    "funnel": "jk.funnel, 5 steps, window='7D'",
    "funnel_no_window": "jk.funnel, 5 steps, no window",
    "retention": "jk.cohort_retention, period='M'",
    "attribution": "jk.attribute, model='first_touch'",
    "top_paths": "jk.top_paths, buyer paths, top 10",
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run(case: str, engine: str, files: str) -> dict:
    """One case with one engine, in this process: its result as plain lists, seconds and peak memory (imports are
    done before the clock starts, for both)."""
    import os

    import duckdb

    import journeykit as jk

    sys.path.insert(0, str(HERE.parent / "tests"))  # the SQL oracle lives with the tests
    from sql_reference import duckdb_cohort_retention, duckdb_first_touch, duckdb_funnel, duckdb_top_paths

    # the SQL runs under the same memory limit as the kit's own DuckDB connections
    con = duckdb.connect(config={"memory_limit": os.environ.get("JOURNEYKIT_DUCKDB_MEMORY", "3GB")})
    start = time.perf_counter()
    if engine == "journeykit":
        if case == "top_paths":
            table = jk.top_paths(files)
            result = [[p, int(u)] for p, u in zip(table["path"], table["users"])]
        elif case == "attribution":
            table = jk.attribute(files, model="first_touch")
            result = dict(zip(table["channel"], table["conversions"].astype(int).tolist()))
        elif case == "retention":
            table = jk.cohort_retention(files, period="M")
            result = table[["period", "cohort_size", "retained"]].to_numpy().tolist()
        else:
            result = jk.funnel(files, STEPS, window=None if case == "funnel_no_window" else "7D")["users"].tolist()
    else:
        if case == "top_paths":
            result = [[p, u] for p, u in duckdb_top_paths(files, con=con)]
        elif case == "attribution":
            result = duckdb_first_touch(files, con=con)
        elif case == "retention":
            result = duckdb_cohort_retention(files, con)[["period", "cohort_size", "retained"]].to_numpy().tolist()
        else:
            result = duckdb_funnel(files, STEPS, None if case == "funnel_no_window" else "7D", con=con)
    seconds = time.perf_counter() - start
    return {"engine": engine, "seconds": round(seconds, 2), "peak_mb": round(_peak_mb()), "result": result}


def _child(case: str, engine: str, files: str) -> dict:
    out = subprocess.run([sys.executable, __file__, files, "--case", case, "--engine", engine], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    """The run with the median time (its result and peak memory come with it)."""
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def _rows(files: str) -> int:
    import duckdb

    return duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{files}')").fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="a folder of Parquet files, or a glob")
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case and engine; the median is kept")
    parser.add_argument("--engine", choices=["journeykit", "duckdb"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    files = args.folder if "*" in args.folder else str(Path(args.folder) / "*.parquet")
    if args.engine:  # child process
        print(json.dumps(run(args.case[0], args.engine, files)))
        return 0
    rows = _rows(files)
    print(f"{rows:,} events in {files}")
    results, ok = [], True
    for case in args.case or list(CASES):
        kit = _median([_child(case, "journeykit", files) for _ in range(args.repeat)])
        sql = _median([_child(case, "duckdb", files) for _ in range(args.repeat)])
        same = kit["result"] == sql["result"]
        ok &= same
        ratio = kit["seconds"] / max(sql["seconds"], 1e-9)
        print(f"  {CASES[case]:<36} kit {kit['seconds']:>6.1f} s, peak {kit['peak_mb']:>6,} MB | "
              f"SQL {sql['seconds']:>6.1f} s, peak {sql['peak_mb']:>6,} MB | {ratio:.2f}x | same: {same}")
        results.append({"case": case, "what": CASES[case], "events": rows, "runs": args.repeat,
                        "kit_seconds": kit["seconds"],
                        "kit_peak_mb": kit["peak_mb"], "sql_seconds": sql["seconds"], "sql_peak_mb": sql["peak_mb"],
                        "ratio": round(ratio, 2), "same_result": same})
    out = HERE / "results" / f"engines-{rows}.json"
    out.parent.mkdir(exist_ok=True)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": __import__("os").cpu_count()}
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=1) + "\n")
    print(f"written to {out.relative_to(HERE.parent)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
