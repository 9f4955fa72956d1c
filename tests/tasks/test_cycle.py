"""The supervision cycle 交办 → 签收 → 办理 → 反馈 → 核验销号, through the API."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portfolio.models import Notification
from tasks.lifecycle import ACTORS, TRANSITIONS, Action, Status
from tasks.models import Evidence, ProgressReport, Task, TaskTransition

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(task, action=""):
    return f"/api/v1/tasks/{task.pk}/" + (f"{action.replace('_', '-')}/" if action else "")


# --- The table, without a database -------------------------------------------------------------
EXPECTED = {
    (Status.ASSIGNED, Action.ACKNOWLEDGE): Status.ACKNOWLEDGED,
    (Status.ACKNOWLEDGED, Action.START): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.FINISH): Status.REPORTED,
    (Status.REPORTED, Action.VERIFY): Status.COMPLETED,
    (Status.REPORTED, Action.SEND_BACK): Status.IN_PROGRESS,
    **{
        (s, Action.SUSPEND): Status.SUSPENDED
        for s in (Status.ASSIGNED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REPORTED)
    },
    (Status.SUSPENDED, Action.RESUME): Status.IN_PROGRESS,
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status.values, Action.values)))
def test_every_status_and_action_pair_follows_the_table(status, action):
    from portfolio.workflow import InvalidTransition

    if (status, action) in EXPECTED:
        assert TRANSITIONS.target(status, action) == EXPECTED[(status, action)]
    else:
        with pytest.raises(InvalidTransition):
            TRANSITIONS.target(status, action)


def test_every_action_names_who_takes_it():
    assert set(ACTORS) == set(Action)


# --- Through the API ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_full_cycle_records_every_step(api, transport_task, owner, supervisor):
    for action, user in [(Action.ACKNOWLEDGE, owner), (Action.START, owner)]:
        response = api.as_(user).post(url(transport_task, action), {})
        assert response.status_code == 200, response.data
    upload = SimpleUploadedFile("验收报告.pdf", PDF, content_type="application/pdf")
    response = api.as_(owner).post(
        url(transport_task, Action.FINISH), {"comment": "系统已上线", "files": [upload]}, format="multipart"
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == Status.REPORTED and response.data["progress"] == 100
    assert Evidence.objects.filter(report__task=transport_task).get().display_name == "验收报告.pdf"
    response = api.as_(supervisor).post(url(transport_task, Action.VERIFY), {"comment": "属实"})
    assert response.data["status"] == Status.COMPLETED
    steps = list(TaskTransition.objects.filter(task=transport_task).values_list("action", "by__username"))
    assert steps == [("acknowledge", "owner"), ("start", "owner"), ("finish", "owner"), ("verify", "supervisor")]
    history = api.as_(owner).get(url(transport_task, "history")).data
    assert [h["to_status"] for h in history] == ["acknowledged", "in_progress", "reported", "completed"]
    transport_task.refresh_from_db()
    assert transport_task.completed_at is not None


@pytest.mark.django_db
def test_a_wrong_status_is_a_409_naming_the_status_and_the_allowed_actions(api, transport_task, owner):
    response = api.as_(owner).post(url(transport_task, Action.FINISH), {"comment": "完成"})
    assert response.status_code == 409
    assert response.data["status"] == "assigned" and response.data["allowed_actions"] == ["acknowledge"]
    assert "已交办" in response.data["detail"] or "Assigned" in response.data["detail"]
    assert Task.objects.get(pk=transport_task.pk).status == Status.ASSIGNED


@pytest.mark.django_db
def test_only_the_lead_acknowledges_and_only_supervisors_verify(
    api, make_task, transport_bureau, owner, supervisor, manager
):
    task = make_task(transport_bureau, status=Status.REPORTED)
    assert api.as_(owner).post(url(task, Action.VERIFY), {}).status_code == 403
    assert api.as_(manager).post(url(task, Action.VERIFY), {}).status_code == 403
    assigned = make_task(transport_bureau)
    assert api.as_(supervisor).post(url(assigned, Action.ACKNOWLEDGE), {}).status_code == 403
    assert Task.objects.get(pk=task.pk).status == Status.REPORTED


@pytest.mark.django_db
def test_send_back_and_suspend_need_a_comment(api, make_task, transport_bureau, supervisor, owner):
    task = make_task(transport_bureau, status=Status.REPORTED)
    response = api.as_(supervisor).post(url(task, Action.SEND_BACK), {"comment": " "})
    assert response.status_code == 400 and "comment" in response.data
    response = api.as_(supervisor).post(url(task, Action.SEND_BACK), {"comment": "证明材料不全"})
    assert response.data["status"] == Status.IN_PROGRESS
    assert Notification.objects.filter(recipient=owner, kind="tasks.send_back").exists()


@pytest.mark.django_db
def test_resume_returns_the_task_to_where_it_was_suspended(api, make_task, transport_bureau, manager):
    task = make_task(transport_bureau, status=Status.ACKNOWLEDGED)
    api.as_(manager).post(url(task, Action.SUSPEND), {"comment": "政策调整"})
    response = api.as_(manager).post(url(task, Action.RESUME), {})
    assert response.data["status"] == Status.ACKNOWLEDGED


@pytest.mark.django_db
def test_a_co_lead_acknowledges_like_the_lead(api, make_task, health_bureau, transport_bureau, owner):
    task = make_task(health_bureau)
    task.co_lead_orgs.add(transport_bureau)
    assert api.as_(owner).post(url(task, Action.ACKNOWLEDGE), {}).status_code == 200


# --- Progress reports ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_lead_reports_progress_with_evidence(api, make_task, transport_bureau, owner):
    task = make_task(transport_bureau, status=Status.IN_PROGRESS)
    upload = SimpleUploadedFile("进展.pdf", PDF)
    response = api.as_(owner).post(
        f"{url(task)}reports/",
        {"period": "2026-05", "text": "完成部署", "percent": 40, "files": [upload]},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    assert response.data["evidence"][0]["display_name"] == "进展.pdf"
    task.refresh_from_db()
    assert task.progress == 40 and task.last_report_at is not None
    listed = api.as_(owner).get(f"{url(task)}reports/").data
    assert listed["count"] == 1


@pytest.mark.django_db
def test_a_partner_reports_on_its_part_without_changing_the_task_progress(
    api, make_task, health_bureau, transport_bureau, owner, other_owner
):
    task = make_task(health_bureau, status=Status.IN_PROGRESS)
    task.partner_orgs.add(transport_bureau)
    response = api.as_(owner).post(
        f"{url(task)}reports/", {"period": "2026-05", "text": "配合完成数据对接", "percent": 80}
    )
    assert response.status_code == 201 and response.data["is_lead_report"] is False
    task.refresh_from_db()
    assert task.progress == 0 and task.last_report_at is None
    assert Notification.objects.filter(recipient=other_owner, kind="tasks.partner_report").exists()
    # …but a partner cannot take the lead's steps.
    assert api.as_(owner).post(url(task, Action.FINISH), {"comment": "完成"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period": "2026-05", "text": "进展", "percent": 101}, "percent"),
        ({"period": "2026-05", "text": "进展", "percent": -1}, "percent"),
        ({"period": "2026-13", "text": "进展", "percent": 10}, "period"),
        ({"period": "2026-05", "text": "", "percent": 10}, "text"),
    ],
)
def test_bad_report_input_is_refused_with_a_field_message(api, make_task, transport_bureau, owner, data, field):
    task = make_task(transport_bureau, status=Status.IN_PROGRESS)
    response = api.as_(owner).post(f"{url(task)}reports/", data)
    assert response.status_code == 400 and field in response.data
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_a_report_on_a_completed_task_is_refused(api, make_task, transport_bureau, owner):
    task = make_task(transport_bureau, status=Status.COMPLETED)
    response = api.as_(owner).post(f"{url(task)}reports/", {"period": "2026-05", "text": "补充", "percent": 100})
    assert response.status_code == 409 and response.data["status"] == "completed"
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_evidence_that_is_not_an_accepted_type_is_refused_and_nothing_is_written(
    api, make_task, transport_bureau, owner
):
    task = make_task(transport_bureau, status=Status.IN_PROGRESS)
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not really a pdf")
    response = api.as_(owner).post(
        f"{url(task)}reports/",
        {"period": "2026-05", "text": "进展", "percent": 10, "files": [fake]},
        format="multipart",
    )
    assert response.status_code == 400 and "files" in response.data
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
