"""Read the exports people actually have and map them onto the data contract.

Every importer reads one file (CSV, compressed or not, or Parquet), keeps only
the columns it needs, maps them onto the contract of :mod:`journeykit.schema`,
and returns a validated table. What it dropped and why is in
``df.attrs["import_report"]`` (see :func:`import_report`).

=====================================  =======================================================
importer                               reads
=====================================  =======================================================
:func:`read_events`                    any event log, with a column mapping
:func:`read_ga4`                       a GA4-style flattened event export
:func:`read_product_analytics`         Mixpanel- or Amplitude-like JSON lines
:func:`read_online_retail`             an invoice-line table like the UCI Online Retail data
:func:`read_shopify_orders`            a Shopify-like orders export
:func:`read_orders`                    any order table, with a column mapping
:func:`read_surveys`                   a survey export with NPS and/or CSAT columns
=====================================  =======================================================

How files are read
------------------
- **Format from the content.** A file starting with Parquet's magic bytes is
  read as Parquet whatever its name; gzip, bz2, xz and zip compression are
  recognised the same way. A file named ``.parquet`` (or ``.gz``, ...) that is
  not one is refused.
- **Ids are text.** User, order and session ids are read as text, never
  through a float: ``"017850"`` keeps its leading zero, ``17850`` stays
  ``"17850"`` and ``"17850.0"`` stays ``"17850.0"``. Numeric ids in Parquet
  or JSON become their digits.
- **Every error names the file** (and the column as your file names it):
  a missing path raises :class:`journeykit.errors.MissingFileError`; a file that
  cannot be read as a table (a folder, empty, truncated, another encoding,
  another separator, rows with too many fields) raises
  :class:`journeykit.errors.ReadError`; a table that breaks the contract raises
  :class:`journeykit.SchemaError` with example rows and the fix.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import gzip
import io
import itertools
import json
import lzma
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from journeykit import params
from journeykit.errors import MissingFileError, ParameterError, ReadError, SchemaError, did_you_mean
from journeykit.errors import examples as _examples
from journeykit.schema import DEFAULT_TZ, validate_events, validate_orders, validate_surveys
from journeykit.timestamps import TimeOptions, parse_timestamps

__all__ = ["read_events", "read_ga4", "read_product_analytics", "read_online_retail", "read_shopify_orders",
           "read_orders", "read_surveys", "import_report", "channel_from_source"]

_CHANNEL_RULES = [  # (pattern on "source / medium", channel), first match wins
    (r"\b(?:cpc|ppc|paid|display|cpm|ads?)\b", "ads"),
    (r"\b(?:e-?mail|newsletter)\b", "email"),
    (r"\b(?:facebook|instagram|tiktok|pinterest|twitter|x\.com|linkedin|social|youtube)\b", "social"),
    (r"\b(?:organic|google|bing|duckduckgo|yahoo|ecosia)\b", "search"),
    (r"\b(?:referral|affiliate|partner)\b", "referral"),
    (r"\b(?:blog|content)\b", "content"),
    (r"\(direct\)|\(none\)|\bdirect\b|^\s*/?\s*$", "direct"),
]


def channel_from_source(source: pd.Series, medium: pd.Series | None = None) -> pd.Series:
    """Map traffic source and medium values onto the course's channels.

    Rules, first match wins, on ``"source / medium"`` in lower case: paid
    (cpc, ppc, paid, display, ads) → ``ads``; e-mail or newsletter → ``email``;
    social networks → ``social``; organic or a search engine → ``search``;
    referral, affiliate or partner → ``referral``; blog or content →
    ``content``; (direct), (none) or empty → ``direct``; anything else →
    ``other``.

    Examples
    --------
    >>> channel_from_source(pd.Series(["google", "facebook", "newsletter", "(direct)"]),
    ...                     pd.Series(["organic", "paid", "email", "(none)"])).tolist()
    ['search', 'ads', 'email', 'direct']
    """
    text = source.fillna("").astype(str).str.lower()
    if medium is not None:
        text = text + " / " + medium.fillna("").astype(str).str.lower()
    conditions = [text.str.contains(pattern, regex=True) for pattern, _ in _CHANNEL_RULES]
    return pd.Series(np.select(conditions, [c for _, c in _CHANNEL_RULES], default="other"), index=source.index)


# ---------------------------------------------------------------------------
# Shared plumbing: one way to open, sniff and read a file
# ---------------------------------------------------------------------------

_EXAMPLES = 3
_CHUNK_ROWS = 250_000  # rows parsed at a time; only the needed columns of each chunk are kept
_HEAD_BYTES = 65_536
_COMPRESSION_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"PK\x03\x04", "zip"),
                      (b"(\xb5/\xfd", "zstd"))
_COMPRESSION_SUFFIX = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bz2", ".xz": "xz", ".zip": "zip", ".zst": "zstd"}
_PARQUET_SUFFIXES = {".parquet", ".parq", ".pq"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls workbooks
_SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
_DAMAGED = (EOFError, zlib.error, zipfile.BadZipFile, lzma.LZMAError, gzip.BadGzipFile)
_WHERE = "it is relative to the folder the notebook or command runs in"


def _path(path: object) -> Path:
    """The file to read: it must exist and be a file. Raises MissingFileError or ReadError naming it."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path must be a file path (a str or Path), got {type(path).__name__} {path!r}.",
                             "path")
    if not str(path).strip():
        raise ParameterError("path is empty; give the file to read, e.g. 'data/events.csv'.", "path")
    p = Path(path).expanduser()
    if not p.exists():
        where = f"{_WHERE}: {Path.cwd()}" if not p.is_absolute() else _WHERE.replace("relative to", "not relative to")
        hint = ""
        if p.parent.is_dir():
            names = [entry.name for entry in itertools.islice(p.parent.iterdir(), 2000)]
            close = did_you_mean(p.name, names)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise MissingFileError(path, f"no such file.{hint} Check the path ({where}).")
    if p.is_dir():
        raise ReadError(path, "is a folder, not a file; pass the file itself, e.g. "
                              f"{str(Path(path) / 'events.csv')!r}.")
    if not p.is_file():
        raise ReadError(path, "is not a regular file (a device, pipe or socket); pass a CSV or Parquet file.")
    return p


@contextlib.contextmanager
def _about(path: object) -> Iterator[None]:
    """Name the file in a ParameterError raised while checking the arguments of a reader."""
    try:
        yield
    except ParameterError as error:
        raise ParameterError(f"reading {path}: {error}", error.parameter) from None


def _check_sep(sep: object) -> str:
    if not isinstance(sep, str) or len(sep) != 1 or sep in "\"\r\n":
        raise ParameterError(f"sep must be one character such as ',', ';', '\\t' or '|', got {sep!r}.", "sep")
    return sep


def _check_encoding(encoding: object) -> str:
    if not isinstance(encoding, str):
        raise ParameterError(f"encoding must be the name of an encoding such as 'utf-8' or 'cp1252', got "
                             f"{type(encoding).__name__} {encoding!r}.", "encoding")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ParameterError(f"encoding={encoding!r} is not an encoding Python knows; use e.g. 'utf-8', 'cp1252' "
                             "(Excel on Windows) or 'latin-1'.", "encoding") from None
    return "utf-8-sig" if name == "utf-8" else name  # a UTF-8 byte-order mark is not part of the first column name


def _shown_columns(columns: Sequence[object], limit: int = 12) -> str:
    columns = [str(c) for c in columns]
    return ", ".join(map(repr, columns[:limit])) + (", ..." if len(columns) > limit else "") or "(none)"


