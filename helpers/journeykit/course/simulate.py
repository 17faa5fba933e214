"""Seeded simulators of the course's two sample businesses.

``simulate_shop`` models an online shop: people arrive through a channel, browse
and compare over one or more sessions, add to cart, check out (sometimes the
payment fails), buy, get their parcel, may contact support, buy again or drift
away, write reviews and refer friends, who then arrive through the referral
channel. ``simulate_subscription`` models a subscription app: trial, activation,
paid conversion, monthly renewals and cancellations.

Both return plain DataFrames that follow the data contract (see
:mod:`journeykit.io.contract`). The same seed always gives identical tables, and the
files in ``datasets/`` are regenerated bit for bit by::

    python -m journeykit generate --out datasets

The simulator is a teaching device, not a model of any real business: its rates
are chosen so that the lessons have something true to discover.
"""

from __future__ import annotations

import gzip
import heapq
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["simulate_shop", "simulate_subscription", "simulate_export", "write_datasets", "SHOP_SEED",
           "SUBSCRIPTION_SEED", "EXPORT_SEED"]

SHOP_SEED = 2025
"""Seed of the shipped shop tables."""

SUBSCRIPTION_SEED = 7
"""Seed of the shipped subscription tables."""

_SECOND = np.timedelta64(1, "s")

# Share of arrivals by channel, for people who were not referred by a customer.
_ARRIVAL_CHANNELS = {"social": 0.27, "search": 0.26, "ads": 0.21, "content": 0.12, "email": 0.06, "direct": 0.08}
_DEVICES = {"mobile": 0.56, "desktop": 0.34, "tablet": 0.10}

# Chance that a browsing session before the first purchase ends with an item in the cart.
_CART_RATE = {"ads": 0.34, "referral": 0.30, "email": 0.24, "search": 0.21, "direct": 0.20,
              "content": 0.11, "social": 0.09}
# Chance of coming back for another session after one that did not end in a purchase.
_RETURN_RATE = {"ads": 0.38, "referral": 0.62, "email": 0.55, "search": 0.55, "direct": 0.55,
                "content": 0.62, "social": 0.48}
# Chance of buying again after an order (before satisfaction is taken into account).
_REPEAT_RATE = {"ads": 0.20, "referral": 0.66, "email": 0.58, "search": 0.50, "direct": 0.52,
                "content": 0.54, "social": 0.46}
# Mean "how likely are you to recommend us" before delivery experience is taken into account.
_NPS_BASE = {"ads": 6.9, "referral": 9.5, "email": 8.7, "search": 8.5, "direct": 8.6,
             "content": 8.8, "social": 8.3}
# Chance that a session before the first purchase ends on its landing page (a bounce).
_BOUNCE_RATE = {"social": 0.45, "ads": 0.2, "search": 0.28, "content": 0.2, "email": 0.2, "direct": 0.25,
                "referral": 0.18}
# Chance that one payment attempt fails.
_PAYMENT_FAILURE = {"mobile": 0.42, "desktop": 0.06, "tablet": 0.08}

_COMMENTS = {
    "late": ["Parcel arrived a week late and nobody told me.", "Delivery took far longer than promised.",
             "Still waiting on tracking updates, very slow delivery.", "Late delivery, had to chase it twice."],
    "payment": ["Card payment failed twice on my phone.", "Checkout kept rejecting my card on mobile.",
                "Payment page froze on my phone, had to retry.", "Had to switch to my laptop to pay."],
    "cart": ["Shipping costs only showed up at the last step.", "Too many steps to check out.",
             "Wanted to pay with PayPal, it was not offered.", "Delivery price was a surprise at checkout."],
    "promoter": ["Great quality, will order again.", "Fast delivery and easy to order.",
                 "Lovely products, told my friends about you.", "Exactly as described, very happy."],
    "passive": ["Fine, nothing special.", "Okay overall, prices a bit high.", "Good product, average delivery.",
                "Does the job."],
    "detractor": ["Too expensive for what it is.", "Quality not as good as the photos.",
                  "Would not order again.", "Item felt cheap, disappointed."],
    "support_good": ["Support answered quickly and fixed it.", "Helpful support team."],
    "support_bad": ["Had to chase support three times.", "Support took days to reply."],
    "checkout_good": ["Quick and easy checkout.", "Smooth payment."],
}


class _Dice:
    """Buffered random draws from one seeded numpy Generator (fast scalar draws)."""

    def __init__(self, seed: int, block: int = 1 << 16) -> None:
        self._rng = np.random.default_rng(seed)
        self._block = block
        self._u = self._rng.random(block)
        self._i = 0

    def uniform(self) -> float:
        if self._i == self._block:
            self._u = self._rng.random(self._block)
            self._i = 0
        value = self._u[self._i]
        self._i += 1
        return float(value)

    def chance(self, p: float) -> bool:
        return self.uniform() < p

    def exponential(self, mean: float) -> float:
        return -mean * float(np.log1p(-self.uniform()))

    def normal(self, mean: float, sd: float) -> float:
        # Box-Muller on two buffered uniforms
        u1, u2 = 1.0 - self.uniform(), self.uniform()
        return mean + sd * float(np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2))

    def integer(self, low: int, high: int) -> int:
        """A whole number in [low, high]."""
        return low + int(self.uniform() * (high - low + 1))

    def geometric(self, p: float) -> int:
        """Number of failures before the first success (0, 1, 2, ...)."""
        return int(np.floor(np.log1p(-self.uniform()) / np.log1p(-p)))

    def pick(self, weights: dict[str, float]) -> str:
        u = self.uniform() * sum(weights.values())
        for key, w in weights.items():
            u -= w
            if u < 0:
                return key
        return key

    def element(self, options: list[str]) -> str:
        return options[min(int(self.uniform() * len(options)), len(options) - 1)]


