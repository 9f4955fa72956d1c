"""Reading operating-data rows — from a JSON list or a spreadsheet — into clean values.

Each kind declares its columns: the attribute it fills, the parser that turns what arrived (a JSON
value or a spreadsheet cell) into a Python value, and the header names a sheet may use for it.
Parsers are plain functions, not a serializer per row: a batch of 100,000 ratings must be
checked in well under a second. A problem is a ``CellError`` naming the field; the caller adds
the row number.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import Filing, Indicator, Rating, Source
from evaluation.models.budget import MAX_AMOUNT
from portfolio.spreadsheets import Limits, SpreadsheetRefused, open_workbook

MAX_ROWS = 200_000
MAX_TEXT = 2000
EARLIEST = datetime.date(2000, 1, 1)


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- parsers: (value) -> python value, raising CellError --------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_int(value) -> int:
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise CellError(_("Enter a whole number."))


def parse_score(value) -> int:
    try:
        score = parse_int(value)
    except CellError:
        score = None
    if score is None or not 1 <= score <= 5:
        raise CellError(_("A rating is a whole number from 1 to 5."))
    return score


def parse_datetime(value) -> datetime.datetime:
    """ISO 8601 (``2026-03-01T09:30:00+08:00``), a date alone (midnight), or a spreadsheet cell.

    A time without a zone is local (Asia/Shanghai). The future is refused: operating data
    records what happened.
    """
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace("/", "-")
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise CellError(_("Enter a date and time such as 2026-03-01 09:30.")) from None
    else:
        raise CellError(_("Enter a date and time such as 2026-03-01 09:30."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment.date() < EARLIEST:
        raise CellError(_("The date is too far in the past."))
    if moment > timezone.now() + datetime.timedelta(minutes=5):
        raise CellError(_("The time cannot be in the future."))
    return moment


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str) and value.strip():
        try:
            day = datetime.date.fromisoformat(value.strip().replace("/", "-")[:10])
        except ValueError:
            raise CellError(_("Enter a date such as 2026-03-01.")) from None
    else:
        raise CellError(_("Enter a date such as 2026-03-01."))
    if day < EARLIEST:
        raise CellError(_("The date is too far in the past."))
    if day > timezone.localdate():
        raise CellError(_("The date cannot be in the future."))
    return day


def parse_decimal(value) -> Decimal:
    if isinstance(value, bool) or _blank(value):
        raise CellError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(_("Enter a number.")) from None
    if not number.is_finite():
        raise CellError(_("Enter a number."))
    return number


def parse_amount(value) -> Decimal:
    amount = parse_decimal(value)
    if amount < 0:
        raise CellError(_("An amount cannot be negative."))
    if amount > MAX_AMOUNT:
        raise CellError(_("The amount is too large."))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("Amounts are in yuan with at most two decimals."))
    return amount


def parse_value(value) -> Decimal:
    number = parse_decimal(value)
    if abs(number) >= Decimal(10) ** 10 or number != number.quantize(Decimal("0.0001")):
        raise CellError(_("Enter a value below 10,000,000,000 with at most four decimals."))
    return number


TRUE_WORDS = {"true", "1", "yes", "y", "是", "已解决", "√"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "未解决", ""}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Enter yes or no (true/false, 是/否)."))


def parse_text(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise CellError(_("At most %(n)d characters.") % {"n": MAX_TEXT})
    return text


def parse_title(value) -> str:
    text = parse_text(value)
    if len(text) > 200:
        raise CellError(_("At most %(n)d characters.") % {"n": 200})
    return text


def _channel_lookup() -> dict[str, str]:
    lookup = {}
    for code, label in Rating.Channel.choices:
        lookup[code] = code
        lookup[str(label).lower()] = code
    lookup.update({"网站": "web", "网页": "web", "pc": "web", "移动端": "app", "手机": "app", "app": "app"})
    lookup.update({"窗口": "window", "热线": "hotline", "12345": "hotline", "12345热线": "hotline", "其他": "other"})
    return lookup


def parse_channel(value) -> str:
    if _blank(value):
        return Rating.Channel.OTHER
    code = _channel_lookup().get(str(value).strip().lower())
    if code is None:
        allowed = "、".join(f"{c}（{label}）" for c, label in Rating.Channel.choices)
        raise CellError(_("Unknown channel. Use one of: %(allowed)s.") % {"allowed": allowed})
    return code


def parse_period(value) -> int:
    year = parse_int(value)
    if not 2000 <= year <= timezone.localdate().year:
        raise CellError(_("A period is a year between 2000 and this year."))
    return year


@dataclass(frozen=True)
class Column:
    attribute: str  # the model attribute it fills (``project_id`` …)
    key: str  # the JSON key (DESIGN.md's field name)
    parse: Callable
    required: bool = True
    headers: tuple = ()  # other names a spreadsheet may use for the column


PROJECT = Column("project_id", "project", None, headers=("项目", "项目编号", "项目代码", "项目id", "project_code"))

KINDS = {
    Filing.Kind.RATINGS: (
        PROJECT,
        Column("score", "score", parse_score, headers=("评分", "评价", "满意度评分", "分值")),
        Column("rated_at", "rated_at", parse_datetime, headers=("评价时间", "时间")),
        Column("channel", "channel", parse_channel, required=False, headers=("渠道", "评价渠道")),
        Column("comment", "comment", parse_text, required=False, headers=("评价内容", "意见", "备注")),
    ),
    Filing.Kind.TICKETS: (
        PROJECT,
        Column("title", "title", parse_title, required=False, headers=("标题", "问题", "工单标题", "问题描述")),
        Column("received_at", "received_at", parse_datetime, headers=("受理时间", "接收时间")),
        Column("resolved", "resolved", parse_bool, required=False, headers=("是否解决", "已解决")),
        Column("resolved_at", "resolved_at", parse_datetime, required=False, headers=("解决时间", "办结时间")),
    ),
    Filing.Kind.SPENDING: (
        PROJECT,
        Column("spent_on", "spent_on", parse_date, headers=("支出日期", "日期")),
        Column("amount", "amount", parse_amount, headers=("金额", "支出金额", "金额（元）")),
        Column("purpose", "purpose", parse_title, required=False, headers=("用途", "事由", "摘要")),
    ),
    Filing.Kind.MEASUREMENTS: (
        PROJECT,
        Column("indicator_id", "indicator", None, headers=("指标", "指标编码", "指标代码")),
        Column("period", "period", parse_period, headers=("年度", "期间")),
        Column("value", "value", parse_value, headers=("数值", "指标值", "值")),
        Column("note", "note", parse_title, required=False, headers=("说明", "备注")),
    ),
}


def field_label(kind: str, key: str) -> str:
    """The user's word for a column (its model field's verbose name), for messages on pages."""
    from evaluation.services import MODELS

    for column in KINDS[kind]:
        if column.key == key:
            return str(MODELS[kind]._meta.get_field(column.attribute.removesuffix("_id")).verbose_name)
    return ""


def header_map(kind: str) -> dict[str, str]:
    """Spreadsheet header (lower-cased, stripped) -> JSON key."""
    mapping = {}
    for column in KINDS[kind]:
        for name in (column.key, column.attribute, *column.headers):
            mapping[name.lower()] = column.key
    return mapping


@dataclass
class BadRow:
    row: int
    errors: dict  # field -> message

    def as_dict(self) -> dict:
        return {"row": self.row, "errors": self.errors}


@dataclass
class Parsed:
    rows: list  # tuples in KINDS[kind] attribute order
    row_numbers: list
    bad: list  # BadRow


class References:
    """Resolves the project and indicator references of a batch with one query each.

    Only projects the filer may see and file for are found; a project that exists but is not
    theirs reads exactly like one that does not exist.
    """

    def __init__(self, projects: dict, indicators: dict):
        self.projects = projects  # str(id) or code -> (id, stage)
        self.indicators = indicators  # str(id) or code -> (id, source, active)

    @classmethod
    def load(cls, kind: str, raw_rows: list[dict], *, user, accepted_stage: str):
        from projects.models import Project

        refs = {str(r.get("project")).strip() for r in raw_rows if isinstance(r, dict) and not _blank(r.get("project"))}
        ids = {int(ref) for ref in refs if ref.isdigit() and len(ref) < 19}
        codes = refs - {str(i) for i in ids}
        projects = {}
        visible = Project.objects.visible_to(user)
        for chunk_ids, chunk_codes in _chunks(sorted(ids), sorted(codes)):
            for pk, _code, stage in visible.filter(pk__in=chunk_ids).values_list("pk", "code", "stage"):
                projects[str(pk)] = (pk, stage)
            for pk, code, stage in visible.filter(code__in=chunk_codes).values_list("pk", "code", "stage"):
                projects[code] = (pk, stage)
        indicators = {}
        if kind == Filing.Kind.MEASUREMENTS:
            for pk, code, source, active in Indicator.objects.values_list("pk", "code", "source", "is_active"):
                indicators[str(pk)] = indicators[code] = (pk, source, active)
        return cls(projects, indicators)

    def project(self, value, accepted_stage: str) -> int:
        if _blank(value):
            raise CellError(_("Name the project (its id or code)."))
        found = self.projects.get(str(value).strip())
        if found is None:
            raise CellError(_("No such project among those you may file data for."))
        if found[1] != accepted_stage:
            raise CellError(_("The project is not accepted and in operation: operating data cannot be filed for it."))
        return found[0]

    def indicator(self, value) -> int:
        found = self.indicators.get(str(value).strip()) if not _blank(value) else None
        if found is None:
            raise CellError(_("No such indicator."))
        if found[1] != Source.MEASUREMENT:
            raise CellError(_("This indicator is computed from tickets, ratings or spending, not filed."))
        if not found[2]:
            raise CellError(_("This indicator is not in use."))
        return found[0]


def _chunks(ids: list, codes: list, size: int = 5000) -> Iterator[tuple[list, list]]:
    # SQLite allows a limited number of parameters per query.
    for start in range(0, max(len(ids), len(codes), 1), size):
        yield ids[start : start + size], codes[start : start + size]


def parse_rows(
    kind: str, raw_rows: Iterable, references: References, *, first_row: int = 1, skip_blank: bool = False
) -> Parsed:
    """Check every row; collect the good ones as tuples and the bad ones with their messages.

    ``skip_blank``: a spreadsheet's empty lines (None) are passed over, keeping the numbering.
    """
    from projects.lifecycle import Stage

    columns = KINDS[kind]
    parsed = Parsed(rows=[], row_numbers=[], bad=[])
    accepted = Stage.ACCEPTED
    fast_datetime = _fast_datetime_parser()
    parsers = [fast_datetime if column.parse is parse_datetime else column.parse for column in columns]
    for number, raw in enumerate(raw_rows, start=first_row):
        if raw is None and skip_blank:
            continue
        if not isinstance(raw, dict):
            parsed.bad.append(BadRow(number, {"non_field_errors": _("Each row must be an object with named fields.")}))
            continue
        values, errors = [], {}
        for column, parse in zip(columns, parsers, strict=True):
            value = raw.get(column.key)
            try:
                if column.key == "project":
                    values.append(references.project(value, accepted))
                elif column.key == "indicator":
                    values.append(references.indicator(value))
                elif _blank(value) and not column.required:
                    values.append(column.parse(None) if column.key in {"channel", "resolved"} else _empty(column))
                elif _blank(value):
                    raise CellError(_("This field is required."))
                else:
                    values.append(parse(value))
            except CellError as error:
                errors[column.key] = error.message
                values.append(None)
        if not errors and kind == Filing.Kind.TICKETS:
            errors = _ticket_errors(values, raw)
        if errors:
            parsed.bad.append(BadRow(number, errors))
        else:
            parsed.rows.append(tuple(values))
            parsed.row_numbers.append(number)
    return parsed


def _fast_datetime_parser():
    """parse_datetime for a batch: the common ISO 8601 text checked against one "now".

    A batch of 100,000 ratings spends most of its checking time on timestamps; anything unusual
    (a spreadsheet cell, "2026/03/01", an error) goes to parse_datetime for the full treatment.
    """
    latest = timezone.now() + datetime.timedelta(minutes=5)
    zone = timezone.get_default_timezone()
    fromisoformat = datetime.datetime.fromisoformat

    def parse(value):
        if type(value) is not str:
            return parse_datetime(value)
        try:
            moment = fromisoformat(value)
        except ValueError:
            return parse_datetime(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        if moment > latest or moment.year < EARLIEST.year:
            return parse_datetime(value)  # raises the right message
        return moment

    return parse


def _empty(column: Column):
    return None if column.key == "resolved_at" else ""


def _ticket_errors(values: list, raw: dict) -> dict:
    from evaluation.models.operations import ticket_time_errors

    _project, _title, received_at, resolved, resolved_at = values
    if resolved_at is not None and _blank(raw.get("resolved")):
        values[3] = resolved = True  # a resolution time alone says it was resolved
    return {key: str(message) for key, message in ticket_time_errors(received_at, resolved, resolved_at).items()}


# --- spreadsheets ----------------------------------------------------------------------------

XLSX = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class Sheet:
    rows: list  # dicts keyed by JSON key
    first_row: int  # the spreadsheet row number of rows[0]
    file_name: str
    sha256: str
    extension: str


def read_sheet(uploaded, kind: str) -> Sheet:
    """Read an uploaded .xlsx or .csv (UTF-8 or GB18030, as Excel in China saves it)."""
    import hashlib

    import filetype

    from portfolio.uploads import clean_display_name, too_large_message, validate_upload

    if uploaded is None:
        raise ValidationError(_("Choose a file to upload."))
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message())
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    if filetype.guess(head) is None and uploaded.name.lower().endswith(".csv"):
        data = uploaded.read()
        if not data:
            raise ValidationError(_("The file is empty."))
        table = _csv_rows(data)
        display, digest, extension = clean_display_name(uploaded.name), hashlib.sha256(data).hexdigest(), "csv"
        uploaded.seek(0)
    else:
        try:
            checked = validate_upload(uploaded, allowed=XLSX)
        except ValidationError:
            raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file.")) from None
        table = _xlsx_rows(uploaded)
        display, digest, extension = checked.display_name, checked.sha256, "xlsx"
    header_row, rows = _records(table, header_map(kind))
    return Sheet(rows=rows, first_row=header_row + 1, file_name=display, sha256=digest, extension=extension)


def _csv_rows(data: bytes) -> Iterator[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    return csv.reader(io.StringIO(text))


# The header may sit below a title or two (``_records`` looks in the first ten rows).
XLSX_LIMITS = Limits(max_rows=MAX_ROWS + 10, max_columns=60)


def _xlsx_rows(uploaded) -> Iterator[tuple]:
    """The first sheet's rows, read within fixed bounds of memory and time (portfolio.spreadsheets)."""
    try:
        workbook = open_workbook(uploaded, limits=XLSX_LIMITS)
    except SpreadsheetRefused as error:
        raise ValidationError(str(error)) from None
    try:
        yield from workbook.rows(0)
    except SpreadsheetRefused as error:
        raise ValidationError(str(error)) from None
    finally:
        workbook.close()


def _records(table: Iterable, mapping: dict) -> tuple[int, list[dict]]:
    """Find the header row (the first that names known columns) and turn the rows below into dicts."""
    keys, header_row, rows = None, 0, []
    for number, cells in enumerate(table, start=1):
        if keys is None:
            names = [str(c).strip().lower() if c is not None else "" for c in cells]
            if any(name in mapping for name in names):
                keys, header_row = [mapping.get(name) for name in names], number
            elif number >= 10:
                break
            continue
        if all(_blank(c) for c in cells):
            rows.append(None)  # keep numbering; dropped below
            continue
        rows.append({key: cell for key, cell in zip(keys, cells, strict=False) if key})
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("A file may hold at most %(n)d rows.") % {"n": MAX_ROWS})
    if keys is None:
        raise ValidationError(_("No header row found: name the columns in the first row (e.g. 项目, 评分, 评价时间)."))
    while rows and rows[-1] is None:
        rows.pop()
    return header_row, rows
