"""A task's history is kept: no cascade deletes its transitions or a notice's events (PROTECT)."""

import datetime

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from portfolio.api.exceptions import exception_handler
from tasks import services
from tasks.models import NoticeEvent, TaskTransition


def test_a_task_with_a_history_is_not_deleted_with_it(transport_task, owner):
    services.transition(transport_task, "acknowledge", by=owner)
    with pytest.raises(ProtectedError):
        transport_task.delete()
    assert TaskTransition.objects.filter(task=transport_task).exists()


def test_a_notice_keeps_its_events(transport_task, supervisor):
    notice = services.issue_notice(
        transport_task, by=supervisor, requirement="一周内反馈", reply_due=timezone.localdate() + datetime.timedelta(7)
    )
    with pytest.raises(ProtectedError):
        notice.delete()
    assert NoticeEvent.objects.filter(notice=notice).exists()


def test_a_protected_delete_answers_409_naming_what_refers_to_it(transport_task, owner):
    services.transition(transport_task, "acknowledge", by=owner)
    try:
        transport_task.delete()
    except ProtectedError as error:
        response = exception_handler(error, {})
    assert response.status_code == 409
    assert response.data["code"] == "protected" and "任务流转记录" in response.data["detail"]
