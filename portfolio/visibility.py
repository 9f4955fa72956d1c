"""One rule for every door: a choice offered or accepted is one the user may see.

Each model that belongs to an organization has ``visible_to(user)`` on its QuerySet (DESIGN.md
"Users and what each does"); reference data (regions, organizations, plans, domains, indicators,
review rules) has none and is seen by every signed-in user. The API viewsets narrow their rows
with it; this module narrows everything else that names rows by id with the same call:

- the filter forms (``VisibleFilterSet``, the base of every FilterSet, API and pages alike),
- the serializers' related fields (``VisiblePrimaryKeyRelatedField``, the related field of every
  ModelSerializer: validation and the browsable API's drop-downs),
- the pages' forms (``scope_choice_fields``).

So another bureau's project id in ``?project=`` or in a body is refused exactly as an id that
does not exist (400, the same message), and no drop-down lists another bureau's rows.
"""

import django_filters
from django import forms
from django.db import models
from django.db.models import QuerySet
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# The range of a 64-bit integer column: a larger number in a filter is a 400.
MIN_INTEGER, MAX_INTEGER = -(2**63), 2**63 - 1


def visible(queryset: QuerySet, user) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may see (all of them for reference data)."""
    visible_to = getattr(queryset, "visible_to", None)
    return visible_to(user) if visible_to is not None else queryset


def scope_choice_fields(form, user) -> None:
    """Narrow every model choice field of a Django form to what ``user`` may see."""
    for field in form.fields.values():
        if getattr(field, "queryset", None) is not None:
            field.queryset = visible(field.queryset, user)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number in range: ``?period=0.5`` or ``?year=1e400`` is a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value=MIN_INTEGER, max_value=MAX_INTEGER, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class YearFilter(IntegerFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=2999, **kwargs)


class VisibleFilterSet(django_filters.FilterSet):
    """A FilterSet whose model-choice filters offer and accept only rows the requester may see.

    Without a request nothing of an organization's rows is offered (fail closed): every caller,
    the DRF backend and the pages, passes one. Integer columns are filtered with whole numbers in
    range (``IntegerFilter``); Django itself answers an id beyond a column's range with no rows.
    """

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        **{
            field: {"filter_class": IntegerFilter}
            for field in FILTER_FOR_DBFIELD_DEFAULTS
            if issubclass(field, models.IntegerField | models.AutoField)
        },
    }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            queryset = getattr(filter_, "queryset", None)
            if isinstance(queryset, QuerySet):
                filter_.queryset = visible(queryset, user)
