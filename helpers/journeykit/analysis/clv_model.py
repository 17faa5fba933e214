"""Probabilistic customer lifetime value: BG/NBD for purchases, Gamma-Gamma for spend.

Where :func:`journeykit.historical_clv` adds up what customers *did* spend over
a horizon, these models forecast what each customer *will* do, from three
numbers per customer (the "RFM summary"):

- ``frequency`` x: the number of *repeat* purchases (days with a purchase,
  after the first one);
- ``recency`` t_x: the time from the first to the last purchase;
- ``T``: the time from the first purchase to the end of the observation.

Purchases are counted per calendar day (several orders on one day are one
purchase, whose value is their sum), and times are measured in whole days
divided by ``unit`` (weeks by default), as in the models' original papers.

**BG/NBD** (Fader, Hardie and Lee, 2005, "Counting your customers the easy
way"): while alive, a customer buys at a Poisson rate λ (gamma-distributed
across customers with shape r and scale α); after each purchase they leave
("die") with probability p (beta-distributed with a and b). It gives each
customer's probability of still being alive and their expected number of
purchases over a horizon.

**Gamma-Gamma** (Fader and Hardie, 2013): the value of a customer's
transactions varies around their own mean, which varies across customers
(parameters p, q and γ). It gives each repeat customer's expected spend per
purchase, shrunk towards the average when they have bought few times. It
assumes spend and frequency are independent; check that with the correlation
the fit reports.

Both are fitted by maximum likelihood (scipy); on the CDNOW data of the
papers they reproduce the published parameters (r 0.243, α 4.414, a 0.793,
b 2.426; p 6.25, q 3.74, γ 15.44).

The models assume a non-contractual business (customers leave silently) with
purchases that can happen at any time. Use :func:`clv_holdout` to check them
on your data before trusting a forecast: fit on a calibration period and
compare predicted with actual purchases in the period after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import JourneyKitError, ParameterError
from journeykit.io.contract import validate_orders
from journeykit.io.ordering import factorize_sorted, sort_order
from journeykit.params import duration
from journeykit.results import described

__all__ = ["purchase_history", "fit_bgnbd", "fit_gamma_gamma", "BGNBDModel", "GammaGammaModel", "probabilistic_clv",
           "clv_holdout"]


def _special():
    """scipy's special functions and optimiser, imported when a model is fitted (not when the kit is imported)."""
    from scipy import optimize, special

    return special, optimize


def _end(value, df: pd.DataFrame, parameter: str) -> pd.Timestamp:
    if value is None:
        return df["timestamp"].max()
    try:
        end = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{parameter}={value!r} is not a date; give one like '2025-12-31'.", parameter) from None
    if end.tzinfo is not None:
        raise ParameterError(f"{parameter}={value!r} has a time zone; the kit's timestamps are naive UTC, so give "
                             "the date without one.", parameter)
    return end


