"""Reading real task lists (任务分工表) from Excel, as DESIGN.md describes them: messy.

Three steps, each testable alone:

1. ``read_workbook`` turns the file into ``SheetRow``s: it finds the header row under a merged
   title, fills merged cells, skips section rows (一、…) and remembers the section a task is in.
2. ``plan_import`` reads each row: units inline in the task text in brackets of several styles,
   several units in one cell, a second lead unit (a co-lead), collective phrases that are no
   organization, Chinese deadlines; it matches lead units to organizations (exact name, then
   aliases and abbreviations, then close matches offered for confirmation) and reports every row
   it cannot read with its row number and why.
3. ``services.import_tasks`` writes the rows: all or nothing unless bad rows are to be skipped;
   a task it created before (same plan, same task text) is updated, never duplicated.
"""

import calendar
import difflib
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from portfolio.models import Domain, Organization, Plan
from portfolio.spreadsheets import Limits, SpreadsheetRefused, open_workbook

CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE container: an encrypted .xlsx or an old .xls
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")

HEADERS = {  # column -> words that name it in a header cell
    "number": ("序号", "编号"),
    "title": ("任务", "工作内容", "重点工作", "事项", "工作任务"),
    "lead": ("牵头",),
    "partner": ("配合", "责任单位", "参与", "协办"),
    "deadline": ("时限", "完成时间", "期限", "时间节点"),
}
LEAD_LABELS = ("牵头单位", "牵头部门", "牵头")
PARTNER_LABELS = ("责任单位", "配合单位", "配合部门", "参与单位", "协办单位")
SEPARATORS = re.compile(r"[、，,；;\n\r/／\s]+")
SECTION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分)"
)
BRACKETS = re.compile(r"[（(【\[]([^（）()【】\[\]]*)[)）】\]]")
# Phrases that name a group of bodies, no single organization (kept as text, never matched).
COLLECTIVE = [
    re.compile(p)
    for p in (
        r"市直(?:有关|相关|各)?部门(?:[、和及]单位)?",
        r"各县[（(]市、?区[)）](?:人民)?政府",
        r"各区[（(]县、?市[)）](?:人民)?政府",
        r"各(?:区县|县区|区市|县市|市区|区|县)(?:（市）)?(?:人民)?政府",
        r"各(?:有关|相关)?(?:部门|单位)(?:[、和及](?:部门|单位))?",
        r"(?:有关|相关)(?:部门|单位)(?:[、和及](?:部门|单位))?",
        r"各(?:街道|乡镇|镇街|镇|开发区|园区)(?:办事处|人民政府)?",
    )
]
ONGOING = ("持续推进", "长期坚持", "长期推进", "持续开展", "常态化推进", "长期", "持续", "常态化")
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


@dataclass
class UnitMatch:
    name: str  # as written in the sheet
    org: Organization | None = None
    how: str = "none"  # exact, alias, close, collective, none
    candidates: list = field(default_factory=list)  # [(Organization, similarity)]


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
        return [m.org for m in self.partners if m.org and m.org.pk not in lead_ids]

    @property
    def partner_names(self):
        return [m.name for m in self.partners if not m.org]

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
        """Lead names that only closely match, with their candidates (to confirm on the page)."""
        found = {}
        for row in self.rows:
            for match in row.leads:
                if match.how == "close":
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
        # Streamed and bounded (decompression bombs): rows of values, merged cells filled in.
        with open_workbook(data, limits=SHEET_LIMITS) as workbook:
            grids = [
                [list(row) for row in workbook.rows(index, fill_merged=True)]
                for index in range(len(workbook.sheet_names))
            ]
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
    """The task rows of one sheet (its rows of values from row 1, merged cells filled in)."""
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
        if len(set(texts)) == 1 or (not lead and not _cell_text(deadline) and SECTION.match(number or title)):
            section = texts[0]  # a section row (一、…), often merged across the table
            continue
        rows.append(SheetRow(r, number, title, lead, partner, deadline, section))
    return rows


