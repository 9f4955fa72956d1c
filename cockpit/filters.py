"""The cockpit's filters. The roll-ups': the project list's own (so the same names mean the same thing, and an
owner's foreign organization is refused like one that does not exist), only those the roll-up
takes — a FilterSet copies every filter it has on each request."""

from cockpit.models import StatusReport
from cockpit.selectors import FILTERS
from portfolio.visibility import VisibleFilterSet
from projects.filters import ProjectFilter


class RollupFilter(ProjectFilter):
    pass


# "within" stays: ProjectFilter narrows its choices for owners as it does owner_org's.
RollupFilter.base_filters = {name: f for name, f in ProjectFilter.base_filters.items() if name in (*FILTERS, "within")}


class StatusReportFilter(VisibleFilterSet):
    """The self-ratings list's filters: a project is one the caller may see (another bureau's id
    answers as one that does not exist)."""

    class Meta:
        model = StatusReport
        fields = ["project", "month", "light"]