@dataclass
class _Log:
    """Accumulates the rows of every table while customers are simulated."""

    events: list[tuple] = field(default_factory=list)
    orders: list[tuple] = field(default_factory=list)
    surveys: list[tuple] = field(default_factory=list)
    users: list[tuple] = field(default_factory=list)
    sessions: int = 0

    def new_session(self, prefix: str) -> str:
        self.sessions += 1
        return f"{prefix}{self.sessions:07d}"


# Relative traffic by hour of day: quiet at night, an evening peak.
_HOUR_WEIGHTS = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 3.5, 3.5,
                          4, 3.5, 3.5, 3.5, 3.5, 4, 5, 6, 6.5, 6, 4, 2])
_HOUR_CDF = np.cumsum(_HOUR_WEIGHTS) / _HOUR_WEIGHTS.sum()


def _at_hour(dice: _Dice, day: np.datetime64) -> np.datetime64:
    """A moment on ``day`` with the evening peak of online shopping."""
    hour = min(int(np.searchsorted(_HOUR_CDF, dice.uniform(), side="right")), 23)
    return day.astype("datetime64[D]") + np.timedelta64(hour * 3600 + dice.integer(0, 3599), "s")


# ---------------------------------------------------------------------------
# The online shop
# ---------------------------------------------------------------------------


@dataclass
class _Shopper:
    user_id: str
    arrival: np.datetime64
    channel: str
    device: str
    referred_by: str | None
    sessions: int = 0
    orders: int = 0
    last_channel: str = ""  # the traffic source of the current session


