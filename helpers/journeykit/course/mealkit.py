"""Seeded simulator of the capstone's third business: Fork & Field, a weekly recipe box.

``simulate_mealkit`` models a meal-kit delivery service. Visitors arrive through
a channel (search, social, ads, podcast, referral or direct; many more in
January, the month of new year's resolutions), look at the menu and recipes,
and some start a sign-up: they choose a plan (a box for 2 or for 4 people, 3
recipes a week), enter their address and delivery day, and order their first
box. Subscribers then get a box every week, on the day they chose, unless they
skip a week, pause or cancel; before each box they may choose its recipes in
the app, and after it rate a recipe, contact support or refer a friend.

The tables follow the data contract (see :mod:`journeykit.io.contract`) and the
column conventions of :func:`journeykit.course.simulate.simulate_shop`; the same
seed always gives identical tables. ``mealkit_findings`` measures, with the
kit's own functions, what the simulator plants for the capstone to discover:

1. **Discount hunters.** Ads and podcast listeners are promised 60% off the
   first box: they order a first box more often than anyone, and most cancel
   after one or two boxes.
2. **Choosing recipes goes with staying.** Subscribers who choose their
   recipes in their first two weeks are still there at week 8 about twice as
   often as the others (a correlation: engaged people do both).
3. **A broken sign-up step.** On the Android app, the delivery-slot picker of
   the address step fails: far fewer Android users who chose a plan order a
   box.
4. **Late or damaged boxes.** About one box in twelve arrives late or damaged;
   those boxes get a low delivery CSAT and triple the chance of a cancellation
   the week after.
5. **Referral is small but the best.** Few people arrive through a friend's
   link, but they stay longest and are worth the most.

The simulator is a teaching device, not a model of any real business.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journeykit.analysis.funnel import funnel
from journeykit.analysis.retention import cohort_retention, retention_curve
from journeykit.analysis.satisfaction import csat
from journeykit.analysis.stats import compare_proportions
from journeykit.analysis.value import historical_clv
from journeykit.course.simulate import _at_hour, _Dice, _frames, _Log

__all__ = ["simulate_mealkit", "mealkit_findings", "MEALKIT_SEED"]

MEALKIT_SEED = 31
"""Seed of the capstone's meal-kit tables."""

_HOUR = 3600
_DAY = 86400
_WEEK = 7 * _DAY

# Share of arrivals by channel, for people who were not referred by a customer.
_CHANNELS = {"search": 0.27, "social": 0.22, "ads": 0.2, "podcast": 0.12, "direct": 0.19}
_DEVICES = {"web": 0.44, "app-ios": 0.26, "app-android": 0.30}
# Channels whose arrivals are promised 60% off the first box.
_HUNTERS = ("ads", "podcast")

# Chance that the first session ends on its landing page.
_BOUNCE = {"search": 0.25, "social": 0.5, "ads": 0.28, "podcast": 0.15, "direct": 0.2, "referral": 0.12}
# Chance that a session that reaches the menu starts a sign-up (grows with each visit).
_INTENT = {"search": 0.32, "social": 0.17, "ads": 0.65, "podcast": 0.62, "direct": 0.32, "referral": 0.3}
# Chance of coming back for another visit after one that did not end with a first box.
_RETURN = {"search": 0.45, "social": 0.3, "ads": 0.35, "podcast": 0.4, "direct": 0.45, "referral": 0.5}
# Chance that the address step (with its delivery-slot picker) works on the first try.
_ADDRESS_OK = {"web": 0.9, "app-ios": 0.91, "app-android": 0.4}

_PRICE = {2: 54.9, 4: 94.9}  # EUR per box: 3 recipes for 2 or for 4 people
# Share of the price taken off boxes 1 and 2, by acquisition channel.
_DISCOUNT = {"ads": (0.6, 0.2), "podcast": (0.6, 0.2), "referral": (0.4, 0.0)}
_WELCOME = (0.25, 0.0)
# Weekly chance of cancelling after box 1 and box 2; afterwards _HAZARD.
_EARLY_HAZARD = {"hunter": (0.5, 0.38), "other": (0.12, 0.08)}
_HAZARD = 0.065
# Share of subscribers who like to choose their recipes (engaged), by acquisition channel.
_CHOOSERS = {"ads": 0.3, "podcast": 0.3, "referral": 0.7}
_LATE, _DAMAGED = 0.05, 0.035  # chance that a box is late; else that it is damaged: 1 in 12 in all

