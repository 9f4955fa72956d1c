"""Spreadsheets in and out of the platform, both ways kept safe.

**Reading an upload** within a fixed bound of memory and time (decompression bombs).

An .xlsx is a zip of XML parts, and a small file can inflate without limit: 1.4 MB of deflated
``<c><v>1</v></c>`` is gigabytes of XML, which openpyxl — even in read-only mode — turns into
objects (it reads every shared string, and while it looks for a sheet's dimensions it walks the
whole sheet, keeping an emptied element per cell). A sheet may also *declare* a dimension of
A1:XFD1048576 with one cell in it, and read-only iteration then pads 10⁶ rows of 16,384 cells:
minutes of CPU from a few hundred bytes. So, before openpyxl sees anything:

1. **The zip directory** (nothing inflated yet): at most ``max_members`` parts, whose declared
   sizes add up to at most ``max_inflated_bytes``, none inflating more than ``max_ratio`` times
   (for parts over 1 MB). The declared size is also a ceiling on what is read: Python's zipfile
   stops at it and fails on the CRC if a part tries to inflate further.
2. **Every XML part, streamed** through expat in 64 KB pieces (constant memory): no DOCTYPE (so
   no entity expansion), no text over Excel's 32,767 characters, at most ``max_shared_strings``
   strings, and in a sheet at most ``max_rows`` rows, ``max_columns`` columns (counting the
   column a cell *says* it is in) and ``max_merged_ranges`` merged ranges; any other part (styles,
   workbook, relationships) at most ``max_part_elements`` elements.
3. Only then openpyxl reads it, in read-only mode, rows bounded by what the scan counted (never by
   the sheet's declared dimension). Merged cells, which read-only mode does not give, come from
   the scan and are filled in on request (the task lists' merged titles and section rows).

Anything over a limit is a ``SpreadsheetRefused`` with a message in the user's language, raised as
soon as the limit is passed: the scan stops there. docs/reliability.md has the measured figures.

**Writing an export.** Cells of every export (.xlsx and .csv) are data, never formulas.

A title, a name or a comment is text the users typed. Spreadsheet programs read a cell that
begins with ``=``, ``+``, ``-`` or ``@`` (and, after a tab or a carriage return, the same) as a
formula, so ``=HYPERLINK("http://…", "点击")`` in a task title would become a live link, or worse,
in the office that opens the export (CSV/formula injection, OWASP). Every exporter writes its
cells through this module:

- .xlsx: such a string is a string cell (type ``s``) with Excel's quote prefix, so it shows as
  typed and is never evaluated;
- .csv: such a string is prefixed with a single quote, the convention Excel and LibreOffice
  honour (and which OWASP recommends), since CSV has no cell types.

Numbers, dates and decimals are left as they are, and so is a plain number written as text: a
negative amount is a number, not text.
"""

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.cell.cell import Cell

CHUNK = 64 * 1024
RATIO_FLOOR = 1024 * 1024  # parts smaller than this inflate as they like: they stay small
EXCEL_MAX_CELL_CHARS = 32_767
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")
_RANGE_REF = re.compile(r"([A-Za-z]{1,3})(\d+)(?::([A-Za-z]{1,3})(\d+))?$")
_XML_STARTS = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class SpreadsheetRefused(ValueError):
    """The file is not a workbook we read, or passes a limit; ``str()`` is the user's message."""


@dataclass(frozen=True)
class Limits:
    max_rows: int = 200_000
    max_columns: int = 100
    max_inflated_bytes: int | None = None  # None: settings.SPREADSHEET_MAX_INFLATED_BYTES
    max_ratio: int = 100
    max_members: int = 1_000
    max_shared_strings: int = 1_000_000
    max_cell_chars: int = EXCEL_MAX_CELL_CHARS
    max_part_elements: int = 200_000
    max_merged_ranges: int = 10_000

    @property
    def inflated_bytes(self) -> int:
        return self.max_inflated_bytes or settings.SPREADSHEET_MAX_INFLATED_BYTES

    def but(self, **changes) -> "Limits":
        return replace(self, **changes)


