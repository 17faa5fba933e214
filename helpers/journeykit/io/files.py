"""Opening and reading export files: the steps every reader shares.

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
- **What was dropped is recorded**: every reader puts the rows it left out, and
  why, in ``df.attrs["import_report"]`` (see :func:`import_report`).
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import gzip
import io
import itertools
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

from journeykit.errors import MissingFileError, ParameterError, ReadError, SchemaError, did_you_mean
from journeykit.errors import examples as _examples
from journeykit.io.contract import DEFAULT_TZ
from journeykit.io.timestamps import TimeOptions, parse_timestamps

__all__ = ["import_report"]


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


def _require(source: _Source, columns: Sequence[str], hint: str = "", *, mappable: bool = True) -> None:
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
        if mappable and len(pairs) == len(problems):
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
    """What an importer dropped from the file and why: ``file``, ``reason``, ``rows`` (empty if nothing).

    Every reader of the kit (:func:`journeykit.read_events`,
    :func:`journeykit.read_ga4`, :func:`journeykit.read_online_retail`, ...)
    records the rows it left out in ``frame.attrs["import_report"]``; this
    shows them as a table. Reasons with no row dropped are left out.

    Parameters
    ----------
    frame : DataFrame
        A table returned by one of the kit's readers. Any other DataFrame
        gives an empty report. The record lives in ``frame.attrs``, which
        pandas does not always carry over to a new frame (after a merge or a
        concat, for example): take the report from the reader's result.

    Returns
    -------
    DataFrame
        One row per reason: ``file`` (the file's name), ``reason`` (why the
        rows were dropped) and ``rows`` (how many rows of the file).

    Raises
    ------
    AttributeError
        If ``frame`` is not a DataFrame (it has no ``attrs``). No error of the
        kit is raised.

    Examples
    --------
    A GA4 export with one event of a visitor who refused consent (no
    ``user_pseudo_id``):

    >>> import tempfile, pathlib
    >>> from journeykit import read_ga4
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ga4.csv").write_text(
    ...     "event_name,event_timestamp,user_pseudo_id\\n"
    ...     "session_start,1735808400000000,1197196453.1700000000\\n"
    ...     "session_start,1735812000000000,\\n")
    >>> events = read_ga4(folder / "ga4.csv")
    >>> len(events)
    1
    >>> report = import_report(events)
    >>> list(report.columns), len(report)
    (['file', 'reason', 'rows'], 1)
    >>> report.loc[0].to_dict()
    {'file': 'ga4.csv', 'reason': 'no user_pseudo_id (consent mode): cannot be followed across events', 'rows': 1}
    >>> import_report(pd.DataFrame({"x": [1]})).empty
    True
    """
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
