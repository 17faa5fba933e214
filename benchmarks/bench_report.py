"""Time the report command on invoice lines like the UCI Online Retail data, and measure its peak memory.

The real file is not in the repository, so a seeded generator builds a table
with the same columns (InvoiceNo, StockCode, Description, Quantity,
InvoiceDate, UnitPrice, CustomerID, Country) and the same shape at scale 1:
about 542,000 lines over a year, 4,400 customers, a quarter of the lines
without a CustomerID, about 2% cancellation lines ("C..." invoices with
negative quantities, most reversing an earlier sale of the same customer,
some dated before the customer's first sale), and stock adjustments with a
negative quantity and no customer. ``--scale 10`` is ten times the lines,
customers and invoices over the same year.

The command runs in its own process (``python -m journeykit report ...
--orders-format online_retail``), as a user would run it; the time is the
wall-clock time of that process, and the peak memory is the largest sum of
the resident memory of that process and its children (the notebook kernel),
sampled every 50 ms.

Examples::

    python benchmarks/bench_report.py                 # scale 1: about 7 seconds on 2 cores
    python benchmarks/bench_report.py --scale 10      # ten times the data: about 22 seconds, 1.3 GiB
    python benchmarks/bench_report.py --file /tmp/or.csv   # a real export
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2010-12-01 08:00")
END = pd.Timestamp("2011-12-09 12:50")


def invoice_lines(scale: int = 1, seed: int = 0) -> pd.DataFrame:
    """A seeded invoice-line table shaped like UCI Online Retail, ``scale`` times its size.

    Parameters
    ----------
    scale : int, default 1
        Times the size of the UCI file: lines, customers and invoices (the period stays one year).
    seed : int, default 0
        Seed of the random generator; the same seed gives the same table.

    Returns
    -------
    DataFrame
        InvoiceNo, StockCode, Description, Quantity, InvoiceDate (ISO 8601 text), UnitPrice, CustomerID (text,
        empty when missing) and Country, sorted by date.

    Examples
    --------
    >>> lines = invoice_lines(scale=1, seed=0)
    >>> len(lines) > 500_000, lines["InvoiceNo"].str.startswith("C").mean().round(2)
    (True, np.float64(0.02))
    """
    rng = np.random.default_rng(seed)
    n_customers, n_codes = 4_372 * scale, 4_070
    codes = np.array([f"{85000 + i}" if i % 7 else f"{20000 + i}A" for i in range(n_codes)], dtype=object)
    popularity = 1.0 / np.arange(1, n_codes + 1) ** 0.8
    popularity /= popularity.sum()
    prices = np.round(np.exp(rng.normal(0.9, 0.8, n_codes)), 2).clip(0.1, 300)

    # sales invoices: customers (about 5 each, heavy-tailed) and guests without a CustomerID
    per_customer = rng.negative_binomial(1, 0.2, n_customers) + 1
    customer = np.repeat(np.arange(n_customers), per_customer)
    n_guest = 1_450 * scale
    owner = np.concatenate([customer, np.full(n_guest, -1)])
    minutes = int((END - START) / pd.Timedelta(minutes=1))
    day = rng.integers(0, minutes // 1440 + 1, len(owner))
    at = START.normalize() + pd.to_timedelta(day, "D") + pd.to_timedelta(rng.integers(8 * 60, 20 * 60, len(owner)),
                                                                         "min")
    at = np.minimum(at.to_numpy(), END.to_numpy())
    lines_per = np.where(owner >= 0, rng.negative_binomial(1, 1 / 18, len(owner)) + 1,
                         rng.negative_binomial(1, 1 / 93, len(owner)) + 1)
    order = np.argsort(at, kind="stable")
    owner, at, lines_per = owner[order], at[order], lines_per[order]
    number = 536_365 + np.arange(len(owner))
    line_invoice = np.repeat(np.arange(len(owner)), lines_per)
    n_lines = len(line_invoice)
    item = rng.choice(n_codes, n_lines, p=popularity)
    quantity = rng.choice([1, 2, 3, 4, 6, 8, 12, 24, 48], n_lines,
                          p=[0.2, 0.16, 0.1, 0.1, 0.12, 0.06, 0.16, 0.06, 0.04])
    sales = pd.DataFrame({"invoice": number[line_invoice].astype(str), "item": item, "quantity": quantity,
                          "at": at[line_invoice], "owner": owner[line_invoice]})

    # cancellations: 2.2% of the customers' sales lines, reversed (in part or in full) up to 30 days later,
    # one "C" invoice per original invoice
    theirs = np.flatnonzero(sales["owner"].to_numpy() >= 0)
    picked = np.sort(rng.choice(theirs, int(0.022 * len(theirs)), replace=False))
    reversed_ = sales.iloc[picked]
    delay = pd.to_timedelta(rng.integers(0, 30 * 1440, len(owner)), "min").to_numpy()
    source = line_invoice[picked]
    cancel_at = np.minimum(at[source] + delay[source], END.to_numpy())
    cancels = pd.DataFrame({"invoice": "C" + (number[source] + 3_000_000).astype(str),
                            "item": reversed_["item"].to_numpy(),
                            "quantity": -np.maximum(1, (reversed_["quantity"].to_numpy()
                                                        * rng.uniform(0.3, 1, len(picked))).astype(int)),
                            "at": cancel_at, "owner": reversed_["owner"].to_numpy()})
    # returns of purchases made before the file starts: items the customer never bought here, early in the year
    n_early = 120 * scale
    early = pd.DataFrame({"invoice": "C" + (4_000_000 + np.arange(n_early)).astype(str),
                          "item": rng.choice(n_codes, n_early, p=popularity),
                          "quantity": -rng.integers(1, 12, n_early),
                          "at": (START + pd.to_timedelta(rng.integers(0, 40 * 1440, n_early), "min")).to_numpy(),
                          "owner": rng.integers(0, n_customers, n_early)})
    # stock adjustments: negative quantities, no customer, price 0
    n_adjust = 1_336 * scale
    adjust = pd.DataFrame({"invoice": (5_000_000 + np.arange(n_adjust)).astype(str),
                           "item": rng.choice(n_codes, n_adjust), "quantity": -rng.integers(1, 100, n_adjust),
                           "at": (START + pd.to_timedelta(rng.integers(0, minutes, n_adjust), "min")).to_numpy(),
                           "owner": np.full(n_adjust, -1)})
    lines = pd.concat([sales, cancels, early, adjust], ignore_index=True)
    lines = lines.sort_values(["at", "invoice"], kind="stable", ignore_index=True)
    price = prices[lines["item"].to_numpy()]
    price[lines["invoice"].str.startswith("5").to_numpy() & (lines["quantity"].to_numpy() < 0)] = 0.0
    countries = np.array(["United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands"], dtype=object)
    country_of = rng.choice(countries, n_customers + 1, p=[0.9, 0.025, 0.025, 0.02, 0.015, 0.015])
    owner = lines["owner"].to_numpy()
    return pd.DataFrame({
        "InvoiceNo": lines["invoice"].to_numpy(),
        "StockCode": codes[lines["item"].to_numpy()],
        "Description": "ITEM " + pd.Series(codes[lines["item"].to_numpy()]),
        "Quantity": lines["quantity"].to_numpy(),
        "InvoiceDate": pd.to_datetime(lines["at"]).dt.strftime("%Y-%m-%d %H:%M:00").to_numpy(),
        "UnitPrice": price,
        "CustomerID": np.where(owner >= 0, (12_346 + owner).astype(str), ""),
        "Country": country_of[np.where(owner >= 0, owner, n_customers)],
    })


def generated_file(scale: int, seed: int, folder: Path) -> Path:
    """The generated table as CSV in ``folder`` (made once per scale and seed, then reused).

    Examples
    --------
    >>> generated_file(1, 0, Path(tempfile.gettempdir()) / "journeykit-bench").name  # doctest: +SKIP
    'online_retail_x1_seed0.csv'
    """
    path = folder / f"online_retail_x{scale}_seed{seed}.csv"
    if not path.exists():
        started = time.perf_counter()
        lines = invoice_lines(scale, seed)
        partial = path.with_suffix(".partial")
        lines.to_csv(partial, index=False)
        partial.replace(path)
        print(f"generated {len(lines):,} invoice lines in {time.perf_counter() - started:.1f} s: {path}",
              file=sys.stderr)
    return path


def _tree_rss(process) -> int:
    try:
        total = process.memory_info().rss
        for child in process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # noqa: BLE001 - a child that just ended
                pass
        return total
    except Exception:  # noqa: BLE001 - the process just ended
        return 0


def run_report(path: Path, out: Path, extra: list[str]) -> tuple[float, int, int, int]:
    """Run the report command on invoice lines: wall-clock seconds, peak memory (bytes), largest process, status.

    The peak is the largest sum of the resident memory of the command and its
    children (the notebook kernel), sampled every 50 ms with psutil (without
    psutil, the largest single process); the largest process is the highest
    resident memory any one of them reached (from the kernel's accounting, not
    sampled).

    Examples
    --------
    >>> seconds, peak, status = run_report(Path("lines.csv"), Path("out"), [])  # doctest: +SKIP
    """
    command = [sys.executable, "-m", "journeykit", "report", "--orders", str(path), "--orders-format",
               "online_retail", "--out", str(out), "--force", "--quiet", *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    try:
        import psutil

        watched = psutil.Process(process.pid)
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(watched))
                time.sleep(0.05)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        status = process.wait()
        stop.set()
        thread.join()
    except ImportError:  # without psutil: the largest single process (the command or the kernel)
        status = process.wait()
    import resource

    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return time.perf_counter() - started, max(peak, largest), largest, status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="times the size of UCI Online Retail (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--file", help="an invoice-line file to use instead of generated data")
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "journeykit-bench"),
                        help="folder for the generated files (default: a folder in the system's temp folder)")
    parser.add_argument("--repeat", type=int, default=1, help="runs to time (the best is reported)")
    args, extra = parser.parse_known_args(argv)
    folder = Path(args.data)
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(args.file) if args.file else generated_file(args.scale, args.seed, folder)
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        runs = [run_report(path, out / "report", extra or ["--currency", "£"]) for _ in range(args.repeat)]
        seconds, peak, largest, status = min(runs)
        if status != 0:
            print(f"the report command failed (exit status {status})", file=sys.stderr)
            return 1
        summary = json.loads((out / "report" / "summary.json").read_text())
        lines = sum(1 for _ in open(path, "rb")) - 1
    finally:
        shutil.rmtree(out, ignore_errors=True)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"file: {path.name} ({lines:,} invoice lines, {path.stat().st_size / 1e6:,.0f} MB)")
    print(f"report: {seconds:.1f} s wall clock on {cores} cores; peak memory {peak / 2**30:.2f} GiB "
          f"(command and kernel together; the largest of them alone {largest / 2**30:.2f} GiB)")
    print(f"summary: {json.dumps(summary['orders'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
