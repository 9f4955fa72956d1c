"""FilterSets of the projects app, shared by the API lists and the pages.

``search`` works on Chinese text, where words are not separated by spaces: each term of the query
(split on spaces and on Chinese and Western punctuation) must occur somewhere in the project's
name, code, description or functions, as a substring — so 公交站牌 finds 公交电子站牌 only if
written as two terms, 公交 站牌, and 站牌 alone finds it too. No word segmentation is needed for
that, and it behaves the same on SQLite and PostgreSQL.
"""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portfolio.models import Domain, Organization, Plan, PlanGoal, Region, Scenario
from portfolio.visibility import VisibleFilterSet, YearFilter
from projects.lifecycle import Stage
from projects.models import Attachment, GateRecord, Milestone, Project

SEARCH_SEPARATORS = re.compile(r"[\s,，、;；。.:：/|]+")
MAX_SEARCH_TERMS = 8
SEARCH_FIELDS = ("name", "code", "description", "functions")


def search_terms(text: str) -> list[str]:
    return [term for term in SEARCH_SEPARATORS.split(text or "") if term][:MAX_SEARCH_TERMS]


class OrderingFilter(django_filters.OrderingFilter):
    # django-filter ships a zh_CN catalogue but none for zh_Hans: the label comes from ours.
    descending_fmt = _("%s (descending)")


class ProjectFilter(VisibleFilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"), max_length=100)
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label=_("Stage"))
    domain = django_filters.ModelChoiceFilter(
        queryset=Domain.objects.all(), label=_("Domain"), empty_label=_("All domains")
    )
    owner_org = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), label=_("Owner organization"), empty_label=_("All organizations")
    )
    within = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(),
        method="filter_within",
        label=_("Organization and the ones below it"),
    )
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), label=_("Plan"))
    year = YearFilter(label=_("Year"))
    # The portfolio cockpit's drill-downs (every number links here with the same filters).
    # The owner organization's own region (not the ones below it), as the cockpit groups by region.
    region = django_filters.ModelChoiceFilter(
        field_name="owner_org__region", queryset=Region.objects.all(), label=_("Region of the owner organization")
    )
    tier = django_filters.ChoiceFilter(
        field_name="owner_org__region__tier", choices=Region.Tier.choices, label=_("Region tier")
    )
    plan_goal = django_filters.ModelChoiceFilter(queryset=PlanGoal.objects.all(), label=_("Plan goal"))
    scenario = django_filters.ModelChoiceFilter(queryset=Scenario.objects.all(), label=_("Scenario"))
    linked = django_filters.BooleanFilter(method="filter_linked", label=_("Linked to the plan"))
    ordering = OrderingFilter(
        fields=(
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
            ("code", "code"),
            ("name", "name"),
            ("year", "year"),
            ("stage", "stage"),
            ("budget_requested", "budget_requested"),
            ("approved_budget", "approved_budget"),
        ),
        field_labels={
            "created_at": _("Creation time"),
            "updated_at": _("Last changed"),
            "code": _("Code"),
            "name": _("Project name"),
            "year": _("Year"),
            "stage": _("Stage"),
            "budget_requested": _("Requested budget"),
            "approved_budget": _("Approved budget"),
        },
        label=_("Order by"),
        empty_label=_("Newest first"),
    )

    class Meta:
        model = Project
        fields = [
            "search",
            "stage",
            "domain",
            "owner_org",
            "within",
            "plan",
            "year",
            "region",
            "tier",
            "plan_goal",
            "scenario",
            "linked",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.sees_whole_region and user.organization_id:
            # An owner chooses among its own organizations; any other id simply matches nothing.
            mine = Organization.objects.subtree(user.organization)
            self.filters["owner_org"].queryset = mine
            self.filters["within"].queryset = mine

    def filter_search(self, queryset, name, value):
        for term in search_terms(value):
            condition = Q()
            for field in SEARCH_FIELDS:
                condition |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(condition)
        return queryset

    @extend_schema_field(OpenApiTypes.INT)
    def filter_within(self, queryset, name, value):
        return queryset.filter(owner_org__path__startswith=value.path) if value else queryset

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_linked(self, queryset, name, value):
        if value is None:
            return queryset
        unlinked = Q(plan_goal__isnull=True, scenario__isnull=True)
        return queryset.exclude(unlinked) if value else queryset.filter(unlinked)


class MilestoneFilter(VisibleFilterSet):
    class Meta:
        model = Milestone
        fields = ["project", "done"]


class AttachmentFilter(VisibleFilterSet):
    class Meta:
        model = Attachment
        fields = ["project", "kind"]


class GateRecordFilter(VisibleFilterSet):
    class Meta:
        model = GateRecord
        fields = ["project", "gate"]
