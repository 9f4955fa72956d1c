"""The 督办单 as a document: the .docx is read back with python-docx and the PDF's text extracted."""

import io
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from tasks import documents, services
from tasks.lifecycle import Status
from tasks.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(make_task, transport_bureau, supervisor, owner):
    task = make_task(transport_bureau, due_in=-5, assigned_days_ago=40, status=Status.IN_PROGRESS)
    task.title = "建成全市统一的智慧停车平台"
    task.save()
    issued = services.issue_notice(
        task, by=supervisor, requirement="请于回复期限内报送整改方案。", reply_due=date(2099, 1, 5)
    )
    services.reply_notice(issued, by=owner, reply="已完成招标，预计6月底上线。")
    notice = Notice.objects.select_related("task__lead_org", "issued_by__organization").get(pk=issued.pk)
    notice.year, notice.serial = 2026, 7  # the number the document prints: 督办〔2026〕7号
    return notice


def docx_text(data: bytes) -> str:
    word = Document(io.BytesIO(data))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_docx_has_the_official_parts(notice):
    text = docx_text(documents.notice_docx(notice))
    for part in (
        "临江市人民政府督查室",
        "督 办 单",
        "督办〔2026〕7号",
        "临江市交通运输局",
        notice.task.code,
        "建成全市统一的智慧停车平台",
        "请于回复期限内报送整改方案。",
        "2099年1月5日前",
        "已完成招标，预计6月底上线。",
        "（盖章）",
    ):
        assert part in text, part


def test_the_pdf_is_one_page_with_the_same_text(notice):
    text, pages = pdf_text(documents.notice_pdf(notice))
    assert pages == 1
    squeezed = text.replace(" ", "").replace("\n", "")
    for part in ("督办〔2026〕7号", "临江市交通运输局", "请于回复期限内报送整改方案。", "已完成招标", "（盖章）"):
        assert part.replace(" ", "") in squeezed, part


def test_the_reply_deadline_counts_chinese_working_days(notice):
    notice.issued_at = notice.issued_at.replace(year=2026, month=9, day=30, hour=10)
    notice.reply_due = date(2026, 10, 10)
    rows = dict(documents.notice_document(notice).rows)
    assert rows["回复期限"] == "2026年10月10日前（3个工作日）"  # 国庆 does not count; the make-up Saturday does


def test_the_api_serves_pdf_and_docx_to_who_may_see_the_notice(api, notice, supervisor, other_owner):
    pdf = api.as_(supervisor).get(f"/api/v1/notices/{notice.pk}/document/?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "临江市交通运输局" in pdf_text(pdf.content)[0]
    word = api.as_(supervisor).get(f"/api/v1/notices/{notice.pk}/document/?format=docx")
    assert word.status_code == 200 and word["Content-Type"] == documents.DOCX_TYPE
    assert "attachment" in word["Content-Disposition"]
    assert "督 办 单" in docx_text(word.content)
    assert api.as_(other_owner).get(f"/api/v1/notices/{notice.pk}/document/?format=pdf").status_code == 404
    bad = api.as_(supervisor).get(f"/api/v1/notices/{notice.pk}/document/?format=xls")
    assert bad.status_code == 400 and "format" in bad.json()


def test_the_print_page_shows_the_document(client, notice, owner, other_owner):
    client.force_login(owner)
    html = client.get(f"/tasks/notices/{notice.pk}/document/").content.decode()
    assert "督 办 单" in html and "已完成招标" in html and "official.css" in html
    client.force_login(other_owner)
    assert client.get(f"/tasks/notices/{notice.pk}/document/").status_code == 404