class _Shop:
    def __init__(self, dice: _Dice, start: np.datetime64, end: np.datetime64) -> None:
        self.dice = dice
        self.start = start
        self.end = end
        self.log = _Log()
        self.queue: list[tuple[np.datetime64, int, _Shopper]] = []
        self.next_user = 0
        self.next_order = 0
        self.last_failed = 0  # payment failures at the most recent purchase

    # -- people ---------------------------------------------------------------
    def add_arrival(self, when: np.datetime64, channel: str, referred_by: str | None) -> None:
        self.next_user += 1
        shopper = _Shopper(f"U{self.next_user:06d}", when, channel, self.dice.pick(_DEVICES), referred_by)
        heapq.heappush(self.queue, (when, self.next_user, shopper))

    def run(self) -> None:
        while self.queue:
            _, _, shopper = heapq.heappop(self.queue)
            self.log.users.append((shopper.user_id, shopper.arrival, shopper.channel, shopper.device,
                                   shopper.referred_by))
            self.journey(shopper)

    # -- one person's whole journey -------------------------------------------
    def journey(self, s: _Shopper) -> None:
        d = self.dice
        t = s.arrival
        channel = s.channel
        # The buyer journey: sessions of browsing and comparing until a purchase or until they give up.
        purchased = False
        abandoned_cart = False
        while not purchased and t < self.end:
            outcome, t = self.browse_session(s, t, channel, first_purchase=True, cart_kept=abandoned_cart)
            purchased = outcome == "purchase"
            abandoned_cart = abandoned_cart or outcome in ("cart", "payment")
            if purchased or s.sessions >= 9 or not d.chance(_RETURN_RATE[s.channel] - 0.03 * s.sessions):
                break
            t = t + np.timedelta64(int(3600 * (2 + d.exponential(4 * 24))), "s")
            channel = "email" if abandoned_cart and d.chance(0.45) else d.pick(
                {"direct": 0.3, "search": 0.3, "ads": 0.2, "social": 0.2})
        if not purchased:
            return
        # The rest of the customer journey: delivery, support, advocacy, repeat purchases or drifting away.
        while t < self.end:
            satisfaction, t_after = self.after_purchase(s, t)
            repeat = _REPEAT_RATE[s.channel] + 0.05 * min(s.orders - 1, 4)
            repeat *= 1.25 if satisfaction >= 9 else 0.55 if satisfaction <= 6 else 1.0
            if not d.chance(min(repeat, 0.92)):
                self.stray_visits(s, t_after, d.integer(0, 2))
                return
            # most come back weeks later; some top up an order within days (a forgotten item, a gift)
            gap_days = 0.2 + d.exponential(4) if d.chance(0.12) else 3 + d.exponential(52)
            # a browse-only session or two between purchases
            if d.chance(0.5):
                self.stray_visits(s, t_after + np.timedelta64(int(gap_days * 43200), "s"), 1)
            last = t
            t = t + np.timedelta64(int(gap_days * 86400), "s")  # from the last purchase, not its delivery
            outcome = "none"
            for _attempt in range(2):
                if t >= self.end:
                    return
                channel = d.pick({"email": 0.4, "direct": 0.35, "search": 0.15, "social": 0.1})
                when = _at_hour(d, t)  # a time of day in the day of t, but never before the last purchase
                outcome, t = self.browse_session(s, max(when, last + np.timedelta64(3600, "s")), channel,
                                                 first_purchase=False)
                if outcome == "purchase":
                    break
                t = t + np.timedelta64(int(86400 * (1 + d.exponential(3))), "s")
            if outcome != "purchase":
                return

    # -- one visit ------------------------------------------------------------
    def browse_session(self, s: _Shopper, t: np.datetime64, channel: str, first_purchase: bool,
                       cart_kept: bool = False) -> tuple[str, np.datetime64]:
        """Simulate one session; return its outcome and the time it ended.

        ``cart_kept``: the person left a filled cart in an earlier session; they may come back straight to the
        checkout, days after adding to the cart.
        """
        d = self.dice
        s.sessions += 1
        s.last_channel = channel
        session = self.log.new_session("S")
        ev = self.log.events

        def emit(name: str, revenue: float | None = None, gap: tuple[float, float] = (20, 150)) -> np.datetime64:
            nonlocal t
            t = t + np.timedelta64(int(d.integer(int(gap[0]), int(gap[1]))), "s")
            if t < self.end:
                ev.append((s.user_id, t, name, channel, s.device, session, revenue))
            return t

        t = t - np.timedelta64(1, "s")
        emit("visit", gap=(1, 1))
        if first_purchase and d.chance(_BOUNCE_RATE[channel]):
            return "bounce", t
        if channel == "content" or d.chance(0.06):
            emit("read_article", gap=(30, 400))
        if not (first_purchase and cart_kept and d.chance(0.5)):
            outcome = self.look_and_fill_cart(s, emit, first_purchase)
            if outcome != "cart_filled":
                return outcome, t
        return self.checkout(s, emit, first_purchase)

    def look_and_fill_cart(self, s: _Shopper, emit, first_purchase: bool) -> str:
        """Browse products and perhaps fill a cart; 'browse', 'cart' (left filled) or 'cart_filled'."""
        d = self.dice
        if not first_purchase:
            emit("view_product")
        else:
            if d.chance(0.35):
                emit("search")
            for _ in range(1 + d.geometric(0.45)):
                emit("view_product")
            if d.chance(0.28 if s.sessions == 1 else 0.4):
                emit("read_reviews", gap=(30, 240))
            if d.chance(0.18 if s.sessions == 1 else 0.32):
                emit("compare_prices", gap=(30, 300))
        cart_rate = _CART_RATE[s.channel] + 0.07 * (s.sessions - 1) if first_purchase else 0.85
        if not d.chance(min(cart_rate, 0.9)):
            return "browse"
        t = emit("add_to_cart")
        if d.chance(0.78 if first_purchase else 0.92):
            return "cart_filled"
        if first_purchase and d.chance(0.08):
            csat = min(5, max(1, round(d.normal(2.3, 1.1))))
            self.survey(s.user_id, t + np.timedelta64(600, "s"), "cart", "Decision", nps=None, csat=csat,
                        comment=d.element(_COMMENTS["cart"]) if csat <= 3 else None)
        return "cart"

    def checkout(self, s: _Shopper, emit, first_purchase: bool) -> tuple[str, np.datetime64]:
        """Check out and pay (or fail to); the outcome and the time the session ended."""
        d = self.dice
        t = emit("begin_checkout")
        failed = 0
        while d.chance(_PAYMENT_FAILURE[s.device] * (0.8 if failed else 1.0)):
            t = emit("payment_failed", gap=(15, 90))
            failed += 1
            if failed >= 3 or not d.chance(0.5):
                if d.chance(0.1):
                    self.survey(s.user_id, t + np.timedelta64(300, "s"), "checkout", "Purchase", nps=None,
                                csat=d.integer(1, 2), comment=d.element(_COMMENTS["payment"]))
                return "payment", t
        items = 1 + d.geometric(0.62)
        revenue = sum(max(4.0, d.normal(34, 14)) for _ in range(items))
        if s.orders == 0 and s.channel == "ads":
            revenue *= 0.75  # the first-order discount that the ads promise
        revenue = round(revenue, 2)
        t = emit("purchase", revenue=revenue, gap=(20, 120))
        if t >= self.end:
            return "browse", t
        s.orders += 1
        self.next_order += 1
        self.log.orders.append((f"O{self.next_order:07d}", s.user_id, t, revenue, items, s.last_channel))
        if d.chance(0.18):
            csat = min(5, max(1, round(d.normal(4.4 - 1.9 * (failed > 0) - 0.3 * (s.device == "mobile"), 0.7))))
            comment = (d.element(_COMMENTS["payment"]) if failed else d.element(_COMMENTS["checkout_good"])) \
                if d.chance(0.5) else None
            self.survey(s.user_id, t + np.timedelta64(120, "s"), "checkout", "Purchase", None, csat, comment)
        self.last_failed = failed
        return "purchase", t

    def after_purchase(self, s: _Shopper, t: np.datetime64) -> tuple[float, np.datetime64]:
        """Delivery, onboarding, support, survey, reviews and referrals after one order."""
        d = self.dice
        ev = self.log.events
        late = d.chance(0.14)

        def emit(name: str, when: np.datetime64, channel: str) -> None:
            if when < self.end:
                ev.append((s.user_id, when, name, channel, s.device, None, None))

        if s.orders == 1 and d.chance(0.55):
            emit("onboarding_email_open", _at_hour(d, t + np.timedelta64(1, "D")), "email")
        delivered = _at_hour(d, t + np.timedelta64(d.integer(8, 14) if late else d.integer(2, 5), "D"))
        emit("order_delivered", delivered, "service")
        satisfaction = d.normal(_NPS_BASE[s.channel] - (2.6 if late else 0.0) - 0.8 * (self.last_failed > 0), 1.3)
        nps = int(min(10, max(0, round(satisfaction))))
        support = late and d.chance(0.6) or d.chance(0.05)
        when = delivered
        if support:
            when = delivered - np.timedelta64(2, "D") if late else delivered + np.timedelta64(d.integer(1, 6), "D")
            emit("contact_support", when, "service")
            if d.chance(0.4):
                good = d.chance(0.55)
                self.survey(s.user_id, when + np.timedelta64(1, "D"), "support", "Post-purchase", None,
                            d.integer(4, 5) if good else d.integer(1, 3),
                            d.element(_COMMENTS["support_good" if good else "support_bad"]) if d.chance(0.6) else None)
        if d.chance(0.06):
            emit("return_item", delivered + np.timedelta64(d.integer(2, 12), "D"), "service")
        if d.chance(0.35):
            csat = min(5, max(1, round(d.normal(2.3 if late else 4.4, 0.8))))
            kind = "late" if late and d.chance(0.8) else "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"
            self.survey(s.user_id, delivered + np.timedelta64(d.integer(1, 3), "D"), "delivery", "Post-purchase",
                        nps, csat, d.element(_COMMENTS[kind]) if d.chance(0.55) else None)
        advocacy_day = delivered + np.timedelta64(d.integer(2, 10), "D")
        review_rate = 0.32 if nps >= 9 else 0.08 if nps >= 7 else 0.14
        if d.chance(review_rate):
            emit("write_review", advocacy_day, "direct")
        if nps >= 9 and d.chance(0.3) or nps in (7, 8) and d.chance(0.04):
            emit("refer_friend", advocacy_day + np.timedelta64(3600, "s"), "referral")
            if d.chance(0.7):
                arrival = _at_hour(d, advocacy_day + np.timedelta64(d.integer(1, 20), "D"))
                if arrival < self.end:
                    self.add_arrival(arrival, "referral", s.user_id)
        return satisfaction, max(delivered, when)

    def stray_visits(self, s: _Shopper, t: np.datetime64, n: int) -> None:
        """Browse-only visits of a customer who is not buying (any more)."""
        d = self.dice
        for _ in range(n):
            t = _at_hour(self.dice, t + np.timedelta64(int(d.integer(5, 60)), "D"))
            if t >= self.end:
                return
            session = self.log.new_session("S")
            channel = d.pick({"email": 0.5, "direct": 0.3, "social": 0.2})
            self.log.events.append((s.user_id, t, "visit", channel, s.device, session, None))
            t2 = t + np.timedelta64(d.integer(20, 200), "s")
            if t2 < self.end:
                self.log.events.append((s.user_id, t2, "view_product", channel, s.device, session, None))

    def survey(self, user_id: str, when: np.datetime64, touchpoint: str, stage: str,
               nps: int | None, csat: int | None, comment: str | None) -> None:
        if when < self.end:
            self.log.surveys.append((user_id, when, touchpoint, stage, nps, csat, comment))


