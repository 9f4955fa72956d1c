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
from django.db.models import QuerySet


def visible(queryset: QuerySet, user) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may see (all of them for reference data)."""
    visible_to = getattr(queryset, "visible_to", None)
    return visible_to(user) if visible_to is not None else queryset


def scope_choice_fields(form, user) -> None:
    """Narrow every model choice field of a Django form to what ``user`` may see."""
    for field in form.fields.values():
        if getattr(field, "queryset", None) is not None:
            field.queryset = visible(field.queryset, user)


class VisibleFilterSet(django_filters.FilterSet):
    """A FilterSet whose model-choice filters offer and accept only rows the requester may see.

    Without a request nothing of an organization's rows is offered (fail closed): every caller,
    the DRF backend and the pages, passes one.
    """

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            queryset = getattr(filter_, "queryset", None)
            if isinstance(queryset, QuerySet):
                filter_.queryset = visible(queryset, user)