def _header_columns(values) -> dict | None:
    columns = {}
    for index, value in enumerate(values):
        text = _cell_text(value).replace(" ", "")
        if not text or len(text) > 12:
            continue
        for name, words in HEADERS.items():
            if name not in columns and any(word in text for word in words):
                columns[name] = index
                break
    return columns if {"title", "lead"} <= columns.keys() and len(columns) >= 3 else None


# --- 2. Reading a row ----------------------------------------------------------------------------
def normalize(text: str) -> str:
    text = (text or "").replace("（", "(").replace("）", ")").replace("\u3000", " ")
    return re.sub(r"\s+", "", text)


def split_units(text: str) -> list[tuple[str, bool]]:
    """Units in one cell: ``[(name, is_collective)]``. Collective phrases are kept whole."""
    text = (text or "").strip()
    if not text:
        return []
    found = []

    def protect(match):
        found.append(match.group(0))
        return f"\x00{len(found) - 1}\x00"

    for pattern in COLLECTIVE:
        text = pattern.sub(protect, text)
    units = []
    for part in SEPARATORS.split(text):
        part = re.sub(r"[（(](?:牵头|配合|负责|主责|参与)[)）]$", "", part.strip())
        part = re.sub(r"(?:牵头|配合|负责|参与|等)$", "", part).strip("：:。. ")
        if not part:
            continue
        restored = re.sub("\x00(\\d+)\x00", lambda m: found[int(m.group(1))], part)
        collective = "\x00" in part or restored.startswith("各") or "有关" in restored or "相关" in restored
        units.append((restored, collective))
    return units


def extract_inline(title: str) -> tuple[str, str, str]:
    """Units written in the task text: ``(title without them, lead text, partner text)``.

    Handles "（牵头单位：市大数据局；责任单位：各区政府）", "（市大数据局牵头，各区政府配合）",
    "【牵头单位：…】" and the ASCII-bracket versions; other brackets stay in the title.
    """
    lead_parts, partner_parts = [], []

    def take(match):
        inner = match.group(1).strip()
        if not re.search(r"牵头|配合|责任单位|参与单位|协办", inner):
            return match.group(0)
        labelled = re.split(r"[；;]", inner)
        if any(re.match(rf"\s*(?:{'|'.join(LEAD_LABELS + PARTNER_LABELS)})\s*[:：]", p) for p in labelled):
            for part in labelled:
                label, _sep, units = part.partition("：") if "：" in part else part.partition(":")
                label = label.strip()
                if label.startswith(LEAD_LABELS):
                    lead_parts.append(units)
                elif label.startswith(PARTNER_LABELS):
                    partner_parts.append(units)
            return ""
        # "A牵头，B配合" / "由A牵头、B参与"
        lead = re.search(r"(?:由)?(.+?)牵头", inner)
        if lead:
            lead_parts.append(lead.group(1))
            rest = inner[lead.end() :].strip("，,；;、 ")
            if rest:
                partner_parts.append(re.sub(r"(?:配合|参与|协办)$", "", rest))
            return ""
        return match.group(0)

    clean = BRACKETS.sub(take, title).strip()
    return clean, "、".join(lead_parts), "、".join(partner_parts)


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