class _Source:
    """A file opened for reading: its format and compression (from its content) and its header.

    Reading is split in two: the header first (cheap, so that a missing column
    is reported before the rows are parsed), then the rows once, keeping only
    the columns asked for.
    """

    def __init__(self, path: object, *, sep: str = ",", encoding: str = "utf-8", expect: str = "table") -> None:
        self.shown = str(path)
        with _about(path):
            self.sep = _check_sep(sep)
            self.encoding = _check_encoding(encoding)
        self.path = _path(path)
        self.name = self.path.name
        self.kind = "csv"
        self.compression: str | None = None
        self.member: str | None = None
        self.header: list[str] = []
        self._sniff(expect)

    # -- errors -----------------------------------------------------------------------------

    def error(self, message: str) -> ReadError:
        return ReadError(self.shown, message)

    def damaged(self, exc: BaseException) -> ReadError:
        detail = str(exc).strip() or type(exc).__name__
        kind = f"{self.compression}: " if self.compression else ""
        return self.error(f"the compressed file is truncated or damaged ({kind}{detail}); "
                          "the download or export was probably cut short. Download or export it again.")

    def decode_error(self) -> ReadError:
        """Where the first byte that is not in the file's encoding is, and what to do about it."""
        shown_encoding = "UTF-8" if self.encoding == "utf-8-sig" else self.encoding
        decoder = codecs.getincrementaldecoder(self.encoding)()
        offset = 0
        try:
            with self.binary() as handle:
                for number, line in enumerate(handle, start=1):
                    pending = len(decoder.getstate()[0])
                    try:
                        decoder.decode(line)
                    except UnicodeDecodeError as exc:
                        position = offset - pending + exc.start
                        bad = exc.object[exc.start:exc.end][:4]
                        text = line.decode(self.encoding, errors="backslashreplace").rstrip("\r\n")
                        return self.error(
                            f"byte {'0x' + bad.hex() if bad else '?'} at position {position:,} (line {number}: "
                            f"{text[:80]!r}) is not valid {shown_encoding}; the file is in another encoding. "
                            "Pass encoding='cp1252' (Excel on Windows) or encoding='latin-1', or save the file "
                            "as 'CSV UTF-8' and read it again.")
                    offset += len(line)
        except _DAMAGED as exc:
            return self.damaged(exc)
        return self.error(f"the file is not valid {shown_encoding} text. Pass encoding= with its encoding, e.g. "
                          "encoding='cp1252' or encoding='latin-1'.")

    # -- opening ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def binary(self) -> Iterator[io.BufferedIOBase]:
        """The file's bytes, decompressed."""
        with contextlib.ExitStack() as stack:
            if self.compression == "gzip":
                handle = stack.enter_context(gzip.open(self.path, "rb"))
            elif self.compression == "bz2":
                handle = stack.enter_context(bz2.open(self.path, "rb"))
            elif self.compression == "xz":
                handle = stack.enter_context(lzma.open(self.path, "rb"))
            elif self.compression == "zip":
                archive = stack.enter_context(zipfile.ZipFile(self.path))
                handle = stack.enter_context(archive.open(self.member))
            elif self.compression == "zstd":
                try:
                    import zstandard
                except ImportError:
                    raise self.error("is compressed with Zstandard, which needs the 'zstandard' package; install "
                                     "it (pip install zstandard) or decompress the file first.") from None
                raw = stack.enter_context(open(self.path, "rb"))
                handle = stack.enter_context(zstandard.ZstdDecompressor().stream_reader(raw))
            else:
                handle = stack.enter_context(open(self.path, "rb"))
            yield handle

    def _sniff(self, expect: str) -> None:
        try:
            size = self.path.stat().st_size
            with open(self.path, "rb") as raw:
                magic = raw.read(8)
        except OSError as exc:
            raise self.error(f"cannot be opened ({exc.strerror or exc}).") from None
        if size == 0:
            raise self.error("the file is empty (0 bytes); there is no table to read. Check that the export "
                             "finished and that you gave the right file.")
        suffix = self.path.suffix.lower()
        if magic.startswith(b"PAR1"):
            if expect == "jsonl":
                raise self.error("is a Parquet file; read_product_analytics reads JSON lines (one JSON object per "
                                 "line). Read it with read_events(path, columns=...) instead.")
            self.kind = "parquet"
            self.header = self._parquet_header()
            return
        if suffix in _PARQUET_SUFFIXES:
            raise self.error(f"is named {suffix} but is not a Parquet file (it starts with {magic[:8]!r}, not "
                             "b'PAR1'). If it is CSV, rename it to .csv; otherwise export it again as Parquet.")
        if magic.startswith(_OLE_MAGIC):
            raise self._excel()
        self.compression = next((kind for prefix, kind in _COMPRESSION_MAGIC if magic.startswith(prefix)), None)
        claimed = _COMPRESSION_SUFFIX.get(suffix)
        if claimed is not None and claimed != self.compression:
            raise self.error(f"is named {suffix} but is not {claimed}-compressed (it starts with {magic[:8]!r}). "
                             "Rename it to what it is (e.g. .csv) or compress it again.")
        if self.compression == "zip":
            self.member = self._zip_member()
        head = self._head()
        if not head.strip():
            raise self.error("the file holds no data once decompressed (no header, no rows)." if self.compression
                             else "the file holds only blank lines; there is no table to read.")
        encoding = self.encoding.replace("-sig", "")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not encoding.startswith("utf-16"):
            raise self.error("is UTF-16 text (it starts with a UTF-16 byte-order mark, as Excel's 'Unicode text' "
                             "export does); pass encoding='utf-16' (and sep='\\t' if it is tab-separated).")
        if b"\x00" in head and not encoding.startswith(("utf-16", "utf-32")):
            raise self.error("does not look like a text (CSV) file: it holds binary data (NUL bytes). Export the "
                             "table as CSV or Parquet.")
        if expect == "table":
            if head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] in (b"{", b"["):
                raise self.error("looks like JSON, not CSV. For Mixpanel or Amplitude JSON lines use "
                                 "jk.read_product_analytics; otherwise load it with pd.read_json and check it with "
                                 "jk.validate_events (or validate_orders, validate_surveys).")
            self.header = self._csv_header()

    def _excel(self) -> ReadError:
        return self.error("is an Excel workbook, not CSV or Parquet. Save the sheet as 'CSV UTF-8' in Excel, or load "
                          "it with pd.read_excel(path) and check it with jk.validate_events (or validate_orders, "
                          "validate_surveys).")

    def _zip_member(self) -> str:
        try:
            with zipfile.ZipFile(self.path) as archive:
                names = archive.namelist()
        except _DAMAGED as exc:
            raise self.damaged(exc) from None
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            raise self._excel()
        data = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX/")
                and Path(n).name not in (".DS_Store", "Thumbs.db")]
        if not data:
            raise self.error("is a zip archive with no file in it; there is no table to read.")
        if len(data) > 1:
            raise self.error(f"is a zip archive with {len(data)} files ({_shown_columns(data, 5)}); it must hold "
                             "exactly one table. Extract the one you mean and pass it.")
        return data[0]

    def _head(self) -> bytes:
        try:
            with self.binary() as handle:
                return handle.read(_HEAD_BYTES)
        except _DAMAGED as exc:
            raise self.damaged(exc) from None
        except OSError as exc:
            raise (self.damaged(exc) if self.compression else self.error(f"cannot be read ({exc}).")) from None

    def _parquet_header(self) -> list[str]:
        import pyarrow
        import pyarrow.parquet as pq

        try:
            names = pq.read_schema(self.path).names
        except (pyarrow.ArrowException, OSError, ValueError) as exc:
            raise self.error(f"starts like a Parquet file but cannot be read as one ({str(exc).strip()}); it is "
                             "probably truncated or damaged. Export it again.") from None
        return [str(n) for n in names if not str(n).startswith("__index_level_")]

    def _csv_header(self) -> list[str]:
        """The first record (the column names), checked against the second (the first row)."""
        try:
            with self.binary() as handle:
                text = io.TextIOWrapper(handle, encoding=self.encoding, newline="")
                records = (r for r in csv.reader(text, delimiter=self.sep) if r)
                header = next(records, None)
                try:
                    first = next(records, None)
                except csv.Error:  # e.g. a field longer than the csv module's limit: pandas reads it
                    first = None
                text.detach()
        except UnicodeDecodeError:
            raise self.decode_error() from None
        except csv.Error as exc:
            raise self.error(f"the header cannot be parsed as CSV ({exc}).") from None
        except _DAMAGED as exc:
            raise self.damaged(exc) from None
        if header is None:
            raise self.error("the file holds only blank lines; there is no table to read.")
        hint = re.fullmatch(r"sep=(.)", self.sep.join(header).strip())
        if hint:
            raise self.error(f"the first line, {hint.group(0)!r}, is Excel's separator hint, not a header. Delete "
                             f"that line and pass sep={hint.group(1)!r}.")
        if len(header) == 1:
            found = {s: header[0].count(s) for s in _SEPARATORS if s != self.sep and s in header[0]}
            if found:
                guess = max(found, key=found.get)
                raise self.error(
                    f"the header is one column, {header[0][:70]!r}, which holds {_SEPARATORS[guess]}: the file seems "
                    f"to be separated by {_SEPARATORS[guess]}, not {_SEPARATORS.get(self.sep, repr(self.sep))}. "
                    f"Pass sep={guess!r}.")
        if first is not None and len(first) > len(header):
            raise self.error(
                f"line 2 has {len(first)} fields but the header has {len(header)}; a value probably holds the "
                f"separator {self.sep!r} without quotes around it, or the header lacks a column name. Put quotes "
                "around such values (\"Smith, John\") or fix the header, then read the file again.")
        return header

    # -- reading ----------------------------------------------------------------------------

    def read(self, columns: Sequence[str], text: Sequence[str] = ()) -> pd.DataFrame:
        """The rows of ``columns`` (names of the header, each once), those in ``text`` read as text."""
        columns = list(columns)
        text = set(text)
        frame = self._read_parquet(columns, text) if self.kind == "parquet" else self._read_csv(columns, text)
        if len(frame) == 0:
            raise self.error("has a header but no rows: the table is empty. Check that the export finished and "
                             "that no filter removed every row.")
        return frame

    def _read_parquet(self, columns: list[str], text: set[str]) -> pd.DataFrame:
        import pyarrow

        try:
            frame = pd.read_parquet(self.path, columns=columns)
        except (pyarrow.ArrowException, OSError, ValueError) as exc:
            raise self.error(f"cannot be read as Parquet ({str(exc).strip()}); it is probably truncated or "
                             "damaged. Export it again.") from None
        for column in text:
            frame[column] = _digits(frame[column])
        return frame.reset_index(drop=True)

    def _read_csv(self, columns: list[str], text: set[str]) -> pd.DataFrame:
        # Every column is parsed (pandas checks the number of fields per row only then); only the
        # wanted ones are kept, chunk by chunk. Positional names sidestep pandas' renaming of
        # repeated column names.
        positions = [self.header.index(c) for c in columns]
        names = [f"_{i}" for i in range(len(self.header))]
        dtype = {names[p]: "str" for p, c in zip(positions, columns) if c in text}
        parts = []
        try:
            with warnings.catch_warnings(), self.binary() as handle:
                warnings.simplefilter("error", pd.errors.ParserWarning)
                warnings.simplefilter("ignore", pd.errors.DtypeWarning)
                reader = pd.read_csv(handle, sep=self.sep, encoding=self.encoding, header=0, names=names,
                                     index_col=False, dtype=dtype, chunksize=_CHUNK_ROWS)
                with reader:
                    for chunk in reader:
                        parts.append(chunk.iloc[:, positions])
        except pd.errors.ParserWarning:
            raise self.error(f"its rows have more fields than the header ({len(self.header)} columns); a value "
                             f"probably holds the separator {self.sep!r} without quotes, or the header lacks a "
                             "column name. Fix the header or quote such values.") from None
        except pd.errors.ParserError as exc:
            raise self._parser_error(exc) from None
        except pd.errors.EmptyDataError:
            raise self.error("the file is empty; there is no table to read.") from None
        except UnicodeDecodeError:
            raise self.decode_error() from None
        except _DAMAGED as exc:
            raise self.damaged(exc) from None
        except OSError as exc:
            raise (self.damaged(exc) if self.compression else self.error(f"cannot be read ({exc}).")) from None
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype="str" if c in text else "object") for c in columns})
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        frame.columns = columns
        return frame

    def _parser_error(self, exc: Exception) -> ReadError:
        message = str(exc).strip()
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
        if fields:
            expected, line, saw = fields.groups()
            return self.error(f"line {line} has {saw} fields but the header has {expected}; a value probably holds "
                              f"the separator {self.sep!r} without quotes around it. Put quotes around such values "
                              "(\"Smith, John\") or remove the extra separators, then read the file again.")
        quote = re.search(r"EOF inside string starting at row (\d+)", message)
        if quote:
            return self.error(f"a quoted value starting on line {int(quote.group(1)) + 1} is never closed (a '\"' "
                              "without its closing quote), so the rest of the file would be read as one value. Fix "
                              "the quotes on that line.")
        return self.error(f"cannot be parsed as CSV ({message.removeprefix('Error tokenizing data. ')}).")


