"""journeykit: the helper package of Customer Journey Lab.

The lessons teach; this package computes. Every function that reads data
checks it against the data contract first (see :mod:`journeykit.schema`).

>>> import journeykit as jk
>>> events = jk.datasets.load("shop_events")   # doctest: +SKIP
"""

from journeykit import datasets
from journeykit.environment import check_environment
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

__version__ = "0.1.0"

__all__ = [
    "CHANNEL_COLORS",
    "CSAT_RANGE",
    "DEFAULT_TZ",
    "DEVICE_COLORS",
    "NPS_RANGE",
    "SchemaError",
    "check_environment",
    "datasets",
    "simulate_shop",
    "simulate_subscription",
    "use_course_style",
    "validate_events",
    "validate_orders",
    "validate_surveys",
]
