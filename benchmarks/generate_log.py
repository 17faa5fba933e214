"""Write a large, shop-like event log to a folder of Parquet files, for benchmarks.

Usage, from the repository's top folder with the course environment active::

    python benchmarks/generate_log.py /tmp/scale100m                      # 100 million events, 10 files
    python benchmarks/generate_log.py /tmp/scale1m --events 1000000 --seed 2 --files 2
    python benchmarks/generate_log.py /tmp/scale100m --force              # replace an earlier log

or ``generate_log(folder, events=..., seed=..., files=...)`` from Python. 100 million events take about 34 seconds
on two idle cores (55 with one of them busy elsewhere), with a peak of 0.8 GB of memory, and 0.6 GB on disk.

What it writes
--------------
Exactly ``events`` rows (default 100,000,000) for about one user per 20 events, in ``files`` Parquet files
(default one per 10 million rows; zstd) named ``part-00000.parquet``, ``part-00001.parquet``, ... Each file holds
a range of users, and the rows are sorted by ``user_id``, then ``timestamp`` (then in the order the events
happened, for the rare equal timestamps). The last user is cut short to make the total exact. The columns are
those of the sample shop's ``shop_events`` table, without ``revenue``:

========== ========= ================================================================================
column     type      content
========== ========= ================================================================================
user_id    TEXT      ``'U000000123'``
timestamp  TIMESTAMP naive UTC, whole seconds, from 2025-01-01 to 2026-03-31
event      TEXT      the sample shop's event names (``visit``, ``view_product``, ... ``read_article``)
channel    TEXT      the user's acquisition channel (ads, content, direct, email, referral, search, social)
device     TEXT      ``'mobile'`` (58 % of users) or ``'desktop'``
session_id TEXT      ``'S00000008256'``; NULL for the events outside a visit, as in the sample data
========== ========= ================================================================================

A user's channel and device are the same on all their rows. The same seed gives the same files, byte for byte,
with the same DuckDB version (its ``hash()`` draws the random numbers).

Planted patterns
----------------
The log is random but shaped like the sample shop, so that funnels, retention and segment comparisons computed
on it mean something (and can be tested):

* Users arrive uniformly over the 15 months. Each visits 1, 2 or 3 times a month (one session in each third,
  half or whole of a 30-day month) for a run of consecutive months; the chance to stay another month is 25 %,
  60 % or 85 % depending on the user's loyalty group. Calendar-month retention of a cohort therefore decays from
  about 60 % after one month to 20 % after three and 8 % after six, flattening as the loyal users remain.
* A session is a ``visit`` and up to 9 browsing events (``view_product``, ``search``, ``read_reviews``,
  ``compare_prices``, ``read_article``). 78 % of sessions view a product; about 30 % of those ``add_to_cart``
  (email and referral users more often, social and ads users less), 60 % of carts ``begin_checkout`` and most
  checkouts end in ``purchase``. Counted in users, visit > view_product > add_to_cart > begin_checkout > purchase
  narrows at every step (about 100 : 92 : 48 : 34 : 28).
* The known leak: ``payment_failed`` happens at checkout in 30 % of mobile sessions but 7 % of desktop ones,
  and fewer than half of the failed payments still end in a purchase. About 13 % of mobile users and 3 % of
  desktop users have a payment fail; fewer mobile users than desktop users buy.
* After a purchase, outside the session (no ``session_id``): ``onboarding_email_open`` within a day (35 %),
  ``order_delivered`` one to three days later, then sometimes ``write_review``, ``contact_support``,
  ``return_item`` and ``refer_friend``, all within a week and before the user's next visit.
* Within a session the events are in time order, a few seconds to 9 minutes apart; about one pair of
  consecutive events in 10,000 shares a second.

How it stays fast
-----------------
Everything is DuckDB SQL; every random draw is a byte of a ``hash()`` of a row number and the seed, so any range
of users can be generated on its own and always gives the same rows, whatever the number of threads. A first
pass counts every user's events, which fixes the users of each file and where the last user is cut; then each
file is one ``COPY (SELECT ...) TO`` query, its rows generated in their final order (no sort), on one thread, as
many files at a time as there are cores. Names are ENUMs while generated, and text ids are formatted once per
user and per session, not per event.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import secrets
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np

EVENTS = ("visit", "view_product", "search", "read_reviews", "compare_prices", "add_to_cart", "begin_checkout",
          "payment_failed", "purchase", "order_delivered", "onboarding_email_open", "write_review", "contact_support",
          "refer_friend", "return_item", "read_article")
"""The sample shop's event names; an event's code in the SQL is its position here (16 names: 4 bits)."""

FUNNEL = ("visit", "view_product", "add_to_cart", "begin_checkout", "purchase")
"""The main journey, whose user counts narrow at every step."""

CHANNELS = {"ads": 0.20, "content": 0.08, "direct": 0.15, "email": 0.10, "referral": 0.07, "search": 0.25,
            "social": 0.15}
"""Acquisition channels and their share of users."""

DEVICES = ("desktop", "mobile")
"""Devices; a user's is ``mobile`` with probability ``_P["mobile"]``."""