def _arrival_days(dice_rng: np.random.Generator, n: int, start: np.datetime64, end: np.datetime64) -> np.ndarray:
    """Arrival dates with steady growth and a November-December peak."""
    days = np.arange(start.astype("datetime64[D]"), end.astype("datetime64[D]"))
    months = days.astype("datetime64[M]").astype(int) % 12 + 1
    weight = (1 + 0.6 * np.arange(len(days)) / len(days)) * np.where(np.isin(months, [11, 12]), 1.45, 1.0)
    return dice_rng.choice(days, size=n, p=weight / weight.sum())


def simulate_shop(n_users: int = 24000, *, seed: int = SHOP_SEED, start: str = "2025-01-01",
                  end: str = "2026-04-01") -> dict[str, pd.DataFrame]:
    """Simulate the sample online shop.

    Parameters
    ----------
    n_users : int, default 24000
        People who arrive on their own (through social, search, ads, content,
        email or direct). Customers' referrals add more people on top.
    seed : int, default SHOP_SEED
        Seed of the random generator; the same seed gives identical tables.
    start, end : str
        First day of arrivals and the moment the data stops (exclusive).

    Returns
    -------
    dict of str to DataFrame
        ``"events"``, ``"orders"``, ``"surveys"`` (following the data
        contract) and ``"users"`` (one row per person: first visit,
        acquisition channel, device and who referred them).

    Raises
    ------
    ValueError, TypeError
        From numpy, for arguments it cannot use: ``start`` or ``end`` that
        is not a date, ``end`` before ``start``, a negative or fractional
        ``n_users``, a seed that is not a non-negative whole number. The
        arguments are not checked by the kit, so no error of the kit is
        raised.

    Examples
    --------
    >>> shop = simulate_shop(200, seed=1)
    >>> sorted(shop)
    ['events', 'orders', 'surveys', 'users']
    >>> shop["events"].equals(simulate_shop(200, seed=1)["events"])
    True
    """
    start_ts, end_ts = np.datetime64(start, "s"), np.datetime64(end, "s")
    rng = np.random.default_rng(seed)
    dice = _Dice(int(rng.integers(2**32)))
    shop = _Shop(dice, start_ts, end_ts)
    channels = list(_ARRIVAL_CHANNELS)
    arrival_channels = rng.choice(channels, size=n_users, p=np.array(list(_ARRIVAL_CHANNELS.values())))
    for day, channel in zip(_arrival_days(rng, n_users, start_ts, end_ts), arrival_channels):
        shop.add_arrival(_at_hour(dice, day), str(channel), None)
    shop.run()
    return _frames(shop.log, ["user_id", "timestamp", "event", "channel", "device", "session_id", "revenue"],
                   ["order_id", "user_id", "timestamp", "revenue", "items", "channel"],
                   ["user_id", "first_seen", "acquisition_channel", "device", "referred_by"], "orders")


