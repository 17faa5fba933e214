"""Every analysis function on a pandas frame against hand-written DuckDB SQL of the same definition, on the same frame.

Usage, from the repository's top folder with the course environment active::

    python benchmarks/generate_log.py /tmp/scale10m --events 10000000     # once: the log (see that script)
    python benchmarks/bench_memory.py /tmp/scale10m                       # every case; results to a JSON file
    python benchmarks/bench_memory.py /tmp/scale10m --case stage_summary --case rfm
    python benchmarks/bench_memory.py --list                              # the cases
    python benchmarks/bench_memory.py --table 10000000                    # the results file as a Markdown table

The cases and the SQL come from ``tests/sql_reference`` (written independently of the kit; the tests hold each
reference equal to the kit on the sample shop and on hostile logs). Each case runs twice, each time in its own
process: the log is read from Parquet into a pandas frame (text ids and event names, as the kit's readers give
them) and prepared (an orders or survey table, for the cases that need one) before the clock starts; then the kit's
function runs on the frame, or the SQL runs in embedded DuckDB on the same frame (registered, not copied). The first
call is timed cold; a call under a second is repeated (up to five calls in all, until a second has passed) and
its best time counts, as ``timeit`` does, so that a few milliseconds of noise do not decide a ratio. The
script checks that both give the same result (``assert_same``), prints the times, the ratio and the peak memory
(the largest resident set size during the calls, the frame included), and writes them to
``benchmarks/results/memory-<events>.json``.
Target (2 cores): no function more than 3x slower than the SQL. Recorded results: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import pickle
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the SQL oracle lives with the tests


def cases() -> dict:
    """Every benchmark case of the SQL oracle's modules, by name."""
    import importlib
    import pkgutil

    import sql_reference

    found = {}
    for module in pkgutil.iter_modules(sql_reference.__path__):
        for case in getattr(importlib.import_module(f"sql_reference.{module.name}"), "CASES", []):
            found[case.name] = case
    return found


def _reset_peak() -> None:
    """Start the peak resident set size afresh (Linux), so that reading the log does not count, only the call."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mb() -> float:
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run(name: str, engine: str, folder: str, out: str) -> dict:
    """One case with one engine in this process; the result is pickled to ``out`` for the comparison."""
    import duckdb
    import pandas as pd

    case = cases()[name]
    events = pd.read_parquet(folder)
    events["user_id"] = events["user_id"].astype("str")
    events["event"] = events["event"].astype("str")
    data = case.prepare(events)
    del events
    con = duckdb.connect()
    _reset_peak()
    times = []
    while not times or (sum(times) < 1 and len(times) < 5):  # a short call is repeated; its best time counts
        start = time.perf_counter()
        result = case.kit(data) if engine == "journeykit" else case.sql(data, con)
        times.append(time.perf_counter() - start)
    seconds = min(times)
    with open(out, "wb") as file:
        pickle.dump(result, file)
    return {"seconds": round(seconds, 3), "peak_mb": round(_peak_mb())}


def _child(name: str, engine: str, folder: str, out: str) -> dict:
    done = subprocess.run([sys.executable, __file__, folder, "--case", name, "--engine", engine, "--out", out],
                          capture_output=True, text=True)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(results: list[dict]) -> str:
    """The results as Markdown rows, slowest ratio first."""
    lines = ["| call | journeykit | SQL | ratio | peak memory (kit / SQL) | same result |", "|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: -r.get("ratio", float("inf"))):
        if "error" in r:
            lines.append(f"| `{r['call']}` | failed: {r['error']} | | | | |")
            continue
        lines.append(f"| `{r['call']}` | {r['kit_seconds']:.2f} s | {r['sql_seconds']:.2f} s | {r['ratio']:.2f}× | "
                     f"{r['kit_peak_mb'] / 1024:.1f} / {r['sql_peak_mb'] / 1024:.1f} GB | "
                     f"{'yes' if r['same_result'] else '**no**'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", help="a folder of Parquet files written by generate_log.py")
    parser.add_argument("--case", action="append", help="a case name (see --list); repeat for several")
    parser.add_argument("--list", action="store_true", help="print the cases and exit")
    parser.add_argument("--table", metavar="EVENTS", help="print results/memory-EVENTS.json as a Markdown table")
    parser.add_argument("--engine", choices=["journeykit", "duckdb"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    found = cases()
    if args.table:
        print(table(json.loads((HERE / "results" / f"memory-{args.table}.json").read_text())["results"]))
        return 0
    if args.list:
        for case in found.values():
            print(f"{case.name:<32} {case.call}")
        return 0
    if not args.folder:
        parser.error("give the folder of a log written by generate_log.py")
    if args.engine:  # child process
        print(json.dumps(run(args.case[0], args.engine, args.folder, args.out)))
        return 0
    import duckdb
    import pandas as pd

    from sql_reference.compare import assert_same

    unknown = sorted(set(args.case or []) - set(found))
    if unknown:
        parser.error(f"unknown case(s) {unknown}; see --list")
    rows = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{args.folder}/*.parquet')").fetchone()[0]
    print(f"{rows:,} events in {args.folder}")
    results, ok = [], True
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.case or list(found):
            kit = _child(name, "journeykit", args.folder, f"{tmp}/kit.pkl")
            sql = _child(name, "duckdb", args.folder, f"{tmp}/sql.pkl")
            if "error" in kit or "error" in sql:
                ok = False
                print(f"  {name:<32} failed: {kit.get('error') or sql.get('error')}")
                results.append({"case": name, "call": found[name].call, "events": rows,
                                "error": kit.get("error") or sql.get("error")})
                continue
            try:
                assert_same(pd.read_pickle(f"{tmp}/kit.pkl"), pd.read_pickle(f"{tmp}/sql.pkl"))
                same = True
            except AssertionError:
                same = False
            ok &= same
            ratio = kit["seconds"] / max(sql["seconds"], 1e-9)
            print(f"  {name:<32} kit {kit['seconds']:>7.2f} s, peak {kit['peak_mb']:>6,} MB | "
                  f"SQL {sql['seconds']:>7.2f} s, peak {sql['peak_mb']:>6,} MB | {ratio:5.2f}x | same: {same}")
            results.append({"case": name, "call": found[name].call, "events": rows,
                            "kit_seconds": kit["seconds"], "kit_peak_mb": kit["peak_mb"],
                            "sql_seconds": sql["seconds"], "sql_peak_mb": sql["peak_mb"],
                            "ratio": round(ratio, 2), "same_result": same})
    out = HERE / "results" / f"memory-{rows}.json"
    if args.case and out.exists():  # a partial run updates its cases in the file
        kept = [r for r in json.loads(out.read_text())["results"] if r["case"] not in set(args.case)]
        results = kept + results
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": __import__("os").cpu_count()}
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=1) + "\n")
    print(f"written to {out.relative_to(HERE.parent)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
