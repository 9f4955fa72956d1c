"""The tasks API: visibility, the board, notices, warnings, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portfolio.models import Notification
from tasks.lifecycle import Status
from tasks.models import Notice, Task, TaskWarning
from tasks.scan import run_scan
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_bureau_sees_only_its_own_tasks(api, make_task, transport_bureau, health_bureau, owner):
    mine = make_task(transport_bureau)
    theirs = make_task(health_bureau)
    listed = api.as_(owner).get("/api/v1/tasks/").data["results"]
    assert [t["id"] for t in listed] == [mine.pk]
    assert api.as_(owner).get(f"/api/v1/tasks/{theirs.pk}/").status_code == 404
    assert api.as_(owner).post(f"/api/v1/tasks/{theirs.pk}/acknowledge/", {}).status_code == 404


def test_co_leads_and_partners_see_the_task_once(api, make_task, transport_bureau, health_bureau, data_bureau, owner):
    task = make_task(health_bureau)
    task.co_lead_orgs.add(transport_bureau)
    task.partner_orgs.add(transport_bureau, data_bureau)
    listed = api.as_(owner).get("/api/v1/tasks/").data
    assert listed["count"] == 1 and listed["results"][0]["id"] == task.pk


def test_a_parent_organization_sees_its_bureaus_tasks(api, make_task, city_government, transport_bureau):
    government_owner = factories.user("owner", organization_=city_government)
    task = make_task(transport_bureau)
    assert api.as_(government_owner).get(f"/api/v1/tasks/{task.pk}/").status_code == 200


def test_supervisors_managers_and_finance_see_all(
    api, make_task, transport_bureau, health_bureau, supervisor, manager, finance, reviewer
):
    make_task(transport_bureau)
    make_task(health_bureau)
    for user in (supervisor, manager, finance):
        assert api.as_(user).get("/api/v1/tasks/").data["count"] == 2
    assert api.as_(reviewer).get("/api/v1/tasks/").data["count"] == 0


def test_a_bureau_cannot_report_on_another_bureaus_task(api, make_task, health_bureau, owner):
    task = make_task(health_bureau, status=Status.IN_PROGRESS)
    response = api.as_(owner).post(
        f"/api/v1/tasks/{task.pk}/reports/", {"period": "2026-05", "text": "x", "percent": 5}
    )
    assert response.status_code == 404


def test_managers_assign_tasks_and_owners_cannot(api, plan, transport_bureau, health_bureau, manager, owner):
    due = (timezone.localdate() + timedelta(days=60)).isoformat()
    data = {
        "title": "建设智慧停车一张网",
        "plan": plan.pk,
        "lead_org": transport_bureau.pk,
        "partner_orgs": [health_bureau.pk],
        "partner_names": ["各区政府"],
        "due_date": due,
    }
    assert api.as_(owner).post("/api/v1/tasks/", data).status_code == 403
    response = api.as_(manager).post("/api/v1/tasks/", data)
    assert response.status_code == 201, response.data
    assert response.data["code"].startswith("RW-") and response.data["status"] == "assigned"
    assert response.data["partner_org_names"] == ["临江市卫生健康委员会"]
    assert response.data["light"] == "green"


def test_a_due_date_before_the_assigned_date_is_refused(api, plan, transport_bureau, manager):
    today = timezone.localdate()
    response = api.as_(manager).post(
        "/api/v1/tasks/",
        {
            "title": "任务",
            "plan": plan.pk,
            "lead_org": transport_bureau.pk,
            "assigned_at": today.isoformat(),
            "due_date": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400 and "due_date" in response.data
    assert not Task.objects.exists()


def test_moving_the_due_date_closes_the_overdue_warning_at_once(api, make_task, transport_bureau, manager):
    task = make_task(transport_bureau, due_in=-5, assigned_days_ago=30, status=Status.IN_PROGRESS)
    run_scan()
    assert task.warnings.filter(closed_at__isnull=True, kind="overdue").exists()
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = api.as_(manager).patch(f"/api/v1/tasks/{task.pk}/", {"due_date": later})
    assert response.status_code == 200, response.data
    assert response.data["light"] == "green" and response.data["open_warnings"] == []


def test_board_counts_by_lead_organization_and_light(
    api, make_task, transport_bureau, health_bureau, supervisor, owner
):
    make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    make_task(transport_bureau, due_in=3, status=Status.ACKNOWLEDGED)
    make_task(transport_bureau, due_in=90, status=Status.ACKNOWLEDGED)
    make_task(health_bureau, due_in=90, status=Status.ACKNOWLEDGED)
    run_scan()
    board = api.as_(supervisor).get("/api/v1/tasks/board/").data
    rows = {row["org_name"]: row for row in board["rows"]}
    transport = rows["临江市交通运输局"]
    assert (transport["green"], transport["yellow"], transport["red"], transport["total"]) == (1, 1, 1, 3)
    assert transport["open_warnings"] == 2 and transport["statuses"]["in_progress"] == 1
    assert board["totals"]["total"] == 4 and board["totals"]["red"] == 1
    assert board["rows"][0]["org_name"] == "临江市交通运输局"  # the most red first
    filtered = api.as_(supervisor).get(f"/api/v1/tasks/board/?lead_org={health_bureau.pk}").data
    assert [r["org_name"] for r in filtered["rows"]] == ["临江市卫生健康委员会"]
    assert api.as_(supervisor).get("/api/v1/tasks/board/?light=red").data["totals"]["total"] == 1
    assert api.as_(owner).get("/api/v1/tasks/board/").data["totals"]["total"] == 3  # only what it sees


def test_the_board_says_how_late_each_bureau_is(api, make_task, transport_bureau, health_bureau, supervisor):
    make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    make_task(transport_bureau, due_in=-12, assigned_days_ago=40, status=Status.IN_PROGRESS)
    make_task(health_bureau, due_in=20, status=Status.ACKNOWLEDGED)
    run_scan()
    board = api.as_(supervisor).get("/api/v1/tasks/board/").data
    rows = {row["org_name"]: row for row in board["rows"]}
    assert rows["临江市交通运输局"]["max_days_overdue"] == 12
    assert rows["临江市卫生健康委员会"]["max_days_overdue"] is None
    assert board["totals"]["max_days_overdue"] == 12


def test_the_task_list_filters_by_light_and_status(api, make_task, transport_bureau, supervisor):
    make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    make_task(transport_bureau, due_in=60)
    run_scan()
    assert api.as_(supervisor).get("/api/v1/tasks/?light=red").data["count"] == 1
    assert api.as_(supervisor).get("/api/v1/tasks/?status=assigned").data["count"] == 1
    assert api.as_(supervisor).get("/api/v1/tasks/?light=purple").status_code == 400


def _grow(make_task, orgs, n):
    for i in range(n):
        task = make_task(orgs[i % len(orgs)], due_in=(i % 20) - 8, assigned_days_ago=30, status=Status.IN_PROGRESS)
        task.partner_orgs.add(orgs[(i + 1) % len(orgs)])
        task.co_lead_orgs.add(orgs[(i + 2) % len(orgs)])
    run_scan()


def test_board_and_list_query_counts_do_not_grow_with_the_rows(
    api, make_task, transport_bureau, health_bureau, data_bureau, supervisor, owner, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    orgs = [transport_bureau, health_bureau, data_bureau]
    counts = {}
    for size in (10, 100):
        _grow(make_task, orgs, size - Task.objects.count())
        for user in (supervisor, owner):
            for path in (
                "/api/v1/tasks/board/",
                "/api/v1/tasks/?page_size=100",
                "/api/v1/warnings/",
                "/api/v1/notices/",
            ):
                client = api.as_(user)
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(path).status_code == 200
                counts.setdefault((user.username, path), []).append(len(queries))
    for key, (small, large) in counts.items():
        assert small == large, f"{key}: {small} queries at 10 tasks, {large} at 100"
    with django_assert_max_num_queries(8):
        api.as_(supervisor).get("/api/v1/tasks/?page_size=100")


def test_notice_issue_reply_close(api, make_task, transport_bureau, supervisor, owner, other_owner):
    task = make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert (
        api.as_(owner).post("/api/v1/notices/", {"task": task.pk, "requirement": "说明", "reply_due": due}).status_code
        == 403
    )
    response = api.as_(supervisor).post(
        "/api/v1/notices/", {"task": task.pk, "requirement": "书面说明逾期原因", "reply_due": due}
    )
    assert response.status_code == 201, response.data
    notice_id = response.data["id"]
    assert Notification.objects.filter(recipient=owner, kind="tasks.notice.issued").exists()
    assert api.as_(other_owner).post(f"/api/v1/notices/{notice_id}/reply/", {"reply": "x"}).status_code == 404
    assert api.as_(supervisor).post(f"/api/v1/notices/{notice_id}/reply/", {"reply": "x"}).status_code == 403
    response = api.as_(owner).post(f"/api/v1/notices/{notice_id}/reply/", {"reply": "已加派人手，月底前完成"})
    assert response.status_code == 200 and response.data["status"] == "replied"
    assert api.as_(owner).post(f"/api/v1/notices/{notice_id}/reply/", {"reply": "again"}).status_code == 409
    response = api.as_(supervisor).post(f"/api/v1/notices/{notice_id}/close/", {"comment": "销号"})
    assert response.data["status"] == "closed"
    task.refresh_from_db()
    assert task.open_notice_count == 0


def test_an_overdue_reply_raises_a_warning_and_escalation_sets_a_new_deadline(
    api, make_task, transport_bureau, supervisor, manager
):
    task = make_task(transport_bureau, due_in=30, status=Status.IN_PROGRESS)
    notice = Notice.objects.create(
        task=task, requirement="说明", reply_due=timezone.localdate() - timedelta(days=2), issued_by=supervisor
    )
    run_scan()
    assert TaskWarning.objects.filter(task=task, kind="notice_overdue", closed_at__isnull=True).exists()
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = api.as_(supervisor).post(
        f"/api/v1/notices/{notice.pk}/escalate/", {"comment": "逾期未复，升级督办", "reply_due": due}
    )
    assert response.status_code == 200 and response.data["level"] == 2 and response.data["status"] == "open"
    assert not TaskWarning.objects.filter(task=task, kind="notice_overdue", closed_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=manager, kind="tasks.notice.escalated").exists()


def test_a_notice_reply_deadline_in_the_past_is_refused(api, make_task, transport_bureau, supervisor):
    task = make_task(transport_bureau)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = api.as_(supervisor).post("/api/v1/notices/", {"task": task.pk, "requirement": "说明", "reply_due": past})
    assert response.status_code == 400 and "reply_due" in response.data
    assert not Notice.objects.exists()


def test_warnings_list_is_filtered_by_visibility_and_state(
    api, make_task, transport_bureau, health_bureau, owner, supervisor
):
    make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    make_task(health_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    run_scan()
    assert api.as_(owner).get("/api/v1/warnings/").data["count"] == 1
    assert api.as_(supervisor).get("/api/v1/warnings/?kind=overdue&open=true").data["count"] == 2


def test_ranking_orders_organizations_within_their_tier(api, make_task, transport_bureau, health_bureau, supervisor):
    today = timezone.localdate()
    on_time = make_task(transport_bureau, due_in=-1, assigned_days_ago=20, status=Status.COMPLETED)
    Task.objects.filter(pk=on_time.pk).update(completed_at=timezone.now() - timedelta(days=2))
    make_task(health_bureau, due_in=-1, assigned_days_ago=20, status=Status.IN_PROGRESS)
    run_scan()
    month = (today - timedelta(days=1)).strftime("%Y-%m")
    data = api.as_(supervisor).get(f"/api/v1/tasks/ranking/?month={month}").data
    rows = data["tiers"][0]["rows"]
    assert [(r["org_name"], r["rank"], r["rate"]) for r in rows] == [
        ("临江市交通运输局", 1, 100.0),
        ("临江市卫生健康委员会", 2, 0.0),
    ]
    assert rows[1]["open_red"] == (1 if (today - timedelta(days=1)).month == today.month else 0)
    assert api.as_(supervisor).get("/api/v1/tasks/ranking/?month=2026-13").status_code == 400


def test_the_schema_documents_the_task_endpoints(api, manager):
    schema = api.as_(manager).get("/api/v1/schema/?format=json").json()
    for path in (
        "/api/v1/tasks/board/",
        "/api/v1/tasks/{id}/send-back/",
        "/api/v1/notices/{id}/reply/",
        "/api/v1/warnings/",
    ):
        assert path in schema["paths"]
