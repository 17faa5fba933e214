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
from journeykit.retention import (
    churn_rate,
    cohort_retention,
    lifecycle,
    plot_lifecycle,
    plot_retention,
    plot_retention_curve,
    retention_curve,
)
from journeykit.satisfaction import csat, nps
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
from journeykit.value import RFM_SEGMENTS, historical_clv, order_summary, predictive_clv, repeat_purchase_rate, rfm

__version__ = "0.1.0"

__all__ = [
    "CHANNEL_COLORS",
    "CSAT_RANGE",
    "DEFAULT_TZ",
    "DEVICE_COLORS",
    "MIN_SAMPLE",
    "NPS_RANGE",
    "RFM_SEGMENTS",
    "SchemaError",
    "check_environment",
    "churn_rate",
    "cohort_retention",
    "compare_funnel_segments",
    "compare_proportions",
    "csat",
    "datasets",
    "dropped_users",
    "funnel",
    "funnel_confidence",
    "funnel_users",
    "historical_clv",
    "lifecycle",
    "nps",
    "order_summary",
    "plot_funnel",
    "plot_lifecycle",
    "plot_retention",
    "plot_retention_curve",
    "predictive_clv",
    "repeat_purchase_rate",
    "retention_curve",
    "rfm",
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