def _frames(log: _Log, event_columns: list[str], order_columns: list[str], user_columns: list[str],
            orders_name: str) -> dict[str, pd.DataFrame]:
    """Turn the accumulated rows into the four sorted tables of a business."""
    events = pd.DataFrame(log.events, columns=event_columns)
    events = events.sort_values(["timestamp", "user_id"], kind="stable", ignore_index=True)
    orders = pd.DataFrame(log.orders, columns=order_columns)
    orders = orders.sort_values(["timestamp", "order_id"], kind="stable", ignore_index=True)
    surveys = pd.DataFrame(log.surveys, columns=["user_id", "timestamp", "touchpoint", "stage", "nps", "csat",
                                                 "comment"])
    surveys = surveys.sort_values(["timestamp", "user_id"], kind="stable", ignore_index=True)
    surveys.insert(0, "response_id", [f"R{i:06d}" for i in range(1, len(surveys) + 1)])
    for col in ("nps", "csat"):
        surveys[col] = surveys[col].astype("Int64")
    users = pd.DataFrame(log.users, columns=user_columns).sort_values("user_id", ignore_index=True)
    return {"events": events, orders_name: orders, "surveys": surveys, "users": users}


# ---------------------------------------------------------------------------
# The subscription app
# ---------------------------------------------------------------------------

_SUB_CHANNELS = {"search": 0.32, "content": 0.22, "ads": 0.26, "referral": 0.10, "social": 0.10}
_ACTIVATION_RATE = {"search": 0.62, "content": 0.66, "ads": 0.34, "referral": 0.74, "social": 0.5}
_PLANS = {"monthly": 12.0, "annual": 120.0}


def _paid_months(d: _Dice, log: _Log, emit, user: str, channel: str, plan: str, price: float, fast: bool,
                 trial_end: np.datetime64, end_ts: np.datetime64, invoice_no: int) -> int:
    """A subscriber's paid life: app use, the in-app survey, renewals until they cancel; the last invoice number."""
    monthly_churn = (0.06 if fast else 0.12) * (1.6 if channel == "ads" else 1.0)
    step = 12 if plan == "annual" else 1
    paid_at = trial_end
    months = 0
    while True:
        months += step
        next_bill = trial_end + np.timedelta64(round(months * 30.44 * 86400), "s")
        for week in range(0, 30 * step, 9):
            emit("use_feature", _at_hour(d, paid_at + np.timedelta64(week + d.integer(0, 5), "D")), phase="paid")
        if months == step and d.chance(0.35):
            nps = int(min(10, max(0, round(d.normal(8.3 if fast else 6.8, 1.6)))))
            when = paid_at + np.timedelta64(20, "D")
            if when < end_ts:
                comment = None
                if d.chance(0.5):
                    comment = ("Use it every day, love it." if nps >= 9 else "Good, but sync is slow."
                               if nps >= 7 else "Never really got into it.")
                log.surveys.append((user, when, "in_app", "Retention", nps, None, comment))
        if d.chance(1 - (1 - monthly_churn) ** step):
            emit("cancel", next_bill - np.timedelta64(d.integer(1, 6), "D"), phase="paid")
            break
        invoice_no += 1
        if not emit("renew", next_bill, price, phase="paid"):
            break
        log.orders.append((f"I{invoice_no:06d}", user, next_bill, price, plan, "direct"))
        paid_at = next_bill
    return invoice_no


