"""A materialized path for the region and organization trees.

Visibility follows the organization tree ("an owner sees its organization and its descendants"),
and every list in the system filters by it. Storing each node's path ("/00000001/00000004/") turns "in
this subtree" into one indexed ``LIKE '/00000001/00000004/%'`` inside the same query, instead of walking the tree in
Python or a recursive CTE per request. ``parent`` stays the source of truth; ``path`` and
``depth`` are derived on save, and a move rewrites the subtree's paths in one UPDATE. Each step is
the primary key zero-padded to a fixed width, so ordering by path lists the tree depth-first.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _


def segment(pk: int) -> str:
    return f"{pk:08d}"


class TreeQuerySet(models.QuerySet):
    def subtree(self, node):
        """The node and all its descendants."""
        return self.filter(path__startswith=node.path)

    def rebuild_paths(self):
        """Recompute every path from ``parent`` (after bulk inserts, which skip save())."""
        nodes = {node.pk: node for node in self.model._base_manager.only("pk", "parent_id")}
        paths = {}

        def path_of(pk, seen=()):
            if pk not in paths:
                if pk in seen:
                    raise ValidationError(_("The tree contains a cycle."))
                parent = nodes[pk].parent_id
                prefix = "/" if parent is None else path_of(parent, (*seen, pk))
                paths[pk] = f"{prefix}{segment(pk)}/"
            return paths[pk]

        for node in nodes.values():
            node.path = path_of(node.pk)
            node.depth = node.path.count("/") - 2
        self.model._base_manager.bulk_update(nodes.values(), ["path", "depth"], batch_size=1000)


class TreeNode(models.Model):
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)

    objects = TreeQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)  # the path ends in the primary key, so insert first
                args, kwargs = (), {}
            old_path, old_depth = self.path, self.depth
            self.path = f"{self.parent.path if self.parent_id else '/'}{segment(self.pk)}/"
            self.depth = self.path.count("/") - 2
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "path", "depth"}
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # A move takes the subtree along: rewrite the descendants' prefix in one UPDATE.
                type(self)._base_manager.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=models.F("depth") + (self.depth - old_depth),
                )

    def clean(self):
        super().clean()
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or f"/{segment(self.pk)}/"):
            raise ValidationError({"parent": _("A node cannot be placed under itself or one of its descendants.")})

    def is_within(self, other) -> bool:
        """True if this node is ``other`` or one of its descendants."""
        return bool(other and other.path and self.path.startswith(other.path))
