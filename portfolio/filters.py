"""FilterSets for the core's reference data, shared by the API and the pages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portfolio.models import DataResource, InformationSystem, Organization, Plan, Region, User
from portfolio.visibility import IntegerFilter, VisibleFilterSet, YearFilter


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
