"""Minimal factories for projects: each builds what its model needs, nothing more."""

import itertools
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from portfolio.models import PlanGoal
from projects import services
from projects.demo import tiny_pdf
from projects.lifecycle import AttachmentKind, Stage
from projects.models import Attachment, Milestone, Project
from tests import factories

_seq = itertools.count(1)


def pdf(name="申报书.pdf", title="proposal"):
    return SimpleUploadedFile(name, tiny_pdf(title), content_type="application/pdf")


def project(owner_org, plan, *, stage=Stage.DRAFT, domain=None, **fields):
    """A project put straight into ``stage`` (bypassing the lifecycle) for tests that start there."""
    n = next(_seq)
    values = {
        "code": f"{plan.start_year}-T-{n:04d}",
        "name": f"测试项目{n}",
        "description": "建设测试用的信息系统。",
        "functions": "在线申报\n统计分析",
        "owner_org": owner_org,
        "plan": plan,
        "domain": domain or factories.domain(),
        "year": plan.start_year,
        "stage": stage,
        "budget_requested": Decimal("1000000.00"),
        "beneficiaries": 10000,
        "warranty_months": 24,
        "planned_start": date(plan.start_year, 3, 1),
        "planned_end": date(plan.start_year, 12, 31),
    }
    values.update(fields)
    if "plan_goal" not in fields and "scenario" not in fields:
        values["plan_goal"] = plan_goal(plan)  # what submission requires; pass plan_goal=None for an unlinked one
    if stage in {Stage.APPROVED, Stage.IMPLEMENTING, Stage.ACCEPTANCE, Stage.ACCEPTED}:
        values.setdefault("approved_budget", Decimal("900000.00"))
        values.setdefault("approval_number", f"临数批〔{plan.start_year}〕{n}号")
    return Project.objects.create(**values)


def plan_goal(plan, title="公共交通服务便捷高效"):
    return PlanGoal.objects.get_or_create(plan=plan, title=title)[0]


def attachment(project_, user, *, kind=AttachmentKind.APPLICATION, name="申报书.pdf"):
    """An attachment stored like an upload would be (bypassing the stage rules)."""
    from portfolio.uploads import store_upload, validate_upload

    upload = pdf(name)
    checked = validate_upload(upload)
    return Attachment.objects.create(
        project=project_,
        kind=kind,
        name=checked.display_name,
        stored_name=store_upload(upload, checked, folder=f"projects/{project_.pk}"),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )


def milestone(project_, *, done=True, explanation="", **fields):
    values = {
        "name": f"里程碑{next(_seq)}",
        "planned_date": project_.planned_start,
        "done": done,
        "actual_date": project_.planned_start if done else None,
        "explanation": explanation,
    }
    values.update(fields)
    return Milestone.objects.create(project=project_, **values)


def draft(owner, plan, **fields):
    """A complete draft created through the service, with its application materials attached."""
    values = {
        "name": "公交到站信息服务提升工程",
        "description": "采集公交车辆位置，预测到站时间并在站台发布。",
        "functions": "车辆到站时间预测\n站台电子屏信息推送",
        "plan": plan,
        "domain": factories.domain("livable"),
        "year": plan.start_year,
        "budget_requested": Decimal("4200000.00"),
        "beneficiaries": 350000,
        "warranty_months": 24,
        "planned_start": date(plan.start_year, 3, 1),
        "planned_end": date(plan.start_year, 12, 31),
    }
    values.update(fields)
    if "plan_goal" not in fields and "scenario" not in fields:
        values["plan_goal"] = plan_goal(plan)
    created = services.create_project(by=owner, **values)
    services.add_attachment(created, by=owner, kind=AttachmentKind.APPLICATION, file=pdf())
    return created


def ensure_default_domains():
    """The seven domains of the data migration, again: a transactional test's flush removes them.

    (serialized_rollback would restore them, but it collides with the content types that the
    flush of another transactional test recreates.)
    """
    import importlib

    from django.apps import apps

    importlib.import_module("portfolio.migrations.0002_default_domains").create_domains(apps, None)


def expert_review(project_, *, manager=None, reviewer=None, opinion="pass", score=8, comment="建设必要，方案可行。"):
    """A submitted expert review of the project's current pre-review round, through the services (it
    satisfies the default red line "a budget of 300,000 yuan or more needs an expert review")."""
    from portfolio.models import Role
    from projects.prereview import services as prereview
    from projects.prereview.models import Criterion

    manager = manager or factories.user(Role.MANAGER)
    reviewer = reviewer or factories.user(Role.REVIEWER)
    review = prereview.assign_reviewer(project_, reviewer, by=manager)
    return prereview.save_review(
        review,
        by=reviewer,
        scores=dict.fromkeys(Criterion.values, score),
        opinion=opinion,
        comment=comment,
        submit=True,
    )