CART_FACTOR = {"ads": 0.8, "content": 0.9, "direct": 1.1, "email": 1.3, "referral": 1.4, "search": 1.0,
               "social": 0.7}
"""How much more (or less) often than average a channel's users add a viewed product to the cart."""

START = np.datetime64("2025-01-01T00:00:00", "s")
END = np.datetime64("2026-04-01T00:00:00", "s")  # exclusive
EVENTS_PER_USER = 20.0  # about the mean the model gives; only sizes the first pass, which adapts if it is wrong
ROWS_PER_FILE = 10_000_000

_SPAN = int((END - START) / np.timedelta64(1, "s"))
_MONTH = 30 * 86_400  # divisible by 1, 2 and 3 sessions per month
_DAY = 86_400
_HOUR = 3_600
_MAX_MONTHS = 16  # with 3 sessions a month, a user's sessions j < 48 fit the 64 of the session key
_SESSIONS_PER_MONTH = {1: 0.50, 2: 0.30, 3: 0.20}  # share of users visiting 1, 2 or 3 times a month
_LOYALTY = {0.25: 0.50, 0.60: 0.35, 0.85: 0.15}  # chance to stay active the next month: share of users
_MIN_GAP = 20  # seconds between a session's events: _MIN_GAP + 0..255, plus up to as much again at random
_MAX_BROWSING = 9  # a session that views a product browses 1 to 9 times: with 10 more, k < 32 of the event key
_BROWSING = {"view_product": 0.50, "search": 0.15, "read_reviews": 0.15, "compare_prices": 0.10,
             "read_article": 0.10}

# Every probability is a threshold on one byte (0..255) of a hash.
_P = {
    "mobile": 0.58,
    "view": 0.78,  # a session views at least one product
    "cart": 0.30,  # ... adds to cart (times the channel's CART_FACTOR)
    "checkout": 0.60,  # ... begins checkout
    "failed_mobile": 0.30,  # ... has a payment fail, on mobile
    "failed_desktop": 0.07,  # ... on desktop
    "purchase": 0.85,  # ... purchases, when the payment did not fail
    "purchase_after_failure": 0.45,  # ... when it failed first
    "onboarding": 0.35,
    "review": 0.15,
    "support": 0.12,
    "return": 0.06,
    "refer": 0.10,
}

# Events after a purchase, outside the session, in the order they happen: name, earliest and latest time after
# the purchase, and the draw deciding whether it happens (hash column, byte, key of _P), None when it always does.
# Those that would fall after the session's slot (so after the user's next visit: a session starts in the first
# third of its slot of 10, 15 or 30 days) or after the end of the log are left out, so they rarely are.
_AFTER_PURCHASE = (
    ("onboarding_email_open", _HOUR, 20 * _HOUR, ("h2", 5, "onboarding")),
    ("order_delivered", _DAY, 3 * _DAY, None),
    ("write_review", 3 * _DAY, 4 * _DAY, ("h2", 6, "review")),
    ("contact_support", 4 * _DAY, 5 * _DAY, ("h1", 2, "support")),
    ("return_item", 5 * _DAY, 6 * _DAY, ("h1", 4, "return")),
    ("refer_friend", 6 * _DAY, 6 * _DAY + 12 * _HOUR, ("h1", 3, "refer")),
)