@described
def purchase_history(orders: pd.DataFrame, *, end=None, unit: str | pd.Timedelta = "7D", user_col: str = "user_id",
                     time_col: str = "timestamp", revenue_col: str = "revenue",
                     order_col: str = "order_id") -> pd.DataFrame:
    """Each customer's frequency, recency, age and mean repeat spend: the input of the CLV models.

    Orders are counted per calendar day: several orders on one day are one
    purchase, worth their sum. Orders after ``end`` are ignored.

    Parameters
    ----------
    orders : DataFrame
        Order table (see :func:`journeykit.validate_orders`).
    end : date, optional
        End of the observation; by default the last order's time. Only its
        day counts.
    unit : str or Timedelta, default "7D"
        The unit of ``recency`` and ``T`` (weeks by default).
    user_col, time_col, revenue_col, order_col : str
        Column names in ``orders``.

    Returns
    -------
    DataFrame
        One row per customer whose first purchase is on or before ``end``:
        ``user_id``, ``frequency`` (repeat purchase days), ``recency`` (first
        to last purchase day), ``T`` (first purchase day to ``end``'s day),
        both in ``unit``, ``monetary_value`` (mean value of the repeat
        purchases; missing without one) and ``first_value`` (the first
        purchase's value).

    Raises
    ------
    SchemaError
        If ``orders`` breaks the data contract.
    ParameterError
        If ``unit`` is not a positive duration or ``end`` is not a date.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4], "user_id": ["a", "a", "a", "b"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 18:00",
    ...                                                     "2025-01-15 12:00", "2025-01-08 10:00"]),
    ...                        "revenue": [10.0, 5.0, 20.0, 8.0]})
    >>> purchase_history(orders, end="2025-01-29")
      user_id  frequency  recency    T  monetary_value  first_value
    0       a          1      2.0  4.0            20.0         15.0
    1       b          0      0.0  3.0             NaN          8.0
    """
    df = validate_orders(orders, order_col=order_col, user_col=user_col, time_col=time_col, revenue_col=revenue_col)
    step = duration(unit, "unit")
    end_day = _end(end, df, "end").normalize()
    day = df["timestamp"].dt.normalize()
    kept = (day <= end_day).to_numpy()
    # each customer's purchase days, by integer codes (customers numbered in id order) sorted by (customer, day)
    user, ids = factorize_sorted(df["user_id"][kept])
    days = day.to_numpy()[kept]
    order = sort_order(user, days.view(np.int64))
    user, days = user[order], days[order]
    opens = np.r_[True, (user[1:] != user[:-1]) | (days[1:] != days[:-1])] if len(user) else np.zeros(0, bool)
    revenue = pd.Series(df["revenue"].to_numpy()[kept][order]).groupby(np.cumsum(opens)).sum().to_numpy()
    user, days = user[opens], days[opens]  # one row per (customer, day), its revenue summed
    first = np.r_[True, user[1:] != user[:-1]] if len(user) else np.zeros(0, bool)
    starts = np.flatnonzero(first)
    last = np.r_[starts[1:], len(user)][:len(starts)] - 1
    step64 = step.to_timedelta64()
    repeat = pd.Series(revenue[~first]).groupby(user[~first]).mean()
    out = pd.DataFrame({"frequency": np.diff(np.r_[starts, len(user)]) - 1,
                        "recency": (days[last] - days[starts]) / step64,
                        "T": (np.datetime64(end_day) - days[starts]) / step64,
                        "monetary_value": repeat.reindex(np.arange(len(starts))).to_numpy(),
                        "first_value": revenue[starts]}, index=pd.Index(ids, name="user_id"))
    out["frequency"] = out["frequency"].astype("int64")
    out = out.reset_index()
    out.attrs["unit"] = str(step)
    return out


