"""Filing operating data: one by one or in bulk, all-or-nothing unless asked to skip bad rows."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook

from evaluation.models import Filing, Measurement, Rating, Rectification, Spending, Ticket
from portfolio.models import AuditKind, Notification
from tests.evaluation import factories as outcome

RATED = "2025-03-01T10:00:00+08:00"


def test_one_rating_is_filed_and_returned(api, owner, transport_project):
    response = api.as_(owner).post(
        "/api/v1/ratings/", {"project": transport_project.pk, "score": 5, "rated_at": RATED, "channel": "app"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["score"] == 5 and response.json()["channel"] == "app"
    assert Filing.objects.get().filed_by == owner


def test_a_bad_row_refuses_the_whole_batch_naming_its_row(api, owner, transport_project):
    rows = [{"project": transport_project.pk, "score": 5, "rated_at": RATED} for _ in range(5)]
    rows[3]["score"] = 7
    response = api.as_(owner).post("/api/v1/ratings/", rows, format="json")
    assert response.status_code == 400
    assert response.json()["score"] == ["第 4 行：评分须为 1 到 5 的整数。"]
    assert Rating.objects.count() == 0 and Filing.objects.count() == 0


def test_skip_bad_rows_stores_the_good_ones_and_reports_the_rest(api, owner, transport_project):
    rows = [{"project": transport_project.pk, "score": 4, "rated_at": RATED} for _ in range(4)]
    rows[1]["rated_at"] = "昨天"
    response = api.as_(owner).post("/api/v1/ratings/?skip_bad_rows=true", rows, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 3 and body["skipped_count"] == 1
    assert body["skipped"][0]["row"] == 2 and "rated_at" in body["skipped"][0]["errors"]
    assert Rating.objects.count() == 3


def test_a_hundred_thousand_ratings_in_one_request(api, manager, transport_project, health_project, settings):
    rows = [
        {"project": (transport_project, health_project)[i % 2].pk, "score": 1 + i % 5, "rated_at": RATED}
        for i in range(100_000)
    ]
    response = api.as_(manager).post("/api/v1/ratings/", rows, format="json")
    assert response.status_code == 201, str(response.content[:300])
    assert response.json()["created"] == 100_000
    assert Rating.objects.count() == 100_000
    assert Rectification.objects.count() == 40_000  # scores 1 and 2


def test_a_poor_rating_opens_a_rectification_with_the_configured_deadline(
    api, owner, transport_project, django_capture_on_commit_callbacks
):
    from constance import config

    config.RECTIFY_DAYS = 10
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.as_(owner).post(
            "/api/v1/ratings/", {"project": transport_project.pk, "score": 2, "rated_at": RATED, "comment": "打不开"}
        )
    assert response.status_code == 201
    rectification = Rectification.objects.get()
    assert rectification.org == transport_project.owner_org
    assert rectification.due_date == timezone.localdate() + timedelta(days=10)
    assert Notification.objects.filter(recipient=owner, kind="rectification_opened").count() == 1
    assert len(callbacks) == 1  # the e-mail goes out after commit


def test_the_owner_closes_a_rectification_with_a_reply(api, owner, other_owner, transport_project):
    api.as_(owner).post("/api/v1/ratings/", {"project": transport_project.pk, "score": 1, "rated_at": RATED})
    rectification = Rectification.objects.get()
    assert (
        api.as_(other_owner).post(f"/api/v1/rectifications/{rectification.pk}/close/", {"reply": "x"}).status_code
        == 404
    )
    assert api.as_(owner).post(f"/api/v1/rectifications/{rectification.pk}/close/", {"reply": ""}).status_code == 400
    response = api.as_(owner).post(f"/api/v1/rectifications/{rectification.pk}/close/", {"reply": "已回访并修复"})
    assert response.status_code == 200 and response.json()["status"] == "closed" and response.json()["on_time"] is True
    again = api.as_(owner).post(f"/api/v1/rectifications/{rectification.pk}/close/", {"reply": "再次"})
    assert again.status_code == 409


def test_ratings_outside_1_to_5_and_in_the_future_are_refused(api, owner, transport_project):
    future = (timezone.now() + timedelta(days=2)).isoformat()
    for bad in ({"score": 0}, {"score": "五"}, {"rated_at": future}, {"rated_at": None}):
        row = {"project": transport_project.pk, "score": 3, "rated_at": RATED, **bad}
        assert api.as_(owner).post("/api/v1/ratings/", [row], format="json").status_code == 400
    assert Rating.objects.count() == 0


def test_a_ticket_resolved_before_it_was_received_is_refused(api, owner, transport_project):
    row = {
        "project": transport_project.pk,
        "received_at": RATED,
        "resolved": True,
        "resolved_at": "2025-02-01T10:00:00",
    }
    response = api.as_(owner).post("/api/v1/tickets/", [row], format="json")
    assert response.status_code == 400
    assert response.json()["resolved_at"] == ["第 1 行：解决时间不能早于受理时间。"]
    assert Ticket.objects.count() == 0


def test_negative_spending_is_refused(api, owner, transport_project):
    row = {"project": transport_project.pk, "spent_on": "2025-05-01", "amount": "-10.00"}
    response = api.as_(owner).post("/api/v1/spending/", [row], format="json")
    assert response.status_code == 400 and "amount" in response.json()
    assert Spending.objects.count() == 0


def test_operating_data_is_only_for_projects_in_operation_the_filer_owns(api, owner, transport_project, health_project):
    implementing = outcome.project(transport_project.owner_org, stage="implementing")
    for project in (health_project, implementing):
        row = {"project": project.pk, "score": 5, "rated_at": RATED}
        response = api.as_(owner).post("/api/v1/ratings/", [row], format="json")
        assert response.status_code == 400 and "project" in response.json()
    assert Rating.objects.count() == 0


def test_finance_and_reviewers_cannot_file(api, finance, reviewer, transport_project):
    row = {"project": transport_project.pk, "score": 5, "rated_at": RATED}
    assert api.as_(finance).post("/api/v1/ratings/", [row], format="json").status_code == 403
    assert api.as_(reviewer).post("/api/v1/ratings/", [row], format="json").status_code == 403


def test_measured_values_filed_again_replace_the_earlier_ones(api, owner, transport_project):
    indicator = outcome.indicator("calls", category="innovation", bonus=5, target_value=50)
    row = {"project": transport_project.pk, "indicator": "calls", "period": 2025, "value": "40"}
    assert api.as_(owner).post("/api/v1/measurements/", [row], format="json").status_code == 201
    row["value"] = "55.5"
    assert api.as_(owner).post("/api/v1/measurements/", [row], format="json").status_code == 201
    assert Measurement.objects.get(indicator=indicator).value == 55.5
    builtin = {**row, "indicator": "satisfaction"}
    assert api.as_(owner).post("/api/v1/measurements/", [builtin], format="json").status_code == 400


def _upload(api, user, kind, content, name, skip=False):
    data = {"file": io.BytesIO(content), "skip_bad_rows": skip}
    data["file"].name = name
    return api.as_(user).post(f"/api/v1/{kind}/upload/", data, format="multipart")


def test_a_csv_in_gb18030_with_chinese_headers_is_filed(api, owner, transport_project):
    text = f"项目,评分,评价时间,渠道,评价内容\n{transport_project.code},5,2025-03-01 10:00,12345热线,很好\n"
    text += f"{transport_project.code},2,2025-03-02,网站,太慢\n"
    response = _upload(api, owner, "ratings", text.encode("gb18030"), "好差评.csv")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2 and response.json()["rectifications_opened"] == 1
    assert set(Rating.objects.values_list("channel", flat=True)) == {"hotline", "web"}


def test_an_xlsx_with_a_bad_row_stores_nothing_and_names_the_spreadsheet_row(api, owner, transport_project):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目", "评分", "评价时间"])
    sheet.append([transport_project.pk, 5, timezone.datetime(2025, 3, 1, 9, 0)])
    sheet.append([transport_project.pk, 9, timezone.datetime(2025, 3, 1, 9, 0)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(api, owner, "ratings", buffer.getvalue(), "ratings.xlsx")
    assert response.status_code == 400
    assert response.json()["score"] == ["第 3 行：评分须为 1 到 5 的整数。"]
    assert Rating.objects.count() == 0
    response = _upload(api, owner, "ratings", buffer.getvalue(), "ratings.xlsx", skip=True)
    assert response.status_code == 201 and response.json()["created"] == 1


def test_an_html_file_named_csv_or_xlsx_is_refused(api, owner):
    response = _upload(api, owner, "ratings", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "ratings.xlsx")
    assert (response.status_code == 400 and "file" in str(response.json())) or "non_field_errors" in response.json()


@pytest.mark.parametrize("rows", [10, 100])
def test_the_ratings_list_takes_the_same_number_of_queries_at_10x_the_rows(
    api, owner, transport_project, rows, django_assert_max_num_queries
):
    outcome.ratings(transport_project, [5] * rows)
    with django_assert_max_num_queries(6):
        response = api.as_(owner).get("/api/v1/ratings/?page_size=100")
    assert response.status_code == 200 and response.json()["count"] == rows


def test_a_filing_accepted_or_refused_leaves_one_audit_row(api, owner, transport_project, trail):
    rows = [{"project": transport_project.pk, "score": 5, "rated_at": RATED} for _ in range(3)]
    assert api.as_(owner).post("/api/v1/ratings/", rows, format="json").status_code == 201
    rows[1]["score"] = 7
    assert api.as_(owner).post("/api/v1/ratings/", rows, format="json").status_code == 400
    accepted = trail(AuditKind.IMPORT_ACCEPTED).get()
    assert (accepted.actor, accepted.action, accepted.after["created"], accepted.after["kind"]) == (
        owner,
        "evaluation.filing",
        3,
        "ratings",
    )
    refused = trail(AuditKind.IMPORT_REFUSED).get()
    assert refused.actor == owner and "第 2 行" in refused.message
    assert trail().count() == 2
