"""Task and notice steps leave one audit row each."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portfolio.models import AuditKind
from tasks.lifecycle import Status

pytestmark = pytest.mark.django_db


def test_task_and_notice_steps_each_leave_one_audit_row(api, make_task, transport_bureau, owner, supervisor, trail):
    task = make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    issued = api.as_(supervisor).post(
        "/api/v1/notices/", {"task": task.pk, "requirement": "说明逾期原因", "reply_due": due}
    )
    assert issued.status_code == 201, issued.data
    notice_id = issued.data["id"]
    assert api.as_(owner).post(f"/api/v1/notices/{notice_id}/reply/", {"reply": "月底前完成"}).status_code == 200
    assert api.as_(owner).post(f"/api/v1/tasks/{task.pk}/finish/", {"comment": "已完成"}).status_code == 200
    steps = trail(AuditKind.TRANSITION).order_by("id")
    assert [(e.object_type, e.action, e.before, e.after, e.actor) for e in steps] == [
        ("tasks.notice", "issue", {"status": ""}, {"status": "open"}, supervisor),
        ("tasks.notice", "reply", {"status": "open"}, {"status": "replied"}, owner),
        ("tasks.task", "finish", {"status": "in_progress"}, {"status": "reported"}, owner),
    ]
    assert steps[0].object_label.startswith(task.code)
    assert trail().count() == 3


def test_each_spreadsheet_export_of_the_pages_leaves_one_audit_row(client, transport_task, supervisor, trail):
    client.force_login(supervisor)
    for path in ("/tasks/export.xlsx", "/tasks/board/export.xlsx", "/tasks/ranking/export.xlsx"):
        assert client.get(path).status_code == 200
    assert client.get("/tasks/board/").status_code == 200  # a page is no export
    exports = trail(AuditKind.EXPORT).order_by("id")
    assert [(e.actor, e.path) for e in exports] == [
        (supervisor, "/tasks/export.xlsx"),
        (supervisor, "/tasks/board/export.xlsx"),
        (supervisor, "/tasks/ranking/export.xlsx"),
    ]
    assert all(e.object_label.endswith(".xlsx") for e in exports)
