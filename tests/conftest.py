"""Make the SQL reference implementations in benchmarks/ importable by the tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
