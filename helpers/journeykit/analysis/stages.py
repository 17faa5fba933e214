"""Journey stages: named frameworks, and the mapping of every event to a stage.

A **stage model** is an ordered list of stages (each with a one-line
description) plus a mapping from events to stages:

- by event name (``{"visit": "Awareness", "purchase": "Purchase"}``), and
- by rules on other columns, written as pandas query strings and checked in
  order before the names, the first match winning
  (``("event == 'purchase' and occurrence > 1", "Retention")``). Rules can use
  every column of the event log plus two about the user's history:

  - ``occurrence``: the 1-based count of this event for this user so far (1
    for a first purchase, 2 for the second...);
  - ``reached``: the number of the furthest stage that the user's *earlier*
    events (strictly earlier in time) map to by their names alone, rules
    aside; 0 for events at the user's first moment;
  - ``customer``: True when the user made a purchase (the model's
    ``purchase_event``) strictly earlier. It lets history decide:
    ``("event == 'visit' and customer", "Retention")`` places a customer's
    return visit in Retention rather than Awareness.

The shop presets use both: Awareness is first contact only. A visit by someone
who has been before is Consideration (they came back to look), and a visit or an
article read by someone who has already bought belongs to the stage after the
purchase. The subscription preset keeps Renewal for paying again: using the
product while paying is part of the Subscription stage.

Survey answers are placed in stages through ``touchpoints``
(``{"delivery": "Retention"}``).

The sources the course draws on do not agree on the stages, so several
frameworks ship as presets, each with a mapping for the sample shop (and one for
the sample subscription app); :func:`stage_presets` lists them and
:func:`stage_model` returns one. Define your own with :class:`StageModel`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import ParameterError, SchemaError, did_you_mean
from journeykit.io.contract import validate_events
from journeykit.io.ordering import first_time, sort_events
from journeykit.results import described

__all__ = ["StageModel", "stage_model", "stage_presets", "assign_stages", "stage_entries", "furthest_stage",
           "stage_summary", "stage_transitions", "backtracks", "crosswalk"]


@dataclass(frozen=True)
class StageModel:
    """An ordered list of journey stages and the rules that place events in them.

    Parameters
    ----------
    name : str
        A short name, e.g. ``"6-stage"``.
    stages : sequence of (str, str)
        ``(stage, one-line description)`` pairs, in journey order.
    events : mapping of str to str
        Event name → stage.
    rules : sequence of (str, str), optional
        ``(pandas query, stage)`` pairs, checked in order before ``events``;
        the query may use any column and ``occurrence`` (see the module notes).
    touchpoints : mapping of str to str, optional
        Survey touchpoint → stage, used to place survey answers.
    description : str, optional
        Where the framework comes from and when to use it.
    purchase_event : str, default "purchase"
        The event that makes a person a customer, for ``customer`` in rules.

    Raises
    ------
    ParameterError
        If ``name`` is not a non-empty string; if ``stages``, ``events``,
        ``rules`` or ``touchpoints`` do not have the shapes above; if there is
        no stage or a stage name repeats; or if ``events``, ``rules`` or
        ``touchpoints`` point to a stage that is not in ``stages``.

    Examples
    --------
    >>> model = StageModel("mine", stages=[("Discover", "hears of us"), ("Buy", "pays")],
    ...                    events={"visit": "Discover", "purchase": "Buy"})
    >>> model.stage_names
    ['Discover', 'Buy']

    A mapping to a stage that the model does not have is refused:

    >>> StageModel("mine", stages=[("Buy", "pays")], events={"visit": "Discover"})
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: events of model 'mine' point to stages that are not in it: ['Discover']; ...
    """

    name: str
    stages: Sequence[tuple[str, str]]
    events: Mapping[str, str]
    rules: Sequence[tuple[str, str]] = field(default_factory=tuple)
    touchpoints: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    purchase_event: str = "purchase"

    def __post_init__(self) -> None:
        params.name(self.name, "name")
        params.name(self.purchase_event, "purchase_event")
        try:  # frozen all the way down: a model handed out (a preset) cannot be changed by the caller
            stages = tuple((str(s), str(d)) for s, d in self.stages)
            rules = tuple((str(q), str(s)) for q, s in self.rules)
            events = MappingProxyType(dict(self.events))
            touchpoints = MappingProxyType(dict(self.touchpoints))
        except (TypeError, ValueError):
            raise ParameterError("a stage model needs stages as (name, description) pairs, events as a mapping "
                                 "event → stage, rules as (query, stage) pairs and touchpoints as a mapping "
                                 "touchpoint → stage.", "stages") from None
        for attr, value in (("stages", stages), ("rules", rules), ("events", events), ("touchpoints", touchpoints)):
            object.__setattr__(self, attr, value)
        names = [s for s, _ in stages]
        if not names:
            raise ParameterError("a stage model needs at least one stage.", "stages")
        if len(set(names)) != len(names):
            raise ParameterError(f"stage names must be unique; {names} repeats one.", "stages")
        for where, targets in (("events", events.values()), ("rules", [s for _, s in rules]),
                               ("touchpoints", touchpoints.values())):
            unknown = sorted(set(map(str, targets)) - set(names))
            if unknown:
                raise ParameterError(f"{where} of model {self.name!r} point to stages that are not in it: "
                                     f"{unknown}; the stages are {names}.", where)

    @property
    def stage_names(self) -> list[str]:
        """The stages, in order."""
        return [s for s, _ in self.stages]

    def describe(self) -> pd.DataFrame:
        """One row per stage: number, name, description and the events mapped to it."""
        by_stage: dict[str, list[str]] = {s: [] for s in self.stage_names}
        for event, stage in self.events.items():
            by_stage[stage].append(event)
        for query, stage in self.rules:
            by_stage[stage].append(f"[{query}]")
        return pd.DataFrame({"stage_number": range(1, len(self.stages) + 1), "stage": self.stage_names,
                             "description": [d for _, d in self.stages],
                             "events": [", ".join(by_stage[s]) for s in self.stage_names]})


# ---------------------------------------------------------------------------
# Presets
# ---------------------------------------------------------------------------

_AWARE = "first contact: the person learns the shop exists (an ad, a post, a search result, a friend)"
_CONSIDER = "researches: comes back, looks at products, reads reviews, compares prices, asks friends"
_SHOP_SEARCH = {"visit": "Awareness", "read_article": "Awareness", "search": "Consideration",
                "view_product": "Consideration", "read_reviews": "Consideration", "compare_prices": "Consideration"}
_AFTER = ("onboarding_email_open", "order_delivered", "contact_support", "return_item")
_REPEAT = "event == 'purchase' and occurrence > 1"
_LOOKING = "event in ['visit', 'read_article']"


def _shop(cart: str, purchase: str, after: str, advocacy: str, repeat: str | None) -> dict:
    """Event names and rules of a shop preset."""
    events = {**_SHOP_SEARCH, "add_to_cart": cart, "begin_checkout": cart, "payment_failed": cart,
              "purchase": purchase, **{e: after for e in _AFTER}, "write_review": advocacy, "refer_friend": advocacy}
    rules = ((_REPEAT, repeat),) if repeat else ()
    # Awareness is first contact: a customer's return visit belongs after the purchase (or, in a model
    # without a stage for buying again, to Consideration); a prospect's return visit is Consideration.
    rules += ((f"{_LOOKING} and customer", repeat or "Consideration"),
              ("event == 'visit' and occurrence > 1", "Consideration"),
              ("event == 'read_article' and reached >= 2", "Consideration"))
    return {"events": events, "rules": rules}


_PRESETS: dict[str, StageModel] = {
    "4-stage": StageModel(
        "4-stage",
        [("Awareness", _AWARE), ("Consideration", _CONSIDER + "; fills a cart"),
         ("Purchase", "checks out and pays"),
         ("Post-purchase", "receives, uses, gets support, reviews, recommends and buys again")],
        **_shop(cart="Purchase", purchase="Purchase", after="Post-purchase", advocacy="Post-purchase",
                repeat="Post-purchase"),
        touchpoints={"cart": "Purchase", "checkout": "Purchase", "delivery": "Post-purchase",
                     "support": "Post-purchase"},
        description="The simplest cut: before, during and after the purchase.",
    ),
    "5-stage-intent": StageModel(
        "5-stage-intent",
        [("Awareness", _AWARE), ("Consideration", _CONSIDER),
         ("Intent", "shows intent to buy: adds to cart, starts the checkout"),
         ("Purchase", "pays: the order is placed"),
         ("Post-purchase", "receives, uses, gets support, reviews, recommends and buys again")],
        **_shop(cart="Intent", purchase="Purchase", after="Post-purchase", advocacy="Post-purchase",
                repeat="Post-purchase"),
        touchpoints={"cart": "Intent", "checkout": "Purchase", "delivery": "Post-purchase",
                     "support": "Post-purchase"},
        description="Common in e-commerce analytics: intent (cart, checkout) is where marketing retargets.",
    ),
    "5-stage-evaluation": StageModel(
        "5-stage-evaluation",
        [("Awareness", _AWARE), ("Consideration", _CONSIDER),
         ("Decision", "chooses: adds to cart, starts the checkout"),
         ("Purchase", "pays, the first time or again"),
         ("Evaluation", "judges the purchase: delivery, use, support, reviews, recommendations")],
        **_shop(cart="Decision", purchase="Purchase", after="Evaluation", advocacy="Evaluation", repeat=None),
        touchpoints={"cart": "Decision", "checkout": "Purchase", "delivery": "Evaluation", "support": "Evaluation"},
        description="The consumer-decision view (need, search, evaluate, buy, judge) from marketing textbooks.",
    ),
    "5-stage-advocacy": StageModel(
        "5-stage-advocacy",
        [("Awareness", _AWARE), ("Consideration", _CONSIDER),
         ("Decision", "chooses and pays"),
         ("Post-purchase", "receives, uses, gets support, buys again"),
         ("Advocacy", "recommends: writes reviews, refers friends")],
        **_shop(cart="Decision", purchase="Decision", after="Post-purchase", advocacy="Advocacy",
                repeat="Post-purchase"),
        touchpoints={"cart": "Decision", "checkout": "Decision", "delivery": "Post-purchase",
                     "support": "Post-purchase"},
        description="Puts the purchase inside the decision and gives advocacy a stage of its own.",
    ),
    "6-stage": StageModel(
        "6-stage",
        [("Awareness", _AWARE), ("Consideration", _CONSIDER),
         ("Decision", "chooses: adds to cart, starts the checkout"),
         ("Purchase", "pays for the first time (the action)"),
         ("Retention", "receives, uses, gets support and buys again"),
         ("Advocacy", "recommends: writes reviews, refers friends")],
        **_shop(cart="Decision", purchase="Purchase", after="Retention", advocacy="Advocacy", repeat="Retention"),
        touchpoints={"cart": "Decision", "checkout": "Purchase", "delivery": "Retention", "support": "Retention"},
        description="The whole customer journey, from first contact to loyalty and advocacy; the course's default.",
    ),
    "subscription": StageModel(
        "subscription",
        [("Awareness", "visits the website"), ("Trial", "signs up for the free trial"),
         ("Activation", "sets the product up and starts using it during the trial"),
         ("Subscription", "pays for the first time and uses what they pay for"),
         ("Renewal", "pays again when the first period ends (a month, or a year on the annual plan)")],
        events={"visit": "Awareness", "start_trial": "Trial", "complete_setup": "Activation",
                "use_feature": "Activation", "subscribe": "Subscription", "renew": "Renewal",
                "cancel": "Subscription"},
        # Using the product while paying is part of the subscription, not a renewal; a cancellation stays in
        # the stage the subscriber had reached (it is an exit, not a step forward).
        rules=(("event == 'use_feature' and phase == 'paid'", "Subscription"),
               ("event == 'cancel' and reached >= 5", "Renewal")),
        touchpoints={"onboarding": "Activation", "in_app": "Renewal"},
        description="A software subscription: the trial and its activation replace the shop's cart and checkout.",
    ),
}


def stage_presets() -> pd.DataFrame:
    """The stage frameworks that ship with the kit.

    Returns
    -------
    DataFrame
        One row per preset: ``name``, ``stages`` (count), ``sequence`` and ``description``.

    Raises
    ------
    Nothing
        It takes no arguments and reads no data, so it raises none of the kit's errors.

    Examples
    --------
    >>> stage_presets()["name"].tolist()
    ['4-stage', '5-stage-intent', '5-stage-evaluation', '5-stage-advocacy', '6-stage', 'subscription']

    The ``stages`` column counts the stages of each preset; the default model has six:

    >>> stage_presets().set_index("name").loc["6-stage", "stages"]
    np.int64(6)
    """
    return pd.DataFrame([{"name": m.name, "stages": len(m.stages), "sequence": " → ".join(m.stage_names),
                          "description": m.description} for m in _PRESETS.values()])


def stage_model(name: str = "6-stage") -> StageModel:
    """A preset stage model by name (see :func:`stage_presets`).

    Parameters
    ----------
    name : str or StageModel, default "6-stage"
        The name of a preset, as listed by :func:`stage_presets`. A
        :class:`StageModel` is returned unchanged, so functions that take
        either can pass their argument through.

    Returns
    -------
    StageModel
        The preset (frozen: it cannot be changed by the caller).

    Raises
    ------
    ParameterError
        If ``name`` is not a non-empty string (or a StageModel), or no preset
        has that name; the message suggests the closest preset names.

    Examples
    --------
    >>> stage_model("4-stage").stage_names
    ['Awareness', 'Consideration', 'Purchase', 'Post-purchase']
    >>> stage_model("7-stage")
    Traceback (most recent call last):
    ...
    journeykit.errors.ParameterError: no stage preset called '7-stage'. Did you mean '6-stage', '4-stage'? Presets: ...
    """
    if isinstance(name, StageModel):
        return name
    params.name(name, "name")
    if name not in _PRESETS:
        close = did_you_mean(name, list(_PRESETS), n=2, cutoff=0.4)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ParameterError(f"no stage preset called {name!r}.{hint} Presets: {', '.join(_PRESETS)}.", "name")
    return _PRESETS[name]


# ---------------------------------------------------------------------------
# Assigning stages
# ---------------------------------------------------------------------------


def _model(model: StageModel | str) -> StageModel:
    if not isinstance(model, (StageModel, str)):
        raise ParameterError(f"model must be a StageModel or the name of a preset (see jk.stage_presets()), got "
                             f"{type(model).__name__} {model!r}.", "model")
    if isinstance(model, StageModel):
        return model
    try:
        return stage_model(model)
    except ParameterError as error:  # the caller's parameter is model=, not stage_model's name=
        raise ParameterError(str(error), "model") from None


def _reached(ev: pd.DataFrame, numbers: np.ndarray) -> np.ndarray:
    """For each event, the furthest stage number the user's strictly earlier events map to by name (0 if none).

    ``ev`` is in the kit's order and ``numbers`` holds each event's stage number by name (0 for none). Events at
    the same moment do not see each other: the furthest stage of each moment is carried forward, one moment late,
    as a running maximum that restarts with each user (the user's position is added as a high offset).
    """
    if len(ev) == 0:
        return np.zeros(0, dtype=np.int64)
    user = pd.factorize(ev["user_id"])[0].astype(np.int64)  # increasing: the rows are sorted by user
    time = pd.DatetimeIndex(ev["timestamp"]).asi8
    new_moment = np.concatenate([[True], (user[1:] != user[:-1]) | (time[1:] != time[:-1])])
    starts = np.flatnonzero(new_moment)
    moment_max = np.maximum.reduceat(numbers, starts)
    moment_user = user[starts]
    offset = moment_user * (int(numbers.max()) + 1)
    running = np.maximum.accumulate(offset + moment_max) - offset
    before = np.concatenate([[0], running[:-1]])
    before[np.concatenate([[True], moment_user[1:] != moment_user[:-1]])] = 0
    return before[np.cumsum(new_moment) - 1]


def _customer(ev: pd.DataFrame, purchase_event: str) -> np.ndarray:
    """For each event (in the kit's order), whether the user made a purchase strictly earlier."""
    first = first_time(ev, ev["event"] == purchase_event)
    return (ev["timestamp"] > first).to_numpy(dtype=bool)  # never bought: NaT, False


def _apply_rules(ev: pd.DataFrame, codes: np.ndarray, model: StageModel) -> np.ndarray:
    """Stage codes (positions in ``model.stage_names``, -1 for none) after the model's rules, checked in order
    before the names (first match wins)."""
    context = ev
    clash = [name for name in ("occurrence", "reached", "customer") if name in ev.columns
             and any(re.search(rf"\b{name}\b", query) for query, _ in model.rules)]
    if clash:
        raise SchemaError([f"the events have a column named {clash[0]!r}, which the rules of model {model.name!r} "
                           "also use for the user's history; rename the column (e.g. events.rename(columns="
                           f"{{{clash[0]!r}: 'my_{clash[0]}'}}))."], "events")
    if any(re.search(r"\bcustomer\b", query) for query, _ in model.rules):
        context = context.assign(customer=_customer(ev, model.purchase_event))
    if any(re.search(r"\boccurrence\b", query) for query, _ in model.rules):
        context = context.assign(occurrence=ev.groupby(["user_id", "event"]).cumcount() + 1)
    if any(re.search(r"\breached\b", query) for query, _ in model.rules):
        context = context.assign(reached=_reached(ev, codes + 1))
    codes = codes.copy()
    matched = np.zeros(len(ev), dtype=bool)
    for query, target in model.rules:
        try:
            hits = context.eval(query)
        except Exception as exc:  # noqa: BLE001 - pandas raises many kinds for a bad expression
            raise SchemaError([f"rule {query!r} of model {model.name!r} could not be evaluated on these events "
                               f"({type(exc).__name__}: {exc}). Rules may use the columns "
                               f"{list(ev.columns)}, 'occurrence', 'reached' and 'customer'."], "events") from None
        hits = np.asarray(pd.Series(hits, index=ev.index).fillna(False).astype(bool)) & ~matched
        codes[hits] = model.stage_names.index(target)
        matched |= hits
    return codes


def _name_codes(names: pd.Series, mapping: dict[str, str], stage_names: list[str]) -> np.ndarray:
    """Each event's stage by its name, as a position in ``stage_names`` (-1 where the name is not mapped).

    Looks up the distinct names only: a log has millions of rows but a few dozen event names.
    """
    codes, uniques = pd.factorize(names)
    position = {stage: i for i, stage in enumerate(stage_names)}
    by_unique = np.array([position.get(mapping.get(name), -1) for name in uniques] + [-1], dtype=np.int64)
    return by_unique[codes]  # a missing name (code -1) takes the last entry, -1


@described
def assign_stages(events: pd.DataFrame, model: StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                  user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Place every event in a stage.

    Rules are checked first, in order (first match wins), then event names.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    model : StageModel or str, default "6-stage"
        The stage model or the name of a preset.
    keep_unmapped : str, optional
        By default an event that no rule or name maps is an error naming it.
        Pass a label (e.g. ``"Other"``) to keep such events under that label
        instead; they get no ``stage_number`` and take no part in stage order.

    Returns
    -------
    DataFrame
        The validated events in the kit's order (user, time, then stage order,
        event name and the other columns for events at the same moment; see
        :mod:`journeykit.io.ordering`), with ``stage`` (an ordered categorical)
        and ``stage_number`` (1 for the first stage; missing for kept unmapped
        events). ``occurrence`` in rules counts a user's events of one name in
        that order; ``reached`` is the furthest stage of the user's strictly
        earlier events by name, ``customer`` whether they purchased strictly
        earlier (see the module notes).

    Raises
    ------
    SchemaError
        Listing the unmapped event names with their counts, or naming a rule
        that cannot be evaluated on these events.
    ParameterError
        For a ``keep_unmapped`` label that is a stage of the model.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "a"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-03-01"]),
    ...                        "event": ["visit", "purchase", "purchase"]})
    >>> assign_stages(events, "6-stage")[["event", "stage", "stage_number"]]
          event      stage  stage_number
    0     visit  Awareness             1
    1  purchase   Purchase             4
    2  purchase  Retention             5

    Awareness is first contact: a return visit is Consideration, and a
    customer's return visit belongs after the purchase:

    >>> again = pd.DataFrame({"user_id": ["b"] * 4, "event": ["visit", "visit", "purchase", "visit"],
    ...                       "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-01-05 10:00",
    ...                                                    "2025-01-05 10:10", "2025-02-01 08:00"])})
    >>> assign_stages(again, "6-stage")["stage"].tolist()
    ['Awareness', 'Consideration', 'Purchase', 'Retention']
    """
    model = _model(model)
    keep_unmapped = params.name(keep_unmapped, "keep_unmapped", allow_none=True)
    if keep_unmapped in model.stage_names:
        raise ParameterError(f"keep_unmapped={keep_unmapped!r} is a stage of the model; choose another label, "
                             "e.g. 'Other'.", "keep_unmapped")
    ev = sort_events(validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col))
    codes = _name_codes(ev["event"], dict(model.events), model.stage_names)
    if model.rules:
        codes = _apply_rules(ev, codes, model)
    unmapped = codes < 0
    if unmapped.any():
        if keep_unmapped is None:
            counts = ev.loc[unmapped, "event"].value_counts()
            listed = ", ".join(f"{name!r} ({n:,})" for name, n in counts.head(10).items())
            raise SchemaError([f"{len(counts)} event name{'s are' if len(counts) > 1 else ' is'} not mapped to a "
                               f"stage of model {model.name!r}: {listed}{', ...' if len(counts) > 10 else ''}. Add "
                               "them to the model's events, or pass keep_unmapped='Other' to keep them under a "
                               "label."], "events")
        codes[unmapped] = len(model.stage_names)
    categories = model.stage_names + ([keep_unmapped] if keep_unmapped is not None and unmapped.any() else [])
    ev["stage"] = pd.Categorical.from_codes(codes, categories=categories, ordered=True)
    ev["stage_number"] = pd.arrays.IntegerArray(codes + 1, unmapped)  # missing for kept unmapped events
    return sort_events(ev, rank=codes + 1)  # kept unmapped events after every stage at the same moment


@described
def stage_entries(events: pd.DataFrame, model: StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                  user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """When each user first entered each stage they reached.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    model : StageModel or str, default "6-stage"
        The stage model or the name of a preset (see :func:`stage_presets`).
    keep_unmapped : str, optional
        By default an event that the model does not map is an error naming it.
        Pass a label (e.g. ``"Other"``) to keep such events under it, as in
        :func:`assign_stages`; they belong to no stage and are left out here.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per user and stage entered: ``user_id``, ``stage``,
        ``stage_number``, ``first_at`` (time of their first event in it),
        sorted by user and stage number.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, an event name is not mapped to
        a stage of the model (unless ``keep_unmapped`` is given), or a rule of
        the model cannot be evaluated on these events.
    ParameterError
        If ``model`` is neither a StageModel nor the name of a preset, or
        ``keep_unmapped`` is not a non-empty string or is the name of a stage
        of the model.

    Examples
    --------
    ``a`` visits, views a product, adds it to the cart, goes back to the product
    page and buys the next day; ``b`` visits and views a product an hour later.
    In the 4-stage model the cart already belongs to Purchase.

    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "a", "a", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05", "2025-01-01 10:20",
    ...                                  "2025-01-01 10:30", "2025-01-02 09:00", "2025-01-03 12:00",
    ...                                  "2025-01-03 13:00"]),
    ...     "event": ["visit", "view_product", "add_to_cart", "view_product", "purchase", "visit", "view_product"],
    ... })
    >>> stage_entries(events, "4-stage")
      user_id          stage  stage_number            first_at
    0       a      Awareness             1 2025-01-01 10:00:00
    1       a  Consideration             2 2025-01-01 10:05:00
    2       a       Purchase             3 2025-01-01 10:20:00
    3       b      Awareness             1 2025-01-03 12:00:00
    4       b  Consideration             2 2025-01-03 13:00:00

    ``a`` enters Purchase with the cart at 10:20, not with the payment the next
    day, and is counted there once.
    """
    ev = assign_stages(events, model, keep_unmapped=keep_unmapped, user_col=user_col, time_col=time_col,
                       event_col=event_col)
    return entries_of(ev, _model(model))


def entries_of(assigned: pd.DataFrame, model: StageModel) -> pd.DataFrame:
    """Each user's first moment in each stage, from events that :func:`assign_stages` has already placed."""
    ev = assigned[assigned["stage_number"].notna()]
    out = ev.groupby(["user_id", "stage_number"], observed=True)["timestamp"].min().rename("first_at").reset_index()
    names = model.stage_names
    out.insert(1, "stage", pd.Categorical([names[i - 1] for i in out["stage_number"]], categories=names,
                                          ordered=True))
    return out[["user_id", "stage", "stage_number", "first_at"]]


