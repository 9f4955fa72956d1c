"""Monthly self-ratings, the optimism flag (自评偏乐观), reminders, and the projects-at-risk list."""

import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook

from cockpit import selectors, services
from cockpit.models import StatusReminder, StatusReport
from portfolio.models import Notification
from tests.cockpit.conftest import grade
from tests.projects import factories as project_factories


def this_month():
    return f"{timezone.localdate():%Y-%m}"


def make_red(project):
    """Two milestones past their date: red by the default rules."""
    for n in range(2):
        project_factories.milestone(
            project, done=False, planned_date=timezone.localdate() - datetime.timedelta(days=2 + n)
        )


def test_owner_files_a_rating_with_a_comment_and_history_is_kept(api, owner, portfolio):
    bus = portfolio["bus"]
    data = {"project": bus.pk, "month": this_month(), "light": "green", "comment": "按计划推进。"}
    assert api.as_(owner).post("/api/v1/status-reports/", data, format="json").status_code == 201
    again = api.as_(owner).post(
        "/api/v1/status-reports/", {**data, "light": "yellow", "comment": "接口联调滞后。"}, format="json"
    )
    assert again.status_code == 201
    assert StatusReport.objects.filter(project=bus).count() == 2  # history, not an overwrite
    assert selectors.project_status(bus).self_rated.light == "yellow"  # the latest word counts
    listed = api.as_(owner).get("/api/v1/status-reports/", {"project": bus.pk}).json()
    assert listed["count"] == 2


def test_bad_ratings_are_refused_with_a_message_and_write_nothing(api, owner, other_owner, manager, portfolio):
    bus = portfolio["bus"]
    base = {"project": bus.pk, "month": this_month(), "light": "green", "comment": "按计划推进。"}
    for change, field in (
        ({"comment": "  "}, "comment"),
        ({"month": "2026-13"}, "month"),
        ({"month": "2999-01"}, "month"),
        ({"light": "blue"}, "light"),
        ({"project": portfolio["clinic"].pk}, "project"),  # another bureau's: as if it did not exist
        ({"project": portfolio["portal"].pk}, "project"),  # a draft is not rated
    ):
        response = api.as_(owner).post("/api/v1/status-reports/", {**base, **change}, format="json")
        assert response.status_code == 400 and field in response.json(), (change, response.content)
    assert api.as_(manager).post("/api/v1/status-reports/", base, format="json").status_code == 403
    assert not StatusReport.objects.exists()


def test_green_self_rating_of_a_red_project_is_flagged_too_optimistic(api, owner, manager, portfolio):
    bus, street = portfolio["bus"], portfolio["street"]
    make_red(bus)
    services.file_status_report(bus, by=owner, month=this_month(), light="green", comment="一切顺利。")
    body = api.as_(owner).get(f"/api/v1/projects/{bus.pk}/status/").json()
    assert body["computed"] == "red" and body["self_rated"]["light"] == "green" and body["optimistic"] is True
    # Yellow for a red project is not the flag; green for a green project neither.
    services.file_status_report(bus, by=owner, month=this_month(), light="yellow", comment="有延误。")
    assert api.as_(owner).get(f"/api/v1/projects/{bus.pk}/status/").json()["optimistic"] is False
    services.file_status_report(bus, by=owner, month=this_month(), light="green", comment="一切顺利。")
    risks = selectors.at_risk(manager)
    assert selectors.optimism_by_org(risks) == [
        {"org": bus.owner_org_id, "org_name": "临江市交通运输局", "optimistic": 1}
    ]
    assert street.pk not in {s.project.pk for s in risks if s.optimistic}


def test_at_risk_lists_red_optimistic_unrated_and_grade_d_with_reasons(
    api, owner, other_owner, manager, portfolio, settings
):
    bus, street, clinic = portfolio["bus"], portfolio["street"], portfolio["clinic"]
    make_red(bus)
    services.file_status_report(bus, by=owner, month=selectors.due_month(), light="green", comment="一切顺利。")
    grade(clinic, "D")
    rows = {row["code"]: row for row in api.as_(manager).get("/api/v1/projects/at-risk/").json()}
    assert set(rows) == {bus.code, street.code, clinic.code}
    assert rows[bus.code]["risk_flags"] == ["computed_red", "optimistic"]
    assert rows[bus.code]["computed_reasons"][0]["rule"] == "overdue_milestones"
    assert rows[street.code]["risk_flags"] == ["missing_rating"]
    assert rows[clinic.code]["risk_flags"] == ["grade_d"]
    ordered = api.as_(manager).get("/api/v1/projects/at-risk/", {"ordering": "-name"}).json()
    assert [r["name"] for r in ordered] == sorted((r["name"] for r in ordered), reverse=True)
    # Owners: their own only.
    assert {r["code"] for r in api.as_(owner).get("/api/v1/projects/at-risk/").json()} == {bus.code}
    assert {r["code"] for r in api.as_(other_owner).get("/api/v1/projects/at-risk/").json()} == {
        street.code,
        clinic.code,
    }


def test_at_risk_export_has_the_same_rows_and_reasons(client, manager, portfolio):
    make_red(portfolio["bus"])
    client.force_login(manager)
    response = client.get("/cockpit/at-risk/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" or rows[0][0]  # a header row
    codes = {row[0] for row in rows[1:]}
    assert codes == {portfolio["bus"].code, portfolio["street"].code}
    bus_row = next(row for row in rows[1:] if row[0] == portfolio["bus"].code)
    assert "里程碑" in bus_row[8]  # the reason, written out


def test_owners_are_reminded_once_when_the_months_rating_is_missing(
    owner, other_owner, portfolio, django_capture_on_commit_callbacks
):
    day = timezone.localdate().replace(day=25)
    month = selectors.month_text(day)
    services.file_status_report(portfolio["bus"], by=owner, month=month, light="green", comment="按计划推进。")
    with django_capture_on_commit_callbacks():
        assert services.remind_status_reports(today=day) == 1  # street only: bus is rated
    reminded = Notification.objects.get(kind="cockpit.status_missing")
    assert reminded.recipient == other_owner and portfolio["street"].code in reminded.title
    assert services.remind_status_reports(today=day) == 0  # a second run sends nothing
    assert StatusReminder.objects.filter(month=month).count() == 1
    assert services.remind_status_reports(today=day.replace(day=5)) == 0  # before the due day: nothing
