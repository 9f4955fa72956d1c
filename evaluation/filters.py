"""FilterSets shared by the API and the pages (query parameters named after the fields)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from evaluation.models import (
    BudgetRequest,
    Evaluation,
    Grade,
    Indicator,
    Measurement,
    Rating,
    Rectification,
    Spending,
    Ticket,
)
from portfolio.models import Organization
from portfolio.visibility import IntegerFilter, VisibleFilterSet, YearFilter


class PeriodFilterMixin(VisibleFilterSet):
    """``?period=2026``: rows whose date falls in that year (local time)."""

    period_field = ""
    period = YearFilter(method="filter_period", label=_("period (year)"))

    def filter_period(self, queryset, name, value):
        return queryset.in_period(int(value), self.period_field) if value else queryset


@extend_schema_field(OpenApiTypes.INT)
class OrganizationFilter(django_filters.ModelChoiceFilter):
    """An organization, by id (documented as an integer in the API schema)."""


class OwnerOrgFilterMixin(VisibleFilterSet):
    """``?owner_org=ID``: rows of projects of that organization or one below it."""

    owner_org_path = "project__owner_org__path"
    owner_org = OrganizationFilter(
        queryset=Organization.objects.all(), method="filter_owner_org", label=_("owner organization")
    )

    def filter_owner_org(self, queryset, name, value):
        return queryset.filter(**{f"{self.owner_org_path}__startswith": value.path}) if value else queryset


class IndicatorFilter(VisibleFilterSet):
    class Meta:
        model = Indicator
        fields = ["category", "source", "is_active", "domain"]


class TicketFilter(PeriodFilterMixin, OwnerOrgFilterMixin):
    period_field = "received_at"

    class Meta:
        model = Ticket
        fields = ["project", "resolved", "period", "owner_org"]


class RatingFilter(PeriodFilterMixin, OwnerOrgFilterMixin):
    period_field = "rated_at"

    class Meta:
        model = Rating
        fields = ["project", "score", "channel", "period", "owner_org"]


class SpendingFilter(PeriodFilterMixin, OwnerOrgFilterMixin):
    period_field = "spent_on"

    class Meta:
        model = Spending
        fields = ["project", "period", "owner_org"]


class MeasurementFilter(OwnerOrgFilterMixin):
    class Meta:
        model = Measurement
        fields = ["project", "indicator", "period", "owner_org"]


class RectificationFilter(OwnerOrgFilterMixin):
    owner_org_path = "org__path"
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = Rectification
        fields = ["project", "status", "overdue", "owner_org"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        late = queryset.filter(status=Rectification.Status.OPEN, due_date__lt=today)
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class EvaluationFilter(OwnerOrgFilterMixin):
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("grade"))
    domain = IntegerFilter(field_name="project__domain", label=_("domain"))

    class Meta:
        model = Evaluation
        fields = ["project", "period", "grade", "baseline_met", "owner_org", "domain"]


class BudgetRequestFilter(OwnerOrgFilterMixin):
    class Meta:
        model = BudgetRequest
        fields = ["project", "year", "owner_org"]