def simulate_subscription(n_users: int = 4000, *, seed: int = SUBSCRIPTION_SEED, start: str = "2025-01-01",
                          end: str = "2026-04-01") -> dict[str, pd.DataFrame]:
    """Simulate the sample subscription app (a note-taking app with a 14-day trial).

    Journey: ``visit`` → ``start_trial`` → ``complete_setup`` (activation) →
    ``use_feature`` (weekly use) → ``subscribe`` at the end of the trial →
    monthly ``renew`` (or a yearly one on the annual plan) until ``cancel``.
    Each payment is a row of ``invoices`` (which follows the orders contract).

    Parameters
    ----------
    n_users : int, default 4000
        Number of people who start a trial or visit.
    seed : int, default SUBSCRIPTION_SEED
        Seed of the random generator.
    start, end : str
        First day of arrivals and the moment the data stops (exclusive).

    Returns
    -------
    dict of str to DataFrame
        ``"events"``, ``"invoices"``, ``"surveys"`` and ``"users"``.

    Raises
    ------
    ValueError, TypeError
        From numpy, for arguments it cannot use: ``start`` or ``end`` that
        is not a date, ``end`` before ``start``, a negative or fractional
        ``n_users``, a seed that is not a non-negative whole number. The
        arguments are not checked by the kit, so no error of the kit is
        raised.

    Examples
    --------
    >>> app = simulate_subscription(100, seed=1)
    >>> sorted(app)
    ['events', 'invoices', 'surveys', 'users']
    """
    start_ts, end_ts = np.datetime64(start, "s"), np.datetime64(end, "s")
    rng = np.random.default_rng(seed)
    d = _Dice(int(rng.integers(2**32)))
    log = _Log()
    channels = rng.choice(list(_SUB_CHANNELS), size=n_users, p=np.array(list(_SUB_CHANNELS.values())))
    days = np.sort(_arrival_days(rng, n_users, start_ts, end_ts))
    invoice_no = 0
    for i, (day, channel) in enumerate(zip(days, channels), start=1):
        user = f"A{i:05d}"
        channel = str(channel)
        device = d.pick({"desktop": 0.6, "mobile": 0.4})
        t = _at_hour(d, day)
        log.users.append((user, t, channel, device))

        def emit(name: str, when: np.datetime64, revenue: float | None = None, chan: str = "direct",
                 phase: str = "trial") -> bool:
            if when >= end_ts:
                return False
            log.events.append((user, when, name, chan, device, phase, revenue))
            return True

        emit("visit", t, chan=channel, phase="visitor")
        if not d.chance(0.55):
            continue
        t = t + np.timedelta64(d.integer(60, 900), "s")
        emit("start_trial", t, chan=channel)
        activated = d.chance(_ACTIVATION_RATE[channel])
        fast = activated and d.chance(0.7)
        if activated:
            t_act = t + np.timedelta64(int(3600 * (d.exponential(20) if fast else 72 + d.exponential(96))), "s")
            emit("complete_setup", t_act)
            if d.chance(0.3):
                good = d.chance(0.8)
                if t_act + np.timedelta64(1, "D") < end_ts:
                    log.surveys.append((user, t_act + np.timedelta64(1, "D"), "onboarding", "Activation", None,
                                        d.integer(4, 5) if good else d.integer(1, 3),
                                        ("Setup was quick." if good else "Setup was confusing.")
                                        if d.chance(0.5) else None))
        uses = (d.integer(2, 6) if fast else d.integer(0, 3)) if activated else d.integer(0, 1)
        for k in range(uses):
            emit("use_feature", _at_hour(d, t + np.timedelta64(2 + k * 3, "D")))
        trial_end = _at_hour(d, t + np.timedelta64(14, "D"))
        paid_rate = 0.62 if fast else 0.30 if activated else 0.05
        if not d.chance(paid_rate):
            continue
        plan = "annual" if d.chance(0.25) else "monthly"
        price = _PLANS[plan]
        invoice_no += 1
        if not emit("subscribe", trial_end, price, phase="paid"):
            continue
        log.orders.append((f"I{invoice_no:06d}", user, trial_end, price, plan, channel))
        invoice_no = _paid_months(d, log, emit, user, channel, plan, price, fast, trial_end, end_ts, invoice_no)
    return _frames(log, ["user_id", "timestamp", "event", "channel", "device", "phase", "revenue"],
                   ["order_id", "user_id", "timestamp", "revenue", "plan", "channel"],
                   ["user_id", "first_seen", "acquisition_channel", "device"], "invoices")


# ---------------------------------------------------------------------------
# A raw export of the shop's order system, with the mess real exports have
# ---------------------------------------------------------------------------

EXPORT_SEED = 11
"""Seed of the shipped raw export (``datasets/shop_export.csv``)."""