def column_index(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@dataclass
class SheetScan:
    rows: int = 0  # the last row number that holds a cell (or is merged)
    columns: int = 0  # the last column that holds a cell (or is merged)
    merged: list = None  # [(min_row, min_col, max_row, max_col)]


class _Scanner:
    """One streamed pass of expat over a part: counts and limits, no tree kept."""

    def __init__(self, name: str, limits: Limits):
        self.name, self.limits = name, limits
        self.elements = self.rows = self.last_row = self.columns = self.strings = self.text = 0
        self.cells_in_row = self.merged_area = 0
        self.is_sheet = self.is_strings = False
        self.merged = []
        # No namespace processing (a third faster): a prefixed name "x:row" is cut at its colon.
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.CharacterDataHandler = self._characters
        parser.buffer_text = True  # one call per text run, not per 64 KB boundary or entity
        parser.buffer_size = CHUNK
        self.parser = parser

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)

    def _doctype(self, *args):
        raise SpreadsheetRefused(_("The workbook contains a document type declaration, which Excel never writes."))

    def _characters(self, data):
        self.text += len(data)
        if self.text > self.limits.max_cell_chars:
            raise SpreadsheetRefused(
                _("A cell holds more than %(n)d characters, more than Excel allows.")
                % {"n": self.limits.max_cell_chars}
            )

    def _start(self, name, attributes):
        self.text = 0
        tag = name.rpartition(":")[2]
        self.elements += 1
        if self.elements == 1:
            self.is_sheet, self.is_strings = tag in ("worksheet", "dialogsheet"), tag == "sst"
        if tag == "row" and self.is_sheet:
            self._row(attributes.get("r"))
        elif tag == "c" and self.is_sheet:
            self._cell(attributes.get("r"))
        elif tag == "si" and self.is_strings:
            self.strings += 1
            if self.strings > self.limits.max_shared_strings:
                raise SpreadsheetRefused(
                    _("The workbook holds more than %(n)d different texts.") % {"n": self.limits.max_shared_strings}
                )
        elif tag == "mergeCell" and self.is_sheet:
            self._merge(attributes.get("ref") or "")
        elif not (self.is_sheet or self.is_strings) and self.elements > self.limits.max_part_elements:
            raise SpreadsheetRefused(_("A part of the workbook is too large to read (%(part)s).") % {"part": self.name})

    def _row(self, number):
        self.rows += 1
        self.last_row = int(number) if number and number.isdigit() else self.last_row + 1
        self.cells_in_row = 0
        if max(self.rows, self.last_row) > self.limits.max_rows:
            raise SpreadsheetRefused(_("A sheet may hold at most %(n)d rows.") % {"n": self.limits.max_rows})

    def _cell(self, reference):
        self.cells_in_row += 1
        match = _CELL_REF.match(reference or "")
        column = column_index(match.group(1)) if match else self.cells_in_row
        self.cells_in_row = max(self.cells_in_row, column)
        self.columns = max(self.columns, self.cells_in_row)
        if self.columns > self.limits.max_columns:
            raise SpreadsheetRefused(_("A sheet may hold at most %(n)d columns.") % {"n": self.limits.max_columns})

    def _merge(self, reference):
        match = _RANGE_REF.match(reference)
        if not match:
            return
        if len(self.merged) >= self.limits.max_merged_ranges:
            raise SpreadsheetRefused(
                _("A sheet may hold at most %(n)d merged ranges.") % {"n": self.limits.max_merged_ranges}
            )
        first_col, first_row = column_index(match.group(1)), int(match.group(2))
        last_col = column_index(match.group(3)) if match.group(3) else first_col
        last_row = int(match.group(4)) if match.group(4) else first_row
        self.merged_area += (last_row - first_row + 1) * (last_col - first_col + 1)
        # Ranges that overlap (Excel never writes them) could make filling them cost more than the
        # sheet has cells: the ranges together may cover the sheet's area once, no more.
        if (
            last_row > self.limits.max_rows
            or last_col > self.limits.max_columns
            or self.merged_area > self.limits.max_rows * self.limits.max_columns
        ):
            raise SpreadsheetRefused(_("A merged range lies outside the rows and columns a sheet may hold."))
        self.merged.append((first_row, first_col, last_row, last_col))


