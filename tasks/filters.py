"""FilterSets for tasks, warnings and notices, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portfolio.filters import StyledFilterSet
from portfolio.models import Domain, Organization, Plan, Region
from portfolio.visibility import VisibleFilterSet
from projects.models import Project
from tasks.lifecycle import Light, NoticeStatus, Status, WarningKind
from tasks.models import Notice, Task, TaskWarning


def _within(queryset, field, node):
    """``field`` (an organization) is ``node`` or below it — one indexed subquery on the path."""
    return queryset.filter(**{f"{field}__in": Organization.objects.filter(path__startswith=node.path)})


class TaskFilter(StyledFilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), label=_("plan"))
    domain = django_filters.ModelChoiceFilter(queryset=Domain.objects.all(), label=_("domain"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), method="filter_region", label=_("region"))
    lead_org = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="filter_lead_org", label=_("organization")
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    light = django_filters.ChoiceFilter(choices=Light.choices, label=_("light"))
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.all(), field_name="projects", label=_("linked project")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue only"))

    class Meta:
        model = Task
        fields = ["plan", "domain", "region", "lead_org", "status", "light", "project", "overdue"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(lead_org__in=Organization.objects.filter(region__path__startswith=value.path))

    def filter_lead_org(self, queryset, name, value):
        return _within(queryset, "lead_org", value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        from django.utils import timezone

        from tasks.lifecycle import OPEN_STATUSES

        late = queryset.filter(due_date__lt=timezone.localdate(), status__in=OPEN_STATUSES)
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class WarningFilter(VisibleFilterSet):
    kind = django_filters.ChoiceFilter(choices=WarningKind.choices, label=_("kind"))
    open = django_filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", label=_("open"))
    lead_org = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), field_name="task__lead_org", label=_("lead organization")
    )

    class Meta:
        model = TaskWarning
        fields = ["task", "kind", "open", "lead_org"]


class NoticeFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=NoticeStatus.choices, label=_("status"))
    lead_org = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), field_name="task__lead_org", label=_("lead organization")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("reply overdue"))

    class Meta:
        model = Notice
        fields = ["task", "status", "lead_org", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        from django.utils import timezone

        late = {"status": NoticeStatus.OPEN, "reply_due__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)