_COMMENTS = {
    "slot": ["The delivery slot picker froze on my Android phone.", "Could not pick a delivery day in the app.",
             "App crashed every time I chose a delivery slot.", "Delivery day screen stays blank on my phone."],
    "signup_bad": ["You don't deliver to my postcode yet?", "Too many questions before I see the price.",
                   "Wanted to see next week's recipes first.", "Price per portion is higher than I thought."],
    "signup_good": ["Quick to sign up.", "Easy, took two minutes.", "Nice to see the recipes before paying."],
    "late": ["Box came a day late, the fish was not cold any more.", "Delivery was late and nobody told us.",
             "Waited in all day, the box arrived the next morning."],
    "damaged": ["Two ingredients missing and a jar broken.", "Box was crushed, the eggs were broken.",
                "Ice packs had melted, had to throw the chicken away."],
    "box_good": ["Fresh ingredients, tasty recipes.", "Kids loved the pasta.", "Arrived on time and cold.",
                 "Great portions, easy to cook."],
    "box_meh": ["Recipes are getting repetitive.", "Fine, but so much packaging.", "Portions a bit small for two."],
    "support_good": ["Refund came the same day.", "Support was friendly and quick."],
    "support_bad": ["Support took three days to reply.", "Got a voucher I did not want instead of a refund."],
    "cancel_hunter": ["Only wanted to try it with the discount.", "Too expensive at full price.",
                      "Tried it, not for us at this price."],
    "cancel": ["Too much food, we were throwing some away.", "Going on holiday for a while.",
               "Cooking every night is too much work.", "Moving house.", "Loved it, but need to save money."],
}


@dataclass
class _Customer:
    user_id: str
    arrival: int  # seconds since 1970, UTC
    channel: str
    device: str
    referred_by: str | None
    household: int | None = None
    weekday: int = 0  # delivery day, 0 = Monday
    chooser: bool = False
    surveyed: bool = False  # answered the in-app NPS question


def _ts(seconds: int) -> np.datetime64:
    return np.datetime64(int(seconds), "s")


