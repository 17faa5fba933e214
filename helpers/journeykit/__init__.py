"""journeykit: the helper package of Customer Journey Lab.

The lessons teach; this package computes. Every function that reads data
checks it against the data contract first (see :mod:`journeykit.io.contract`).

>>> import journeykit as jk
>>> events = jk.datasets.load("shop_events")   # doctest: +SKIP
"""

from journeykit._version import __version__  # noqa: F401 (the package version, as jk.__version__)
from journeykit.course import datasets
from journeykit.analysis.attribution import (
    NO_TOUCH,
    attribute,
    compare_attribution,
    touch_credits,
)
from journeykit.analysis.clv_model import (
    BGNBDModel,
    GammaGammaModel,
    clv_holdout,
    fit_bgnbd,
    fit_gamma_gamma,
    probabilistic_clv,
    purchase_history,
)
from journeykit.analysis.comparison import journey_comparison
from journeykit.analysis.conversion import conversion_drivers, funnel_trends, paths_after_drop
from journeykit.course.environment import check_environment
from journeykit.errors import JourneyKitError, MissingFileError, ParameterError, ReadError
from journeykit.analysis.funnel import (
    compare_funnel_segments,
    dropped_users,
    funnel,
    funnel_confidence,
    funnel_users,
    time_to_convert,
    time_to_convert_summary,
)
from journeykit.analysis.engagement import active_users, stickiness
from journeykit.analysis.engine import to_sql
from journeykit.analysis.retention import (
    bracket_retention,
    churn_rate,
    cohort_retention,
    lifecycle,
    retention_curve,
)
from journeykit.analysis.satisfaction import csat, nps
from journeykit.course.exercises import check, exercise_data, exercises, hint, solution
from journeykit.io.files import import_report
from journeykit.io.ga4 import channel_from_source, read_ga4
from journeykit.io.ga4_bigquery import ga4_events, ga4_events_sql
from journeykit.io.online_retail import read_online_retail
from journeykit.io.product_analytics import read_product_analytics
from journeykit.io.shopify import read_shopify_orders
from journeykit.io.tables import read_events, read_orders, read_surveys
from journeykit.analysis.journey_map import (
    SHOP_MAP_TEXT,
    emotion_scores,
    journey_map,
    journey_map_markdown,
    journey_map_table,
)
from journeykit.analysis.sessions import sessionize, web_analytics
from journeykit.analysis.paths import (
    END,
    START,
    paths_around,
    purchase_timing,
    split_journeys,
    top_paths,
    transition_matrix,
)
from journeykit.plots.clv import plot_clv_holdout
from journeykit.plots.funnel import plot_funnel
from journeykit.plots.journey_map import plot_journey_map
from journeykit.plots.paths import plot_flow, plot_paths_around
from journeykit.plots.retention import plot_lifecycle, plot_retention, plot_retention_curve
from journeykit.plots.style import CHANNEL_COLORS, use_course_style
from journeykit.io.contract import (
    SchemaError,
    validate_events,
    validate_orders,
    validate_surveys,
)
from journeykit.analysis.stages import (
    StageModel,
    assign_stages,
    backtracks,
    crosswalk,
    furthest_stage,
    stage_entries,
    stage_model,
    stage_presets,
    stage_summary,
    stage_transitions,
)
from journeykit.course.mealkit import simulate_mealkit
from journeykit.course.simulate import simulate_shop, simulate_subscription
from journeykit.analysis.stats import compare_proportions, wilson_interval
from journeykit.analysis.value import RFM_SEGMENTS, historical_clv, order_summary, predictive_clv, repeat_purchase_rate, rfm


__all__ = [
    "CHANNEL_COLORS",
    "END",
    "JourneyKitError",
    "MissingFileError",
    "ParameterError",
    "ReadError",
    "NO_TOUCH",
    "RFM_SEGMENTS",
    "SHOP_MAP_TEXT",
    "SchemaError",
    "StageModel",
    "assign_stages",
    "attribute",
    "backtracks",
    "channel_from_source",
    "check",
    "exercise_data",
    "check_environment",
    "churn_rate",
    "cohort_retention",
    "compare_attribution",
    "compare_funnel_segments",
    "compare_proportions",
    "crosswalk",
    "csat",
    "datasets",
    "dropped_users",
    "emotion_scores",
    "exercises",
    "funnel",
    "ga4_events",
    "ga4_events_sql",
    "funnel_confidence",
    "funnel_users",
    "furthest_stage",
    "hint",
    "historical_clv",
    "import_report",
    "journey_comparison",
    "journey_map",
    "journey_map_markdown",
    "journey_map_table",
    "lifecycle",
    "nps",
    "order_summary",
    "plot_flow",
    "plot_funnel",
    "plot_journey_map",
    "plot_lifecycle",
    "plot_retention",
    "plot_retention_curve",
    "predictive_clv",
    "purchase_timing",
    "read_events",
    "read_ga4",
    "read_online_retail",
    "read_orders",
    "read_product_analytics",
    "read_shopify_orders",
    "read_surveys",
    "repeat_purchase_rate",
    "retention_curve",
    "rfm",
    "sessionize",
    "simulate_mealkit",
    "simulate_shop",
    "simulate_subscription",
    "solution",
    "split_journeys",
    "stage_entries",
    "stage_model",
    "stage_presets",
    "stage_summary",
    "stage_transitions",
    "time_to_convert",
    "to_sql",
    "time_to_convert_summary",
    "top_paths",
    "touch_credits",
    "transition_matrix",
    "use_course_style",
    "validate_events",
    "validate_orders",
    "validate_surveys",
    "web_analytics",
    "wilson_interval",
    "BGNBDModel",
    "GammaGammaModel",
    "clv_holdout",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "probabilistic_clv",
    "purchase_history",
    "plot_clv_holdout",
    "active_users",
    "bracket_retention",
    "stickiness",
    "START",
    "paths_around",
    "plot_paths_around",
    "conversion_drivers",
    "funnel_trends",
    "paths_after_drop",
]


# constants that left the top level; reachable from their modules, and here for one release with a warning
_MOVED = {"ATTRIBUTION_MODELS": "journeykit.analysis.attribution", "CSAT_RANGE": "journeykit.io.contract",
          "DEFAULT_TZ": "journeykit.io.contract", "DEVICE_COLORS": "journeykit.plots.style",
          "LANES": "journeykit.analysis.journey_map", "MIN_SAMPLE": "journeykit.analysis.stats",
          "NPS_RANGE": "journeykit.io.contract"}


def __getattr__(name: str):
    """Old top-level constants (with a warning), and ``jk.check_exercise_3_1(answer)`` and friends."""
    import importlib
    import warnings

    if name in _MOVED:
        warnings.warn(f"jk.{name} has moved: import it from {_MOVED[name]}; jk.{name} will be removed in the next "
                      "release.", FutureWarning, stacklevel=2)
        return getattr(importlib.import_module(_MOVED[name]), name)
    from journeykit.course.exercises import named

    alias = named(name)
    if alias is None:
        raise AttributeError(f"module 'journeykit' has no attribute {name!r}")
    return alias
