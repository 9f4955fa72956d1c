"""Writes of the cockpit: filing a monthly self-rating, and reminding owners of a missing one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cockpit.models import MONTH_VALIDATOR, Light, StatusReminder, StatusReport
from cockpit.selectors import STATUS_STAGES, due_month, month_text
from portfolio.models import Organization
from portfolio.notifications import notify, org_owners
from portfolio.workflow import ActionNotPermitted, RequirementsNotMet
from projects.models import Project
from projects.permissions import acting_role, owns

COMMENT_MAX_LENGTH = 2000


def file_status_report(project: Project, *, by, month: str, light: str, comment: str) -> StatusReport:
    """The owner's rating of its project for ``month`` (YYYY-MM, not after this month), with a
    required comment. Filing a month again adds a row: the history keeps every word said."""
    if acting_role(by) != "owner" or not owns(by, project):
        raise ActionNotPermitted(_("Only the owner organization rates its projects."))
    errors = {}
    comment = (comment or "").strip()
    month = (month or "").strip()
    try:
        MONTH_VALIDATOR(month)
    except ValidationError as error:
        errors["month"] = error.messages
    else:
        if month > month_text(timezone.localdate()):
            errors["month"] = [_("A month that has not begun cannot be rated.")]
    if light not in Light.values:
        errors["light"] = [_("Choose green, yellow or red.")]
    if not comment:
        errors["comment"] = [_("Say what the rating rests on: progress, problems, what is needed.")]
    elif len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [_("Keep the comment under %(n)s characters.") % {"n": COMMENT_MAX_LENGTH}]
    if project.stage not in STATUS_STAGES:
        errors["project"] = [_("Only projects being implemented are rated monthly.")]
    if errors:
        raise RequirementsNotMet(errors)
    return StatusReport.objects.create(project=project, month=month, light=light, comment=comment, filed_by=by)


def _acting_owners(org) -> list:
    """The owners of the organization, or — where it has none, as a district office acting through
    its bureau — of the nearest organization above it that has."""
    while org is not None:
        owners = org_owners(org)
        if owners:
            return owners
        org = Organization.objects.filter(pk=org.parent_id).first() if org.parent_id else None
    return []


def remind_status_reports(*, today=None) -> int:
    """Notify the owners of every implementing project whose rating for this month is missing
    once the due day has come; once per project and month (a second run sends nothing)."""
    today = today or timezone.localdate()
    month = month_text(today)
    if due_month(today) != month:
        return 0
    missing = (
        Project.objects.filter(stage__in=STATUS_STAGES)
        .exclude(status_reports__month=month)
        .exclude(pk__in=StatusReminder.objects.filter(month=month).values("project"))
        .select_related("owner_org")
    )
    sent = 0
    with transaction.atomic():
        for project in missing:
            _reminder, created = StatusReminder.objects.get_or_create(project=project, month=month)
            if not created:
                continue
            notify(
                _acting_owners(project.owner_org),
                kind="cockpit.status_missing",
                title=gettext_lazy("Monthly self-rating due: %(code)s %(name)s"),
                body=gettext_lazy("Rate the project green, yellow or red for %(month)s, with a comment."),
                url=reverse("cockpit:project", args=[project.pk]),
                params={"code": project.code, "name": project.name, "month": month},
            )
            sent += 1
    return sent
