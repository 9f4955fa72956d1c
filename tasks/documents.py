"""Official documents: the 督办单 (one supervision notice) and the shared layout of the monthly
督查通报 (tasks.bulletin), as .docx (python-docx, for offices that edit before stamping) and PDF.

The PDF uses reportlab's built-in CID font STSong-Light (宋体, Adobe-GB1): nothing is embedded or
downloaded, every PDF reader on a Chinese desktop has the font, and the text stays extractable.
The .docx names 仿宋_GB2312 / 宋体 / 黑体 as Word's fonts, as GB/T 9704 (公文格式) does.
"""

import io
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from portfolio import workdays
from tasks.lifecycle import NoticeStatus

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
RED = "#C00000"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def chinese_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


# --- The 督办单 --------------------------------------------------------------------------------
@dataclass
class NoticeDocument:
    office: str
    number: str
    issued_on: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    signature: str = ""
    signed_on: str = ""


def notice_document(notice) -> NoticeDocument:
    """What the 督办单 says, in the order it is printed (the page, the .docx and the PDF)."""
    task = notice.task
    issuer = notice.issued_by
    office = issuer.organization.name if issuer.organization_id else str(issuer)
    issued_on = timezone.localtime(notice.issued_at).date()
    leads = [task.lead_org.name, *(org.name for org in task.co_lead_orgs.all())]
    deadline = chinese_date(notice.reply_due)
    days = workdays.working_days_between(issued_on, notice.reply_due)
    rows = [
        ("督办单位", "、".join(leads)),
        ("督办事项", f"{task.code} {task.title}"),
        ("任务完成时限", chinese_date(task.due_date) or task.deadline_text or "—"),
        ("督办要求", notice.requirement),
        # The working days are worth saying for a real deadline, not for a date years away.
        ("回复期限", f"{deadline}前（{days}个工作日）" if 0 < days <= 60 else f"{deadline}前"),
    ]
    if notice.level > 1:
        rows.append(("督办等级", f"第{notice.level}次督办（升级督办）"))
    if notice.reply:
        replied = chinese_date(timezone.localtime(notice.replied_at).date()) if notice.replied_at else ""
        rows.append(("办理回复", f"{notice.reply}（{replied}回复）" if replied else notice.reply))
    else:
        rows.append(("办理回复", "（请于回复期限内书面回复办理情况）"))
    if notice.status == NoticeStatus.CLOSED and notice.closed_at:
        rows.append(("销号情况", f"已于{chinese_date(timezone.localtime(notice.closed_at).date())}核验销号"))
    return NoticeDocument(
        office=office,
        number=notice.number,
        issued_on=chinese_date(issued_on),
        rows=rows,
        signature=office,
        signed_on=chinese_date(issued_on),
    )


def notice_docx(notice) -> bytes:
    doc = notice_document(notice)
    word = new_docx()
    heading(word, doc.office, size=22, color=RED, bold=True)
    heading(word, "督 办 单", size=26, bold=True)
    paragraph(word, doc.number, align="center", size=16)
    rule(word)
    table = word.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in doc.rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(3.5), Cm(12.5)
        set_cell(cells[0], label, bold=True)
        set_cell(cells[1], value)
    paragraph(word, "")
    paragraph(word, doc.signature, align="right", size=16)
    paragraph(word, doc.signed_on, align="right", size=16)
    paragraph(word, "（盖章）", align="right", size=12)
    return save_docx(word)


def notice_pdf(notice) -> bytes:
    doc = notice_document(notice)
    styles = pdf_styles()
    story = [
        Paragraph(doc.office, styles["office"]),
        Paragraph("督 办 单", styles["title"]),
        Paragraph(doc.number, styles["number"]),
        HRFlowable(width="100%", thickness=2, color=colors.HexColor(RED), spaceBefore=2, spaceAfter=10),
        grid(
            [(Paragraph(a, styles["label"]), Paragraph(text(b), styles["cell"])) for a, b in doc.rows],
            [3.2 * cm, 12.8 * cm],
        ),
        Spacer(1, 1.2 * cm),
        Paragraph(doc.signature, styles["sign"]),
        Paragraph(doc.signed_on, styles["sign"]),
        Paragraph("（盖章）", styles["sign_small"]),
    ]
    return build_pdf(story, title=f"督办单 {doc.number}")


