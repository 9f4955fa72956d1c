"""The monthly 督查通报: its rankings are the ranking page's, read back from the .docx and the PDF."""

import io
from datetime import date, datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from portfolio.models import Notification, Region
from tasks import bulletin as bulletins
from tasks import selectors
from tasks.lifecycle import Status
from tasks.models import Bulletin, Task
from tasks.tasks import monthly_bulletin
from tests import factories

pytestmark = pytest.mark.django_db
MONTH = date(2026, 11, 1)


@pytest.fixture
def november(make_task, transport_bureau, health_bureau, data_bureau, city, supervisor, manager):
    """Three bureaus of the leading tier with tasks due in November 2026, and a district."""
    district = factories.region("临江市东区", parent=city, tier=Region.Tier.FOUNDATIONAL)
    east = factories.organization("东区人民政府", region_=district, short_name="东区")
    done_on_time = timezone.make_aware(datetime(2026, 11, 10, 10))
    for org, finished in ((transport_bureau, 2), (health_bureau, 1), (data_bureau, 0), (east, 1)):
        for i in range(2):
            task = make_task(org, due_in=0, status=Status.IN_PROGRESS)
            Task.objects.filter(pk=task.pk).update(
                assigned_at=date(2026, 9, 1),
                due_date=date(2026, 11, 20),
                **({"status": Status.COMPLETED, "completed_at": done_on_time} if i < finished else {}),
            )
    return MONTH


def ranking_page_rows(client, user, month):
    payload = selectors.ranking_payload(Task.objects.visible_to(user), month)
    return [(row.org_name, row.rate) for tier in payload["tiers"] for row in tier["rows"]]


def docx_tables(data):
    word = Document(io.BytesIO(data))
    return word, [[[c.text for c in row.cells] for row in table.rows] for table in word.tables]


def test_the_bulletin_has_the_ranking_pages_rankings(november, supervisor, client):
    bulletin = bulletins.generate_bulletin(november, by=supervisor)
    assert bulletin.number == "督查通报〔2026〕第1期"
    expected = ranking_page_rows(client, supervisor, november)
    assert expected[:3] == [
        ("临江市交通运输局", 100.0),
        ("临江市卫生健康委员会", 50.0),
        ("临江市政务服务和数据管理局", 0.0),
    ]
    word, tables = docx_tables(bytes(bulletin.docx))
    ranked = [
        (row[1], float(row[5].rstrip("%"))) for table in tables if table[0][:2] == ["名次", "单位"] for row in table[1:]
    ]
    assert ranked == expected
    summary = {row[0]: row[1:] for row in tables[0][1:]}
    assert summary["截至月末到期任务（项）"] == ["8", "0", "+8"]
    assert summary["按期完成率（%）"][0] == "50.0"
    text = "\n".join(p.text for p in word.paragraphs)
    assert "督查通报〔2026〕第1期" in text and "2026年11月重点任务督办情况通报" in text
    pdf = PdfReader(io.BytesIO(bytes(bulletin.pdf)))
    pdf_text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "").replace("\n", "")
    for name, rate in expected:
        assert name in pdf_text and f"{rate:.1f}%" in pdf_text
    assert "督查通报〔2026〕第1期" in pdf_text


def test_a_month_has_one_bulletin_and_numbers_follow_in_the_year(november, supervisor, api):
    first = api.as_(supervisor).post("/api/v1/bulletins/generate/", {"month": "2026-10"})
    assert first.status_code == 201 and first.json()["number"] == "督查通报〔2026〕第1期"
    second = api.as_(supervisor).post("/api/v1/bulletins/generate/", {"month": "2026-11"})
    assert second.json()["number"] == "督查通报〔2026〕第2期" and second.json()["month"] == "2026-11"
    again = api.as_(supervisor).post("/api/v1/bulletins/generate/", {"month": "2026-11"})
    assert again.status_code == 409 and "督查通报〔2026〕第2期" in again.json()["detail"]
    assert Bulletin.objects.count() == 2
    listed = api.as_(supervisor).get("/api/v1/bulletins/").json()["results"]
    assert [b["number"] for b in listed] == ["督查通报〔2026〕第2期", "督查通报〔2026〕第1期"]
    pdf = api.as_(supervisor).get(listed[0]["document"]["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    docx = api.as_(supervisor).get(listed[0]["document"]["docx"])
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_bad_months_and_other_roles_are_refused(november, api, owner, supervisor):
    assert api.as_(supervisor).post("/api/v1/bulletins/generate/", {"month": "2026-13"}).status_code == 400
    future = api.as_(supervisor).post("/api/v1/bulletins/generate/", {"month": "2099-01"})
    assert future.status_code == 400 and "month" in future.json()
    assert api.as_(owner).post("/api/v1/bulletins/generate/", {"month": "2026-11"}).status_code == 403
    assert not Bulletin.objects.exists()
    bulletins.generate_bulletin(november)
    assert api.as_(owner).get("/api/v1/bulletins/").json()["results"] == []
    assert api.as_(owner).get(f"/api/v1/bulletins/{Bulletin.objects.get().pk}/document/").status_code == 404


def test_the_bulletin_is_sent_and_listed(november, supervisor, manager, owner, client):
    bulletin = bulletins.generate_bulletin(november)
    assert set(Notification.objects.filter(kind="tasks.bulletin").values_list("recipient", flat=True)) == {
        supervisor.pk,
        manager.pk,
    }
    assert bulletin.recipients == 2
    client.force_login(manager)
    html = client.get("/tasks/bulletins/").content.decode()
    assert "督查通报〔2026〕第1期" in html and "2026年11月" in html
    client.force_login(owner)
    assert client.get("/tasks/bulletins/").status_code == 404


def test_beat_generates_last_months_bulletin_only_on_the_first_working_day(november, supervisor):
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 12, 2)):
        assert monthly_bulletin() == ""
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 12, 1)):  # a Tuesday
        assert monthly_bulletin() == "督查通报〔2026〕第1期"
        assert monthly_bulletin() == "督查通报〔2026〕第1期"  # asked again: the archived one
    assert Bulletin.objects.get().month == date(2026, 11, 1)


def test_the_first_working_day_skips_the_national_day_holiday(supervisor):
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 10, 1)):
        assert monthly_bulletin() == ""
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 10, 8)):
        assert monthly_bulletin() == "督查通报〔2026〕第1期"


def test_the_command_generates_a_month(november, supervisor, capsys):
    call_command("bulletin", "--month", "2026-11")
    assert "督查通报〔2026〕第1期" in capsys.readouterr().out
    with pytest.raises(Exception, match="already issued"):
        call_command("bulletin", "--month", "2026-11")
    with pytest.raises(Exception, match="YYYY-MM"):
        call_command("bulletin", "--month", "November")