def _byte(probability: float) -> int:
    """The threshold a uniform byte (0..255) stays under with ``probability``."""
    return round(256 * probability)


def _code(event: str) -> int:
    """An event's code in the SQL: its position in :data:`EVENTS`."""
    return EVENTS.index(event)


def _case_names(column: str, names: list[str] | tuple[str, ...], enum: str) -> str:
    """SQL turning the integer code ``column`` into the name at that position of ``names``, of ENUM type ``enum``.

    Names are ENUM values rather than text while the log is generated: one byte each instead of a string to
    carry, and written to Parquet as text straight from their dictionary, without hashing every row's string.
    """
    whens = " ".join(f"WHEN {i} THEN '{name}'::{enum}" for i, name in enumerate(names))
    return f"CASE {column} {whens} END"


def _types_sql() -> list[str]:
    """SQL creating the ENUM types of the event, channel and device names."""
    return [f"CREATE TYPE {enum} AS ENUM ({', '.join(repr(name) for name in names)})"
            for enum, names in (("event_name", EVENTS), ("channel_name", CHANNELS), ("device_name", DEVICES))]


def _channel_sql() -> str:
    """SQL drawing a channel code from byte 0 of ``h1``, with the shares of :data:`CHANNELS`."""
    whens, total = [], 0.0
    for code, share in enumerate(list(CHANNELS.values())[:-1]):
        total += share
        whens.append(f"WHEN byte(h1, 0) < {_byte(total)} THEN {code}")
    return f"CASE {' '.join(whens)} ELSE {len(CHANNELS) - 1} END"


def _browsing_sql() -> str:
    """SQL for the browsing event at position ``k`` of a session, from byte 1 of the event's hash ``rh``.

    Sessions that view no product (``viewed`` false) only search and read articles; the others open with
    ``view_product``.
    """
    whens, total = [], 0.0
    for event, share in list(_BROWSING.items())[:-1]:
        total += share
        whens.append(f"WHEN byte(rh, 1) < {_byte(total)} THEN {_code(event)}")
    return (f"CASE WHEN NOT viewed THEN (CASE WHEN rh & 1 = 0 THEN {_code('search')} "
            f"ELSE {_code('read_article')} END) WHEN k = 1 THEN {_code('view_product')} "
            f"{' '.join(whens)} ELSE {_code(list(_BROWSING)[-1])} END")


def _session_slots() -> list[tuple[str, str]]:
    """The events that may follow a session's browsing, in time order, each with the SQL condition for it.

    The conditions use the session's columns: the funnel flags ``cart``, ``checkout``, ``failed``, ``purchase``,
    the purchase time ``tp`` and the end of the session's slot ``slot_end`` (events after a purchase must fall
    before it), and the hashes ``h1``, ``h2`` (one byte of which is the event's own random draw).
    """
    slots = [("add_to_cart", "cart"), ("begin_checkout", "checkout"), ("payment_failed", "failed"),
             ("purchase", "purchase")]
    for name, _, latest, draw in _AFTER_PURCHASE:
        condition = f"purchase AND tp + {latest} <= slot_end"
        if draw is not None:
            hash_column, byte_index, probability = draw
            condition += f" AND byte({hash_column}, {byte_index}) < {_byte(_P[probability])}"
        slots.append((name, condition))
    return slots


def _packed_sql(flags: list[str], codes: list[int]) -> str:
    """SQL packing the codes whose 0/1 ``flags`` are set into one integer, 4 bits each, in order.

    The ``i``-th event present is ``(packed >> 4 * i) & 15``.
    """
    terms, position = [], "0"
    for flag, code in zip(flags, codes):
        terms.append(f"{flag} * ({code}::BIGINT << (4 * ({position})))")
        position = f"{position} + {flag}"
    return " + ".join(terms)


def _stream_bases(seed: int, count: int) -> list[int]:
    """``count`` constants of 62 bits derived from ``seed``, one per stream of random draws."""
    return [int.from_bytes(hashlib.blake2b(f"{int(seed)}:{stream}".encode(), digest_size=8).digest(), "little") >> 2
            for stream in range(count)]