def _history(history: pd.DataFrame, parameter: str = "history") -> pd.DataFrame:
    if not isinstance(history, pd.DataFrame) or not {"frequency", "recency", "T"} <= set(history.columns):
        raise ParameterError(f"{parameter} must be the table of jk.purchase_history (columns frequency, recency "
                             "and T).", parameter)
    x, tx, big_t = (history[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    bad = (x < 0) | (tx < 0) | (tx > big_t + 1e-9) | ~np.isfinite(x + tx + big_t) | ((x == 0) & (tx != 0))
    if bad.any():
        raise ParameterError(f"{parameter} has {int(bad.sum())} rows that cannot come from purchases (negative or "
                             "missing values, recency after T, or recency without a repeat purchase); build it "
                             "with jk.purchase_history.", parameter)
    return history


# ---------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------


def _shown(model, estimates: tuple[str, ...]) -> str:
    """A fitted model as text: estimates to four significant digits (the fit is not more exact than that, and the
    last digits of an optimum differ between machines), the log-likelihood to two decimals, the rest as they are."""
    fields = []
    for name in model.__dataclass_fields__:
        value = getattr(model, name)
        if name in estimates:
            fields.append(f"{name}={float(value):.4g}")
        elif name == "log_likelihood":
            fields.append(f"{name}={float(value):.2f}")
        else:
            fields.append(f"{name}={value!r}")
    return f"{type(model).__name__}({', '.join(fields)})"


def _maximise(log_likelihood, x0: np.ndarray):
    """Maximum likelihood over log-parameters: a quasi-Newton search, polished by Nelder-Mead from where it ends."""
    _, optimize = _special()
    first = optimize.minimize(lambda p: -log_likelihood(p), x0=x0, method="L-BFGS-B")
    polish = optimize.minimize(lambda p: -log_likelihood(p), x0=first.x, method="Nelder-Mead",
                               options={"xatol": 1e-8, "fatol": 1e-8, "maxiter": 4000, "maxfev": 4000})
    return polish if polish.fun <= first.fun else first


def _bgnbd_ll(log_params: np.ndarray, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray,
              weight: np.ndarray | float = 1.0) -> float:
    special, _ = _special()
    r, alpha, a, b = np.exp(log_params)
    gl = special.gammaln
    a1 = gl(r + x) - gl(r) + r * np.log(alpha)
    a2 = gl(a + b) + gl(b + x) - gl(b) - gl(a + b + x)
    a3 = -(r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(weight * (a1 + a2 + np.logaddexp(a3, a4))))


@dataclass(frozen=True)
class BGNBDModel:
    """A fitted BG/NBD model (see the module notes); times are in the history's ``unit``.

    Made by :func:`fit_bgnbd`; build one by hand to use published
    parameters.

    Parameters
    ----------
    r, alpha : float
        Shape and scale of the gamma distribution of purchase rates.
    a, b : float
        Parameters of the beta distribution of the chance to leave after a
        purchase.
    log_likelihood : float
        At the fitted parameters.
    customers : int
        Customers the model was fitted on.
    unit : str
        The time unit of recency and T.

    Raises
    ------
    TypeError
        From the dataclass, when a parameter is missing. The values are not
        checked by the kit: :func:`fit_bgnbd` makes valid ones.

    Examples
    --------
    >>> model = BGNBDModel(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4, customers=2357,
    ...                    unit="7 days")
    >>> round(model.expected_purchases_new(39), 3)  # repeat purchases of a new customer in 39 weeks
    1.197
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int
    unit: str

    def __repr__(self) -> str:
        return _shown(self, ("r", "alpha", "a", "b"))

    def probability_alive(self, history: pd.DataFrame) -> pd.Series:
        """Each customer's probability of still being a customer at the end of their history."""
        h = _history(history)
        x, tx, big_t = (h[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = np.where(x > 0, self.a / (self.b + x - 1) * ((self.alpha + big_t) / (self.alpha + tx)) **
                            (self.r + x), 0.0)
        return pd.Series(1.0 / (1.0 + odds), index=h.index, name="p_alive")

    def expected_purchases(self, history: pd.DataFrame, horizon: float) -> pd.Series:
        """Each customer's expected number of purchases in the next ``horizon`` units, given their history."""
        special, _ = _special()
        h = _history(history)
        x, tx, big_t = (h[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        r, alpha, a, b, t = self.r, self.alpha, self.a, self.b, float(horizon)
        z = t / (alpha + big_t + t)
        core = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = np.where(x > 0, a / (b + x - 1) * ((alpha + big_t) / (alpha + tx)) ** (r + x), 0.0)
        return pd.Series((a + b + x - 1) / (a - 1) * core / (1 + odds), index=h.index, name="expected_purchases")

    def expected_purchases_new(self, horizon: float) -> float:
        """Expected purchases of a new customer in their first ``horizon`` units (after the first purchase)."""
        special, _ = _special()
        r, alpha, a, b, t = self.r, self.alpha, self.a, self.b, float(horizon)
        return float((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1,
                                                                                          t / (alpha + t))))


@described
def fit_bgnbd(history: pd.DataFrame) -> BGNBDModel:
    """Fit the BG/NBD model of purchase frequency and silent churn by maximum likelihood.

    Parameters
    ----------
    history : DataFrame
        The table of :func:`purchase_history` (``frequency``, ``recency``,
        ``T``), one row per customer.

    Returns
    -------
    BGNBDModel
        The fitted parameters, with ``probability_alive``,
        ``expected_purchases`` and ``expected_purchases_new``.

    Raises
    ------
    ParameterError
        If ``history`` is not such a table or has impossible rows.
    JourneyKitError
        If there are too few repeat customers to fit (fewer than 10), or
        the fit does not converge.

    Examples
    --------
    >>> history = pd.DataFrame({"frequency": [0, 1, 2, 0, 3, 1, 0, 5, 2, 0, 1, 4] * 3,
    ...                         "recency": [0, 5, 12, 0, 20, 3, 0, 30, 8, 0, 2, 25] * 3,
    ...                         "T": [40, 38, 36, 35, 33, 30, 30, 39, 20, 15, 10, 31] * 3})
    >>> model = fit_bgnbd(history)
    >>> model.customers, bool(0 < model.probability_alive(history).min() <= 1)
    (36, True)
    """
    h = _history(history)
    x, tx, big_t = (h[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    if (x > 0).sum() < 10:
        raise JourneyKitError(f"only {int((x > 0).sum())} customers bought more than once; the BG/NBD model needs "
                              "at least 10 repeat customers (and far more for stable estimates).")
    # customers with the same history share one term of the likelihood, weighted by how many they are
    rows, weight = np.unique(np.column_stack([x, tx, big_t]), axis=0, return_counts=True)
    fit = _maximise(lambda p: _bgnbd_ll(p, rows[:, 0], rows[:, 1], rows[:, 2], weight),
                    np.log([0.5, max(big_t.mean(), 1.0), 1.0, 1.0]))
    if not np.isfinite(fit.fun):
        raise JourneyKitError("the BG/NBD fit did not converge on this history.")
    r, alpha, a, b = np.exp(fit.x)
    return BGNBDModel(float(r), float(alpha), float(a), float(b), float(-fit.fun), len(h),
                      history.attrs.get("unit", "7 days 00:00:00"))


# ---------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------


def _gg_ll(log_params: np.ndarray, x: np.ndarray, m: np.ndarray) -> float:
    special, _ = _special()
    p, q, g = np.exp(log_params)
    gl = special.gammaln
    return float(np.sum(gl(p * x + q) - gl(p * x) - gl(q) + q * np.log(g) + (p * x - 1) * np.log(m)
                        + p * x * np.log(x) - (p * x + q) * np.log(g + x * m)))


@dataclass(frozen=True)
class GammaGammaModel:
    """A fitted Gamma-Gamma model of spend per purchase (see the module notes).

    Made by :func:`fit_gamma_gamma`; build one by hand to use published
    parameters.

    Parameters
    ----------
    p, q, gamma : float
        The model's parameters; the average spend per purchase across
        customers is ``p * gamma / (q - 1)``.
    log_likelihood : float
        At the fitted parameters.
    customers : int
        Repeat customers the model was fitted on.
    frequency_value_correlation : float
        Correlation of frequency and mean spend among them: the model
        assumes it is near 0.

    Raises
    ------
    TypeError
        From the dataclass, when a parameter is missing. The values are not
        checked by the kit: :func:`fit_gamma_gamma` makes valid ones.

    Examples
    --------
    >>> model = GammaGammaModel(p=6.25, q=3.74, gamma=15.44, log_likelihood=-4000.0, customers=946,
    ...                         frequency_value_correlation=0.11)
    >>> round(model.p * model.gamma / (model.q - 1), 2)
    35.22
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float
    customers: int
    frequency_value_correlation: float

    def __repr__(self) -> str:
        return _shown(self, ("p", "q", "gamma", "frequency_value_correlation"))

    def expected_spend(self, history: pd.DataFrame) -> pd.Series:
        """Each customer's expected value per purchase; the population mean for customers without a repeat."""
        h = _history(history)
        x = h["frequency"].to_numpy(dtype=float)
        m = h["monetary_value"].to_numpy(dtype=float) if "monetary_value" in h else np.full(len(h), np.nan)
        mean = self.p * self.gamma / (self.q - 1)
        with np.errstate(invalid="ignore"):
            own = (self.gamma + x * m) * self.p / (self.p * x + self.q - 1)
        return pd.Series(np.where((x > 0) & np.isfinite(m), own, mean), index=h.index, name="expected_spend")


@described
def fit_gamma_gamma(history: pd.DataFrame) -> GammaGammaModel:
    """Fit the Gamma-Gamma model of spend per purchase on the repeat customers of a history.

    Parameters
    ----------
    history : DataFrame
        The table of :func:`purchase_history`; customers with at least one
        repeat purchase and a positive ``monetary_value`` are used.

    Returns
    -------
    GammaGammaModel
        The fitted parameters, with ``expected_spend``.

    Raises
    ------
    ParameterError
        If ``history`` is not such a table.
    JourneyKitError
        With fewer than 10 repeat customers of positive value.

    Examples
    --------
    >>> history = pd.DataFrame({"frequency": [1, 2, 3, 1, 4, 2, 1, 5, 2, 3, 1, 2],
    ...                         "recency": [5, 12, 20, 3, 30, 8, 2, 25, 9, 14, 6, 11],
    ...                         "T": [38, 36, 33, 30, 39, 20, 10, 31, 25, 30, 12, 22],
    ...                         "monetary_value": [20, 35, 28, 15, 40, 22, 18, 33, 25, 30, 12, 27.0]})
    >>> model = fit_gamma_gamma(history)
    >>> model.customers
    12
    """
    h = _history(history)
    if "monetary_value" not in h:
        raise ParameterError("history needs the monetary_value column of jk.purchase_history.", "history")
    usable = h[(h["frequency"] > 0) & (h["monetary_value"] > 0)]
    if len(usable) < 10:
        raise JourneyKitError(f"only {len(usable)} repeat customers with a positive spend; the Gamma-Gamma model "
                              "needs at least 10.")
    x, m = usable["frequency"].to_numpy(dtype=float), usable["monetary_value"].to_numpy(dtype=float)
    fit = _maximise(lambda p: _gg_ll(p, x, m), np.log([1.0, 1.0, max(m.mean(), 1.0)]))
    p, q, g = np.exp(fit.x)
    correlation = float(np.corrcoef(x, m)[0, 1]) if len(set(x)) > 1 and len(set(m)) > 1 else float("nan")
    return GammaGammaModel(float(p), float(q), float(g), float(-fit.fun), len(usable), correlation)


# ---------------------------------------------------------------------------
# One call: the forecast, and its check on a holdout period
# ---------------------------------------------------------------------------


def _horizon_units(horizon, unit) -> float:
    return float(duration(horizon, "horizon") / duration(unit, "unit"))


@described
def probabilistic_clv(orders: pd.DataFrame, *, horizon: str | pd.Timedelta = "365D", end=None,
                      unit: str | pd.Timedelta = "7D", user_col: str = "user_id", time_col: str = "timestamp",
                      revenue_col: str = "revenue", order_col: str = "order_id") -> pd.DataFrame:
    """Each customer's forecast: probability of being alive, purchases and value over the next ``horizon``.

    Fits BG/NBD and Gamma-Gamma (see the module notes) on the orders up to
    ``end`` and applies them to every customer. ``expected_value`` =
    ``expected_purchases`` × ``expected_spend`` (revenue, undiscounted).
    Unlike :func:`journeykit.historical_clv`, which averages what whole
    cohorts did spend, this forecasts each current customer; check it with
    :func:`clv_holdout` first.

    Parameters
    ----------
    orders : DataFrame
        Order table (see :func:`journeykit.validate_orders`).
    horizon : str or Timedelta, default "365D"
        How far ahead to forecast, from ``end``.
    end : date, optional
        End of the observation; by default the last order's time.
    unit : str or Timedelta, default "7D"
        The models' time unit (the results do not depend on it beyond
        rounding).
    user_col, time_col, revenue_col, order_col : str
        Column names in ``orders``.

    Returns
    -------
    DataFrame
        :func:`purchase_history`'s columns plus ``p_alive``,
        ``expected_purchases``, ``expected_spend`` and ``expected_value``;
        ``attrs["models"]`` holds the two fitted models.

    Raises
    ------
    SchemaError
        If ``orders`` breaks the data contract.
    ParameterError
        For a ``horizon`` or ``unit`` without a unit, or an ``end`` that is
        not a date.
    JourneyKitError
        With too few repeat customers to fit the models.

    Examples
    --------
    >>> import journeykit as jk
    >>> shop = jk.simulate_shop(3000, seed=2)
    >>> forecast = probabilistic_clv(shop["orders"], horizon="180D")
    >>> list(forecast.columns[-4:])
    ['p_alive', 'expected_purchases', 'expected_spend', 'expected_value']
    """
    history = purchase_history(orders, end=end, unit=unit, user_col=user_col, time_col=time_col,
                               revenue_col=revenue_col, order_col=order_col)
    steps = _horizon_units(horizon, unit)
    purchases, spend = fit_bgnbd(history), fit_gamma_gamma(history)
    out = history.assign(p_alive=purchases.probability_alive(history),
                         expected_purchases=purchases.expected_purchases(history, steps),
                         expected_spend=spend.expected_spend(history))
    out["expected_value"] = out["expected_purchases"] * out["expected_spend"]
    out.attrs["models"] = {"bgnbd": purchases, "gamma_gamma": spend}
    return out


@described
def clv_holdout(orders: pd.DataFrame, *, calibration_end, end=None, unit: str | pd.Timedelta = "7D",
                max_frequency: int = 7, user_col: str = "user_id", time_col: str = "timestamp",
                revenue_col: str = "revenue", order_col: str = "order_id") -> pd.DataFrame:
    """Check the purchase model: fit on a calibration period, compare its forecast with the holdout after it.

    Customers whose first purchase falls in the calibration period (up to
    ``calibration_end``) are grouped by their number of repeat purchases in
    it; for each group, the mean number of purchase days the model predicts
    in the holdout (``calibration_end`` to ``end``) is set beside the mean
    they actually made.

    Parameters
    ----------
    orders : DataFrame
        Order table (see :func:`journeykit.validate_orders`).
    calibration_end : date
        Last day of the calibration period.
    end : date, optional
        Last day of the holdout; by default the last order's time.
    unit : str or Timedelta, default "7D"
        The model's time unit.
    max_frequency : int, default 7
        Calibration frequencies from this one up are grouped in one row.
    user_col, time_col, revenue_col, order_col : str
        Column names in ``orders``.

    Returns
    -------
    DataFrame
        One row per calibration ``frequency`` (the last one is
        ``max_frequency`` or more): ``customers``, ``actual`` and
        ``predicted`` mean holdout purchases; then a row ``"all"``.
        ``attrs`` hold the model and the holdout's length in ``unit``.

    Raises
    ------
    SchemaError
        If ``orders`` breaks the data contract.
    ParameterError
        If ``calibration_end`` is not a date before ``end``, or ``unit`` is
        not a duration.
    JourneyKitError
        With too few repeat customers in the calibration period.

    Examples
    --------
    >>> import journeykit as jk
    >>> shop = jk.simulate_shop(3000, seed=2)
    >>> check = clv_holdout(shop["orders"], calibration_end="2025-12-31")
    >>> list(check.columns)
    ['frequency', 'customers', 'actual', 'predicted']
    """
    max_frequency = params.integer(max_frequency, "max_frequency", minimum=1)
    df = validate_orders(orders, order_col=order_col, user_col=user_col, time_col=time_col, revenue_col=revenue_col)
    cut = _end(calibration_end, df, "calibration_end").normalize()
    last = _end(end, df, "end").normalize()
    if cut >= last:
        raise ParameterError(f"calibration_end={calibration_end!r} must be before the end of the data "
                             f"({last.date()}); leave a holdout period after it.", "calibration_end")
    history = purchase_history(df, end=cut, unit=unit)
    model = fit_bgnbd(history)
    span = float((last - cut) / duration(unit, "unit"))
    later = df[(df["timestamp"].dt.normalize() > cut) & (df["timestamp"].dt.normalize() <= last)]
    actual = later.assign(day=later["timestamp"].dt.normalize()).groupby("user_id")["day"].nunique()
    table = history.assign(actual=history["user_id"].map(actual).fillna(0).to_numpy(),
                           predicted=model.expected_purchases(history, span),
                           group=history["frequency"].clip(upper=max_frequency))
    rows = table.groupby("group").agg(customers=("user_id", "size"), actual=("actual", "mean"),
                                      predicted=("predicted", "mean")).reset_index()
    rows = rows.rename(columns={"group": "frequency"})
    rows["frequency"] = rows["frequency"].map(lambda f: f"{f}+" if f == max_frequency else str(f))
    total = pd.DataFrame({"frequency": ["all"], "customers": [len(table)], "actual": [table["actual"].mean()],
                          "predicted": [table["predicted"].mean()]})
    out = pd.concat([rows, total], ignore_index=True)
    out.attrs.update(model=model, holdout_units=span, calibration_end=str(cut.date()), end=str(last.date()))
    return out
