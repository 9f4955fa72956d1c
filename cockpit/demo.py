"""The demo city's cockpit: three months of owners' self-ratings for the implementing projects —
honest ones, one green rating of a project the rules call red (自评偏乐观), one month not filed —
and one project whose milestones slipped well behind the baseline approval froze."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cockpit import selectors, services
from cockpit.models import StatusReport
from projects import services as project_services
from projects.demo import ACTING_OWNER
from projects.lifecycle import Stage
from projects.models import Project

SLIPPED = "公共视频智能分析平台"  # its milestones slip 45 days; its owner still says green
NOT_RATED = "建筑垃圾全过程监管系统"  # the due month's rating is missing
COMMENTS = {
    "green": "本月按计划推进，里程碑节点可控，无重大风险。",
    "yellow": "部分接口联调滞后约两周，已协调承建单位增派人员，预计下月追平。",
    "red": "关键设备到货延期，系统部署无法按期完成，需调整实施计划。",
}


def _month_before(month: str) -> str:
    year, number = map(int, month.split("-"))
    first = date(year, number, 1) - timedelta(days=1)
    return selectors.month_text(first)


def _owner(demo, project):
    return demo.users[ACTING_OWNER[project.owner_org.name]]


def seed_cockpit(demo) -> None:
    implementing = list(Project.objects.filter(stage=Stage.IMPLEMENTING).select_related("owner_org").order_by("pk"))
    slipped = next(p for p in implementing if p.name == SLIPPED)
    owner = _owner(demo, slipped)
    for milestone in slipped.milestones.filter(done=False):
        project_services.update_milestone(
            milestone, by=owner, forecast_date=milestone.planned_date + timedelta(days=45)
        )
    due = selectors.due_month(demo.today)
    months = [_month_before(_month_before(due)), _month_before(due), due]
    computed = {s.project.pk: s.computed for s in selectors.statuses(Project.objects.filter(stage=Stage.IMPLEMENTING))}
    filed = 0
    for project in implementing:
        owner = _owner(demo, project)
        for month in months:
            if project.name == NOT_RATED and month == due:
                continue
            light = "green" if project.pk == slipped.pk else (computed[project.pk] or "green")
            if month != due and light == "red":
                light = "yellow"
            report = services.file_status_report(project, by=owner, month=month, light=light, comment=COMMENTS[light])
            year, number = map(int, month.split("-"))
            at = timezone.make_aware(
                datetime.combine(date(year, number, 18) + timedelta(days=demo.rng.randint(0, 5)), time(16))
            )
            StatusReport.objects.filter(pk=report.pk).update(filed_at=min(at, timezone.now()))
            filed += 1
    demo.say(f"  cockpit: {filed} monthly self-ratings; {SLIPPED} slipped 45 days and rated green\n")
