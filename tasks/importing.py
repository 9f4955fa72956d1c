"""Reading real task lists (任务分工表) from Excel, as DESIGN.md describes them: messy.

Three steps, each testable alone:

1. ``read_workbook`` turns the file into ``SheetRow``s, from cell values row by row (a merged
   cell is a value in its first cell and blanks after it, as a read-only reader gives it): it
   finds the header row under a title, skips section rows (一、…) and remembers the section a
   task is in.
2. ``plan_import`` reads each row: units in their columns or in the task text (``tasks.units``
   reads them as published documents write them), "同上" and "下同", Chinese deadlines in the
   deadline column or, when it is empty, in the task text; it matches units to organizations
   (``units.OrgMatcher``) and reports every row it cannot read with its row number and why, and
   every assumption it made (no deadline stated, no lead/partner split, a deadline already past)
   as a warning.
3. ``services.import_tasks`` writes the rows: all or nothing unless bad rows are to be skipped;
   a task it created before (same plan, same task text) is updated, never duplicated.

docs/task-import.md lists the rules and how they are measured on published task lists.
"""

import calendar
import dataclasses
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from portfolio.models import Domain, Organization, Plan, Region
from portfolio.spreadsheets import Limits, SpreadsheetRefused, open_workbook
from tasks.units import LABEL, OrgMatcher, UnitMatch, normalize, parse_unit_text, split_names, top_level_brackets
from tasks.units import is_unit_bracket as unit_bracket

CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE container: an encrypted .xlsx or an old .xls
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")

HEADERS = {  # column -> words that name it in a header cell, tried in this order
    "number": ("序号", "编号"),
    "deadline": ("时限", "完成时间", "期限", "时间节点", "时间要求", "完成时间"),
    "lead": ("牵头",),
    "partner": ("配合", "参与", "协办", "协同"),
    "responsible": (
        "责任单位",
        "责任部门",
        "责任主体",
        "承办单位",
        "主责单位",
        "负责单位",
        "部门分工",
        "责任分工",
        "单位分工",
    ),
    # 目标任务, 2022年预期目标, 主要指标: a report's targets are its tasks.
    "title": ("任务", "工作内容", "重点工作", "事项", "措施", "工作要点", "内容", "举措", "目标", "指标"),
}
SECTION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+(?:部分|章|节))"
)
ONGOING = ("持续推进", "长期坚持", "长期推进", "持续开展", "常态化推进", "长期", "持续", "常态化")
SAME_AS_ABOVE = re.compile(r"^(?:同上|同上行|同上条|同前)$")
CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass
class SheetRow:
    row: int
    number: str
    title: str
    lead: str
    partner: str
    deadline: object
    section: str = ""
    responsible: str = ""  # a 责任单位 column in a sheet without a 牵头单位 one


@dataclass
class PlannedRow:
    source: SheetRow
    title: str = ""
    leads: list = field(default_factory=list)  # UnitMatch
    partners: list = field(default_factory=list)  # UnitMatch
    due_date: date | None = None
    deadline_text: str = ""
    domain: Domain | None = None
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def lead_org(self):
        matched = [m.org for m in self.leads if m.org]
        return matched[0] if matched else None

    @property
    def co_lead_orgs(self):
        matched = []
        for m in self.leads:
            if m.org and m.org not in matched:
                matched.append(m.org)
        return matched[1:]

    @property
    def partner_orgs(self):
        lead_ids = {o.pk for o in [self.lead_org, *self.co_lead_orgs] if o}
        found = []
        for m in self.partners:
            if m.org and m.org.pk not in lead_ids and m.org not in found:
                found.append(m.org)
        return found

    @property
    def partner_names(self):
        names = []
        for m in self.partners:
            if not m.org and m.name not in names:
                names.append(m.name)
        return names

    @property
    def partners_text(self) -> str:
        return "、".join([*(o.name for o in self.partner_orgs), *self.partner_names])

    @property
    def import_key(self) -> str:
        return hashlib.sha256(normalize(self.title).encode()).hexdigest()[:40]


