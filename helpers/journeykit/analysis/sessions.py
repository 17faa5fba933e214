"""Sessions and web analytics: visits cut by inactivity, and the awareness stage's numbers.

A **session** is a user's run of events without a gap longer than a timeout
(30 minutes by default, the web-analytics convention), or the session id the
log carries. **Bounce rate** is the share of sessions with a single
interaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import SchemaError, unknown_names
from journeykit.io.contract import require_columns, validate_events
from journeykit.io.ordering import first_rows, sort_events, sort_order
from journeykit.params import duration
from journeykit.results import described

__all__ = ["sessionize", "web_analytics"]



@described
def sessionize(events: pd.DataFrame, *, timeout: str | pd.Timedelta = "30min", user_col: str = "user_id",
               time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Split each user's events into sessions after a period of inactivity.

    A new session starts with a user's first event and with every event that
    comes more than ``timeout`` after the user's previous event (30 minutes is
    the web-analytics convention).

    Parameters
    ----------
    events : DataFrame
        Event log (see :func:`journeykit.validate_events`).
    timeout : str or Timedelta, default "30min"
        Inactivity that ends a session, with its unit.
    user_col, time_col, event_col : str
        Names of the user, time and event columns.

    Returns
    -------
    DataFrame
        The validated events in the kit's order (user, time; ties broken as in
        :mod:`journeykit.io.ordering`), with ``session``: an id
        ``"<user_id>#<n>"`` (n = 1, 2, … per user).

    Raises
    ------
    SchemaError
        If the events break the data contract.
    ParameterError
        If ``timeout`` is not a positive duration with a unit (``timeout=30`` is refused: write ``"30min"``).

    Examples
    --------
    >>> events = pd.DataFrame({"user_id": ["a", "a", "a"], "event": ["visit", "view", "visit"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:20",
    ...                                                     "2025-01-01 11:00"])})
    >>> sessionize(events)["session"].tolist()
    ['a#1', 'a#1', 'a#2']
    """
    limit = duration(timeout, "timeout")
    ev = sort_events(validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col))
    user, starts = _session_starts(ev, limit)
    count = np.cumsum(starts)
    first_of_user = np.flatnonzero(np.concatenate([[True], user[1:] != user[:-1]])) if len(ev) else np.arange(0)
    before = np.repeat(count[first_of_user] - 1, np.diff(np.append(first_of_user, len(ev))))
    ev["session"] = ev["user_id"] + "#" + pd.Series(count - before, index=ev.index).astype("str")
    return ev


def _session_starts(ev: pd.DataFrame, limit: pd.Timedelta) -> tuple[np.ndarray, np.ndarray]:
    """For events in the kit's order: each row's user as an integer (increasing), and whether the row starts a
    session (a new user, or more than ``limit`` since the user's previous event)."""
    user = pd.factorize(ev["user_id"])[0]
    time = pd.DatetimeIndex(ev["timestamp"]).as_unit("ns").asi8
    gap = np.diff(time) > limit.value if len(ev) else np.zeros(0, dtype=bool)
    starts = np.concatenate([[True], (user[1:] != user[:-1]) | gap])[:len(ev)]
    return user, starts


