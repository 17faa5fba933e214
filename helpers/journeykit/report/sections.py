"""The report's sections, computed from whichever tables were given.

Each section says what it needs. A section the inputs cannot support is left
out with one sentence saying why and which input would enable it; a kind of
data being absent never stops the report. Every headline number is written
with its definition and unit next to it.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from journeykit import params
from journeykit._version import __version__
from journeykit.analysis.clv_model import clv_holdout, probabilistic_clv
from journeykit.analysis.conversion import conversion_drivers, funnel_trends, paths_after_drop
from journeykit.analysis.engagement import active_users, stickiness
from journeykit.analysis.funnel import funnel, funnel_confidence
from journeykit.analysis.retention import bracket_retention, cohort_retention, retention_curve
from journeykit.analysis.satisfaction import csat, nps
from journeykit.analysis.stages import stage_model, stage_summary, StageModel
from journeykit.analysis.value import historical_clv, repeat_purchase_rate
from journeykit.errors import JourneyKitError, ParameterError, SchemaError
from journeykit.io.contract import validate_events, validate_orders, validate_surveys
from journeykit.plots.funnel import plot_funnel
from journeykit.report import figures as figs
from journeykit.report import fmt
from journeykit.report.handover import INPUTS, load_inputs

__all__ = ["Report", "Section", "SECTIONS", "summary"]

SECTIONS = ("overview", "quality", "headline", "activity", "stages", "funnel", "retention", "value",
            "satisfaction", "method")
"""The sections of a report, in page order (the data-quality section comes first after the title)."""

DEFAULT_STEPS = ("visit", "view_product", "add_to_cart", "begin_checkout", "purchase")
"""Funnel steps tried when none are given: those of them that occur in the events, in this order."""

_PERIOD = {"M": "month", "W": "week", "D": "day"}
_UNMAPPED = "Not in the stage model"
_NOUN = {"events": "events", "orders": "orders", "surveys": "survey answers"}
_PEOPLE = {"events": "users", "orders": "customers", "surveys": "respondents"}
_FLAG = {"events": "--events", "orders": "--orders", "surveys": "--surveys"}


class Figure:
    """A figure of the report and the sentence a screen reader says instead; drawn as PNG when first shown."""

    def __init__(self, figure, alt: str) -> None:
        self._figure = figure
        self._png: bytes | None = figure if isinstance(figure, bytes) else None
        self.alt = alt

    @property
    def png(self) -> bytes:
        """The figure as PNG bytes."""
        if self._png is None:
            self._png = figs.png(self._figure)
            self._figure = None
        return self._png


@dataclass
class Section:
    """One section of the report: what it needs, and either its content or why it was left out.

    ``parts`` are HTML strings and :class:`Figure` objects, in page order;
    ``tables`` are the tables shown, by name (each is written to
    ``tables/<name>.csv``); ``facts`` are numbers other sections quote.
    """

    key: str
    title: str
    needs: str
    parts: list = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    skipped: str | None = None

    def html(self, images: bool = True) -> str:
        """The section as one HTML fragment, figures embedded as data URIs (or, without ``images``, only named).

        Examples
        --------
        >>> Section("notes", "Notes", "nothing.", ["<p>Hello</p>"]).html()
        '<p>Hello</p>'
        """
        import base64

        out = []
        for part in self.parts:
            if isinstance(part, Figure) and images:
                data = base64.b64encode(part.png).decode("ascii")
                out.append(f'<img src="data:image/png;base64,{data}" alt="{html.escape(part.alt)}">')
            elif isinstance(part, Figure):
                out.append(f'<img alt="{html.escape(part.alt)}">')
            else:
                out.append(part)
        return "\n".join(out)


def _p(text: str, cls: str | None = None) -> str:
    return f'<p class="{cls}">{text}</p>' if cls else f"<p>{text}</p>"


def _e(value: object) -> str:
    return html.escape(str(value))


def _names(values: Sequence[str], limit: int = 8, escape: bool = True) -> str:
    """A few names in quotes, "and N more"; escaped for HTML unless ``escape`` is False (plain text)."""
    values = list(values)
    shown = ", ".join(f"‘{_e(v) if escape else v}’" for v in values[:limit])
    return shown + (f" and {len(values) - limit:,} more" if len(values) > limit else "")


def _numbers_in(name: str) -> str:
    """The note under a figure or cards saying which CSV file holds their numbers."""
    return f'<p class="note">The numbers: <span class="file">tables/{_e(name)}.csv</span></p>'


def _card(value: str, label: str, definition: str) -> str:
    return (f'<div class="card"><div class="value">{_e(value)}</div><div class="label">{_e(label)}</div>'
            f'<div class="definition">{definition}</div></div>')


def _cards(cards: list[str]) -> str:
    return f'<div class="cards">{"".join(cards)}</div>'


def _span(frame: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    return frame["timestamp"].min(), frame["timestamp"].max()


class Report:
    """A manager-facing report on events, orders and/or survey answers (at least one).

    Parameters
    ----------
    events, orders, surveys : DataFrame, optional
        Tables following the data contract (see :func:`journeykit.validate_events`
        and friends), e.g. from the ``jk.read_*`` importers, whose import
        reports (``attrs``) the data-quality section shows.
    title : str, default "Customer journey report"
    currency : str, optional
        Label of revenue: a symbol (``"£"``) goes before amounts, a code
        (``"EUR"``) after them. Without it amounts are plain numbers.
    stage_model : str or StageModel, default "6-stage"
        Stage preset (see :func:`journeykit.stage_presets`) or model.
    stage_events : mapping, optional
        Event → stage entries added to the model's mapping.
    keep_unmapped : str, optional
        Label of events no stage takes (they are left out of the stages).
    purchase_event : str, default "purchase"
        Event name of a purchase, for buyer retention when no order table is given.
    funnel_steps : list of str, optional
        Event names of the funnel; by default those of :data:`DEFAULT_STEPS`
        that occur in the events.
    funnel_window : str, default "7D"
        Longest time from the first to the last step.
    segment : str, optional, default "channel"
        Column of the events to compare funnel conversion by, when present.
    period : {"M", "W", "D"}, default "M"
        Period of cohorts and trends.
    sources : mapping, optional
        Per input, what to say about its file (``file``, ``format``,
        ``rows_read``, ``import_report``, ``cancellations``, ``columns``);
        read from the tables' ``attrs`` by default.
    reading : mapping, optional
        How timestamps were read: ``time_zone``, ``time_format``, ``dayfirst``.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["1", "2", "3"], "user_id": ["a", "a", "b"],
    ...                        "timestamp": pd.to_datetime(["2025-01-05", "2025-02-03", "2025-01-20"]),
    ...                        "revenue": [20.0, 30.0, 12.5]})
    >>> report = Report(orders=orders, currency="€")
    >>> report.summary()["orders"]
    {'customers': 2, 'orders': 3, 'revenue': 62.5, 'first': '2025-01-05', 'last': '2025-02-03'}
    >>> print(report.section("funnel").skipped)
    a funnel follows people from event to event, and no event log was given; add one with --events (a file with user_id, timestamp and event columns) to see it.
    """

    def __init__(self, events: pd.DataFrame | None = None, orders: pd.DataFrame | None = None,
                 surveys: pd.DataFrame | None = None, *, title: str = "Customer journey report",
                 currency: str | None = None, stage_model="6-stage", stage_events: Mapping[str, str] | None = None,
                 keep_unmapped: str | None = None, purchase_event: str = "purchase",
                 funnel_steps: Sequence[str] | None = None, funnel_window="7D", segment: str | None = "channel",
                 period: str = "M", sources: Mapping[str, Mapping] | None = None,
                 reading: Mapping[str, object] | None = None) -> None:

        given = {"events": events, "orders": orders, "surveys": surveys}
        for name, frame in given.items():
            if frame is not None and not isinstance(frame, pd.DataFrame):
                raise ParameterError(f"{name} must be a DataFrame or None, got {type(frame).__name__}.", name)
        if all(frame is None for frame in given.values()):
            raise ParameterError("give at least one table: events, orders or surveys.", "events")
        self.title = params.name(title, "title")
        self.currency = params.name(currency, "currency", allow_none=True)
        self.model = self._stage_model(stage_model, stage_events)
        self.keep_unmapped = params.name(keep_unmapped, "keep_unmapped", allow_none=True)
        self.purchase_event = params.name(purchase_event, "purchase_event")
        self.funnel_steps = params.names(funnel_steps, "funnel_steps", allow_none=True)
        self.funnel_window = params.duration(funnel_window, "funnel_window")
        self.segment = params.column(segment, "segment", allow_none=True)
        self.period = params.choice(period, "period", tuple(_PERIOD))
        self.reading = dict(reading or {})
        validators = {"events": validate_events, "orders": validate_orders, "surveys": validate_surveys}
        self.tables: dict[str, pd.DataFrame] = {}
        self.sources: dict[str, dict] = {}
        for name, frame in given.items():
            if frame is None:
                continue
            self.tables[name] = validators[name](frame)
            source = dict((sources or {}).get(name, {}))
            source.setdefault("rows_read", frame.attrs.get("rows_read", len(frame)))
            source.setdefault("import_report", list(frame.attrs.get("import_report", [])))
            source.setdefault("cancellations", frame.attrs.get("cancellations"))
            source.setdefault("file", next((r["file"] for r in source["import_report"]), None))
            self.sources[name] = source
        self._sections: dict[str, Section] = {}

    @classmethod
    def from_folder(cls, folder: str | Path, **options) -> "Report":
        """The report on the tables the report command saved in ``folder`` (see :func:`save_inputs`).

        Examples
        --------
        >>> import tempfile
        >>> from journeykit.report import save_inputs
        >>> surveys = pd.DataFrame({"user_id": ["a", "b"], "timestamp": pd.to_datetime(["2025-01-01"] * 2),
        ...                         "touchpoint": ["delivery"] * 2, "nps": [10, 3]})
        >>> folder = save_inputs(tempfile.mkdtemp(), {"surveys": surveys}, {"surveys": {"file": "nps.csv"}})
        >>> Report.from_folder(folder).summary()["surveys"]
        {'answers': 2}
        """
        tables, sources = load_inputs(folder)
        return cls(**tables, sources=sources, **options)

    # -- options ------------------------------------------------------------------------------------------------

    @staticmethod
    def _stage_model(model, overrides):

        base = stage_model(model)
        if not overrides:
            return base
        if not isinstance(overrides, Mapping):
            raise ParameterError(f"stage_events must be a mapping event → stage, got {type(overrides).__name__}.",
                                 "stage_events")
        return StageModel(f"{base.name} (adapted)", stages=base.stages, events={**base.events, **overrides},
                             rules=base.rules, touchpoints=base.touchpoints, description=base.description)

    @property
    def events(self) -> pd.DataFrame | None:
        return self.tables.get("events")

    @property
    def orders(self) -> pd.DataFrame | None:
        return self.tables.get("orders")

    @property
    def surveys(self) -> pd.DataFrame | None:
        return self.tables.get("surveys")

    def _money(self, value: float) -> str:
        return fmt.money(value, self.currency)

    def _unit(self) -> str:
        return f"in {self.currency}" if self.currency else "in the currency of your file"

    # -- sections -----------------------------------------------------------------------------------------------

    def section(self, key: str) -> Section:
        """The section ``key`` (one of :data:`SECTIONS`), computed once.

        Examples
        --------
        >>> orders = pd.DataFrame({"order_id": ["1", "2"], "user_id": ["a", "b"], "revenue": [20.0, 5.0],
        ...                        "timestamp": pd.to_datetime(["2025-01-05 10:00", "2025-02-03 10:00"])})
        >>> Report(orders=orders).section("value").tables["customers_by_orders"]["customers"].tolist()
        [2, 0, 0, 0, 0, 0]
        """
        params.choice(key, "key", SECTIONS)
        if key not in self._sections:
            self._sections[key] = getattr(self, f"_{key}")()
        return self._sections[key]

    def sections(self) -> list[Section]:
        """Every section, in page order.

        Examples
        --------
        >>> surveys = pd.DataFrame({"user_id": ["a"], "timestamp": pd.to_datetime(["2025-01-01 10:00"]),
        ...                         "touchpoint": ["delivery"], "csat": [5]})
        >>> [(s.key, s.skipped is None) for s in Report(surveys=surveys).sections()][4:]
        [('stages', False), ('funnel', False), ('retention', False), ('value', False), ('satisfaction', True), ('method', True)]
        """
        return [self.section(key) for key in SECTIONS]

    def show(self, key: str) -> None:
        """Display the section in a notebook: its HTML, and its figures as images; outside one, print its gist.

        Examples
        --------
        >>> orders = pd.DataFrame({"order_id": ["1"], "user_id": ["a"], "revenue": [20.0],
        ...                        "timestamp": pd.to_datetime(["2025-01-05 10:00"])})
        >>> Report(orders=orders).show("satisfaction")
        Satisfaction
        Needs: survey answers (--surveys) with NPS and/or CSAT scores.
        Left out: satisfaction is measured on survey answers, and no survey file was given; add one with --surveys (user_id, timestamp, touchpoint or stage, nps and/or csat) to see it.
        """
        import base64

        from IPython import get_ipython
        from IPython.display import display

        section = self.section(key)
        if get_ipython() is None:  # a script or a console: the gist as text
            print(section.title)
            if section.needs:
                print(f"Needs: {html.unescape(re.sub(r'<[^>]+>', '', section.needs))}")
            if section.skipped is not None:
                print(f"Left out: {section.skipped}")
            else:
                shown = [f"{len(section.tables)} table{'s' if len(section.tables) != 1 else ''}"]
                figures = sum(isinstance(part, Figure) for part in section.parts)
                if figures:
                    shown.append(f"{figures} figure{'s' if figures != 1 else ''}")
                print(f"Shows {' and '.join(shown)}: {', '.join(section.tables) or '(none)'}.")
            return
        if section.skipped is not None or key in ("overview", "method"):
            display({"text/html": self._heading(section) + section.html(), "text/plain": section.title}, raw=True)
            return
        display({"text/html": self._heading(section), "text/plain": section.title}, raw=True)
        for part in section.parts:
            if isinstance(part, Figure):
                display({"image/png": base64.b64encode(part.png).decode("ascii"), "text/plain": part.alt}, raw=True)
            else:
                display({"text/html": part, "text/plain": ""}, raw=True)

    def html(self, images: bool = True) -> str:
        """Every section as one HTML fragment (figures embedded, unless not ``images``), in page order.

        Examples
        --------
        >>> surveys = pd.DataFrame({"user_id": ["a", "b"], "timestamp": pd.to_datetime(["2025-01-01 10:00"] * 2),
        ...                         "touchpoint": ["delivery"] * 2, "nps": [10, 3]})
        >>> page = Report(surveys=surveys, title="Survey").html(images=False)
        >>> page.startswith('<section id="overview"><h1>Survey</h1>'), page.count("<h2>")
        (True, 9)
        """
        return "\n".join(f'<section id="{s.key}">{self._heading(s)}{s.html(images)}</section>'
                         for s in self.sections())

    @staticmethod
    def _heading(section: Section) -> str:
        if section.key == "overview":
            return ""
        out = [f"<h2>{_e(section.title)}</h2>"]
        if section.needs:
            out.append(_p(f"<strong>Needs:</strong> {section.needs}", "needs"))
        if section.skipped is not None:
            out.append(_p(f"<strong>Left out:</strong> {_e(section.skipped)}", "skipped"))
        return "\n".join(out)

    # overview ---------------------------------------------------------------------------------------------------

    def _overview(self) -> Section:
        parts = [f"<h1>{_e(self.title)}</h1>"]
        described = []
        for name in INPUTS:
            if name not in self.tables:
                continue
            source = self.sources[name]
            file = f" from {_e(source['file'])}" if source.get("file") else ""
            described.append(f"{_NOUN[name]}{file} ({fmt.integer(len(self.tables[name]))} {_NOUN[name]})")
        first = min(t["timestamp"].min() for t in self.tables.values())
        last = max(t["timestamp"].max() for t in self.tables.values())
        parts.append(_p(f"Based on {', '.join(described)}, from {fmt.date(first)} to {fmt.date(last)}. "
                        "Read the data-quality section first: it says what was left out and which numbers are "
                        "still moving. Every number is written with its definition; the numbers of every table "
                        "are in the CSV file named under it.", "lead"))
        return Section("overview", self.title, "", parts)

    # data quality -----------------------------------------------------------------------------------------------

    def _quality(self) -> Section:
        section = Section("quality", "Data quality: read this first", "any input.")
        rows = []
        for name in INPUTS:
            if name not in self.tables:
                continue
            frame, source = self.tables[name], self.sources[name]
            first, last = _span(frame)
            rows.append({"input": name, "file": source.get("file") or "(a table)",
                         "rows_read": source.get("rows_read", len(frame)), "rows_analysed": len(frame),
                         "unit": _NOUN[name], "people": frame["user_id"].nunique(), "first": first, "last": last})
        inputs = pd.DataFrame(rows)
        section.tables["inputs"] = inputs
        section.parts.append(fmt.table(inputs, {"rows_read": "int", "rows_analysed": "int", "people": "int"},
                                       labels={"rows_read": "rows in the file", "rows_analysed": "rows analysed",
                                               "unit": "one row analysed is", "people": "distinct people (ids)",
                                               "first": "first", "last": "last"},
                                       name="inputs", caption="What was read"))
        dropped = pd.DataFrame([{"input": name, **record} for name in INPUTS if name in self.tables
                                for record in self.sources[name].get("import_report") or []],
                               columns=["input", "file", "reason", "rows"])
        if len(dropped):
            section.tables["dropped"] = dropped
            section.parts.append(fmt.table(dropped, {"rows": "int"}, labels={"rows": "rows (lines or invoices, as "
                                                                                      "the reason says)"},
                                           name="dropped", caption="Left out on reading, and why"))
        else:
            section.parts.append(_p("Nothing was dropped on reading: every row of every file is in the analysis."))
        notes = []
        cancellations = self.sources.get("orders", {}).get("cancellations")
        if cancellations and cancellations.get("lines"):
            c = cancellations
            text = (f"{fmt.integer(c['lines'])} cancellation lines (invoice numbers starting with ‘C’, or negative "
                    f"quantities) worth {self._money(c['value'])} were netted against their customers’ revenue; "
                    "a cancelled invoice is not an order, and an invoice cancelled in full is not counted.")
            if c.get("unnetted_value"):
                text += (f" {self._money(c['unnetted_value'])} of it could not be netted (customers with no "
                         "purchase in the file, or who cancelled more than they bought in it) and is not in the "
                         "revenue.")
            notes.append(text)
        notes += self._overlap(section)
        for key in ("funnel", "retention", "value"):
            notes += self.section(key).facts.get("quality", [])
        notes.append(self._time_note())
        section.parts.append("<ul class=\"quality\">" + "".join(f"<li>{n}</li>" for n in notes if n) + "</ul>")
        return section

    def _overlap(self, section: Section) -> list[str]:
        """Ids seen in one table but not another, as sentences and a table."""
        names = [n for n in INPUTS if n in self.tables]
        if len(names) < 2:
            return []
        ids = {n: pd.Index(self.tables[n]["user_id"].unique()) for n in names}
        rows, notes = [], []
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                both = len(ids[a].intersection(ids[b]))
                only_a, only_b = len(ids[a]) - both, len(ids[b]) - both
                rows.append({"first": a, "second": b, "ids_in_first": len(ids[a]), "ids_in_second": len(ids[b]),
                             "in_both": both, "only_in_first": only_a, "only_in_second": only_b})
                notes.append(f"Of the {fmt.integer(len(ids[a]))} {_PEOPLE[a]} in the {a}, {fmt.integer(both)} "
                             f"({fmt.percent(both / len(ids[a]))}) also appear in the {b}; "
                             f"{fmt.integer(only_b)} {_PEOPLE[b]} in the {b} are not in the {a}.")
        notes[-1] += (" Ids are compared exactly, as text: if an overlap is smaller than expected, check that the "
                      "files use the same customer ids.")
        table = pd.DataFrame(rows)
        section.tables["id_overlap"] = table
        section.parts.append(fmt.table(table, {c: "int" for c in table.columns[2:]},
                                       labels={"ids_in_first": "ids in first", "ids_in_second": "ids in second",
                                               "in_both": "in both", "only_in_first": "only in first",
                                               "only_in_second": "only in second"},
                                       name="id_overlap", caption="People seen in one table but not another"))
        return notes

    def _time_note(self) -> str:
        zone = self.reading.get("time_zone")
        text = ("Times are in UTC" + (f"; naive times in the files were read as {_e(zone)} time and converted."
                                      if zone else "; times without a zone in the files were taken as they are."))
        if self.reading.get("time_format"):
            text += f" Dates were read with the format {_e(self.reading['time_format'])}."
        elif self.reading.get("dayfirst") is not None:
            text += (" Dates like 03/04 were read day first (3 April)." if self.reading["dayfirst"]
                     else " Dates like 03/04 were read month first (4 March).")
        return text

    # headline ---------------------------------------------------------------------------------------------------

    def _headline(self) -> Section:
        section = Section("headline", "Key numbers", "any input; each number says which input it comes from.")
        cards, rows = [], []

        def add(value: str, label: str, definition: str, raw: float) -> None:
            cards.append(_card(value, label, definition))
            rows.append({"number": label, "value": raw, "shown": value, "definition": html.unescape(definition)})

        summary = self.summary()
        if "orders" in summary:
            s = summary["orders"]
            span = f"{fmt.date(s['first'])} to {fmt.date(s['last'])}"
            add(fmt.integer(s["customers"]), "customers", f"people (customer ids) with at least one order, "
                f"{span}; unit: people.", s["customers"])
            add(fmt.integer(s["orders"]), "orders", "distinct orders (or invoices) with a customer; a cancellation, "
                "or an invoice cancelled in full, is not an order; unit: orders.", s["orders"])
            add(self._money(s["revenue"]), "net revenue", f"sum of order values minus cancellations, {span}; "
                f"{self._unit()}.", s["revenue"])
            if s["orders"]:
                add(self._money(s["revenue"] / s["orders"]), "average order value",
                    f"net revenue ÷ orders; {self._unit()} per order.", s["revenue"] / s["orders"])
                add(fmt.decimal(s["orders"] / s["customers"]), "orders per customer",
                    f"orders ÷ customers over {span}; unit: orders per customer.", s["orders"] / s["customers"])
        if "events" in summary:
            s = summary["events"]
            add(fmt.integer(s["users"]), "users", f"people (user ids) with at least one event, "
                f"{fmt.date(s['first'])} to {fmt.date(s['last'])}; unit: people.", s["users"])
            add(fmt.integer(s["events"]), "events", "rows of the event log analysed; unit: events.", s["events"])
            funnel = self.section("funnel")
            if funnel.skipped is None:
                f = funnel.facts
                add(fmt.percent(f["conversion"]), "funnel conversion",
                    f"share of the people who did ‘{_e(f['first_step'])}’ who went through every funnel step "
                    f"to ‘{_e(f['last_step'])}’ within {_e(f['window_text'])}; unit: % of "
                    f"{fmt.integer(f['entrants'])} people.", f["conversion"])
        if "surveys" in summary:
            surveys = self.surveys
            add(fmt.integer(summary["surveys"]["answers"]), "survey answers", "rows of the survey file analysed "
                "(one per answer); unit: answers.", summary["surveys"]["answers"])
            from journeykit.analysis.satisfaction import csat, nps

            if "nps" in surveys and surveys["nps"].notna().any():
                value, n = nps(surveys["nps"]), int(surveys["nps"].notna().sum())
                add(fmt.decimal(100 * value, 1), "NPS", f"% of answers 9–10 minus % of answers 0–6, over "
                    f"{fmt.integer(n)} NPS answers; unit: points from −100 to 100.", value)
            if "csat" in surveys and surveys["csat"].notna().any():
                value, n = csat(surveys["csat"]), int(surveys["csat"].notna().sum())
                add(fmt.percent(value), "CSAT", f"share of answers 4 or 5 on the 1–5 scale, over "
                    f"{fmt.integer(n)} CSAT answers; unit: % of answers.", value)
        section.parts.append(_cards(cards))
        section.parts.append(_numbers_in("key_numbers"))
        section.tables["key_numbers"] = pd.DataFrame(rows)
        return section

    # activity ---------------------------------------------------------------------------------------------------

    def _activity(self) -> Section:
        section = Section("activity", "Activity", "an event log (--events).")
        events = self.events
        if events is None:
            section.skipped = ("activity counts events, and no event log was given; add one with --events to see "
                               "who is active when.")
            return section
        period = self.period
        name = _PERIOD[period]
        stamps = events["timestamp"].dt.to_period(period)
        per = pd.DataFrame({"period": stamps, "user_id": events["user_id"]})
        active = per.groupby("period", sort=True).agg(events=("user_id", "size"), users=("user_id", "nunique"))
        active = active.reindex(pd.period_range(active.index.min(), active.index.max(), freq=active.index.freq),
                                fill_value=0)
        last = events["timestamp"].max()
        complete = np.array([p.end_time < last for p in active.index])
        table = pd.DataFrame({name: _period_labels(active.index), "start": active.index.start_time,
                              "active_users": active["users"].to_numpy(), "events": active["events"].to_numpy(),
                              "complete": complete})
        section.tables["activity"] = table
        fig, ax = figs.figure()
        figs.period_bars(ax, table[name].tolist(), table["active_users"].to_numpy(), complete,
                         ylabel="active users (people)", title=f"Active users per {name}")
        section.parts.append(_p(f"An <strong>active user</strong> in a {name} is a person with at least one event in "
                                f"that {name}; unit: people."))
        section.parts.append(Figure(fig, f"Bar chart of active users per {name}."))
        section.parts.append(_numbers_in("activity"))
        self._stickiness(section, events)
        counts = events.groupby("event", sort=False).agg(events=("user_id", "size"), users=("user_id", "nunique"))
        counts = counts.sort_values(["events"], ascending=False).reset_index()
        counts["share_of_events"] = counts["events"] / counts["events"].sum()
        section.tables["event_names"] = counts
        section.parts.append(fmt.table(counts, {"events": "int", "users": "int", "share_of_events": "pct"},
                                       labels={"event": "event name", "events": "events", "users": "people",
                                               "share_of_events": "share of all events"},
                                       name="event_names", caption="Events by name", max_rows=20))
        return section

    def _stickiness(self, section: Section, events: pd.DataFrame) -> None:
        """How many days a week active people are active, pooled over complete weeks; DAU/MAU on a typical day."""
        sticky = stickiness(events, period="W")
        done = sticky[sticky["complete"]]
        if done.empty or done["users"].sum() == 0:
            return
        pooled = done.groupby("active_days", sort=True)["users"].sum()
        table = pd.DataFrame({"active_days": pooled.index.to_numpy(), "user_weeks": pooled.to_numpy(),
                              "share": (pooled / pooled.sum()).to_numpy()})
        section.tables["stickiness"] = table
        weeks = int(done["period"].nunique())
        fig, ax = figs.figure(height=2.8)
        with figs._style():
            ax.bar(table["active_days"].astype(str), table["share"], color=figs.BLUE)
            figs.percent_axis(ax.yaxis)
            ax.set(xlabel="days active in the week", ylabel="share of active people")
            ax.grid(axis="x", visible=False)
            ax.set_title(f"{fmt.percent(table['share'].iloc[0], 0)} of a week's active people are active on "
                         "one day only")
        text = (f"<strong>Stickiness</strong>: of the people active in a week (Monday to Sunday; the {weeks} "
                "complete weeks pooled, a person counted once per week), the share active on 1, 2, … 7 different "
                "days.")
        daily = active_users(events)
        full = daily[daily["full_window"]]
        if len(full):
            section.tables["active_users"] = daily
            text += (f" On a typical day (median over the {len(full)} days with 30 days of data behind them), "
                     f"{fmt.percent(float(full['dau_mau'].median()))} of the people active in the last 30 days "
                     "were active that day (<strong>DAU/MAU</strong>).")
        section.parts.append(_p(text))
        section.parts.append(Figure(fig, "Bar chart of the share of a week's active people by days active."))
        section.parts.append(_numbers_in("stickiness"))
        if "active_users" in section.tables:
            section.parts.append(_numbers_in("active_users"))

    # stages -----------------------------------------------------------------------------------------------------

    def _stages(self) -> Section:

        model = self.model
        section = Section("stages", "Journey stages",
                          f"an event log whose event names map to the stages of the model ‘{_e(model.name)}’.")
        events = self.events
        if events is None:
            section.skipped = ("stages are built from events, and no event log was given; add one with --events "
                               "to see how far people get.")
            return section
        names = events["event"].value_counts()
        unmapped = names[~names.index.isin(list(model.events))]
        nothing = (f"none of the event names in your events ({_names(names.index, 5, escape=False)}) is a stage "
                   f"event of the "
                   f"model ‘{model.name}’; map yours with --param stage_events='{{\"your_event\": \"Awareness\"}}' "
                   "or choose another --stage-model.")
        if len(unmapped) == len(names) and not model.rules:
            section.skipped = nothing
            return section
        label = self.keep_unmapped or _UNMAPPED
        try:
            summary = stage_summary(events, model, keep_unmapped=label)
        except SchemaError as error:
            section.skipped = (f"the stage model ‘{model.name}’ cannot be applied to these events "
                               f"({error.problems[0].split(' Rules may use')[0]}); add the column its rules use to "
                               "the events, or choose another --stage-model.")
            return section
        if int(summary["users"].sum()) == 0:
            section.skipped = nothing
            return section
        described = dict(model.stages)
        table = summary.assign(description=summary["stage"].map(described))[
            ["stage_number", "stage", "description", "users", "share_of_users", "share_of_previous",
             "median_time_from_previous", "timed_users"]]
        section.tables["stages"] = table.assign(
            median_days_from_previous=table["median_time_from_previous"] / pd.Timedelta(days=1)).drop(
            columns="median_time_from_previous")
        fig, ax = figs.figure(height=2.9)
        with figs._style():
            ax.barh(table["stage"][::-1], table["users"][::-1], color=figs.BLUE)
            figs.count_axis(ax.xaxis)
            ax.set_xlabel("people who reached the stage")
            ax.grid(axis="y", visible=False)
            ax.set_title(f"People reaching each stage ({model.name})")
        section.parts.append(_p("A person <strong>reaches</strong> a stage when they have at least one event that "
                                "the stage model places in it; unit: people. <em>Share of previous</em> = people "
                                "in the stage ÷ people in the stage before it; the median time is between first "
                                "entries, over the people counted in <em>timed</em>."))
        section.parts.append(Figure(fig, "Horizontal bar chart of people reaching each stage."))
        section.parts.append(fmt.table(table, {"stage_number": "int", "users": "int", "share_of_users": "pct",
                                               "share_of_previous": "pct", "median_time_from_previous": "days",
                                               "timed_users": "int"},
                                       labels={"stage_number": "#", "users": "people", "share_of_users":
                                               "share of all people", "share_of_previous": "share of previous",
                                               "median_time_from_previous": "median time from previous",
                                               "timed_users": "timed (people)"},
                                       name="stages", caption="Stages"))
        if len(unmapped):
            share = unmapped.sum() / names.sum()
            section.parts.append(_p(f"{fmt.integer(unmapped.sum())} events ({fmt.percent(share)}) have names the "
                                    f"model does not place in a stage ({_names(unmapped.index)}) and are left out "
                                    "of the stages.", "note"))
        return section

    # funnel -----------------------------------------------------------------------------------------------------

    def _funnel(self) -> Section:

        window = self.funnel_window
        window_text = _window_text(window)
        section = Section("funnel", "Funnel", "an event log with at least two of the funnel's steps "
                                              "(--events, and --funnel-steps for your event names).")
        events = self.events
        if events is None:
            section.skipped = ("a funnel follows people from event to event, and no event log was given; add one "
                               "with --events (a file with user_id, timestamp and event columns) to see it.")
            return section
        present = set(events["event"].unique())
        steps = self.funnel_steps or [s for s in DEFAULT_STEPS if s in present]
        if len(steps) < 2:
            common = events["event"].value_counts().index[:6]
            section.skipped = (f"a funnel needs at least two of its steps among your event names, and the default "
                               f"steps ({', '.join(DEFAULT_STEPS)}) are not in your events; pass --funnel-steps "
                               f"with your own (the most frequent are {', '.join(common)}).")
            return section
        result = funnel(events, steps, window=window)
        entrants = int(result["users"].iloc[0])
        open_users = int(result.attrs.get("open_window_users", 0))
        data_end = result.attrs.get("data_end")
        table = result[["step", "users", "conversion_from_start", "conversion_from_previous", "drop_off"]]
        section.tables["funnel"] = table
        fig, ax = figs.figure(height=3.4)
        with figs._style():
            plot_funnel(result, ax=ax, title=f"People reaching each step within {window_text} of the first")
            figs.count_axis(ax.yaxis)
            ax.set_ylabel("people")
        section.parts.append(_p(f"A person <strong>enters</strong> with any ‘{_e(steps[0])}’ event and "
                                f"<strong>reaches</strong> step k when they do steps 1 to k in this order within "
                                f"{_e(window_text)} of step 1; each person counts once, at their furthest step. "
                                "Units: people; conversion in % of the people at step 1 (from start) or at the step "
                                "before (from previous)."))
        section.parts.append(Figure(fig, "Bar chart of people reaching each funnel step."))
        section.parts.append(fmt.table(table, {"users": "int", "conversion_from_start": "pct",
                                               "conversion_from_previous": "pct", "drop_off": "int"},
                                       labels={"users": "people", "conversion_from_start": "conversion from start",
                                               "conversion_from_previous": "conversion from previous",
                                               "drop_off": "lost since previous (people)"},
                                       name="funnel", caption="Funnel"))
        if open_users:
            section.parts.append(_p(f"{fmt.integer(open_users)} of the {fmt.integer(entrants)} people who entered "
                                    f"started less than {_e(window_text)} before the data ends and have not reached "
                                    "the last step yet: they may still convert, so the last steps are slightly "
                                    "understated.", "note"))
        section.facts.update(entrants=entrants, open_window_users=open_users, window_text=window_text,
                             first_step=steps[0], last_step=steps[-1],
                             conversion=float(result["conversion_from_start"].iloc[-1]) if entrants else float("nan"))
        section.facts["quality"] = [
            f"Funnel: {fmt.integer(open_users)} of {fmt.integer(entrants)} entrants "
            f"({fmt.percent(open_users / entrants if entrants else 0)}) entered less than {_e(window_text)} before the "
            f"data ends ({fmt.date(data_end)}) and have not converted: their window is still open, so their "
            "drop-off may not be final."]
        self._funnel_by_segment(section, events, steps, window)
        if window is not None:
            self._funnel_trends(section, events, steps, window)
            drops = result["drop_off"].to_numpy()[1:]
            if drops.size and drops.max() > 0:
                at = int(np.argmax(drops)) + 2  # the step that loses the most people
                self._funnel_drivers(section, events, steps, window, at)
                self._after_drop(section, events, steps, window, at)
        return section

    def _funnel_drivers(self, section: Section, events: pd.DataFrame, steps: list, window, at: int) -> None:
        """What goes with getting through the step that loses the most people (odds ratios, association only)."""
        columns = [self.segment] if self.segment and self.segment in events.columns else []
        try:
            drivers = conversion_drivers(events, steps, at=at, window=window, columns=columns)
        except SchemaError:  # everyone or nobody got through: nothing to compare
            return
        clear = drivers[drivers["clear"]].head(10)
        section.tables["funnel_drivers"] = drivers
        intro = (f"What goes with getting from ‘{_e(steps[at - 2])}’ to ‘{_e(steps[at - 1])}’, the step that loses "
                 f"the most people: events done before it{' and the ' + _e(columns[0]) if columns else ''}, "
                 f"compared between the {fmt.integer(drivers.attrs['population'])} people who got through and "
                 "those who stopped (with a closed window). An <strong>odds ratio</strong> above 1 means people "
                 "with it got through more often. This is association, not cause: test a change before "
                 "crediting it.")
        section.parts.append(_p(intro))
        if clear.empty:
            section.parts.append(_p("No event or value goes clearly (95% range excluding 1) with getting through; "
                                    "all of them are in the CSV file.", "note"))
            section.parts.append(_numbers_in("funnel_drivers"))
            return
        section.parts.append(fmt.table(
            clear[["feature", "value", "users", "conversion_with", "conversion_without", "odds_ratio", "ci_low",
                   "ci_high"]],
            {"users": "int", "conversion_with": "pct", "conversion_without": "pct", "odds_ratio": "num2",
             "ci_low": "num2", "ci_high": "num2"},
            labels={"feature": "kind", "value": "event or value", "users": "people with it",
                    "conversion_with": "got through, with it", "conversion_without": "got through, without it",
                    "odds_ratio": "odds ratio", "ci_low": "95% low", "ci_high": "95% high"},
            name="funnel_drivers", caption=f"What goes with reaching ‘{steps[at - 1]}’ (clear associations)"))

    def _after_drop(self, section: Section, events: pd.DataFrame, steps: list, window, at: int) -> None:
        """Where the people who stopped before the leakiest step went next."""
        try:
            paths = paths_after_drop(events, steps, at, window=window, after=3, top=10)
        except SchemaError:  # nobody stopped there with a closed window
            return
        section.tables["paths_after_drop"] = paths[["path", "users", "share"]]
        section.parts.append(_p(f"What the {fmt.integer(paths.attrs['users'])} people who stopped after "
                                f"‘{_e(steps[at - 2])}’ (and whose window has closed) did next: their next three "
                                "events, repeats collapsed; <em>(end)</em> means no further event in the data."))
        section.parts.append(fmt.table(paths[["path", "users", "share"]], {"users": "int", "share": "pct"},
                                       labels={"path": "what they did next", "users": "people",
                                               "share": "share of those who stopped"},
                                       name="paths_after_drop", caption=f"After stopping before ‘{steps[at - 1]}’"))

    def _funnel_trends(self, section: Section, events: pd.DataFrame, steps: list, window) -> None:
        """Conversion by the month (or week, day) people entered, with 95% ranges; open periods marked."""
        name = _PERIOD[self.period]
        trends = funnel_trends(events, steps, window=window, period=self.period)
        if len(trends) < 2:
            return
        section.tables["funnel_trends"] = trends
        fig, ax = figs.figure(height=2.8)
        with figs._style():
            done = trends["complete"].to_numpy()
            ax.fill_between(trends["period"], trends["ci_low"], trends["ci_high"], color=figs.BLUE, alpha=0.2,
                            label="95% range")
            ax.plot(trends["period"], trends["conversion"], marker="o", ms=3, color=figs.BLUE, label="conversion")
            ax.plot(trends["period"][~done], trends["conversion"][~done], "o", ms=7, mfc="white", color=figs.RED,
                    label="still open (may rise)")
            figs.percent_axis(ax.yaxis)
            ax.set(xlabel=f"{name} people entered (first ‘{steps[0]}’)", ylabel="conversion (% of entrants)",
                   ylim=(0, None))
            ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
            ax.set_title(f"Conversion to ‘{steps[-1]}’ by the {name} people entered")
        section.parts.append(_p(f"The same conversion, by the {name} of each person’s first ‘{_e(steps[0])}’, with "
                                f"its 95% range. A {name} with people whose window is still open is marked: its "
                                "rate may still rise, so it is not a drop."))
        section.parts.append(Figure(fig, f"Line chart of funnel conversion by {name} of entry, with its range."))
        section.parts.append(_numbers_in("funnel_trends"))

    def _funnel_by_segment(self, section: Section, events: pd.DataFrame, steps: list, window: str) -> None:
        """Conversion from the first to the last step by segment, with 95% ranges and small-sample flags."""
        segment = self.segment
        if not segment or segment not in events.columns or events[segment].nunique() < 2:
            return
        by = funnel_confidence(funnel(events, steps, window=window, by=segment))
        first = by.groupby(segment, sort=False)["users"].transform("first")
        last = by[by["step"] == by["step"].iloc[len(steps) - 1]].assign(entrants=first)
        compared = last[[segment, "entrants", "users", "conversion_from_start", "ci_low", "ci_high",
                         "small_sample"]].sort_values("conversion_from_start", ascending=False)
        section.tables[f"funnel_by_{segment}"] = compared
        section.parts.append(_p(f"Conversion from ‘{_e(steps[0])}’ to ‘{_e(steps[-1])}’ by {_e(segment)} (the "
                                f"value on each person’s first ‘{_e(steps[0])}’). The interval is a 95% range "
                                "for the conversion; <em>small sample</em> marks segments under 30 people, whose "
                                "rate is unreliable."))
        section.parts.append(fmt.table(compared, {"entrants": "int", "users": "int",
                                                  "conversion_from_start": "pct", "ci_low": "pct",
                                                  "ci_high": "pct"},
                                       labels={"entrants": "entered (people)", "users": "converted (people)",
                                               "conversion_from_start": "conversion", "ci_low": "95% low",
                                               "ci_high": "95% high", "small_sample": "small sample"},
                                       name=f"funnel_by_{segment}", caption=f"Conversion by {segment}"))

    # retention --------------------------------------------------------------------------------------------------

    def _retention(self) -> Section:

        name = _PERIOD[self.period]
        section = Section("retention", "Retention", "an order table (--orders), or an event log (--events); "
                                                    "orders give customer retention, events alone give buyer or "
                                                    "user retention.")
        population = self._retention_population(name)
        if population is None:
            section.skipped = ("retention follows the same people over time, and only survey answers were given; "
                               "add an order table (--orders) or an event log (--events) to see it.")
            return section
        events, who, cohort_event, return_event, defined = population
        in_period = cohort_retention(events, period=self.period, cohort_event=cohort_event,
                                        return_event=return_event)
        if not (in_period["complete"] & (in_period["period"] >= 1)).any():
            section.skipped = (f"the data does not yet hold a complete {name} after any cohort’s first {name} "
                               f"(it covers {fmt.date(events['timestamp'].min())} to "
                               f"{fmt.date(events['timestamp'].max())}); retention needs a longer export, or "
                               "--period W or D.")
            return section
        on_after = cohort_retention(events, period=self.period, cohort_event=cohort_event,
                                       return_event=return_event, unbounded=True)
        keys = ["cohort", "period"]
        table = in_period.merge(on_after[[*keys, "retained", "retention"]], on=keys,
                                suffixes=("_in_period", "_on_or_after"))
        table = table[["cohort", "period", "cohort_size", "retained_in_period", "retention_in_period",
                       "retained_on_or_after", "retention_on_or_after", "complete"]]
        section.tables["retention"] = table
        curve = retention_curve(in_period)[["period", "cohorts", "users", "retention"]].merge(
            retention_curve(on_after)[["period", "retention"]], on="period",
            suffixes=("_in_period", "_on_or_after"))
        section.tables["retention_curve"] = curve
        section.parts.append(_p(f"{defined} (<strong>{name} by {name}</strong>), or in that {name} or any later "
                                f"one (<strong>on or after</strong>, which never rises). Unit: % of the cohort, "
                                f"people. The {name} that contains the end of the data is still in progress: its "
                                "cells are blank and hatched, and the averages leave it out."))
        self._retention_figures(section, in_period, on_after, curve, name, who)
        self._retention_brackets(section, events, cohort_event, return_event, who)
        section.parts.append(_p(f"Every cohort and {name} of the heatmaps is in <span class=\"file\">tables/"
                                f"retention.csv</span> (column <em>complete</em> is false for the {name} still in "
                                "progress).", "note"))
        last = events["timestamp"].max()
        current = last.to_period(self.period)
        latest_cohort = in_period["cohort"].max()
        section.facts["quality"] = [
            f"Retention: the data ends on {fmt.date(last)}, inside the {name} starting {fmt.date(current.start_time)}, "
            f"which is still in progress; every cohort’s cell for that {name} is left blank. The latest cohort "
            f"({fmt.date(latest_cohort)}, {fmt.integer(in_period.loc[in_period['cohort'] == latest_cohort, 'cohort_size'].iloc[0])} "
            f"{who}) has no complete {name} yet."]
        return section

    def _retention_brackets(self, section: Section, events: pd.DataFrame, cohort_event, return_event,
                            who: str) -> None:
        """Coming back on given days after the start: days 1-7, 8-30, 31-90 and 91-180, pending people apart."""
        brackets = bracket_retention(events, brackets=[(1, 7), (8, 30), (31, 90), (91, 180)],
                                     cohort_event=cohort_event, return_event=return_event)
        brackets = brackets[brackets["entrants"] > 0]
        if brackets.empty:
            return
        section.tables["retention_brackets"] = brackets
        section.parts.append(_p(f"Counted in days instead of calendar {_PERIOD[self.period]}s: the share of {who} "
                                "who came back on a day within each bracket after their first day (day 0). People "
                                "whose bracket has not ended when the data stops are <em>pending</em>: left out, "
                                "not counted as lost."))
        section.parts.append(fmt.table(brackets, {"entrants": "int", "retained": "int", "retention": "pct",
                                                  "ci_low": "pct", "ci_high": "pct", "pending": "int"},
                                       labels={"entrants": f"{who} (people)", "retained": "came back (people)",
                                               "retention": "came back", "ci_low": "95% low", "ci_high": "95% high",
                                               "pending": "pending (people)", "first_day": "from day",
                                               "last_day": "to day"},
                                       name="retention_brackets", caption="Coming back within day brackets"))

    def _retention_population(self, name: str) -> tuple | None:
        """Who is followed, and on which events: customers' orders, buyers' purchases or users' events."""
        if self.orders is not None:
            events = self.orders[["user_id", "timestamp"]].assign(event="order")
            who, cohort_event, return_event = "customers", "order", "order"
            defined = (f"A customer’s <strong>cohort</strong> is the {name} of their first order; they are "
                       f"<strong>retained</strong> in {name} k if they order in the k-th {name} after it")
        elif self.events is not None and self.purchase_event in set(self.events["event"].unique()):
            events = self.events
            who, cohort_event, return_event = "buyers", self.purchase_event, self.purchase_event
            defined = (f"A buyer’s <strong>cohort</strong> is the {name} of their first ‘{_e(self.purchase_event)}’; "
                       f"they are <strong>retained</strong> in {name} k if they buy again in the k-th {name} after "
                       "it")
        elif self.events is not None:
            events = self.events
            who, cohort_event, return_event = "users", None, None
            defined = (f"A user’s <strong>cohort</strong> is the {name} of their first event; they are "
                       f"<strong>retained</strong> in {name} k if they have any event in the k-th {name} after it")
        else:
            return None
        return events, who, cohort_event, return_event, defined

    def _retention_figures(self, section: Section, in_period: pd.DataFrame, on_after: pd.DataFrame,
                           curve: pd.DataFrame, name: str, who: str) -> None:
        """Both heatmaps (month by month, on or after), the average curves and their table."""
        height = max(2.6, 0.24 * min(in_period["cohort"].nunique(), 24) + 1.2)
        for table_, kind, title in ((in_period, f"{name} by {name}", f"{name.capitalize()} by {name}: share of "
                                     f"each cohort who came back in {name} k"),
                                    (on_after, "on or after", f"On or after: share of each cohort who came back in "
                                     f"{name} k or later")):
            fig, ax = figs.figure(height=height)
            figs.retention_heatmap(ax, table_, title=title, period_name=name)
            section.parts.append(Figure(fig, f"Heatmap of retention by cohort, {kind}."))
        later = curve[curve["period"] >= 1]
        fig, ax = figs.figure(height=2.8)
        with figs._style():
            ax.plot(later["period"], later["retention_in_period"], marker="o", ms=3, color=figs.BLUE,
                    label=f"{name} by {name} (came back in {name} k)")
            ax.plot(later["period"], later["retention_on_or_after"], marker="o", ms=3, color=figs.RED,
                    label=f"on or after (came back in {name} k or later)")
            figs.count_axis(ax.xaxis)
            figs.percent_axis(ax.yaxis)
            ax.set(xlabel=f"{name}s since the cohort’s first {name}", ylabel=f"share of {who}", ylim=(0, None))
            ax.legend(fontsize="small")
            ax.set_title("Average over complete cohorts, weighted by size")
        section.parts.append(Figure(fig, f"Line chart of average retention per {name} since the first."))
        section.parts.append(fmt.table(curve, {"period": "int", "cohorts": "int", "users": "int",
                                               "retention_in_period": "pct", "retention_on_or_after": "pct"},
                                       labels={"period": f"{name}s since first", "cohorts": "complete cohorts",
                                               "users": f"{who} (people)",
                                               "retention_in_period": f"came back in that {name}",
                                               "retention_on_or_after": "came back then or later"},
                                       name="retention_curve", caption="Average retention", max_rows=25))

    # value ------------------------------------------------------------------------------------------------------

    def _value(self) -> Section:

        section = Section("value", "Customer value", "an order table (--orders).")
        orders = self.orders
        if orders is None:
            section.skipped = ("customer value is measured on orders, and no order table was given; add one with "
                               "--orders (order_id, user_id, timestamp, revenue; or --orders-format online_retail "
                               "for invoice lines) to see it.")
            return section
        self._orders_by_period(section, orders)
        per_customer = orders.groupby("user_id").agg(orders=("order_id", "size"), revenue=("revenue", "sum"))
        self._customers_by_orders(section, per_customer)
        self._revenue_concentration(section, per_customer)
        section.facts["quality"] = self._repeat_purchase(section, orders)[:1]
        self._value_forecast(section, orders)
        return section

    def _value_forecast(self, section: Section, orders: pd.DataFrame) -> None:
        """BG/NBD and Gamma-Gamma: checked on the last quarter of the data first, then each customer's forecast."""
        start, end = orders["timestamp"].min().normalize(), orders["timestamp"].max().normalize()
        calibration_end = start + (end - start) * 3 / 4
        if (end - calibration_end) < pd.Timedelta("28D"):
            return
        try:
            check = clv_holdout(orders, calibration_end=calibration_end)
            forecast = probabilistic_clv(orders, horizon="365D")
        except JourneyKitError as error:
            section.parts.append(_p(f"No forecast per customer: {_e(error)}", "note"))
            return
        section.tables["forecast_check"] = check
        total = check.set_index("frequency").loc["all"]
        fig, ax = figs.figure(height=2.8)
        with figs._style():
            from journeykit.plots.clv import plot_clv_holdout

            plot_clv_holdout(check, ax=ax)
        section.parts.append(_p(
            "A forecast per customer (BG/NBD for how often customers buy and when they silently stop, Gamma-Gamma "
            "for how much they spend), checked before it is used: fitted on the data up to "
            f"{fmt.date(calibration_end)}, it expected {fmt.decimal(total['predicted'])} purchase days per customer "
            f"after that date, and customers made {fmt.decimal(total['actual'])}."))
        section.parts.append(Figure(fig, "Bar chart of predicted and actual purchases after the calibration date."))
        section.parts.append(_numbers_in("forecast_check"))
        summary = pd.DataFrame({"customers": [len(forecast)],
                                "probably_still_active": [float((forecast["p_alive"] >= 0.5).mean())],
                                "expected_orders_next_year": [float(forecast["expected_purchases"].sum())],
                                "expected_revenue_next_year": [float(forecast["expected_value"].sum())]})
        section.tables["forecast"] = forecast
        section.tables["forecast_summary"] = summary
        section.parts.append(fmt.table(summary, {"customers": "int", "probably_still_active": "pct",
                                                 "expected_orders_next_year": "int",
                                                 "expected_revenue_next_year": self._money},
                                       labels={"customers": "customers (people)",
                                               "probably_still_active": "probably still active (p ≥ 50%)",
                                               "expected_orders_next_year": "expected purchase days, next 365 days",
                                               "expected_revenue_next_year": "expected revenue, next 365 days"},
                                       name="forecast_summary", caption="Forecast for the next 365 days"))
        section.parts.append(_p('Each customer’s forecast (probability of still being a customer, expected purchases '
                                'and revenue): <span class="file">tables/forecast.csv</span>', "note"))

    def _orders_by_period(self, section: Section, orders: pd.DataFrame) -> None:
        """Orders and net revenue per period, the period still in progress marked."""
        name = _PERIOD[self.period]
        last = orders["timestamp"].max()
        per = orders.assign(p=orders["timestamp"].dt.to_period(self.period)).groupby("p", sort=True).agg(
            orders=("order_id", "size"), customers=("user_id", "nunique"), revenue=("revenue", "sum"))
        per = per.reindex(pd.period_range(per.index.min(), per.index.max(), freq=per.index.freq), fill_value=0)
        complete = np.array([p.end_time < last for p in per.index])
        by_period = pd.DataFrame({name: _period_labels(per.index), "start": per.index.start_time,
                                  "orders": per["orders"].to_numpy(), "customers": per["customers"].to_numpy(),
                                  "revenue": per["revenue"].round(2).to_numpy(), "complete": complete})
        section.tables[f"orders_by_{name}"] = by_period
        fig, axes = figs.figure(height=3.0, ncols=2)
        figs.period_bars(axes[0], by_period[name].tolist(), by_period["orders"].to_numpy(), complete,
                         ylabel="orders", title=f"Orders per {name}")
        figs.period_bars(axes[1], by_period[name].tolist(), by_period["revenue"].to_numpy(), complete,
                         ylabel=f"net revenue{f' ({self.currency})' if self.currency else ''}",
                         title=f"Net revenue per {name}", counts=False, currency=self.currency)
        section.parts.append(_p(f"Orders and net revenue (order values minus cancellations, {self._unit()}) per "
                                f"{name}, by the date of the order."))
        section.parts.append(Figure(fig, f"Bar charts of orders and net revenue per {name}."))
        section.parts.append(_numbers_in(f"orders_by_{name}"))

    def _customers_by_orders(self, section: Section, per_customer: pd.DataFrame) -> None:
        """How many customers ordered once, twice, ..., and their share of revenue."""
        bins = [0, 1, 2, 3, 5, 10, np.inf]
        labels = ["1", "2", "3", "4–5", "6–10", "11 or more"]
        groups = pd.cut(per_customer["orders"], bins=bins, labels=labels)
        frequency = per_customer.groupby(groups, observed=False).agg(customers=("orders", "size"),
                                                                     revenue=("revenue", "sum"))
        frequency = frequency.reset_index().rename(columns={"orders": "orders_per_customer"})
        frequency["share_of_customers"] = frequency["customers"] / len(per_customer)
        frequency["share_of_revenue"] = frequency["revenue"] / per_customer["revenue"].sum()
        section.tables["customers_by_orders"] = frequency
        fig, ax = figs.figure(height=2.7)
        with figs._style():
            ax.bar(frequency["orders_per_customer"].astype(str), frequency["customers"], color=figs.BLUE, width=0.7)
            figs.count_axis(ax.yaxis)
            ax.set(xlabel="orders per customer over the whole period", ylabel="customers (people)")
            ax.grid(axis="x", visible=False)
            ax.set_title("Customers by number of orders")
        section.parts.append(Figure(fig, "Bar chart of customers by their number of orders."))
        section.parts.append(fmt.table(frequency, {"customers": "int", "revenue": self._money,
                                                   "share_of_customers": "pct", "share_of_revenue": "pct"},
                                       labels={"orders_per_customer": "orders per customer",
                                               "customers": "customers (people)",
                                               "revenue": f"net revenue ({self.currency or 'amount'})",
                                               "share_of_customers": "share of customers",
                                               "share_of_revenue": "share of revenue"},
                                       name="customers_by_orders", caption="Customers by number of orders"))

    def _revenue_concentration(self, section: Section, per_customer: pd.DataFrame) -> None:
        """The share of net revenue of the top 1 %, 10 %, 20 % and 50 % of customers."""
        ranked = per_customer["revenue"].sort_values(ascending=False).to_numpy()
        total = ranked.sum()
        shares = []
        for top in (0.01, 0.1, 0.2, 0.5):
            n = max(1, int(np.ceil(top * len(ranked))))
            shares.append({"top_customers": f"top {top:.0%}", "customers": n,
                           "share_of_revenue": ranked[:n].sum() / total if total else float("nan")})
        concentration = pd.DataFrame(shares)
        section.tables["revenue_concentration"] = concentration
        section.parts.append(fmt.table(concentration, {"customers": "int", "share_of_revenue": "pct"},
                                       labels={"top_customers": "customers ranked by net revenue",
                                               "customers": "customers (people)",
                                               "share_of_revenue": "their share of net revenue"},
                                       name="revenue_concentration", caption="How concentrated revenue is"))

    def _repeat_purchase(self, section: Section, orders: pd.DataFrame) -> list[str]:
        """Repeat rate and revenue per customer within 90 and 180 days; what to say about who is left out."""
        last = orders["timestamp"].max()
        rows = []
        quality = []
        span = last - orders["timestamp"].min()
        for within in ("90D", "180D"):
            if span < pd.Timedelta(within):
                continue
            repeat = repeat_purchase_rate(orders, within=within)
            clv = historical_clv(orders, horizon=within)
            days = int(pd.Timedelta(within).days)
            eligible = int(repeat["customers"].iloc[0]) if len(repeat) else 0
            if not eligible:
                continue
            rows.append({"within_days": days, "customers": eligible, "repeat_rate": repeat["repeat_rate"].iloc[0],
                         "median_days_to_second_order": repeat["median_days_to_second_order"].iloc[0],
                         "revenue_per_customer": clv["clv"].iloc[0] if len(clv) else float("nan")})
            new = orders.groupby("user_id")["timestamp"].min()
            quality.append(f"Repeat purchase and value within {days} days count only the "
                           f"{fmt.integer(eligible)} customers whose first order is at least {days} days before "
                           f"the last order ({fmt.date(last)}); the {fmt.integer(int((new > last - pd.Timedelta(within)).sum()))} "
                           "newer customers have not had the time and are left out of those rates.")
        if rows:
            repeat = pd.DataFrame(rows)
            section.tables["repeat_purchase"] = repeat
            section.parts.append(_p("<strong>Repeat rate</strong>: share of customers who order again within the "
                                    "given days of their first order. <strong>Revenue per customer</strong>: their "
                                    f"net revenue in those days after the first order, {self._unit()}. Both count "
                                    "only customers whose first order is early enough for the whole period to be in "
                                    "the data."))
            section.parts.append(fmt.table(repeat, {"within_days": "int", "customers": "int", "repeat_rate": "pct",
                                                    "median_days_to_second_order": "num1",
                                                    "revenue_per_customer": self._money},
                                           labels={"within_days": "within (days)", "customers": "customers counted",
                                                   "repeat_rate": "repeat rate",
                                                   "median_days_to_second_order": "median days to 2nd order",
                                                   "revenue_per_customer": "revenue per customer"},
                                           name="repeat_purchase", caption="Repeat purchase and early value"))
        else:
            section.parts.append(_p("The orders cover less than 90 days, too short for a fair repeat rate (every "
                                    "customer needs the same time to come back).", "note"))
        return quality

    # satisfaction -----------------------------------------------------------------------------------------------

    def _satisfaction(self) -> Section:

        section = Section("satisfaction", "Satisfaction", "survey answers (--surveys) with NPS and/or CSAT "
                                                          "scores.")
        surveys = self.surveys
        if surveys is None:
            section.skipped = ("satisfaction is measured on survey answers, and no survey file was given; add one "
                               "with --surveys (user_id, timestamp, touchpoint or stage, nps and/or csat) to see "
                               "it.")
            return section
        place = "touchpoint" if "touchpoint" in surveys.columns else "stage"
        shown = False
        for score, function, label, definition in (
                ("nps", nps, "NPS", "% of answers 9–10 (promoters) minus % of answers 0–6 (detractors), in "
                                       "points from −100 to 100"),
                ("csat", csat, "CSAT", "% of answers 4 or 5 on the 1–5 scale")):
            if score not in surveys.columns or not surveys[score].notna().any():
                continue
            shown = True
            answered = surveys.dropna(subset=[score])
            if answered[place].isna().any():
                answered = answered.assign(**{place: answered[place].fillna("(not given)")})
            table = function(answered, by=place)
            value_col = score
            columns = [place, "answers", value_col, "ci_low", "ci_high", "small_sample"]
            table = table[columns].sort_values("answers", ascending=False)
            section.tables[f"{score}_by_{place}"] = table
            overall = function(answered[score])
            overall_text = fmt.decimal(100 * overall, 1) if score == "nps" else fmt.percent(overall)
            section.parts.append(_p(f"<strong>{label}</strong> = {definition}. Overall: "
                                    f"<strong>{overall_text}</strong> over "
                                    f"{fmt.integer(len(answered))} answers. By {place} below, with a 95% range; "
                                    "<em>small sample</em> marks fewer than 30 answers."))
            fig, ax = figs.figure(height=max(2.0, 0.35 * len(table) + 0.9))
            with figs._style():
                ordered = table.iloc[::-1]
                shown_values = {c: 100 * ordered[c] for c in (value_col, "ci_low", "ci_high")}  # points, or %
                ax.barh(ordered[place].astype(str), shown_values[value_col], color=figs.BLUE,
                        xerr=[shown_values[value_col] - shown_values["ci_low"],
                              shown_values["ci_high"] - shown_values[value_col]],
                        error_kw={"ecolor": "#555555", "capsize": 3})
                ax.set_xlabel(f"{label} ({'points' if score == 'nps' else '% of answers'})")
                ax.grid(axis="y", visible=False)
                ax.set_title(f"{label} by {place}")
                if score == "nps":
                    ax.axvline(0, color="#777777", lw=0.8)
            section.parts.append(Figure(fig, f"Bar chart of {label} by {place} with 95% ranges."))
            number = (lambda v: fmt.decimal(100 * v, 1)) if score == "nps" else (lambda v: fmt.decimal(100 * v, 1) + "%")
            section.parts.append(fmt.table(table, {"answers": "int", value_col: number, "ci_low": number,
                                                   "ci_high": number},
                                           labels={"answers": "answers", value_col: label, "ci_low": "95% low",
                                                   "ci_high": "95% high", "small_sample": "small sample"},
                                           name=f"{score}_by_{place}", caption=f"{label} by {place}"))
        if not shown:
            section.skipped = ("the survey file holds no NPS or CSAT answer (every score is missing); add answers "
                               "in an nps or csat column to see it.")
        if "comment" in surveys.columns:
            comments = int(surveys["comment"].fillna("").astype(str).str.strip().ne("").sum())
            section.parts.append(_p(f"{fmt.integer(comments)} answers come with a written comment; they are not "
                                    "shown here.", "note"))
        return section

    # method -----------------------------------------------------------------------------------------------------

    def _method(self) -> Section:

        section = Section("method", "How this report was made", "")
        items = []
        for name in INPUTS:
            if name not in self.sources:
                continue
            source = self.sources[name]
            text = f"{name.capitalize()}: {_e(source.get('file') or 'a table')}"
            if source.get("format") and source["format"] != "contract":
                text += f" (read as {_e(source['format'])})"
            if source.get("columns"):
                text += "; columns " + ", ".join(f"{_e(k)} → {_e(v)}" for k, v in source["columns"].items())
            items.append(text + ".")
        items.append(f"Funnel window {_e(_window_text(self.funnel_window))}; cohorts and trends per "
                     f"{_PERIOD[self.period]}; stage model ‘{_e(self.model.name)}’.")
        items.append(f"Made with journeykit {_e(__version__)} on {fmt.date(pd.Timestamp(_dt.date.today()))}.")
        section.parts.append("<ul class=\"method\">" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
        return section

    # outputs ----------------------------------------------------------------------------------------------------

    def summary(self) -> dict:
        """The report's headline numbers as plain data, the content of ``summary.json``.

        See :func:`summary` for the definitions.

        Examples
        --------
        >>> events = pd.DataFrame({"user_id": ["a", "b"], "event": ["visit"] * 2,
        ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-03 10:00"])})
        >>> Report(events=events).summary()
        {'events': {'users': 2, 'events': 2, 'first': '2025-01-01', 'last': '2025-01-03'}, 'dropped': {}}
        """
        return summary(**self.tables, sources=self.sources)

    def write_outputs(self, folder: str | Path) -> list[Path]:
        """Write every table shown to ``folder/tables/<name>.csv`` and the summary to ``folder/summary.json``.

        Returns
        -------
        list of Path
            The files written.

        Examples
        --------
        >>> import tempfile
        >>> events = pd.DataFrame({"user_id": ["a", "a", "b"], "event": ["visit", "purchase", "visit"],
        ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 11:00",
        ...                                                     "2025-01-02 10:00"])})
        >>> written = Report(events=events).write_outputs(tempfile.mkdtemp())
        >>> sorted(path.name for path in written)[:4]
        ['activity.csv', 'event_names.csv', 'funnel.csv', 'inputs.csv']
        """
        folder = Path(folder)
        (folder / "tables").mkdir(parents=True, exist_ok=True)
        written = []
        for section in self.sections():
            if section.skipped is not None:
                continue
            for name, table in section.tables.items():
                path = folder / "tables" / f"{name}.csv"
                table.to_csv(path, index=False)
                written.append(path)
        path = folder / "summary.json"
        path.write_text(json.dumps(self.summary(), indent=2) + "\n", encoding="utf-8")
        written.append(path)
        return written


def _period_labels(index: pd.PeriodIndex) -> list[str]:
    """Periods named by their start: "2025-03" for months, "2025-03-10" for weeks (from Monday) and days."""
    if index.freqstr.startswith("M"):
        return [f"{p:%Y-%m}" for p in index]
    return [f"{p.start_time:%Y-%m-%d}" for p in index]


def _window_text(window: pd.Timedelta) -> str:
    days = window / pd.Timedelta(days=1)
    if days >= 1 and float(days).is_integer():
        return f"{int(days)} day{'s' if days != 1 else ''}"
    hours = window / pd.Timedelta(hours=1)
    if hours >= 1 and float(hours).is_integer():
        return f"{int(hours)} hour{'s' if hours != 1 else ''}"
    return f"{window / pd.Timedelta(minutes=1):g} minutes"


def summary(events: pd.DataFrame | None = None, orders: pd.DataFrame | None = None,
            surveys: pd.DataFrame | None = None, *, sources: Mapping[str, Mapping] | None = None) -> dict:
    """The machine-readable summary of a report (``summary.json``); a key only for the inputs given.

    Definitions: ``orders`` = distinct orders in the (validated) order table,
    which the importers build from non-cancelled orders that have a customer
    and a value above zero after cancellations; ``customers`` = distinct
    customers with at least one such order; ``revenue`` = their total, net of
    cancellations, rounded to cents; ``first`` / ``last`` = dates of the first
    and last order or event; ``answers`` = survey rows; ``dropped`` = rows
    dropped on reading, per reason, summed over the inputs (from each table's
    import report, or ``sources``).

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["1", "2"], "user_id": ["a", "b"],
    ...                        "timestamp": pd.to_datetime(["2025-01-05 09:00", "2025-02-03 18:00"]),
    ...                        "revenue": [20.0, 0.1 + 0.2]})
    >>> orders.attrs["import_report"] = [{"file": "o.csv", "reason": "lines without CustomerID", "rows": 3}]
    >>> summary(orders=orders)
    {'orders': {'customers': 2, 'orders': 2, 'revenue': 20.3, 'first': '2025-01-05', 'last': '2025-02-03'}, 'dropped': {'lines without CustomerID': 3}}
    """
    out: dict = {}
    dropped: dict[str, int] = {}
    tables = {"events": events, "orders": orders, "surveys": surveys}
    if orders is not None:
        out["orders"] = {"customers": int(orders["user_id"].nunique()), "orders": int(orders["order_id"].nunique()),
                         "revenue": round(float(orders["revenue"].sum()), 2),
                         "first": f"{orders['timestamp'].min():%Y-%m-%d}",
                         "last": f"{orders['timestamp'].max():%Y-%m-%d}"}
    if events is not None:
        out["events"] = {"users": int(events["user_id"].nunique()), "events": int(len(events)),
                         "first": f"{events['timestamp'].min():%Y-%m-%d}",
                         "last": f"{events['timestamp'].max():%Y-%m-%d}"}
    if surveys is not None:
        out["surveys"] = {"answers": int(len(surveys))}
    for name, frame in tables.items():
        if frame is None:
            continue
        records = (sources or {}).get(name, {}).get("import_report")
        for record in (records if records is not None else frame.attrs.get("import_report", [])):
            dropped[record["reason"]] = dropped.get(record["reason"], 0) + int(record["rows"])
    out["dropped"] = dropped
    return out