def _users_sql(base: list[int]) -> str:
    """SQL creating ``shop_users(lo, hi)``: one row per user, with its ids, segment and activity."""
    p = {name: _byte(value) for name, value in _P.items()}
    cart_by_channel = " ".join(f"WHEN {code} THEN {_byte(_P['cart'] * factor)}"
                               for code, factor in enumerate(CART_FACTOR[name] for name in CHANNELS))
    per_month = " ".join(f"WHEN byte(h1, 2) < {_byte(share)} THEN {count}" for count, share in
                         zip(_SESSIONS_PER_MONTH, np.cumsum(list(_SESSIONS_PER_MONTH.values()))[:-1]))
    keep = " ".join(f"WHEN byte(h1, 3) < {_byte(share)} THEN {rate}" for rate, share in
                    zip(_LOYALTY, np.cumsum(list(_LOYALTY.values()))[:-1]))
    return f"""
        CREATE OR REPLACE MACRO shop_users(lo, hi) AS TABLE
        WITH drawn AS (
            SELECT range AS u, mix(range, {base[0]}) AS h1, mix(range, {base[1]}) AS h2 FROM range(lo, hi)
        ), coded AS (
            SELECT u, h1, h2, {_channel_sql()} AS channel_code, byte(h1, 1) < {p['mobile']} AS mobile,
                   CASE {per_month} ELSE {list(_SESSIONS_PER_MONTH)[-1]} END AS per_month,
                   CASE {keep} ELSE {list(_LOYALTY)[-1]} END AS keep
            FROM drawn
        )
        SELECT u, 'U' || substr((u + 1000000000)::VARCHAR, 2) AS user_id,
               {_case_names('channel_code', list(CHANNELS), 'channel_name')} AS channel,
               {_case_names('mobile::INTEGER', DEVICES, 'device_name')} AS device, mobile,
               CASE channel_code {cart_by_channel} END AS cart_threshold, per_month,
               LEAST({_MAX_MONTHS}, 1 + floor(ln((byte(h1, 4) * 256 + byte(h1, 5) + 1) / 65537.0) / ln(keep)))::INTEGER
                   AS months,
               h2 % {_SPAN - _DAY} AS t0
        FROM coded
    """


def _sessions_sql(base: list[int]) -> str:
    """SQL creating ``shop_sessions(lo, hi)``: one row per session of the users, with its journey.

    It reads the users from the table ``users`` (``shop_users`` stored), as DuckDB scans a table with all threads
    but runs everything computed from ``range()`` on one.
    """
    p = {name: _byte(value) for name, value in _P.items()}
    slots = _session_slots()
    flags = [f"f_{name}" for name, _ in slots]
    flag_columns = ", ".join(f"({condition})::INTEGER AS f_{name}" for name, condition in slots)
    in_session = " + ".join(f"{flag}::INTEGER" for _, flag in slots[:4])
    return f"""
        CREATE OR REPLACE MACRO shop_sessions(lo, hi) AS TABLE
        WITH numbered AS (
            SELECT *, unnest(range(per_month * months)) AS j, {_MONTH} // per_month AS slot
            FROM users WHERE u >= lo AND u < hi
        ), timed AS (
            SELECT *, start + (1 + browse + {in_session}) * gap AS tp
            FROM (
                SELECT u, user_id, channel, device, j, h1, h2, LEAST(t0 + (j + 1) * slot, {_SPAN}) AS slot_end,
                       t0 + j * slot + CASE WHEN j = 0 THEN 0 ELSE h1 % (slot // 3) END AS start,
                       'S' || substr((u * 64 + j + 100000000000)::VARCHAR, 2) AS session_id,
                       {_MIN_GAP} + byte(h1, 0) AS gap,
                       byte(h2, 0) < {p['view']} AS viewed,
                       viewed AND byte(h2, 1) < cart_threshold AS cart,
                       cart AND byte(h2, 2) < {p['checkout']} AS checkout,
                       checkout AND byte(h2, 3) < CASE WHEN mobile THEN {p['failed_mobile']}
                                                      ELSE {p['failed_desktop']} END AS failed,
                       checkout AND byte(h2, 4) < CASE WHEN failed THEN {p['purchase_after_failure']}
                                                      ELSE {p['purchase']} END AS purchase,
                       CASE WHEN viewed THEN 1 + byte(h1, 1) % {_MAX_BROWSING} ELSE byte(h1, 1) % 3 END AS browse
                FROM (SELECT *, mix(u * 64 + j, {base[2]}) AS h1, mix(u * 64 + j, {base[3]}) AS h2 FROM numbered)
            )
            WHERE start < {_SPAN - _DAY}
        ), flagged AS (
            SELECT *, 1 + browse + {in_session} AS n_in, {flag_columns}
            FROM timed
        )
        SELECT *, {_packed_sql(flags, [_code(name) for name, _ in slots])} AS packed,
               1 + browse + {' + '.join(flags)} AS n_events
        FROM flagged
    """


