from django.contrib import admin

from tasks.models import Notice, NoticeEvent, ProgressReport, Task, TaskImport, TaskTransition, TaskWarning


class TransitionInline(admin.TabularInline):
    model = TaskTransition
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """Reference view; assignment and the cycle go through the pages and services."""

    list_display = ["code", "title", "lead_org", "due_date", "status", "light", "progress"]
    list_filter = ["status", "light", "plan", "domain"]
    search_fields = ["code", "title", "lead_org__name"]
    readonly_fields = [
        "code",
        "status",
        "status_changed_at",
        "progress",
        "light",
        "open_warning_count",
        "open_notice_count",
        "last_report_at",
        "completed_at",
        "import_key",
        "created_by",
    ]
    autocomplete_fields = ["lead_org", "co_lead_orgs", "partner_orgs"]
    inlines = [TransitionInline]

    def has_add_permission(self, request):
        return False


@admin.register(TaskWarning)
class TaskWarningAdmin(admin.ModelAdmin):
    list_display = ["task", "kind", "opened_at", "closed_at", "notified_at"]
    list_filter = ["kind"]
    search_fields = ["task__code", "task__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoticeEventInline(admin.TabularInline):
    model = NoticeEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "by", "at", "text"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "task", "status", "level", "reply_due", "issued_by", "issued_at"]
    list_filter = ["status", "level", "year"]
    search_fields = ["task__code", "requirement"]
    ordering = ["-year", "-serial"]
    inlines = [NoticeEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["task", "org", "period", "percent", "by", "created_at"]
    search_fields = ["task__code", "text"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TaskImport)
class TaskImportAdmin(admin.ModelAdmin):
    list_display = ["display_name", "plan", "year", "state", "by", "created_at"]
    readonly_fields = ["file", "sha256", "result"]