@described
def furthest_stage(events: pd.DataFrame, model: StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                   user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Each user's furthest stage, and when they first entered every stage (one column per stage).

    The furthest stage is the latest stage *in the model's order* that the
    user has any event in, whatever the order in which they got there.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    model : StageModel or str, default "6-stage"
        The stage model or the name of a preset (see :func:`stage_presets`).
    keep_unmapped : str, optional
        By default an event that the model does not map is an error naming it.
        Pass a label (e.g. ``"Other"``) to keep such events under it, as in
        :func:`assign_stages`; they belong to no stage and are left out here.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per user: ``user_id``, ``furthest_stage``,
        ``furthest_stage_number``, then ``first_<stage>`` (Timestamp or NaT)
        for every stage.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, an event name is not mapped to
        a stage of the model (unless ``keep_unmapped`` is given), or a rule of
        the model cannot be evaluated on these events.
    ParameterError
        If ``model`` is neither a StageModel nor the name of a preset, or
        ``keep_unmapped`` is not a non-empty string or is the name of a stage
        of the model.

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "b"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-05"]),
    ...                        "event": ["visit", "add_to_cart", "visit"]})
    >>> furthest_stage(events, "4-stage")[["user_id", "furthest_stage", "furthest_stage_number"]]
      user_id furthest_stage  furthest_stage_number
    0       a       Purchase                      3
    1       b      Awareness                      1
    """
    model = _model(model)
    entries = stage_entries(events, model, keep_unmapped=keep_unmapped, user_col=user_col, time_col=time_col,
                            event_col=event_col)
    wide = entries.pivot(index="user_id", columns="stage_number", values="first_at")
    wide = wide.reindex(columns=range(1, len(model.stages) + 1)).astype("datetime64[ns]")
    wide.columns = [f"first_{name}" for name in model.stage_names]
    furthest = entries.groupby("user_id")["stage_number"].max()
    out = pd.DataFrame({"furthest_stage": pd.Categorical([model.stage_names[i - 1] for i in furthest],
                                                         categories=model.stage_names, ordered=True),
                        "furthest_stage_number": furthest.astype("int64")}, index=furthest.index)
    return out.join(wide).reset_index()


@described
def stage_summary(events: pd.DataFrame, model: StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
                  user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Users reaching each stage and the median time from the previous stage.

    A user **reaches** a stage if they have at least one event in it. The time
    between consecutive stages is measured between first entries, over users
    who entered the previous stage first and then this one.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    model : StageModel or str, default "6-stage"
        The stage model or the name of a preset (see :func:`stage_presets`).
    keep_unmapped : str, optional
        By default an event that the model does not map is an error naming it.
        Pass a label (e.g. ``"Other"``) to keep such events under it, as in
        :func:`assign_stages`; they belong to no stage and are left out here.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per stage: ``stage``, ``stage_number``, ``users``,
        ``share_of_users`` (of all users with a mapped event),
        ``share_of_previous`` (users ÷ users in the previous stage),
        ``median_time_from_previous`` (Timedelta) and ``timed_users`` (how many
        users that median rests on).

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, an event name is not mapped to
        a stage of the model (unless ``keep_unmapped`` is given), or a rule of
        the model cannot be evaluated on these events.
    ParameterError
        If ``model`` is neither a StageModel nor the name of a preset, or
        ``keep_unmapped`` is not a non-empty string or is the name of a stage
        of the model.

    Examples
    --------
    ``a`` visits, views a product, adds it to the cart, goes back to the product
    page and buys the next day; ``b`` visits and views a product an hour later.
    In the 4-stage model the cart already belongs to Purchase.

    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "a", "a", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05", "2025-01-01 10:20",
    ...                                  "2025-01-01 10:30", "2025-01-02 09:00", "2025-01-03 12:00",
    ...                                  "2025-01-03 13:00"]),
    ...     "event": ["visit", "view_product", "add_to_cart", "view_product", "purchase", "visit", "view_product"],
    ... })
    >>> stage_summary(events, "4-stage")[["stage", "users", "share_of_users", "median_time_from_previous"]]
               stage  users  share_of_users median_time_from_previous
    0      Awareness      2             1.0                       NaT
    1  Consideration      2             1.0           0 days 00:32:30
    2       Purchase      1             0.5           0 days 00:15:00
    3  Post-purchase      0             0.0                       NaT

    Both users reach Consideration, after 5 minutes (``a``) and 60 minutes
    (``b``): the median is their midpoint, 32 min 30 s. Only ``a`` reaches
    Purchase, 15 minutes after entering Consideration.
    """
    model = _model(model)
    entries = stage_entries(events, model, keep_unmapped=keep_unmapped, user_col=user_col, time_col=time_col,
                            event_col=event_col)
    return summary_of(entries, model)


