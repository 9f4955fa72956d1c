"""The migration that numbers notices and keeps one progress report per organization and month
loses nothing: existing notices get their year's numbers in the order they were issued, and two
reports for one month become one report whose earlier values are its revision."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("tasks", "0002_board_index_due_date")]
AFTER = [("tasks", "0003_supervision_loopholes_and_import")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_notices_are_numbered_and_duplicate_reports_merged(transport_task, supervisor, owner):
    apps = migrate(BEFORE)
    Notice = apps.get_model("tasks", "Notice")
    Report = apps.get_model("tasks", "ProgressReport")
    Evidence = apps.get_model("tasks", "Evidence")
    for issued in (datetime(2025, 12, 30, tzinfo=SHANGHAI), datetime(2026, 1, 2, tzinfo=SHANGHAI)):
        Notice.objects.create(
            task_id=transport_task.pk,
            requirement="说明",
            reply_due=issued.date(),
            issued_by_id=supervisor.pk,
            issued_at=issued,
        )
    common = {"task_id": transport_task.pk, "org_id": owner.organization_id, "period": "2026-05", "by_id": owner.pk}
    early = Report.objects.create(**common, text="第一次", percent=20, created_at=datetime(2026, 5, 3, tzinfo=SHANGHAI))
    Report.objects.create(**common, text="第二次", percent=30, created_at=datetime(2026, 5, 20, tzinfo=SHANGHAI))
    Evidence.objects.create(
        report=early, file="x", display_name="a.pdf", content_type="application/pdf", size=1, sha256="0"
    )

    apps = migrate(AFTER)
    Notice = apps.get_model("tasks", "Notice")
    numbers = list(Notice.objects.order_by("issued_at").values_list("year", "serial"))
    assert numbers == [(2025, 1), (2026, 1)]
    assert dict(apps.get_model("tasks", "NoticeSequence").objects.values_list("year", "last")) == {2025: 1, 2026: 1}
    (report,) = apps.get_model("tasks", "ProgressReport").objects.all()
    assert report.text == "第二次" and report.percent == 30
    (revision,) = apps.get_model("tasks", "ProgressReportRevision").objects.all()
    assert revision.report_id == report.pk and revision.text == "第一次" and revision.percent == 20
    assert apps.get_model("tasks", "Evidence").objects.get().report_id == report.pk