@described
def web_analytics(events: pd.DataFrame, *, by: str | None = "channel", session_col: str = "session_id",
                  timeout: str | pd.Timedelta = "30min", entry_events: Sequence[str] | None = None,
                  user_col: str = "user_id", time_col: str = "timestamp", event_col: str = "event") -> pd.DataFrame:
    """Sessions, visitors and bounce rate: the web-analytics view of the awareness stage.

    Sessions come from ``session_col`` when the log has it (rows where it is
    empty, such as deliveries or e-mails, are not web interactions and are left
    out); otherwise they are derived with :func:`sessionize`. A session belongs
    to the ``by`` value of its first event (its traffic source).

    - ``sessions``: number of sessions;
    - ``visitors``: distinct users with a session;
    - ``bounce_rate``: share of sessions with a single interaction;
    - ``events_per_session``: mean interactions per session.

    Parameters
    ----------
    events : DataFrame
        Event log.
    by : str or None, default "channel"
        Column to split sessions by (the value on their first event); None for totals.
    session_col : str, default "session_id"
        Column of session ids, used when present.
    timeout : str or Timedelta, default "30min"
        Inactivity that ends a derived session.
    entry_events : sequence of str, optional
        Only sessions whose first event is one of these count, e.g.
        ``["visit"]`` when the log also holds in-app or offline events that
        are not website visits.

    Returns
    -------
    DataFrame
        One row per ``by`` value (one row in all with ``by=None``).

    Raises
    ------
    SchemaError
        If the events break the data contract, have no ``by`` column, carry an
        empty ``session_col`` on every row, or no session starts with one of ``entry_events``.
    ParameterError
        If ``entry_events`` names an event that does not occur, or ``timeout`` has no unit.

    Examples
    --------
    Two sessions of user a (the second after an hour away), one of user b: a's
    second session and b's session are single-event bounces.

    >>> import pandas as pd
    >>> events = pd.DataFrame({"user_id": ["a", "a", "a", "b"], "event": ["visit", "view", "visit", "visit"],
    ...                        "channel": ["ads", "ads", "search", "search"],
    ...                        "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05",
    ...                                                     "2025-01-01 11:30", "2025-01-01 12:00"])})
    >>> web_analytics(events, by=None).round(3).to_dict("records")
    [{'sessions': 3, 'visitors': 2, 'bounce_rate': 0.667, 'events_per_session': 1.333}]
    >>> web_analytics(events)[["channel", "sessions", "bounce_rate"]]
      channel  sessions  bounce_rate
    0     ads         1          0.0
    1  search         2          1.0
    """
    by = params.column(by, "by", allow_none=True)
    session_col = params.column(session_col, "session_col", allow_none=True)
    entry_events = params.names(entry_events, "entry_events", allow_none=True)
    limit = duration(timeout, "timeout")
    ev = validate_events(events, user_col=user_col, time_col=time_col, event_col=event_col)
    if by is not None:
        require_columns(ev, [by], "events")
    if entry_events is not None:
        unknown_names(entry_events, ev["event"].unique(), "entry_events")
    # integer session codes per row (-1: no session), then each session's first event in the kit's order
    user = pd.factorize(ev["user_id"])[0].astype(np.int64)
    if session_col is not None and session_col in ev.columns:
        present = ev[session_col].notna().to_numpy()
        if not present.any():
            raise SchemaError([f"column {session_col!r} is empty on every row; pass session_col=None to derive "
                               "sessions from inactivity."], "events")
        raw, labels = pd.factorize(ev[session_col])
        label = pd.factorize(pd.Index(labels).astype("str"))[0][raw]  # ids compared as text, as everywhere
        key = np.where(present, user * (int(label.max()) + 1) + label, -1)
        session = np.full(len(ev), -1, dtype=np.int64)
        session[present] = pd.factorize(key[present])[0]  # a session id is one user's session
    else:
        t = pd.DatetimeIndex(ev["timestamp"]).as_unit("ns").asi8
        order = sort_order(user, t)  # gaps between a user's times do not depend on how ties are ordered
        gap = np.diff(t[order]) > limit.value
        starts = np.concatenate([[True], (user[order][1:] != user[order][:-1]) | gap])[:len(ev)]
        session = np.empty(len(ev), dtype=np.int64)
        session[order] = np.cumsum(starts) - 1
        present = np.ones(len(ev), dtype=bool)
    sessions, first = first_rows(ev, np.maximum(session, 0), present)
    columns = ["user_id", "event", *([by] if by is not None else [])]
    per_session = ev[columns].iloc[first].reset_index(drop=True).rename(columns={"event": "first_event"})
    per_session["n"] = np.bincount(session[present], minlength=len(first))
    if entry_events is not None:
        per_session = per_session[per_session["first_event"].isin(entry_events)]
        if per_session.empty:
            raise SchemaError([f"no session starts with one of {entry_events}; check entry_events (sessions "
                               "start with their earliest event)."], "events")
    groups = per_session.groupby(by, dropna=False) if by else per_session.groupby(lambda _: "all")
    out = groups.agg(sessions=("n", "size"), visitors=("user_id", "nunique"),
                     bounce_rate=("n", lambda n: (n == 1).mean()), events_per_session=("n", "mean"))
    return out.reset_index(drop=by is None)
