"""``python -m journeykit``: the command line (see :mod:`journeykit.cli`)."""

from journeykit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