class OrgMatcher:
    """Organization names as sheets write them: exact, aliases and abbreviations, then close."""

    def __init__(self, orgs, *, city_names=()):
        self.exact, self.known = {}, {}
        for org in orgs:
            self.exact[normalize(org.name)] = org
            keys = {normalize(a) for a in org.aliases} | {normalize(org.short_name)}
            for city in city_names:
                if org.name.startswith(city) and len(org.name) > len(city) + 1:
                    rest = org.name[len(city) :]
                    keys |= {normalize("市" + rest), normalize(rest)}
            keys |= {k.replace("人民政府", "政府") for k in [normalize(org.name)] if "人民政府" in k}
            for key in keys:
                if key and len(key) >= 2:
                    # An abbreviation two organizations share is no match for either.
                    self.known[key] = None if key in self.known and self.known[key] != org else org
        self.keys = {**{k: o for k, o in self.known.items() if o}, **self.exact}

    def match(self, name: str, collective: bool = False) -> UnitMatch:
        key = normalize(name)
        if collective:
            return UnitMatch(name, how="collective")
        if key in self.exact:
            return UnitMatch(name, self.exact[key], "exact")
        if self.known.get(key):
            return UnitMatch(name, self.known[key], "alias")
        scored = {}
        for candidate in difflib.get_close_matches(key, self.keys, n=5, cutoff=0.6):
            org = self.keys[candidate]
            score = difflib.SequenceMatcher(None, key, candidate).ratio()
            scored[org.pk] = (max(scored.get(org.pk, (0, org))[0], score), org)
        candidates = sorted(((org, round(score, 2)) for score, org in scored.values()), key=lambda c: -c[1])[:3]
        return UnitMatch(name, how="close" if candidates else "none", candidates=candidates)


def matcher_for(plan: Plan) -> OrgMatcher:
    region = plan.region
    orgs = Organization.objects.filter(is_active=True, region__path__startswith=region.path)
    cities = {region.name, region.name.removesuffix("市")} if region.name.endswith("市") else {region.name}
    return OrgMatcher(list(orgs), city_names=sorted(cities, key=len, reverse=True))


def plan_import(rows: list[SheetRow], *, plan: Plan, year: int, assigned_on: date, confirmed=None) -> ImportPlan:
    """Read every row; ``confirmed`` maps a close-matched lead name to the organization chosen."""
    confirmed = confirmed or {}
    matcher = matcher_for(plan)
    domains = list(Domain.objects.all())
    planned, seen = [], {}
    for source in rows:
        row = PlannedRow(source)
        title, inline_lead, inline_partner = extract_inline(source.title)
        row.title = title
        lead_text = source.lead or inline_lead
        partner_text = "、".join(t for t in (source.partner, inline_partner) if t)
        if not title:
            row.errors.append(_("The task text is empty."))
        for name, collective in split_units(lead_text):
            match = matcher.match(name, collective)
            if match.how == "close" and name in confirmed:
                chosen = confirmed[name]
                match = UnitMatch(name, chosen, "confirmed") if chosen else UnitMatch(name, how="none")
            row.leads.append(match)
        for name, collective in split_units(partner_text):
            match = matcher.match(name, collective)
            if match.how == "close" or match.how == "none":
                hint = (
                    _(" (closest: %(names)s)") % {"names": "、".join(o.name for o, _s in match.candidates)}
                    if match.candidates
                    else ""
                )
                row.warnings.append(
                    _("Partner “%(name)s” is no single organization; it is kept as text%(hint)s.")
                    % {"name": name, "hint": hint}
                )
                match = UnitMatch(name, how="none")
            elif match.how == "collective":
                row.warnings.append(
                    _("Partner “%(name)s” is a collective phrase; it is kept as text.") % {"name": name}
                )
            row.partners.append(match)
        _check_leads(row)
        row.due_date, readable = parse_deadline(source.deadline, year)
        row.deadline_text = _cell_text(source.deadline)[:50] if not isinstance(source.deadline, date) else ""
        if not readable:
            if row.deadline_text:
                row.errors.append(_("The deadline “%(text)s” cannot be read as a date.") % {"text": row.deadline_text})
            else:
                row.errors.append(_("The deadline is empty."))
        elif row.due_date and row.due_date < assigned_on:
            row.errors.append(
                _("The deadline %(due)s is before the assignment date %(assigned)s.")
                % {"due": row.due_date.isoformat(), "assigned": assigned_on.isoformat()}
            )
        row.domain = next((d for d in domains if source.section and d.name in source.section), None)
        if row.title:
            key = row.import_key
            if key in seen:
                row.errors.append(_("The same task already appears in row %(row)d.") % {"row": seen[key]})
            seen.setdefault(key, source.row)
        planned.append(row)
    return ImportPlan(planned)


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
