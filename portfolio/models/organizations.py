from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from portfolio import permissions as perms
from portfolio.models.tree import TreeNode, TreeQuerySet


class Role(models.TextChoices):
    OWNER = "owner", _("Project owner")
    REVIEWER = "reviewer", _("Pre-review expert")
    MANAGER = "manager", _("Portfolio office")
    SUPERVISOR = "supervisor", _("Supervision office")
    FINANCE = "finance", _("Finance bureau")


# Roles that see everything in the region (DESIGN.md "Users and what each does").
REGION_WIDE_ROLES = frozenset({Role.MANAGER, Role.SUPERVISOR, Role.FINANCE})


class OrgScopedQuerySet(models.QuerySet):
    """Rows that belong to an organization, visible as DESIGN.md says.

    Managers, supervisors and finance see the whole region; an owner sees the rows of its
    organization and of its descendants; everyone else sees nothing unless a subclass adds more
    (a reviewer's assignments, a task's partners). Views use ``visible_to`` as their queryset, so
    what a user may not see is a 404, never a 403 that confirms it exists.
    """

    org_field = "org"

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.sees_whole_region:
            return self
        scope = self.scope_for(user)
        return self.none() if scope is None else self.filter(scope)

    def scope_for(self, user) -> Q | None:
        """The filter for a user who does not see the whole region (None: nothing).

        A subclass that widens it across a to-many relation should use ``Exists`` rather than a
        join, so rows never repeat and counts stay right.
        """
        return org_subtree_q(user, self.org_field)


def org_subtree_q(user, org_field: str) -> Q | None:
    """Rows whose ``org_field`` is the owner's organization or one of its descendants."""
    if user.role == Role.OWNER and user.organization_id:
        return Q(**{f"{org_field}__path__startswith": user.organization.path})
    return None


class Region(RulesModelMixin, TreeNode, metaclass=RulesModelBase):
    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")

    class Tier(models.TextChoices):
        LEADING = "leading", _("Leading demonstration")
        ADVANCING = "advancing", _("Coordinated improvement")
        FOUNDATIONAL = "foundational", _("Foundation building")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("division code"), max_length=12, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    tier = models.CharField(_("tier"), max_length=15, choices=Tier.choices, default=Tier.ADVANCING)

    objects = TreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")]
        indexes = [models.Index(fields=["path"], name="region_path_idx", opclasses=["varchar_pattern_ops"])]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.name


class Organization(RulesModelMixin, TreeNode, metaclass=RulesModelBase):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("People's government")
        DEPARTMENT = "department", _("Government department")
        STREET = "street", _("Street or township office")
        INSTITUTION = "institution", _("Public institution")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=20, help_text=_("Used in project codes, e.g. 交通 in 2026-交通-0007.")
    )
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other names and abbreviations this organization is known by."),
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.DEPARTMENT)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organizations")
    is_active = models.BooleanField(_("active"), default=True)

    objects = TreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="organization_path_idx", opclasses=["varchar_pattern_ops"])]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) and a.strip() for a in self.aliases):
            raise ValidationError({"aliases": _("Aliases must be a list of non-empty names.")})


class UserQuerySet(OrgScopedQuerySet):
    org_field = "organization"

    def scope_for(self, user):
        own = Q(pk=user.pk)
        scope = super().scope_for(user)
        return own if scope is None else own | scope


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(RulesModelMixin, AbstractUser, metaclass=RulesModelBase):
    name = models.CharField(_("full name"), max_length=50)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=15, choices=Role.choices, blank=True)
    is_leader = models.BooleanField(
        _("leader of the organization"),
        default=False,
        help_text=_("Escalations (severely overdue tasks, unanswered supervision notices) reach this account."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        rules_permissions = perms.USERS

    def __str__(self):
        return self.name or self.username

    def clean(self):
        super().clean()
        if not self.is_superuser:
            errors = {}
            if not self.organization_id:
                errors["organization"] = _("Every account belongs to an organization.")
            if not self.role:
                errors["role"] = _("Every account has a role.")
            if errors:
                raise ValidationError(errors)

    def save(self, *args, **kwargs):
        password_changed = self._password is not None and not self._state.adding  # set by set_password
        super().save(*args, **kwargs)
        if password_changed:
            # A new password ends the API token issued under the old one, as Django ends the
            # other sessions (whoever took the old password keeps nothing).
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=self).delete()

    @property
    def sees_whole_region(self) -> bool:
        return self.is_superuser or self.role in REGION_WIDE_ROLES

    def can_see_org(self, org) -> bool:
        """True if rows belonging to ``org`` are visible to this user by the organization rule."""
        if self.sees_whole_region:
            return True
        return (
            self.role == Role.OWNER
            and bool(self.organization_id)
            and org is not None
            and org.is_within(self.organization)
        )
