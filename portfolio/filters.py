"""FilterSets for the core's reference data, shared by the API and the pages."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portfolio.models import AuditEvent, AuditKind, DataResource, InformationSystem, Organization, Plan, Region, User
from portfolio.visibility import IntegerFilter, VisibleFilterSet, YearFilter


class StyledFilterSet(VisibleFilterSet):
    """Bootstrap classes on the form the pages render (the API ignores the form)."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field, forms.NullBooleanField):
                # Django's own labels read 未知/是/否: "unknown" here means "don't filter".
                field.widget.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
            select = hasattr(field, "choices") or isinstance(field, forms.NullBooleanField)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        return form


class RegionFilter(VisibleFilterSet):
    class Meta:
        model = Region
        fields = ["level", "tier", "parent"]


class OrganizationFilter(VisibleFilterSet):
    within = IntegerFilter(method="filter_within", label="within (organization id and its subtree)")

    class Meta:
        model = Organization
        fields = ["region", "parent", "kind", "is_active"]

    @extend_schema_field(OpenApiTypes.INT)  # an organization id
    def filter_within(self, queryset, name, value):
        root = Organization.objects.filter(pk=value).first()
        return queryset.filter(path__startswith=root.path) if root else queryset.none()


class UserFilter(VisibleFilterSet):
    class Meta:
        model = User
        fields = ["organization", "role", "is_active"]


class PlanFilter(VisibleFilterSet):
    year = YearFilter(method="filter_year", label="year")

    class Meta:
        model = Plan
        fields = ["region", "year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class SystemFilter(VisibleFilterSet):
    class Meta:
        model = InformationSystem
        fields = ["org", "domain", "status", "is_shared"]


class DataResourceFilter(VisibleFilterSet):
    class Meta:
        model = DataResource
        fields = ["org", "domain", "system", "sharing"]


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditFilter(StyledFilterSet):
    actor = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("user"))
    actor_name = django_filters.CharFilter(lookup_expr="icontains", label=_("user name"))
    kind = django_filters.ChoiceFilter(choices=AuditKind.choices, label=_("kind"))
    object_type = django_filters.CharFilter(label=_("object type"))
    object_id = django_filters.CharFilter(label=_("object ID"))
    request_id = django_filters.CharFilter(label=_("request id"))
    since = django_filters.DateFilter(method="filter_since", label=_("from (date)"))
    until = django_filters.DateFilter(method="filter_until", label=_("to (date)"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "actor_name", "kind", "object_type", "object_id", "request_id", "since", "until"]

    def filter_since(self, queryset, name, value):
        return queryset.filter(at__gte=_local_midnight(value))  # days in the site's time zone

    def filter_until(self, queryset, name, value):
        return queryset.filter(at__lt=_local_midnight(value + datetime.timedelta(days=1)))
