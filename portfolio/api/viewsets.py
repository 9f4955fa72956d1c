"""The base every API viewset of the platform is declared on.

``get_queryset`` narrows to what the user may see (``visible_to``), so anything else is a 404;
rules-based object permissions then decide what they may do with it (403 otherwise), reading the
rules declared on the model (``Meta.rules_permissions``). Extra ``@action``s name the permission
they need in ``permission_type_map``.

``OPTIONS`` (DRF's ``metadata`` action) describes the endpoint and checks no rule of its own
(django-rules' mixin knows no such action and answered 500); on a detail route it first finds
the object, so another bureau's id is a 404 there too.
"""

from rest_framework import viewsets
from rules.contrib.rest_framework import AutoPermissionViewSetMixin

from portfolio.visibility import visible


class VisibleQuerysetMixin:
    def get_queryset(self):
        return visible(super().get_queryset(), self.request.user)


class DescribedMixin:
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.permission_type_map = {**cls.permission_type_map, "metadata": None}

    def options(self, request, *args, **kwargs):
        if self.detail and (self.lookup_url_kwarg or self.lookup_field) in kwargs:
            self.get_object()
        return super().options(request, *args, **kwargs)


class ScopedModelViewSet(DescribedMixin, VisibleQuerysetMixin, AutoPermissionViewSetMixin, viewsets.ModelViewSet):
    pass


class ScopedReadOnlyViewSet(
    DescribedMixin, VisibleQuerysetMixin, AutoPermissionViewSetMixin, viewsets.ReadOnlyModelViewSet
):
    pass