def _digits(values: pd.Series) -> pd.Series:
    """A column stored as numbers (Parquet) as text: whole numbers become their digits, never ``"17850.0"``.

    Numbers with a fraction, or too large for a float to hold exactly, are
    left as they are, so that the validators refuse them as ids; text and
    mixed columns are left to the validators too.
    """
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return values
    if pd.api.types.is_integer_dtype(dtype):
        return values.astype("str")
    if pd.api.types.is_float_dtype(dtype):
        present = values.dropna()
        whole = np.isfinite(present) & (present % 1 == 0) & (present.abs() <= 2**53)
        if whole.all():
            out = pd.Series(np.nan, index=values.index, dtype="str")
            out[present.index] = present.astype("int64").astype("str")
            return out
    return values


def _read_table(source: _Source, columns: Sequence[str], text: Sequence[str] = ()) -> pd.DataFrame:
    """Read ``columns`` of the source once; the shared entry point of every CSV and Parquet reader."""
    return source.read(columns, text)


def _header(source: _Source) -> list[str]:
    """The file's column names, read without reading its rows."""
    return list(source.header)


def _require(source: _Source, columns: Sequence[str], hint: str = "") -> None:
    """Refuse a file whose header lacks any of ``columns``, with the closest names it has."""
    header = _header(source)
    problems = []
    pairs: dict[str, str] = {}  # the file's closest free column → the missing one
    for column in columns:
        if column not in header:
            close = did_you_mean(column, header)
            near = f" Closest: {', '.join(map(repr, close))}." if close else ""
            problems.append(f"column {column!r} not found in {source.name}; its columns are: "
                            f"{_shown_columns(header)}.{near}{hint}")
            free = [c for c in close if c not in columns and c not in pairs]
            if free:
                pairs[free[0]] = column
    if problems:
        fix = None
        if len(pairs) == len(problems):
            fix = (f"if your columns mean these, pass columns={pairs!r}; each pair is only the closest name, so "
                   "check it against your export's documentation first.")
        raise SchemaError(problems, source.name, fix=fix)


def _check_unique(source: _Source, columns: Sequence[str]) -> None:
    header = _header(source)
    repeated = sorted({c for c in columns if header.count(c) > 1})
    if repeated:
        raise SchemaError([f"column {c!r} appears {header.count(c)} times in the header of {source.name}; which "
                           "one to read would be a guess. Rename or remove the extra ones." for c in repeated],
                          source.name)


def _plan(source: _Source, mapping: object, required: Sequence[str], optional: Sequence[str] = (),
          one_of: Sequence[Sequence[str]] = ()) -> dict[str, str]:
    """Which column of the file becomes which contract column: ``{contract column: file column}``.

    A file column is taken under its own name when it is a contract column, or
    under the name ``mapping`` gives it. Refused, all problems at once: a
    mapping onto something that is not a contract column, two file columns
    onto one contract column, a mapped column the file does not have, a
    column present both under its contract name and through the mapping,
    a required column found neither way, and repeated names in the header.
    """
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, Mapping):
        raise ParameterError(f"{source.name}: columns must be a mapping your column → contract column, e.g. "
                             f"{{'customer': 'user_id'}}, got {type(mapping).__name__} {mapping!r}.", "columns")
    header = _header(source)
    allowed = list(dict.fromkeys([*required, *optional]))
    problems: list[str] = []
    for src, dst in mapping.items():
        if not isinstance(src, str) or not isinstance(dst, str):
            problems.append(f"columns={{{src!r}: {dst!r}}}: both names must be text (str).")
        elif dst not in allowed:
            close = did_you_mean(dst, allowed)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"columns maps {src!r} onto {dst!r}{hint}, which is not a contract column; map your "
                            f"columns onto {_shown_columns(allowed, 20)}.")
    mapping = {src: dst for src, dst in mapping.items() if isinstance(src, str) and dst in allowed}
    targets: dict[str, list[str]] = {}
    for src, dst in mapping.items():
        targets.setdefault(dst, []).append(src)
    for dst, sources in targets.items():
        if len(sources) > 1:
            every = "both" if len(sources) == 2 else "all"
            problems.append(f"columns maps {' and '.join(map(repr, sources))} {every} onto {dst!r}; one contract "
                            "column can come from only one of your columns. Keep one of them.")
    for src, dst in mapping.items():
        if src not in header:
            close = did_you_mean(src, header)
            hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
            problems.append(f"mapped column {src!r} is not in {source.name}{hint}; its columns are: "
                            f"{_shown_columns(header)}.")
        elif src != dst and dst in header and dst not in mapping:
            problems.append(f"{source.name} has both {src!r} (mapped onto {dst!r} by columns=) and a column "
                            f"called {dst!r}; which one is {dst!r} would be a guess. Remove {{{src!r}: {dst!r}}} "
                            f"from columns= to use the file's {dst!r}, or rename or drop that column.")
    plan = {dst: src for src, dst in mapping.items() if src in header}
    for column in allowed:
        if column not in plan and column in header and column not in mapping:
            plan[column] = column
    for column in required:
        if column not in plan and column not in targets:
            close = [c for c in did_you_mean(column, header, cutoff=0.5) if c not in mapping]
            yours = close[0] if close else "<your column>"
            problems.append(f"column {column!r} not found in {source.name}; its columns are: "
                            f"{_shown_columns(header)}. Map yours with columns={{{yours!r}: {column!r}}}.")
    for group in one_of:
        if not any(c in plan or c in targets for c in group):
            problems.append(f"none of {' or '.join(map(repr, group))} found in {source.name}; its columns are: "
                            f"{_shown_columns(header)}. Map yours with columns={{'<your column>': {group[0]!r}}}.")
    if problems:
        raise SchemaError(problems, source.name)
    _check_unique(source, list(plan.values()))
    return plan


def _report(frame: pd.DataFrame, path: Path, rows_read: int, dropped: Mapping[str, int]) -> pd.DataFrame:
    # plain records, not a DataFrame: pandas compares attrs when combining frames
    frame.attrs["import_report"] = [{"file": path.name, "reason": reason, "rows": int(n)}
                                    for reason, n in dropped.items() if n]
    frame.attrs["rows_read"] = int(rows_read)
    return frame


def import_report(frame: pd.DataFrame) -> pd.DataFrame:
    """What an importer dropped from the file and why: ``file``, ``reason``, ``rows`` (empty if nothing)."""
    return pd.DataFrame(frame.attrs.get("import_report", []), columns=["file", "reason", "rows"])


_PARAM_TO_COLUMN = {"user_col": "user_id", "time_col": "timestamp", "event_col": "event", "order_col": "order_id",
                    "revenue_col": "revenue", "nps_col": "nps", "csat_col": "csat", "touchpoint_col": "touchpoint",
                    "stage_col": "stage", "comment_col": "comment"}


