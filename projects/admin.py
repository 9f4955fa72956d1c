from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Attachment, GateRecord, Milestone, Project, TransitionRecord


class ReadOnlyInline(admin.TabularInline):
    """Records the lifecycle writes; nobody edits or removes them here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MilestoneInline(ReadOnlyInline):
    # Kept by the owner on the project page (the service checks the stage); read here.
    model = Milestone
    fields = ["name", "planned_date", "forecast_date", "actual_date", "done", "explanation"]
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = TransitionRecord
    fields = ["at", "action", "from_stage", "to_stage", "by", "comment"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["kind", "name", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "owner_org", "domain", "year", "stage", "budget_requested"]
    list_filter = ["stage", "domain", "year"]
    search_fields = ["code", "name", "description"]
    # The stage moves only through the lifecycle service, never by editing here.
    readonly_fields = ["code", "stage", "approved_budget", "approval_number", "created_by", "created_at"]
    autocomplete_fields = ["owner_org", "systems"]
    inlines = [MilestoneInline, AttachmentInline, TransitionInline]
    history_list_display = ["stage"]


@admin.register(GateRecord)
class GateRecordAdmin(admin.ModelAdmin):
    """Frozen at approval and acceptance: readable here, never changed."""

    list_display = ["project", "gate", "decided_by", "decided_at", "approved_budget"]
    list_filter = ["gate"]
    search_fields = ["project__code", "project__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Pre-review: rules (edited through the service, so each edit is a new version) and its records.
from projects.prereview import admin as prereview_admin  # noqa: E402, F401