def summary_of(entries: pd.DataFrame, model: StageModel) -> pd.DataFrame:
    """The stage summary from each user's first moment in each stage (:func:`entries_of`)."""
    n_users = entries["user_id"].nunique()
    wide = entries.pivot(index="user_id", columns="stage_number", values="first_at")
    wide = wide.reindex(columns=range(1, len(model.stages) + 1)).astype("datetime64[ns]")  # unreached: NaT
    users = wide.notna().sum().to_numpy()
    medians, timed = [pd.NaT], [0]
    for k in range(2, len(model.stages) + 1):
        gap = wide[k] - wide[k - 1]
        gap = gap[gap >= pd.Timedelta(0)]
        medians.append(gap.median() if len(gap) else pd.NaT)
        timed.append(len(gap))
    previous = np.r_[users[:1], users[:-1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "stage": model.stage_names, "stage_number": range(1, len(model.stages) + 1), "users": users,
            "share_of_users": users / n_users, "share_of_previous": np.where(previous > 0, users / previous, np.nan),
            "median_time_from_previous": pd.to_timedelta(medians).round("s"), "timed_users": timed})


@described
def stage_transitions(events: pd.DataFrame, model: StageModel | str = "6-stage", *,
                      keep_unmapped: str | None = None, user_col: str = "user_id", time_col: str = "timestamp",
                      event_col: str = "event") -> pd.DataFrame:
    """Every move from one stage to another, counted.

    Events are read per user in time order; each time the stage changes
    (A → B with B ≠ A) is one move. Moves to an earlier stage are
    **backtracks**: the journey is not linear.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    model : StageModel or str, default "6-stage"
        The stage model or the name of a preset (see :func:`stage_presets`).
    keep_unmapped : str, optional
        By default an event that the model does not map is an error naming it.
        Pass a label (e.g. ``"Other"``) to keep such events under it, as in
        :func:`assign_stages`; they belong to no stage and are left out here.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per (from_stage, to_stage) pair that occurs: ``from_stage``,
        ``to_stage``, ``moves``, ``users`` (who made that move at least once),
        ``probability`` (share of the moves out of ``from_stage``) and
        ``backward`` (True when ``to_stage`` comes earlier in the model).

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, an event name is not mapped to
        a stage of the model (unless ``keep_unmapped`` is given), or a rule of
        the model cannot be evaluated on these events.
    ParameterError
        If ``model`` is neither a StageModel nor the name of a preset, or
        ``keep_unmapped`` is not a non-empty string or is the name of a stage
        of the model.

    Examples
    --------
    ``a`` visits, views a product, adds it to the cart, goes back to the product
    page and buys the next day; ``b`` visits and views a product an hour later.
    In the 4-stage model the cart already belongs to Purchase.

    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "a", "a", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05", "2025-01-01 10:20",
    ...                                  "2025-01-01 10:30", "2025-01-02 09:00", "2025-01-03 12:00",
    ...                                  "2025-01-03 13:00"]),
    ...     "event": ["visit", "view_product", "add_to_cart", "view_product", "purchase", "visit", "view_product"],
    ... })
    >>> stage_transitions(events, "4-stage")
          from_stage       to_stage  moves  users  probability  backward
    0      Awareness  Consideration      2      2          1.0     False
    1  Consideration       Purchase      2      1          1.0     False
    2       Purchase  Consideration      1      1          1.0      True

    ``a`` moves Consideration → Purchase twice (the cart, then the payment after
    going back to the product page), so that row counts 2 moves by 1 user.
    """
    model = _model(model)
    ev = assign_stages(events, model, keep_unmapped=keep_unmapped, user_col=user_col, time_col=time_col,
                       event_col=event_col)
    ev = ev[ev["stage_number"].notna()]
    number = ev["stage_number"].to_numpy(dtype=np.int64)
    user = ev["user_id"].to_numpy()
    change = np.r_[False, (user[1:] == user[:-1]) & (number[1:] != number[:-1])]
    moves = pd.DataFrame({"user_id": user[change], "from_number": np.r_[0, number[:-1]][change],
                          "to_number": number[change]})
    out = moves.groupby(["from_number", "to_number"]).agg(moves=("user_id", "size"), users=("user_id", "nunique"))
    out = out.reset_index()
    out["probability"] = out["moves"] / out.groupby("from_number")["moves"].transform("sum")
    out["backward"] = out["to_number"] < out["from_number"]
    names = model.stage_names
    out.insert(0, "from_stage", [names[i - 1] for i in out.pop("from_number")])
    out.insert(1, "to_stage", [names[i - 1] for i in out.pop("to_number")])
    return out