# (stock code, description, list price in EUR): home goods, as the shop sells
_PRODUCTS = (
    ("20725", "LUNCH BAG, RED SPOT", 4.95), ("21730", "GLASS STAR T-LIGHT HOLDER", 6.50),
    ("22197", "POPCORN HOLDER, SET OF 4", 8.25), ("22469", "WICKER HEART, LARGE", 9.95),
    ("23084", "RABBIT NIGHT LIGHT", 12.50), ("22720", "SET OF 3 CAKE TINS", 14.95),
    ("47566", "PARTY BUNTING, 10 M", 16.50), ("48187", "DOORMAT, NEW ENGLAND", 19.95),
    ("22697", "TEACUP AND SAUCER, GREEN", 22.00), ("71053", "WHITE METAL LANTERN", 24.95),
    ("22960", "JAM MAKING SET WITH JARS", 27.50), ("85123A", "HANGING HEART T-LIGHT HOLDER, SET OF 6", 32.00),
    ("22423", "CAKESTAND, 3 TIER", 36.95), ("84879", "LINEN TABLECLOTH, 8 SEATS", 42.00),
    ("23203", "CERAMIC TABLE LAMP", 49.95), ("85099B", "WOOL THROW, RED", 58.00),
    ("21034", "RATTAN LAUNDRY BASKET", 64.95), ("22086", "OAK SERVING BOARD, LARGE", 74.00),
)
_LIST_PRICES = np.array([price for _, _, price in _PRODUCTS])
_COUNTRIES = {"France": 0.45, "Germany": 0.3, "Netherlands": 0.15, "Belgium": 0.1}
_EXPORT_COLUMNS = ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID",
                   "Country"]


def _not_orders(rng: np.random.Generator, days: pd.DatetimeIndex, customers: np.ndarray, guests: int,
                product, cents) -> list[tuple]:
    """Invoices of the export that are not orders: guest checkouts without a customer number, and free samples."""
    invoices = []
    for _ in range(max(1, guests)):  # guest checkouts: no customer number
        when = days[rng.integers(len(days))] + pd.Timedelta(minutes=int(rng.integers(8 * 60, 22 * 60)))
        guest = product()
        invoices.append((when, [(guest, int(rng.integers(1, 4)), cents(guest[2]), "")], False))
    for _ in range(3):  # free samples
        when = days[rng.integers(len(days))] + pd.Timedelta(minutes=int(rng.integers(8 * 60, 22 * 60)))
        who = customers[rng.integers(len(customers))].removeprefix("U")
        invoices.append((when, [(("SAMPLE", "FREE SAMPLE, FABRIC SWATCHES", 0.0), 1, 0, who)], False))
    return invoices