# --- Shared primitives (the bulletin uses them too) ---------------------------------------------
def new_docx():
    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = word.styles["Normal"]
    normal.font.name = "仿宋_GB2312"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    return word


def _font(run, *, size=None, bold=False, color=None, face=None):
    if face:
        run.font.name = face
        run._element.rPr.rFonts.set(qn("w:eastAsia"), face)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color.lstrip("#"))


def heading(word, content, *, size=22, bold=True, color=None):
    p = word.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(content), size=size, bold=bold, color=color, face="方正小标宋简体")
    return p


def paragraph(word, content, *, align="left", size=None, bold=False, face=None):
    p = word.add_paragraph()
    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    if content:
        _font(p.add_run(content), size=size, bold=bold, face=face)
    return p


def rule(word):
    """The red line under the masthead (版头分隔线)."""
    p = word.add_paragraph()
    border = p._p.get_or_add_pPr().makeelement(qn("w:pBdr"), {})
    bottom = border.makeelement(
        qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "18", qn("w:space"): "1", qn("w:color"): RED.lstrip("#")}
    )
    border.append(bottom)
    p._p.get_or_add_pPr().append(border)


def set_cell(cell, content, *, bold=False, size=12):
    cell.text = ""
    run = cell.paragraphs[0].add_run(str(content))
    _font(run, size=size, bold=bold)


def docx_table(word, header, rows, *, size=10.5):
    table = word.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        set_cell(cell, label, bold=True, size=size)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            set_cell(cell, value, size=size)
    return table


def save_docx(word) -> bytes:
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def pdf_styles() -> dict:
    base = ParagraphStyle("base", fontName=FONT, fontSize=12, leading=18, wordWrap="CJK")
    return {
        "base": base,
        "office": ParagraphStyle(
            "office", base, fontSize=20, leading=28, alignment=TA_CENTER, textColor=colors.HexColor(RED)
        ),
        "title": ParagraphStyle("title", base, fontSize=24, leading=34, alignment=TA_CENTER, spaceBefore=6),
        "number": ParagraphStyle("number", base, fontSize=14, leading=22, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", base, fontSize=15, leading=24, spaceBefore=10, spaceAfter=4),
        "label": ParagraphStyle("label", base, fontSize=12, leading=18),
        "cell": ParagraphStyle("cell", base, fontSize=12, leading=18),
        "small": ParagraphStyle("small", base, fontSize=9.5, leading=13),
        "sign": ParagraphStyle("sign", base, fontSize=14, leading=22, alignment=TA_RIGHT),
        "sign_small": ParagraphStyle("sign_small", base, fontSize=11, leading=18, alignment=TA_RIGHT),
    }


def text(value) -> str:
    """Plain text for a reportlab Paragraph (which reads a little XML): escaped, line breaks kept."""
    from xml.sax.saxutils import escape

    return escape(str(value)).replace("\n", "<br/>")


def grid(rows, widths, *, header=False, size=None):
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if size:
        style.append(("FONTSIZE", (0, 0), (-1, -1), size))
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")))
    table.setStyle(TableStyle(style))
    return table


def build_pdf(story, *, title: str) -> bytes:
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=2.5 * cm,
        bottomMargin=2.2 * cm,
        leftMargin=2.6 * cm,
        rightMargin=2.4 * cm,
        title=title,
        author="城市数字化转型项目赋能平台",
    )
    pdf.build(story)
    return out.getvalue()


def document_response(notice, kind: str):
    """The 督办单 file as a download named after its number."""

    body, content_type = (notice_pdf(notice), "application/pdf") if kind == "pdf" else (notice_docx(notice), DOCX_TYPE)
    name = f"{notice.number}.{kind}"
    return attachment(body, content_type, name)


def attachment(body: bytes, content_type: str, name: str):
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(body, content_type=content_type)
    ascii_name = name.encode("ascii", "ignore").decode() or "document"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response