def _importer_hint(problem: str) -> str:
    """Validators suggest ``user_col='x'``; an importer takes a column mapping instead."""
    def mapping(match: re.Match) -> str:
        param, column = match.group(1), match.group(2)
        return f"Map your column with columns={{{column!r}: {_PARAM_TO_COLUMN.get(param, param)!r}}}."
    return re.sub(r"Pass (\w+_col)='([^']*)'\.", mapping, problem)


def _user_names(problem: str, names: Mapping[str, str]) -> str:
    """Name the columns as the file does: ``column 'timestamp'`` → ``column 'when'`` when 'when' was mapped."""
    renamed = {contract: user for contract, user in names.items() if user != contract}
    if not renamed:
        return problem
    pattern = re.compile(r"(column |subset=\[|df\[|\{)'(" + "|".join(map(re.escape, renamed)) + r")'")
    return pattern.sub(lambda m: m.group(1) + repr(renamed[m.group(2)]), problem)


def _validated(validator, frame: pd.DataFrame, source: _Source, options: TimeOptions | None = None,
               names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Run a contract validator, naming the file (and the file's column names) in any error."""
    times = {} if options is None else {"time_format": options.time_format, "dayfirst": options.dayfirst,
                                        "input_tz": options.input_tz, "output_tz": options.output_tz,
                                        "ambiguous": options.ambiguous, "nonexistent": options.nonexistent}
    try:
        return validator(frame, **times)
    except SchemaError as error:
        raise SchemaError([_user_names(_importer_hint(p), names or {}) for p in error.problems],
                          source.name) from None
    except ParameterError as error:
        raise ParameterError(f"{source.name}: {error}", error.parameter) from None


def _options(shown: object, time_format: str | None, dayfirst: bool | None, input_tz: str | None, tz: str | None,
             ambiguous: str = "raise", nonexistent: str = "raise") -> TimeOptions:
    """The reader's time options, checked before the file is read; ``tz`` is the old name of ``input_tz``."""
    if tz is not None:
        warnings.warn("tz= is deprecated for readers; it is the zone of the file's naive times, so write "
                      "input_tz=.", FutureWarning, stacklevel=3)
        input_tz = tz
    with _about(shown):
        return TimeOptions(time_format=time_format, dayfirst=dayfirst, input_tz=input_tz, output_tz=DEFAULT_TZ,
                           ambiguous=ambiguous, nonexistent=nonexistent)


def _parse_times(values: pd.Series, options: TimeOptions, source: _Source, column: str) -> pd.Series:
    """Parse a timestamp column by the kit's rules, naming the file in any error."""
    parsed, problems = parse_timestamps(values, column, options)
    if problems:
        raise SchemaError([_importer_hint(p) for p in problems], source.name)
    return parsed


def _numbers(values: pd.Series, source: _Source, column: str, *, whole: bool = False,
             required: bool = True) -> pd.Series:
    """A numeric column of the file; text that is not a number (or missing values, when required) is refused."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        present = values.notna()  # parsed as numbers already: no text to look at
    else:
        present = values.notna() & values.astype("str").str.strip().ne("")
    problems = []
    bad = numbers.isna() & present
    if bad.any():
        problems.append(f"column {column!r} has {int(bad.sum())} values that are not numbers (e.g. "
                        f"{_examples(values[bad])}); write plain numbers, without currency symbols or thousands "
                        "separators, with '.' for decimals.")
    if required and (~present).any():
        rows = ", ".join(map(str, values.index[~present][:_EXAMPLES]))
        problems.append(f"column {column!r} has {int((~present).sum())} missing values (rows {rows}); every row "
                        "needs one. Fill or drop those rows.")
    if whole and not bad.any():
        fractional = numbers.notna() & (numbers % 1 != 0)
        if fractional.any():
            problems.append(f"column {column!r} has {int(fractional.sum())} values that are not whole numbers (e.g. "
                            f"{_examples(values[fractional])}); it counts items. Fix those rows.")
    if problems:
        raise SchemaError(problems, source.name)
    return numbers


def _no_id(values: pd.Series) -> pd.Series:
    """Missing or blank ids (an empty string identifies no one)."""
    if values.dtype == "str":  # text columns: vectorised
        return (values.isna() | values.str.strip().eq("")).astype(bool)
    return values.isna() | values.map(lambda v: isinstance(v, str) and not v.strip(), na_action="ignore").fillna(
        False).astype(bool)


def _read_contract(path, mapping, required: Sequence[str], optional: Sequence[str],
                   text: Sequence[str], options_args: tuple, sep: str, encoding: str,
                   one_of: Sequence[Sequence[str]] = ()) -> tuple[_Source, pd.DataFrame, dict[str, str], TimeOptions]:
    """The part of read_events, read_orders and read_surveys that is the same: options, header, mapping, rows."""
    options = _options(path, *options_args)
    source = _Source(path, sep=sep, encoding=encoding)
    plan = _plan(source, mapping, required, optional, one_of)
    header = _header(source)
    plan = dict(sorted(plan.items(), key=lambda item: header.index(item[1])))  # the file's column order
    file_columns = list(plan.values())
    frame = _read_table(source, file_columns, text=[plan[c] for c in text if c in plan])
    frame.columns = list(plan)
    return source, frame, plan, options


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------

_EVENT_TEXT = ("user_id", "event", "channel", "device", "session_id")


def read_events(path: str | Path, *, columns: Mapping[str, str] | None = None, keep: Sequence[str] | None = None,
                time_format: str | None = None, dayfirst: bool | None = None,
                input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                sep: str = ",", encoding: str = "utf-8", tz: str | None = None) -> pd.DataFrame:
    """Read any event log and map it onto the events contract.

    Parameters
    ----------
    path : str or Path
        A CSV (``.csv``, ``.csv.gz``, ``.zip``, ...) or Parquet file; the
        format is recognised from the content.
    columns : mapping, optional
        Your column → contract column, e.g. ``{"customer": "user_id", "time":
        "timestamp", "action": "event", "source": "channel"}``. Errors name
        your columns.
    keep : sequence of str, optional
        Extra columns to keep besides the required ones (each must be in the
        file, under its own name or through ``columns``); by default
        ``channel``, ``device``, ``session_id`` and ``revenue`` when present.
    time_format : str, optional
        ``strftime`` format of the timestamps (``"%d/%m/%Y %H:%M"``) when they
        are not ISO 8601; a value that does not match is an error.
    dayfirst : bool, optional
        For dates like ``03/04/2025`` whose order the file does not settle:
        True for day/month/year, False for month/day/year.
    input_tz : str, optional
        Zone the file's naive timestamps are in (``"Europe/London"``); they
        are converted to UTC. Timestamps with an offset are converted anyway.
    ambiguous, nonexistent : str, default "raise"
        What to do with local times that daylight saving repeats or skips
        (see :func:`journeykit.validate_events`).
    sep : str, default ","
        The CSV separator, one character: ``";"`` for files written by Excel
        in many European locales, ``"\\t"`` for tab-separated files.
    encoding : str, default "utf-8"
        The CSV's text encoding, e.g. ``"cp1252"`` for files saved by Excel on
        Windows. A UTF-8 byte-order mark is ignored.
    tz : str, optional
        Deprecated name of ``input_tz``.

    Returns
    -------
    DataFrame
        Validated events (see :func:`journeykit.validate_events`); ids and
        event names as text, exactly as written in the file.

    Raises
    ------
    journeykit.errors.MissingFileError
        The path does not exist.
    journeykit.errors.ReadError
        The file cannot be read as a table (a folder, empty, truncated,
        another encoding or separator, rows with too many fields, ...).
    SchemaError
        The table breaks the contract, or the mapping does not fit the file.
    """
    required = ["user_id", "timestamp", "event"]
    default_keep = keep is None
    with _about(path):
        extra = ["channel", "device", "session_id", "revenue"] if default_keep else params.names(
            keep, "keep", allow_empty=True)
    extra = [c for c in extra if c not in required]
    source, frame, plan, options = _read_contract(
        path, columns, required, extra, _EVENT_TEXT, (time_format, dayfirst, input_tz, tz, ambiguous,
                                                                 nonexistent), sep, encoding)
    if not default_keep:
        missing = [c for c in extra if c not in plan]
        if missing:
            raise SchemaError([f"keep: column {c!r} not found in {source.name}; its columns are: "
                               f"{_shown_columns(_header(source))}." for c in missing], source.name)
    return _report(_validated(validate_events, frame, source, options, plan), source.path, len(frame), {})


def read_ga4(path: str | Path, *, sep: str = ",", encoding: str = "utf-8") -> pd.DataFrame:
    """Read a GA4-style flattened event export.

    Expected columns (dots or underscores both work): ``event_name``,
    ``event_timestamp`` (microseconds since 1970, UTC), ``user_pseudo_id``;
    optional ``traffic_source.source`` / ``traffic_source.medium`` (mapped to
    ``channel`` by :func:`channel_from_source`), ``device.category`` (→
    ``device``) and ``ga_session_id`` (→ ``session_id``, made unique per user).
    Rows without ``user_pseudo_id`` (consent mode) cannot be followed across
    events and are dropped; the report says how many. ``user_pseudo_id`` is
    read as text, exactly as written (``"1197196453.1700000000"``).

    Parameters
    ----------
    path : str or Path
        A CSV (compressed or not) or Parquet file.
    sep : str, default ","
        The CSV separator, one character.
    encoding : str, default "utf-8"
        The CSV's text encoding.

    Raises
    ------
    journeykit.errors.ReadError, journeykit.errors.MissingFileError, SchemaError
        As for :func:`read_events`; also when ``event_timestamp`` is not
        microseconds since 1970 (a date before 2000 or after 2100).
    """
    source = _Source(path, sep=sep, encoding=encoding)
    header = _header(source)
    normal = {c: c.replace(".", "_") for c in header}
    by_normal: dict[str, list[str]] = {}
    for raw, flat in normal.items():
        by_normal.setdefault(flat, []).append(raw)
    needed = ["event_name", "event_timestamp", "user_pseudo_id"]
    optional = ["traffic_source_source", "traffic_source_medium", "device_category", "ga_session_id"]
    missing = [c for c in needed if c not in by_normal]
    if missing:
        problems = []
        for column in missing:
            close = did_you_mean(column, header)
            near = f" Closest: {', '.join(map(repr, close))}." if close else ""
            problems.append(f"column {column!r} not found in {source.name}; its columns are: "
                            f"{_shown_columns(header)}.{near} A GA4 export needs event_name, event_timestamp and "
                            "user_pseudo_id.")
        raise SchemaError(problems, source.name)
    twice = [f"{' and '.join(map(repr, by_normal[c]))} both read as {c!r}" for c in needed + optional
             if len(by_normal.get(c, [])) > 1]
    if twice:
        raise SchemaError([f"{t}; which one to use would be a guess. Remove one of them." for t in twice], source.name)
    raw_of = {c: by_normal[c][0] for c in needed + optional if c in by_normal}
    _check_unique(source, list(raw_of.values()))
    frame = _read_table(source, list(raw_of.values()), text=list(raw_of.values()))
    frame.columns = list(raw_of)
    rows_read = len(frame)
    stamps = pd.to_numeric(frame["event_timestamp"], errors="coerce")
    bad = stamps.isna() & frame["event_timestamp"].notna()
    if bad.any():
        raise SchemaError([f"column 'event_timestamp' should hold microseconds since 1970; {bad.sum()} values are "
                           f"not numbers (e.g. {_examples(frame.loc[bad, 'event_timestamp'])})."], source.name)
    low, high = pd.Timestamp("2000-01-01").value // 1000, pd.Timestamp("2100-01-01").value // 1000
    outside = stamps.notna() & ((stamps < low) | (stamps > high))
    if outside.any():
        raise SchemaError([f"column 'event_timestamp' has {int(outside.sum())} values that are not microseconds "
                           f"since 1970 between 2000 and 2100 (e.g. {_examples(frame.loc[outside, 'event_timestamp'])}"
                           "); GA4 exports hold 16-digit microseconds. If yours are seconds or milliseconds, "
                           "multiply them by 1,000,000 or 1,000 first."], source.name)
    no_user = _no_id(frame["user_pseudo_id"])
    out = pd.DataFrame({"user_id": frame["user_pseudo_id"], "timestamp": pd.to_datetime(stamps, unit="us"),
                        "event": frame["event_name"]})
    if "traffic_source_source" in frame or "traffic_source_medium" in frame:
        out["channel"] = channel_from_source(frame.get("traffic_source_source", pd.Series("", index=frame.index)),
                                             frame.get("traffic_source_medium"))
    if "device_category" in frame:
        out["device"] = frame["device_category"]
    if "ga_session_id" in frame:
        session = frame["ga_session_id"].str.strip()
        out["session_id"] = (out["user_id"] + "-" + session).where(session.notna() & session.ne(""))
    out = out[~no_user.to_numpy()]
    names = {"user_id": raw_of["user_pseudo_id"], "timestamp": raw_of["event_timestamp"],
             "event": raw_of["event_name"]}
    return _report(_validated(validate_events, out, source, names=names), source.path, rows_read,
                   {"no user_pseudo_id (consent mode): cannot be followed across events": no_user.sum()})


def _text_id(value: object) -> object:
    """A JSON id as text: integers become their digits (Python ints are exact, whatever their size)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _json_records(source: _Source, chunksize: int) -> Iterator[list[dict]]:
    """The file's JSON objects, ``chunksize`` at a time, with the line of any problem."""
    batch: list[dict] = []
    seen = False
    with source.binary() as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise source.error(f"line {number} is not UTF-8 (byte 0x{raw[exc.start:exc.start + 1].hex()} at "
                                   f"position {exc.start} of the line); JSON lines must be UTF-8. Export the file "
                                   "again as UTF-8.") from None
            if not line.strip():
                continue
            if not seen and line.lstrip().startswith("["):
                raise SchemaError(["the file holds one JSON array, not one JSON object per line (JSON lines). "
                                   "Convert it, e.g. pd.read_json(path).to_json('events.jsonl', orient='records', "
                                   "lines=True), and read that file."], source.name)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SchemaError([f"line {number} is not JSON ({exc.msg}); expected one JSON object per line."],
                                  source.name) from None
            if not isinstance(record, dict):
                raise SchemaError([f"line {number} is a JSON {type(record).__name__}, not an object; expected one "
                                   "JSON object per line."], source.name)
            seen = True
            batch.append(record)
            if len(batch) >= chunksize:
                yield batch
                batch = []
    if batch:
        yield batch


def read_product_analytics(path: str | Path, *, flavour: str | None = None, channel_property: str | None = None,
                           chunksize: int = 100_000, time_unit: str = "s") -> pd.DataFrame:
    """Read Mixpanel- or Amplitude-like JSON lines with nested event properties.

    - **Mixpanel**: ``{"event": ..., "properties": {"distinct_id": ..., "time":
      <seconds since 1970>, ...}}``.
    - **Amplitude**: ``{"event_type": ..., "user_id": ..., "device_id": ...,
      "event_time": "2025-01-01 10:00:00.123", "event_properties": {...},
      "user_properties": {...}}`` (``device_id`` is used when ``user_id`` is empty).

    Nested properties become columns named ``<parent>.<key>``. ``channel``
    comes from ``channel_property`` when given, otherwise from the usual UTM
    properties (``utm_source`` / ``utm_medium``) when present. Numeric ids
    become their digits (``17850`` → ``"17850"``); the file may be compressed.

    Parameters
    ----------
    flavour : {"mixpanel", "amplitude"}, optional
        Detected from the first line when not given.
    channel_property : str, optional
        Flattened property holding the channel, e.g. ``"properties.campaign_channel"``.
    chunksize : int, default 100_000
        Lines parsed at a time, to keep memory flat on large exports.
    time_unit : {"s", "ms"}, default "s"
        Unit of Mixpanel's ``properties.time``: seconds (the export API's) or
        milliseconds since 1970. Values that fall outside 2000-2100 in this
        unit are refused rather than guessed.
    """
    with _about(path):
        if flavour is not None:
            params.choice(flavour, "flavour", ["mixpanel", "amplitude"])
        params.name(channel_property, "channel_property", allow_none=True)
        params.integer(chunksize, "chunksize", minimum=1)
        params.choice(time_unit, "time_unit", ["s", "ms"])
    source = _Source(path, expect="jsonl")
    parts = []
    try:
        for records in _json_records(source, chunksize):
            if flavour is None:
                first = records[0]
                flavour = "mixpanel" if "properties" in first else "amplitude" if "event_type" in first else None
                if flavour is None:
                    raise SchemaError(["cannot tell whether this is a Mixpanel or an Amplitude export (line 1 has "
                                       "neither 'properties' nor 'event_type'); pass flavour='mixpanel' or "
                                       "'amplitude'."], source.name)
            for record in records:
                if flavour == "mixpanel" and isinstance(record.get("properties"), dict):
                    props = record["properties"]
                    if "distinct_id" in props:
                        props["distinct_id"] = _text_id(props["distinct_id"])
                elif flavour == "amplitude":
                    for key in ("user_id", "device_id"):
                        if key in record:
                            record[key] = _text_id(record[key])
            parts.append(pd.json_normalize(records, sep="."))
    except _DAMAGED as exc:
        raise source.damaged(exc) from None
    except OSError as exc:
        raise (source.damaged(exc) if source.compression else source.error(f"cannot be read ({exc}).")) from None
    if not parts:
        raise source.error("holds no JSON objects; the table is empty.")
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    rows_read = len(frame)
    columns = list(frame.columns)
    if flavour == "mixpanel":
        missing = [c for c in ["event", "properties.distinct_id", "properties.time"] if c not in frame]
        if missing:
            raise SchemaError([f"column {c!r} not found in {source.name}; its fields are: {_shown_columns(columns)}."
                               for c in missing], source.name)
        user = frame["properties.distinct_id"]
        seconds = _numbers(frame["properties.time"], source, "properties.time", required=False)
        scale = 1 if time_unit == "s" else 1000
        low, high = pd.Timestamp("2000-01-01").value // 10**9 * scale, pd.Timestamp("2100-01-01").value // 10**9 * scale
        outside = seconds.notna() & ((seconds < low) | (seconds > high))
        if outside.any():
            other = "ms" if time_unit == "s" else "s"
            raise SchemaError([f"column 'properties.time' has {int(outside.sum())} values outside 2000-2100 when read "
                               f"as {'seconds' if time_unit == 's' else 'milliseconds'} since 1970 (e.g. "
                               f"{_examples(frame.loc[outside, 'properties.time'])}); pass time_unit={other!r} if "
                               "that is their unit, or fix those rows."], source.name)
        stamps = pd.to_datetime(seconds, unit=time_unit)
        out = pd.DataFrame({"user_id": user, "timestamp": stamps, "event": frame["event"]})
        names = {"user_id": "properties.distinct_id", "timestamp": "properties.time", "event": "event"}
        props = "properties."
    else:
        missing = [c for c in ["event_type", "event_time"] if c not in frame]
        if missing:
            raise SchemaError([f"column {c!r} not found in {source.name}; its fields are: {_shown_columns(columns)}."
                               for c in missing], source.name)
        user = frame["user_id"] if "user_id" in frame else pd.Series(np.nan, index=frame.index, dtype=object)
        if "device_id" in frame:
            user = user.where(~_no_id(user), frame["device_id"])
        out = pd.DataFrame({"user_id": user, "timestamp": frame["event_time"], "event": frame["event_type"]})
        names = {"timestamp": "event_time", "event": "event_type"}
        props = "event_properties."
    no_user = _no_id(out["user_id"])
    if channel_property is not None:
        if channel_property not in frame:
            close = did_you_mean(channel_property, columns)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise SchemaError([f"channel_property {channel_property!r} not found in {source.name}.{hint} Its fields "
                               f"are: {_shown_columns(columns, 20)}."], source.name)
        out["channel"] = frame[channel_property]
    elif f"{props}utm_source" in frame or f"{props}utm_medium" in frame:
        out["channel"] = channel_from_source(frame.get(f"{props}utm_source", pd.Series("", index=frame.index)),
                                             frame.get(f"{props}utm_medium"))
    out = out[~no_user.to_numpy()]
    return _report(_validated(validate_events, out, source, names=names), source.path, rows_read,
                   {"no user id": no_user.sum()})


# ---------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------


def read_orders(path: str | Path, *, columns: Mapping[str, str] | None = None,
                time_format: str | None = None, dayfirst: bool | None = None,
                input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                sep: str = ",", encoding: str = "utf-8", tz: str | None = None) -> pd.DataFrame:
    """Read any order table (one row per order) and map it onto the orders contract.

    Parameters are as in :func:`read_events`; ``columns`` maps your names onto
    ``order_id``, ``user_id``, ``timestamp``, ``revenue`` (and optional ``items``, ``channel``).
    ``order_id`` and ``user_id`` are read as text, exactly as written.
    """
    source, frame, plan, options = _read_contract(
        path, columns, ["order_id", "user_id", "timestamp", "revenue"], ["items", "channel"],
        ("order_id", "user_id", "channel"), (time_format, dayfirst, input_tz, tz, ambiguous, nonexistent), sep,
        encoding)
    return _report(_validated(validate_orders, frame, source, options, plan), source.path, len(frame), {})


_RETAIL_LAYOUT = ("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
                  "Country")
_RETAIL_CONTRACT = {"order_id": "InvoiceNo", "user_id": "CustomerID", "timestamp": "InvoiceDate"}
_SHOWN_SHARED = 20


def _retail_plan(source: _Source, mapping: object) -> dict[str, str]:
    """Which column of the file plays which part of the invoice-line layout: ``{layout column: file column}``.

    ``mapping`` is your column → a layout column (``"Quantity"``) or its
    contract name (``order_id`` for ``InvoiceNo``, ``user_id`` for
    ``CustomerID``, ``timestamp`` for ``InvoiceDate``).
    """
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise ParameterError(f"{source.name}: columns must be a mapping your column → layout column, e.g. "
                             f"{{'Customer': 'CustomerID'}}, got {type(mapping).__name__} {mapping!r}.", "columns")
    header = _header(source)
    allowed = [*_RETAIL_LAYOUT, *_RETAIL_CONTRACT]
    plan: dict[str, str] = {}
    problems = []
    for src, dst in mapping.items():
        if not isinstance(src, str) or not isinstance(dst, str):
            problems.append(f"columns={{{src!r}: {dst!r}}}: both names must be text (str).")
            continue
        if dst not in allowed:
            close = did_you_mean(dst, allowed)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"columns maps {src!r} onto {dst!r}{hint}, which is not a column of the invoice-line "
                            f"layout; map your columns onto {_shown_columns(allowed, 20)}.")
            continue
        target = _RETAIL_CONTRACT.get(dst, dst)
        if target in plan:
            problems.append(f"columns maps {plan[target]!r} and {src!r} both onto {target!r}; one column of the "
                            "layout can come from only one of your columns. Keep one of them.")
        elif src not in header:
            close = did_you_mean(src, header)
            hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
            problems.append(f"mapped column {src!r} is not in {source.name}{hint}; its columns are: "
                            f"{_shown_columns(header)}.")
        else:
            plan[target] = src
    if problems:
        raise SchemaError(problems, source.name)
    return {target: src for target, src in plan.items() if target != src}


def _net_cancellations(sales: pd.DataFrame, cancels: pd.DataFrame, orders: pd.DataFrame) -> tuple[pd.Series, dict]:
    """Each order's revenue net of the cancellations matched to it, and what could not be netted.

    ``sales`` and ``cancels`` are invoice lines with a customer, as integer
    codes: ``order``, ``user``, ``timestamp``, ``value`` and, when the file
    has stock codes, ``stock``; ``cancels`` values are negative. ``orders`` is
    one row per sales invoice (index ``order``; ``user``, ``timestamp``,
    ``revenue``). See :func:`read_online_retail` for the rules.
    """
    matched = np.full(len(cancels), -1, dtype=np.int64)
    if len(cancels) and len(sales):
        keys = [["user", "stock"], ["user"], ["user"]] if "stock" in cancels else [["user"], ["user"]]
        directions = ["backward", "backward", "forward"][-len(keys):]
        wanted = sales["user"].isin(cancels["user"].unique()).to_numpy()
        right_all = sales.loc[wanted, ["timestamp", "user", *(["stock"] if "stock" in sales else []), "order"]]
        right_all = right_all.sort_values("timestamp", kind="stable")
        left_all = cancels.assign(_line=np.arange(len(cancels))).sort_values("timestamp", kind="stable")
        for by, direction in zip(keys, directions):
            todo = matched[left_all["_line"].to_numpy()] < 0
            if not todo.any():
                break
            left = left_all.loc[todo, ["timestamp", *by, "_line"]]
            right = right_all[["timestamp", *by, "order"]]
            hit = pd.merge_asof(left, right, on="timestamp", by=by, direction=direction, allow_exact_matches=True)
            found = hit["order"].notna().to_numpy()
            matched[hit["_line"].to_numpy()[found]] = hit["order"].to_numpy()[found].astype(np.int64)
    unmatched = matched < 0
    values = cancels["value"].to_numpy()
    netted = pd.Series(values[~unmatched]).groupby(matched[~unmatched]).sum()
    net = (orders["revenue"] + netted.reindex(orders.index, fill_value=0.0)).round(2)
    # value cancelled beyond an order is taken from the customer's earlier orders (latest first), then from later
    # ones (earliest first); a customer's orders never go below zero in total
    left_over = 0.0
    if (net < 0).any():
        frame = pd.DataFrame({"user": orders["user"], "timestamp": orders["timestamp"], "net": net})
        frame = frame.rename_axis("_order").reset_index().sort_values(["user", "timestamp", "_order"],
                                                                      kind="stable", ignore_index=True)
        backward = frame.iloc[::-1]
        users = backward["user"]
        total = backward["net"].groupby(users, sort=False).cumsum()
        carry = total - total.groupby(users, sort=False).cummax().clip(lower=0)
        before = carry.groupby(users, sort=False).shift(1, fill_value=0.0)
        after_back = (backward["net"] + before - carry)[::-1]
        remaining = carry.groupby(users, sort=False).last()  # what the earliest order could not absorb (<= 0)
        start = frame["user"].map(remaining).to_numpy()
        running = np.minimum(0.0, start + after_back.groupby(frame["user"], sort=False).cumsum().to_numpy())
        previous = pd.Series(running).groupby(frame["user"], sort=False).shift(1).to_numpy()
        previous = np.where(np.isnan(previous), start, previous)
        final = after_back.to_numpy() + previous - running
        left_over = float(-running[frame["user"].ne(frame["user"].shift(-1)).to_numpy()].sum())
        net = pd.Series(final, index=frame["_order"].to_numpy()).reindex(orders.index).round(2)
    info = {"lines": int(len(cancels)), "netted_lines": int((~unmatched).sum()),
            "value": round(float(-values.sum()), 2),
            "unnetted_lines": int(unmatched.sum()),
            "unnetted_value": round(float(-values[unmatched].sum()) + left_over, 2)}
    return net, info


def read_online_retail(path: str | Path, *, columns: Mapping[str, str] | None = None,
                       drop_shared_invoices: bool = False, time_format: str | None = None,
                       dayfirst: bool | None = None, input_tz: str | None = None, ambiguous: str = "raise",
                       nonexistent: str = "raise", sep: str = ",", encoding: str = "utf-8",
                       tz: str | None = None) -> pd.DataFrame:
    """Read an invoice-line table like the UCI Online Retail data and build one row per order, net of cancellations.

    Columns: ``InvoiceNo``, ``InvoiceDate``, ``CustomerID``, ``Quantity``,
    ``UnitPrice`` and, when present, ``StockCode`` (``Description`` and
    ``Country`` are not needed and not read). ``InvoiceNo``, ``CustomerID``
    and ``StockCode`` are read as text, exactly as written: a file that stores
    ``17850.0`` gives the id ``"17850.0"``, not ``"17850"``.

    Definitions
    -----------
    - A **cancellation line** is a line of an invoice whose number starts
      with ``"C"``, or a line with a negative ``Quantity``; its value is
      −|Quantity × UnitPrice|. Every other line is a **sale**.
    - An **order** is a sales invoice with a customer: ``revenue`` = Σ
      Quantity × UnitPrice of its lines, net of the cancellations matched to
      it; ``items`` = Σ Quantity of its lines as invoiced; ``timestamp`` = its
      first line's date.
    - **Matching**: cancellations are netted against the revenue of the same
      customer. A cancellation line is matched to that customer's latest
      sales invoice at or before it holding the same ``StockCode``; failing
      that, to the customer's latest invoice at or before it; failing that
      (the sale happened before the file starts), to the customer's first
      invoice after it. Value cancelled beyond an invoice's own value is taken
      from the customer's earlier invoices, latest first, then from later
      ones; so a customer's revenue is their sales minus their cancellations,
      and never below zero.
    - An invoice whose net value is zero or less (free, or cancelled in full)
      is **not an order**. A cancelled invoice (``"C..."``) is never an order.

    Dropped, and counted in the report (:func:`import_report`): lines
    without a ``CustomerID``; cancellation lines of customers with no sale in
    the file (nothing to net them against); invoices with a net value of zero
    or less; with ``drop_shared_invoices=True``, the lines of invoices that
    name more than one customer. What was netted is in
    ``df.attrs["cancellations"]``: ``lines``, ``value`` (the cancelled value,
    a positive number), ``netted_lines``, ``unnetted_lines`` and
    ``unnetted_value``.

    Refused: lines without an invoice number, quantities or prices that are
    not numbers, and (unless ``drop_shared_invoices``) invoices whose lines
    name different customers, all listed.

    Parameters
    ----------
    path : str or Path
        The file (CSV, compressed or not, or Parquet).
    columns : mapping, optional
        Your column → a column of the layout (``"Quantity"``, ``"UnitPrice"``,
        ...) or its contract name (``"order_id"`` for ``InvoiceNo``,
        ``"user_id"`` for ``CustomerID``, ``"timestamp"`` for
        ``InvoiceDate``), e.g. ``{"Customer ID": "user_id", "Price": "UnitPrice"}``.
    drop_shared_invoices : bool, default False
        Drop, and count, the invoices that name more than one customer
        instead of refusing the file.
    time_format : str, optional
        Format of ``InvoiceDate``; by default ISO 8601 (``2010-12-01 08:26:00``)
        is recognised, and the day order of dates like the original file's
        ``12/1/2010 8:26`` is decided from the whole column (see
        :mod:`journeykit.timestamps`).
    dayfirst : bool, optional
        Settles the day order when the column does not.
    input_tz : str, optional
        Zone of the naive invoice dates (``"Europe/London"`` for the UCI data);
        they are converted to UTC. By default they are kept as they are.
    ambiguous, nonexistent : str, default "raise"
        Daylight-saving policy with ``input_tz`` (see :func:`journeykit.validate_events`).
    sep : str, default ","
        The CSV separator, one character.
    encoding : str, default "utf-8"
        The CSV's text encoding; the UCI file saved by Excel on Windows is
        ``"cp1252"``.
    tz : str, optional
        Deprecated name of ``input_tz``.

    Returns
    -------
    DataFrame
        Validated orders (see :func:`journeykit.validate_orders`) with
        ``items``, in the order of their first line in the file.

    Examples
    --------
    Customer 17850 buys two lanterns and a sign, then returns one lantern;
    customer 13047's invoice is cancelled in full.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "retail.csv").write_text(
    ...     "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\\n"
    ...     "536365,LANTERN,2,2010-12-01 08:26,10.00,17850\\n"
    ...     "536365,SIGN,1,2010-12-01 08:26,3.50,17850\\n"
    ...     "C536370,LANTERN,-1,2010-12-03 09:00,10.00,17850\\n"
    ...     "536371,MUG,4,2010-12-03 10:00,2.00,13047\\n"
    ...     "C536372,MUG,-4,2010-12-03 11:00,2.00,13047\\n")
    >>> orders = read_online_retail(folder / "retail.csv")
    >>> orders[["order_id", "user_id", "revenue", "items"]]
      order_id user_id  revenue  items
    0   536365   17850     13.5      3
    >>> import_report(orders)[["reason", "rows"]].to_dict("records")
    [{'reason': 'invoices with a net value of zero or less (free, or cancelled in full)', 'rows': 1}]
    >>> orders.attrs["cancellations"]["value"]
    18.0
    """
    options = _options(path, time_format, dayfirst, input_tz, tz, ambiguous, nonexistent)
    with _about(path):
        params.flag(drop_shared_invoices, "drop_shared_invoices")
    source = _Source(path, sep=sep, encoding=encoding)
    plan = _retail_plan(source, columns)
    name = {c: plan.get(c, c) for c in _RETAIL_LAYOUT}  # layout column → the file's name for it
    needed = ["InvoiceNo", "InvoiceDate", "CustomerID", "Quantity", "UnitPrice"]
    _require(source, [name[c] for c in needed], " Expected the UCI Online Retail layout (one row per invoice line); "
                                                "rename your columns to these names or map them with columns=.")
    layout = needed + (["StockCode"] if name["StockCode"] in _header(source) else [])
    _check_unique(source, [name[c] for c in layout])
    text = [name[c] for c in ("InvoiceNo", "InvoiceDate", "CustomerID", "StockCode") if c in layout]
    frame = _read_table(source, [name[c] for c in layout], text=text)
    frame.columns = layout
    rows_read = len(frame)
    # columns are consumed one by one (pop) and ids turned into integer codes, so that a file of millions of
    # lines is held about once in memory
    invoice = frame.pop("InvoiceNo").str.strip()
    no_invoice = _no_id(invoice)
    if no_invoice.any():
        rows = ", ".join(map(str, frame.index[no_invoice.to_numpy()][:_EXAMPLES]))
        raise SchemaError([f"column {name['InvoiceNo']!r} has {int(no_invoice.sum())} lines without an invoice "
                           f"number (rows {rows}); every line belongs to an invoice. Fix or drop those rows."],
                          source.name)
    quantity = _numbers(frame.pop("Quantity"), source, name["Quantity"], whole=True).to_numpy()
    price = _numbers(frame.pop("UnitPrice"), source, name["UnitPrice"]).to_numpy()
    times = _parse_distinct_times(frame.pop("InvoiceDate"), options, source, name["InvoiceDate"])
    cancelled = invoice.str.upper().str.startswith("C").to_numpy(dtype=bool, na_value=False) | (quantity < 0)
    invoice_code, invoices = pd.factorize(invoice)
    del invoice
    customer = frame.pop("CustomerID").str.strip()
    no_customer = _no_id(customer).to_numpy()
    customer_code, customers = pd.factorize(customer.where(~no_customer))
    del customer
    stock_code = pd.factorize(frame.pop("StockCode").str.strip())[0] if "StockCode" in frame else None
    del frame
    value = np.abs(quantity * price)
    value[cancelled] *= -1
    kept = np.flatnonzero(~no_customer)
    lines = pd.DataFrame({"order": invoice_code[kept], "user": customer_code[kept], "timestamp": times[kept],
                          "value": value[kept], "quantity": quantity[kept], "row": kept, "cancelled": cancelled[kept]})
    if stock_code is not None:
        lines["stock"] = stock_code[kept]
    del times, value, quantity, price, cancelled, invoice_code, customer_code, stock_code
    dropped = {f"lines without {name['CustomerID']}": int(no_customer.sum())}

    pairs = lines[["order", "user"]].drop_duplicates()
    shared = pairs.loc[pairs["order"].duplicated(), "order"].unique()
    if len(shared):
        if not drop_shared_invoices:
            shown = []
            for order in shared[:_SHOWN_SHARED]:
                ids = customers[pairs.loc[pairs["order"] == order, "user"].to_numpy()].tolist()
                shown.append(f"{invoices[order]!r} ({', '.join(map(repr, ids[:3]))}{', ...' if len(ids) > 3 else ''})")
            more = f" and {len(shared) - _SHOWN_SHARED} more" if len(shared) > _SHOWN_SHARED else ""
            raise SchemaError([f"column {name['CustomerID']!r} names more than one customer on {len(shared)} "
                               f"invoice{'s' if len(shared) > 1 else ''}: {'; '.join(shown)}{more}. An invoice "
                               "belongs to one customer: fix those lines, or pass drop_shared_invoices=True "
                               "(--drop-shared-invoices on the command line) to drop them and have them counted."],
                              source.name)
        in_shared = lines["order"].isin(shared).to_numpy()
        dropped["lines of invoices naming more than one customer"] = int(in_shared.sum())
        lines = lines[~in_shared]
    del pairs

    is_cancel = lines["cancelled"].to_numpy()
    sales = lines[~is_cancel].drop(columns="cancelled")
    cancels = lines[is_cancel].drop(columns="cancelled")
    del lines
    grouped = sales.groupby("order", sort=False)
    orders = grouped.agg(user=("user", "first"), timestamp=("timestamp", "min"), revenue=("value", "sum"),
                         items=("quantity", "sum"), row=("row", "first"))
    net, cancellations = _net_cancellations(sales, cancels, orders)
    del sales, cancels, grouped
    orders["revenue"] = net
    non_positive = orders["revenue"] <= 0
    dropped["cancellation lines of customers with no sale in the file (nothing to net them against)"] = \
        cancellations["unnetted_lines"]
    dropped["invoices with a net value of zero or less (free, or cancelled in full)"] = int(non_positive.sum())
    orders = orders[~non_positive]
    out = pd.DataFrame({"order_id": invoices[orders.index.to_numpy()], "user_id": customers[orders["user"].to_numpy()],
                        "timestamp": orders["timestamp"].to_numpy(), "revenue": orders["revenue"].to_numpy(),
                        "items": orders["items"].to_numpy().astype("int64")}, index=orders["row"].to_numpy())
    names = {"order_id": name["InvoiceNo"], "user_id": name["CustomerID"], "timestamp": name["InvoiceDate"]}
    out = _validated(validate_orders, out, source, names=names).reset_index(drop=True)
    out = _report(out, source.path, rows_read, dropped)
    out.attrs["cancellations"] = cancellations
    return out


def _parse_distinct_times(values: pd.Series, options: TimeOptions, source: _Source, column: str) -> np.ndarray:
    """A timestamp column parsed by the kit's rules, each distinct value once (invoice lines repeat their date).

    The distinct values keep the order, and the row, of their first line, so
    the column's format and day order are decided as for the whole column;
    when a value is refused the whole column is parsed again, so that the
    message counts and names the rows of the file.
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    first_rows = np.full(len(distinct), len(values), dtype=np.int64)
    np.minimum.at(first_rows, codes, np.arange(len(values)))
    parsed, problems = parse_timestamps(pd.Series(distinct, index=values.index[first_rows]), column, options)
    if problems:
        _parse_times(values, options, source, column)  # raises, naming the file's rows
        raise SchemaError([_importer_hint(p) for p in problems], source.name)
    return parsed.to_numpy()[codes]


def read_shopify_orders(path: str | Path, *, sep: str = ",", encoding: str = "utf-8") -> pd.DataFrame:
    """Read a Shopify-like orders export (one row per line item) into one row per order.

    Columns used: ``Name`` (the order number, e.g. ``#1001``), ``Email`` (or
    ``Customer ID`` when present) as the customer, ``Created at`` (with its
    UTC offset, converted to UTC), ``Total``, ``Lineitem quantity``, and
    optionally ``Financial Status``, ``Refunded Amount`` and ``Source``
    (→ ``channel``). Order-level fields are read from each order's first row.
    Ids are read as text, exactly as written.

    Dropped, and counted in the report: refunded or voided orders, and orders
    without a customer. Partially refunded orders count net of ``Refunded Amount``.
    Refused: rows without an order ``Name``, and amounts or quantities that are
    not numbers.

    Parameters
    ----------
    path : str or Path
        The export (CSV, compressed or not, or Parquet).
    sep : str, default ","
        The CSV separator, one character.
    encoding : str, default "utf-8"
        The CSV's text encoding.
    """
    source = _Source(path, sep=sep, encoding=encoding)
    header = _header(source)
    _require(source, ["Name", "Created at", "Total"], " Expected a Shopify orders export.")
    customer_col = "Customer ID" if "Customer ID" in header else "Email"
    _require(source, [customer_col], " Expected a Shopify orders export.")
    wanted = [c for c in ["Name", customer_col, "Created at", "Total", "Lineitem quantity", "Financial Status",
                          "Refunded Amount", "Source"] if c in header]
    _check_unique(source, wanted)
    frame = _read_table(source, wanted, text=wanted)
    rows_read = len(frame)
    no_name = _no_id(frame["Name"])
    if no_name.any():
        rows = ", ".join(map(str, frame.index[no_name][:_EXAMPLES]))
        raise SchemaError([f"column 'Name' has {int(no_name.sum())} rows without an order number (rows {rows}); "
                           "every line item needs its order's Name. Fix or drop those rows."], source.name)
    total = _numbers(frame["Total"], source, "Total", required=False)
    refunded_amount = (_numbers(frame["Refunded Amount"], source, "Refunded Amount", required=False)
                       if "Refunded Amount" in frame else None)
    quantity = (_numbers(frame["Lineitem quantity"], source, "Lineitem quantity", whole=True)
                if "Lineitem quantity" in frame else None)
    frame = frame.assign(Total=total, _row=frame.index)
    if refunded_amount is not None:
        frame["Refunded Amount"] = refunded_amount
    grouped = frame.groupby("Name", sort=False)
    first = grouped.first()  # order-level fields are filled on the first row only; first() skips blanks
    orders = pd.DataFrame({"order_id": first.index, "user_id": first[customer_col].to_numpy(),
                           "timestamp": first["Created at"].to_numpy(), "revenue": first["Total"].to_numpy()},
                          index=first["_row"].to_numpy())
    if quantity is not None:
        orders["items"] = quantity.groupby(frame["Name"], sort=False).sum().to_numpy().astype("int64")
    if "Source" in frame:
        orders["channel"] = first["Source"].to_numpy()
    dropped = {}
    if "Financial Status" in frame:
        status = first["Financial Status"].fillna("").str.strip().str.lower().to_numpy()
        refunded = np.isin(status, ["refunded", "voided"])
        if "Refunded Amount" in frame:
            orders["revenue"] = orders["revenue"] - first["Refunded Amount"].fillna(0).to_numpy()
        dropped["refunded or voided orders"] = int(refunded.sum())
        orders = orders[~refunded]
    no_customer = _no_id(orders["user_id"])
    dropped["orders without a customer"] = int(no_customer.sum())
    orders = orders[~no_customer.to_numpy()]
    names = {"order_id": "Name", "user_id": customer_col, "timestamp": "Created at", "revenue": "Total"}
    out = _validated(validate_orders, orders, source, names=names).reset_index(drop=True)
    return _report(out, source.path, rows_read, dropped)


# ---------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------

_PLAIN_SCORE = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*")
# a number, then a label with no digit: "10 - Extremely likely", "9 (very likely)", "0 = Not at all likely"
_LABELLED_SCORE = re.compile(r"\s*(\d+(?:\.\d+)?)(?:\s*[-–—=:]\s*|\s*\(\s*|\s+)[^\W\d_][^\d]*")


def _leading_number(values: pd.Series) -> pd.Series:
    """Survey answers as numbers where the whole answer is one: a number, or a number and its label.

    ``"9"``, ``" 10 "``, ``"9.0"``, ``"10 - Extremely likely"``, ``"9 (very
    likely)"`` and ``"0 = Not at all likely"`` become numbers. Anything else
    (``"9,5"``, ``"7-8"``, ``"7/8"``, ``"9 or 10"``) is left as written, so the
    validator refuses it with its rows rather than a guess being kept.

    Examples
    --------
    >>> _leading_number(pd.Series(["10 - Extremely likely", " 6 ", "9,5", "7-8", None])).tolist()
    [10, 6, '9,5', '7-8', nan]
    """
    if pd.api.types.is_numeric_dtype(values):
        return values

    def number(value: object) -> object:
        if not isinstance(value, str):
            return value
        match = _PLAIN_SCORE.fullmatch(value) or _LABELLED_SCORE.fullmatch(value)
        if match is None:
            return value
        parsed = float(match.group(1))
        return int(parsed) if parsed.is_integer() else parsed

    return values.astype(object).map(number)


def read_surveys(path: str | Path, *, columns: Mapping[str, str] | None = None,
                 time_format: str | None = None, dayfirst: bool | None = None,
                 input_tz: str | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
                 sep: str = ",", encoding: str = "utf-8", tz: str | None = None) -> pd.DataFrame:
    """Read a survey export with NPS and/or CSAT answers.

    ``columns`` maps your names onto ``user_id``, ``timestamp``,
    ``touchpoint`` / ``stage``, ``nps``, ``csat`` and ``comment``. Answers
    written with their label (``"9 - Very likely"``, ``"9 (very likely)"``)
    are read by their number; any other text (``"9,5"``, ``"7-8"``) and
    anything off the scale is an error naming the rows. Other parameters are
    as in :func:`read_events`.
    """
    source, frame, plan, options = _read_contract(
        path, columns, ["user_id", "timestamp"], ["touchpoint", "stage", "nps", "csat", "comment"],
        ("user_id", "touchpoint", "stage", "comment", "nps", "csat"),
        (time_format, dayfirst, input_tz, tz, ambiguous, nonexistent), sep, encoding,
        one_of=[("touchpoint", "stage"), ("nps", "csat")])
    for score in ("nps", "csat"):
        if score in frame:
            frame[score] = _leading_number(frame[score])
    return _report(_validated(validate_surveys, frame, source, options, plan), source.path, len(frame), {})