def _clip(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


class _MealKit:
    """The simulation: a queue of arrivals, each person's whole journey simulated in arrival order."""

    def __init__(self, dice: _Dice, end: int) -> None:
        self.d = dice
        self.end = end
        self.log = _Log()
        self.queue: list[tuple[int, int, str, str | None]] = []
        self.arrivals = 0
        self.users = 0
        self.orders = 0

    # -- people and rows -------------------------------------------------------
    def add_arrival(self, when: int, channel: str, referred_by: str | None) -> None:
        self.arrivals += 1
        heapq.heappush(self.queue, (when, self.arrivals, channel, referred_by))

    def run(self) -> None:
        while self.queue:
            when, _, channel, referred_by = heapq.heappop(self.queue)
            self.users += 1
            c = _Customer(f"M{self.users:06d}", when, channel, self.d.pick(_DEVICES), referred_by)
            self.journey(c)
            self.log.users.append((c.user_id, _ts(c.arrival), c.channel, c.device, c.household, c.referred_by))

    def emit(self, c: _Customer, when: int, name: str, channel: str, session: str | None = None,
             revenue: float | None = None) -> bool:
        if when >= self.end:
            return False
        self.log.events.append((c.user_id, _ts(when), name, channel, c.device, session, revenue))
        return True

    def survey(self, c: _Customer, when: int, touchpoint: str, stage: str, nps: int | None, csat: int | None,
               comment: str | None) -> None:
        if when < self.end:
            self.log.surveys.append((c.user_id, _ts(when), touchpoint, stage, nps, csat, comment))

    def session(self, c: _Customer, t: int, channel: str, actions: list[str], gap: tuple[int, int] = (15, 180),
                revenue: float | None = None) -> int:
        """A web or app session: a visit, then ``actions``; the time of the last one (revenue on the last)."""
        session = self.log.new_session("S")
        self.emit(c, t, "visit", channel, session)
        for i, action in enumerate(actions):
            t += self.d.integer(*gap)
            self.emit(c, t, action, channel, session, revenue if i == len(actions) - 1 else None)
        return t

    # -- the buyer journey: visits until a first box or until they give up -----
    def journey(self, c: _Customer) -> None:
        d = self.d
        t, channel = c.arrival, c.channel
        for visit in range(1, 7):
            outcome, t = self.visit(c, t, channel, visit)
            if outcome == "box" or t >= self.end:
                return
            back = _RETURN[c.channel] + (0.1 if outcome == "signup" else 0.0) - 0.05 * visit
            if not d.chance(back):
                return
            t += int(_HOUR * (1 + d.exponential(4 * 24)))  # from an hour to several weeks
            channel = c.channel if d.chance(0.3) else d.pick({"direct": 0.6, "search": 0.4})

    def visit(self, c: _Customer, t: int, channel: str, visit: int) -> tuple[str, int]:
        """One visit before the first box: its outcome (bounce, browse, signup or box) and its last moment."""
        d = self.d
        session = self.log.new_session("S")
        self.emit(c, t, "visit", channel, session)
        if d.chance(_BOUNCE[channel] if visit == 1 else 0.12):
            return "bounce", t
        t += d.integer(5, 90)
        self.emit(c, t, "view_menu", channel, session)
        for _ in range(d.geometric(0.4)):
            t += d.integer(20, 240)
            self.emit(c, t, "view_recipe", channel, session)
        if not d.chance(min(0.9, _INTENT[c.channel] * (1 + 0.3 * (visit - 1)))):
            return "browse", t
        return self.signup(c, t, channel, session)

    def signup(self, c: _Customer, t: int, channel: str, session: str) -> tuple[str, int]:
        """The sign-up steps; the Android app's delivery-slot picker fails more often than not."""
        d = self.d
        t += d.integer(15, 120)
        self.emit(c, t, "start_signup", channel, session)
        if not d.chance(0.8):
            return self.left_signup(c, t, "signup_bad")
        t += d.integer(20, 180)
        self.emit(c, t, "choose_plan", channel, session)
        if c.household is None:
            c.household = 4 if d.chance(0.38) else 2
        if not d.chance(0.92):
            return self.left_signup(c, t, "signup_bad")
        t += d.integer(30, 240)
        self.emit(c, t, "enter_address", channel, session)
        c.weekday = d.integer(0, 5)
        ok = d.chance(_ADDRESS_OK[c.device])
        if not ok and c.device == "app-android" and d.chance(0.6):  # tries the picker again
            t += d.integer(20, 120)
            self.emit(c, t, "enter_address", channel, session)
            ok = d.chance(0.25)
        if not ok:
            return self.left_signup(c, t, "slot" if c.device == "app-android" else "signup_bad")
        t += d.integer(20, 150)
        if t >= self.end:
            return "signup", t
        day = self.first_delivery_day(c, t)
        revenue, issue, delivered = self.box(c, 1, t, day)
        self.emit(c, t, "first_box", channel, session, revenue)
        if d.chance(0.2):
            score = _clip(d.normal(3.4 if c.device == "app-android" else 4.4, 0.85), 1, 5)
            self.survey(c, t + d.integer(600, 7200), "signup", "Purchase", None, score,
                        d.element(_COMMENTS["signup_good" if score >= 4 else "slot" if c.device == "app-android"
                                            else "signup_bad"]) if d.chance(0.5) else None)
        self.subscription(c, day, issue, delivered)
        return "box", t

    def left_signup(self, c: _Customer, t: int, reason: str) -> tuple[str, int]:
        """Someone leaves the sign-up; a few say why."""
        d = self.d
        if d.chance(0.15 if reason == "slot" else 0.04):
            self.survey(c, t + d.integer(120, 1800), "signup", "Decision", None,
                        d.integer(1, 2) if reason == "slot" else d.integer(1, 3),
                        d.element(_COMMENTS[reason]) if d.chance(0.7) else None)
        return "signup", t

    def first_delivery_day(self, c: _Customer, t: int) -> int:
        """Midnight of the first delivery day: the chosen weekday, at least three days after ordering."""
        day = (t // _DAY + 3) * _DAY
        weekday = (day // _DAY + 3) % 7  # 1970-01-01 was a Thursday
        return day + ((c.weekday - weekday) % 7) * _DAY

    # -- the customer journey: a box every week until they cancel -------------
    def box(self, c: _Customer, n: int, charged: int, day: int) -> tuple[float, bool, int]:
        """Charge box ``n`` and deliver it on ``day``: its revenue, whether it went wrong, when it arrived."""
        d = self.d
        price = _PRICE[c.household] + (d.element([4.99, 7.99]) if d.chance(0.1) else 0.0)  # a dessert add-on
        rates = _DISCOUNT.get(c.channel, _WELCOME)
        discount = round(price * rates[n - 1], 2) if n <= 2 else 0.0
        revenue = round(price - discount, 2)
        kind = "late" if d.chance(_LATE) else "damaged" if d.chance(_DAMAGED) else "on time"
        delivered = day + d.integer(8 * _HOUR, 20 * _HOUR) + (d.integer(1, 2) * _DAY if kind == "late" else 0)
        self.orders += 1
        self.log.orders.append((f"B{self.orders:07d}", c.user_id, _ts(charged), revenue, n, discount,
                                kind if delivered < self.end else None))
        if delivered < self.end:
            self.delivered(c, n, kind, delivered)
        return revenue, kind != "on time", delivered

    def delivered(self, c: _Customer, n: int, kind: str, when: int) -> None:
        """The box arrives; support contacts and surveys follow, more of them when it went wrong."""
        d = self.d
        bad = kind != "on time"
        self.emit(c, when, "box_delivered", "service")
        if d.chance(0.65 if bad else 0.02):
            contact = when + d.integer(_HOUR, 20 * _HOUR)
            self.emit(c, contact, "contact_support", "service")
            if d.chance(0.35):
                good = d.chance(0.55 if bad else 0.75)
                self.survey(c, contact + d.integer(_HOUR, _DAY), "support", "Retention", None,
                            d.integer(4, 5) if good else d.integer(1, 3),
                            d.element(_COMMENTS["support_good" if good else "support_bad"]) if d.chance(0.6) else None)
        if d.chance(0.3 if bad else 0.07):
            score = _clip(d.normal(2.1 if bad else 4.3, 1.0 if bad else 0.8), 1, 5)
            nps = None
            if d.chance(0.5):
                nps = _clip(d.normal(8.3 - 3.0 * bad - 1.0 * (c.channel in _HUNTERS) + 0.5 * c.chooser, 1.5), 0, 10)
            kind_text = kind if bad else "box_good" if score >= 4 else "box_meh"
            self.survey(c, when + d.integer(_HOUR, _DAY), "delivery", "Retention", nps, score,
                        d.element(_COMMENTS[kind_text]) if d.chance(0.55) else None)
        if n >= 4 and not c.surveyed and d.chance(0.3):
            c.surveyed = True
            nps = _clip(d.normal(8.0 + 0.6 * c.chooser - 1.2 * (c.channel in _HUNTERS) - 2.0 * bad, 1.7), 0, 10)
            self.survey(c, when + d.integer(_HOUR, 36 * _HOUR), "in_app", "Retention", nps, None, None)

    def hazard(self, c: _Customer, boxes: int, issue: bool) -> float:
        """Chance of cancelling in the week after box number ``boxes``."""
        early = _EARLY_HAZARD["hunter" if c.channel in _HUNTERS else "other"]
        h = early[boxes - 1] if boxes <= 2 else _HAZARD * (0.8 if boxes > 16 else 1.0)
        h *= (0.6 if c.chooser else 1.3) * (0.3 if c.channel == "referral" else 1.0)
        h = min(h, 0.9)
        return min(3 * h, 0.95) if issue else h

    def subscription(self, c: _Customer, day: int, issue: bool, delivered: int) -> None:
        """Week after week: a decision before each cutoff (cancel, pause, skip or a box), then the box."""
        d = self.d
        c.chooser = d.chance(_CHOOSERS.get(c.channel, 0.5))
        boxes, resume = 1, 0
        while True:
            last, day = day, day + _WEEK
            cutoff = day - 3 * _DAY  # the box is charged the morning of its cutoff day, 3 days before delivery
            if cutoff >= self.end:
                return
            if day < resume:  # paused
                continue
            start = min(max(last + 14 * _HOUR + d.integer(0, 60 * _HOUR), delivered + _HOUR), cutoff - _HOUR)
            decision = self.decide(c, boxes, issue)
            self.week_session(c, start, boxes, decision)
            if decision == "cancel":
                return
            if decision == "pause":
                resume = day + _WEEK * d.integer(2, 5)
            if decision != "box":
                issue = False
                continue
            boxes += 1
            charged = cutoff + d.integer(5 * _HOUR, 7 * _HOUR)
            if charged >= self.end:
                return
            _, issue, delivered = self.box(c, boxes, charged, day)

    def decide(self, c: _Customer, boxes: int, issue: bool) -> str:
        d = self.d
        if d.chance(self.hazard(c, boxes, issue)):
            return "cancel"
        if d.chance(0.012):
            return "pause"
        return "skip" if d.chance(0.07 + 0.03 * (boxes > 8)) else "box"

    def week_session(self, c: _Customer, start: int, boxes: int, decision: str) -> None:
        """The app or site session of one week, if the subscriber does anything: rate, choose, skip, refer..."""
        d = self.d
        actions = ["rate_recipe"] if d.chance(0.3 if c.chooser else 0.08) else []
        if decision == "box" and d.chance((0.75 if c.chooser else 0.06) if boxes <= 2 else
                                          (0.6 if c.chooser else 0.1)):
            actions += ["view_recipe"] * (1 + d.geometric(0.5)) + ["choose_recipes"]
        actions += {"cancel": ["cancel"], "pause": ["pause"], "skip": ["skip_week"]}.get(decision, [])
        refer = decision != "cancel" and boxes >= 2 and d.chance((0.06 if c.chooser else 0.02)
                                                                 * (1.5 if c.channel == "referral" else 1.0))
        if refer:
            actions.append("refer_friend")
        if not actions:
            return
        end = self.session(c, start, "direct", actions, gap=(20, 240))
        if refer and d.chance(0.75):
            arrival = int(_at_hour(d, _ts(end + d.integer(1, 20) * _DAY)).astype(np.int64))
            if arrival < self.end and end < self.end:
                self.add_arrival(arrival, "referral", c.user_id)
        if decision == "cancel" and d.chance(0.4):
            hunter = c.channel in _HUNTERS
            nps = _clip(d.normal(4.5 if hunter else 6.0, 2.2), 0, 10) if d.chance(0.5) else None
            self.survey(c, end + d.integer(60, 3 * _HOUR), "cancel", "Retention", nps,
                        _clip(d.normal(2.4 if hunter else 3.0, 1.1), 1, 5),
                        d.element(_COMMENTS["cancel_hunter" if hunter else "cancel"]) if d.chance(0.7) else None)


def _arrival_days(rng: np.random.Generator, n: int, start: int, end: int) -> np.ndarray:
    """Arrival days (midnights, in seconds): steady growth, and a peak of new year's resolutions in January."""
    days = np.arange(start // _DAY, -(-end // _DAY), dtype=np.int64)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    weight = (1 + 0.5 * np.arange(len(days)) / len(days)) * np.select([months == 1, months == 2], [2.0, 1.3], 1.0)
    return np.sort(rng.choice(days, size=n, p=weight / weight.sum())) * _DAY


def simulate_mealkit(n_users: int = 6000, *, seed: int = MEALKIT_SEED, start: str = "2025-01-01",
                     end: str = "2026-04-01") -> dict[str, pd.DataFrame]:
    """Simulate Fork & Field, a meal-kit delivery service (a weekly recipe box).

    Journey: ``visit`` → ``view_menu`` → ``view_recipe`` → ``start_signup`` →
    ``choose_plan`` (2 or 4 people, 3 recipes a week) → ``enter_address``
    (address and delivery day) → ``first_box`` (the purchase event, with its
    revenue); then every week ``box_delivered``, unless the subscriber
    ``skip_week``, ``pause`` or ``cancel``; in between ``choose_recipes``,
    ``rate_recipe``, ``contact_support`` and ``refer_friend``. Friends who
    follow a referral link arrive through the ``referral`` channel.

    Each box is a row of ``orders``: box 1 at the ``first_box`` event (same
    user, time and revenue), the later ones when they are charged, the
    morning of the cutoff three days before delivery. A box costs EUR 54.90
    for 2 people and EUR 94.90 for 4 (sometimes with a dessert), minus the
    welcome discount on the first boxes: 60% off box 1 and 20% off box 2
    for ads and podcast arrivals, 40% off box 1 through a friend, 25%
    otherwise.

    Parameters
    ----------
    n_users : int, default 6000
        People who arrive on their own (through search, social, ads,
        podcast or direct). The friends customers refer come on top.
    seed : int, default MEALKIT_SEED
        Seed of the random generator; the same seed gives identical tables.
    start, end : str
        First day of arrivals and the moment the data stops (exclusive:
        by default the last moment is 2026-03-31 23:59:59). Subscribers who
        joined in the last weeks are still in their retention window when
        the data stop.

    Returns
    -------
    dict of str to DataFrame
        ``"events"`` (``user_id``, ``timestamp``, ``event``, ``channel``,
        ``device`` (``web``, ``app-ios``, ``app-android``), ``session_id``
        on site and app events, ``revenue`` on ``first_box``);
        ``"orders"`` (``order_id``, ``user_id``, ``timestamp``,
        ``revenue``, ``box_number``, ``discount`` in EUR, ``delivery``:
        ``on time``, ``late``, ``damaged``, or empty if not delivered
        before the data stop); ``"surveys"`` (touchpoints ``signup``,
        ``delivery``, ``support``, ``cancel`` and ``in_app``) and
        ``"users"`` (``user_id``, ``first_seen``, ``acquisition_channel``,
        ``device``, ``household``: 2 or 4 people once a plan was chosen,
        ``referred_by``).

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
    >>> kit = simulate_mealkit(300, seed=1)
    >>> sorted(kit)
    ['events', 'orders', 'surveys', 'users']
    >>> kit["events"].equals(simulate_mealkit(300, seed=1)["events"])
    True
    >>> sorted(kit["users"]["household"].dropna().unique().tolist())
    [2, 4]
    """
    start_s = int(np.datetime64(start, "s").astype(np.int64))
    end_s = int(np.datetime64(end, "s").astype(np.int64))
    rng = np.random.default_rng(seed)
    dice = _Dice(int(rng.integers(2**32)))
    kit = _MealKit(dice, end_s)
    channels = rng.choice(list(_CHANNELS), size=n_users, p=np.array(list(_CHANNELS.values())))
    for day, channel in zip(_arrival_days(rng, n_users, start_s, end_s), channels):
        when = int(_at_hour(dice, _ts(day)).astype(np.int64))
        if when < end_s:
            kit.add_arrival(max(when, start_s), str(channel), None)
    kit.run()
    tables = _frames(kit.log, ["user_id", "timestamp", "event", "channel", "device", "session_id", "revenue"],
                     ["order_id", "user_id", "timestamp", "revenue", "box_number", "discount", "delivery"],
                     ["user_id", "first_seen", "acquisition_channel", "device", "household", "referred_by"], "orders")
    tables["users"]["household"] = tables["users"]["household"].astype("Int64")
    tables["orders"]["order_id"] = [f"B{i:07d}" for i in range(1, len(tables["orders"]) + 1)]  # in time order
    return tables


# ---------------------------------------------------------------------------
# Measuring what the simulator planted
# ---------------------------------------------------------------------------


def _by(frame: pd.DataFrame, key: str, value: str) -> dict[str, float]:
    """A two-column result as a plain dict of floats."""
    return {str(k): float(v) for k, v in zip(frame[key], frame[value])}


def _retention_at(events: pd.DataFrame, by: str, weeks: tuple[int, ...]) -> dict[int, dict[str, float]]:
    """Weekly "still getting boxes" retention of first-box cohorts, per segment, at some offsets."""
    table = cohort_retention(events, period="W", cohort_event="first_box", return_event="box_delivered",
                             unbounded=True, by=by)
    curve = retention_curve(table)
    return {week: _by(curve[curve["period"] == week], by, "retention") for week in weeks}


def _with_acquisition(tables: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events and orders with each person's acquisition channel as the column ``acquisition``."""
    acquisition = tables["users"][["user_id", "acquisition_channel"]].rename(
        columns={"acquisition_channel": "acquisition"})
    return (tables["events"].merge(acquisition, on="user_id", how="left"),
            tables["orders"].merge(acquisition, on="user_id", how="left"))


def _choosing_recipes(events: pd.DataFrame) -> dict[str, float]:
    """Week-8 retention of subscribers who chose recipes in the 14 days after their first box, and of the others."""
    first = events[events["event"] == "first_box"].groupby("user_id")["timestamp"].min().rename("first")
    chose = events[events["event"] == "choose_recipes"].join(first, on="user_id")
    early = chose.loc[chose["timestamp"] < chose["first"] + pd.Timedelta("14D"), "user_id"].unique()
    flagged = events.assign(chose_recipes=np.where(events["user_id"].isin(early), "chose", "did not"))
    week8 = _retention_at(flagged, "chose_recipes", (8,))[8]
    subscribers = first.index
    return {"choosers_share": float(np.isin(subscribers, early).mean()),
            "week8_retention_choosers": week8.get("chose", np.nan),
            "week8_retention_others": week8.get("did not", np.nan),
            "retention_ratio": week8.get("chose", np.nan) / week8.get("did not", np.nan)}


def _android_signup(events: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Conversion from choosing a plan to ordering the first box, by device."""
    result = funnel(events, ["choose_plan", "enter_address", "first_box"], by="device")
    last = result[result["step"] == "first_box"]
    return {"plan_to_box": _by(last, "device", "conversion_from_start")}


def _delivered_boxes(tables: dict) -> pd.DataFrame:
    """Delivered full-price boxes, with whether the customer cancelled in the week after (window closed)."""
    orders = tables["orders"]
    events = tables["events"]
    cancels = events[events["event"] == "cancel"].groupby("user_id")["timestamp"].min().rename("cancelled")
    boxes = orders[orders["delivery"].notna() & (orders["discount"] == 0)].join(cancels, on="user_id")
    boxes = boxes[boxes["timestamp"] + pd.Timedelta("11D") <= events["timestamp"].max()]
    after = (boxes["cancelled"] >= boxes["timestamp"]) & (boxes["cancelled"] < boxes["timestamp"] + pd.Timedelta("11D"))
    return boxes.assign(issue=boxes["delivery"] != "on time", cancelled_next=after)


def _delivery_issues(tables: dict) -> dict[str, float]:
    """Share of late or damaged boxes, their delivery CSAT and the cancellations that follow them."""
    orders = tables["orders"]
    delivered = orders[orders["delivery"].notna()]
    answers = tables["surveys"]
    answers = answers[(answers["touchpoint"] == "delivery") & answers["csat"].notna()].sort_values("timestamp")
    linked = pd.merge_asof(answers, delivered.sort_values("timestamp")[["user_id", "timestamp", "delivery"]],
                           on="timestamp", by="user_id", direction="backward")
    linked = linked.assign(box=np.where(linked["delivery"] == "on time", "on time", "late or damaged"))
    scores = csat(linked, by="box").set_index("box")["csat"]
    boxes = _delivered_boxes(tables)
    issue, ok = boxes[boxes["issue"]], boxes[~boxes["issue"]]
    test = compare_proportions(int(issue["cancelled_next"].sum()), len(issue), int(ok["cancelled_next"].sum()),
                               len(ok), names=("late or damaged", "on time"))
    return {"issue_share": float((delivered["delivery"] != "on time").mean()),
            "csat_issue": float(scores.get("late or damaged", np.nan)),
            "csat_on_time": float(scores.get("on time", np.nan)),
            "cancel_after_issue": float(test["rate_a"]), "cancel_after_on_time": float(test["rate_b"]),
            "hazard_ratio": float(test["rate_a"] / test["rate_b"]), "p_value": float(test["p_value"])}


def _referral(tables: dict, orders: pd.DataFrame, week8: dict[str, float]) -> dict[str, object]:
    """How many arrive through a friend, what their first 120 days are worth, and whether every link is traced."""
    users, events = tables["users"], tables["events"]
    referred = users[users["referred_by"].notna()]
    sent = events[events["event"] == "refer_friend"].groupby("user_id")["timestamp"].min()
    traced = referred["referred_by"].map(sent) < referred["first_seen"]
    clv = historical_clv(orders, horizon="120D", by="acquisition")
    return {"share_of_users": float((users["acquisition_channel"] == "referral").mean()),
            "referrals_traced": float(traced.mean()) if len(referred) else np.nan,
            "clv_120d": _by(clv, "acquisition", "clv"), "week8_retention": week8}


def mealkit_findings(tables: dict) -> dict[str, dict]:
    """Measure the five findings :func:`simulate_mealkit` plants, with the kit's own functions.

    Each value is measured from the tables alone, as a learner or an
    instructor's model answer would: funnels with :func:`journeykit.funnel`,
    weekly cohorts of first boxes with :func:`journeykit.cohort_retention`
    (``unbounded=True``: still getting boxes at week k or later) averaged
    over complete weeks by :func:`journeykit.retention_curve`, satisfaction
    with :func:`journeykit.csat`, cancellation rates with
    :func:`journeykit.compare_proportions` and value with
    :func:`journeykit.historical_clv`. Segments by acquisition channel use
    the ``channel`` of the users table.

    Parameters
    ----------
    tables : dict of str to DataFrame
        The tables of :func:`simulate_mealkit` (``events``, ``orders``,
        ``surveys``, ``users``).

    Returns
    -------
    dict of str to dict
        Rates are fractions from 0 to 1 (value in EUR), per finding:

        - ``"discount_hunters"``: ``first_box_conversion`` (visit to first
          box) and ``week4_retention``, each a dict by acquisition channel;
        - ``"choosing_recipes"``: ``choosers_share``,
          ``week8_retention_choosers``, ``week8_retention_others`` and
          their ``retention_ratio``;
        - ``"android_signup"``: ``plan_to_box``, conversion from
          ``choose_plan`` to ``first_box`` by device;
        - ``"delivery_issues"``: ``issue_share`` of delivered boxes,
          ``csat_issue`` and ``csat_on_time`` (delivery CSAT), and
          ``cancel_after_issue``, ``cancel_after_on_time`` (share of
          full-price boxes, after the welcome discount, followed by a
          cancellation within 11 days of their charge: before the next
          box), their ``hazard_ratio`` and ``p_value``;
        - ``"referral"``: ``share_of_users``, ``referrals_traced`` (share of
          referred people whose referrer sent a ``refer_friend`` before
          they arrived), ``clv_120d`` and ``week8_retention`` by channel.

    Raises
    ------
    KeyError
        If a table or a column of :func:`simulate_mealkit`'s tables is missing.
    SchemaError, ParameterError
        From the kit's functions, for tables that break the data contract
        or lack the events they count on (e.g. no ``first_box`` at all).

    Examples
    --------
    >>> findings = mealkit_findings(simulate_mealkit(1500, seed=2))
    >>> sorted(findings)
    ['android_signup', 'choosing_recipes', 'delivery_issues', 'discount_hunters', 'referral']
    >>> signup = findings["android_signup"]["plan_to_box"]
    >>> bool(signup["app-android"] < signup["web"])
    True
    """
    events, orders = _with_acquisition(tables)
    conversion = funnel(events, ["visit", "first_box"], by="acquisition")
    retention = _retention_at(events, "acquisition", (4, 8))
    return {
        "discount_hunters": {
            "first_box_conversion": _by(conversion[conversion["step"] == "first_box"], "acquisition",
                                        "conversion_from_start"),
            "week4_retention": retention[4]},
        "choosing_recipes": _choosing_recipes(tables["events"]),
        "android_signup": _android_signup(tables["events"]),
        "delivery_issues": _delivery_issues(tables),
        "referral": _referral(tables, orders, retention[8]),
    }