@described
def backtracks(events: pd.DataFrame, model: StageModel | str = "6-stage", *, keep_unmapped: str | None = None,
               user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Where journeys are not linear: moves back to an earlier stage, and how many users make them.

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`); any row order.
    model : StageModel or str, default "6-stage"
        The stage model or the name of a preset (see :func:`stage_presets`).
    keep_unmapped : str, optional
        By default an event that the model does not map is an error naming it.
        Pass a label (e.g. ``"Other"``) to keep such events under it, as in
        :func:`assign_stages`; they belong to no stage and are left out here.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        The backward rows of :func:`stage_transitions`, most frequent first,
        with ``share_of_users``: the users making that move ÷ all users.

    Raises
    ------
    SchemaError
        If ``events`` breaks the data contract, an event name is not mapped to
        a stage of the model (unless ``keep_unmapped`` is given), or a rule of
        the model cannot be evaluated on these events.
    ParameterError
        If ``model`` is neither a StageModel nor the name of a preset, or
        ``keep_unmapped`` is not a non-empty string or is the name of a stage
        of the model.

    Examples
    --------
    ``a`` visits, views a product, adds it to the cart, goes back to the product
    page and buys the next day; ``b`` visits and views a product an hour later.
    In the 4-stage model the cart already belongs to Purchase.

    >>> events = pd.DataFrame({
    ...     "user_id": ["a", "a", "a", "a", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05", "2025-01-01 10:20",
    ...                                  "2025-01-01 10:30", "2025-01-02 09:00", "2025-01-03 12:00",
    ...                                  "2025-01-03 13:00"]),
    ...     "event": ["visit", "view_product", "add_to_cart", "view_product", "purchase", "visit", "view_product"],
    ... })
    >>> backtracks(events, "4-stage")
      from_stage       to_stage  moves  users  probability  share_of_users
    0   Purchase  Consideration      1      1          1.0             0.5

    One of the two users (``a``) goes back from the cart to the product page.
    """
    transitions = stage_transitions(events, model, keep_unmapped=keep_unmapped, user_col=user_col,
                                    time_col=time_col, event_col=event_col)
    n_users = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)["user_id"].nunique()
    back = transitions[transitions["backward"]].drop(columns="backward")
    back = back.assign(share_of_users=back["users"] / n_users)
    return back.sort_values(["moves", "from_stage"], ascending=[False, True], ignore_index=True)


@described
def crosswalk(models: Iterable[StageModel | str], events: pd.DataFrame | None = None, *,
              user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Translate frameworks onto each other: which stage each event lands in under each model.

    Parameters
    ----------
    models : StageModel, str, or an iterable of them
        The frameworks to put side by side.
    events : DataFrame, optional
        An event log. When given, the crosswalk is computed on it (so rules such
        as "a second purchase" are applied) and counts the events per row;
        otherwise it lists the event-name mappings of the models.
    user_col, time_col, event_col : str
        Column names in ``events``.

    Returns
    -------
    DataFrame
        One row per event name (and distinct combination of stages), one
        column per model holding the stage, and ``events`` when a log is given.

    Raises
    ------
    SchemaError
        When ``events`` is given and breaks the data contract, or a rule of a
        model cannot be evaluated on it. Events a model does not map are not
        an error here: they show as ``"(unmapped)"``.
    ParameterError
        If an item of ``models`` is neither a StageModel nor the name of a preset.

    Examples
    --------
    >>> crosswalk(["4-stage", "6-stage"]).head(3)
               event        4-stage        6-stage
    0          visit      Awareness      Awareness
    1   read_article      Awareness      Awareness
    2         search  Consideration  Consideration

    With an event log the rules apply: ``a``'s second purchase is a repeat
    purchase, which each model places in its own after-purchase stage.

    >>> events = pd.DataFrame({"user_id": ["a", "a", "a", "b"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-03-01", "2025-01-05"]),
    ...                        "event": ["visit", "purchase", "purchase", "visit"]})
    >>> crosswalk(["4-stage", "6-stage"], events)
          event        4-stage    6-stage  events
    0     visit      Awareness  Awareness       2
    1  purchase       Purchase   Purchase       1
    2  purchase  Post-purchase  Retention       1
    """
    if isinstance(models, (str, StageModel)):  # one model, not the letters of its name
        models = [models]
    models = [_model(m) for m in models]
    if events is None:
        names = list(dict.fromkeys(name for m in models for name in m.events))
        return pd.DataFrame({"event": names, **{m.name: [m.events.get(n) for n in names] for m in models}})
    columns = {}
    base = None
    for m in models:
        assigned = assign_stages(events, m, keep_unmapped="(unmapped)", user_col=user_col, time_col=time_col,
                                 event_col=event_col)
        base = assigned["event"] if base is None else base
        columns[m.name] = assigned["stage"].astype(str)
    table = pd.DataFrame({"event": base, **columns})
    out = table.groupby(list(table.columns), sort=False).size().rename("events").reset_index()
    order = {name: i for i, name in enumerate(models[0].stage_names)}
    out = out.assign(_order=out[models[0].name].map(order).fillna(len(order)))
    return out.sort_values(["_order", "events"], ascending=[True, False], kind="stable",
                           ignore_index=True).drop(columns="_order")
