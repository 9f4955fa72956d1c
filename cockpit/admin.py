from django.contrib import admin

from cockpit.models import StatusReport, StatusRule
from evaluation.admin import ReadOnlyAdmin


@admin.register(StatusRule)
class StatusRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "light", "threshold", "active"]
    list_editable = ["threshold", "active"]
    list_filter = ["kind", "light", "active"]


@admin.register(StatusReport)
class StatusReportAdmin(ReadOnlyAdmin):
    """History: read only (an owner's word as filed)."""

    list_display = ["project", "month", "light", "filed_by", "filed_at"]
    list_filter = ["light", "month"]
    search_fields = ["project__code", "project__name"]