def _events_sql(base: list[int]) -> str:
    """SQL creating ``shop_events(lo, hi)``: one row per event of the users, in time order."""
    offset_after = " ".join(f"WHEN {_code(name)} THEN {lo}" for name, lo, _, _ in _AFTER_PURCHASE)
    width_after = " ".join(f"WHEN {_code(name)} THEN {hi - lo}" for name, lo, hi, _ in _AFTER_PURCHASE)
    return f"""
        CREATE OR REPLACE MACRO shop_events(lo, hi) AS TABLE
        WITH coded AS (
            SELECT *, CASE WHEN k = 0 THEN {_code('visit')} WHEN k <= browse THEN {_browsing_sql()}
                           ELSE ((packed >> (4 * (k - 1 - browse))) & 15)::INTEGER END AS e
            FROM (
                SELECT *, mix((u * 64 + j) * 32 + k, {base[4]}) AS rh
                FROM (SELECT *, unnest(range(n_events)) AS k FROM shop_sessions(lo, hi))
            )
        )
        SELECT u, j, k, user_id, channel, device, CASE WHEN k < n_in THEN session_id END AS session_id, e,
               CASE WHEN k = 0 THEN start
                    WHEN k < n_in THEN start + k * gap + (rh >> 16) % (gap + 1)
                    ELSE tp + CASE e {offset_after} END + (rh >> 16) % CASE e {width_after} END
               END AS ts
        FROM coded
    """


def _macros_sql(seed: int) -> list[str]:
    """SQL creating the table macros ``shop_users(lo, hi)``, ``shop_sessions(lo, hi)`` and ``shop_events(lo, hi)``.

    Each gives users ``lo`` to ``hi - 1`` (their sessions, their events) computed from row numbers and ``seed``
    alone, so that any range of users can be generated on its own and always gives the same rows, in the same
    order: by user, then by time (session ``j``, event ``k`` in the session).

    Random draws are bytes of ``mix(key, base)``, DuckDB's ``hash()`` of one integer: the row's unique key (user
    ``u``; session ``u * 64 + j``; event ``(u * 64 + j) * 32 + k``) XOR-ed with a per-stream, per-seed constant.
    (``hash(a, b, ...)`` of several values is not used: it combines them by XOR, so that two such hashes differing
    in one argument differ by a constant, and their draws are correlated.) Per user ``h1`` holds bytes 0 channel,
    1 device, 2 sessions per month, 3 loyalty group, 4-5 months active, and ``h2`` the first visit; per session
    ``h1`` the start and bytes 0 pace, 1 browsing length, 2 support, 3 referral, 4 return, and ``h2`` bytes 0-6:
    view, cart, checkout, payment failure, purchase, onboarding email, review; per event ``rh`` the browsing
    event and the time. Hashes are cut to 63 bits, to compute in BIGINT (unsigned 64-bit arithmetic goes through
    128-bit integers, several times slower).
    """
    base = _stream_bases(seed, 5)
    return [*_types_sql(),
            "CREATE OR REPLACE MACRO mix(key, base) AS (hash(xor(key, base)) >> 1)::BIGINT",
            "CREATE OR REPLACE MACRO byte(h, i) AS ((h >> (8 * i)) & 255)::INTEGER",
            _users_sql(base), "CREATE OR REPLACE TABLE users AS SELECT * FROM shop_users(0, 0)",
            _sessions_sql(base), _events_sql(base)]


