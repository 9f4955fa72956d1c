"""The monthly 督查通报 (supervision bulletin): figures, the document, the archive, the sending.

``generate_bulletin(month)`` reads the month's figures (the ranking is ``selectors.ranking``, the
same the ranking page and its API show), writes the .docx and the PDF, archives them under the
next number of the year (督查通报〔YYYY〕第N期) and notifies the recipients and the supervision
office's group, all in one transaction. A month has one bulletin: asking again answers the one
archived. Beat asks every morning (``tasks.monthly_bulletin``); only on the first working day of
a month (Chinese calendar, portfolio.workdays) does it generate last month's.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer
from reportlab.platypus.flowables import HRFlowable

from portfolio.models import Region, Role, User
from portfolio.notifications import notify, supervision_offices, users_with_role
from portfolio.workflow import RequirementsNotMet
from tasks import documents as doc
from tasks import selectors
from tasks.lifecycle import RED_KINDS, NoticeStatus
from tasks.models import Bulletin, Notice, Task, TaskWarning

RANKING_HEADER = ["名次", "单位", "所属区域", "到期任务", "按期完成", "按期完成率", "红灯任务", "逾期未回复督办单"]
RED_LISTED = 30


class BulletinExists(Exception):
    def __init__(self, bulletin):
        self.bulletin = bulletin
        super().__init__(bulletin.number)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def _rate(on_time: int, due: int) -> float | None:
    return round(on_time * 100 / due, 1) if due else None


def _unanswered(end) -> dict[int, int]:
    """Notices per lead organization past their reply date and not replied to at ``end``."""
    last = (end - timedelta(seconds=1)).date() if hasattr(end, "date") else end
    return dict(
        Notice.objects.filter(issued_at__lt=end, reply_due__lt=last)
        .filter(Q(replied_at__isnull=True) | Q(replied_at__gte=end))
        .exclude(status=NoticeStatus.CLOSED, closed_at__lt=end)
        .order_by()
        .values_list("task__lead_org")
        .annotate(n=Count("pk"))
    )


def summary(month: date) -> dict:
    """The month's headline figures (all units), for the month-on-month comparison."""
    _first, _last, start, end = selectors.month_bounds(month)
    tiers = selectors.ranking(Task.objects.all(), month)
    rows = [row for tier_rows in tiers.values() for row in tier_rows]
    due, on_time = sum(r.due for r in rows), sum(r.on_time for r in rows)
    return {
        "due": due,
        "on_time": on_time,
        "rate": _rate(on_time, due),
        "open_red": sum(r.open_red for r in rows),
        "notices_issued": Notice.objects.filter(issued_at__gte=start, issued_at__lt=end).count(),
        "notices_closed": Notice.objects.filter(closed_at__gte=start, closed_at__lt=end).count(),
        "unanswered": sum(_unanswered(end).values()),
    }


