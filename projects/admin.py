from django.contrib import admin

from projects.models import Milestone, Project


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "owner_org", "domain", "year", "stage", "budget_requested"]
    list_filter = ["stage", "domain", "year"]
    search_fields = ["code", "name", "description"]
    # The stage moves only through the lifecycle service, never by editing here.
    readonly_fields = ["code", "stage", "approved_budget", "approval_number", "created_by", "created_at"]
    autocomplete_fields = ["owner_org", "systems"]
    inlines = [MilestoneInline]
