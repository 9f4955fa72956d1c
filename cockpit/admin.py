from django.contrib import admin

from cockpit.models import StatusReport, StatusRule


@admin.register(StatusRule)
class StatusRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "light", "threshold", "active"]
    list_editable = ["threshold", "active"]
    list_filter = ["kind", "light", "active"]


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin):
    """History: read only (an owner's word as filed)."""

    list_display = ["project", "month", "light", "filed_by", "filed_at"]
    list_filter = ["light", "month"]
    search_fields = ["project__code", "project__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
