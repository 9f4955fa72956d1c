"""The base every API viewset of the platform is declared on.

``get_queryset`` narrows to what the user may see (``visible_to``), so anything else is a 404;
rules-based object permissions then decide what they may do with it (403 otherwise), reading the
rules declared on the model (``Meta.rules_permissions``). Extra ``@action``s name the permission
they need in ``permission_type_map``.
"""

from rest_framework import viewsets
from rules.contrib.rest_framework import AutoPermissionViewSetMixin


class VisibleQuerysetMixin:
    def get_queryset(self):
        queryset = super().get_queryset()
        visible_to = getattr(queryset, "visible_to", None)
        return visible_to(self.request.user) if visible_to else queryset


class ScopedModelViewSet(VisibleQuerysetMixin, AutoPermissionViewSetMixin, viewsets.ModelViewSet):
    pass


class ScopedReadOnlyViewSet(VisibleQuerysetMixin, AutoPermissionViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