def simulate_export(orders: pd.DataFrame, *, seed: int = EXPORT_SEED, every: int = 5) -> pd.DataFrame:
    """The shop's orders as its order system would export them: invoice lines, with the usual mess.

    The layout is that of the UCI *Online Retail II* export (``Invoice``,
    ``StockCode``, ``Description``, ``Quantity``, ``InvoiceDate``, ``Price``,
    ``Customer ID``, ``Country``), every value written as text:

    - dates day first, without seconds (``31/01/2025 14:05``);
    - customer numbers with leading zeros (``U000754`` becomes ``000754``);
    - each order split into invoice lines whose Quantity × Price add up to
      its revenue to the cent; some orders carry one more line that a
      cancellation invoice (``C…``, negative quantity) takes back days later,
      so the order's net value is its revenue;
    - invoices that are not orders: cancelled in full, free samples (price
      0) and guest checkouts without a customer number;
    - one real order whose second line carries another customer's number.

    Read back with :func:`journeykit.read_online_retail` (the columns mapped,
    shared invoices dropped), the export gives each covered customer exactly
    the orders and revenue of ``orders``, but for the order with two customer
    numbers, which is dropped.

    Parameters
    ----------
    orders : DataFrame
        The shop's orders (``order_id``, ``user_id`` like ``U000754``,
        ``timestamp``, ``revenue``, ``items``).
    seed : int, default EXPORT_SEED
        Seed of the random generator; the same seed gives an identical export.
    every : int, default 5
        Keep the customers whose number is a multiple of ``every``, for a
        small file.

    Returns
    -------
    DataFrame
        One row per invoice line, all columns text (empty for no value), in
        the order of the invoices' dates.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["O1", "O2"], "user_id": ["U000005", "U000010"],
    ...                        "timestamp": pd.to_datetime(["2025-01-13 09:30", "2025-02-01 18:00"]),
    ...                        "revenue": [25.0, 9.9], "items": [3, 1]})
    >>> export = simulate_export(orders, seed=1)
    >>> list(export.columns)
    ['Invoice', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'Price', 'Customer ID', 'Country']
    >>> export.loc[export["Customer ID"] == "000005", "InvoiceDate"].iloc[0]
    '13/01/2025 09:30'
    """
    rng = np.random.default_rng(seed)
    number = orders["user_id"].str.removeprefix("U")
    mine = orders[number.astype("int64") % every == 0].sort_values(["timestamp", "order_id"], kind="stable")
    end = orders["timestamp"].max()
    customers = mine["user_id"].unique()
    country = dict(zip(customers, np.where(rng.random(len(customers)) < 0.8, "United Kingdom",
                                           rng.choice(list(_COUNTRIES), len(customers),
                                                      p=list(_COUNTRIES.values())))))
    invoices = []  # (time, lines, cancellation?) with lines (stock, quantity, cents, customer number or "")

    def product(price: float | None = None) -> tuple[str, str, float]:
        """A product at random, or one of the three whose list price is closest to ``price``."""
        if price is None:
            return _PRODUCTS[rng.integers(len(_PRODUCTS))]
        return _PRODUCTS[np.argsort(np.abs(_LIST_PRICES - price), kind="stable")[rng.integers(3)]]

    def cents(value: float) -> int:
        return int(round(value * 100))

    for user, when, revenue, items in zip(mine["user_id"], mine["timestamp"], mine["revenue"], mine["items"]):
        total, items, who = cents(revenue), int(items), user.removeprefix("U")
        if items == 1:
            lines = [(product(total / 100), 1, total)]
        else:  # the first line carries all items but one, the last line takes the remaining cents
            each = max(1, int(total * rng.uniform(0.4, 0.8)) // (items - 1))
            rest = total - each * (items - 1)
            lines = [(product(each / 100), items - 1, each), (product(rest / 100), 1, rest)]
        lines = [(p, q, c, who) for p, q, c in lines]
        later = when + pd.Timedelta(days=int(rng.integers(1, 15)), minutes=int(rng.integers(0, 600)))
        if rng.random() < 0.08 and later < end:  # one more item, sent back and cancelled
            extra = product()
            quantity = int(rng.integers(1, 4))
            lines.append((extra, quantity, cents(extra[2]), who))
            invoices.append((later, [(extra, -quantity, cents(extra[2]), who)], True))
        invoices.append((when, lines, False))
        if rng.random() < 0.012 and later < end:  # an order placed again and cancelled in full
            again = when + pd.Timedelta(minutes=int(rng.integers(30, 300)))
            again_product = product()
            copy = [(again_product, int(rng.integers(1, 6)), cents(again_product[2]), who)]
            invoices.append((again, copy, False))
            invoices.append((later + pd.Timedelta(minutes=5), [(p, -q, c, w) for p, q, c, w in copy], True))
    days = pd.date_range(mine["timestamp"].min().normalize(), end.normalize(), freq="D")
    invoices += _not_orders(rng, days, customers, len(mine) // 40, product, cents)
    # one real order keyed with another customer's number on its second line (a typing slip)
    with_cancellations = {lines[0][3] for _, lines, cancellation in invoices if cancellation}
    candidates = [i for i, (_, lines, cancellation) in enumerate(invoices) if not cancellation and len(lines) == 2
                  and lines[0][3] not in with_cancellations]
    slip = candidates[len(candidates) // 2]
    when, lines, _ = invoices[slip]
    other = next(c.removeprefix("U") for c in rng.permutation(customers) if c.removeprefix("U") != lines[0][3])
    invoices[slip] = (when, [lines[0], (*lines[1][:3], other)], False)

    invoices.sort(key=lambda invoice: (invoice[0], invoice[2]))
    rows = []
    for index, (when, lines, cancellation) in enumerate(invoices):
        invoice = f"{'C' if cancellation else ''}{536000 + index}"
        for (stock, description, _), quantity, price, who in lines:
            rows.append((invoice, stock, description, str(quantity), when.strftime("%d/%m/%Y %H:%M"),
                         f"{price / 100:.2f}", who, country.get(f"U{who}", "United Kingdom") if who else
                         "United Kingdom"))
    return pd.DataFrame(rows, columns=_EXPORT_COLUMNS)


# ---------------------------------------------------------------------------
# Writing the shipped files
# ---------------------------------------------------------------------------


def _to_csv_gz(df: pd.DataFrame, path: Path) -> None:
    """Write gzip-compressed CSV with a fixed header time, so the bytes depend on the data alone."""
    text = df.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S", lineterminator="\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def write_datasets(out: str | Path) -> list[Path]:
    """Generate every sample table with the shipped seeds and write them to ``out``.

    Parameters
    ----------
    out : str or Path
        Folder to write ``shop_*.csv.gz``, ``subscription_*.csv.gz``,
        ``mealkit_*.csv.gz`` and the raw export ``shop_export.csv`` into.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    from journeykit.course.mealkit import simulate_mealkit  # it builds on this module's dice and frames

    shop = simulate_shop()
    for prefix, tables in (("shop", shop), ("subscription", simulate_subscription()),
                           ("mealkit", simulate_mealkit())):
        for name, df in tables.items():
            path = out / f"{prefix}_{name}.csv.gz"
            _to_csv_gz(df, path)
            written.append(path)
    path = out / "shop_export.csv"  # plain CSV, to be opened in an editor as the lesson asks
    path.write_bytes(simulate_export(shop["orders"]).to_csv(index=False, lineterminator="\n").encode("utf-8"))
    written.append(path)
    return written
