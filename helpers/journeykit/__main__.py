"""Command line of the course kit.

``python -m journeykit generate --out datasets`` regenerates every sample table
from its seed, bit for bit.
"""

from __future__ import annotations

import argparse

import pandas as pd

from journeykit.simulate import write_datasets


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m journeykit", description="Customer Journey Lab tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="regenerate the sample datasets from their seeds")
    generate.add_argument("--out", default="datasets", help="folder to write the CSV files to (default: datasets)")
    args = parser.parse_args(argv)
    for path in write_datasets(args.out):
        rows = len(pd.read_csv(path))
        print(f"wrote {path} ({rows:,} rows, {path.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