def _connect(spill_folder: Path, seed: int) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the generator's macros, spilling to ``spill_folder`` if need be."""
    con = duckdb.connect(config={"memory_limit": "3GB", "temp_directory": str(spill_folder),
                                 "preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    for sql in _macros_sql(seed):
        con.execute(sql)
    return con


def _events_per_user(con: duckdb.DuckDBPyConnection, events: int) -> np.ndarray:
    """How many events each of the first users has, for just enough users to reach ``events`` in total.

    Stores a few more users than that in the table ``users``, which the other macros read.

    Returns
    -------
    ndarray of int64
        ``counts[u]`` for users ``0`` to ``n - 1``, the smallest ``n`` with ``counts.sum() >= events``.
    """
    users = math.ceil(events / EVENTS_PER_USER * 1.1) + 1_000
    while True:
        con.execute(f"CREATE OR REPLACE TABLE users AS SELECT * FROM shop_users(0, {users})")
        sessions = con.execute(f"SELECT u, n_events FROM shop_sessions(0, {users})").fetchnumpy()
        counts = np.bincount(sessions["u"], weights=sessions["n_events"], minlength=users).astype(np.int64)
        total = np.cumsum(counts)
        if total[-1] >= events:
            return counts[: np.searchsorted(total, events) + 1]
        users *= 2


def _plan_files(counts: np.ndarray, files: int) -> list[tuple[int, int]]:
    """Split the users into at most ``files`` ranges ``(first, after last)`` of about equal numbers of events."""
    total = np.cumsum(counts)
    targets = np.arange(1, files) * (total[-1] / files)
    after = np.unique(np.searchsorted(total, targets) + 1)  # a user ending past a target ends its file
    edges = [0, *after[after < len(counts)].tolist(), len(counts)]
    return list(zip(edges[:-1], edges[1:]))


def _last_kept(con: duckdb.DuckDBPyConnection, user: int, keep: int) -> tuple[int, int]:
    """Session ``j`` and position ``k`` of the ``keep``-th event of ``user``, the last one the log keeps."""
    query = f"SELECT j, k FROM shop_events({user}, {user + 1}) ORDER BY j, k LIMIT 1 OFFSET {keep - 1}"
    return con.execute(query).fetchone()


def _write_file(con: duckdb.DuckDBPyConnection, path: Path, lo: int, hi: int,
                cut: tuple[int, int] | None = None) -> None:
    """Write the events of users ``lo`` to ``hi - 1`` to ``path``, in the order they are generated.

    ``cut``, the ``(j, k)`` of the last event to keep, stops the last user there. The rows are generated in
    their final order, which DuckDB keeps (``preserve_insertion_order``), so no sort is needed. Ids are stored
    plain rather than dictionary-encoded (the tiny dictionary limit): faster to write and smaller once
    compressed, as hardly any id repeats outside its run of rows.
    """
    epoch = int((START - np.datetime64("1970-01-01T00:00:00", "s")) / np.timedelta64(1, "s"))
    where = "" if cut is None else f"WHERE u < {hi - 1} OR j * 32 + k <= {cut[0] * 32 + cut[1]}"
    target = str(path).replace("'", "''")
    con.execute(f"""
        COPY (
            SELECT user_id, make_timestamp(({epoch} + ts) * 1000000) AS timestamp,
                   {_case_names('e', EVENTS, 'event_name')} AS event, channel, device, session_id
            FROM shop_events({lo}, {hi})
            {where}
        ) TO '{target}' (FORMAT parquet, COMPRESSION zstd, STRING_DICTIONARY_PAGE_SIZE_LIMIT 1000)
    """)


def _check_target(folder: Path, force: bool) -> None:
    """Refuse to write into a non-empty folder unless ``force``, or over a file."""
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise FileExistsError(f"{folder} is not empty; use --force (force=True) to replace it")


def _replace(folder: Path, staging: Path) -> None:
    """Move the finished ``staging`` folder to ``folder``, removing what was there."""
    if folder.is_dir():
        shutil.rmtree(folder)
    staging.rename(folder)


def _write_files(con: duckdb.DuckDBPyConnection, folder: Path, ranges: list[tuple[int, int]],
                 cut: tuple[int, int], workers: int) -> None:
    """Write one file per range of users into ``folder``, ``workers`` files at a time, each on one thread.

    DuckDB writing one file with several threads gathers their batches of rows into Parquet row groups in an
    order that depends on timing: the rows stay the same, but the bytes of the file do not. One thread per file
    (and as many files at once as there are cores) keeps the files identical from run to run.
    """
    con.execute("SET threads = 1")
    last = ranges[-1][1]

    def write(number: int, lo: int, hi: int) -> None:
        with con.cursor() as cursor:
            _write_file(cursor, folder / f"part-{number:05d}.parquet", lo, hi, cut if hi == last else None)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(write, number, lo, hi) for number, (lo, hi) in enumerate(ranges)]
        try:
            for future in futures:
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _write_log(folder: Path, events: int, seed: int, files: int) -> int:
    """Write the log's Parquet files into the (empty) ``folder``; return the number of users."""
    spill = folder / "_spill"
    with _connect(spill, seed) as con:
        counts = _events_per_user(con, events)
        cut = _last_kept(con, len(counts) - 1, events - int(counts[:-1].sum()))
        _write_files(con, folder, _plan_files(counts, files), cut, workers=os.cpu_count() or 1)
    shutil.rmtree(spill, ignore_errors=True)
    return len(counts)


def generate_log(folder: str | Path, events: int = 100_000_000, seed: int = 1, files: int | None = None,
                 force: bool = False) -> dict:
    """Write a shop-like event log of exactly ``events`` rows to a folder of Parquet files.

    The files are written into a temporary folder next to ``folder`` and moved into place at the end, so a run
    that fails leaves nothing half-written. See the module docstring for the columns and the planted patterns.

    Parameters
    ----------
    folder : str or Path
        Where to write ``part-00000.parquet``, ``part-00001.parquet``, ...; created if missing.
    events : int
        Number of rows (events); the number of users follows, about ``events / 20``.
    seed : int
        Same seed, same files (content and row order).
    files : int, optional
        Number of files; default one per 10 million events. Fewer when there are fewer users than files.
    force : bool
        Replace ``folder`` when it is not empty (only once the new log is complete).

    Returns
    -------
    dict
        ``folder``, ``rows``, ``users``, ``files``, ``seconds`` (wall time) and ``bytes`` (size of the files).

    Raises
    ------
    FileExistsError
        If ``folder`` is not empty and ``force`` is false.
    NotADirectoryError
        If ``folder`` is a file.
    ValueError
        If ``events`` or ``files`` is less than 1.
    """
    if events < 1:
        raise ValueError(f"events must be at least 1, got {events}")
    if files is not None and files < 1:
        raise ValueError(f"files must be at least 1, got {files}")
    started = time.perf_counter()
    folder = Path(folder).absolute()
    _check_target(folder, force)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.partial-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()  # not tempfile.mkdtemp: the folder keeps the usual permissions once renamed
    try:
        users = _write_log(staging, events, seed, files or max(1, round(events / ROWS_PER_FILE)))
        written = sorted(staging.glob("*.parquet"))
        size = sum(path.stat().st_size for path in written)
        _replace(folder, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {"folder": str(folder), "rows": events, "users": users, "files": len(written),
            "seconds": round(time.perf_counter() - started, 2), "bytes": size}


def main(argv: list[str] | None = None) -> int:
    """The command line: write the log, print its figures; exit status 2 if the folder is taken."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="The planted patterns are described in the module's docstring.")
    parser.add_argument("folder", type=Path, help="folder to write the Parquet files to")
    parser.add_argument("--events", type=int, default=100_000_000, help="number of events (default 100,000,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--files", type=int, help="number of files (default one per 10 million events)")
    parser.add_argument("--force", action="store_true", help="replace the folder if it is not empty")
    args = parser.parse_args(argv)
    try:
        result = generate_log(args.folder, events=args.events, seed=args.seed, files=args.files, force=args.force)
    except (FileExistsError, NotADirectoryError, ValueError) as error:
        print(f"generate_log: {error}", file=sys.stderr)
        return 2
    print(f"{result['rows']:,} rows, {result['users']:,} users, {result['files']} files in {result['folder']}: "
          f"{result['seconds']:.1f} s, {result['bytes'] / 1e9:.2f} GB on disk")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
