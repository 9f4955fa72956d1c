from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdmin

from portfolio.models import (
    BusinessItem,
    DataResource,
    Domain,
    Heartbeat,
    InformationSystem,
    Notification,
    Organization,
    Plan,
    PlanGoal,
    Region,
    Scenario,
    User,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "tier", "parent", "code"]
    list_filter = ["level", "tier"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]


class OrganizationForm(forms.ModelForm):
    """Aliases one per line: the task importer adds the names a manager confirmed (市大数据局 …)."""

    aliases = forms.CharField(
        label=_("aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Other names and abbreviations this organization is known by, one per line. Task lists are "
            "matched against them; a close match confirmed on the import page is added here."
        ),
    )

    class Meta:
        model = Organization
        fields = ["name", "short_name", "aliases", "kind", "region", "parent", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.aliases, list):
            self.initial["aliases"] = "\n".join(self.instance.aliases)

    def clean_aliases(self):
        seen = []
        for line in self.cleaned_data.get("aliases", "").splitlines():
            name = line.strip()
            if name and name not in seen:
                seen.append(name)
        return seen


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ["name", "short_name", "kind", "region", "parent", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "short_name", "aliases"]
    readonly_fields = ["path", "depth"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class UserAdmin(ObjectPermissionsModelAdmin, DjangoUserAdmin):
    """Accounts, kept by the portfolio office. Object rules (portfolio/permissions.py) keep a
    superuser's account out of a manager's hands, and who is staff or superuser stays with
    superusers."""

    list_display = ["username", "name", "organization", "role", "is_leader", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "name", "email"]
    autocomplete_fields = ["organization"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email", "organization", "role", "is_leader")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "name", "organization", "role", "password1", "password2")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_staff", "is_superuser", "groups", "last_login", "date_joined"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "order"]
    ordering = ["order"]


class PlanGoalInline(admin.TabularInline):
    model = PlanGoal
    extra = 0


class ScenarioInline(admin.TabularInline):
    model = Scenario
    extra = 0
    autocomplete_fields = ["lead_org"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "start_year", "end_year"]
    filter_horizontal = ["domains"]
    inlines = [PlanGoalInline, ScenarioInline]


@admin.register(InformationSystem)
class InformationSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "org", "domain", "status", "annual_cost", "users_count", "is_shared"]
    list_filter = ["status", "domain", "is_shared"]
    search_fields = ["name", "description", "functions"]
    autocomplete_fields = ["org"]


@admin.register(DataResource)
class DataResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "org", "domain", "sharing", "update_frequency"]
    list_filter = ["sharing", "domain"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["org", "system"]


@admin.register(BusinessItem)
class BusinessItemAdmin(admin.ModelAdmin):
    list_display = ["name", "org"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["org", "systems"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "worker", "runs"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