def figures(month: date) -> dict:
    """Everything the bulletin says, as JSON (archived with it)."""
    _first, last, start, end = selectors.month_bounds(month)
    unanswered = _unanswered(end)
    labels = dict(Region.Tier.choices)
    tiers = [
        {
            "tier": tier,
            "label": str(labels[tier]),
            "rows": [
                {
                    "rank": r.rank,
                    "org": r.org_id,
                    "org_name": r.org_name,
                    "region": r.region_name,
                    "due": r.due,
                    "on_time": r.on_time,
                    "rate": r.rate,
                    "open_red": r.open_red,
                    "late_reports": r.late_reports,
                    "unanswered": unanswered.get(r.org_id, 0),
                }
                for r in rows
            ],
        }
        for tier, rows in selectors.ranking(Task.objects.all(), month).items()
    ]
    red = list(
        TaskWarning.objects.filter(kind__in=RED_KINDS, opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .order_by()
        .values("task", "task__code", "task__title", "task__lead_org__name", "task__due_date")
        .annotate(opened=Max("opened_at"))
        .order_by("task__due_date", "task")
    )
    notices = list(
        Notice.objects.filter(Q(issued_at__gte=start, issued_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end))
        .select_related("task__lead_org")
        .order_by("issued_at", "pk")
    )
    this, before = summary(month), summary(previous_month(month))
    return {
        "month": month.strftime("%Y-%m"),
        "summary": this,
        "previous": before,
        "tiers": tiers,
        "red_count": len(red),
        "red": [
            {
                "code": w["task__code"],
                "title": w["task__title"],
                "org": w["task__lead_org__name"],
                "due": w["task__due_date"].isoformat() if w["task__due_date"] else "",
                "days_late": (last - w["task__due_date"]).days if w["task__due_date"] else None,
            }
            for w in red[:RED_LISTED]
        ],
        "notices": [
            {
                "number": getattr(n, "number", "") or "",
                "code": n.task.code,
                "org": n.task.lead_org.name,
                "issued": timezone.localtime(n.issued_at).date().isoformat(),
                "reply_due": n.reply_due.isoformat(),
                "status": str(n.get_status_display()),
                "closed_in_month": bool(n.closed_at and start <= n.closed_at < end),
            }
            for n in notices
        ],
    }


# --- The document ------------------------------------------------------------------------------
SUMMARY_ROWS = [
    ("due", "截至月末到期任务（项）"),
    ("on_time", "按期完成（项）"),
    ("rate", "按期完成率（%）"),
    ("open_red", "月末红灯任务（项）"),
    ("notices_issued", "本月下达督办单（份）"),
    ("notices_closed", "本月督办单销号（份）"),
    ("unanswered", "月末逾期未回复督办单（份）"),
]


def _value(value) -> str:
    return "—" if value is None else (f"{value:.1f}" if isinstance(value, float) else str(value))


def change(now, before) -> str:
    """Month-on-month change, written as the office writes it (+3 / −1.5 / 持平)."""
    if now is None or before is None:
        return "—"
    delta = round(now - before, 1)
    if not delta:
        return "持平"
    # A rate keeps its one decimal (+50.0); a count is a whole number (+3).
    text = f"{abs(delta):.1f}" if isinstance(now, float) or isinstance(before, float) else f"{abs(delta):g}"
    return f"+{text}" if delta > 0 else f"−{text}"


def summary_rows(data) -> list[list[str]]:
    this, before = data["summary"], data["previous"]
    return [
        [label, _value(this[key]), _value(before[key]), change(this[key], before[key])] for key, label in SUMMARY_ROWS
    ]


def ranking_rows(tier) -> list[list[str]]:
    return [
        [
            str(r["rank"]),
            r["org_name"],
            r["region"],
            str(r["due"]),
            str(r["on_time"]),
            "—" if r["rate"] is None else f"{r['rate']:.1f}%",
            str(r["open_red"]),
            str(r["unanswered"]),
        ]
        for r in tier["rows"]
    ]


def heading_text(month: date) -> str:
    return f"{month.year}年{month.month}月重点任务督办情况通报"


def bar_rows(data) -> list[tuple[str, float]]:
    """The chart: each ranked unit's on-time completion rate (units with tasks due), best first."""
    rows = [(r["org_name"], r["rate"]) for tier in data["tiers"] for r in tier["rows"] if r["rate"] is not None]
    return sorted(rows, key=lambda row: -row[1])[:15]


def bulletin_docx(bulletin, office: str) -> bytes:
    data, month = bulletin.figures, bulletin.month
    word = doc.new_docx()
    doc.heading(word, "督 查 通 报", size=26, color=doc.RED)
    doc.paragraph(word, bulletin.number, align="center", size=16)
    doc.paragraph(word, office, align="center", size=14)
    doc.rule(word)
    doc.heading(word, heading_text(month), size=18)
    doc.paragraph(word, "一、总体情况", size=16, face="黑体")
    doc.docx_table(word, ["指标", "本月", "上月", "环比"], summary_rows(data))
    doc.paragraph(word, "二、各单位排名（按区域类别分别排名）", size=16, face="黑体")
    for tier in data["tiers"]:
        doc.paragraph(word, f"（{tier['label']}）", size=14, bold=True)
        doc.docx_table(word, RANKING_HEADER, ranking_rows(tier), size=9)
    doc.paragraph(word, "三、按期完成率（图）", size=16, face="黑体")
    doc.docx_table(
        word,
        ["单位", "按期完成率", ""],
        [[name, f"{rate:.1f}%", "█" * max(1, round(rate / 5))] for name, rate in bar_rows(data)],
        size=9,
    )
    doc.paragraph(word, f"四、红灯任务（{data['red_count']}项）", size=16, face="黑体")
    if data["red"]:
        doc.docx_table(
            word,
            ["任务编号", "任务", "牵头单位", "完成时限", "逾期天数"],
            [[r["code"], r["title"], r["org"], r["due"], _value(r["days_late"])] for r in data["red"]],
            size=9,
        )
    else:
        doc.paragraph(word, "本月末无红灯任务。")
    doc.paragraph(word, "五、督办单下达与销号", size=16, face="黑体")
    if data["notices"]:
        doc.docx_table(
            word, ["编号", "任务编号", "牵头单位", "下达日期", "回复期限", "状态"], notice_rows(data), size=9
        )
    else:
        doc.paragraph(word, "本月未下达或销号督办单。")
    doc.paragraph(word, "")
    doc.paragraph(word, office, align="right", size=16)
    doc.paragraph(word, doc.chinese_date(timezone.localtime(bulletin.generated_at).date()), align="right", size=16)
    return doc.save_docx(word)


def notice_rows(data) -> list[list[str]]:
    return [
        [
            n["number"] or "—",
            n["code"],
            n["org"],
            n["issued"],
            n["reply_due"],
            n["status"] + ("（本月销号）" if n["closed_in_month"] else ""),
        ]
        for n in data["notices"]
    ]


def _chart(rows) -> Drawing:
    height = 0.55 * cm * max(len(rows), 1) + 1.2 * cm
    drawing = Drawing(16 * cm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 4.6 * cm, 0.6 * cm
    chart.width, chart.height = 10.4 * cm, height - 1.0 * cm
    chart.data = [[rate for _name, rate in reversed(rows)] or [0]]
    chart.categoryAxis.categoryNames = [name for name, _rate in reversed(rows)] or [""]
    chart.categoryAxis.labels.fontName = doc.FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = doc.FONT
    chart.bars[0].fillColor = colors.HexColor("#2F5597")
    drawing.add(chart)
    drawing.add(String(15 * cm, height - 0.3 * cm, "按期完成率（%）", fontName=doc.FONT, fontSize=8, textAnchor="end"))
    return drawing


def bulletin_pdf(bulletin, office: str) -> bytes:
    data, month = bulletin.figures, bulletin.month
    styles = doc.pdf_styles()
    small = styles["small"]

    def table(header, rows, widths):
        cells = [[Paragraph(doc.text(c), small) for c in header]] + [
            [Paragraph(doc.text(c), small) for c in row] for row in rows
        ]
        return doc.grid(cells, widths, header=True)

    story = [
        Paragraph("督 查 通 报", styles["office"]),
        Paragraph(bulletin.number, styles["number"]),
        Paragraph(doc.text(office), styles["number"]),
        HRFlowable(width="100%", thickness=2, color=colors.HexColor(doc.RED), spaceBefore=2, spaceAfter=8),
        Paragraph(heading_text(month), styles["title"]),
        Paragraph("一、总体情况", styles["h2"]),
        table(["指标", "本月", "上月", "环比"], summary_rows(data), [7 * cm, 3 * cm, 3 * cm, 3 * cm]),
        Paragraph("二、各单位排名（按区域类别分别排名）", styles["h2"]),
    ]
    widths = [1.1 * cm, 3.6 * cm, 2 * cm, 1.6 * cm, 1.6 * cm, 2 * cm, 1.6 * cm, 2.5 * cm]
    for tier in data["tiers"]:
        story += [
            Paragraph(f"（{tier['label']}）", styles["base"]),
            table(RANKING_HEADER, ranking_rows(tier), widths),
            Spacer(1, 4),
        ]
    story += [Paragraph("三、按期完成率（图）", styles["h2"]), _chart(bar_rows(data))]
    story.append(Paragraph(f"四、红灯任务（{data['red_count']}项）", styles["h2"]))
    if data["red"]:
        story.append(
            table(
                ["任务编号", "任务", "牵头单位", "完成时限", "逾期天数"],
                [[r["code"], r["title"], r["org"], r["due"], _value(r["days_late"])] for r in data["red"]],
                [2.6 * cm, 6 * cm, 3.4 * cm, 2.2 * cm, 1.8 * cm],
            )
        )
    else:
        story.append(Paragraph("本月末无红灯任务。", styles["base"]))
    story.append(Paragraph("五、督办单下达与销号", styles["h2"]))
    if data["notices"]:
        story.append(
            table(
                ["编号", "任务编号", "牵头单位", "下达日期", "回复期限", "状态"],
                notice_rows(data),
                [3 * cm, 2.6 * cm, 3.4 * cm, 2.2 * cm, 2.2 * cm, 2.6 * cm],
            )
        )
    else:
        story.append(Paragraph("本月未下达或销号督办单。", styles["base"]))
    story += [
        Spacer(1, 1 * cm),
        Paragraph(doc.text(office), styles["sign"]),
        Paragraph(doc.chinese_date(timezone.localtime(bulletin.generated_at).date()), styles["sign"]),
    ]
    return doc.build_pdf(story, title=bulletin.number)


# --- Generating and sending --------------------------------------------------------------------
def office_name() -> str:
    office = (
        User.objects.filter(role=Role.SUPERVISOR, is_active=True, organization__isnull=False)
        .select_related("organization")
        .order_by("pk")
        .first()
    )
    return office.organization.name if office else "督查室"


def default_recipients() -> list[User]:
    """Who receives the bulletin unless the generator chooses: the supervision office, the
    portfolio office, and every organization's leader accounts."""
    leaders = list(User.objects.filter(is_leader=True, is_active=True))
    return [*users_with_role(Role.SUPERVISOR), *users_with_role(Role.MANAGER), *leaders]


def generate_bulletin(month: date, *, by: User | None = None, recipients: list[User] | None = None) -> Bulletin:
    """Generate, archive and send ``month``'s bulletin; BulletinExists if it was already issued."""
    month = month.replace(day=1)
    if by is not None and not (by.is_superuser or by.role in (Role.SUPERVISOR, Role.MANAGER)):
        from portfolio.workflow import ActionNotPermitted

        raise ActionNotPermitted(gettext_lazy("Only the supervision office and the portfolio office issue bulletins."))
    if month >= timezone.localdate().replace(day=1):
        raise RequirementsNotMet({"month": gettext_lazy("A bulletin reports on a month that has ended.")})
    existing = Bulletin.objects.filter(month=month).first()
    if existing:
        raise BulletinExists(existing)
    office = office_name()
    try:
        with transaction.atomic():
            sequence = (Bulletin.objects.filter(year=month.year).aggregate(n=Max("sequence"))["n"] or 0) + 1
            bulletin = Bulletin(
                month=month,
                year=month.year,
                sequence=sequence,
                number=f"督查通报〔{month.year}〕第{sequence}期",
                figures=figures(month),
                generated_by=by,
            )
            bulletin.docx = bulletin_docx(bulletin, office)
            bulletin.pdf = bulletin_pdf(bulletin, office)
            bulletin.save()
            sent = notify(
                default_recipients() if recipients is None else recipients,
                kind="tasks.bulletin",
                title=gettext_lazy("Supervision bulletin %(number)s: %(month)s"),
                body=gettext_lazy("On-time completion %(rate)s, red tasks %(red)d, notices unanswered %(unanswered)d."),
                url=reverse("tasks:bulletins"),
                params={
                    "number": bulletin.number,
                    "month": f"{month.year}年{month.month}月",
                    "rate": "—"
                    if bulletin.figures["summary"]["rate"] is None
                    else f"{bulletin.figures['summary']['rate']:.1f}%",
                    "red": bulletin.figures["summary"]["open_red"],
                    "unanswered": bulletin.figures["summary"]["unanswered"],
                },
                groups=supervision_offices(),
                event_key=bulletin.number,
            )
            bulletin.recipients = len(sent)
            bulletin.save(update_fields=["recipients"])
    except IntegrityError:
        # Another generation of the same month (or the same number) committed first.
        raise BulletinExists(Bulletin.objects.get(month=month)) from None
    return bulletin
