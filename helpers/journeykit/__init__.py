"""journeykit: the helper package of Customer Journey Lab.

The lessons teach; this package computes. Every function that reads data
checks it against the data contract first (see :mod:`journeykit.schema`).

>>> import journeykit as jk
>>> events = jk.datasets.load("shop_events")   # doctest: +SKIP
"""

from journeykit import datasets
from journeykit.environment import check_environment
from journeykit.funnel import (
    compare_funnel_segments,
    dropped_users,
    funnel,
    funnel_confidence,
    funnel_users,
    plot_funnel,
    time_to_convert,
    time_to_convert_summary,
)
from journeykit.plotting import CHANNEL_COLORS, DEVICE_COLORS, use_course_style
from journeykit.schema import (
    CSAT_RANGE,
    DEFAULT_TZ,
    NPS_RANGE,
    SchemaError,
    validate_events,
    validate_orders,
    validate_surveys,
)
from journeykit.simulate import simulate_shop, simulate_subscription
from journeykit.stats import MIN_SAMPLE, compare_proportions, wilson_interval

__version__ = "0.1.0"

__all__ = [
    "CHANNEL_COLORS",
    "CSAT_RANGE",
    "DEFAULT_TZ",
    "DEVICE_COLORS",
    "MIN_SAMPLE",
    "NPS_RANGE",
    "check_environment",
    "compare_funnel_segments",
    "compare_proportions",
    "datasets",
    "dropped_users",
    "funnel",
    "funnel_confidence",
    "funnel_users",
    "plot_funnel",
    "SchemaError",
    "simulate_shop",
    "simulate_subscription",
    "time_to_convert",
    "time_to_convert_summary",
    "use_course_style",
    "validate_events",
    "validate_orders",
    "validate_surveys",
    "wilson_interval",
]
