"""The analysis core: one module per concept, pure functions from tidy tables to tidy results.

Stages, journey map, sessions and web analytics, funnel, retention, value, satisfaction, paths,
attribution, buyer-versus-customer comparison, and the statistics they share. Nothing here draws, reads a
file or knows about the course; it imports only :mod:`journeykit.io` and the base modules.
"""

# Every analysis function accepts a path or an Ibis table in place of a DataFrame.
from journeykit.analysis.engine import install as _install_engine  # noqa: E402

_install_engine()