def _check_directory(archive: zipfile.ZipFile, limits: Limits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise SpreadsheetRefused(_("The workbook has too many parts to be a spreadsheet."))
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > RATIO_FLOOR and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise SpreadsheetRefused(
                _("The workbook inflates to more than %(ratio)d times its size: it is refused as a possible attack.")
                % {"ratio": limits.max_ratio}
            )
    if total > limits.inflated_bytes:
        raise SpreadsheetRefused(
            _("The workbook unpacks to more than %(size)d MB; split it into smaller files.")
            % {"size": limits.inflated_bytes // (1024 * 1024)}
        )


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> _Scanner | None:
    """Stream one part through the scanner; None for a part that is not XML (images, .bin)."""
    with archive.open(member) as stream:
        first = stream.read(CHUNK)
        start = first.lstrip()
        if start and not start.startswith(_XML_STARTS):
            return None  # not XML (an image, a .bin): openpyxl cannot parse it as a sheet either
        scanner = _Scanner(member.filename, limits)
        chunk = first
        while chunk:
            scanner.feed(chunk)
            chunk = stream.read(CHUNK)
        scanner.feed(b"", True)
    return scanner


class Workbook:
    """An opened, scanned workbook: ``sheet_names`` and ``rows(index)`` of cell values."""

    def __init__(self, source, sheets: dict[str, SheetScan], limits: Limits):
        from openpyxl import load_workbook

        self._sheets, self.limits = sheets, limits
        source.seek(0)
        self._book = load_workbook(source, read_only=True, data_only=True)
        self.sheet_names = list(self._book.sheetnames)

    def rows(self, index: int = 0, *, fill_merged: bool = False) -> Iterator[tuple]:
        """The sheet's rows from row 1, each a tuple of values as wide as its widest row; with
        ``fill_merged``, each cell of a merged range holds the range's (top-left) value."""
        sheet = self._book.worksheets[index]
        scan = self._sheets.get(sheet._worksheet_path.lstrip("/")) or SheetScan(merged=[])
        if scan.rows == 0 or scan.columns == 0:
            return
        waiting = sorted(scan.merged, reverse=True) if fill_merged else []  # by first row, last first
        active = []  # [(last_row, first_col, last_col, value)]: ranges that cover the current row
        cells = sheet.iter_rows(min_row=1, min_col=1, max_row=scan.rows, max_col=scan.columns, values_only=True)
        for number, row in enumerate(_padded(_guarded(cells), scan), start=1):
            if not (waiting or active):
                yield row
                continue
            row = list(row)
            active = [entry for entry in active if entry[0] >= number]
            while waiting and waiting[-1][0] == number:
                _first_row, first_col, last_row, last_col = waiting.pop()
                active.append((last_row, first_col, last_col, row[first_col - 1]))  # its top-left value
            for _last_row, first_col, last_col, value in active:
                row[first_col - 1 : last_col] = [value] * (last_col - first_col + 1)
            yield tuple(row)

    def close(self) -> None:
        self._book.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _padded(rows: Iterator, scan: SheetScan) -> Iterator:
    """The rows, then empty ones down to the scanned extent (read-only mode stops at the last row
    with a cell; a merged range may reach further)."""
    count = 0
    for row in rows:
        count += 1
        yield row
    empty = (None,) * scan.columns
    for _number in range(count, scan.rows):
        yield empty


def _unreadable() -> SpreadsheetRefused:
    return SpreadsheetRefused(_("The workbook cannot be read; save it again as .xlsx and retry."))


def _guarded(rows: Iterator) -> Iterator:
    """openpyxl's rows, its errors on a damaged sheet (a bad number, a bad style) made ours."""
    try:
        yield from rows
    except Exception:
        raise _unreadable() from None


def open_workbook(source, *, limits: Limits | None = None) -> Workbook:
    """Open an .xlsx (a path, a binary file or bytes) within ``limits``; SpreadsheetRefused otherwise."""
    import io

    limits = limits or Limits()
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    elif not hasattr(source, "seek"):
        source = open(source, "rb")  # noqa: SIM115 -- the Workbook reads from it until closed
    source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetRefused(_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        _check_directory(archive, limits)
        sheets = {}
        for member in archive.infolist():
            if member.is_dir():
                continue
            scanner = _scan_part(archive, member, limits)
            if scanner is not None and scanner.is_sheet:
                # A merged range counts towards the sheet's extent: read-only rows must reach it.
                rows = max([scanner.last_row] + [r[2] for r in scanner.merged])
                columns = max([scanner.columns] + [r[3] for r in scanner.merged])
                sheets[member.filename] = SheetScan(rows=rows, columns=columns, merged=scanner.merged)
        archive.close()
        return Workbook(source, sheets, limits)
    except SpreadsheetRefused:
        archive.close()
        raise
    except Exception:  # a damaged zip (bad CRC, truncated), bad XML, or a part openpyxl cannot read
        archive.close()
        raise _unreadable() from None


# --- Writing: cells that are never formulas ------------------------------------------------------
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# An amount the report carries as text ("-120.50") is a number, not a formula: left as it is.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(value)


def xlsx_cell(sheet, value, **style) -> Cell:
    """A cell for ``sheet.append`` (write-only or not) that can never hold a formula."""
    cell = Cell(sheet, row=1, column=1, value=value)
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl types any "=…" string as a formula
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_row(sheet, values, **style) -> list[Cell]:
    return [xlsx_cell(sheet, value, **style) for value in values]


def csv_value(value):
    return "'" + value if is_formula_like(value) else value


def csv_row(values) -> list:
    return [csv_value(value) for value in values]