@dataclass
class ImportPlan:
    rows: list
    file_warnings: list = field(default_factory=list)

    @property
    def bad_rows(self):
        return [r for r in self.rows if not r.ok]

    @property
    def good_rows(self):
        return [r for r in self.rows if r.ok]

    def close_matches(self) -> dict[str, list]:
        """Unit names that only closely match, with their candidates (to confirm on the page)."""
        found = {}
        for row in self.rows:
            for match in [*row.leads, *row.partners]:
                if match.candidates and match.how in ("close", "none"):
                    found.setdefault(match.name, match.candidates)
        return found


# --- 1. The workbook ---------------------------------------------------------------------------
# A plan's task list is some hundreds of rows; the bound leaves ample room and keeps a bomb small.
SHEET_LIMITS = Limits(max_rows=20_000, max_columns=60)


def read_workbook(data: bytes) -> list[SheetRow]:
    if not data:
        raise ImportFileError(_("The file is empty."))
    if data.startswith(CFB_SIGNATURE):
        if ENCRYPTION_STREAM in data:
            raise ImportFileError(
                _("The workbook is password-protected. Remove the password in Excel and upload it again.")
            )
        raise ImportFileError(
            _("This is an old-format Excel file (.xls). Save it as .xlsx in Excel and upload it again.")
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        # Streamed and bounded (decompression bombs): rows of values.
        with open_workbook(data, limits=SHEET_LIMITS) as workbook:
            grids = [[list(row) for row in workbook.rows(index)] for index in range(len(workbook.sheet_names))]
    except SpreadsheetRefused as error:
        raise ImportFileError(str(error)) from None
    if not any(any(value is not None for value in row) for grid in grids for row in grid):
        raise ImportFileError(_("The workbook is empty: it has no rows."))
    for grid in grids:
        rows = _read_sheet(grid)
        if rows is not None:
            if not rows:
                raise ImportFileError(_("The sheet has a header row but no task rows."))
            return rows
    raise ImportFileError(
        _("No header row was found. The sheet needs the columns 序号, 任务, 牵头单位, 配合单位 and 完成时限.")
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_sheet(grid: list[list]) -> list[SheetRow] | None:
    """The task rows of one sheet, from cell values only (rows from row 1; a merged cell's value
    stands in its first cell, as published sheets' title and section rows are read)."""
    columns, header_row = None, 0
    for r, values in enumerate(grid[:20], start=1):
        found = _header_columns(values)
        if found:
            columns, header_row = found, r
            break
    if columns is None:
        return None
    rows, section = [], ""
    for r, values in enumerate(grid[header_row:], start=header_row + 1):

        def get(name, values=values):
            index = columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        texts = [_cell_text(v) for v in values if _cell_text(v)]
        if not texts:
            continue
        title, number = _cell_text(get("title")), _cell_text(get("number"))
        lead, partner, deadline = _cell_text(get("lead")), _cell_text(get("partner")), get("deadline")
        responsible = _cell_text(get("responsible"))
        if _is_section(texts, number, title, lead or responsible, deadline, title_first=columns["title"] == 0):
            section = texts[0]  # a section row (一、…), often merged across the table
            continue
        rows.append(SheetRow(r, number, title, lead, partner, deadline, section, responsible))
    return rows


def _is_section(texts, number, title, units, deadline, *, title_first: bool) -> bool:
    if units or _cell_text(deadline):
        return False
    if not title:
        return True  # nothing in the task column: a heading written in the first column
    if SECTION.match(number or title) or (number and not title and SECTION.match(number)):
        return True
    # A heading merged across the table sits in its first cell; with 序号 first, a lone text in the
    # task column is a task whose other cells are merged from the row above.
    only = texts[0] if len(set(texts)) == 1 and title_first else ""
    return bool(only) and len(only) <= 30 and not only.endswith("。") and not top_level_brackets(only)


def _header_columns(values) -> dict | None:
    columns = {}
    for index, value in enumerate(values):
        text = _cell_text(value).replace(" ", "").replace("\n", "")
        if not text or len(text) > 12:
            continue
        if re.search(r"领导|负责人|责任人|联系人", text) and not re.search(r"单位|部门", text):
            continue  # 牵头领导, 分管市领导: a person, not a unit
        for name, words in HEADERS.items():
            if name not in columns and any(word in text for word in words):
                columns[name] = index
                break
    if "responsible" in columns and "lead" in columns and "partner" not in columns:
        columns["partner"] = columns.pop("responsible")  # 牵头单位 + 责任单位: the latter are partners
    others = {"number", "lead", "partner", "responsible", "deadline"} & columns.keys()
    return columns if "title" in columns and others else None


# --- 2. Reading a row ----------------------------------------------------------------------------
def split_units(text: str) -> list[tuple[str, bool]]:
    """Units in one cell: ``[(name, is_collective)]``. Collective phrases are kept whole."""
    from tasks.units import is_collective

    return [(name, is_collective(name)) for name in split_names(text)]


def extract_inline(title: str) -> tuple[str, str, str]:
    """Units written in the task text: ``(title without them, lead text, partner text)``."""
    clean, specs = take_unit_brackets(title)
    leads = [n for s in specs for n in s.leads]
    partners = [n for s in specs for n in s.partners]
    return clean, "、".join(leads), "、".join(partners)


def take_unit_brackets(title: str) -> tuple[str, list]:
    """The task text without its unit brackets, and what each says (``units.UnitText``).

    A unit bracket may stand anywhere in the paragraph and hold brackets of its own; a bracket
    that holds something else ("（CIM）", "（支持龙头企业牵头组建联合体）") stays in the text."""
    specs, pieces, last = [], [], 0
    for start, end, inner in top_level_brackets(title):
        spec = unit_bracket(inner)
        if spec is None:
            continue
        specs.append(spec)
        pieces.append(title[last:start])
        last = end
    pieces.append(title[last:])
    clean = "".join(pieces).strip()
    if not specs:
        clean, specs = _labelled_tail(clean)
    clean = re.sub(r"\s*([。；;，,])\s*(?=[。；;，,]|$)", r"\1", clean).strip()
    return clean, specs


LABELLED_TAIL = re.compile(rf"(?:^|(?<=[\n\r。；;]))\s*((?:{LABEL.pattern}).+)$", re.S)


def _labelled_tail(title: str) -> tuple[str, list]:
    """Units labelled without a bracket at the end of the cell, on a line or after a sentence of
    their own: "（一）地区生产总值增长7%以上\n责任单位：区发展和改革局"."""
    found = LABELLED_TAIL.search(title)
    if not found:
        return title, []
    spec = unit_bracket(found.group(1))
    if spec is None:
        return title, []
    return title[: found.start()].strip(), [spec]


def parse_deadline(value, year: int) -> tuple[date | None, bool]:
    """``(due date or None, readable)``. None with readable=True means ongoing work (持续推进)."""
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    if isinstance(value, int | float) and 20000 < value < 80000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date(), True
    text = normalize(_cell_text(value))
    if not text:
        return None, False
    found = []

    def last_day(y, m):
        return date(y, m, calendar.monthrange(y, m)[1])

    patterns = [
        (r"(\d{4})年?\s*[-—–~～至到]\s*(\d{4})年?", lambda m: date(int(m[2]), 12, 31)),  # 2023—2025年
        (r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
        (r"(\d{4})[-/.年](\d{1,2})月?(?:底|末|份)?", lambda m: last_day(int(m[1]), int(m[2]))),
        (r"(\d{4})年?第?([一二三四1-4])季度", lambda m: last_day(int(m[1]), CN_QUARTER[m[2]] * 3)),
        (r"(\d{4})年?上半年", lambda m: date(int(m[1]), 6, 30)),
        (r"(\d{4})年?(?:下半年|年底|年末|底)", lambda m: date(int(m[1]), 12, 31)),
        (r"(\d{4})年", lambda m: date(int(m[1]), 12, 31)),
        (r"(\d{1,2})月(\d{1,2})日", lambda m: date(year, int(m[1]), int(m[2]))),
        (r"(\d{1,2})月(?:底|末|份)?", lambda m: last_day(year, int(m[1]))),
        (r"第?([一二三四1-4])季度", lambda m: last_day(year, CN_QUARTER[m[1]] * 3)),
        (r"上半年", lambda m: date(year, 6, 30)),
        (r"下半年|年底|年末|年内", lambda m: date(year, 12, 31)),
    ]
    rest = text
    for pattern, build in patterns:
        for match in re.finditer(pattern, rest):
            try:
                found.append(build(match))
            except (ValueError, KeyError):
                return None, False
        rest = re.sub(pattern, " ", rest)
    if found:
        return max(found), True  # "6月底前试点，年底前推广": the task is due at the last step
    if any(word in text for word in ONGOING):
        return None, True
    return None, False


# Deadlines written inside the task text, read when the deadline column is empty. Only phrases
# that set a deadline count ("到2025年，…" states a goal, "2023年底前完成" a deadline).
TEXT_DEADLINES = [
    (r"(\d{4})年(\d{1,2})月(?:底|末)?(?:前|之前)", lambda m, y: _last_day(int(m[1]), int(m[2]))),
    (r"(?:到|至|于|在)?(\d{4})年(?:年)?(?:底|末)(?:前|之前)?", lambda m, y: date(int(m[1]), 12, 31)),
    # "到2027年，…": the horizon of the plan the task belongs to
    (r"(?:到|至)(\d{4})年(?![\d底末上下])", lambda m, y: date(int(m[1]), 12, 31)),
    (r"(\d{4})年上半年", lambda m, y: date(int(m[1]), 6, 30)),
    (r"(?<![\d年])(\d{1,2})月(?:底|末)?(?:前|之前)", lambda m, y: _last_day(y, int(m[1]))),
    (r"(?<!\d年)上半年", lambda m, y: date(y, 6, 30)),
    (r"(?<![\d])(?:今年|年内|年底前|年底|年末)", lambda m, y: date(y, 12, 31)),
]


def _last_day(y, m):
    return date(y, m, calendar.monthrange(y, m)[1])


def deadline_in_text(text: str, year: int) -> date | None:
    """ "年内", "年底前", "到2022年底", "6月底前" in the task text: the latest of them."""
    text, found = normalize(text), []
    for pattern, build in TEXT_DEADLINES:
        for match in re.finditer(pattern, text):
            try:
                found.append(build(match, year))
            except ValueError:
                continue
        text = re.sub(pattern, " ", text)
    return max(found) if found else None


def regions_for(plan: Plan, user=None) -> list[Region]:
    """The plan's region and the uploader's, with the regions above them: whose prefix a list
    may write as 省/市/区/县 or leave out."""
    pks = set()
    for region in (plan.region, getattr(getattr(user, "organization", None), "region", None)):
        if region is not None:
            pks |= {int(step) for step in region.path.strip("/").split("/") if step}
    return list(Region.objects.filter(pk__in=pks))


def matcher_for(plan: Plan, user=None) -> OrgMatcher:
    regions = regions_for(plan, user)
    tree = [plan.region, getattr(getattr(user, "organization", None), "region", None)]
    query = Organization.objects.none()
    for region in filter(None, tree):
        query = query | Organization.objects.filter(region__path__startswith=region.path)
    query = query | Organization.objects.filter(region__in=regions)
    return OrgMatcher(list(query.filter(is_active=True).distinct()), regions=[r.name for r in regions])


@dataclass
class _Units:
    """One row's units, names as written."""

    leads: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    responsible_only: bool = False

    @property
    def empty(self):
        return not (self.leads or self.partners)


def _row_units(source: SheetRow, specs: list, previous: _Units | None) -> tuple[_Units, list[str]]:
    """The units a row names in its columns and its text; "同上" takes the row above's."""
    units, notes = _Units(), []
    for text, column in ((source.lead, "lead"), (source.responsible, "responsible"), (source.partner, "partner")):
        if not text:
            continue
        if SAME_AS_ABOVE.match(normalize(text)):
            if previous is not None:
                if column == "partner":
                    units.partners += previous.partners
                else:
                    units.leads += previous.leads
                    units.responsible_only = previous.responsible_only
                    if column == "responsible":
                        units.partners += previous.partners
                notes.append(_("“同上”: the units of the row above are used."))
            continue
        parsed = parse_unit_text(text, column=column)
        units.leads += parsed.leads
        units.partners += parsed.partners
        units.responsible_only = units.responsible_only or parsed.responsible_only
    for spec in specs:
        if not units.leads or not (source.lead or source.responsible):
            units.leads += spec.leads
            units.responsible_only = units.responsible_only or spec.responsible_only
        units.partners += spec.partners
    return units, notes


def plan_import(
    rows: list[SheetRow],
    *,
    plan: Plan,
    year: int,
    assigned_on: date,
    confirmed=None,
    blank_deadline: str = "none",
    by=None,
) -> ImportPlan:
    """Read every row; ``confirmed`` maps a close-matched unit name to the organization chosen.

    ``blank_deadline``: what a row whose deadline column is empty and whose text states none gets:
    ``"none"`` (no due date, like 持续推进) or ``"year-end"`` (31 December of ``year``)."""
    confirmed = confirmed or {}
    matcher = matcher_for(plan, by)
    today = timezone.localdate()
    domains = list(Domain.objects.all())
    planned, seen = [], {}
    previous, carried, every_following, above = None, None, [], None
    for source in rows:
        row = PlannedRow(source)
        title, specs = take_unit_brackets(source.title)
        row.title = title
        source = _merged_from_above(source, above, specs, row)
        above = source
        units, notes = _row_units(source, specs, previous)
        row.warnings += notes
        for spec in specs:
            if spec.carry_down:
                carried = (_Units(list(spec.leads), list(spec.partners), spec.responsible_only), source.row)
        if units.empty and carried is not None:
            units = _Units(list(carried[0].leads), list(carried[0].partners), carried[0].responsible_only)
            row.warnings.append(_("“下同”: the units of row %(row)d are used.") % {"row": carried[1]})
        for name in every_following:
            if name not in units.partners and name not in units.leads:
                units.partners.append(name)
        for spec in specs:
            every_following += [n for n in spec.every_following if n not in every_following]
        if not title:
            row.errors.append(_("The task text is empty."))
        _match_units(row, units, matcher, confirmed)
        _read_deadline(row, source, year=year, assigned_on=assigned_on, today=today, blank_deadline=blank_deadline)
        row.domain = next((d for d in domains if source.section and d.name in source.section), None)
        if row.title:
            key = row.import_key
            if key in seen:
                row.errors.append(_("The same task already appears in row %(row)d.") % {"row": seen[key]})
            seen.setdefault(key, source.row)
        if not units.empty:
            previous = units
        planned.append(row)
    return ImportPlan(planned)


def _merged_from_above(source: SheetRow, above: SheetRow | None, specs: list, row: PlannedRow) -> SheetRow:
    """A cell merged over several rows reads as blank below its first row (cell values only, as
    a read-only reader gives them). A row with no 序号 of its own and a blank unit or deadline cell
    under a row that has one is read as part of that merged block, and says so; a row with its
    own 序号 keeps its blanks (no lead: refused; no deadline: see ``blank_deadline``)."""
    if above is None or source.number:
        return source
    taken = {}
    if not (source.lead or source.responsible or specs) and (above.lead or above.responsible):
        taken.update(lead=above.lead, responsible=above.responsible, partner=source.partner or above.partner)
    if not _cell_text(source.deadline) and _cell_text(above.deadline) and not deadline_in_text(source.title, 2000):
        taken["deadline"] = above.deadline
    if not taken:
        return source
    row.warnings.append(
        _("Row %(row)d has no 序号 and blank cells: they are read as merged with row %(above)d above.")
        % {"row": source.row, "above": above.row}
    )
    return dataclasses.replace(source, **taken)


def _match(matcher, name, confirmed):
    match = matcher.match(name)
    if match.how in ("close", "none") and name in confirmed:
        chosen = confirmed[name]
        return UnitMatch(name, chosen, "confirmed") if chosen else UnitMatch(name, how="none", candidates=[])
    return match


def _match_units(row: PlannedRow, units: _Units, matcher, confirmed) -> None:
    for name in [n for written in units.leads for n in matcher.expand(written)]:
        row.leads.append(_match(matcher, name, confirmed))
    for name in [n for written in units.partners for n in matcher.expand(written)]:
        match = _match(matcher, name, confirmed)
        if match.how in ("close", "none"):
            hint = (
                _(" (closest: %(names)s)") % {"names": "、".join(o.name for o, _s in match.candidates)}
                if match.candidates
                else ""
            )
            row.warnings.append(
                _("Partner “%(name)s” is no single organization; it is kept as text%(hint)s.")
                % {"name": name, "hint": hint}
            )
        elif match.how == "collective":
            row.warnings.append(_("Partner “%(name)s” is a collective phrase; it is kept as text.") % {"name": name})
        row.partners.append(match)
    _check_leads(row)
    if units.responsible_only and row.lead_org:
        others = "、".join(o.name for o in row.co_lead_orgs)
        row.warnings.append(
            _("The row names responsible units without saying which leads: %(lead)s is taken as lead%(others)s.")
            % {"lead": row.lead_org.name, "others": _(", %(names)s as co-leads") % {"names": others} if others else ""}
        )


def _read_deadline(row, source, *, year, assigned_on, today, blank_deadline) -> None:
    deadline = source.deadline
    row.deadline_text = _cell_text(deadline)[:50] if not isinstance(deadline, date) else ""
    if _cell_text(deadline):
        row.due_date, readable = parse_deadline(deadline, year)
        if not readable:
            row.errors.append(_("The deadline “%(text)s” cannot be read as a date.") % {"text": row.deadline_text})
            return
    else:
        row.due_date = deadline_in_text(source.title, year)
        if row.due_date:
            row.warnings.append(
                _("The deadline column is empty; the task text gives %(due)s.") % {"due": _cn_date(row.due_date)}
            )
        elif blank_deadline == "year-end":
            row.due_date = date(year, 12, 31)
            row.warnings.append(
                _("No deadline is stated; the plan year's end, %(due)s, is used as chosen.")
                % {"due": _cn_date(row.due_date)}
            )
        else:
            row.warnings.append(_("No deadline is stated; the task is imported without a due date."))
    if row.due_date and row.due_date < assigned_on:
        row.warnings.append(
            _(
                "The deadline %(due)s is before the assignment date %(assigned)s: the task is imported as "
                "assigned on its deadline and will be overdue at the next scan. If the plan was issued "
                "earlier, set the assignment date (--assigned-on for the command)."
            )
            % {"due": _cn_date(row.due_date), "assigned": _cn_date(assigned_on)}
        )
    elif row.due_date and row.due_date < today:
        row.warnings.append(
            _("The deadline %(due)s has passed: the task will be overdue at the next scan.")
            % {"due": _cn_date(row.due_date)}
        )


def _cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _check_leads(row: PlannedRow) -> None:
    if not row.leads:
        row.errors.append(_("No lead unit (牵头单位) is given, in its column or in the task text."))
        return
    for match in row.leads:
        if match.how == "collective":
            row.warnings.append(
                _("Lead “%(name)s” is a collective phrase, not one organization; it is kept as a partner.")
                % {"name": match.name}
            )
            row.partners.append(UnitMatch(match.name, how="collective"))
        elif match.how == "close":
            names = "、".join(f"{org.name}（{score:.0%}）" for org, score in match.candidates)
            row.errors.append(
                _("Lead unit “%(name)s” matches no organization exactly. Did you mean: %(names)s?")
                % {"name": match.name, "names": names}
            )
        elif match.how == "none":
            row.errors.append(_("Lead unit “%(name)s” matches no organization.") % {"name": match.name})
    row.leads = [m for m in row.leads if m.how != "collective"]
    if not row.leads and not row.errors:
        row.errors.append(_("No single organization is named as lead; a collective phrase cannot lead a task."))
